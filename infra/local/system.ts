// Assembles the whole system on a laptop: the configured city's regions (CITY_CODE, from idn-area-data), DynamoDB
// Local, the tables, the local adapters (outbox, in-process bus, upload folder, staff accounts) in place of SNS,
// EventBridge, S3 and Cognito, demo data, and the HTTP server.
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { DeleteCommand } from '@aws-sdk/lib-dynamodb';
import { city, setCityRegions } from '#shared/city/regions.ts';
import { setAccounts } from '#shared/platform/accounts.ts';
import { setEventBus } from '#shared/platform/bus.ts';
import { config, resetConfig } from '#shared/platform/config.ts';
import { ddb, setDdb } from '#shared/platform/dynamo.ts';
import { logger } from '#shared/platform/logger.ts';
import { localMacKey, setMacKey } from '#shared/platform/mac.ts';
import { setNotifier } from '#shared/platform/notifier.ts';
import { setObjectStore } from '#shared/platform/object-store.ts';
import { setQueue } from '#shared/platform/queues.ts';
import { tableName } from '#shared/platform/tables.ts';
import { setTimers } from '#shared/platform/timers.ts';
import { fireKey, type SmsJob } from '#shared/reminder/keys.ts';
import { cityRegionsFromPackage } from '../regions.ts';
import { localAccounts } from './accounts.ts';
import { InProcessBus } from './bus.ts';
import { DevTokens } from './dev-token.ts';
import { createTables, type DynamoLocal, startDynamoLocal } from './dynamodb-local.ts';
import { migrateLocalData } from './migrate.ts';
import { FolderObjectStore } from './object-store.ts';
import { Outbox } from './outbox.ts';
import { InProcessQueue } from './queue.ts';
import { seedDemoData, seedDemoFunds, seededCityOf } from './seed.ts';
import { LocalServer } from './server.ts';
import { LocalSmsDelivery } from './sms-delivery.ts';
import { LocalTimers } from './timers.ts';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
/** Written into the data folder while a server runs on it, so `npm run job` can find it. */
export const SERVER_FILE = 'server.json';
/** PUBLIC_BASE_URL as the developer set it, before a server sets its own. */
const configuredBaseUrl = process.env.PUBLIC_BASE_URL;

/** Each city's local data has a folder of its own: .data/15.71/, .data/21.72/ … */
export function dataDirFor(cityCode: string): string {
  return join(ROOT, '.data', cityCode);
}

/**
 * Data kept before cities had folders of their own (.data/dynamodb, .data/outbox.jsonl …) was Kota Jambi's: it moves
 * into .data/15.71/ the first time, unless that folder exists already.
 */
export function moveUnfolderedData(log: (line: string) => void): void {
  const root = join(ROOT, '.data');
  const target = dataDirFor('15.71');
  if (!existsSync(join(root, 'dynamodb')) || existsSync(target)) return;
  mkdirSync(target, { recursive: true });
  for (const name of readdirSync(root)) {
    if (/^\d{2}\.\d{2}$/.test(name) || name === 'tmp') continue;
    renameSync(join(root, name), join(target, name));
  }
  log('[migrate] local data moved to .data/15.71/ (each city now keeps its own folder)');
}

/** Installs the configured city's regions (CITY_CODE) from idn-area-data, as a function has them bundled. */
export function installCity(): void {
  resetConfig();
  setCityRegions(cityRegionsFromPackage(config().CITY_CODE));
}

export interface LocalSystemOptions {
  port?: number;
  /** The address to listen on (default 127.0.0.1; 0.0.0.0 for a phone on the network). */
  host?: string;
  /** Where data is kept across restarts; undefined = in memory, lost on exit. */
  dataDir?: string;
  seed?: boolean;
  /** With the demo data, the demo RTs' fund ledgers of this year too (`npm start`; the tests' ledgers start empty). */
  demoFunds?: boolean;
  /** An already running DynamoDB Local (tests share one). */
  dynamoEndpoint?: string;
  quiet?: boolean;
  /** 'manual': timers wait for `timers.runDue()` (tests); 'real' (default): they fire on time. */
  timers?: 'real' | 'manual';
  /** Wait before a failed queue message is delivered again (default 500 ms; SQS waits its visibility timeout). */
  queueRetryMs?: number;
}

export interface LocalSystem {
  url: string;
  dynamoEndpoint: string;
  /** The DynamoDB Local process this system started (none when it was given an endpoint). */
  dynamoPid?: number;
  outbox: Outbox;
  bus: InProcessBus;
  queue: InProcessQueue;
  timers: LocalTimers;
  /** SNS's delivery reports of the outbox's SMS. */
  deliveries: LocalSmsDelivery;
  tokens: DevTokens;
  seeded?: { rts: number; residents: number; units: number; puskesmas: number; fundEntries?: number };
  stop(): Promise<void>;
}

/** Sets the environment the handlers read, as the CDK stack sets a function's. */
function localEnvironment(endpoint: string): void {
  process.env.DYNAMODB_ENDPOINT = endpoint;
  // A client made for an earlier endpoint (a restart in the same process) must not be reused.
  setDdb(undefined);
  process.env.AWS_REGION ??= 'ap-southeast-3';
  process.env.POWERTOOLS_SERVICE_NAME ??= 'sehatkota-local';
  process.env.POWERTOOLS_DEV ??= 'true';
  // No SNS here to sign inbound SMS: a developer posts the two-way SMS JSON to /sms/inbound as it is.
  process.env.SMS_INBOUND_VERIFY ??= 'off';
}

