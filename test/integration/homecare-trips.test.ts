// Jemput Sakit Antar Sehat against DynamoDB Local: slot booking that never books a unit twice (20 bookings at once for
// 3 ambulances), return trips, cancelling, the Idempotency-Key, and an emergency taking a booked ambulance — the real
// 112 report publishes UnitDispatched and the homecare handler moves the trip, or leaves it NO_UNIT, once.
import { randomUUID } from 'node:crypto';
import type { EventBridgeEvent } from 'aws-lambda';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { INCIDENT_SOURCE, UNIT_DISPATCHED } from '../../events/incident.ts';
import { handler as unitDispatched } from '../../functions/homecare/unit-dispatched.ts';
import { demoRts } from '../../infra/local/demo-data.ts';
import { Outbox, type SmsEntry } from '../../infra/local/outbox.ts';
import { addRts } from '../../infra/local/seed.ts';
import { createPuskesmas } from '../../shared/city/puskesmas.ts';
import { getRequestRecord } from '../../shared/homecare/repository.ts';
import { createRequest, type OpContext } from '../../shared/homecare/requests.ts';
import { bookTrip, cancelTrip, getTrip, moveTripsOffUnit, slotOf } from '../../shared/homecare/trips.ts';
import { reportIncident } from '../../shared/incident/report.ts';
import { getUnit, listUnits } from '../../shared/incident/repository.ts';
import { createUnit, setUnitStatus } from '../../shared/incident/units.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { type AppEvent, setEventBus } from '../../shared/platform/bus.ts';
import { queryAll } from '../../shared/platform/dynamo.ts';
import { Conflict, IdempotencyKeyReused, NotFound, ValidationError } from '../../shared/platform/errors.ts';
import { idempotencyId, requestHash } from '../../shared/platform/idempotency.ts';
import { logger } from '../../shared/platform/logger.ts';
import { setNotifier } from '../../shared/platform/notifier.ts';
import { setQueue } from '../../shared/platform/queues.ts';
import { tableName } from '../../shared/platform/tables.ts';
import { setTimers } from '../../shared/platform/timers.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { createResident } from '../../shared/registry/repository.ts';
import { findPersonalData } from '../support/personal-data.ts';
import { useFreshTables } from '../support/tables.ts';

// Passed through, but for one test that shows the booking a stale read of the units.
vi.mock('../../shared/incident/repository.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../shared/incident/repository.ts')>();
  return { ...actual, listUnits: vi.fn(actual.listUnits) };
});

const RT = demoRts(1)[0]!;
const KEL = RT.kelurahan;
const PKM = 'PKM-TRIP';
const PKM_PHONE = '+6281100000077';
const CENTRE = { lat: -1.61, lon: 103.61 };
const at = (north: number, east: number) => ({
  lat: Math.round((CENTRE.lat + north / 111_195) * 1e6) / 1e6,
  lon: Math.round((CENTRE.lon + east / 111_195) * 1e6) / 1e6,
});

const admin: Principal = { sub: 'admin-1', roles: ['city_admin'] };
const clinic: Principal = { sub: 'clinic-1', roles: ['clinic'], puskesmas: PKM };
const operator = { sub: 'operator-1', roles: ['operator'] };
const ctx = (actor: Principal = clinic, extra: Partial<OpContext> = {}): OpContext => ({
  actor,
  requestId: randomUUID(),
  now: new Date().toISOString(),
  ...extra,
});
const unitCtx = () => ({ actor: operator, requestId: randomUUID(), now: new Date().toISOString() });

const outbox = new Outbox(undefined, false);
const published: AppEvent[] = [];
const sms = () => outbox.list(10_000).filter((e): e is SmsEntry => e.channel === 'sms');

