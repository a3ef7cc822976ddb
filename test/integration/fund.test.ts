// The RT fund ledger against DynamoDB Local, without HTTP: under any mix of allocations, expenses (some over the
// balance), reversals (some twice, some of reversals) and replayed requests the ledger stays true to a model —
// the balance is the credits less the debits and never below zero, each Idempotency-Key makes at most one entry,
// and the account's running totals (and what the public sees of them) equal the sums over the entries; 100
// expenses at once never overspend; every entry leaves an audit record and an event; what an expense costs.
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { FUND_ENTRY_RECORDED, FUND_SOURCE, FundEntryRecorded } from '../../events/fund.ts';
import {
  allocate,
  currentBalance,
  getEntry,
  InsufficientFunds,
  type Request,
  recordExpense,
  reverseEntry,
  tierAmount,
} from '../../shared/fund/ledger.ts';
import { accountsInArea, allEntries, entriesPage, getAccount } from '../../shared/fund/queries.ts';
import { CATEGORIES, type Category, type Entry } from '../../shared/fund/schemas.ts';
import { entriesCsv, publicAccount, publicEntry } from '../../shared/fund/views.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { type AppEvent, setEventBus } from '../../shared/platform/bus.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import { Conflict, Forbidden, IdempotencyKeyReused, NotFound } from '../../shared/platform/errors.ts';
import { idempotencyId, requestHash } from '../../shared/platform/idempotency.ts';
import { tableName } from '../../shared/platform/tables.ts';
import { useFreshTables } from '../support/tables.ts';

const YEAR = 2026;
const admin = { sub: 'admin-fund-1', roles: ['city_admin'] };
const events: AppEvent[] = [];

let rtNo = 1;
/** An RT code of its own for a test or a property run (its account starts empty). */
const freshRt = (kel = '1571011012') =>
  `${kel}-9${String(Math.floor(rtNo / 1000)).padStart(2, '0')}-${String(rtNo++ % 1000).padStart(3, '0')}`;
const chairOf = (rt: string, sub = `chair-${rt}`): Principal => ({ sub, roles: ['rt_chair'], rt });

function req(
  actor: Request['actor'] = admin,
  idem?: { op: string; key: string; body: unknown },
  now = new Date().toISOString(),
): Request {
  return {
    actor,
    requestId: randomUUID(),
    now,
    ...(idem
      ? { idempotency: { id: idempotencyId(idem.op, actor, idem.key), requestHash: requestHash(idem.body) } }
      : {}),
  };
}

/** What a rejected promise was rejected with, or the value. */
async function outcome<T>(p: Promise<T>): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    return { ok: true, value: await p };
  } catch (error) {
    return { ok: false, error };
  }
}

const emptyCategories = () => Object.fromEntries(CATEGORIES.map((c) => [c, 0])) as Record<Category, number>;

/** The totals an account must hold, summed over its entries. */
function sums(entries: Entry[]) {
  const byId = new Map(entries.map((e) => [e.entryId, e]));
  const t = {
    credits: 0,
    debits: 0,
    allocated: 0,
    spent: 0,
    reversedExpenses: 0,
    reversedAllocations: 0,
    byCategory: emptyCategories(),
  };
  for (const e of entries) {
    if (e.direction === 'CREDIT') t.credits += e.amount;
    else t.debits += e.amount;
    if (e.kind === 'ALLOCATION') t.allocated += e.amount;
    if (e.kind === 'EXPENSE') {
      t.spent += e.amount;
      t.byCategory[e.category!] += e.amount;
    }
    if (e.kind === 'REVERSAL') {
      const original = byId.get(e.reverses!);
      expect(original, `reversal ${e.entryId} links to an entry of the same fund`).toBeDefined();
      expect(e.amount).toBe(original!.amount);
      expect(e.direction).not.toBe(original!.direction);
      if (original!.kind === 'EXPENSE') {
        t.reversedExpenses += e.amount;
        t.byCategory[original!.category!] -= e.amount;
      } else t.reversedAllocations += e.amount;
    }
  }
  return t;
}

