// Homecare requests: an RT chair, a clinic or the city asks for a home visit to a resident; the request goes to the
// puskesmas serving the resident's kelurahan. One open request per resident and need (a marker item written with a
// condition); who may see what (the chair never sees clinical notes); the views the API answers.
import { puskesmasOfKelurahan } from '#shared/city/puskesmas.ts';
import { auditPut } from '#shared/platform/audit.ts';
import type { Principal } from '#shared/platform/auth.ts';
import { conditionFailed, transact } from '#shared/platform/dynamo.ts';
import { Conflict, DomainError, Forbidden, NotFound } from '#shared/platform/errors.ts';
import { onceByKey as runOnceByKey, type WithRecord } from '#shared/platform/idempotency.ts';

export type { WithRecord };

import { timeOrderedId } from '#shared/platform/ids.ts';
import { dayWib, todayWib } from '#shared/platform/wib.ts';
import { assertResident, getResident } from '#shared/registry/repository.ts';
import { coverageView } from '#shared/registry/rules.ts';
import { daysBetween, isOpen } from './lifecycle.ts';
import {
  getRequest,
  getRequestRecord,
  openMarkerPut,
  openRequestId,
  type RequestRecord,
  requestPut,
  type Scope,
  timelinePut,
} from './repository.ts';
import type { HomecareRequest, NewRequest, TimelineEntry, Trip, Visit } from './schemas.ts';

export interface OpContext {
  actor: Principal;
  requestId: string;
  now: string;
  /** The Idempotency-Key's record id and the body's fingerprint, when the caller sent one. */
  idempotency?: { id: string; requestHash: string };
}

/** Days an idempotency record of homecare is kept: a phone offline for a week still replays. */
const IDEMPOTENCY_DAYS = 14;

export class NoPuskesmas extends DomainError {
  constructor(kelurahan: string) {
    super(
      422,
      'NoPuskesmas',
      `No puskesmas serves kelurahan ${kelurahan} yet: the city registers it with POST /puskesmas`,
      { kelurahan },
    );
  }
}

/** Who did it, for the timeline: the role and the account, never a name. */
export const actorLabel = (a: Pick<Principal, 'sub' | 'roles'>) => `${a.roles[0] ?? 'system'}:${a.sub}`;

/** The platform's once-per-Idempotency-Key runner, with homecare's keeping time. */
export const onceByKey = <R>(ctx: OpContext, write: (withRecord: WithRecord<R>) => Promise<R>) =>
  runOnceByKey(ctx, IDEMPOTENCY_DAYS, write);

/** POST /homecare/requests: the reply (201), or a 409 with the open request for the same resident and need. */
export async function createRequest(
  input: NewRequest,
  ctx: OpContext,
): Promise<{ reply: ReturnType<typeof requestReply>; replayed: boolean }> {
  const out = await onceByKey(ctx, async (withRecord: WithRecord<ReturnType<typeof requestReply>>) => {
    const resident = await getResident(input.nik);
    if (!resident) throw new NotFound('No resident with this NIK is registered', { nik: input.nik });
    const chairOnly = ctx.actor.roles.includes('rt_chair') && ctx.actor.roles.length === 1;
    if (chairOnly && resident.rt !== ctx.actor.rt) {
      throw new Forbidden('An RT chair asks for visits to residents of their own RT only');
    }
    assertResident(resident);
    const open = await openRequestId(input.nik, input.need);
    if (open) await throwOpen(open);
    const puskesmas = await puskesmasOfKelurahan(resident.kelurahan);
    if (!puskesmas) throw new NoPuskesmas(resident.kelurahan);
    const view = coverageView(resident.nik, resident.coverage, resident.civilStatus);
    const request: HomecareRequest = {
      id: timeOrderedId(),
      nik: resident.nik,
      name: resident.name,
      rt: resident.rt,
      kelurahan: resident.kelurahan,
      need: input.need,
      note: input.note,
      ...(input.address ? { address: input.address } : {}),
      ...(input.location ? { location: input.location } : {}),
      puskesmas: { code: puskesmas.code, name: puskesmas.name },
      coverage: { covered: view.covered, status: view.status, scheme: view.scheme },
      status: 'REQUESTED',
      statusAt: ctx.now,
      requestedAt: ctx.now,
      requestedBy: { sub: ctx.actor.sub, role: ctx.actor.roles[0] ?? 'unknown' },
      visitsDone: 0,
      trips: 0,
      version: 1,
    };
    const reply = requestReply(request);
    try {
      await transact(
        withRecord(
          [
            requestPut(request),
            openMarkerPut(request),
            timelinePut(request.id, {
              at: ctx.now,
              action: 'REQUESTED',
              actor: actorLabel(ctx.actor),
              to: 'REQUESTED',
              detail: request.need,
            }),
            auditPut({
              entity: `HC#${request.id}`,
              action: 'HOMECARE_REQUESTED',
              actor: ctx.actor,
              at: ctx.now,
              requestId: ctx.requestId,
              after: { need: request.need, puskesmas: puskesmas.code, rt: request.rt },
            }),
          ],
          reply,
        ),
      );
    } catch (error) {
      // Another request for the same resident and need was made in the same instant.
      if (conditionFailed(error, 1)) {
        const other = await openRequestId(input.nik, input.need);
        if (other) await throwOpen(other);
      }
      throw error;
    }
    return reply;
  });
  return { reply: out.result, replayed: out.replayed };
}

