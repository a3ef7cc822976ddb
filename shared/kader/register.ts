// The kader register (registry table): a kader is a registered resident with a competency level, a posyandu and an
// RT; a level change is audited and kept in the kader's own history; retiring ends the kader's work, never deletes it.
//  kader by NIK (GetItem) ..................... pk KADER#<nik>  sk PROFILE
//  their history, oldest first (Query) ........ pk KADER#<nik>  sk H#<iso>
//  the register by area, in code order (gsi1) . gsi1pk KADERS   gsi1sk <kelurahan code>#<nik>
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { kelurahanOfRt } from '#shared/city/regions.ts';
import { auditPut } from '#shared/platform/audit.ts';
import { cancellationReasons, ddb, queryAll, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { Conflict, NotFound, ValidationError } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { todayWib } from '#shared/platform/wib.ts';
import {
  endEmploymentCoverItems,
  getEmploymentCoverState,
  openEmploymentCoverItems,
} from '#shared/registry/employment-cover.ts';
import { assertResident, getResident } from '#shared/registry/repository.ts';
import type { Kader, KaderChange, KaderHistoryEntry, Level, NewKader } from './schemas.ts';

const T = () => tableName('registry');
export const kaderPk = (nik: string) => `KADER#${nik}`;
export const kaderKey = (nik: string) => ({ pk: kaderPk(nik), sk: 'PROFILE' });
const KADERS = 'KADERS';
/** Where the cover's items begin in the register's transactions: after the kader, its history entry, the audit. */
const COVER_AT = 3;

export interface KaderContext {
  actor: { sub: string; roles: string[] };
  requestId: string;
  now: string;
}

const KEYS = ['pk', 'sk', 'gsi1pk', 'gsi1sk'];
function strip<R>(item: Record<string, unknown>): R {
  const out = { ...item };
  for (const k of KEYS) delete out[k];
  return out as R;
}

function kaderItem(k: Kader): Record<string, unknown> {
  return { ...kaderKey(k.nik), ...k, gsi1pk: KADERS, gsi1sk: `${k.kelurahan}#${k.nik}` };
}

const kaderPut = (k: Kader, previousVersion?: number): TransactItem => ({
  Put: {
    TableName: T(),
    Item: kaderItem(k),
    ConditionExpression: previousVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
    ...(previousVersion === undefined ? {} : { ExpressionAttributeValues: { ':v': previousVersion } }),
  },
});

const historyPut = (nik: string, e: KaderHistoryEntry): TransactItem => ({
  Put: {
    TableName: T(),
    Item: { pk: kaderPk(nik), sk: `H#${e.at}`, ...e },
    ConditionExpression: 'attribute_not_exists(pk)',
  },
});

const audit = (
  nik: string,
  action: string,
  ctx: KaderContext,
  reason?: string,
  before?: unknown,
  after?: unknown,
) =>
  auditPut({
    entity: kaderPk(nik),
    action,
    actor: ctx.actor,
    at: ctx.now,
    requestId: ctx.requestId,
    ...(reason ? { reason } : {}),
    ...(before !== undefined ? { before } : {}),
    ...(after !== undefined ? { after } : {}),
  });

export async function getKader(nik: string, consistent = true): Promise<Kader | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: kaderKey(nik), ConsistentRead: consistent }),
  );
  return out.Item ? strip<Kader>(out.Item) : undefined;
}

export async function kaderHistory(nik: string): Promise<KaderHistoryEntry[]> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :h)',
    ExpressionAttributeValues: { ':pk': kaderPk(nik), ':h': 'H#' },
    ConsistentRead: true,
  });
  return items.map((i) => strip<KaderHistoryEntry>(i));
}

/** What the API shows of a kader. */
export function kaderView(k: Kader) {
  return {
    nik: k.nik,
    name: k.name,
    level: k.level,
    posyandu: k.posyandu ?? null,
    rt: k.rt ?? null,
    kelurahan: k.kelurahan,
    certifiedOn: k.certifiedOn ?? null,
    status: k.status,
    since: k.since,
    retiredOn: k.retiredOn ?? null,
    retiredReason: k.retiredReason ?? null,
  };
}

