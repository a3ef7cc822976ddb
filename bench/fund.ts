// Section 5: POST /funds/{rt}/{year}/expenses through the local server, with the load from a separate process:
// expenses per second when every write contends on one RT's balance, and spread over 100 RTs, `concurrency` in
// flight; and the DynamoDB requests and write capacity of one expense (ReturnConsumedCapacity on every call).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { demoKelurahan } from '#infra/local/demo-data.ts';
import { addRts } from '#infra/local/seed.ts';
import { allocate } from '#shared/fund/ledger.ts';
import { CATEGORIES } from '#shared/fund/schemas.ts';
import { runLoad } from './coverage.ts';
import { instrument, WRITES } from './dynamo-tally.ts';
import { chairToken } from './load.ts';
import { round } from './stats.ts';

export interface FundSection {
  requests: number;
  concurrency: number;
  oneRt: { expensesPerSecond: number; p50Ms: number; p99Ms: number };
  hundredRts: { expensesPerSecond: number; p50Ms: number; p99Ms: number };
  perExpense: { calls: Record<string, number>; writeCapacityUnits: number; awsWriteCapacityUnits: number };
  /** Transaction conflicts retried under load, per expense (one RT's account is one hot item). */
  retriedPerExpenseOneRt: number;
  pass: boolean;
}

interface Options {
  url: string;
  requests: number;
  concurrency: number;
  warmup: number;
}

const YEAR = Number(new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 4));
const TODAY = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
const ACTOR = { sub: 'bench', roles: ['city_admin'] };

/** 100 RTs of their own (the fourth demo kelurahan, RW 090–099), each with a fund far larger than the bench spends. */
function benchRts(): { rt: string }[] {
  const kelurahan = demoKelurahan()[3]!.code.replaceAll('.', '');
  return Array.from({ length: 100 }, (_, i) => {
    const rw = String(90 + Math.floor(i / 10)).padStart(3, '0');
    const number = String((i % 10) + 1).padStart(3, '0');
    return { rt: `${kelurahan}-${rw}-${number}` };
  });
}

export async function benchFunds(o: Options): Promise<FundSection> {
  const rts = benchRts();
  for (const rt of rts) {
    await addRts([{ rt: rt.rt, households: 80 }]);
    await allocate(
      rt.rt,
      YEAR,
      { amount: 100_000_000_000, households: 80, note: 'Bench allocation' },
      {
        actor: ACTOR,
        requestId: `bench-${rt.rt}`,
        now: new Date().toISOString(),
      },
    );
  }
  const tokens = await Promise.all(rts.map((rt) => chairToken(o.url, rt.rt)));
  const expense = (i: number) => ({
    amount: 1000 + (i % 97),
    category: CATEGORIES[i % CATEGORIES.length],
    date: TODAY,
    description: `Belanja kebersihan ${i}`,
  });
  const posts = (rtOf: (i: number) => number) =>
    Array.from({ length: o.requests + o.warmup }, (_, i) => {
      const r = rtOf(i);
      return { path: `/funds/${rts[r]!.rt}/${YEAR}/expenses`, token: tokens[r]!, body: expense(i) };
    });
  const { tally, reset } = instrument();

  // One expense alone: its DynamoDB calls and capacity.
  reset();
  const res = await fetch(new URL(`/funds/${rts[0]!.rt}/${YEAR}/expenses`, o.url), {
    method: 'POST',
    headers: {
      authorization: `Bearer ${tokens[0]}`,
      'content-type': 'application/json',
      'idempotency-key': `bench-single-${process.pid}`,
    },
    body: JSON.stringify(expense(0)),
  });
  if (res.status !== 201) throw new Error(`POST expenses: HTTP ${res.status} ${await res.text()}`);
  const perExpense = {
    calls: { ...tally.calls },
    writeCapacityUnits: round(tally.wcu, 1),
    awsWriteCapacityUnits: tally.awsWcu,
  };

  const dir = mkdtempSync(join(tmpdir(), 'sehatkota-bench-'));
  try {
    const run = async (name: string, rtOf: (i: number) => number) => {
      const all = posts(rtOf);
      const postsFile = join(dir, `${name}.json`);
      writeFileSync(
        postsFile,
        JSON.stringify({ warmup: all.slice(o.requests), measured: all.slice(0, o.requests) }),
      );
      const r = await runLoad({
        side: 'post',
        niks: [],
        requests: o.requests,
        concurrency: o.concurrency,
        warmup: o.warmup,
        url: o.url,
        postsFile,
      });
      return {
        expensesPerSecond: round(o.requests / r.seconds, 1),
        p50Ms: round(r.p50Ms, 2),
        p99Ms: round(r.p99Ms, 2),
      };
    };
    const hundredRts = await run('hundred', (i) => i % rts.length);
    reset();
    const oneRt = await run('one', () => 0);
    const conflicts = Object.entries(tally.failures)
      .filter(([k]) => k.includes('TransactionConflict'))
      .reduce((n, [, v]) => n + v, 0);
    const writes = Object.keys(perExpense.calls).filter((k) => WRITES.test(k));
    return {
      requests: o.requests,
      concurrency: o.concurrency,
      oneRt,
      hundredRts,
      perExpense,
      retriedPerExpenseOneRt: round(conflicts / (o.requests + o.warmup), 3),
      // One TransactWriteItems is the only write an expense makes.
      pass: perExpense.calls.TransactWriteItems === 1 && writes.length === 1,
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
