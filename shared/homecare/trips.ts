// Jemput Sakit Antar Sehat: ambulance trips for homecare patients. A trip holds its unit's slot (the WIB day cut into
// HOMECARE_TRIP_SLOT_MINUTES from 00:00) by a conditional Put of SLOT#<unitId> / <slot start> in the transaction that
// writes the trip and the request, so no unit is ever booked twice in a slot; and an emergency always wins: an
// ambulance sent to a 112 incident gives its trips of the hour to the next free ambulance, or leaves them NO_UNIT.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { getPuskesmas } from '#shared/city/puskesmas.ts';
import { kelurahanName, rtShortLabel } from '#shared/city/regions.ts';
import { getUnit, listUnits } from '#shared/incident/repository.ts';
import { nearestFirst } from '#shared/incident/rules.ts';
import type { Unit } from '#shared/incident/schemas.ts';
import { auditPut } from '#shared/platform/audit.ts';
import { config } from '#shared/platform/config.ts';
import { cancellationReasons, ddb, queryAll, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { Conflict, NotFound, ValidationError } from '#shared/platform/errors.ts';
import { timeOrderedId } from '#shared/platform/ids.ts';
import { logger } from '#shared/platform/logger.ts';
import { sendOnce } from '#shared/platform/once.ts';
import { getResident } from '#shared/registry/repository.ts';
import { isOpen } from './lifecycle.ts';
import {
  getRequest,
  getRequestRecord,
  type RequestRecord,
  requestPut,
  slotKey,
  T,
  timelinePut,
  tripFromItem,
  tripItem,
  tripKey,
} from './repository.ts';
import {
  actorLabel,
  type OpContext,
  onceByKey,
  requestForStaff,
  tripView,
  type WithRecord,
} from './requests.ts';
import type { HomecareRequest, Location, NewTrip, Trip } from './schemas.ts';
import { timeLabel, tripCancelledSms, tripCrewSms, tripHouseholdSms, tripMovedSms } from './texts.ts';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
const WIB_MS = 7 * 3600_000;
/** How far ahead a trip may be booked. */
export const MAX_DAYS_AHEAD = 90;
/** Rounds of one booking: units taken by others in the same instant, the request changed, write conflicts. */
const MAX_ROUNDS = 30;
/** Timeline entries of trips use their own `seq` range: a visit written in the same millisecond never collides. */
const BOOKED_SEQ = 10;
const MOVED_SEQ = 80;

const SYSTEM = { sub: 'system', roles: [] as string[] };

export type SmsState = 'SENT' | 'NO_PHONE' | 'FAILED';

// ---------- slots (pure)

/** The start (ISO, UTC) of the WIB slot a pickup falls in: slots of `minutes` from 00:00 WIB of its day. */
export function slotOf(pickupAt: string, minutes: number): string {
  const wib = Date.parse(pickupAt) + WIB_MS;
  const day = Math.floor(wib / DAY_MS) * DAY_MS;
  const step = minutes * MINUTE_MS;
  return new Date(day + Math.floor((wib - day) / step) * step - WIB_MS).toISOString();
}

/** Does the slot begin before one slot length from now (the slot now running, or the next)? */
export const isNearSlot = (slot: string, now: string, minutes: number) =>
  Date.parse(slot) < Date.parse(now) + minutes * MINUTE_MS;

const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The ambulances a trip in `slot` may take, in the order to try them: never another kind, never one OFFLINE, and for a
 * slot about to begin none busy (working an incident, or its crew said BUSY); nearest first to `to`, else by id.
 */
export function candidateUnits(
  units: readonly Unit[],
  slot: string,
  now: string,
  minutes: number,
  to?: Location,
  exclude?: string,
): Unit[] {
  const near = isNearSlot(slot, now, minutes);
  const usable = units.filter(
    (u) =>
      u.kind === 'AMBULANCE' &&
      u.status !== 'OFFLINE' &&
      u.id !== exclude &&
      !(near && (u.assignment || u.status === 'BUSY')),
  );
  return to ? nearestFirst(usable, to) : [...usable].sort(byId);
}

/** A pickup time: in the future, at most MAX_DAYS_AHEAD days ahead; 400 naming `field` otherwise. Returns it in UTC. */
export function checkPickup(pickupAt: string, field: string, now: string): string {
  const at = Date.parse(pickupAt);
  if (Number.isNaN(at)) throw ValidationError.field(field, 'is not a real date and time');
  if (at <= Date.parse(now)) throw ValidationError.field(field, `must be in the future (now is ${now})`);
  if (at > Date.parse(now) + MAX_DAYS_AHEAD * DAY_MS) {
    throw ValidationError.field(field, `must be at most ${MAX_DAYS_AHEAD} days ahead`);
  }
  return new Date(at).toISOString();
}

// ---------- items

function slotPut(t: Trip): TransactItem {
  return {
    Put: {
      TableName: T(),
      Item: {
        ...slotKey(t.unitId!, t.slot),
        tripId: t.id,
        requestId: t.requestId,
        puskesmas: t.puskesmas,
        leg: t.leg,
        pickupAt: t.pickupAt,
      },
      // The guarantee itself: one trip per unit and slot, decided by the database.
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

/** Frees the slot only while this trip holds it. */
function slotDelete(t: Trip): TransactItem {
  return {
    Delete: {
      TableName: T(),
      Key: slotKey(t.unitId!, t.slot),
      ConditionExpression: 'tripId = :t',
      ExpressionAttributeValues: { ':t': t.id },
    },
  };
}

const tripPut = (t: Trip): TransactItem => ({
  Put: { TableName: T(), Item: tripItem(t), ConditionExpression: 'attribute_not_exists(pk)' },
});

/** Replaces a trip only if it is still as it was read (status and unit). */
function tripReplace(next: Trip, was: Trip): TransactItem {
  return {
    Put: {
      TableName: T(),
      Item: tripItem(next),
      ConditionExpression: was.unitId ? '#s = :s AND unitId = :u' : '#s = :s',
      ExpressionAttributeNames: { '#s': 'status' },
      ExpressionAttributeValues: { ':s': was.status, ...(was.unitId ? { ':u': was.unitId } : {}) },
    },
  };
}

export async function getTrip(requestId: string, tripId: string): Promise<Trip | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: tripKey(requestId, tripId), ConsistentRead: true }),
  );
  return out.Item ? tripFromItem(out.Item) : undefined;
}