const inRegister = (existing: Kader | undefined) =>
  new Conflict(
    existing?.status === 'RETIRED'
      ? `This resident is in the register as a kader who retired on ${existing.retiredOn}`
      : 'This resident is in the register as a kader already: a change of level is PUT /kader/{nik}',
    { kader: existing ? kaderView(existing) : null },
  );

/**
 * POST /kader: a registered resident becomes a kader (404 for an unknown NIK, 409 for one who died or moved out, or
 * who is in the register already — retired or not: a retired kader's record is kept and named).
 */
export async function registerKader(
  input: NewKader,
  ctx: KaderContext,
  _extra: TransactItem[] = [],
): Promise<Kader> {
  const existing = await getKader(input.nik);
  if (existing) throw inRegister(existing);
  const resident = await getResident(input.nik);
  if (!resident)
    throw new NotFound('No resident with this NIK is registered: register them first (POST /residents)');
  assertResident(resident);
  const kader: Kader = {
    nik: input.nik,
    name: resident.name,
    level: input.level,
    ...(input.posyandu ? { posyandu: input.posyandu } : {}),
    ...(input.rt ? { rt: input.rt } : {}),
    kelurahan: input.rt ? kelurahanOfRt(input.rt) : resident.kelurahan,
    ...(input.certifiedOn ? { certifiedOn: input.certifiedOn } : {}),
    status: 'ACTIVE',
    since: input.since ?? todayWib(),
    version: 1,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  // An active kader is covered by BPJS Ketenagakerjaan from the day they began (a source of the cover, ended at
  // retirement), in the same transaction as the register.
  for (let attempt = 1; ; attempt++) {
    const cover = openEmploymentCoverItems(
      await getEmploymentCoverState(kader.nik),
      { source: 'KADER', reason: 'Kader kesehatan (register kader)', from: kader.since },
      ctx,
    );
    try {
      await transact([
        kaderPut(kader),
        historyPut(kader.nik, {
          at: ctx.now,
          action: 'REGISTERED',
          by: ctx.actor.sub,
          after: { level: kader.level, posyandu: kader.posyandu, rt: kader.rt, status: 'ACTIVE' },
        }),
        audit(kader.nik, 'KADER_REGISTERED', ctx, undefined, undefined, { level: kader.level }),
        ...cover.items,
      ]);
      return kader;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (reasons?.[0] === 'ConditionalCheckFailed') throw inRegister(await getKader(input.nik));
      // The cover changed since it was read (the city enrolled them as an RT worker in the same instant).
      if (attempt < 4 && reasons?.[COVER_AT] === 'ConditionalCheckFailed') continue;
      throw error;
    }
  }
}

/** PUT /kader/{nik}: level, posyandu, RT or certification date, audited and kept in the history. */
export async function changeKader(nik: string, change: KaderChange, ctx: KaderContext): Promise<Kader> {
  for (let attempt = 1; ; attempt++) {
    const before = await getKader(nik);
    if (!before) throw new NotFound('No kader with this NIK in the register');
    if (before.status === 'RETIRED')
      throw new Conflict(`This kader retired on ${before.retiredOn}`, { status: 'RETIRED' });
    const { posyandu: _p, rt: _r, ...kept } = before;
    const posyandu = change.posyandu === undefined ? before.posyandu : (change.posyandu ?? undefined);
    const rt = change.rt === undefined ? before.rt : (change.rt ?? undefined);
    const after: Kader = {
      ...kept,
      level: (change.level ?? before.level) as Level,
      ...(posyandu ? { posyandu } : {}),
      ...(rt ? { rt } : {}),
      // Without an RT the kader works where they live.
      kelurahan: rt
        ? kelurahanOfRt(rt)
        : change.rt === null
          ? ((await getResident(nik))?.kelurahan ?? before.kelurahan)
          : before.kelurahan,
      ...(change.certifiedOn ? { certifiedOn: change.certifiedOn } : {}),
      version: before.version + 1,
      updatedAt: ctx.now,
    };
    const pick = (k: Kader) => ({
      level: k.level,
      posyandu: k.posyandu,
      rt: k.rt,
      certifiedOn: k.certifiedOn,
    });
    try {
      await transact([
        kaderPut(after, before.version),
        historyPut(nik, {
          at: ctx.now,
          action: 'CHANGED',
          by: ctx.actor.sub,
          reason: change.reason,
          before: pick(before),
          after: pick(after),
        }),
        audit(nik, 'KADER_CHANGED', ctx, change.reason, { level: before.level }, { level: after.level }),
      ]);
      return after;
    } catch (error) {
      if (attempt < 3 && cancellationReasons(error)?.[0] === 'ConditionalCheckFailed') continue;
      throw error;
    }
  }
}

/** The writes that retire a kader on a day: the record (guarded by the version read), its history, the audit. */
export function retireItems(
  before: Kader,
  input: { date: string; reason: string },
  ctx: KaderContext,
): TransactItem[] {
  const after: Kader = {
    ...before,
    status: 'RETIRED',
    retiredOn: input.date,
    retiredReason: input.reason,
    version: before.version + 1,
    updatedAt: ctx.now,
  };
  return [
    kaderPut(after, before.version),
    historyPut(before.nik, {
      at: ctx.now,
      action: 'RETIRED',
      by: ctx.actor.sub,
      reason: input.reason,
      before: { status: 'ACTIVE' },
      after: { status: 'RETIRED' },
    }),
    audit(before.nik, 'KADER_RETIRED', ctx, input.reason),
  ];
}

/** POST /kader/{nik}/retire: the kader's work ends on a day (kept in the register as RETIRED); so does their cover. */
export async function retireKader(
  nik: string,
  input: { date: string; reason: string },
  ctx: KaderContext,
): Promise<Kader> {
  for (let attempt = 1; ; attempt++) {
    const before = await getKader(nik);
    if (!before) throw new NotFound('No kader with this NIK in the register');
    if (before.status === 'RETIRED')
      throw new Conflict(`This kader retired on ${before.retiredOn}`, { status: 'RETIRED' });
    if (input.date < before.since)
      throw ValidationError.field('date', `is before this kader began (${before.since})`);
    const state = await getEmploymentCoverState(nik);
    const cover = state.open?.sources.includes('KADER')
      ? endEmploymentCoverItems(state, { source: 'KADER', reason: input.reason, to: input.date }, ctx).items
      : [];
    try {
      await transact([...retireItems(before, input, ctx), ...cover]);
      return (await getKader(nik))!;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (
        attempt < 4 &&
        (reasons?.[0] === 'ConditionalCheckFailed' || reasons?.[COVER_AT] === 'ConditionalCheckFailed')
      ) {
        continue;
      }
      throw error;
    }
  }
}

/** One page of the register in code order (kelurahan, then NIK), within an area, of a level or status. */
export async function listKader(opts: {
  area?: string;
  level?: Level;
  status?: 'ACTIVE' | 'RETIRED';
  limit: number;
  after?: string;
}): Promise<{ kader: Kader[]; next?: string }> {
  const found: Kader[] = [];
  let start: Record<string, unknown> | undefined;
  const area = opts.area ?? '';
  do {
    const out = await ddb().send(
      new QueryCommand({
        TableName: T(),
        IndexName: 'gsi1',
        KeyConditionExpression: opts.after
          ? 'gsi1pk = :p AND gsi1sk > :after'
          : area
            ? 'gsi1pk = :p AND begins_with(gsi1sk, :a)'
            : 'gsi1pk = :p',
        ExpressionAttributeValues: {
          ':p': KADERS,
          ...(opts.after ? { ':after': opts.after } : area ? { ':a': area } : {}),
        },
        Limit: 200,
        ExclusiveStartKey: start,
      }),
    );
    for (const item of out.Items ?? []) {
      const k = strip<Kader>(item);
      if (!k.kelurahan.startsWith(area)) {
        if (k.kelurahan > area) return { kader: found };
        continue;
      }
      if ((opts.level && k.level !== opts.level) || (opts.status && k.status !== opts.status)) continue;
      found.push(k);
      if (found.length === opts.limit) {
        return { kader: found, next: `${k.kelurahan}#${k.nik}` };
      }
    }
    start = out.LastEvaluatedKey;
  } while (start);
  return { kader: found };
}

/** The whole register, retired kader too (the incentive run pays a month's work): read page by page from the index. */
export async function allKader(): Promise<Kader[]> {
  const items = await queryAll({
    TableName: T(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :p',
    ExpressionAttributeValues: { ':p': KADERS },
  });
  return items.map((i) => strip<Kader>(i));
}