/** A WIB day `days` from today, at hh:mm WIB, as the API takes it. */
function wib(days: number, time: string): string {
  const day = new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${time}:00+07:00`;
}

let sequence = 1;
const units: Record<string, { id: string; phone: string }> = {};

async function addUnit(id: string, where: { lat: number; lon: number }, kind = 'AMBULANCE') {
  const phone = `+62812770${String(Object.keys(units).length + 10).padStart(5, '0')}`;
  await createUnit(
    { id, name: `Ambulans ${id}`, kind: kind as 'AMBULANCE', phone, location: where, kelurahan: KEL },
    unitCtx(),
  );
  units[id] = { id, phone };
}

/** Only these units are on duty (AVAILABLE); every other unit of the file goes OFFLINE. */
async function onDuty(...ids: string[]) {
  for (const id of Object.keys(units)) {
    const u = await getUnit(id);
    if (u?.assignment) continue;
    const want = ids.includes(id) ? 'AVAILABLE' : 'OFFLINE';
    if (u?.status !== want) await setUnitStatus(id, want, undefined, unitCtx());
  }
}

/** A resident of the RT and an open homecare request for them. */
async function newRequest(opts: { phone?: boolean; location?: boolean } = {}): Promise<string> {
  const nik = makeNik({ regionCode: KEL, birthDate: '1950-02-03', sex: 'F', sequence: sequence++ });
  await createResident(
    {
      nik,
      kk: '1571010101010001',
      name: `Siti Rahma ${sequence}`,
      birthDate: '1950-02-03',
      sex: 'F',
      ...(opts.phone === false ? {} : { phone: `+62813660${String(sequence).padStart(5, '0')}` }),
      rt: RT.rt,
    },
    ctx(admin),
  );
  const out = await createRequest(
    {
      nik,
      need: 'ELDERLY_IMMOBILE',
      note: 'Lansia tidak bisa berjalan, kontrol rutin ke RSUD',
      address: 'Jl. Kenanga No. 7',
      ...(opts.location === false ? {} : { location: at(0, 0) }),
    },
    ctx(admin),
  );
  return out.reply.id;
}

/** One after another: each resident is counted on the RT's own item. */
async function newRequests(n: number): Promise<string[]> {
  const ids: string[] = [];
  for (let i = 0; i < n; i++) ids.push(await newRequest());
  return ids;
}

const trip = (pickupAt: string, returnAt?: string) => ({
  pickupAt,
  destination: 'RSUD Raden Mattaher',
  ...(returnAt ? { returnTrip: { pickupAt: returnAt } } : {}),
});

/** Every BOOKED trip on the unit's slots: (unit, slot) pairs, which must never repeat. */
async function bookedPairs(requestIds: string[]) {
  const records = await Promise.all(requestIds.map((id) => getRequestRecord(id)));
  return records
    .flatMap((r) => r!.trips)
    .filter((t) => t.status === 'BOOKED')
    .map((t) => `${t.unitId}@${t.slot}`);
}

async function slotItems(unitId: string) {
  return queryAll({
    TableName: tableName('homecare'),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `SLOT#${unitId}` },
    ConsistentRead: true,
  });
}

beforeAll(async () => {
  await useFreshTables();
  setNotifier(outbox);
  setEventBus({ publish: async (events) => void published.push(...events) });
  setQueue({ send: async () => {}, defer: async () => {}, deadLetter: async () => {} });
  setTimers({ start: async () => {}, cancel: async () => {} });
  await addRts([RT]);
  await createPuskesmas(
    { code: PKM, name: 'Puskesmas Uji Trip', kelurahan: [KEL], phone: PKM_PHONE, location: at(100, 100) },
    ctx(admin),
  );
  // A fire engine nearest of all: never sent for a trip.
  await addUnit('FIRE-T1', at(0, 10), 'FIRE');
  for (const [i, id] of ['AMB-T1', 'AMB-T2', 'AMB-T3'].entries()) await addUnit(id, at(1000 * (i + 1), 0));
  await addUnit('AMB-T4', at(9000, 0));
  await setUnitStatus('FIRE-T1', 'AVAILABLE', undefined, unitCtx());
}, 120_000);

