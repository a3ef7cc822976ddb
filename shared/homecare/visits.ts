// Visits: the puskesmas schedules a home visit (the household gets one SMS naming the day and the puskesmas), records
// what happened (done, or not done and rescheduled or closed), and plans the next for monthly care; and the request's
// own end (closed, declined). Each change is one transaction: the request's versioned item, the visit, the timeline,
// the audit record, the open marker given back at the end.
import { getPuskesmas } from '#shared/city/puskesmas.ts';
import { auditPut } from '#shared/platform/audit.ts';
import { conditionFailed, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { Conflict, ValidationError } from '#shared/platform/errors.ts';
import { timeOrderedId } from '#shared/platform/ids.ts';
import { logger } from '#shared/platform/logger.ts';
import { sendOnce } from '#shared/platform/once.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { getResident } from '#shared/registry/repository.ts';
import { move } from './lifecycle.ts';
import { getRequest, openMarkerDelete, requestPut, T, timelinePut, visitItem } from './repository.ts';
import {
  actorLabel,
  type OpContext,
  onceByKey,
  requestForStaff,
  requestReply,
  type WithRecord,
} from './requests.ts';
import type { HomecareRequest, NewVisit, Outcome, RequestStatus, Trip, Visit } from './schemas.ts';
import { visitScheduledSms } from './texts.ts';
import { cancelTripsItems, tellCrewsCancelled } from './trips.ts';

export type SmsState = 'SENT' | 'NO_PHONE' | 'FAILED';

function newVisit(r: HomecareRequest, day: string, team: string[], ctx: OpContext): Visit {
  return {
    id: timeOrderedId(),
    requestId: r.id,
    puskesmas: r.puskesmas.code,
    date: day,
    team,
    status: 'SCHEDULED',
    scheduledAt: ctx.now,
    scheduledBy: ctx.actor.sub,
  };
}

const visitPut = (v: Visit, isNew: boolean): TransactItem => ({
  Put: {
    TableName: T(),
    Item: visitItem(v),
    ConditionExpression: isNew ? 'attribute_not_exists(pk)' : '#s = :scheduled',
    ...(isNew
      ? {}
      : {
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':scheduled': 'SCHEDULED' },
        }),
  },
});

const audit = (r: HomecareRequest, action: string, ctx: OpContext, before: unknown, after: unknown) =>
  auditPut({
    entity: `HC#${r.id}`,
    action,
    actor: ctx.actor,
    at: ctx.now,
    requestId: ctx.requestId,
    before,
    after,
  });

/** Retries an operation whose request changed between its read and its write (another clinic user, a trip). */
async function withFreshRequest<R>(op: () => Promise<R>): Promise<R> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await op();
    } catch (error) {
      // The request's versioned Put is the transaction's first item.
      if (attempt < 3 && conditionFailed(error, 0)) continue;
      throw error;
    }
  }
}

export interface VisitReply {
  id: string;
  requestId: string;
  date: string;
  team: string[];
  status: Visit['status'];
  request: ReturnType<typeof requestReply>;
}

const visitReply = (v: Visit, r: HomecareRequest): VisitReply => ({
  id: v.id,
  requestId: r.id,
  date: v.date,
  team: v.team,
  status: v.status,
  request: requestReply(r),
});

