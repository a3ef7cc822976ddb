// The kader's monthly incentive as one immutable payment run per month (registry table): after the month has ended,
// every kader active in it with at least KADER_MIN_ACTIVITIES activities is paid KADER_MONTHLY_INCENTIVE, the others
// listed with the reason. The run is claimed by a conditional Put of its head item before anything is written, so two
// runs of a month — however concurrent — never pay twice; a retry with the same Idempotency-Key finishes or replays
// it. A correction is a reversal entry beside the run, never an edit of it (as in the RT fund ledger).
//  a month's run (GetItem) ............................ pk INCENTIVE#<YYYY-MM>  sk RUN
//  its lines (Query) .................................. pk INCENTIVE#<YYYY-MM>  sk PAID#<nik> | NOTPAID#<nik>
//  its reversals (conditional Put, one per kader) ..... pk INCENTIVE#<YYYY-MM>  sk REV#<nik>
//  a year's runs, by month (gsi1) ..................... gsi1pk INCENTIVES#<YYYY>  gsi1sk <YYYY-MM>
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut } from '#shared/platform/audit.ts';
import { config } from '#shared/platform/config.ts';
import { csvCell } from '#shared/platform/csv.ts';
import { ddb, queryAll, transact } from '#shared/platform/dynamo.ts';
import { Conflict, IdempotencyKeyReused, NotFound, ValidationError } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { batchWrite } from '#shared/registry/batch.ts';
import { monthCounts } from './activities.ts';
import { allKader } from './register.ts';
import type { Kader } from './schemas.ts';

const T = () => tableName('registry');
const runPk = (month: string) => `INCENTIVE#${month}`;
const runKey = (month: string) => ({ pk: runPk(month), sk: 'RUN' });

export interface PaidLine {
  nik: string;
  name: string;
  amount: number;
  activities: number;
}
export interface NotPaidLine {
  nik: string;
  name: string;
  reason: string;
  activities: number;
}
export interface Reversal {
  nik: string;
  amount: number;
  reason: string;
  at: string;
  by: string;
}

export interface RunContext {
  actor: { sub: string; roles: string[] };
  requestId: string;
  now: string;
  idempotency: { id: string; requestHash: string };
}

/** The last day of a month (YYYY-MM-DD). */
export function lastDay(month: string): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m, 0)).toISOString().slice(0, 10);
}

/** Was this kader in the register for some of the month: registered by its end, not retired before it began. */
export function activeIn(k: Pick<Kader, 'since' | 'status' | 'retiredOn'>, month: string): boolean {
  if (k.since > lastDay(month)) return false;
  return k.status === 'ACTIVE' || (k.retiredOn ?? '') >= `${month}-01`;
}

/** The rule (pure): who is paid and who is not, and why. */
export function decide(
  kader: readonly Pick<Kader, 'nik' | 'name' | 'since' | 'status' | 'retiredOn'>[],
  counts: ReadonlyMap<string, number>,
  month: string,
  rule = { min: config().KADER_MIN_ACTIVITIES, amount: config().KADER_MONTHLY_INCENTIVE },
): { paid: PaidLine[]; notPaid: NotPaidLine[] } {
  const paid: PaidLine[] = [];
  const notPaid: NotPaidLine[] = [];
  for (const k of kader) {
    if (!activeIn(k, month)) continue;
    const activities = counts.get(k.nik) ?? 0;
    if (activities >= rule.min) paid.push({ nik: k.nik, name: k.name, amount: rule.amount, activities });
    else {
      notPaid.push({
        nik: k.nik,
        name: k.name,
        activities,
        reason: `TOO_FEW_ACTIVITIES: ${activities} of the ${rule.min} needed`,
      });
    }
  }
  return { paid, notPaid };
}

/** 400 naming `month` unless it has ended (WIB). */
export function checkEnded(month: string, today = todayWib()): void {
  if (month >= today.slice(0, 7)) {
    throw ValidationError.field(
      'month',
      `has not ended yet: a month is paid after it ends (today is ${today})`,
    );
  }
}

interface RunHead {
  month: string;
  status: 'WRITING' | 'COMPLETE';
  idempotencyId: string;
  requestHash: string;
  createdAt: string;
  createdBy: string;
  paidCount?: number;
  notPaidCount?: number;
  total?: number;
  reversed?: number;
  completedAt?: string;
}