describe('booking a slot', () => {
  it('20 bookings at once for 3 ambulances in one slot: exactly 3 succeed, 17 get NoUnitFree, no unit twice', async () => {
    await onDuty('AMB-T1', 'AMB-T2', 'AMB-T3');
    const requests = await newRequests(20);
    const pickup = wib(5, '08:30');
    const outcomes = await Promise.allSettled(requests.map((id) => bookTrip(id, trip(pickup), ctx())));
    const ok = outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value.reply);
    const refused = outcomes.filter((o) => o.status === 'rejected').map((o) => o.reason);
    expect(ok).toHaveLength(3);
    expect(refused).toHaveLength(17);
    const slot = slotOf(pickup, 120);
    for (const e of refused) {
      expect(e).toBeInstanceOf(Conflict);
      expect(e.details).toMatchObject({ reason: 'NoUnitFree', slot });
    }
    expect(ok.map((r) => r.unitId).sort()).toEqual(['AMB-T1', 'AMB-T2', 'AMB-T3']);
    for (const r of ok) expect(r).toMatchObject({ slot, status: 'BOOKED', returnTrip: null });
    const pairs = await bookedPairs(requests);
    expect(pairs).toHaveLength(3);
    expect(new Set(pairs).size).toBe(3);
    // Nothing half-written: a refused request has no trip and its counter did not move.
    const records = await Promise.all(requests.map((id) => getRequestRecord(id)));
    expect(records.reduce((n, r) => n + r!.request.trips, 0)).toBe(3);
    expect(records.reduce((n, r) => n + r!.trips.length, 0)).toBe(3);
  });

  it('30 bookings over three slots: three per slot, no unit twice in any slot', async () => {
    await onDuty('AMB-T1', 'AMB-T2', 'AMB-T3');
    const requests = await newRequests(10);
    const times = [wib(6, '08:30'), wib(6, '09:15'), wib(6, '10:05'), wib(6, '13:59')];
    // 08:30 and 09:15 share the 08:00 slot; 10:05 and 13:59 are two more.
    const jobs = requests.flatMap((id, i) =>
      [0, 1, 2].map((k) => bookTrip(id, trip(times[(i + k) % 4]!), ctx())),
    );
    const outcomes = await Promise.allSettled(jobs);
    const ok = outcomes.filter((o) => o.status === 'fulfilled').map((o) => o.value.reply);
    expect(ok).toHaveLength(9);
    const bySlot = new Map<string, string[]>();
    for (const r of ok) bySlot.set(r.slot, [...(bySlot.get(r.slot) ?? []), r.unitId!]);
    expect(bySlot.size).toBe(3);
    for (const unitIds of bySlot.values()) expect(unitIds.sort()).toEqual(['AMB-T1', 'AMB-T2', 'AMB-T3']);
    const pairs = await bookedPairs(requests);
    expect(pairs).toHaveLength(9);
    expect(new Set(pairs).size).toBe(9);
    for (const o of outcomes.filter((o) => o.status === 'rejected')) {
      expect((o as PromiseRejectedResult).reason.details.reason).toBe('NoUnitFree');
    }
  });

  it('sends the nearest free ambulance, never another kind, and tells the household and the crew once each', async () => {
    await onDuty('AMB-T1', 'AMB-T2', 'AMB-T3', 'AMB-T4');
    const id = await newRequest();
    const before = sms().length;
    const out = await bookTrip(id, trip(wib(7, '08:30')), ctx());
    expect(out.reply).toMatchObject({ unitId: 'AMB-T1', sms: { household: 'SENT', crew: 'SENT' } });
    const sent = sms().slice(0, sms().length - before);
    expect(sent.map((e) => e.purpose).sort()).toEqual(['homecare-trip', 'homecare-trip-crew']);
    expect(sent.find((e) => e.purpose === 'homecare-trip-crew')!.phone).toBe(units['AMB-T1']!.phone);
    for (const e of sent) {
      expect(e.parts).toBe(1);
      expect(e.encoding).toBe('GSM-7');
      expect(findPersonalData(e.text).filter((f) => f.kind === 'NIK')).toEqual([]);
    }
    const record = await getRequestRecord(id);
    const booked = record!.timeline.filter((e) => e.action === 'TRIP_BOOKED');
    expect(booked).toHaveLength(1);
    expect(booked[0]!.detail).toContain('AMB-T1');
    expect(booked[0]!.detail).not.toContain(record!.request.nik);
  });

  it('without a place on the request, goes by the puskesmas; a resident without a phone is NO_PHONE', async () => {
    await onDuty('AMB-T1', 'AMB-T4');
    const id = await newRequest({ phone: false, location: false });
    const out = await bookTrip(id, trip(wib(7, '10:30')), ctx());
    // The puskesmas is at 100 m north: AMB-T1 (1 km) is nearer than AMB-T4 (9 km).
    expect(out.reply).toMatchObject({ unitId: 'AMB-T1', sms: { household: 'NO_PHONE', crew: 'SENT' } });
  });

  it('refuses a pickup in the past or beyond 90 days, a return before the outbound, naming the field', async () => {
    await onDuty('AMB-T1');
    const id = await newRequest();
    const field = async (body: ReturnType<typeof trip>) => {
      const e = await bookTrip(id, body, ctx()).catch((error) => error);
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).issues.map((i) => i.path);
    };
    expect(await field(trip(wib(-1, '08:00')))).toEqual(['pickupAt']);
    expect(await field(trip(wib(91, '08:00')))).toEqual(['pickupAt']);
    expect(await field(trip(wib(8, '08:00'), wib(8, '07:00')))).toEqual(['returnTrip.pickupAt']);
    expect(await field(trip(wib(8, '08:00'), wib(92, '07:00')))).toEqual(['returnTrip.pickupAt']);
    expect((await getRequestRecord(id))!.trips).toEqual([]);
  });

  it('answers 404 to a clinic of another puskesmas', async () => {
    const id = await newRequest();
    const other: Principal = { sub: 'clinic-2', roles: ['clinic'], puskesmas: 'PKM-OTHER' };
    await expect(bookTrip(id, trip(wib(8, '08:00')), ctx(other))).rejects.toBeInstanceOf(NotFound);
  });
});