/** Where the ambulance goes for the patient: the request's place, else its puskesmas's. */
async function pickupPoint(r: HomecareRequest): Promise<Location | undefined> {
  return r.location ?? (await getPuskesmas(r.puskesmas.code))?.location;
}

const legWord = (t: Trip) => (t.leg === 'RETURN' ? 'pulang' : 'berangkat');

// ---------- booking

export class NoUnitFree extends Conflict {
  constructor(slot: string, leg: Trip['leg']) {
    super(`No ambulance is free in the slot from ${timeLabel(slot)} WIB: choose another time`, {
      reason: 'NoUnitFree',
      slot,
      leg,
    });
  }
}

/** What a booking stores with its Idempotency-Key: the trips it made. */
export interface Booked {
  requestId: string;
  tripIds: string[];
}

export interface TripReply {
  id: string;
  requestId: string;
  unitId: string | null;
  pickupAt: string;
  slot: string;
  status: Trip['status'];
  destination: string;
  returnTrip: {
    id: string;
    unitId: string | null;
    pickupAt: string;
    slot: string;
    status: Trip['status'];
  } | null;
  sms: { household: SmsState; crew: 'SENT' | 'FAILED' };
}

interface Leg {
  leg: Trip['leg'];
  pickupAt: string;
  slot: string;
  candidates: Unit[];
  /** Units found holding the slot already. */
  taken: Set<string>;
}

/**
 * POST /homecare/requests/{id}/transport: books the outbound trip (and the return, if asked) on the nearest free
 * ambulances, in one transaction with the request; then the household and each crew are told by SMS.
 */