/** POST /homecare/requests/{id}/visits: a visit on a day, by a team; the household is told by SMS. */
export async function scheduleVisit(
  requestId: string,
  input: NewVisit,
  ctx: OpContext,
): Promise<{ reply: VisitReply; replayed: boolean; sms: SmsState }> {
  const out = await onceByKey(ctx, (withRecord: WithRecord<VisitReply>) =>
    withFreshRequest(async () => {
      const { request: r } = await requestForStaff(requestId, ctx.actor);
      if (r.nextVisit) {
        throw new Conflict(
          `A visit is already scheduled on ${r.nextVisit.date}: record its outcome (done, or rescheduled) first`,
          { visit: r.nextVisit },
        );
      }
      const to = move(r.status, 'SCHEDULED');
      const visit = newVisit(r, input.date, input.team, ctx);
      const next: HomecareRequest = {
        ...r,
        status: to,
        statusAt: ctx.now,
        nextVisit: { id: visit.id, date: visit.date },
        version: r.version + 1,
      };
      const reply = visitReply(visit, next);
      await transact(
        withRecord(
          [
            requestPut(next, r.version),
            visitPut(visit, true),
            timelinePut(r.id, {
              at: ctx.now,
              action: 'VISIT_SCHEDULED',
              actor: actorLabel(ctx.actor),
              from: r.status,
              to,
              detail: visit.date,
            }),
            audit(r, 'HOMECARE_VISIT_SCHEDULED', ctx, { status: r.status }, { status: to, date: visit.date }),
          ],
          reply,
        ),
      );
      return reply;
    }),
  );
  const sms = await tellHousehold(out.result.request.id, out.result.id, out.result.date);
  return { reply: out.result, replayed: out.replayed, sms };
}

export interface OutcomeReply {
  visit: { id: string; date: string; status: Visit['status']; done: boolean };
  nextVisit: { id: string; date: string } | null;
  request: ReturnType<typeof requestReply>;
}

/**
 * POST /homecare/requests/{id}/visits/{visitId}/outcome: the visit took place (VISITED; with nextVisit, the next is
 * scheduled at once), or not (rescheduled to nextVisit, or the request closed with closeReason).
 */
export async function recordOutcome(
  requestId: string,
  visitId: string,
  outcome: Outcome,
  ctx: OpContext,
): Promise<{ reply: OutcomeReply; replayed: boolean; sms: SmsState | null }> {
  let ended: Trip[] = [];
  const out = await onceByKey(ctx, (withRecord: WithRecord<OutcomeReply>) =>
    withFreshRequest(async () => {
      const record = await requestForStaff(requestId, ctx.actor);
      const r = record.request;
      const visit = record.visits.find((v) => v.id === visitId);
      if (!visit) throw new ValidationError([{ path: 'visitId', message: 'is not a visit of this request' }]);
      if (visit.status !== 'SCHEDULED') {
        throw new Conflict(`This visit's outcome was recorded already (${visit.status})`, {
          visit: { id: visit.id, status: visit.status },
        });
      }
      if (outcome.done && visit.date > todayWib()) {
        throw ValidationError.field('done', `cannot be true before the visit's day (${visit.date})`);
      }
      const done: Visit = {
        ...visit,
        status: outcome.done ? 'DONE' : 'NOT_DONE',
        outcome: { done: outcome.done, note: outcome.note, at: ctx.now, by: ctx.actor.sub },
      };
      let status: RequestStatus = r.status;
      const timeline: TransactItem[] = [];
      const step = (to: RequestStatus, action: string, detail?: string) => {
        const from = status;
        status = move(from, to);
        timeline.push(
          timelinePut(
            r.id,
            { at: ctx.now, action, actor: actorLabel(ctx.actor), from, to, ...(detail ? { detail } : {}) },
            timeline.length,
          ),
        );
      };
      if (outcome.done) step('VISITED', 'VISITED', visit.date);
      else if (!outcome.nextVisit) step('CLOSED', 'CLOSED', outcome.closeReason);
      else
        timeline.push(
          timelinePut(
            r.id,
            { at: ctx.now, action: 'VISIT_NOT_DONE', actor: actorLabel(ctx.actor), detail: visit.date },
            0,
          ),
        );
      const following = outcome.nextVisit ? newVisit(r, outcome.nextVisit, visit.team, ctx) : undefined;
      if (following)
        step('SCHEDULED', outcome.done ? 'VISIT_SCHEDULED' : 'VISIT_RESCHEDULED', following.date);
      const { nextVisit: _was, ...rest } = r;
      const next: HomecareRequest = {
        ...rest,
        status,
        statusAt: ctx.now,
        ...(following ? { nextVisit: { id: following.id, date: following.date } } : {}),
        ...(outcome.done ? { visitsDone: r.visitsDone + 1, firstVisitOn: r.firstVisitOn ?? visit.date } : {}),
        ...(status === 'CLOSED' && outcome.closeReason ? { reason: outcome.closeReason } : {}),
        version: r.version + 1,
      };
      const trips =
        status === 'CLOSED' ? cancelTripsItems(record.trips, ctx.now) : { items: [], cancelled: [] };
      ended = trips.cancelled;
      const reply: OutcomeReply = {
        visit: { id: done.id, date: done.date, status: done.status, done: outcome.done },
        nextVisit: following ? { id: following.id, date: following.date } : null,
        request: requestReply(next),
      };
      await transact(
        withRecord(
          [
            requestPut(next, r.version),
            visitPut(done, false),
            ...(following ? [visitPut(following, true)] : []),
            ...(status === 'CLOSED' ? [openMarkerDelete(r)] : []),
            ...trips.items,
            ...timeline,
            // The audit keeps what changed, never the clinical note.
            audit(r, 'HOMECARE_VISIT_OUTCOME', ctx, { status: r.status }, { status, done: outcome.done }),
          ],
          reply,
        ),
      );
      return reply;
    }),
  );
  await tellCrewsCancelled(ended, { puskesmas: out.result.request.puskesmas });
  const following = out.result.nextVisit;
  const sms = following ? await tellHousehold(out.result.request.id, following.id, following.date) : null;
  return { reply: out.result, replayed: out.replayed, sms };
}

