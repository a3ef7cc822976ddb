// The registry's DynamoDB access: residents, their coverage timeline, RTs and the UHC/premium aggregates
// kept in the same transaction as each change (see shared/platform/tables.ts for the key design).
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { COVERAGE_CHANGED, type CoverageChanged, REGISTRY_SOURCE } from '#events/registry.ts';
import { kelurahanOfRt } from '#shared/city/regions.ts';
import { rtResidentsUpdate } from '#shared/city/rts.ts';
import { auditPut } from '#shared/platform/audit.ts';
import type { Principal } from '#shared/platform/auth.ts';
import { publishEvents } from '#shared/platform/bus.ts';
import { cancellationReasons, ddb, queryAll, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { Conflict, NotFound, ValidationError } from '#shared/platform/errors.ts';
import { logger } from '#shared/platform/logger.ts';
import { recordMetric } from '#shared/platform/metrics.ts';
import { tableName } from '#shared/platform/tables.ts';
import { startOfDayWib } from '#shared/platform/wib.ts';
import { fromProblem, isActive, isCityPaid, isEnrolled, premiumDeltas } from './rules.ts';
import type { CoverageChange, CoveragePeriod, CurrentCoverage, NewResident, Resident } from './schemas.ts';

// Other capabilities add their own items to the registry's transactions through these.
export { type TransactItem, transact };

export interface WriteContext {
  actor: Principal | { sub: string; roles: string[] };
  requestId: string;
  /** ISO instant of the change */
  now: string;
}

const T = () => tableName('registry');
export const residentKey = (nik: string) => ({ pk: `RES#${nik}`, sk: 'PROFILE' });
export const UHC_PK = 'AGG#UHC';
export const PREMIUM_PK = 'AGG#PBI_APBD';

export function residentItem(r: Resident): Record<string, unknown> {
  // Keys last: a resident read back from the table carries its old ones.
  const { gsi2pk: _g3, gsi2sk: _g4, ...rest } = r as Resident & { gsi2pk?: string; gsi2sk?: string };
  return {
    ...rest,
    ...residentKey(r.nik),
    gsi1pk: `RT#${r.rt}`,
    gsi1sk: `${r.name.toLowerCase()}#${r.nik}`,
    // The birthday index is the reminders': someone who has died or moved out of the city is no longer in it.
    ...(r.civilStatus ? {} : birthdayKey(r)),
  };
}

/** The reminders' index (gsi2): residents by birthday (MM-DD), then by birth date. */
export const birthdayKey = (r: Pick<Resident, 'birthDate' | 'nik'>) => ({
  gsi2pk: `BD#${r.birthDate.slice(5)}`,
  gsi2sk: `${r.birthDate}#${r.nik}`,
});

/** A resident item as read from the table, without its keys. */
export function residentFromItem(item: Record<string, unknown>): Resident {
  const { pk: _pk, sk: _sk, gsi1pk: _g1, gsi1sk: _g2, gsi2pk: _g3, gsi2sk: _g4, ...rest } = item;
  return rest as unknown as Resident;
}

export function periodItem(nik: string, c: CurrentCoverage, validTo?: string): Record<string, unknown> {
  const { periodSk, since, ...rest } = c;
  return {
    pk: `RES#${nik}`,
    sk: periodSk,
    validFrom: since,
    ...rest,
    ...(validTo ? { validTo } : {}),
    ...(isCityPaid(c) ? cityPaidKey(nik, since) : {}),
  };
}

/** Shards of the city-paid index: a city's PBI APBD list is large, and one partition would take all its writes. */
export const CITY_PAID_SHARDS = 10;

/**
 * The city-paid periods' index (gsi3): a period the city pays for is in it, under the last digit of the NIK (a
 * sequence number, so evenly spread), by when it began. Who the city pays for in a month is a Query per shard. A
 * newborn without a NIK yet is in it by its birth (`who`: BIRTH#<id>, in its mother's shard).
 */
export const cityPaidKey = (nik: string, validFrom: string, who: string = nik) => ({
  gsi3pk: `APBD#${nik.slice(-1)}`,
  gsi3sk: `${validFrom}#${who}`,
});

/**
 * The coverage period a change opens: from `change.from` (00:00 WIB that day: a participant's real start), else
 * now. It never starts before the period it closes (a retried or racing change may carry an older clock), and its
 * sort key orders by time, then by version.
 */
export function openPeriod(
  before: Pick<Resident, 'coverage' | 'version'> | undefined,
  change: {
    scheme: CurrentCoverage['scheme'];
    status: CurrentCoverage['status'];
    reason?: string;
    source: string;
    from?: string;
    /** The attestation that opens it (source ATTESTATION). */
    letter?: string;
  },
  ctx: WriteContext,
): CurrentCoverage {
  const problem = fromProblem(before?.coverage, change.from);
  if (problem) throw ValidationError.field('from', problem);
  const wanted = change.from ? startOfDayWib(change.from) : ctx.now;
  const since = before?.coverage && before.coverage.since > wanted ? before.coverage.since : wanted;
  const version = (before?.version ?? 0) + 1;
  return {
    scheme: change.scheme,
    status: change.status,
    since,
    source: change.source,
    periodSk: `COV#${since}#v${String(version).padStart(6, '0')}`,
    ...(change.reason ? { reason: change.reason } : {}),
    actor: ctx.actor.sub,
    ...(change.letter ? { letter: change.letter } : {}),
  };
}

/** The ADD update for one kelurahan's UHC counts; undefined when nothing moves. */
export function uhcUpdate(kelurahan: string, d: { residents: number; covered: number; active: number }) {
  if (d.residents === 0 && d.covered === 0 && d.active === 0) return undefined;
  return {
    Update: {
      TableName: T(),
      Key: { pk: UHC_PK, sk: kelurahan },
      UpdateExpression: 'ADD residents :r, covered :c, active :a',
      ExpressionAttributeValues: { ':r': d.residents, ':c': d.covered, ':a': d.active },
    },
  } satisfies TransactItem;
}

export function premiumUpdate(month: string, delta: number) {
  return {
    Update: {
      TableName: T(),
      Key: { pk: PREMIUM_PK, sk: month },
      UpdateExpression: 'ADD delta :d',
      ExpressionAttributeValues: { ':d': delta },
    },
  } satisfies TransactItem;
}

export async function getResident(nik: string): Promise<Resident | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: residentKey(nik), ConsistentRead: true }),
  );
  return out.Item ? residentFromItem(out.Item) : undefined;
}

