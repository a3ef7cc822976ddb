// The RT fund ledger's writes, after TigerBeetle: entries are immutable, a mistake is corrected by a reversal
// entry, each request is made once by its Idempotency-Key, and the balance rule (it never goes below zero) is a
// condition on the account item inside the very transaction that writes the entry — never a read in code.
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { FUND_ENTRY_RECORDED, FUND_SOURCE, type FundEntryRecorded } from '#events/fund.ts';
import { kelurahanOfRt } from '#shared/city/regions.ts';
import { auditPut } from '#shared/platform/audit.ts';
import type { Principal } from '#shared/platform/auth.ts';
import { publishEvents } from '#shared/platform/bus.ts';
import { config } from '#shared/platform/config.ts';
import { cancellationDetails, ddb, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { Conflict, DomainError, Forbidden, IdempotencyKeyReused, NotFound } from '#shared/platform/errors.ts';
import {
  type IdempotencyRecord,
  idempotencyPut,
  readIdempotencyRecord,
} from '#shared/platform/idempotency.ts';
import { timeOrderedId } from '#shared/platform/ids.ts';
import { logger } from '#shared/platform/logger.ts';
import { tableName } from '#shared/platform/tables.ts';
import { dayWib } from '#shared/platform/wib.ts';
import type { Category, Entry, EntryKind } from './schemas.ts';

const T = () => tableName('funds');
export const accountKey = (rt: string, year: number) => ({ pk: `FUND#${rt}#${year}`, sk: 'ACCOUNT' });
export const entryKey = (rt: string, year: number, entryId: string) => ({
  pk: `FUND#${rt}#${year}`,
  sk: `E#${entryId}`,
});
const IDEMPOTENCY_DAYS = 30;

/** 422: the expense is more than what is left. */
export class InsufficientFunds extends DomainError {
  constructor(available: number) {
    super(422, 'InsufficientFunds', `Only Rp ${available.toLocaleString('id-ID')} is left in this fund`, {
      available,
    });
  }
}

/** Time-ordered ids: the entries' sort key lists them by when they were recorded. */
export const newEntryId = timeOrderedId;

/** The yearly amount for an RT by households: more than 100, 60 to 100, fewer than 60. */
export function tierAmount(households: number): number {
  const c = config();
  if (households > 100) return c.FUND_TIER_LARGE;
  if (households >= 60) return c.FUND_TIER_MEDIUM;
  return c.FUND_TIER_SMALL;
}

export interface Written {
  entry: Entry;
  balance: number;
  replayed: boolean;
}

export interface Request {
  actor: Principal | { sub: string; roles: string[] };
  requestId: string;
  now: string;
  /** The caller's idempotency record (see shared/platform/idempotency.ts), when the request has a key. */
  idempotency?: { id: string; requestHash: string };
}

interface StoredResult {
  entry: Entry;
}

function entryItem(e: Entry): Record<string, unknown> {
  return { ...entryKey(e.rt, e.year, e.entryId), ...e };
}

/** The account update of one entry: running totals, the balance, and (for debits) the balance rule. */
function accountUpdate(
  e: Entry,
  moves: { field: 'allocated' | 'spent' | 'reversedExpenses' | 'reversedAllocations'; category?: Category },
  extra: { tier?: boolean } = {},
) {
  const debit = e.direction === 'DEBIT';
  const categoryDelta = moves.category ? (moves.field === 'spent' ? e.amount : -e.amount) : 0;
  return {
    Update: {
      TableName: T(),
      Key: accountKey(e.rt, e.year),
      UpdateExpression: [
        'SET rt = :rt, #year = :year, kelurahan = :kel, gsi1pk = :g1, gsi1sk = :rt, updatedAt = :now',
        extra.tier ? ', tierAllocatedAt = :now' : '',
        ` ADD #moved :amount, balance :delta, entries :one${moves.category ? ', #cat :catDelta' : ''}`,
      ].join(''),
      ...(debit
        ? { ConditionExpression: 'balance >= :amount' }
        : extra.tier
          ? { ConditionExpression: 'attribute_not_exists(tierAllocatedAt)' }
          : {}),
      ExpressionAttributeNames: {
        '#year': 'year',
        '#moved': moves.field,
        ...(moves.category ? { '#cat': `cat_${moves.category}` } : {}),
      },
      ExpressionAttributeValues: {
        ':rt': e.rt,
        ':year': e.year,
        ':kel': kelurahanOfRt(e.rt),
        ':g1': `FUNDS#${e.year}`,
        ':now': e.recordedAt,
        ':amount': e.amount,
        ':delta': debit ? -e.amount : e.amount,
        ':one': 1,
        ...(moves.category ? { ':catDelta': categoryDelta } : {}),
      },
      // On a failed balance rule, DynamoDB hands back the account: the 422 says what is available.
      ReturnValuesOnConditionCheckFailure: 'ALL_OLD' as const,
    },
  } satisfies TransactItem;
}

async function replay(record: IdempotencyRecord<StoredResult>, requestHash: string): Promise<Written> {
  if (record.requestHash !== requestHash) throw new IdempotencyKeyReused();
  const { entry } = record.result;
  return { entry, balance: await currentBalance(entry.rt, entry.year), replayed: true };
}

/** The account item a cancellation hands back comes in DynamoDB's own form ({balance: {N: "5"}}). */
const balanceOf = (item: Record<string, { N?: string }> | undefined) => Number(item?.balance?.N ?? 0);

/** The account's balance now (strongly consistent): what a reply reports after its entry was written. */
export async function currentBalance(rt: string, year: number): Promise<number> {
  const out = await ddb().send(
    new GetCommand({
      TableName: T(),
      Key: accountKey(rt, year),
      ConsistentRead: true,
      ProjectionExpression: 'balance',
    }),
  );
  return Number(out.Item?.balance ?? 0);
}

/** Transaction conflicts on a busy account are retried longer than elsewhere: every entry of an RT meets there. */
const CONFLICT_ATTEMPTS = 30;

/**
 * Writes one entry: the entry, the account's totals (with the balance rule for debits), the audit record, any
 * guard items and the idempotency record, in one TransactWriteItems. Nothing is read before it; the reply's
 * balance is read after (a replay reports the balance as it is then).
 */
async function writeEntry(
  entry: Entry,
  update: ReturnType<typeof accountUpdate>,
  req: Request,
  opts: { guards?: TransactItem[]; reason?: string } = {},
): Promise<Written> {
  const items: TransactItem[] = [
    update,
    { Put: { TableName: T(), Item: entryItem(entry), ConditionExpression: 'attribute_not_exists(pk)' } },
    auditPut({
      entity: `FUND#${entry.rt}#${entry.year}`,
      action: `Fund${entry.kind[0]}${entry.kind.slice(1).toLowerCase()}Recorded`,
      actor: req.actor,
      at: entry.recordedAt,
      requestId: req.requestId,
      reason: opts.reason ?? entry.description,
      after: {
        entryId: entry.entryId,
        kind: entry.kind,
        amount: entry.amount,
        ...(entry.category ? { category: entry.category } : {}),
        ...(entry.reverses ? { reverses: entry.reverses } : {}),
      },
    }),
    ...(opts.guards ?? []),
  ];
  const idempotencyIndex = items.length;
  if (req.idempotency) {
    items.push(
      idempotencyPut<StoredResult>(
        {
          id: req.idempotency.id,
          requestHash: req.idempotency.requestHash,
          result: { entry },
          createdAt: entry.recordedAt,
        },
        IDEMPOTENCY_DAYS,
      ),
    );
  }
  try {
    await transact(items, CONFLICT_ATTEMPTS);
  } catch (error) {
    const reasons = cancellationDetails(error);
    if (!reasons) throw error;
    if (req.idempotency && reasons[idempotencyIndex]?.Code === 'ConditionalCheckFailed') {
      const record = await readIdempotencyRecord<StoredResult>(req.idempotency.id);
      if (record) return replay(record, req.idempotency.requestHash);
    }
    // A second reversal is a 409 whatever the balance says: the guard is checked before the balance rule.
    if (reasons.slice(3).some((r) => r.Code === 'ConditionalCheckFailed')) {
      throw new Conflict('This entry was already reversed');
    }
    if (reasons[0]?.Code === 'ConditionalCheckFailed') {
      if (entry.direction === 'DEBIT') throw new InsufficientFunds(balanceOf(reasons[0].Item));
      throw new Conflict(`RT ${entry.rt}'s yearly allocation for ${entry.year} was already made`);
    }
    throw error;
  }
  const balance = await currentBalance(entry.rt, entry.year);
  await announce(entry, req, balance);
  return { entry, balance, replayed: false };
}

/** Published after the commit; a lost event costs a notification, never the entry. */
async function announce(entry: Entry, req: Request, balance: number): Promise<void> {
  const detail: FundEntryRecorded = {
    entryId: entry.entryId,
    rt: entry.rt,
    year: entry.year,
    kind: entry.kind,
    amount: entry.amount,
    direction: entry.direction,
    ...(entry.category ? { category: entry.category } : {}),
    ...(entry.reverses ? { reverses: entry.reverses } : {}),
    balance,
    at: entry.recordedAt,
    actor: req.actor.sub,
  };
  try {
    await publishEvents([{ source: FUND_SOURCE, detailType: FUND_ENTRY_RECORDED, detail }]);
  } catch (error) {
    logger.error('FundEntryRecorded not published', { error });
  }
}

function baseEntry(
  rt: string,
  year: number,
  kind: EntryKind,
  amount: number,
  direction: Entry['direction'],
  req: Request,
  rest: Partial<Entry> & { description: string; date: string },
): Entry {
  return {
    entryId: newEntryId(Date.parse(req.now)),
    rt,
    year,
    kind,
    amount,
    direction,
    recordedAt: req.now,
    recordedBy: req.actor.sub,
    ...rest,
  };
}

/**
 * A city allocation to an RT's fund for a year. Without an amount it is the yearly tier allocation (by
 * households), which each account gets once: a second one is a 409, whoever asks.
 */
export async function allocate(
  rt: string,
  year: number,
  input: { amount?: number; households: number | undefined; note: string },
  req: Request,
): Promise<Written & { tier: boolean }> {
  const tier = input.amount === undefined;
  if (tier && input.households === undefined) {
    throw new Conflict('The RT has no household count; give households or an amount');
  }
  const amount = input.amount ?? tierAmount(input.households!);
  const entry = baseEntry(rt, year, 'ALLOCATION', amount, 'CREDIT', req, {
    description: input.note,
    date: dayWib(req.now),
  });
  const written = await writeEntry(entry, accountUpdate(entry, { field: 'allocated' }, { tier }), req);
  return { ...written, tier };
}

/** An RT chair's expense: refused (422) when it is more than the balance, by the database itself. */
export async function recordExpense(
  rt: string,
  year: number,
  input: { amount: number; category: Category; date: string; description: string; vendor?: string },
  req: Request,
): Promise<Written> {
  const entry = baseEntry(rt, year, 'EXPENSE', input.amount, 'DEBIT', req, {
    category: input.category,
    date: input.date,
    description: input.description,
    ...(input.vendor ? { vendor: input.vendor } : {}),
  });
  return writeEntry(entry, accountUpdate(entry, { field: 'spent', category: input.category }), req);
}

export async function getEntry(rt: string, year: number, entryId: string): Promise<Entry | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: entryKey(rt, year, entryId), ConsistentRead: true }),
  );
  if (!out.Item) return undefined;
  const { pk: _p, sk: _s, ...entry } = out.Item;
  return entry as Entry;
}