function secret(dataDir: string | undefined): string {
  if (!dataDir) return randomBytes(32).toString('hex');
  const file = join(dataDir, 'dev-secret');
  if (!existsSync(file)) writeFileSync(file, randomBytes(32).toString('hex'), { mode: 0o600 });
  return readFileSync(file, 'utf8').trim();
}

/** Deletes the fire of every reminder still waiting in the in-process queue (if it is still only queued). */
async function takeBackWaitingFires(queue: InProcessQueue, log: (line: string) => void): Promise<void> {
  const waiting = queue.deferred().filter((d) => d.queue === 'sms');
  for (const { body } of waiting) {
    const job = body as SmsJob;
    await ddb()
      .send(
        new DeleteCommand({
          TableName: tableName('reminders'),
          Key: fireKey(job.nik, job.fireId),
          ConditionExpression: '#s = :queued',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':queued': 'QUEUED' },
        }),
      )
      .catch(() => undefined);
  }
  if (waiting.length) {
    log(`[queue] ${waiting.length} SMS were waiting for their hour; taken back, the next job run sends them`);
  }
}

export async function startLocalSystem(opts: LocalSystemOptions = {}): Promise<LocalSystem> {
  const log = opts.quiet ? () => undefined : console.log;
  // Quiet (tests, the benchmark): the functions' own INFO lines go too.
  if (opts.quiet) logger.setLogLevel('WARN');
  installCity();
  if (opts.dataDir) mkdirSync(opts.dataDir, { recursive: true });
  const dynamo: DynamoLocal | undefined = opts.dynamoEndpoint
    ? undefined
    : await startDynamoLocal(opts.dataDir ? { dbPath: join(opts.dataDir, 'dynamodb') } : {});
  const endpoint = opts.dynamoEndpoint ?? dynamo!.endpoint;
  try {
    localEnvironment(endpoint);
    setAccounts(localAccounts);
    await createTables(endpoint);
    // Data kept from an earlier version gets the indexes (and index keys) added since.
    if (opts.dataDir) await migrateLocalData(endpoint, log);
    const key = secret(opts.dataDir);
    const outbox = new Outbox(opts.dataDir ? join(opts.dataDir, 'outbox.jsonl') : undefined, !opts.quiet);
    const bus = new InProcessBus(ROOT, log);
    const queue = new InProcessQueue(ROOT, log, opts.queueRetryMs);
    const timers = new LocalTimers(ROOT, opts.timers ?? 'real', log);
    const deliveries = new LocalSmsDelivery(ROOT, outbox, log);
    let server: LocalServer | undefined;
    const uploads = new FolderObjectStore(
      join(opts.dataDir ?? join(ROOT, '.data', 'tmp'), 'uploads'),
      () => server?.url ?? '',
      key,
    );
    setNotifier(outbox);
    setEventBus(bus);
    setQueue(queue);
    setTimers(timers);
    // Kept in .data/ with the dev secret, so a letter's QR code stays valid across restarts.
    setMacKey(localMacKey(`verify:${key}`));
    setObjectStore(uploads);
    const tokens = new DevTokens(key);
    let seeded: LocalSystem['seeded'];
    const seededCity = await seededCityOf();
    if (seededCity && seededCity !== city().code) {
      throw new Error(
        `This data is of city ${seededCity}, but CITY_CODE is ${city().code}: each city keeps its own data folder`,
      );
    }
    if (opts.seed !== false && !seededCity) {
      seeded = await seedDemoData();
      if (opts.demoFunds) seeded.fundEntries = await seedDemoFunds();
      await bus.drain();
    }
    server = new LocalServer({
      root: ROOT,
      port: opts.port ?? 3000,
      ...(opts.host ? { host: opts.host } : {}),
      tokens,
      outbox,
      bus,
      queue,
      uploads,
      log,
    });
    const url = await server.listen();
    // Links on letters and in SMS point at this server, or where PUBLIC_BASE_URL says (a phone on the LAN):
    // never at a request's Host header.
    process.env.PUBLIC_BASE_URL = configuredBaseUrl || url;
    const serverFile = opts.dataDir ? join(opts.dataDir, SERVER_FILE) : undefined;
    if (serverFile && opts.port !== 0) writeFileSync(serverFile, JSON.stringify({ url, pid: process.pid }));
    return {
      url,
      dynamoEndpoint: endpoint,
      ...(dynamo?.process.pid ? { dynamoPid: dynamo.process.pid } : {}),
      outbox,
      bus,
      queue,
      timers,
      deliveries,
      tokens,
      ...(seeded ? { seeded } : {}),
      async stop() {
        if (serverFile && opts.port !== 0) rmSync(serverFile, { force: true });
        await server?.close();
        await timers.stop();
        await queue.drain();
        // Reminders still waiting for their hour (or the end of quiet hours) go with the process: their fires
        // are taken back, so the next run of the job sends them.
        await takeBackWaitingFires(queue, log);
        queue.stop();
        await deliveries.stop();
        await bus.drain();
        await dynamo?.stop();
      },
    };
  } catch (error) {
    await dynamo?.stop();
    throw error;
  }
}