/** The clinic's question, in one strongly consistent GetItem of the coverage and whether the resident died. */
export async function getCurrentCoverage(
  nik: string,
): Promise<{ coverage: CurrentCoverage | null; civilStatus?: Resident['civilStatus'] } | undefined> {
  const out = await ddb().send(
    new GetCommand({
      TableName: T(),
      Key: residentKey(nik),
      ConsistentRead: true,
      ProjectionExpression: 'coverage, civilStatus',
    }),
  );
  if (!out.Item) return undefined;
  return {
    coverage: (out.Item.coverage as CurrentCoverage | undefined) ?? null,
    ...(out.Item.civilStatus ? { civilStatus: out.Item.civilStatus as Resident['civilStatus'] } : {}),
  };
}

/** Refuses any change to someone who has died or moved out of the city: 409, saying when. */
export function assertResident(r: Pick<Resident, 'civilStatus' | 'death' | 'movedOut'>): void {
  if (r.civilStatus === 'DECEASED')
    throw new Conflict(`This resident died on ${r.death?.date ?? 'a recorded date'}`, {
      status: 'DECEASED',
      ...(r.death ? { deceasedOn: r.death.date } : {}),
    });
  if (r.civilStatus === 'MOVED_OUT')
    throw new Conflict(`This resident moved out of the city on ${r.movedOut?.date ?? 'a recorded date'}`, {
      status: 'MOVED_OUT',
      ...(r.movedOut ? { movedOutOn: r.movedOut.date, to: r.movedOut.to } : {}),
    });
}

export async function getCoverageHistory(nik: string): Promise<CoveragePeriod[]> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :cov)',
    ExpressionAttributeValues: { ':pk': `RES#${nik}`, ':cov': 'COV#' },
    ScanIndexForward: false,
  });
  return items.map(({ pk: _pk, sk: _sk, ...period }) => period as unknown as CoveragePeriod);
}