/** The ledger's invariants for one fund; returns the entries and the balance. */
async function checkInvariants(rt: string, year = YEAR) {
  const [entries, account] = await Promise.all([allEntries(rt, year), getAccount(rt, year)]);
  const t = sums(entries);
  const balance = t.credits - t.debits;
  expect(balance).toBeGreaterThanOrEqual(0);
  expect(account.balance).toBe(balance);
  expect(account.entries).toBe(entries.length);
  expect({
    allocated: account.allocated,
    spent: account.spent,
    reversedExpenses: account.reversedExpenses,
    reversedAllocations: account.reversedAllocations,
    byCategory: account.byCategory,
  }).toEqual({
    allocated: t.allocated,
    spent: t.spent,
    reversedExpenses: t.reversedExpenses,
    reversedAllocations: t.reversedAllocations,
    byCategory: t.byCategory,
  });
  const pub = publicAccount(account);
  expect(pub).toMatchObject({
    allocated: t.allocated,
    spent: t.spent,
    reversed: t.reversedExpenses + t.reversedAllocations,
    balance,
    byCategory: t.byCategory,
    entryCount: entries.length,
  });
  expect(JSON.stringify(pub)).not.toContain('recordedBy');
  // Each entry is reversed at most once.
  const reversed = entries.filter((e) => e.kind === 'REVERSAL').map((e) => e.reverses);
  expect(new Set(reversed).size).toBe(reversed.length);
  return { entries, balance };
}