async function getHead(month: string): Promise<RunHead | undefined> {
  const out = await ddb().send(new GetCommand({ TableName: T(), Key: runKey(month), ConsistentRead: true }));
  return out.Item as RunHead | undefined;
}

export interface RunReply {
  month: string;
  status: RunHead['status'];
  paid: { nik: string; name: string; amount: number; activities: number }[];
  notPaid: { nik: string; reason: string }[];
  total: number;
  reversals: Reversal[];
  net: number;
}

/** A run as it is stored: its head, lines and reversals (one Query of its partition). */
export async function readRun(month: string): Promise<RunReply | undefined> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': runPk(month) },
    ConsistentRead: true,
  });
  const head = items.find((i) => i.sk === 'RUN') as RunHead | undefined;
  if (!head) return undefined;
  const of = (prefix: string) => items.filter((i) => String(i.sk).startsWith(prefix));
  const paid = of('PAID#').map((i) => ({
    nik: String(i.nik),
    name: String(i.name),
    amount: Number(i.amount),
    activities: Number(i.activities ?? 0),
  }));
  const reversals = of('REV#').map((i) => i as unknown as Reversal);
  const total = paid.reduce((s, p) => s + p.amount, 0);
  return {
    month,
    status: head.status,
    paid,
    notPaid: of('NOTPAID#').map((i) => ({ nik: String(i.nik), reason: String(i.reason) })),
    total,
    reversals: reversals.map((r) => ({ nik: r.nik, amount: r.amount, reason: r.reason, at: r.at, by: r.by })),
    net: total - reversals.reduce((s, r) => s + r.amount, 0),
  };
}

/**
 * POST /kader/incentives/{month}: the month's run, once. A second run of the month → 409 with the first's head; the
 * same Idempotency-Key again answers the same (or finishes a run a failure left half-written).
 */
