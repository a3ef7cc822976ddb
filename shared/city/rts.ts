// The city's RT directory: every RT with its chair, households (the fund's tier), whether it is still active, and how
// many residents the registry holds in it (moved in the same transaction as each registration). Kept in the registry
// table (shared/platform/tables.ts: pk RT, sk <rt code>), so a resident's registration checks its RT in the very
// transaction that writes the resident. Every change is audited; an RT is closed, never deleted.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut } from '#shared/platform/audit.ts';
import type { Principal } from '#shared/platform/auth.ts';
import { conditionFailed, ddb, queryAll, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { Conflict, NotFound } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { kelurahanOfRt, placeOf, RT_CODE } from './regions.ts';
import { isActiveRt, RT_PK, type Rt, type RtStatus, rtFromItem } from './rt-records.ts';
import type { NewRt, RtChange } from './schemas.ts';

export { isActiveRt, RT_PK, type Rt, type RtStatus, rtFromItem };

const T = () => tableName('registry');
const rtKey = (rt: string) => ({ pk: RT_PK, sk: rt });

export interface ChangeContext {
  actor: Principal | { sub: string; roles: string[] };
  requestId: string;
  /** ISO instant */
  now: string;
}

/**
 * An RT as the API shows it: with its kelurahan's and kecamatan's names from the region data (`name: null` for a
 * code the data does not list, as local data of an older version may hold).
 */
export function rtView(rt: Rt) {
  const place = placeOf(rt.kelurahan);
  return {
    rt: rt.rt,
    rw: rt.rw,
    number: rt.number,
    kelurahan: place?.kelurahan ?? { code: rt.kelurahan, name: null },
    kecamatan: place?.kecamatan ?? { code: rt.kelurahan.slice(0, 8), name: null },
    households: rt.households,
    chairName: rt.chairName ?? null,
    chairPhone: rt.chairPhone ?? null,
    active: isActiveRt(rt),
    residents: rt.residents,
    updatedAt: rt.updatedAt ?? null,
  };
}
export type RtView = ReturnType<typeof rtView>;

export function newRtItem(input: NewRt, now: string): Rt {
  const m = RT_CODE.exec(input.rt)!;
  return {
    rt: input.rt,
    kelurahan: kelurahanOfRt(input.rt),
    rw: m[5]!,
    number: m[6]!,
    households: input.households,
    chairName: input.chairName,
    ...(input.chairPhone ? { chairPhone: input.chairPhone } : {}),
    status: 'ACTIVE',
    residents: 0,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
}

const audited = (rt: Pick<Rt, 'chairName' | 'households' | 'status'> & { chairPhone?: string | null }) => ({
  chairName: rt.chairName ?? null,
  chairPhone: rt.chairPhone ?? null,
  households: rt.households,
  status: rt.status,
});

export function rtRegisterItems(item: Rt, ctx: ChangeContext, reason?: string): TransactItem[] {
  return [
    {
      Put: {
        TableName: T(),
        Item: { ...rtKey(item.rt), ...item },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    auditPut({
      entity: `RT#${item.rt}`,
      action: 'RtRegistered',
      actor: ctx.actor,
      at: ctx.now,
      requestId: ctx.requestId,
      ...(reason ? { reason } : {}),
      after: audited(item),
    }),
  ];
}

/** Adds an RT to the directory (audited); the same RT again → 409 with the one already there. */
export async function registerRt(input: NewRt, ctx: ChangeContext, reason?: string): Promise<Rt> {
  const item = newRtItem(input, ctx.now);
  try {
    await transact(rtRegisterItems(item, ctx, reason));
  } catch (error) {
    if (!conditionFailed(error, 0)) throw error;
    const existing = await getRt(input.rt);
    throw new Conflict(
      `RT ${input.rt} is already in the directory`,
      existing ? { rt: rtView(existing) } : {},
    );
  }
  return item;
}

/** What a change would make of an RT, or undefined when it changes nothing. */
export function applyRtChange(before: Rt, change: RtChange): Rt | undefined {
  const after: Rt = { ...before };
  if (change.chairName !== undefined) after.chairName = change.chairName;
  if (change.chairPhone === null) delete after.chairPhone;
  else if (change.chairPhone !== undefined) after.chairPhone = change.chairPhone;
  if (change.households !== undefined) after.households = change.households;
  if (change.active !== undefined) after.status = change.active ? 'ACTIVE' : 'INACTIVE';
  const same =
    after.chairName === before.chairName &&
    after.chairPhone === before.chairPhone &&
    after.households === before.households &&
    after.status === before.status;
  return same ? undefined : after;
}

export function rtUpdateItems(before: Rt, after: Rt, ctx: ChangeContext, reason?: string): TransactItem[] {
  const { chairPhone, chairName } = after;
  return [
    {
      Update: {
        TableName: T(),
        Key: rtKey(before.rt),
        UpdateExpression: `SET households = :h, #s = :s, version = :v, updatedAt = :now${chairName ? ', chairName = :n' : ''}${
          chairPhone ? ', chairPhone = :p' : ''
        }${chairPhone ? '' : ' REMOVE chairPhone'}`,
        // Written before this directory existed, an item has no version yet.
        ConditionExpression: before.version
          ? 'version = :prev'
          : 'attribute_exists(pk) AND attribute_not_exists(version)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':h': after.households,
          ':s': after.status,
          ':v': before.version + 1,
          ':now': ctx.now,
          ...(chairName ? { ':n': chairName } : {}),
          ...(chairPhone ? { ':p': chairPhone } : {}),
          ...(before.version ? { ':prev': before.version } : {}),
        },
      },
    },
    auditPut({
      entity: `RT#${before.rt}`,
      action:
        before.status !== after.status
          ? after.status === 'ACTIVE'
            ? 'RtReopened'
            : 'RtClosed'
          : 'RtChanged',
      actor: ctx.actor,
      at: ctx.now,
      requestId: ctx.requestId,
      ...(reason ? { reason } : {}),
      before: audited(before),
      after: audited(after),
    }),
  ];
}

/** Tries of one change that keeps meeting others on the same RT (an import and an admin at once). */
export const CHANGE_ATTEMPTS = 12;
/** A short random wait that grows with the attempt, so racing writers fall out of step. */
export const jitter = (attempt: number) => new Promise((r) => setTimeout(r, Math.random() * 10 * attempt));

/**
 * Changes an RT's chair, phone, households or status (audited): `changed: false` when it already is so. A change that
 * meets another one retries from a fresh read.
 */
export async function changeRt(
  rt: string,
  change: RtChange,
  ctx: ChangeContext,
): Promise<{ rt: Rt; changed: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const before = await getRt(rt, true);
    if (!before) throw new NotFound(`RT ${rt} is not in the directory; add it with POST /rts`);
    const after = applyRtChange(before, change);
    if (!after) return { rt: before, changed: false };
    const written = { ...after, version: before.version + 1, updatedAt: ctx.now };
    try {
      await transact(rtUpdateItems(before, written, ctx, change.reason));
      return { rt: written, changed: true };
    } catch (error) {
      if (!conditionFailed(error, 0) || attempt >= CHANGE_ATTEMPTS) throw error;
      await jitter(attempt);
    }
  }
}

export async function getRt(rt: string, consistent = false): Promise<Rt | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: rtKey(rt), ConsistentRead: consistent }),
  );
  return out.Item ? rtFromItem(out.Item) : undefined;
}