/**
 * The correcting entry: the opposite of an allocation or an expense, linked to it, once (a guard item makes a
 * second reversal fail in the same transaction). A chair may reverse the RT's own expenses for a number of days;
 * the city anything at any time. Reversing an allocation is a debit, so the balance rule holds for it too.
 */
export async function reverseEntry(
  rt: string,
  year: number,
  entryId: string,
  reason: string,
  req: Request,
  chairOnly: boolean,
): Promise<Written> {
  const original = await getEntry(rt, year, entryId);
  if (!original) throw new NotFound('No entry with this id in this fund');
  if (original.kind === 'REVERSAL')
    throw new Conflict('A reversal cannot itself be reversed; record a new entry');
  if (chairOnly) {
    if (original.kind !== 'EXPENSE') throw new Forbidden('Only the city may reverse an allocation');
    const days = config().FUND_CHAIR_REVERSAL_DAYS;
    if (Date.parse(req.now) - Date.parse(original.recordedAt) > days * 86_400_000) {
      throw new Forbidden(`An RT chair may reverse an expense within ${days} days; ask the city`);
    }
  }
  const isExpense = original.kind === 'EXPENSE';
  const entry = baseEntry(rt, year, 'REVERSAL', original.amount, isExpense ? 'CREDIT' : 'DEBIT', req, {
    description: reason,
    date: dayWib(req.now),
    reverses: original.entryId,
    ...(original.category ? { category: original.category } : {}),
  });
  const update = accountUpdate(entry, {
    field: isExpense ? 'reversedExpenses' : 'reversedAllocations',
    ...(original.category ? { category: original.category } : {}),
  });
  const guard: TransactItem = {
    Put: {
      TableName: T(),
      Item: { pk: `FUND#${rt}#${year}`, sk: `REV#${entryId}`, reversal: entry.entryId, at: req.now },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  return writeEntry(entry, update, req, { guards: [guard], reason });
}

/** Where an entry's receipt is kept: receipts/<rt>/<year>/<entryId>.<ext>. */
export const RECEIPT_TYPES = { 'image/jpeg': 'jpg', 'image/png': 'png', 'application/pdf': 'pdf' } as const;
export type ReceiptType = keyof typeof RECEIPT_TYPES;
export const RECEIPT_MAX_BYTES = 5 * 1024 * 1024;
const RECEIPT_KEY = /^receipts\/(\d{10}-\d{3}-\d{3})\/(\d{4})\/([0-9a-z]{9}-[0-9a-f]{12})\.(jpg|png|pdf)$/;

export const receiptKey = (rt: string, year: number, entryId: string, type: ReceiptType) =>
  `receipts/${rt}/${year}/${entryId}.${RECEIPT_TYPES[type]}`;

/**
 * Notes on an entry that its receipt arrived (the file's key, size, when). Only this annotation is ever set on
 * an entry; its money fields stay as written. A later upload (a better photo) replaces the annotation.
 */
export async function attachReceipt(key: string, size: number, at: string): Promise<boolean> {
  const m = RECEIPT_KEY.exec(key);
  if (!m) return false;
  const [, rt, year, entryId, ext] = m as unknown as [string, string, string, string, string];
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: T(),
        Key: entryKey(rt, Number(year), entryId),
        UpdateExpression: 'SET receipt = :r',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':r': { key, size, format: ext, at } },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}