export async function createResident(input: NewResident, ctx: WriteContext): Promise<Resident> {
  const resident: Resident = {
    nik: input.nik,
    kk: input.kk,
    name: input.name,
    birthDate: input.birthDate,
    sex: input.sex,
    ...(input.phone ? { phone: input.phone } : {}),
    rt: input.rt,
    kelurahan: kelurahanOfRt(input.rt),
    lowIncome: input.lowIncome ?? false,
    smsConsent: input.smsConsent ?? false,
    coverage: null,
    version: 1,
    createdAt: ctx.now,
    updatedAt: ctx.now,
  };
  const items: TransactItem[] = [
    {
      Put: { TableName: T(), Item: residentItem(resident), ConditionExpression: 'attribute_not_exists(pk)' },
    },
    // Counts the resident in the RT, which must be in the directory and active.
    rtResidentsUpdate(input.rt, 1, true),
    uhcUpdate(resident.kelurahan, { residents: 1, covered: 0, active: 0 })!,
    auditPut({
      entity: `RES#${input.nik}`,
      action: 'ResidentRegistered',
      actor: ctx.actor,
      at: ctx.now,
      requestId: ctx.requestId,
      after: { rt: input.rt },
    }),
  ];
  try {
    await transact(items);
  } catch (error) {
    const reasons = cancellationReasons(error);
    if (reasons?.[0] === 'ConditionalCheckFailed')
      throw new Conflict('A resident with this NIK is already registered');
    if (reasons?.[1] === 'ConditionalCheckFailed')
      throw ValidationError.field('rt', `RT ${input.rt} is not in the city's RT directory, or is closed`);
    throw error;
  }
  return resident;
}

export interface CoverageChangePlan {
  items: TransactItem[];
  after: Resident;
  event: CoverageChanged;
}

export interface PlanOptions {
  /** The resident does not exist yet: Put it (in the RT, which must exist) instead of updating it. */
  register?: boolean;
  /** Profile fields set in the same write (a phone the resident gives at the RT chair's desk). */
  profile?: Partial<Pick<Resident, 'phone' | 'lowIncome'>>;
}

/**
 * Plans one coverage change as transaction items: close the current period, open the new one, move the
 * aggregates, write the audit record, all guarded by the resident's version (or, registering, by the
 * resident not existing yet). Other capabilities (the RT chair's attestation) add their own items to the
 * same transaction.
 */
export function planCoverageChange(
  before: Resident,
  change: CoverageChange & { source: string; letter?: string },
  ctx: WriteContext,
  opts: PlanOptions = {},
): CoverageChangePlan {
  assertResident(before);
  const version = before.version + 1;
  const coverage = openPeriod(before, change, ctx);
  // When the period begins (back-dated by `from`: the months billed and the closed period's end follow it), and
  // when the change is written (never before the resident's last change).
  const at = coverage.since;
  const written = at > ctx.now ? at : ctx.now;
  const premium = premiumDeltas(before.coverage, coverage, at, before.apbdLastEnd);
  const after: Resident = {
    ...before,
    ...opts.profile,
    coverage,
    version,
    updatedAt: written,
    ...(premium.apbdLastEnd ? { apbdLastEnd: premium.apbdLastEnd } : {}),
  };
  const profile = Object.entries(opts.profile ?? {}).filter(([, v]) => v !== undefined);
  const items: TransactItem[] = opts.register
    ? [
        {
          Put: { TableName: T(), Item: residentItem(after), ConditionExpression: 'attribute_not_exists(pk)' },
        },
        rtResidentsUpdate(before.rt, 1, true),
      ]
    : [
        {
          Update: {
            TableName: T(),
            Key: residentKey(before.nik),
            UpdateExpression: `SET coverage = :c, version = :v, updatedAt = :now, apbdLastEnd = :end${profile
              .map(([k]) => `, #${k} = :${k}`)
              .join('')}`,
            ConditionExpression: 'version = :prev',
            ...(profile.length
              ? { ExpressionAttributeNames: Object.fromEntries(profile.map(([k]) => [`#${k}`, k])) }
              : {}),
            ExpressionAttributeValues: {
              ':c': coverage,
              ':v': version,
              ':now': written,
              ':end': premium.apbdLastEnd ?? null,
              ':prev': before.version,
              ...Object.fromEntries(profile.map(([k, v]) => [`:${k}`, v])),
            },
          },
        },
      ];
  items.push({ Put: { TableName: T(), Item: periodItem(before.nik, coverage) } });
  if (before.coverage) {
    items.push({
      Update: {
        TableName: T(),
        Key: { pk: `RES#${before.nik}`, sk: before.coverage.periodSk },
        UpdateExpression: 'SET validTo = :to',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(validTo)',
        ExpressionAttributeValues: { ':to': at },
      },
    });
  }
  const uhc = uhcUpdate(before.kelurahan, {
    residents: opts.register ? 1 : 0,
    covered: Number(isEnrolled(coverage)) - Number(isEnrolled(before.coverage)),
    active: Number(isActive(coverage)) - Number(isActive(before.coverage)),
  });
  if (uhc) items.push(uhc);
  for (const d of premium.deltas) items.push(premiumUpdate(d.month, d.delta));
  items.push(
    auditPut({
      entity: `RES#${before.nik}`,
      action: opts.register ? 'ResidentRegistered' : 'CoverageChanged',
      actor: ctx.actor,
      at: written,
      requestId: ctx.requestId,
      reason: change.reason,
      before: before.coverage ? { scheme: before.coverage.scheme, status: before.coverage.status } : null,
      after: {
        ...(opts.register ? { rt: before.rt } : {}),
        scheme: coverage.scheme,
        status: coverage.status,
        source: coverage.source,
        ...(change.from ? { from: change.from } : {}),
      },
    }),
  );
  const event: CoverageChanged = {
    nik: before.nik,
    rt: before.rt,
    kelurahan: before.kelurahan,
    before: before.coverage ? { scheme: before.coverage.scheme, status: before.coverage.status } : null,
    after: { scheme: coverage.scheme, status: coverage.status },
    source: change.source,
    reason: change.reason,
    at,
    actor: ctx.actor.sub,
  };
  return { items, after, event };
}