async function throwOpen(id: string): Promise<never> {
  const r = await getRequest(id);
  throw new Conflict(`An open ${r?.need ?? ''} request for this resident exists (${r?.status ?? 'open'})`, {
    request: r ? requestReply(r) : { id },
  });
}

/** What POST answers and the 409 carries: no note, so a chair's retry sees nothing it should not. */
export function requestReply(r: HomecareRequest) {
  return {
    id: r.id,
    status: r.status,
    need: r.need,
    rt: r.rt,
    puskesmas: r.puskesmas,
    coverage: r.coverage,
    requestedAt: r.requestedAt,
    nextVisit: r.nextVisit ?? null,
  };
}

// ---------- who sees what

/** Sees clinical notes: clinic staff and the city's administrators. */
export const seesNotes = (p: Principal) => p.roles.includes('clinic') || p.roles.includes('city_admin');

/** A clinic account's puskesmas, or a 403 saying the account has none. */
export function clinicPuskesmas(p: Principal): string {
  if (!p.puskesmas) {
    throw new Forbidden('This clinic account has no puskesmas (custom:puskesmas): ask the city to set it', {
      reason: 'NoPuskesmasOnAccount',
    });
  }
  return p.puskesmas;
}

/** The list a caller may read: the city (city_admin, or one puskesmas it picks), a clinic's own puskesmas, a chair's RT. */
export function listScope(p: Principal, puskesmas?: string): Scope {
  if (p.roles.includes('city_admin')) return puskesmas ? { puskesmas } : { city: true };
  if (p.roles.includes('clinic')) {
    const own = clinicPuskesmas(p);
    if (puskesmas && puskesmas !== own) {
      throw new Forbidden(`A clinic sees its own puskesmas's requests only (${own})`);
    }
    return { puskesmas: own };
  }
  if (p.roles.includes('rt_chair') && p.rt) return { rt: p.rt };
  throw new Forbidden('Your role may not list homecare requests');
}

/** May this caller read (or, for staff, act on) this request? 404 for a request outside their view. */
export function assertCanSee(p: Principal, r: HomecareRequest): void {
  if (p.roles.includes('city_admin')) return;
  if (p.roles.includes('clinic') && p.puskesmas === r.puskesmas.code) return;
  if (p.roles.includes('rt_chair') && p.rt === r.rt) return;
  if (p.roles.includes('clinic') && !p.puskesmas) clinicPuskesmas(p);
  // Not told apart from an unknown id: a request of another area does not exist for the caller.
  throw new NotFound('No homecare request with this id');
}

/** A request the caller may act on as staff (clinic of its puskesmas, city_admin), read consistently. */
export async function requestForStaff(id: string, p: Principal): Promise<RequestRecord> {
  const record = await getRequestRecord(id);
  if (!record) throw new NotFound('No homecare request with this id');
  assertCanSee(p, record.request);
  return record;
}

/** Days waited: from the request to its first visit, or to today while none has taken place. */
export function daysWaited(r: HomecareRequest, today = todayWib()): number {
  return daysBetween(dayWib(r.requestedAt), r.firstVisitOn ?? today);
}

/** One request in a list. */
export function listItem(r: HomecareRequest, p: Principal, today = todayWib()) {
  return {
    id: r.id,
    nik: r.nik,
    name: r.name,
    rt: r.rt,
    kelurahan: r.kelurahan,
    need: r.need,
    status: r.status,
    statusAt: r.statusAt,
    puskesmas: r.puskesmas,
    coverage: r.coverage,
    requestedAt: r.requestedAt,
    daysWaited: daysWaited(r, today),
    waitingForFirstVisit: !r.firstVisitOn && isOpen(r.status),
    nextVisit: r.nextVisit ?? null,
    firstVisitOn: r.firstVisitOn ?? null,
    visitsDone: r.visitsDone,
    trips: r.trips,
    ...(seesNotes(p) ? { note: r.note } : {}),
  };
}

function visitView(v: Visit, notes: boolean) {
  return {
    id: v.id,
    date: v.date,
    team: v.team,
    status: v.status,
    scheduledAt: v.scheduledAt,
    outcome: v.outcome
      ? {
          done: v.outcome.done,
          at: v.outcome.at,
          ...(notes ? { note: v.outcome.note, by: v.outcome.by } : {}),
        }
      : null,
  };
}

export function tripView(t: Trip) {
  return {
    id: t.id,
    leg: t.leg,
    pickupAt: t.pickupAt,
    destination: t.destination,
    unitId: t.unitId,
    status: t.status,
    bookedAt: t.bookedAt,
    pairedWith: t.pairedWith ?? null,
    movedFrom: t.movedFrom ?? [],
  };
}

const timelineView = (e: TimelineEntry, staff: boolean) => ({
  at: e.at,
  action: e.action,
  ...(e.from ? { from: e.from } : {}),
  ...(e.to ? { to: e.to } : {}),
  ...(e.detail ? { detail: e.detail } : {}),
  ...(staff ? { actor: e.actor } : {}),
});

/** GET /homecare/requests/{id}: the request, its visits, trips and timeline; notes for clinic and city_admin only. */
export function recordView(rec: RequestRecord, p: Principal, today = todayWib()) {
  const notes = seesNotes(p);
  const r = rec.request;
  return {
    ...listItem(r, p, today),
    address: r.address ?? null,
    location: r.location ?? null,
    requestedBy: notes ? r.requestedBy : { role: r.requestedBy.role },
    reason: r.reason ?? null,
    visits: rec.visits.map((v) => visitView(v, notes)),
    trips: rec.trips.map(tripView),
    timeline: rec.timeline.map((e) => timelineView(e, notes)),
  };
}