async function auditOf(rt: string, year = YEAR) {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName('audit'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `FUND#${rt}#${year}` },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

async function idempotencyRecord(id: string) {
  const { GetCommand } = await import('@aws-sdk/lib-dynamodb');
  const out = await ddb().send(
    new GetCommand({ TableName: tableName('idempotency'), Key: { id }, ConsistentRead: true }),
  );
  return out.Item;
}

const fundEvents = (rt: string) =>
  events.filter(
    (e) =>
      e.source === FUND_SOURCE &&
      e.detailType === FUND_ENTRY_RECORDED &&
      (e.detail as { rt?: string }).rt === rt,
  );

/** Every entry has its audit record and its event (valid against the contract), and nothing more. */
async function checkTrail(rt: string, entries: Entry[]) {
  const audit = await auditOf(rt);
  expect(audit.map((a) => (a.after as { entryId: string }).entryId).sort()).toEqual(
    entries.map((e) => e.entryId).sort(),
  );
  for (const a of audit) {
    const e = entries.find((x) => x.entryId === (a.after as { entryId: string }).entryId)!;
    expect(a.action).toBe(`Fund${e.kind[0]}${e.kind.slice(1).toLowerCase()}Recorded`);
    expect((a.actor as { sub: string }).sub).toBe(e.recordedBy);
    expect(a.at).toBe(e.recordedAt);
  }
  const published = fundEvents(rt);
  expect(published.map((e) => (e.detail as { entryId: string }).entryId).sort()).toEqual(
    entries.map((e) => e.entryId).sort(),
  );
  for (const e of published) {
    const parsed = FundEntryRecorded.safeParse(e.detail);
    expect(parsed.success, JSON.stringify(e.detail)).toBe(true);
    expect(JSON.stringify(e.detail)).not.toMatch(/\d{16}/);
  }
}

beforeAll(async () => {
  await useFreshTables();
  resetConfig();
  setEventBus({
    async publish(batch) {
      events.push(...batch);
    },
  });
});

afterAll(() => {
  setEventBus(undefined);
  vi.restoreAllMocks();
});

describe('allocations', () => {
  it('sets the tier by households: more than 100, 60 to 100, fewer than 60', () => {
    expect(tierAmount(101)).toBe(100_000_000);
    expect(tierAmount(166)).toBe(100_000_000);
    expect(tierAmount(100)).toBe(70_000_000);
    expect(tierAmount(60)).toBe(70_000_000);
    expect(tierAmount(59)).toBe(50_000_000);
    expect(tierAmount(0)).toBe(50_000_000);
  });

  it('makes the tier allocation once per RT and year, even when asked at once', async () => {
    const rt = freshRt();
    const results = await Promise.all(
      Array.from({ length: 8 }, () =>
        outcome(allocate(rt, YEAR, { households: 120, note: 'Dana tahunan' }, req())),
      ),
    );
    const ok = results.filter((r) => r.ok);
    expect(ok).toHaveLength(1);
    for (const r of results) if (!r.ok) expect(r.error).toBeInstanceOf(Conflict);
    expect(await currentBalance(rt, YEAR)).toBe(100_000_000);
    const account = await getAccount(rt, YEAR);
    expect(account.tierAllocatedAt).toBeDefined();
    // Another year is another account.
    const next = await allocate(rt, YEAR + 1, { households: 70, note: 'Dana tahunan' }, req());
    expect(next.entry.amount).toBe(70_000_000);
    expect(next.tier).toBe(true);
    // An amount given is not the tier allocation: it may come on top.
    const extra = await allocate(rt, YEAR, { amount: 5_000_000, households: 120, note: 'Tambahan' }, req());
    expect(extra.tier).toBe(false);
    expect(extra.balance).toBe(105_000_000);
    await checkInvariants(rt);
  });

  it('refuses a tier allocation without a household count', async () => {
    const rt = freshRt();
    await expect(allocate(rt, YEAR, { households: undefined, note: 'Dana tahunan' }, req())).rejects.toThrow(
      Conflict,
    );
    expect((await allEntries(rt, YEAR)).length).toBe(0);
  });

  it('lists the accounts of an area from the index', async () => {
    const a = freshRt('1571041002');
    const b = freshRt('1571041002');
    const other = freshRt('1571031001');
    for (const rt of [a, b, other])
      await allocate(rt, YEAR, { amount: 1_000, households: 1, note: 'Uji' }, req());
    const inArea = await accountsInArea(YEAR, '15.71.04.1002');
    expect(inArea.map((x) => x.rt).sort()).toEqual([a, b].sort());
    expect((await accountsInArea(YEAR, '15.71')).map((x) => x.rt)).toContain(other);
  });
});

describe('expenses and reversals', () => {
  it('refuses an expense over the balance with what is available, and writes nothing', async () => {
    const rt = freshRt();
    await allocate(rt, YEAR, { amount: 100_000, households: 1, note: 'Uji' }, req());
    const chair = chairOf(rt);
    const expense = {
      amount: 100_001,
      category: 'WASTE' as const,
      date: '2026-03-01',
      description: 'Gerobak sampah',
    };
    const failed = await outcome(recordExpense(rt, YEAR, expense, req(chair)));
    expect(failed.ok).toBe(false);
    const error = (failed as { error: InsufficientFunds }).error;
    expect(error).toBeInstanceOf(InsufficientFunds);
    expect(error.status).toBe(422);
    expect(error.details).toEqual({ available: 100_000 });
    const exact = await recordExpense(rt, YEAR, { ...expense, amount: 100_000 }, req(chair));
    expect(exact.balance).toBe(0);
    const { entries } = await checkInvariants(rt);
    expect(entries).toHaveLength(2);
    await checkTrail(rt, entries);
  });

  it('reverses an entry once, never a reversal, and an allocation only while the money is there', async () => {
    const rt = freshRt();
    const chair = chairOf(rt);
    const alloc = await allocate(rt, YEAR, { amount: 1_000_000, households: 1, note: 'Uji' }, req());
    const spend = await recordExpense(
      rt,
      YEAR,
      { amount: 600_000, category: 'CLEAN_WATER', date: '2026-02-01', description: 'Pipa air bersih' },
      req(chair),
    );
    // The allocation's money is partly spent: reversing it would go below zero.
    await expect(reverseEntry(rt, YEAR, alloc.entry.entryId, 'Salah RT', req(), false)).rejects.toThrow(
      InsufficientFunds,
    );
    const rev = await reverseEntry(rt, YEAR, spend.entry.entryId, 'Salah catat', req(chair), true);
    expect(rev.entry).toMatchObject({ kind: 'REVERSAL', direction: 'CREDIT', reverses: spend.entry.entryId });
    expect(rev.balance).toBe(1_000_000);
    await expect(reverseEntry(rt, YEAR, spend.entry.entryId, 'Lagi', req(), false)).rejects.toThrow(Conflict);
    await expect(reverseEntry(rt, YEAR, rev.entry.entryId, 'Batal koreksi', req(), false)).rejects.toThrow(
      Conflict,
    );
    await expect(reverseEntry(rt, YEAR, '000000000-000000000000', 'Tidak ada', req(), false)).rejects.toThrow(
      NotFound,
    );
    // A chair may not reverse an allocation, nor an expense after the allowed days.
    await expect(reverseEntry(rt, YEAR, alloc.entry.entryId, 'Salah', req(chair), true)).rejects.toThrow(
      Forbidden,
    );
    const late = await recordExpense(
      rt,
      YEAR,
      { amount: 1_000, category: 'OTHER', date: '2026-02-02', description: 'Materai' },
      req(chair),
    );
    const in31Days = new Date(Date.parse(late.entry.recordedAt) + 31 * 86_400_000).toISOString();
    await expect(
      reverseEntry(rt, YEAR, late.entry.entryId, 'Salah', req(chair, undefined, in31Days), true),
    ).rejects.toThrow(Forbidden);
    const in29Days = new Date(Date.parse(late.entry.recordedAt) + 29 * 86_400_000).toISOString();
    await reverseEntry(rt, YEAR, late.entry.entryId, 'Salah', req(chair, undefined, in29Days), true);
    // The whole allocation is back: the city may reverse it now.
    const back = await reverseEntry(rt, YEAR, alloc.entry.entryId, 'Salah RT', req(), false);
    expect(back.entry.direction).toBe('DEBIT');
    expect(back.balance).toBe(0);
    const { entries } = await checkInvariants(rt);
    await checkTrail(rt, entries);
  });

  it('answers 409 to a second reversal of an allocation even when the balance could not cover it', async () => {
    // The contract: an entry can be reversed once, a second time is a 409. Here the balance after the first
    // reversal is below the allocation's amount, and the balance rule's failure is reported first.
    const rt = freshRt();
    const a1 = await allocate(rt, YEAR, { amount: 1_000_000, households: 1, note: 'Uji satu' }, req());
    await allocate(rt, YEAR, { amount: 500_000, households: 1, note: 'Uji dua' }, req());
    await reverseEntry(rt, YEAR, a1.entry.entryId, 'Salah RT', req(), false);
    expect(await currentBalance(rt, YEAR)).toBe(500_000);
    const again = await outcome(reverseEntry(rt, YEAR, a1.entry.entryId, 'Salah RT lagi', req(), false));
    expect(again.ok).toBe(false);
    expect((again as { error: unknown }).error).toBeInstanceOf(Conflict);
  });

  it('replays an expense by its key even after the balance fell below its amount', async () => {
    const rt = freshRt();
    const chair = chairOf(rt);
    await allocate(rt, YEAR, { amount: 1_000, households: 1, note: 'Uji' }, req());
    const body = {
      amount: 600,
      category: 'NUTRITION' as const,
      date: '2026-04-01',
      description: 'PMT balita',
    };
    const idem = { op: `fund-expense#${rt}#${YEAR}`, key: randomUUID(), body };
    const first = await recordExpense(rt, YEAR, body, req(chair, idem));
    await recordExpense(rt, YEAR, { ...body, amount: 300 }, req(chair));
    const replay = await recordExpense(rt, YEAR, body, req(chair, idem));
    expect(replay.replayed).toBe(true);
    expect(replay.entry.entryId).toBe(first.entry.entryId);
    expect(replay.balance).toBe(100);
    await expect(
      recordExpense(rt, YEAR, { ...body, amount: 1 }, req(chair, { ...idem, body: { ...body, amount: 1 } })),
    ).rejects.toThrow(IdempotencyKeyReused);
    const { entries } = await checkInvariants(rt);
    expect(entries).toHaveLength(3);
  });

  it('pages the entries newest first without duplicates, and the CSV has every entry', async () => {
    const rt = freshRt();
    const chair = chairOf(rt);
    await allocate(rt, YEAR, { amount: 1_000_000, households: 1, note: 'Uji' }, req());
    for (let i = 0; i < 11; i++)
      await recordExpense(
        rt,
        YEAR,
        {
          amount: 1_000 + i,
          category: 'OPERATIONS',
          date: '2026-05-01',
          description: `=HYPERLINK("x") ${i}`,
        },
        req(chair),
      );
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let pages = 0; pages < 20; pages++) {
      const page = await entriesPage(rt, YEAR, 5, cursor);
      seen.push(...page.entries.map((e) => e.entryId));
      if (!page.cursor) break;
      cursor = page.cursor;
    }
    const all = await allEntries(rt, YEAR);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(all.map((e) => e.entryId).reverse());
    const csv = entriesCsv(all).trimEnd().split('\r\n');
    expect(csv).toHaveLength(all.length + 1);
    expect(csv.slice(1).some((line) => /(^|,)"?=/.test(line))).toBe(false);
    for (const e of all) expect(JSON.stringify(publicEntry(e))).not.toContain(chair.sub);
  });
});

// ---------------------------------------------------------------------------------------------------------
// The model-based property: random commands, checked after each one.

type Cmd =
  | { t: 'alloc'; amount: number }
  | { t: 'expense'; amount: number; category: Category }
  | { t: 'reverse'; pick: number; keyed: boolean }
  | { t: 'replay'; pick: number; sameBody: boolean };

const cmdArb: fc.Arbitrary<Cmd> = fc.oneof(
  {
    weight: 2,
    arbitrary: fc.record({
      t: fc.constant('alloc' as const),
      amount: fc.integer({ min: 1, max: 2_000_000 }),
    }),
  },
  {
    weight: 4,
    arbitrary: fc.record({
      t: fc.constant('expense' as const),
      amount: fc.oneof(fc.integer({ min: 1, max: 50_000 }), fc.integer({ min: 1, max: 3_000_000 })),
      category: fc.constantFrom(...CATEGORIES),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('reverse' as const), pick: fc.nat(), keyed: fc.boolean() }),
  },
  {
    weight: 2,
    arbitrary: fc.record({ t: fc.constant('replay' as const), pick: fc.nat(), sameBody: fc.boolean() }),
  },
);

/** A request as sent: what to call, with which key and body (so it can be sent again). */
interface Sent {
  op: 'alloc' | 'expense' | 'reverse';
  key: string;
  body: Record<string, unknown>;
}

interface ModelEntry {
  entryId: string;
  kind: Entry['kind'];
  amount: number;
  direction: Entry['direction'];
}

describe('the ledger against a model', () => {
  it('keeps balance, totals, idempotency and reversal rules under random commands', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(cmdArb, { minLength: 1, maxLength: 25 }), async (cmds) => {
        const rt = freshRt('1571021007');
        const chair = chairOf(rt);
        const model = { balance: 0, entries: [] as ModelEntry[], reversed: new Set<string>() };
        /** idempotency id → the entry it made and the hash it was made with */
        const keys = new Map<string, { entryId: string; hash: string }>();
        const sent: Sent[] = [];

        const idemFor = (s: Sent) => {
          const op = { alloc: 'fund-allocation', expense: 'fund-expense', reverse: 'fund-reversal' }[s.op];
          return { op: `${op}#${rt}#${YEAR}`, key: s.key, body: s.body };
        };

        /** Sends one request and checks its outcome against the model. */
        async function send(s: Sent) {
          const actor = s.op === 'expense' ? chair : admin;
          const idem = idemFor(s);
          const r = req(actor, idem);
          const id = r.idempotency!.id;
          const hash = r.idempotency!.requestHash;
          const known = keys.get(id);
          const run = () => {
            if (s.op === 'alloc')
              return allocate(
                rt,
                YEAR,
                { amount: s.body.amount as number, households: 1, note: 'Uji model' },
                r,
              );
            if (s.op === 'expense')
              return recordExpense(
                rt,
                YEAR,
                {
                  amount: s.body.amount as number,
                  category: s.body.category as Category,
                  date: '2026-06-01',
                  description: 'Belanja uji',
                },
                r,
              );
            return reverseEntry(rt, YEAR, s.body.entryId as string, 'Koreksi uji', r, false);
          };
          const got = await outcome(run());
          if (known) {
            if (known.hash === hash) {
              expect(got.ok, String((got as { error?: unknown }).error)).toBe(true);
              const w = (got as { value: { entry: Entry; replayed: boolean; balance: number } }).value;
              expect(w.replayed).toBe(true);
              expect(w.entry.entryId).toBe(known.entryId);
              expect(w.balance).toBe(model.balance);
            } else {
              expect(got.ok).toBe(false);
              expect((got as { error: unknown }).error).toBeInstanceOf(IdempotencyKeyReused);
            }
            return;
          }
          // A new request: what the model says it must do.
          let expected: 'ok' | 'insufficient' | 'conflict';
          let amount = s.body.amount as number;
          let direction: Entry['direction'] = 'CREDIT';
          let kind: Entry['kind'] = s.op === 'alloc' ? 'ALLOCATION' : 'EXPENSE';
          if (s.op === 'alloc') expected = 'ok';
          else if (s.op === 'expense') {
            direction = 'DEBIT';
            expected = amount > model.balance ? 'insufficient' : 'ok';
          } else {
            const target = model.entries.find((e) => e.entryId === s.body.entryId)!;
            kind = 'REVERSAL';
            amount = target.amount;
            direction = target.direction === 'CREDIT' ? 'DEBIT' : 'CREDIT';
            if (target.kind === 'REVERSAL' || model.reversed.has(target.entryId)) expected = 'conflict';
            else expected = direction === 'DEBIT' && amount > model.balance ? 'insufficient' : 'ok';
          }
          if (expected === 'ok') {
            expect(got.ok, String((got as { error?: unknown }).error)).toBe(true);
            const w = (got as { value: { entry: Entry; replayed: boolean; balance: number } }).value;
            expect(w.replayed).toBe(false);
            expect(w.entry).toMatchObject({ kind, amount, direction });
            model.balance += direction === 'CREDIT' ? amount : -amount;
            expect(w.balance).toBe(model.balance);
            model.entries.push({ entryId: w.entry.entryId, kind, amount, direction });
            if (kind === 'REVERSAL') {
              expect(w.entry.reverses).toBe(s.body.entryId);
              model.reversed.add(s.body.entryId as string);
            }
            keys.set(id, { entryId: w.entry.entryId, hash });
          } else {
            expect(got.ok, `expected ${expected}`).toBe(false);
            const error = (got as { error: unknown }).error;
            if (expected === 'insufficient') {
              // (What the 422 says is available is checked in 'refuses an expense over the balance…'.)
              expect(error).toBeInstanceOf(InsufficientFunds);
            } else expect(error).toBeInstanceOf(Conflict);
          }
        }

        for (const cmd of cmds) {
          if (cmd.t === 'alloc') {
            const s: Sent = {
              op: 'alloc',
              key: randomUUID(),
              body: { amount: cmd.amount, note: 'Uji model' },
            };
            sent.push(s);
            await send(s);
          } else if (cmd.t === 'expense') {
            const s: Sent = {
              op: 'expense',
              key: randomUUID(),
              body: { amount: cmd.amount, category: cmd.category },
            };
            sent.push(s);
            await send(s);
          } else if (cmd.t === 'reverse') {
            if (model.entries.length === 0) continue;
            const target = model.entries[cmd.pick % model.entries.length]!;
            const s: Sent = {
              op: 'reverse',
              key: randomUUID(),
              body: { entryId: target.entryId, reason: 'Koreksi uji' },
            };
            if (cmd.keyed) sent.push(s);
            await send(s);
          } else {
            if (sent.length === 0) continue;
            const original = sent[cmd.pick % sent.length]!;
            const again: Sent = cmd.sameBody
              ? original
              : original.op === 'reverse'
                ? { ...original, body: { ...original.body, reason: 'Alasan lain' } }
                : { ...original, body: { ...original.body, amount: (original.body.amount as number) + 1 } };
            // A reversal's other reason never reaches the ledger's call (only its hash differs): fine.
            await send(again);
          }
          const { entries, balance } = await checkInvariants(rt);
          expect(balance).toBe(model.balance);
          expect(entries.map((e) => e.entryId).sort()).toEqual(model.entries.map((e) => e.entryId).sort());
        }

        // Each key made at most one entry, and its record names it.
        const entries = await allEntries(rt, YEAR);
        const byKey = new Map<string, string>();
        for (const [id, k] of keys) {
          const record = await idempotencyRecord(id);
          expect(record, `idempotency record ${id}`).toBeDefined();
          expect(record!.requestHash).toBe(k.hash);
          expect((record!.result as { entry: Entry }).entry.entryId).toBe(k.entryId);
          byKey.set(id, k.entryId);
        }
        expect(new Set(byKey.values()).size).toBe(byKey.size);
        await checkTrail(rt, entries);
      }),
      { numRuns: 20 },
    );
  }, 120_000);
});

