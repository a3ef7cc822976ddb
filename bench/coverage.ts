// Section 2: GET /coverage/{nik} through the local server against its floor, the same consistent GetItem
// (same key, same projection) sent straight to DynamoDB Local with the same concurrency.
//
// The load generator runs in a process of its own (bench/load-worker.ts), as a clinic's client would, for
// both sides; the server side's latency includes the HTTP hop, token check and handler. Both share the
// machine with DynamoDB Local. Runs alternate floor, server, floor, server, ... and each side reports its
// best run (lowest p50), so a noisy moment does not fall on one side only.

import { spawn } from 'node:child_process';
import { Agent, request } from 'node:http';
import { tableName } from '#shared/platform/tables.ts';
import type { LoadConfig } from './load-worker.ts';
import { round } from './stats.ts';

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

/** Runs bench/load-worker.ts in a process of its own with this config; resolves to its p50/p99. */
export function runLoad(config: LoadConfig): Promise<{ p50Ms: number; p99Ms: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'bench/load-worker.ts', JSON.stringify(config)],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let out = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.on('error', reject);
    child.on('exit', (code) =>
      code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`load worker exited ${code}`)),
    );
  });
}

export async function benchCoverage(o: Options): Promise<CoverageSection> {
  const agent = new Agent({ keepAlive: false });
  const tokenReply = await httpCall(
    agent,
    new URL('/auth/dev-token', o.url),
    'POST',
    { 'content-type': 'application/json' },
    JSON.stringify({ role: 'clinic' }),
  );
  agent.destroy();
  if (tokenReply.status !== 200) throw new Error(`dev token: HTTP ${tokenReply.status} ${tokenReply.body}`);
  const token = (JSON.parse(tokenReply.body) as { token: string }).token;
  const common = { niks: [...o.niks], requests: o.requests, concurrency: o.concurrency, warmup: o.warmup };
  const configs = {
    floor: { ...common, side: 'floor', dynamoEndpoint: o.dynamoEndpoint, table: tableName('registry') },
    server: { ...common, side: 'server', url: o.url, token },
  } satisfies Record<string, LoadConfig>;

  const runs: CoverageSection['runs'] = { server: [], floor: [] };
  for (let round = 0; round < o.rounds; round++) {
    for (const side of ['floor', 'server'] as const) runs[side].push(await runLoad(configs[side]));
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