export async function bookTrip(
  requestId: string,
  body: NewTrip,
  ctx: OpContext,
): Promise<{ reply: TripReply; replayed: boolean }> {
  const first = await requestForStaff(requestId, ctx.actor);
  const out = await onceByKey(ctx, (withRecord: WithRecord<Booked>) => book(first, body, ctx, withRecord));
  const record = (await getRequestRecord(requestId)) ?? first;
  const trips = out.result.tripIds.map((id) => record.trips.find((t) => t.id === id));
  if (trips.some((t) => !t)) throw new Error('booked trip not found after commit');
  let [outbound, back] = trips as Trip[];
  // A unit sent to an incident between our read of it and our commit: its trip moves as the event would move it.
  if (!out.replayed) {
    outbound = await recheckNearTrip(outbound!, record.request, ctx.now);
    if (back) back = await recheckNearTrip(back, record.request, ctx.now);
  }
  const sms = await tellBooked(record.request, outbound!, back);
  return { reply: tripReply(outbound!, back, sms), replayed: out.replayed };
}

function tripReply(t: Trip, back: Trip | undefined, sms: TripReply['sms']): TripReply {
  return {
    id: t.id,
    requestId: t.requestId,
    unitId: t.unitId,
    pickupAt: t.pickupAt,
    slot: t.slot,
    status: t.status,
    destination: t.destination,
    returnTrip: back
      ? { id: back.id, unitId: back.unitId, pickupAt: back.pickupAt, slot: back.slot, status: back.status }
      : null,
    sms,
  };
}

