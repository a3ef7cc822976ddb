// Section 6: from POST /incidents to the unit's SMS in the outbox, through the local server and the whole local
// system (the alerts queue and its consumer run as they would), beside the floor of one DynamoDB Local write
// (a PutItem of an incident-sized item): one call at a time (the target), then several operators at once. The load
// runs in this process so the SMS's arrival is timed on the same clock as the request (performance.now); each
// incident is cancelled once its alert is in, freeing its unit.
import { randomUUID } from 'node:crypto';
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { demoKelurahan } from '#infra/local/demo-data.ts';
import type { LocalSystem } from '#infra/local/system.ts';
import { createUnit, setUnitStatus } from '#shared/incident/units.ts';
import { ddb } from '#shared/platform/dynamo.ts';
import { tableName } from '#shared/platform/tables.ts';
import { instrument, WRITES } from './dynamo-tally.ts';
import { closedLoop } from './load.ts';
import { percentile, round } from './stats.ts';

export interface IncidentRun {
  concurrency: number;
  alertP50Ms: number;
  alertP99Ms: number;
  replyP50Ms: number;
  replyP99Ms: number;
  floorP50Ms: number;
  floorP99Ms: number;
}

export interface IncidentSection {
  incidents: number;
  /** One call at a time, as the target is read: the software's own share of report → alert. */
  sequential: IncidentRun;
  /** Several operators at once (information: DynamoDB Local serialises transactions). */
  concurrent: IncidentRun;
  /** DynamoDB requests of one P1 report on its request path, and of its alert's delivery. */
  perIncident: { calls: Record<string, number>; awsWriteCapacityUnits: number };
  targetP99Ms: number;
  pass: boolean;
}

export const TARGET_P99_MS = 500;
const UNITS = 60;
const CENTRE = { lat: -1.61, lon: 103.61 };
const OPERATOR = { sub: 'bench-operator', roles: ['operator'] };

async function token(url: string, body: object): Promise<string> {
  const res = await fetch(new URL('/auth/dev-token', url), { method: 'POST', body: JSON.stringify(body) });
  return ((await res.json()) as { token: string }).token;
}

export async function benchIncidents(o: {
  system: LocalSystem;
  incidents: number;
  concurrency: number;
  warmup: number;
}): Promise<IncidentSection> {
  const { system } = o;
  const now = new Date().toISOString();
  for (let i = 0; i < UNITS; i++) {
    const id = `BENCH-AMB-${i}`;
    const ctx = { actor: OPERATOR, requestId: `bench-${id}`, now };
    await createUnit(
      {
        id,
        name: `Bench ambulance ${i}`,
        kind: 'AMBULANCE',
        phone: `+62811900${String(10_000 + i).slice(1)}`,
        location: { lat: CENTRE.lat + (i % 10) * 0.004, lon: CENTRE.lon + Math.floor(i / 10) * 0.004 },
        kelurahan: demoKelurahan()[0]!.code,
      },
      ctx,
    );
    await setUnitStatus(id, 'AVAILABLE', undefined, { ...ctx, requestId: `${ctx.requestId}-available` });
  }
  const operator = await token(system.url, { role: 'operator', sub: 'bench-operator' });
  const waiting = new Map<string, (at: number) => void>();
  /** When each incident's SMS landed, on this process's clock (it may land before the reply is read). */
  const arrivals = new Map<string, number>();
  const stop = system.outbox.listen((e) => {
    const id = e.channel === 'sms' ? /^incident-alert:([^:]+):/.exec(e.purpose)?.[1] : undefined;
    if (!id) return;
    const at = performance.now();
    arrivals.set(id, at);
    waiting.get(id)?.(at);
  });
  const post = (path: string, body: object, key?: string) =>
    fetch(new URL(path, system.url), {
      method: 'POST',
      headers: {
        authorization: `Bearer ${operator}`,
        'content-type': 'application/json',
        ...(key ? { 'idempotency-key': key } : {}),
      },
      body: JSON.stringify(body),
    });
  const report = (i: number) => ({
    callerPhone: `+62812${String(10_000_000 + i)}`,
    type: 'MEDICAL',
    description: 'Pasien sesak napas berat, tidak sadar',
    location: {
      lat: CENTRE.lat + (i % 37) * 0.001,
      lon: CENTRE.lon + (i % 23) * 0.001,
      address: `Jl. Bench ${i}`,
    },
  });

  let alertMs: number[] = [];
  let replyMs: number[] = [];
  const one = async (i: number, measured: boolean, cancel = true) => {
    let arrived: (at: number) => void = () => undefined;
    const alert = new Promise<number>((r) => {
      arrived = r;
    });
    const t0 = performance.now();
    const res = await post('/incidents', report(i), randomUUID());
    const tReply = performance.now();
    const body = (await res.json()) as { id: string; status: string };
    if (res.status !== 201 || body.status !== 'DISPATCHED')
      throw new Error(`POST /incidents: HTTP ${res.status} ${JSON.stringify(body)}`);
    waiting.set(body.id, arrived);
    const tAlert = arrivals.get(body.id) ?? (await alert);
    waiting.delete(body.id);
    arrivals.delete(body.id);
    if (measured) {
      alertMs.push(tAlert - t0);
      replyMs.push(tReply - t0);
    }
    if (!cancel) return body.id;
    const cancelled = await post(`/incidents/${body.id}/status`, { status: 'CANCELLED', note: 'bench' });
    if (cancelled.status !== 200) throw new Error(`cancel: HTTP ${cancelled.status}`);
    return body.id;
  };

  // One report alone: its DynamoDB requests (the request path and the alert's delivery).
  const { tally, reset } = instrument();
  reset();
  const first = await one(-1, false, false);
  await system.queue.drain();
  const single = { ...tally.calls };
  const awsWcu = tally.awsWcu;
  await post(`/incidents/${first}/status`, { status: 'CANCELLED', note: 'bench' });

  await closedLoop(o.warmup, o.concurrency, async (i) => {
    await one(100_000 + i, false);
  });
  // The floor: one PutItem of an incident-sized item, the same count at the same concurrency.
  const item = { description: 'x'.repeat(600), number: '112-2026-000000', status: 'DISPATCHED' };
  let floorSeq = 0;
  const run = async (concurrency: number, offset: number): Promise<IncidentRun> => {
    alertMs = [];
    replyMs = [];
    await closedLoop(o.incidents, concurrency, async (i) => {
      await one(offset + i, true);
    });
    const floor = await closedLoop(o.incidents, concurrency, async () => {
      await ddb().send(
        new PutCommand({
          TableName: tableName('incidents'),
          Item: { pk: `BENCHFLOOR#${floorSeq++}`, sk: 'X', ...item },
        }),
      );
    });
    return {
      concurrency,
      alertP50Ms: round(percentile(alertMs, 50)),
      alertP99Ms: round(percentile(alertMs, 99)),
      replyP50Ms: round(percentile(replyMs, 50)),
      replyP99Ms: round(percentile(replyMs, 99)),
      floorP50Ms: round(percentile(floor, 50)),
      floorP99Ms: round(percentile(floor, 99)),
    };
  };
  const sequential = await run(1, 0);
  const concurrent = await run(o.concurrency, 200_000);
  stop();
  const writes = Object.keys(single).filter((k) => WRITES.test(k));
  return {
    incidents: o.incidents,
    sequential,
    concurrent,
    perIncident: { calls: single, awsWriteCapacityUnits: awsWcu },
    targetP99Ms: TARGET_P99_MS,
    pass: sequential.alertP99Ms < TARGET_P99_MS && writes.length > 0,
  };
}