/** POST /homecare/requests/{id}/status: the request ends, CLOSED or DECLINED, with the reason. */
export async function endRequest(
  requestId: string,
  to: RequestStatus,
  reason: string,
  ctx: OpContext,
): Promise<ReturnType<typeof requestReply>> {
  if (to !== 'CLOSED' && to !== 'DECLINED') {
    throw ValidationError.field(
      'status',
      'must be CLOSED or DECLINED here: a visit scheduled or its outcome recorded moves the other statuses',
    );
  }
  return withFreshRequest(async () => {
    const record = await requestForStaff(requestId, ctx.actor);
    const r = record.request;
    move(r.status, to);
    const pending = record.visits.filter((v) => v.status === 'SCHEDULED');
    const { nextVisit: _was, ...rest } = r;
    const next: HomecareRequest = { ...rest, status: to, statusAt: ctx.now, reason, version: r.version + 1 };
    const trips = cancelTripsItems(record.trips, ctx.now);
    await transact([
      requestPut(next, r.version),
      ...trips.items,
      openMarkerDelete(r),
      // A visit still planned will not take place.
      ...pending.map((v) =>
        visitPut(
          {
            ...v,
            status: 'NOT_DONE',
            outcome: { done: false, note: reason, at: ctx.now, by: ctx.actor.sub },
          },
          false,
        ),
      ),
      timelinePut(r.id, {
        at: ctx.now,
        action: to,
        actor: actorLabel(ctx.actor),
        from: r.status,
        to,
        detail: reason,
      }),
      audit(r, `HOMECARE_${to}`, ctx, { status: r.status }, { status: to }),
    ]);
    await tellCrewsCancelled(trips.cancelled, r);
    return requestReply(next);
  });
}

/** The visit's SMS to the household, once per visit however often the call is retried. */
async function tellHousehold(requestId: string, visitId: string, day: string): Promise<SmsState> {
  try {
    const r = await getRequest(requestId);
    if (!r) return 'FAILED';
    const [resident, puskesmas] = await Promise.all([getResident(r.nik), getPuskesmas(r.puskesmas.code)]);
    if (!resident?.phone) return 'NO_PHONE';
    await sendOnce(`sms#homecare-visit#${visitId}`, {
      phone: resident.phone,
      text: visitScheduledSms({
        name: r.name,
        day,
        puskesmas: r.puskesmas.name,
        ...(puskesmas?.phone ? { phone: puskesmas.phone } : {}),
      }),
      purpose: 'homecare-visit',
    });
    return 'SENT';
  } catch (error) {
    logger.error('homecare visit SMS not sent', { requestId, visitId, error: (error as Error).name });
    return 'FAILED';
  }
}