// ---------------------------------------------------------------------------------------------------------

describe('concurrency', () => {
  it('never overspends: 100 expenses of Rp 30,000 at once against Rp 1,000,000', async () => {
    const rt = freshRt('1571031001');
    const chair = chairOf(rt);
    await allocate(rt, YEAR, { amount: 1_000_000, households: 1, note: 'Dana uji' }, req());
    const started = performance.now();
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => {
        const body = {
          amount: 30_000,
          category: 'HEALTH_CHECK' as const,
          date: '2026-07-01',
          description: `Cek kesehatan ${i}`,
        };
        return outcome(
          recordExpense(
            rt,
            YEAR,
            body,
            req(chair, { op: `fund-expense#${rt}#${YEAR}`, key: randomUUID(), body }),
          ),
        );
      }),
    );
    const ms = performance.now() - started;
    const ok = results.filter((r) => r.ok);
    const insufficient = results.filter((r) => !r.ok && r.error instanceof InsufficientFunds);
    const other = results.filter((r) => !r.ok && !(r.error instanceof InsufficientFunds));
    console.log(
      `[fund] 100 concurrent expenses: ${ok.length} ok, ${insufficient.length} InsufficientFunds, ${other.length} other, ${ms.toFixed(0)} ms`,
    );
    expect(
      other.map((r) => {
        const e = (r as { error: Error }).error;
        return `${e.name}: ${e.message}`;
      }),
    ).toEqual([]);
    expect(ok).toHaveLength(33);
    expect(insufficient).toHaveLength(67);
    expect(await currentBalance(rt, YEAR)).toBe(10_000);
    const { entries, balance } = await checkInvariants(rt);
    expect(balance).toBe(10_000);
    expect(entries).toHaveLength(34);
    await checkTrail(rt, entries);
    // Each refusal says what was left when it was refused: less than the expense, never below zero.
    const available = insufficient.map(
      (r) => ((r as { error: InsufficientFunds }).error.details as { available: number }).available,
    );
    expect(available.filter((a) => !(a >= 0 && a < 30_000))).toEqual([]);
  }, 120_000);

  it('reverses an entry once when asked many times at once', async () => {
    const rt = freshRt('1571031001');
    const chair = chairOf(rt);
    await allocate(rt, YEAR, { amount: 100_000, households: 1, note: 'Dana uji' }, req());
    const spend = await recordExpense(
      rt,
      YEAR,
      { amount: 40_000, category: 'SANITATION', date: '2026-07-01', description: 'Jamban sehat' },
      req(chair),
    );
    const results = await Promise.all(
      Array.from({ length: 10 }, () =>
        outcome(reverseEntry(rt, YEAR, spend.entry.entryId, 'Salah catat', req(), false)),
      ),
    );
    expect(results.filter((r) => r.ok)).toHaveLength(1);
    for (const r of results) if (!r.ok) expect(r.error).toBeInstanceOf(Conflict);
    const { balance } = await checkInvariants(rt);
    expect(balance).toBe(100_000);
  }, 60_000);
});

