// Section 4: POST /attestations through the local server: latency with `concurrency` in flight (the load from a
// separate process, as the chairs' phones would be), the DynamoDB requests one attestation makes on its request
// path, by operation, and the write capacity they consume (ReturnConsumedCapacity, added to every call here).
//
// The request-path count is taken on one attestation with the event bus swapped for a recorder, so the SMS
// handler's own reads and writes (which run after the reply, off the request path) are not in it; the load
// run keeps the real bus, and its totals per attestation (request path + SMS handler) are reported beside.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTables } from '#infra/local/dynamodb-local.ts';
import { addRts } from '#infra/local/seed.ts';
import { listRts, type Rt } from '#shared/city/rts.ts';
import { type AppEvent, type EventBus, setEventBus } from '#shared/platform/bus.ts';
import { resetConfig } from '#shared/platform/config.ts';
import { TABLES, type TableName, tableName } from '#shared/platform/tables.ts';
import { makeNik } from '#shared/registry/nik.ts';
import { runLoad } from './coverage.ts';
import { instrument, WRITES } from './dynamo-tally.ts';
import { chairToken } from './load.ts';
import { round } from './stats.ts';

export interface AttestationSection {
  requests: number;
  concurrency: number;
  /** The whole local system: SMS handlers run after each reply. */
  p50Ms: number;
  p99Ms: number;
  /** The request path alone (events recorded, not handled). */
  requestPathP50Ms: number;
  requestPathP99Ms: number;
  /** The same committed transactions sent straight to DynamoDB Local, same concurrency. */
  floorP50Ms: number;
  floorP99Ms: number;
  requestPath: {
    calls: Record<string, number>;
    /** As DynamoDB Local reports them. */
    writeCapacityUnits: number;
    readCapacityUnits: number;
    /** As AWS bills a transaction: 2 WCU per item of up to 1 KB. */
    awsWriteCapacityUnits: number;
  };
  perAttestationUnderLoad: Record<string, number>;
  /** Calls that failed under load and were retried (TransactionConflict on shared counters), per attestation. */
  failuresUnderLoad: Record<string, number>;
  eventsPerAttestation: string[];
  pass: boolean;
}

interface Options {
  url: string;
  dynamoEndpoint: string;
  /** The local system's bus, put back after the single measured request. */
  bus: EventBus & { drain(): Promise<void> };
  rts: readonly Pick<Rt, 'rt'>[];
  requests: number;
  concurrency: number;
  warmup: number;
}

