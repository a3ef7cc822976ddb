// What the local system used, as AWS would bill it: every handler invocation with its duration (Lambda), the HTTP
// routes among them (API Gateway), every DynamoDB request with the capacity DynamoDB Local says it consumed, the SMS
// and their parts (SNS), events published (EventBridge), messages queued (SQS), presigned uploads and reads (S3),
// HMAC calls (KMS). Watches the adapters local mode already has; `snapshot()` now and then, `diff()` for a phase.

import { watchInvocations } from '#infra/local/modules.ts';
import type { LocalSystem } from '#infra/local/system.ts';
import { setEventBus } from '#shared/platform/bus.ts';
import { ddb } from '#shared/platform/dynamo.ts';
import { macKey, setMacKey } from '#shared/platform/mac.ts';
import { objectStore, setObjectStore } from '#shared/platform/object-store.ts';
import { type Queue, setQueue } from '#shared/platform/queues.ts';
import { ROUTES } from '#shared/platform/routes.ts';

export interface Usage {
  /** By handler file: invocations and their summed milliseconds. */
  functions: Record<string, { invocations: number; ms: number }>;
  apiRequests: number;
  dynamo: { requests: number; readUnits: number; writeUnits: number; itemsRead: number };
  sms: { messages: number; parts: number };
  events: number;
  sqsMessages: number;
  s3: { puts: number; gets: number };
  kmsRequests: number;
}

export const emptyUsage = (): Usage => ({
  functions: {},
  apiRequests: 0,
  dynamo: { requests: 0, readUnits: 0, writeUnits: 0, itemsRead: 0 },
  sms: { messages: 0, parts: 0 },
  events: 0,
  sqsMessages: 0,
  s3: { puts: 0, gets: 0 },
  kmsRequests: 0,
});

const WRITES = /Write|Put|Update|Delete/;
const ROUTE_HANDLERS = new Set(ROUTES.map((r) => r.handler));
const MIDDLEWARE = 'benchCityMeter';

/** Items a read returned: a Query's or Scan's Count, a GetItem's Item, a BatchGetItem's Responses. */
function itemsOf(output: Record<string, unknown>): number {
  if (typeof output.Count === 'number') return output.Count;
  if ('Item' in output) return output.Item ? 1 : 0;
  const responses = output.Responses as Record<string, unknown[]> | unknown[] | undefined;
  if (Array.isArray(responses)) return responses.filter((r) => (r as { Item?: unknown })?.Item).length;
  if (responses) return Object.values(responses).reduce((n, list) => n + list.length, 0);
  return 0;
}

export interface Meter {
  snapshot(): Usage;
  /** The counting queue, to put back after a section swaps in its own. */
  queue: Queue;
  stop(): void;
}

export function startMeter(system: LocalSystem): Meter {
  const u = emptyUsage();
  const stopWatching = watchInvocations((i) => {
    const f = u.functions[i.handler] ?? { invocations: 0, ms: 0 };
    u.functions[i.handler] = f;
    f.invocations++;
    f.ms += i.ms;
    if (ROUTE_HANDLERS.has(i.handler)) u.apiRequests++;
  });
  ddb().middlewareStack.remove(MIDDLEWARE);
  ddb().middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? '');
      const input = args.input as Record<string, unknown>;
      input.ReturnConsumedCapacity ??= 'TOTAL';
      const out = await next(args);
      const output = out.output as Record<string, unknown>;
      const units = [output.ConsumedCapacity]
        .flat()
        .reduce((s: number, c) => s + ((c as { CapacityUnits?: number } | undefined)?.CapacityUnits ?? 0), 0);
      u.dynamo.requests++;
      if (WRITES.test(name)) u.dynamo.writeUnits += units;
      else {
        u.dynamo.readUnits += units;
        u.dynamo.itemsRead += itemsOf(output);
      }
      return out;
    },
    { step: 'initialize', name: MIDDLEWARE },
  );
  const stopSms = system.outbox.listen((e) => {
    if (e.channel !== 'sms') return;
    u.sms.messages++;
    u.sms.parts += e.parts;
  });
  setEventBus({
    publish: (events) => {
      u.events += events.length;
      return system.bus.publish(events);
    },
  });
  const queue: Queue = {
    send: (name, bodies) => {
      u.sqsMessages += bodies.length;
      return system.queue.send(name, bodies);
    },
    defer: (...a) => system.queue.defer(...a),
    deadLetter: (...a) => system.queue.deadLetter(...a),
  };
  setQueue(queue);
  const store = objectStore();
  setObjectStore({
    presignPut: (...a) => {
      u.s3.puts++;
      return store.presignPut(...a);
    },
    getText: (key) => {
      u.s3.gets++;
      return store.getText(key);
    },
  });
  const key = macKey();
  setMacKey({
    mac: (message) => {
      u.kmsRequests++;
      return key.mac(message);
    },
  });
  return {
    snapshot: () => structuredClone(u),
    queue,
    stop() {
      stopWatching();
      stopSms();
      ddb().middlewareStack.remove(MIDDLEWARE);
      setEventBus(system.bus);
      setQueue(system.queue);
      setObjectStore(store);
      setMacKey(key);
    },
  };
}

/** What was used between two snapshots. */
export function diff(after: Usage, before: Usage): Usage {
  const d = emptyUsage();
  for (const [h, f] of Object.entries(after.functions)) {
    const b = before.functions[h] ?? { invocations: 0, ms: 0 };
    if (f.invocations > b.invocations)
      d.functions[h] = { invocations: f.invocations - b.invocations, ms: f.ms - b.ms };
  }
  d.apiRequests = after.apiRequests - before.apiRequests;
  for (const k of ['requests', 'readUnits', 'writeUnits', 'itemsRead'] as const)
    d.dynamo[k] = after.dynamo[k] - before.dynamo[k];
  d.sms = { messages: after.sms.messages - before.sms.messages, parts: after.sms.parts - before.sms.parts };
  d.events = after.events - before.events;
  d.sqsMessages = after.sqsMessages - before.sqsMessages;
  d.s3 = { puts: after.s3.puts - before.s3.puts, gets: after.s3.gets - before.s3.gets };
  d.kmsRequests = after.kmsRequests - before.kmsRequests;
  return d;
}

/** Runs `phase` and answers what it used. */
export async function metered<T>(
  meter: Meter,
  phase: () => Promise<T>,
): Promise<{ result: T; usage: Usage }> {
  const before = meter.snapshot();
  const result = await phase();
  return { result, usage: diff(meter.snapshot(), before) };
}