describe('cost', () => {
  it('counts the DynamoDB requests of one expense', async () => {
    const rt = freshRt('1571031001');
    const chair = chairOf(rt);
    await allocate(rt, YEAR, { amount: 100_000, households: 1, note: 'Dana uji' }, req());
    const client = ddb();
    const spy = vi.spyOn(client, 'send');
    const count = () => {
      const names = spy.mock.calls.map(([command]) => (command as object).constructor.name);
      spy.mockClear();
      return names;
    };
    const body = {
      amount: 10_000,
      category: 'WASTE' as const,
      date: '2026-07-02',
      description: 'Kantong sampah',
    };
    const idem = { op: `fund-expense#${rt}#${YEAR}`, key: randomUUID(), body };
    spy.mockClear();
    const written = await recordExpense(rt, YEAR, body, req(chair, idem));
    const expense = count();
    await recordExpense(rt, YEAR, body, req(chair, idem));
    const replay = count();
    await outcome(recordExpense(rt, YEAR, { ...body, amount: 1_000_000 }, req(chair)));
    const refused = count();
    await reverseEntry(rt, YEAR, written.entry.entryId, 'Salah catat', req(chair), true);
    const reversal = count();
    spy.mockRestore();
    console.log(
      `[fund] DynamoDB requests — expense: ${expense.length} (${expense.join(', ')}); replay: ${replay.length} (${replay.join(', ')}); over the balance: ${refused.length} (${refused.join(', ')}); reversal: ${reversal.length} (${reversal.join(', ')})`,
    );
    expect(expense.filter((n) => n === 'TransactWriteCommand')).toHaveLength(1);
    expect(expense.length).toBeLessThanOrEqual(3);
    expect(refused).toEqual(['TransactWriteCommand']);
    expect(await getEntry(rt, YEAR, written.entry.entryId)).toMatchObject({
      amount: 10_000,
      kind: 'EXPENSE',
    });
  });
});
