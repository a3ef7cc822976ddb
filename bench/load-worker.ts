// A load generator in its own process, as a clinic's client would be: it sends `requests` coverage
// checks with `concurrency` in flight, either through the local server (HTTP) or straight to DynamoDB
// Local (the floor), and prints {p50Ms, p99Ms} as one JSON line. Config arrives as JSON on argv[2].

import { readFileSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { closedLoop } from './load.ts';
import { percentile } from './stats.ts';

export interface LoadConfig {
  side: 'server' | 'floor' | 'attest' | 'transact' | 'post';
  niks: string[];
  requests: number;
  concurrency: number;
  warmup: number;
  /** server */
  url?: string;
  token?: string;
  /** floor */
  dynamoEndpoint?: string;
  table?: string;
  /** attest: one POST /attestations body per request, and the chairs' tokens (request i uses i mod n) */
  bodiesFile?: string;
  tokens?: string[];
  /** post: {warmup, measured} lists of {path, token, body}, each POSTed as JSON with its own Idempotency-Key */
  postsFile?: string;
  /** transact: {warmup, measured} lists of TransactWriteItems inputs, sent as they are */
  transactionsFile?: string;
}

function post(agent: Agent, url: URL, headers: Record<string, string>, body: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method: 'POST', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

/** Configured as shared/platform/dynamo.ts configures the functions' client. */
function documentClient(endpoint: string): DynamoDBDocumentClient {
  return DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint,
      region: 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 5,
    }),
  );
}

/** Request numbers from here on are warm-up requests (attest side). */
const WARMUP_BASE = 1_000_000;

function get(agent: Agent, url: URL, headers: Record<string, string>): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, headers }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end();
  });
}

async function main(config: LoadConfig): Promise<void> {
  let op: (i: number) => Promise<void>;
  let close: () => void;
  if (config.side === 'attest') {
    const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency });
    const bodies = JSON.parse(readFileSync(config.bodiesFile!, 'utf8')) as unknown[];
    const url = new URL('/attestations', config.url);
    const tokens = config.tokens!;
    // Warm-up requests take bodies from the end of the list, the measured ones from the start.
    op = async (i) => {
      const n = i >= WARMUP_BASE ? bodies.length - 1 - (i - WARMUP_BASE) : i;
      const status = await post(
        agent,
        url,
        {
          authorization: `Bearer ${tokens[n % tokens.length]}`,
          'content-type': 'application/json',
          'idempotency-key': `bench-${n}-${process.pid}`,
        },
        JSON.stringify(bodies[n]),
      );
      if (status !== 201) throw new Error(`POST /attestations #${n}: HTTP ${status}`);
    };
    close = () => agent.destroy();
  } else if (config.side === 'post') {
    const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency });
    type Post = { path: string; token: string; body: unknown };
    const { warmup, measured } = JSON.parse(readFileSync(config.postsFile!, 'utf8')) as Record<
      'warmup' | 'measured',
      Post[]
    >;
    op = async (i) => {
      const p = i >= WARMUP_BASE ? warmup[i - WARMUP_BASE]! : measured[i]!;
      const headers = {
        authorization: `Bearer ${p.token}`,
        'content-type': 'application/json',
        'idempotency-key': `bench-${i}-${process.pid}`,
      };
      const status = await post(agent, new URL(p.path, config.url), headers, JSON.stringify(p.body));
      if (status !== 201) throw new Error(`POST ${p.path}: HTTP ${status}`);
    };
    close = () => agent.destroy();
  } else if (config.side === 'transact') {
    const doc = documentClient(config.dynamoEndpoint!);
    const { warmup, measured } = JSON.parse(readFileSync(config.transactionsFile!, 'utf8')) as Record<
      'warmup' | 'measured',
      TransactWriteCommandInput[]
    >;
    op = async (i) => {
      const input = i >= WARMUP_BASE ? warmup[i - WARMUP_BASE]! : measured[i]!;
      await doc.send(new TransactWriteCommand(input));
    };
    close = () => doc.destroy();
  } else if (config.side === 'server') {
    const agent = new Agent({ keepAlive: true, maxSockets: config.concurrency });
    const headers = { authorization: `Bearer ${config.token}` };
    const urls = config.niks.map((nik) => new URL(`/coverage/${nik}`, config.url));
    op = async (i) => {
      const status = await get(agent, urls[i % urls.length]!, headers);
      if (status !== 200) throw new Error(`GET ${urls[i % urls.length]!.pathname}: HTTP ${status}`);
    };
    close = () => agent.destroy();
  } else {
    const doc = documentClient(config.dynamoEndpoint!);
    op = async (i) => {
      const nik = config.niks[i % config.niks.length];
      const out = await doc.send(
        new GetCommand({
          TableName: config.table,
          Key: { pk: `RES#${nik}`, sk: 'PROFILE' },
          ConsistentRead: true,
          ProjectionExpression: 'coverage',
        }),
      );
      if (!out.Item) throw new Error(`floor GetItem found no resident ${nik}`);
    };
    close = () => doc.destroy();
  }
  // Warm-up (not counted): connections open, JIT warm, DynamoDB Local's caches hot.
  const warmupBase = ['attest', 'transact', 'post'].includes(config.side) ? WARMUP_BASE : 7919;
  await closedLoop(config.warmup, config.concurrency, (i) => op(i + warmupBase));
  const started = performance.now();
  const latencies = await closedLoop(config.requests, config.concurrency, op);
  const seconds = (performance.now() - started) / 1000;
  close();
  process.stdout.write(
    `${JSON.stringify({ p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99), seconds })}\n`,
  );
}

main(JSON.parse(process.argv[2] ?? '{}') as LoadConfig).catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
