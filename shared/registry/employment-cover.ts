// BPJS Ketenagakerjaan for non-wage workers (BPU: work accident + death), the city's second paid scheme beside PBI
// APBD: a resident's employment cover is a timeline of periods, the open one kept open by its sources (RT_WORKER,
// the city's enrolment; KADER, the kader register), and the month's bill is kept as deltas beside it.
//  the cover's state (version, open period, last billed month) ... pk RES#<nik>         sk EMP
//  its periods, by start (Query) ................................. pk RES#<nik>         sk EMP#<validFrom>#v<version>
//  the bill's deltas by month (Query sk <= m) .................... pk AGG#BPJSTK_BPU    sk <YYYY-MM>
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { auditPut } from '#shared/platform/audit.ts';
import { config } from '#shared/platform/config.ts';
import { cancellationReasons, ddb, queryAll, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { Conflict, NotFound, ValidationError } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { dayWib, startOfDayWib, todayWib } from '#shared/platform/wib.ts';
import { isoDate, reasonSchema } from './fields.ts';
import { assertResident, getResident, residentKey, type WriteContext } from './repository.ts';
import { addDays, addMonths } from './rules.ts';

export const EMPLOYMENT_SCHEME = 'BPJSTK_BPU';
export const EMPLOYMENT_PREMIUM_PK = `AGG#${EMPLOYMENT_SCHEME}`;
export const COVER_SOURCES = ['RT_WORKER', 'KADER'] as const;
export type CoverSource = (typeof COVER_SOURCES)[number];

export interface OpenCover {
  /** ISO instant the period began: 00:00 WIB of its `from` day */
  since: string;
  /** What keeps it open; it closes when none is left */
  sources: CoverSource[];
  /** Sort key of the period item */
  periodSk: string;
  /** The first month this period is billed (a month an earlier period billed is not billed again) */
  billedFrom: string;
}

/** A resident's employment cover as kept in `RES#<nik> / EMP`; version 0: never enrolled (no item yet). */
export interface EmploymentCoverState {
  nik: string;
  version: number;
  open: OpenCover | null;
  /** The last month a closed period was billed for */
  lastEnd?: string;
  /** The last day (YYYY-MM-DD, WIB) of the last closed period: a new one begins after it */
  lastTo?: string;
}

export interface CoverPeriod {
  validFrom: string;
  validTo?: string;
  /** Every source that held the period open */
  sources: CoverSource[];
  reason?: string;
  actor: string;
}

export type MonthDelta = { month: string; delta: number };

/** A day of the cover (its first or its last), WIB: a real day, not in the future. */
const coverDay = () => isoDate().check(z.refine((s) => s <= todayWib(), 'is in the future'));
// Pure: a function that imports this module for the bill alone (GET /premiums, GET /uhc) does not build them.
export const enrolSchema = /* @__PURE__ */ z.object({ from: coverDay(), reason: reasonSchema() });
export const endSchema = /* @__PURE__ */ z.object({ to: coverDay(), reason: reasonSchema() });

// ---------------------------------------------------------------------------------------------------------------
// Pure rules

/** The first month a period starting on `from` (YYYY-MM-DD) is billed: its month, or after the last one billed. */
export function coverBilledFrom(from: string, lastEnd: string | undefined): string {
  const start = from.slice(0, 7);
  return lastEnd && lastEnd >= start ? addMonths(lastEnd, 1) : start;
}

/**
 * What closing a period on `to` (its last day) does to the bill: billed through the month of `to` and no longer, so
 * -1 from the month after (or where it began, when its months were all billed by an earlier period already).
 */
export function coverEndDeltas(
  billedFrom: string,
  to: string,
  lastEnd: string | undefined,
): { deltas: MonthDelta[]; lastEnd: string | undefined } {
  const after = addMonths(to.slice(0, 7), 1);
  const stop = after > billedFrom ? after : billedFrom;
  return { deltas: [{ month: stop, delta: -1 }], lastEnd: stop > billedFrom ? addMonths(stop, -1) : lastEnd };
}

export interface CoverChange {
  after: EmploymentCoverState;
  /** A period opened (true) or closed (true); otherwise only the sources moved */
  opened: boolean;
  closed: boolean;
  deltas: MonthDelta[];
}

/**
 * Adds a source from `from` (a WIB day): opens a period when none is open (billed from its month), else only adds
 * the source (the period keeps its start). The source already there → 409; a day not after the last period → 400.
 */
export function addCoverSource(state: EmploymentCoverState, source: CoverSource, from: string): CoverChange {
  const version = state.version + 1;
  if (state.open) {
    if (state.open.sources.includes(source))
      throw new Conflict(`This resident is covered as ${source} already`, { cover: coverView(state) });
    const open = { ...state.open, sources: [...state.open.sources, source].sort() };
    return { after: { ...state, version, open }, opened: false, closed: false, deltas: [] };
  }
  if (state.lastTo && from <= state.lastTo)
    throw ValidationError.field('from', `must be after ${state.lastTo}, the last day of the previous cover`);
  const since = startOfDayWib(from);
  const billedFrom = coverBilledFrom(from, state.lastEnd);
  const open: OpenCover = {
    since,
    sources: [source],
    periodSk: `EMP#${since}#v${String(version).padStart(6, '0')}`,
    billedFrom,
  };
  return {
    after: { ...state, version, open },
    opened: true,
    closed: false,
    deltas: [{ month: billedFrom, delta: 1 }],
  };
}

/**
 * Ends a source on `to` (its last covered day, WIB), or every source (`ALL`: a death, a move): the period closes on
 * that day when no source is left. Not covered by the source → 409; a day before the period began → 400.
 */
export function removeCoverSource(
  state: EmploymentCoverState,
  source: CoverSource | 'ALL',
  to: string,
): CoverChange {
  const open = state.open;
  if (!open || (source !== 'ALL' && !open.sources.includes(source)))
    throw new Conflict(
      source === 'ALL'
        ? 'This resident has no open employment cover'
        : `This resident is not covered as ${source}`,
      { cover: coverView(state) },
    );
  const version = state.version + 1;
  const left = source === 'ALL' ? [] : open.sources.filter((s) => s !== source);
  if (left.length)
    return {
      after: { ...state, version, open: { ...open, sources: left } },
      opened: false,
      closed: false,
      deltas: [],
    };
  const began = dayWib(open.since);
  if (to < began) throw ValidationError.field('to', `must not be before ${began}, the day the cover began`);
  const end = coverEndDeltas(open.billedFrom, to, state.lastEnd);
  const { lastEnd: _l, ...rest } = state;
  return {
    after: { ...rest, version, open: null, lastTo: to, ...(end.lastEnd ? { lastEnd: end.lastEnd } : {}) },
    opened: false,
    closed: true,
    deltas: end.deltas,
  };
}

/** The cover as the API shows it. */
export function coverView(state: EmploymentCoverState) {
  const open = state.open;
  return {
    nik: state.nik,
    scheme: EMPLOYMENT_SCHEME,
    status: open ? ('ACTIVE' as const) : ('NONE' as const),
    since: open?.since ?? null,
    sources: open?.sources ?? [],
    premiumPerMonth: open ? config().BPJSTK_PREMIUM : 0,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Transaction items (other capabilities put them in their own transactions: the kader register)

const T = () => tableName('registry');
const stateKey = (nik: string) => ({ pk: `RES#${nik}`, sk: 'EMP' });

export function employmentPremiumUpdate(month: string, delta: number): TransactItem {
  return {
    Update: {
      TableName: T(),
      Key: { pk: EMPLOYMENT_PREMIUM_PK, sk: month },
      UpdateExpression: 'ADD delta :d',
      ExpressionAttributeValues: { ':d': delta },
    },
  };
}

/** The state's write, guarded by its version (or by its absence): a racing change fails it, and is retried. */
function statePut(before: EmploymentCoverState, after: EmploymentCoverState, now: string): TransactItem {
  return {
    Put: {
      TableName: T(),
      Item: { ...stateKey(after.nik), ...after, updatedAt: now },
      ...(before.version === 0
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: 'version = :prev', ExpressionAttributeValues: { ':prev': before.version } }),
    },
  };
}

export interface CoverInput {
  source: CoverSource;
  reason: string;
}

export interface CoverPlan {
  /** The state's Put first: a ConditionalCheckFailed on it means another change got there first (read again). */
  items: TransactItem[];
  after: EmploymentCoverState;
}

/**
 * Plans covering a resident from `from` (a WIB day) by a source: the state, a check that the resident is registered
 * and neither died nor moved out, the new period (or the source added to the open one), the bill and the audit.
 */
export function openEmploymentCoverItems(
  state: EmploymentCoverState,
  input: CoverInput & { from: string },
  ctx: WriteContext,
): CoverPlan {
  const change = addCoverSource(state, input.source, input.from);
  const open = change.after.open!;
  const items: TransactItem[] = [
    statePut(state, change.after, ctx.now),
    {
      ConditionCheck: {
        TableName: T(),
        Key: residentKey(state.nik),
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(civilStatus)',
      },
    },
  ];
  if (change.opened) {
    const period: CoverPeriod = {
      validFrom: open.since,
      sources: open.sources,
      reason: input.reason,
      actor: ctx.actor.sub,
    };
    items.push({
      Put: {
        TableName: T(),
        Item: { pk: `RES#${state.nik}`, sk: open.periodSk, scheme: EMPLOYMENT_SCHEME, ...period },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    });
  } else {
    // The period keeps every source that held it open.
    items.push({
      Update: {
        TableName: T(),
        Key: { pk: `RES#${state.nik}`, sk: open.periodSk },
        UpdateExpression: 'SET sources = :s',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(validTo)',
        ExpressionAttributeValues: { ':s': open.sources },
      },
    });
  }
  for (const d of change.deltas) items.push(employmentPremiumUpdate(d.month, d.delta));
  items.push(
    auditPut({
      entity: `RES#${state.nik}`,
      action: change.opened ? 'EmploymentCoverOpened' : 'EmploymentCoverSourceAdded',
      actor: ctx.actor,
      at: ctx.now,
      requestId: ctx.requestId,
      reason: input.reason,
      before: state.open ? { sources: state.open.sources } : null,
      after: { scheme: EMPLOYMENT_SCHEME, source: input.source, from: input.from, sources: open.sources },
    }),
  );
  return { items, after: change.after };
}

/**
 * Plans ending a source on `to` (its last covered day, WIB), or every source (`ALL`): the state, the period closed
 * (validTo: the end of that day) when no source is left, the bill and the audit. No resident check: a cover ends for
 * someone who died or moved out too.
 */
export function endEmploymentCoverItems(
  state: EmploymentCoverState,
  input: { source: CoverSource | 'ALL'; reason: string; to: string },
  ctx: WriteContext,
): CoverPlan {
  const change = removeCoverSource(state, input.source, input.to);
  const open = state.open!;
  const items: TransactItem[] = [statePut(state, change.after, ctx.now)];
  if (change.closed) {
    items.push({
      Update: {
        TableName: T(),
        Key: { pk: `RES#${state.nik}`, sk: open.periodSk },
        UpdateExpression: 'SET validTo = :to',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(validTo)',
        ExpressionAttributeValues: { ':to': startOfDayWib(addDays(input.to, 1)) },
      },
    });
  }
  for (const d of change.deltas) items.push(employmentPremiumUpdate(d.month, d.delta));
  items.push(
    auditPut({
      entity: `RES#${state.nik}`,
      action: change.closed ? 'EmploymentCoverClosed' : 'EmploymentCoverSourceEnded',
      actor: ctx.actor,
      at: ctx.now,
      requestId: ctx.requestId,
      reason: input.reason,
      before: { sources: open.sources },
      after: {
        scheme: EMPLOYMENT_SCHEME,
        source: input.source,
        to: input.to,
        sources: change.after.open?.sources ?? [],
      },
    }),
  );
  return { items, after: change.after };
}

// ---------------------------------------------------------------------------------------------------------------
// Reads and the route's writes

/** The cover's state in one consistent GetItem (version 0, nothing open, for a resident never covered). */
export async function getEmploymentCoverState(nik: string): Promise<EmploymentCoverState> {
  const out = await ddb().send(new GetCommand({ TableName: T(), Key: stateKey(nik), ConsistentRead: true }));
  if (!out.Item) return { nik, version: 0, open: null };
  const { pk: _pk, sk: _sk, updatedAt: _u, ...state } = out.Item;
  return state as unknown as EmploymentCoverState;
}

/** The cover now and its periods, newest first; undefined for an unknown NIK. */
export async function getEmploymentCover(nik: string) {
  const [resident, state, periods] = await Promise.all([
    getResident(nik),
    getEmploymentCoverState(nik),
    queryAll({
      TableName: T(),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :emp)',
      ExpressionAttributeValues: { ':pk': `RES#${nik}`, ':emp': 'EMP#' },
      ScanIndexForward: false,
      ConsistentRead: true,
    }),
  ]);
  if (!resident) return undefined;
  return {
    ...coverView(state),
    history: periods.map(({ pk: _pk, sk: _sk, ...p }) => p as unknown as CoverPeriod & { scheme: string }),
  };
}

/** Reads, plans and writes, again from a fresh read when another change got there first. */
async function changeCover(
  nik: string,
  plan: (state: EmploymentCoverState) => CoverPlan,
): Promise<EmploymentCoverState> {
  for (let attempt = 1; ; attempt++) {
    const p = plan(await getEmploymentCoverState(nik));
    try {
      await transact(p.items);
      return p.after;
    } catch (error) {
      const reasons = cancellationReasons(error);
      // The state changed under us (0), or the hot month aggregate stayed busy: read again.
      const raced = reasons?.[0] === 'ConditionalCheckFailed' || reasons?.includes('TransactionConflict');
      if (raced && attempt < 8) continue;
      throw error;
    }
  }
}

async function knownResident(nik: string) {
  const resident = await getResident(nik);
  if (!resident) throw new NotFound('No resident with this NIK is registered', { nik });
  return resident;
}

/** POST /residents/{nik}/employment-cover: the city enrols a resident as an RT activity worker. */
export async function enrolRtWorker(
  nik: string,
  input: { from: string; reason: string },
  ctx: WriteContext,
): Promise<EmploymentCoverState> {
  assertResident(await knownResident(nik));
  try {
    return await changeCover(nik, (state) =>
      openEmploymentCoverItems(state, { ...input, source: 'RT_WORKER' }, ctx),
    );
  } catch (error) {
    // The resident check: a death or a move recorded meanwhile.
    if (cancellationReasons(error)?.[1] === 'ConditionalCheckFailed')
      assertResident(await knownResident(nik));
    throw error;
  }
}

/** POST /residents/{nik}/employment-cover/end: the city's enrolment ends on `to` (its last covered day). */
export async function endRtWorker(
  nik: string,
  input: { to: string; reason: string },
  ctx: WriteContext,
): Promise<EmploymentCoverState> {
  await knownResident(nik);
  return changeCover(nik, (state) => endEmploymentCoverItems(state, { ...input, source: 'RT_WORKER' }, ctx));
}

/** Residents the city pays BPJS Ketenagakerjaan for in a month: the sum of the monthly deltas up to it. */
export async function employmentCoverCount(month: string): Promise<number> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk AND sk <= :m',
    ExpressionAttributeValues: { ':pk': EMPLOYMENT_PREMIUM_PK, ':m': month },
    ConsistentRead: true,
  });
  return items.reduce((total, item) => total + Number(item.delta ?? 0), 0);
}