describe('a return trip', () => {
  it('books both legs in one transaction, each on a free unit; the same slot needs another unit', async () => {
    await onDuty('AMB-T1', 'AMB-T2');
    const id = await newRequest();
    const out = await bookTrip(id, trip(wib(9, '08:00'), wib(9, '12:30')), ctx());
    expect(out.reply.returnTrip).toMatchObject({ unitId: 'AMB-T1', slot: slotOf(wib(9, '12:30'), 120) });
    expect(out.reply.unitId).toBe('AMB-T1');
    const record = (await getRequestRecord(id))!;
    expect(record.request.trips).toBe(2);
    const [outbound, back] = record.trips;
    expect(outbound).toMatchObject({ leg: 'OUTBOUND', pairedWith: back!.id, status: 'BOOKED' });
    expect(back).toMatchObject({ leg: 'RETURN', pairedWith: outbound!.id, status: 'BOOKED' });
    expect(record.timeline.filter((e) => e.action === 'TRIP_BOOKED')).toHaveLength(2);

    const same = await bookTrip(await newRequest(), trip(wib(10, '08:00'), wib(10, '09:30')), ctx());
    expect(same.reply.unitId).toBe('AMB-T1');
    expect(same.reply.returnTrip!.unitId).toBe('AMB-T2');
  });

  it('books neither leg when the return has no unit', async () => {
    await onDuty('AMB-T1');
    const id = await newRequest();
    const e = await bookTrip(id, trip(wib(11, '08:00'), wib(11, '09:00')), ctx()).catch((error) => error);
    expect(e.details).toMatchObject({ reason: 'NoUnitFree', leg: 'RETURN' });
    expect((await getRequestRecord(id))!.trips).toEqual([]);
    expect((await slotItems('AMB-T1')).filter((s) => s.sk === slotOf(wib(11, '08:00'), 120))).toEqual([]);
  });
});

describe('cancelling', () => {
  it('frees the slot so another trip can take it; cancelling again is a 409', async () => {
    await onDuty('AMB-T1');
    const pickup = wib(12, '08:30');
    const first = await newRequest();
    const second = await newRequest();
    const booked = await bookTrip(first, trip(pickup), ctx());
    const refused = await bookTrip(second, trip(pickup), ctx()).catch((error) => error);
    expect(refused.details.reason).toBe('NoUnitFree');
    const cancelled = await cancelTrip(first, booked.reply.id, ctx());
    expect(cancelled).toMatchObject({ id: booked.reply.id, status: 'CANCELLED' });
    const taken = await bookTrip(second, trip(pickup), ctx());
    expect(taken.reply.unitId).toBe('AMB-T1');
    await expect(cancelTrip(first, booked.reply.id, ctx())).rejects.toMatchObject({
      status: 409,
      details: { status: 'CANCELLED' },
    });
    await expect(cancelTrip(first, 'zzzzzzzzz-000000000000', ctx())).rejects.toBeInstanceOf(NotFound);
    const timeline = (await getRequestRecord(first))!.timeline.map((e) => e.action);
    expect(timeline).toContain('TRIP_CANCELLED');
  });
});