async function book(
  first: RequestRecord,
  body: NewTrip,
  ctx: OpContext,
  withRecord: WithRecord<Booked>,
): Promise<Booked> {
  const minutes = config().HOMECARE_TRIP_SLOT_MINUTES;
  // Checked after a replay is ruled out: a retry after the pickup time still answers what was booked.
  const outAt = checkPickup(body.pickupAt, 'pickupAt', ctx.now);
  const backAt = body.returnTrip
    ? checkPickup(body.returnTrip.pickupAt, 'returnTrip.pickupAt', ctx.now)
    : undefined;
  if (backAt && backAt <= outAt) {
    throw ValidationError.field('returnTrip.pickupAt', `must be after the outbound pickupAt (${outAt})`);
  }
  let r = first.request;
  if (!isOpen(r.status)) {
    throw new Conflict(`The request is ${r.status}: no trip can be booked for it`, { status: r.status });
  }
  const [units, to] = await Promise.all([listUnits(), pickupPoint(r)]);
  const legs: Leg[] = [outAt, ...(backAt ? [backAt] : [])].map((pickupAt, i) => {
    const slot = slotOf(pickupAt, minutes);
    return {
      leg: i === 0 ? 'OUTBOUND' : 'RETURN',
      pickupAt,
      slot,
      candidates: candidateUnits(units, slot, ctx.now, minutes, to),
      taken: new Set<string>(),
    };
  });
  const ids = legs.map(() => timeOrderedId(Date.parse(ctx.now)));
  const result: Booked = { requestId: r.id, tripIds: ids };
  for (let round = 0; round < MAX_ROUNDS; round++) {
    // Each leg on its nearest unit not found taken; a return in the outbound's own slot needs another unit.
    const chosen: Unit[] = [];
    for (const [i, leg] of legs.entries()) {
      const sameSlotAs = i > 0 && leg.slot === legs[0]!.slot ? chosen[0]!.id : undefined;
      const unit = leg.candidates.find((u) => !leg.taken.has(u.id) && u.id !== sameSlotAs);
      if (!unit) throw new NoUnitFree(leg.slot, leg.leg);
      chosen.push(unit);
    }
    const trips: Trip[] = legs.map((leg, i) => ({
      id: ids[i]!,
      requestId: r.id,
      puskesmas: r.puskesmas.code,
      leg: leg.leg,
      pickupAt: leg.pickupAt,
      slot: leg.slot,
      destination: body.destination,
      unitId: chosen[i]!.id,
      status: 'BOOKED',
      bookedAt: ctx.now,
      bookedBy: actorLabel(ctx.actor),
      ...(legs.length > 1 ? { pairedWith: ids[1 - i]! } : {}),
    }));
    const next: HomecareRequest = { ...r, trips: r.trips + trips.length, version: r.version + 1 };
    // Slot Puts first: their index is the leg's.
    const items: TransactItem[] = [
      ...trips.map(slotPut),
      ...trips.map(tripPut),
      requestPut(next, r.version),
      ...trips.map((t, i) =>
        timelinePut(
          r.id,
          {
            at: ctx.now,
            action: 'TRIP_BOOKED',
            actor: actorLabel(ctx.actor),
            detail: `${t.unitId} ${legWord(t)} ${timeLabel(t.pickupAt)}`,
          },
          BOOKED_SEQ + 2 * round + i,
        ),
      ),
      auditPut({
        entity: `HC#${r.id}`,
        action: 'HOMECARE_TRIP_BOOKED',
        actor: ctx.actor,
        at: ctx.now,
        requestId: ctx.requestId,
        after: { trips: trips.map((t) => ({ id: t.id, leg: t.leg, unitId: t.unitId, slot: t.slot })) },
      }),
    ];
    try {
      await transact(withRecord(items, result));
      return result;
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      const failed = (i: number) => reasons[i] === 'ConditionalCheckFailed';
      // The same Idempotency-Key committed meanwhile: onceByKey answers as that call did.
      if (failed(items.length)) throw error;
      let retry = false;
      for (const [i, leg] of legs.entries()) {
        if (!failed(i)) continue;
        leg.taken.add(chosen[i]!.id);
        retry = true;
      }
      const requestChanged = reasons.some((code, i) => code === 'ConditionalCheckFailed' && i >= legs.length);
      if (requestChanged) {
        // Another change of the request (a visit, another trip) in the same instant: read it again.
        const again = await getRequestRecord(r.id);
        if (!again) throw error;
        r = again.request;
        if (!isOpen(r.status)) {
          throw new Conflict(`The request is ${r.status}: no trip can be booked for it`, {
            status: r.status,
          });
        }
        retry = true;
      }
      // Write conflicts outlasting transact's own retries: the same units again, after a pause.
      if (!retry && reasons.includes('TransactionConflict')) {
        await new Promise((done) => setTimeout(done, Math.random() * 50));
        retry = true;
      }
      if (!retry) throw error;
    }
  }
  throw new Conflict('The ambulances are being booked by many at once: try again', {
    reason: 'Busy',
    slot: legs[0]!.slot,
  });
}

/**
 * A trip of a slot about to begin booked on a unit that was sent to an incident after the booking read it: the
 * dispatch's event may have looked for the unit's trips before ours was written, so the trip is moved here.
 */
async function recheckNearTrip(t: Trip, r: HomecareRequest, now: string): Promise<Trip> {
  const minutes = config().HOMECARE_TRIP_SLOT_MINUTES;
  if (t.status !== 'BOOKED' || !t.unitId || !isNearSlot(t.slot, now, minutes)) return t;
  try {
    const unit = await getUnit(t.unitId);
    if (!unit?.assignment) return t;
    // The crew SMS of the booking itself goes to the unit it ends on.
    const moved = await moveTrip(t, t.unitId, now, { request: r, tellCrew: false });
    return (await getTrip(t.requestId, t.id)) ?? moved.trip ?? t;
  } catch (error) {
    // The booking stands; the unit's own UnitDispatched event still looks for its trips.
    logger.error('booked trip not checked against a dispatch', {
      tripId: t.id,
      error: (error as Error).name,
    });
    return t;
  }
}

// ---------- SMS

/** Where the crew picks the patient up: the request's address, else its RT and kelurahan. */
const placeOf = (r: HomecareRequest) =>
  r.address ?? `${rtShortLabel(r.rt)}, Kel. ${kelurahanName(r.kelurahan) ?? r.kelurahan}`;

