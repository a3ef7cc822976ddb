// Section 2: GET /coverage/{nik} through the local server against its floor, the same consistent GetItem
// (same key, same projection) sent straight to DynamoDB Local with the same concurrency.
//
// The load generator runs in the same process as the local server (and the floor's client), so the two
// compete for the same event loop: the server's numbers include that, the floor's include only the client.
// Both share the machine with DynamoDB Local. Runs alternate floor, server, floor, server, ... and each side
// reports its best run (lowest p50), so a noisy moment does not fall on one side only.
import { Agent, request } from 'node:http';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { tableName } from '#shared/platform/tables.ts';
import { closedLoop } from './load.ts';
import { percentile, round } from './stats.ts';

export const MAX_P50_RATIO = 1.5;

export interface CoverageSection {
  requests: number;
  concurrency: number;
  p50Ms: number;
  p99Ms: number;
  floorP50Ms: number;
  floorP99Ms: number;
  ratioP50: number;
  pass: boolean;
  runs: { server: { p50Ms: number; p99Ms: number }[]; floor: { p50Ms: number; p99Ms: number }[] };
}

interface Options {
  url: string;
  dynamoEndpoint: string;
  niks: readonly string[];
  requests: number;
  concurrency: number;
  warmup: number;
  rounds: number;
}

function httpCall(
  agent: Agent,
  url: URL,
  method: string,
  headers: Record<string, string>,
  body?: string,
): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { agent, method, headers }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        text += d;
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export async function benchCoverage(o: Options): Promise<CoverageSection> {
  const agent = new Agent({ keepAlive: true, maxSockets: o.concurrency });
  const base = new URL(o.url);
  const tokenReply = await httpCall(
    agent,
    new URL('/auth/dev-token', base),
    'POST',
    { 'content-type': 'application/json' },
    JSON.stringify({ role: 'clinic' }),
  );
  if (tokenReply.status !== 200) throw new Error(`dev token: HTTP ${tokenReply.status} ${tokenReply.body}`);
  const auth = { authorization: `Bearer ${(JSON.parse(tokenReply.body) as { token: string }).token}` };
  const urls = o.niks.map((nik) => new URL(`/coverage/${nik}`, base));

  const server = async (i: number) => {
    const r = await httpCall(agent, urls[i % urls.length]!, 'GET', auth);
    if (r.status !== 200)
      throw new Error(`GET ${urls[i % urls.length]!.pathname}: HTTP ${r.status} ${r.body}`);
  };

  // The floor's client is configured as shared/platform/dynamo.ts configures the functions' client.
  const doc = DynamoDBDocumentClient.from(
    new DynamoDBClient({
      endpoint: o.dynamoEndpoint,
      region: process.env.AWS_REGION ?? 'local',
      credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
      maxAttempts: 5,
    }),
  );
  const table = tableName('registry');
  const floor = async (i: number) => {
    const out = await doc.send(
      new GetCommand({
        TableName: table,
        Key: { pk: `RES#${o.niks[i % o.niks.length]}`, sk: 'PROFILE' },
        ConsistentRead: true,
        ProjectionExpression: 'coverage',
      }),
    );
    if (!out.Item) throw new Error(`floor GetItem found no resident ${o.niks[i % o.niks.length]}`);
  };

  const runs: CoverageSection['runs'] = { server: [], floor: [] };
  try {
    for (let round = 0; round < o.rounds; round++) {
      for (const [side, op] of [
        ['floor', floor],
        ['server', server],
      ] as const) {
        // Warm-up (not counted): connections open, JIT warm, DynamoDB Local's caches hot.
        await closedLoop(o.warmup, o.concurrency, (i) => op(i + round * 7919));
        const latencies = await closedLoop(o.requests, o.concurrency, op);
        runs[side].push({ p50Ms: percentile(latencies, 50), p99Ms: percentile(latencies, 99) });
      }
    }
  } finally {
    agent.destroy();
    doc.destroy();
  }
  const best = (r: { p50Ms: number; p99Ms: number }[]) => [...r].sort((a, b) => a.p50Ms - b.p50Ms)[0]!;
  const s = best(runs.server);
  const f = best(runs.floor);
  const ratio = s.p50Ms / f.p50Ms;
  const r3 = (x: { p50Ms: number; p99Ms: number }) => ({
    p50Ms: round(x.p50Ms, 3),
    p99Ms: round(x.p99Ms, 3),
  });
  return {
    requests: o.requests,
    concurrency: o.concurrency,
    p50Ms: round(s.p50Ms, 3),
    p99Ms: round(s.p99Ms, 3),
    floorP50Ms: round(f.p50Ms, 3),
    floorP99Ms: round(f.p99Ms, 3),
    ratioP50: round(ratio, 3),
    pass: ratio <= MAX_P50_RATIO,
    runs: { server: runs.server.map(r3), floor: runs.floor.map(r3) },
  };
}