describe('the Idempotency-Key', () => {
  it('gives the same trip again and books nothing more; another body with the key is refused', async () => {
    await onDuty('AMB-T1', 'AMB-T2', 'AMB-T3');
    const id = await newRequest();
    const body = trip(wib(13, '08:30'));
    const key = randomUUID();
    const withKey = (b: unknown) =>
      ctx(clinic, {
        idempotency: { id: idempotencyId(`homecare-trip#${id}`, clinic, key), requestHash: requestHash(b) },
      });
    const before = sms().length;
    // Three at once with one key: one booking, three identical answers.
    const answers = await Promise.all([1, 2, 3].map(() => bookTrip(id, body, withKey(body))));
    expect(new Set(answers.map((a) => a.reply.id)).size).toBe(1);
    expect(answers.filter((a) => !a.replayed)).toHaveLength(1);
    const again = await bookTrip(id, body, withKey(body));
    expect(again.replayed).toBe(true);
    expect(again.reply).toMatchObject({ id: answers[0]!.reply.id, unitId: answers[0]!.reply.unitId });
    expect(again.reply.sms).toEqual({ household: 'SENT', crew: 'SENT' });
    const record = (await getRequestRecord(id))!;
    expect(record.trips).toHaveLength(1);
    expect(record.request.trips).toBe(1);
    // One household SMS and one crew SMS, however often asked.
    expect(sms().length - before).toBe(2);
    const other = trip(wib(13, '10:30'));
    await expect(bookTrip(id, other, withKey(other))).rejects.toBeInstanceOf(IdempotencyKeyReused);
  });
});