async function tellCrew(t: Trip, r: HomecareRequest, marker: string): Promise<boolean> {
  try {
    const unit = t.unitId ? await getUnit(t.unitId) : undefined;
    if (!unit) return false;
    await sendOnce(marker, {
      phone: unit.phone,
      text: tripCrewSms({
        pickupAt: t.pickupAt,
        place: placeOf(r),
        destination: t.destination,
        puskesmas: r.puskesmas.name,
        leg: t.leg,
      }),
      purpose: 'homecare-trip-crew',
    });
    return true;
  } catch (error) {
    logger.error('homecare trip SMS to the crew not sent', {
      tripId: t.id,
      unitId: t.unitId,
      error: (error as Error).name,
    });
    return false;
  }
}

/** The booking's SMS: the household (the outbound pickup), each leg's crew; once each however often retried. */
async function tellBooked(r: HomecareRequest, outbound: Trip, back?: Trip): Promise<TripReply['sms']> {
  let household: SmsState;
  try {
    const [resident, puskesmas] = await Promise.all([getResident(r.nik), getPuskesmas(r.puskesmas.code)]);
    if (!resident?.phone) household = 'NO_PHONE';
    else {
      await sendOnce(`sms#homecare-trip#${outbound.id}#household`, {
        phone: resident.phone,
        text: tripHouseholdSms({
          name: r.name,
          pickupAt: outbound.pickupAt,
          destination: outbound.destination,
          puskesmas: r.puskesmas.name,
          ...(puskesmas?.phone ? { phone: puskesmas.phone } : {}),
        }),
        purpose: 'homecare-trip',
      });
      household = 'SENT';
    }
  } catch (error) {
    logger.error('homecare trip SMS to the household not sent', {
      tripId: outbound.id,
      error: (error as Error).name,
    });
    household = 'FAILED';
  }
  const crews = await Promise.all(
    [outbound, ...(back ? [back] : [])]
      .filter((t) => t.status === 'BOOKED' && t.unitId)
      .map((t) => tellCrew(t, r, `sms#homecare-trip#${t.id}#crew`)),
  );
  return { household, crew: crews.every(Boolean) ? 'SENT' : 'FAILED' };
}

// ---------- cancelling

/** POST …/transport/{tripId}/cancel: the trip is CANCELLED and its slot freed for another; one already cancelled → 409. */
export async function cancelTrip(requestId: string, tripId: string, ctx: OpContext) {
  for (let attempt = 1; ; attempt++) {
    const record = await requestForStaff(requestId, ctx.actor);
    const trip = record.trips.find((t) => t.id === tripId);
    if (!trip) throw new NotFound('No trip with this id on this homecare request');
    if (trip.status === 'CANCELLED') {
      throw new Conflict('This trip was cancelled already', { status: trip.status });
    }
    const cancelled: Trip = { ...trip, status: 'CANCELLED' };
    const holdsSlot = trip.status === 'BOOKED' && trip.unitId !== null;
    try {
      await transact([
        tripReplace(cancelled, trip),
        ...(holdsSlot ? [slotDelete(trip)] : []),
        timelinePut(
          requestId,
          {
            at: ctx.now,
            action: 'TRIP_CANCELLED',
            actor: actorLabel(ctx.actor),
            detail: `${trip.unitId ?? 'tanpa unit'} ${legWord(trip)} ${timeLabel(trip.pickupAt)}`,
          },
          BOOKED_SEQ + attempt,
        ),
        auditPut({
          entity: `HC#${requestId}`,
          action: 'HOMECARE_TRIP_CANCELLED',
          actor: ctx.actor,
          at: ctx.now,
          requestId: `${ctx.requestId}#${tripId}`,
          before: { status: trip.status, unitId: trip.unitId, slot: trip.slot },
          after: { status: 'CANCELLED' },
        }),
      ]);
      if (holdsSlot) await tellCrewsCancelled([trip], record.request);
      return tripView(cancelled);
    } catch (error) {
      // Moved or cancelled by someone else since it was read: read it again.
      if (attempt < 4 && cancellationReasons(error)?.includes('ConditionalCheckFailed')) continue;
      throw error;
    }
  }
}