/** Empty copies of the tables (the RTs copied, which a registration checks), named floor-<n>; old name → new. */
async function floorCopy(endpoint: string): Promise<Record<string, string>> {
  const rts = await listRts();
  const names: Record<string, string> = {};
  const saved: Record<string, string | undefined> = {};
  const stamp = Date.now().toString(36);
  for (const [name, def] of Object.entries(TABLES)) {
    names[tableName(name as TableName)] = `floor-${stamp}-${name}`;
    saved[def.envVar] = process.env[def.envVar];
    process.env[def.envVar] = `floor-${stamp}-${name}`;
  }
  try {
    await createTables(endpoint);
    await addRts(rts);
  } finally {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
  return names;
}

/** New residents (request i goes to chair i mod n, whose RT the handler takes from the token). */
function newResidents(count: number) {
  return Array.from({ length: count }, (_, i) => {
    const female = i % 2 === 1;
    const birthDate = `19${50 + (i % 50)}-${String(1 + (i % 12)).padStart(2, '0')}-${String(1 + (i % 28)).padStart(2, '0')}`;
    return {
      nik: makeNik({
        regionCode: '157104',
        birthDate,
        sex: female ? 'F' : 'M',
        sequence: 5000 + Math.floor(i / 2),
      }),
      name: `${female ? 'Siti' : 'Budi'} Benchmark ${i}`,
      birthDate,
      sex: female ? 'F' : 'M',
      phone: `+62812${String(10_000_000 + i).padStart(8, '0')}`,
      reason: 'Warga tidak mampu, perlu berobat ke puskesmas hari ini',
    };
  });
}

export async function benchAttestations(o: Options): Promise<AttestationSection> {
  const perRun = o.requests + o.warmup;
  // Each chair issues many here; the daily limit is the product's, not the benchmark's, question.
  process.env.ATTESTATION_DAILY_LIMIT = String(2 * perRun + 10);
  resetConfig();
  const tokens = await Promise.all(o.rts.map((rt) => chairToken(o.url, rt.rt)));
  const bodies = newResidents(2 * perRun + 1);
  const { tally, reset } = instrument();
  const events: AppEvent[] = [];
  const recorder = { publish: async (e: AppEvent[]) => void events.push(...e) };
  const dir = mkdtempSync(join(tmpdir(), 'sehatkota-bench-'));
  const load = (part: unknown[], name: string) => {
    const bodiesFile = join(dir, `${name}.json`);
    writeFileSync(bodiesFile, JSON.stringify(part));
    return runLoad({
      side: 'attest',
      niks: [],
      requests: o.requests,
      concurrency: o.concurrency,
      warmup: o.warmup,
      url: o.url,
      bodiesFile,
      tokens,
    });
  };
  try {
    // 1. One attestation alone, events recorded instead of handled: the request path's own DynamoDB calls.
    setEventBus(recorder);
    reset();
    const res = await fetch(new URL('/attestations', o.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${tokens[0]}`,
        'content-type': 'application/json',
        'idempotency-key': `bench-single-${process.pid}`,
      },
      body: JSON.stringify(bodies[2 * perRun]),
    });
    if (res.status !== 201) throw new Error(`POST /attestations: HTTP ${res.status} ${await res.text()}`);
    const requestPath = {
      calls: { ...tally.calls },
      writeCapacityUnits: round(tally.wcu, 1),
      readCapacityUnits: round(tally.rcu, 1),
      awsWriteCapacityUnits: tally.awsWcu,
    };
    const eventsPerAttestation = events.map((e) => `${e.source} ${e.detailType}`);

    // 2. The whole local system: each reply's SMS handlers run (in this process, on the same DynamoDB Local)
    // as the event rules route them.
    setEventBus(o.bus);
    reset();
    const whole = await load(bodies.slice(perRun, 2 * perRun), 'whole');
    await o.bus.drain();
    const underLoad = { calls: { ...tally.calls }, failures: { ...tally.failures } };
    setEventBus(recorder);
    // 3. The request path under load (events recorded, not handled): what the floor compares with. It runs
    // after step 2, so DynamoDB Local's JVM is as warm for it as for the floor.
    reset();
    const pathOnly = await load(bodies.slice(0, perRun), 'path-only');
    const committed = tally.transactions.filter((t) => JSON.stringify(t).includes('"attestation#'));

    // 4. The floor: the very transactions step 3 committed, sent straight to DynamoDB Local (fresh tables,
    // same RTs) from another process at the same concurrency, without HTTP, token, validation or reads.
    const floorTables = await floorCopy(o.dynamoEndpoint);
    const rename = (t: Record<string, unknown>) =>
      JSON.parse(
        JSON.stringify(t).replace(
          /"TableName":"([^"]+)"/g,
          (_m, n: string) => `"TableName":"${floorTables[n] ?? n}"`,
        ),
      );
    const transactionsFile = join(dir, 'transactions.json');
    writeFileSync(
      transactionsFile,
      JSON.stringify({
        warmup: committed.slice(0, o.warmup).map(rename),
        measured: committed.slice(o.warmup).map(rename),
      }),
    );
    const floor = await runLoad({
      side: 'transact',
      niks: [],
      requests: Math.min(o.requests, committed.length - o.warmup),
      concurrency: o.concurrency,
      warmup: o.warmup,
      dynamoEndpoint: o.dynamoEndpoint,
      transactionsFile,
    });

    const per = (counts: Record<string, number>, digits: number) =>
      Object.fromEntries(Object.entries(counts).map(([k, v]) => [k, round(v / perRun, digits)]));
    const writes = Object.keys(requestPath.calls).filter((k) => WRITES.test(k));
    return {
      requests: o.requests,
      concurrency: o.concurrency,
      p50Ms: round(whole.p50Ms, 3),
      p99Ms: round(whole.p99Ms, 3),
      requestPathP50Ms: round(pathOnly.p50Ms, 3),
      requestPathP99Ms: round(pathOnly.p99Ms, 3),
      floorP50Ms: round(floor.p50Ms, 3),
      floorP99Ms: round(floor.p99Ms, 3),
      requestPath,
      perAttestationUnderLoad: per(underLoad.calls, 2),
      failuresUnderLoad: per(underLoad.failures, 3),
      eventsPerAttestation,
      // Target: one TransactWriteItems (which carries the idempotency record) and no other write.
      pass: requestPath.calls.TransactWriteItems === 1 && writes.length === 1,
    };
  } finally {
    setEventBus(o.bus);
    rmSync(dir, { recursive: true, force: true });
  }
}