/** The directory's RTs of an area (its code's digits; '' for the whole city): a Query's key condition. */
const inArea = (areaDigits: string) => ({
  KeyConditionExpression: areaDigits ? 'pk = :pk AND begins_with(sk, :p)' : 'pk = :pk',
  ExpressionAttributeValues: { ':pk': RT_PK, ...(areaDigits ? { ':p': areaDigits } : {}) },
});

/** Every RT of the city (a few thousand small items in one partition), or of an area (its code's digits). */
export async function listRts(areaDigits = '', consistent = false): Promise<Rt[]> {
  const items = await queryAll({ TableName: T(), ConsistentRead: consistent, ...inArea(areaDigits) });
  return items.map(rtFromItem);
}

/** An RT as a public page knows it: its code and whether it is still active, never its chair. */
export interface RtStatusOnly {
  rt: string;
  active: boolean;
}

// Only the code and the status are read (projected): the chair's name and phone never leave the table for a public
// page (the fund pages list an RT without an account yet, and refuse one the city does not have).
const STATUS_ONLY = { ProjectionExpression: 'sk, #s', ExpressionAttributeNames: { '#s': 'status' } };
const statusOnly = (item: Record<string, unknown>): RtStatusOnly => ({
  rt: String(item.sk),
  active: isActiveRt({ status: (item.status as RtStatus | undefined) ?? 'ACTIVE' }),
});

/** Every RT of an area, code and status only, in code order: one Query. */
export async function listRtStatuses(areaDigits = ''): Promise<RtStatusOnly[]> {
  const items = await queryAll({ TableName: T(), ...inArea(areaDigits), ...STATUS_ONLY });
  return items.map(statusOnly);
}

/** One RT, code and status only, or undefined when the city has no such RT. */
export async function getRtStatus(rt: string): Promise<RtStatusOnly | undefined> {
  const out = await ddb().send(new GetCommand({ TableName: T(), Key: rtKey(rt), ...STATUS_ONLY }));
  return out.Item ? statusOnly(out.Item) : undefined;
}

/** One page of an area's RTs in code order, from after the RT `after`. */
export async function listRtsPage(
  areaDigits: string,
  limit: number,
  after?: string,
): Promise<{ rts: Rt[]; next: string | null }> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: T(),
      ...inArea(areaDigits),
      Limit: limit,
      ...(after ? { ExclusiveStartKey: rtKey(after) } : {}),
    }),
  );
  const rts = (out.Items ?? []).map(rtFromItem);
  return { rts, next: out.LastEvaluatedKey ? String(out.LastEvaluatedKey.sk) : null };
}

/**
 * The transaction item that counts a resident in (or out of) an RT. Counting in requires the RT to be in the
 * directory and active, so a resident can never be registered in an RT the city does not have (or has closed).
 */
export function rtResidentsUpdate(rt: string, delta: number, requireActive: boolean): TransactItem {
  return {
    Update: {
      TableName: T(),
      Key: rtKey(rt),
      UpdateExpression: 'ADD residents :d',
      ConditionExpression: requireActive
        ? 'attribute_exists(pk) AND (attribute_not_exists(#s) OR #s = :active)'
        : 'attribute_exists(pk)',
      ...(requireActive ? { ExpressionAttributeNames: { '#s': 'status' } } : {}),
      ExpressionAttributeValues: { ':d': delta, ...(requireActive ? { ':active': 'ACTIVE' } : {}) },
    },
  };
}