/**
 * A request's end (closed, declined): its trips still to come are CANCELLED and their slots freed, in the same
 * transaction as the end; the crews are told after it commits (tellCrewsCancelled).
 */
export function cancelTripsItems(trips: Trip[], now: string): { items: TransactItem[]; cancelled: Trip[] } {
  const coming = trips.filter((t) => (t.status === 'BOOKED' || t.status === 'NO_UNIT') && t.pickupAt > now);
  return {
    items: coming.flatMap((t) => [
      tripReplace({ ...t, status: 'CANCELLED' }, t),
      ...(t.status === 'BOOKED' && t.unitId ? [slotDelete(t)] : []),
    ]),
    cancelled: coming,
  };
}

/** Each crew whose trip was cancelled is told once; an SMS that fails is logged, the cancellation stands. */
export async function tellCrewsCancelled(
  trips: Trip[],
  r: Pick<HomecareRequest, 'puskesmas'>,
): Promise<void> {
  for (const t of trips) {
    if (!t.unitId || t.status !== 'BOOKED') continue;
    try {
      const unit = await getUnit(t.unitId);
      if (!unit) continue;
      await sendOnce(`sms#homecare-trip#${t.id}#crew-cancel`, {
        phone: unit.phone,
        text: tripCancelledSms({ pickupAt: t.pickupAt, leg: t.leg, puskesmas: r.puskesmas.name }),
        purpose: 'homecare-trip-cancelled',
      });
    } catch (error) {
      logger.error('homecare trip cancellation SMS not sent', { tripId: t.id, error: (error as Error).name });
    }
  }
}

// ---------- an emergency takes the unit

export interface MoveOutcome {
  tripId: string;
  requestId: string;
  from: string;
  /** The unit it moved to; null when none was free (NO_UNIT), or when another delivery moved it first. */
  to: string | null;
  status: 'MOVED' | 'NO_UNIT' | 'SKIPPED';
  trip?: Trip;
}

/**
 * A unit was sent to a 112 incident at `at`: each trip it holds in a slot from one slot length before to one after
 * moves to the nearest free ambulance (same slot), or is left NO_UNIT; the puskesmas is told, and the new crew.
 * Redelivered, it finds no slot left on the unit and does nothing.
 */
export async function moveTripsOffUnit(
  unitId: string,
  at: string,
  cause: { incidentId?: string } = {},
): Promise<MoveOutcome[]> {
  const length = config().HOMECARE_TRIP_SLOT_MINUTES * MINUTE_MS;
  const held = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: {
      ':pk': slotKey(unitId, '').pk,
      ':from': new Date(Date.parse(at) - length).toISOString(),
      ':to': new Date(Date.parse(at) + length).toISOString(),
    },
    ConsistentRead: true,
  });
  if (held.length === 0) return [];
  const units = await listUnits();
  const outcomes: MoveOutcome[] = [];
  for (const item of held) {
    const trip = await getTrip(item.requestId as string, item.tripId as string);
    if (trip?.status !== 'BOOKED' || trip.unitId !== unitId) {
      logger.warn('slot item without its trip on the unit', { unitId, tripId: item.tripId as string });
      continue;
    }
    outcomes.push(await moveTrip(trip, unitId, at, { units, ...cause }));
  }
  return outcomes;
}

