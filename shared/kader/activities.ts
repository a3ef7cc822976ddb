// A kader's work: each activity (home visit, posyandu, posbindu, education) recorded once per Idempotency-Key, with the
// month's count kept beside it in the same transaction — the count the monthly incentive is decided by.
//  a kader's activities of a month (Query) .... pk KADER#<nik>  sk A#<YYYY-MM-DD>#<id>
//  their count in a month (GetItem, ADD) ...... pk KADER#<nik>  sk M#<YYYY-MM>
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import type { Principal } from '#shared/platform/auth.ts';
import { config } from '#shared/platform/config.ts';
import { ddb, queryAll, transact } from '#shared/platform/dynamo.ts';
import { Conflict, Forbidden, NotFound, ValidationError } from '#shared/platform/errors.ts';
import { onceByKey, type WithRecord } from '#shared/platform/idempotency.ts';
import { timeOrderedId } from '#shared/platform/ids.ts';
import { tableName } from '#shared/platform/tables.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { batchGet } from '#shared/registry/batch.ts';
import { getResident } from '#shared/registry/repository.ts';
import { getKader, kaderPk } from './register.ts';
import type { Activity, NewActivity } from './schemas.ts';

const T = () => tableName('registry');
const monthKey = (nik: string, month: string) => ({ pk: kaderPk(nik), sk: `M#${month}` });
/** Days an activity's idempotency record is kept: a phone offline for a week still replays. */
const IDEMPOTENCY_DAYS = 14;

/** The first day of the month before `today`'s (YYYY-MM-DD): the oldest day an activity may be recorded for. */
export function oldestRecordable(today: string): string {
  const [y, m] = today.split('-').map(Number) as [number, number];
  const py = m === 1 ? y - 1 : y;
  const pm = m === 1 ? 12 : m - 1;
  return `${py}-${String(pm).padStart(2, '0')}-01`;
}

/** 400 naming `date` for a day in the future or older than the previous month (WIB). */
export function checkActivityDay(date: string, today = todayWib()): void {
  if (date > today) throw ValidationError.field('date', `is in the future (today is ${today})`);
  const oldest = oldestRecordable(today);
  if (date < oldest)
    throw ValidationError.field('date', `is older than the previous month (the oldest is ${oldest})`);
}

/** Who may record for this kader: the kader themselves, a clinic, the city; another kader → 403. */
export function assertMayRecord(p: Principal, nik: string): void {
  if (p.roles.includes('clinic') || p.roles.includes('city_admin')) return;
  if (p.roles.includes('kader') && p.nik === nik) return;
  throw new Forbidden('A kader records their own activities only');
}

/** The oldest open homecare request of a resident (any need), for a home visit to belong to. */
async function openHomecareRequest(nik: string): Promise<string | undefined> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName('homecare'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `OPEN#${nik}` },
    }),
  );
  const ids = (out.Items ?? []).map((i) => String(i.requestId)).sort();
  return ids[0];
}

export interface ActivityContext {
  actor: Principal;
  requestId: string;
  now: string;
  idempotency: { id: string; requestHash: string };
}

export interface Recorded {
  activity: ReturnType<typeof activityView>;
  monthCount: number;
}

export function activityView(a: Activity) {
  return {
    id: a.id,
    date: a.date,
    kind: a.kind,
    residentNik: a.residentNik ?? null,
    homecareRequestId: a.homecareRequestId ?? null,
    location: a.location ?? null,
    note: a.note,
    recordedAt: a.recordedAt,
  };
}

/** POST /kader/{nik}/activities: one activity, once per Idempotency-Key; the month's count goes up with it. */
export async function recordActivity(
  nik: string,
  input: NewActivity,
  ctx: ActivityContext,
): Promise<{ result: Recorded; replayed: boolean }> {
  assertMayRecord(ctx.actor, nik);
  const month = input.date.slice(0, 7);
  const out = await onceByKey(ctx, IDEMPOTENCY_DAYS, async (withRecord: WithRecord<Recorded>) => {
    checkActivityDay(input.date);
    const kader = await getKader(nik);
    if (!kader) throw new NotFound('No kader with this NIK in the register');
    if (kader.status !== 'ACTIVE')
      throw new Conflict(`This kader retired on ${kader.retiredOn}`, { status: kader.status });
    if (input.date < kader.since) {
      throw ValidationError.field('date', `is before this kader began (${kader.since}, in the register)`);
    }
    let homecareRequestId: string | undefined;
    if (input.residentNik) {
      const resident = await getResident(input.residentNik);
      if (!resident) throw ValidationError.field('residentNik', 'is not a registered resident');
      homecareRequestId = await openHomecareRequest(input.residentNik);
    }
    const activity: Activity = {
      id: timeOrderedId(),
      kaderNik: nik,
      date: input.date,
      kind: input.kind,
      ...(input.residentNik ? { residentNik: input.residentNik } : {}),
      ...(homecareRequestId ? { homecareRequestId } : {}),
      ...(input.location ? { location: input.location } : {}),
      note: input.note,
      recordedAt: ctx.now,
      recordedBy: { sub: ctx.actor.sub, role: ctx.actor.roles[0] ?? 'unknown' },
    };
    const result: Recorded = {
      activity: activityView(activity),
      monthCount: (await monthCount(nik, month)) + 1,
    };
    await transact(
      withRecord(
        [
          {
            Put: {
              TableName: T(),
              Item: { pk: kaderPk(nik), sk: `A#${activity.date}#${activity.id}`, ...activity },
              ConditionExpression: 'attribute_not_exists(pk)',
            },
          },
          {
            // The count the incentive run reads: one per activity, in the same transaction.
            Update: {
              TableName: T(),
              Key: monthKey(nik, month),
              UpdateExpression: 'ADD activities :one SET #m = :m',
              ExpressionAttributeNames: { '#m': 'month' },
              ExpressionAttributeValues: { ':one': 1, ':m': month },
            },
          },
        ],
        result,
      ),
    );
    return result;
  });
  if (out.replayed) return out;
  // The count as it is after the write (others may have been recorded in the same instant).
  return { result: { ...out.result, monthCount: await monthCount(nik, month) }, replayed: false };
}

export async function monthCount(nik: string, month: string): Promise<number> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: monthKey(nik, month), ConsistentRead: true }),
  );
  return Number(out.Item?.activities ?? 0);
}

/** Many kaders' counts of a month: batch.ts's BatchGetItem, 100 keys a call, all at once. */
export async function monthCounts(niks: string[], month: string): Promise<Map<string, number>> {
  const items = await batchGet(niks.map((n) => monthKey(n, month)));
  return new Map(items.map((i) => [String(i.pk).slice('KADER#'.length), Number(i.activities ?? 0)]));
}

/** A kader's activities of a month, by day. */
export async function activitiesOf(nik: string, month: string): Promise<Activity[]> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :m)',
    ExpressionAttributeValues: { ':pk': kaderPk(nik), ':m': `A#${month}` },
    ConsistentRead: true,
  });
  return items.map((i) => {
    const { pk: _pk, sk: _sk, ...rest } = i;
    return rest as unknown as Activity;
  });
}

/** The month's activities against the incentive rule, for the kader's page. */
export function monthSummary(month: string, count: number) {
  const c = config();
  return {
    month,
    activities: count,
    required: c.KADER_MIN_ACTIVITIES,
    qualifies: count >= c.KADER_MIN_ACTIVITIES,
    incentive: c.KADER_MONTHLY_INCENTIVE,
  };
}