describe('an emergency takes a booked ambulance', () => {
  const event = (e: AppEvent) =>
    ({
      version: '0',
      id: randomUUID(),
      source: e.source,
      'detail-type': e.detailType,
      detail: e.detail,
      account: '000000000000',
      region: 'local',
      time: new Date().toISOString(),
      resources: [],
    }) as unknown as EventBridgeEvent<'UnitDispatched', unknown>;

  async function report(where: { lat: number; lon: number }) {
    const from = published.length;
    const out = await reportIncident(
      {
        callerPhone: '+6281299001122',
        type: 'MEDICAL',
        description: 'Warga pingsan di jalan',
        location: where,
        priority: 'P1',
      },
      unitCtx(),
      { linkBase: 'http://localhost', idempotency: { id: `incident#${randomUUID()}`, requestHash: 'h' } },
    );
    return { out, events: published.slice(from) };
  }

  it('moves the trip to another ambulance, tells the puskesmas and the new crew; redelivery changes nothing', async () => {
    await onDuty('AMB-T2', 'AMB-T3');
    const id = await newRequest();
    // A pickup soon: the slot now running, or the next.
    const pickup = new Date(Date.now() + 30 * 60_000).toISOString();
    const booked = await bookTrip(id, trip(pickup), ctx());
    expect(booked.reply.unitId).toBe('AMB-T2');
    const before = sms().length;

    // A P1 next to AMB-T2: it is sent, and the dispatch announces it (no personal data in the event).
    const { out, events } = await report(at(2000, 0));
    expect(out.assignment?.unitId).toBe('AMB-T2');
    expect(events).toEqual([
      {
        source: INCIDENT_SOURCE,
        detailType: UNIT_DISPATCHED,
        detail: { unitId: 'AMB-T2', kind: 'AMBULANCE', incidentId: out.incident.id, at: expect.any(String) },
      },
    ]);
    expect(findPersonalData(JSON.stringify(events))).toEqual([]);

    await unitDispatched(event(events[0]!));
    const moved = (await getTrip(id, booked.reply.id))!;
    expect(moved).toMatchObject({ unitId: 'AMB-T3', status: 'BOOKED', movedFrom: ['AMB-T2'] });
    expect((await slotItems('AMB-T2')).filter((s) => s.sk === booked.reply.slot)).toEqual([]);
    expect((await slotItems('AMB-T3')).find((s) => s.sk === booked.reply.slot)?.tripId).toBe(moved.id);
    const told = sms().slice(0, sms().length - before);
    expect(told.map((e) => e.phone).sort()).toEqual([PKM_PHONE, units['AMB-T3']!.phone].sort());
    expect(told.find((e) => e.phone === PKM_PHONE)!.text).toContain('AMB-T3');
    expect((await getRequestRecord(id))!.timeline.map((e) => e.action)).toContain('TRIP_MOVED');

    // EventBridge delivers at least once: the same event again finds nothing left on AMB-T2.
    const count = sms().length;
    await unitDispatched(event(events[0]!));
    expect(await getTrip(id, booked.reply.id)).toEqual(moved);
    expect(sms().length).toBe(count);
    // Its slot freed for the next test's trip.
    await cancelTrip(id, moved.id, ctx());
  });

  it('leaves the trip NO_UNIT, slot freed and the puskesmas told, when no other ambulance is free', async () => {
    // AMB-T2 works the last incident; AMB-T3 is the only one on duty.
    await onDuty('AMB-T3');
    const id = await newRequest();
    const pickup = new Date(Date.now() + 20 * 60_000).toISOString();
    const booked = await bookTrip(id, trip(pickup), ctx());
    expect(booked.reply.unitId).toBe('AMB-T3');
    const before = sms().length;
    const { out, events } = await report(at(3000, 0));
    expect(out.assignment?.unitId).toBe('AMB-T3');
    await unitDispatched(event(events[0]!));
    const stranded = (await getTrip(id, booked.reply.id))!;
    expect(stranded).toMatchObject({ status: 'NO_UNIT', unitId: null, movedFrom: ['AMB-T3'] });
    expect((await slotItems('AMB-T3')).filter((s) => s.sk === booked.reply.slot)).toEqual([]);
    const told = sms().slice(0, sms().length - before);
    expect(told.map((e) => e.phone)).toEqual([PKM_PHONE]);
    expect(told[0]!.parts).toBe(1);
    expect((await getRequestRecord(id))!.timeline.map((e) => e.action)).toContain('TRIP_NO_UNIT');
    // Again: nothing.
    expect(await moveTripsOffUnit('AMB-T3', events[0]!.detail.at as string)).toEqual([]);
    expect(sms().length).toBe(before + 1);
    // A NO_UNIT trip can still be cancelled.
    expect((await cancelTrip(id, stranded.id, ctx())).status).toBe('CANCELLED');
  });

  it('never fails a dispatch because the bus refused its UnitDispatched: logged, and the unit is sent', async () => {
    await onDuty('AMB-T1');
    setEventBus({
      publish: async () => {
        throw new Error('EventBridge refused 1 event(s)');
      },
    });
    const errors = vi.spyOn(logger, 'error').mockImplementation(() => {});
    try {
      const { out } = await report(at(1000, 0));
      expect(out.assignment?.unitId).toBe('AMB-T1');
      expect(errors).toHaveBeenCalledWith(
        expect.stringContaining('UnitDispatched not published'),
        expect.objectContaining({ units: ['AMB-T1'] }),
      );
    } finally {
      errors.mockRestore();
      setEventBus({ publish: async (events) => void published.push(...events) });
    }
  });

  it('never books a unit working an incident for the slot about to begin, but does for a later day', async () => {
    await onDuty();
    const soon = new Date(Date.now() + 10 * 60_000).toISOString();
    const e = await bookTrip(await newRequest(), trip(soon), ctx()).catch((error) => error);
    expect(e.details?.reason).toBe('NoUnitFree');
    const later = await bookTrip(await newRequest(), trip(wib(14, '08:30')), ctx());
    expect(['AMB-T1', 'AMB-T2', 'AMB-T3']).toContain(later.reply.unitId);
  });

  it('moves a trip booked on a unit sent to an incident between the booking’s read and its commit', async () => {
    await onDuty('AMB-T4');
    // The booking reads the units before AMB-T2 was sent (a stale read): AMB-T2 looks free, and nearest.
    const stale = (await listUnits()).map((u) => {
      const { assignment: _a, ...free } = u;
      return { ...free, status: u.id === 'AMB-T2' ? ('AVAILABLE' as const) : u.status };
    });
    vi.mocked(listUnits).mockImplementationOnce(async () => stale);
    const id = await newRequest();
    const before = sms().length;
    const out = await bookTrip(id, trip(new Date(Date.now() + 15 * 60_000).toISOString()), ctx());
    expect(out.reply).toMatchObject({ unitId: 'AMB-T4', status: 'BOOKED', sms: { crew: 'SENT' } });
    expect(await getTrip(id, out.reply.id)).toMatchObject({ unitId: 'AMB-T4', movedFrom: ['AMB-T2'] });
    const told = sms().slice(0, sms().length - before);
    // The crew told is the one that goes; the puskesmas learns of the move.
    expect(told.filter((e) => e.purpose === 'homecare-trip-crew').map((e) => e.phone)).toEqual([
      units['AMB-T4']!.phone,
    ]);
    expect(told.filter((e) => e.phone === PKM_PHONE)).toHaveLength(1);
    expect((await slotItems('AMB-T2')).filter((s) => s.sk === out.reply.slot)).toEqual([]);
  });
});