/** Moves one trip off `from` (or leaves it NO_UNIT), in one transaction; then tells the puskesmas and the new crew. */
async function moveTrip(
  trip: Trip,
  from: string,
  at: string,
  opts: { units?: Unit[]; request?: HomecareRequest; incidentId?: string; tellCrew?: boolean },
): Promise<MoveOutcome> {
  const minutes = config().HOMECARE_TRIP_SLOT_MINUTES;
  const r = opts.request ?? (await getRequest(trip.requestId));
  if (!r) throw new Error('trip without its request');
  const [units, to] = await Promise.all([opts.units ?? listUnits(), pickupPoint(r)]);
  const now = new Date().toISOString();
  const movedFrom = [...(trip.movedFrom ?? []), from];
  const seq = MOVED_SEQ + movedFrom.length * 2 + (trip.leg === 'RETURN' ? 1 : 0);
  const record = (action: string, detail: string, after: Record<string, unknown>): TransactItem[] => [
    timelinePut(r.id, { at: now, action, actor: 'system:112', detail }, seq % 100),
    auditPut({
      entity: `HC#${r.id}`,
      action: `HOMECARE_${action}`,
      actor: SYSTEM,
      at: now,
      requestId: `${opts.incidentId ?? 'dispatch'}#${trip.id}`,
      before: { unitId: from, slot: trip.slot },
      after: { ...after, ...(opts.incidentId ? { incidentId: opts.incidentId } : {}) },
    }),
  ];
  const skipped: MoveOutcome = { tripId: trip.id, requestId: r.id, from, to: null, status: 'SKIPPED' };
  for (const unit of candidateUnits(units, trip.slot, at, minutes, to, from)) {
    const moved: Trip = { ...trip, unitId: unit.id, movedFrom };
    try {
      await transact([
        slotDelete(trip),
        slotPut(moved),
        tripReplace(moved, trip),
        ...record('TRIP_MOVED', `${from} → ${unit.id} (112)`, { unitId: unit.id }),
      ]);
    } catch (error) {
      const reasons = cancellationReasons(error);
      // That unit holds the slot already: the next.
      if (reasons?.[1] === 'ConditionalCheckFailed' && reasons[0] !== 'ConditionalCheckFailed') continue;
      // The trip was moved or cancelled meanwhile (another delivery of the same event, a clinic's cancel).
      if (reasons?.[0] === 'ConditionalCheckFailed' || reasons?.[2] === 'ConditionalCheckFailed')
        return skipped;
      throw error;
    }
    await tellPuskesmas(moved, from, unit.id, movedFrom.length);
    if (opts.tellCrew !== false)
      await tellCrew(moved, r, `sms#homecare-trip#${trip.id}#crew#${movedFrom.length}`);
    return { tripId: trip.id, requestId: r.id, from, to: unit.id, status: 'MOVED', trip: moved };
  }
  const stranded: Trip = { ...trip, unitId: null, status: 'NO_UNIT', movedFrom };
  try {
    await transact([
      slotDelete(trip),
      tripReplace(stranded, trip),
      ...record('TRIP_NO_UNIT', `${from} (112); tidak ada ambulans lain`, { status: 'NO_UNIT' }),
    ]);
  } catch (error) {
    if (cancellationReasons(error)?.slice(0, 2).includes('ConditionalCheckFailed')) return skipped;
    throw error;
  }
  await tellPuskesmas(stranded, from, null, movedFrom.length);
  return { tripId: trip.id, requestId: r.id, from, to: null, status: 'NO_UNIT', trip: stranded };
}

/** The puskesmas learns its trip changed ambulance, or has none; logged when it has no phone or the SMS fails. */
async function tellPuskesmas(t: Trip, from: string, to: string | null, n: number): Promise<void> {
  try {
    const puskesmas = await getPuskesmas(t.puskesmas);
    if (!puskesmas?.phone) {
      logger.warn('puskesmas has no phone: its moved trip is only on its request', {
        puskesmas: t.puskesmas,
      });
      return;
    }
    await sendOnce(`sms#homecare-trip#${t.id}#moved#${n}`, {
      phone: puskesmas.phone,
      text: tripMovedSms({ pickupAt: t.pickupAt, from, to }),
      purpose: 'homecare-trip-moved',
    });
  } catch (error) {
    logger.error('homecare trip moved: SMS to the puskesmas not sent', {
      tripId: t.id,
      error: (error as Error).name,
    });
  }
}