/** Publishes after the commit; a lost event costs a confirmation SMS, never the coverage itself. */
export async function announceCoverageChange(event: CoverageChanged): Promise<void> {
  try {
    await publishEvents([{ source: REGISTRY_SOURCE, detailType: COVERAGE_CHANGED, detail: event }]);
  } catch (error) {
    logger.error('CoverageChanged not published', { error });
  }
}

/**
 * Closes the current coverage period and opens a new one. Asking for the coverage a resident already
 * has changes nothing (so a retried PUT is harmless). Retries when another change got there first.
 */
export async function changeCoverage(
  nik: string,
  change: CoverageChange & { source: string },
  ctx: WriteContext,
): Promise<{ resident: Resident; changed: boolean }> {
  for (let attempt = 1; ; attempt++) {
    const before = await getResident(nik);
    if (!before) throw new NotFound('No resident with this NIK is registered');
    if (before.coverage?.scheme === change.scheme && before.coverage.status === change.status) {
      return { resident: before, changed: false };
    }
    // A retry is a new attempt at a later moment, after the change that beat it.
    const plan = planCoverageChange(
      before,
      change,
      attempt === 1 ? ctx : { ...ctx, now: new Date().toISOString() },
    );
    try {
      await transact(plan.items);
    } catch (error) {
      if (cancellationReasons(error)?.[0] === 'ConditionalCheckFailed' && attempt < 5) continue;
      throw error;
    }
    // Counted here, after the commit, as the letter (attestation) and the import count theirs: no event sees all
    // three (an import announces nothing), and an event may be delivered twice.
    if (isActive(plan.after.coverage) && !isActive(before.coverage)) recordMetric('CoverageActivated', 1);
    await announceCoverageChange(plan.event);
    return { resident: plan.after, changed: true };
  }
}

export interface UhcRow {
  kelurahan: string;
  residents: number;
  covered: number;
  active: number;
}

export async function uhcRows(areaPrefix: string): Promise<UhcRow[]> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :area)',
    ExpressionAttributeValues: { ':pk': UHC_PK, ':area': areaPrefix },
  });
  return items.map((item) => ({
    kelurahan: String(item.sk),
    residents: Number(item.residents ?? 0),
    covered: Number(item.covered ?? 0),
    active: Number(item.active ?? 0),
  }));
}

/** City-paid residents counted for a month: the sum of the monthly deltas up to and including it. */
export async function cityPaidCount(month: string): Promise<number> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk AND sk <= :m',
    ExpressionAttributeValues: { ':pk': PREMIUM_PK, ':m': month },
    ConsistentRead: true,
  });
  return items.reduce((total, item) => total + Number(item.delta ?? 0), 0);
}

/** One RT's residents by name, a page at a time (index gsi1); the cursor is the name key to go on from. */
export async function listRtResidents(
  rt: string,
  limit: number,
  after?: string,
): Promise<{ residents: Resident[]; next: string | null }> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: T(),
      IndexName: 'gsi1',
      KeyConditionExpression: after ? 'gsi1pk = :pk AND gsi1sk > :after' : 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `RT#${rt}`, ...(after ? { ':after': after } : {}) },
      Limit: limit,
    }),
  );
  const items = out.Items ?? [];
  const last = items.at(-1);
  return {
    residents: items.map(residentFromItem),
    next: out.LastEvaluatedKey && last ? String(last.gsi1sk) : null,
  };
}