export async function runIncentives(
  month: string,
  ctx: RunContext,
): Promise<{ run: RunReply; replayed: boolean }> {
  const mine = (h: RunHead) => {
    if (h.idempotencyId !== ctx.idempotency.id) {
      throw new Conflict(
        `The incentive run of ${month} was made on ${h.createdAt}: a correction is a reversal`,
        {
          run: { month, status: h.status, createdAt: h.createdAt, total: h.total ?? null },
        },
      );
    }
    if (h.requestHash !== ctx.idempotency.requestHash) throw new IdempotencyKeyReused();
    return h;
  };
  let head = await getHead(month);
  if (head && mine(head).status === 'COMPLETE') return { run: (await readRun(month))!, replayed: true };
  if (!head) {
    checkEnded(month);
    head = {
      month,
      status: 'WRITING',
      idempotencyId: ctx.idempotency.id,
      requestHash: ctx.idempotency.requestHash,
      createdAt: ctx.now,
      createdBy: ctx.actor.sub,
    };
    try {
      // The claim: whoever writes the head first makes the month's run; every other is refused.
      await ddb().send(
        new PutCommand({
          TableName: T(),
          Item: { ...runKey(month), ...head },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      const other = mine((await getHead(month))!);
      if (other.status === 'COMPLETE') return { run: (await readRun(month))!, replayed: true };
      head = other;
    }
  }
  // Decided again on a resumed run: the same register and counts give the same lines (puts of the same items).
  const kader = await allKader();
  const counts = await monthCounts(
    kader.filter((k) => activeIn(k, month)).map((k) => k.nik),
    month,
  );
  const { paid, notPaid } = decide(kader, counts, month);
  await batchWrite([
    ...paid.map((p) => ({ table: T(), put: { pk: runPk(month), sk: `PAID#${p.nik}`, ...p } })),
    ...notPaid.map((n) => ({ table: T(), put: { pk: runPk(month), sk: `NOTPAID#${n.nik}`, ...n } })),
  ]);
  const total = paid.reduce((s, p) => s + p.amount, 0);
  await transact([
    {
      Update: {
        TableName: T(),
        Key: runKey(month),
        UpdateExpression:
          'SET #s = :done, paidCount = :p, notPaidCount = :n, #total = :t, reversed = :zero, completedAt = :now, gsi1pk = :y, gsi1sk = :m',
        ConditionExpression: '#s = :writing AND idempotencyId = :id',
        ExpressionAttributeNames: { '#s': 'status', '#total': 'total' },
        ExpressionAttributeValues: {
          ':done': 'COMPLETE',
          ':writing': 'WRITING',
          ':id': ctx.idempotency.id,
          ':p': paid.length,
          ':n': notPaid.length,
          ':t': total,
          ':zero': 0,
          ':now': ctx.now,
          ':y': `INCENTIVES#${month.slice(0, 4)}`,
          ':m': month,
        },
      },
    },
    auditPut({
      entity: runPk(month),
      action: 'KADER_INCENTIVES_PAID',
      actor: ctx.actor,
      at: ctx.now,
      requestId: ctx.requestId,
      after: { paid: paid.length, notPaid: notPaid.length, total },
    }),
  ]);
  return { run: (await readRun(month))!, replayed: false };
}

/** POST /kader/incentives/{month}/reversals: a paid line corrected by an entry of its own, once per kader. */
export async function reversePayment(
  month: string,
  input: { nik: string; reason: string },
  ctx: Omit<RunContext, 'idempotency'>,
): Promise<Reversal> {
  const head = await getHead(month);
  if (head?.status !== 'COMPLETE') throw new NotFound(`No incentive run of ${month}`);
  const line = await ddb().send(
    new GetCommand({
      TableName: T(),
      Key: { pk: runPk(month), sk: `PAID#${input.nik}` },
      ConsistentRead: true,
    }),
  );
  if (!line.Item) throw new NotFound(`This kader was not paid in the run of ${month}`);
  const reversal: Reversal = {
    nik: input.nik,
    amount: Number(line.Item.amount),
    reason: input.reason,
    at: ctx.now,
    by: ctx.actor.sub,
  };
  try {
    await transact([
      {
        Put: {
          TableName: T(),
          Item: { pk: runPk(month), sk: `REV#${input.nik}`, ...reversal },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Update: {
          TableName: T(),
          Key: runKey(month),
          UpdateExpression: 'ADD reversed :a',
          ExpressionAttributeValues: { ':a': reversal.amount },
        },
      },
      auditPut({
        entity: runPk(month),
        action: 'KADER_INCENTIVE_REVERSED',
        actor: ctx.actor,
        at: ctx.now,
        requestId: ctx.requestId,
        reason: input.reason,
        after: { amount: reversal.amount },
      }),
    ]);
  } catch (error) {
    if ((error as Error).name === 'TransactionCanceledException') {
      throw new Conflict("This kader's payment of the month was reversed already");
    }
    throw error;
  }
  return reversal;
}

/** GET /kader/incentives?year=: each month's run and the year's totals, for the budget. */
export async function yearTotals(year: number) {
  const items = await queryAll({
    TableName: T(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :y',
    ExpressionAttributeValues: { ':y': `INCENTIVES#${year}` },
  });
  const months = items
    .map((i) => ({
      month: String(i.month),
      paid: Number(i.paidCount ?? 0),
      notPaid: Number(i.notPaidCount ?? 0),
      total: Number(i.total ?? 0),
      reversed: Number(i.reversed ?? 0),
      net: Number(i.total ?? 0) - Number(i.reversed ?? 0),
    }))
    .sort((a, b) => a.month.localeCompare(b.month));
  return {
    year,
    months,
    total: months.reduce((s, m) => s + m.total, 0),
    reversed: months.reduce((s, m) => s + m.reversed, 0),
    net: months.reduce((s, m) => s + m.net, 0),
  };
}

/** The bank's transfer list: NIK, name, amount of each paid kader, less what was reversed; formulas defused. */
export function transferCsv(run: RunReply): string {
  const reversed = new Set(run.reversals.map((r) => r.nik));
  const rows = run.paid
    .filter((p) => !reversed.has(p.nik))
    .map((p) => [p.nik, p.name, p.amount].map(csvCell).join(','));
  return `${['nik,nama,jumlah', ...rows].join('\r\n')}\r\n`;
}

/** Whether and how much a kader was paid for a month (their page). */
export async function paidLine(nik: string, month: string): Promise<{ amount: number } | null> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: { pk: runPk(month), sk: `PAID#${nik}` }, ConsistentRead: true }),
  );
  return out.Item ? { amount: Number(out.Item.amount) } : null;
}
