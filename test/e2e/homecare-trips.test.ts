// End to end over HTTP: Jemput Sakit Antar Sehat through the local system — a clinic books an ambulance for a homecare
// patient (201, the household's and the crew's SMS in the outbox), the slot full (409 NoUnitFree), bad times (400
// naming the field), who may not (403 for an RT chair, 404 for another puskesmas's clinic), the Idempotency-Key, a
// cancel, and a 112 incident taking the booked ambulance: the trip moves and the puskesmas is told by SMS.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import type { SmsEntry } from '../../infra/local/outbox.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { slotOf } from '../../shared/homecare/trips.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { smsLength } from '../../shared/platform/sms-text.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { httpClient, issuePaths, type Json } from '../support/http.ts';
import { findPersonalData } from '../support/personal-data.ts';
import { useFreshTables } from '../support/tables.ts';

let sys: LocalSystem;
const call = httpClient(() => sys.url);
const token: Record<string, string> = {};
const [RT, OTHER_RT] = demoRts(7).filter(
  (r, i, all) => all.findIndex((x) => x.kelurahan === r.kelurahan) === i,
);
const PKM = { code: 'PKM-E2E', phone: '+6281100000055' };
const CENTRE = { lat: -1.61, lon: 103.61 };
const at = (north: number, east: number) => ({
  lat: Math.round((CENTRE.lat + north / 111_195) * 1e6) / 1e6,
  lon: Math.round((CENTRE.lon + east / 111_195) * 1e6) / 1e6,
});

async function devToken(req: Record<string, string>): Promise<string> {
  const res = await call('POST', '/auth/dev-token', { json: req });
  expect(res.status, res.text).toBe(200);
  return res.body.token;
}

const unitPhones: Record<string, string> = {};
async function addUnit(id: string, where: { lat: number; lon: number }) {
  const phone = `+62812880${String(Object.keys(unitPhones).length + 10).padStart(5, '0')}`;
  const unit = {
    id,
    name: `Ambulans ${id}`,
    kind: 'AMBULANCE',
    phone,
    location: where,
    kelurahan: RT!.kelurahan,
  };
  const res = await call('POST', '/units', { as: token.admin, json: unit });
  expect(res.status, res.text).toBe(201);
  const crew = await devToken({ role: 'responder', unit: id });
  const s = await call('PUT', `/units/${id}/status`, { as: crew, json: { status: 'AVAILABLE' } });
  expect(s.status, s.text).toBe(200);
  unitPhones[id] = phone;
}

let sequence = 1;
const residentPhones: Record<string, string> = {};
/** A resident of the RT (with a phone) and an open homecare request for them: the request's id. */
async function newRequest(): Promise<{ id: string; nik: string }> {
  const nik = makeNik({
    regionCode: RT!.kelurahan,
    birthDate: '1948-05-06',
    sex: 'M',
    sequence: 8000 + sequence,
  });
  const phone = `+62813990${String(sequence++).padStart(5, '0')}`;
  const created = await call('POST', '/residents', {
    as: token.admin,
    json: {
      nik,
      kk: '1571010101010001',
      name: 'Pak Harun',
      birthDate: '1948-05-06',
      sex: 'M',
      phone,
      rt: RT!.rt,
    },
  });
  expect(created.status, created.text).toBe(201);
  residentPhones[nik] = phone;
  const req = await call('POST', '/homecare/requests', {
    as: token.admin,
    json: {
      nik,
      need: 'ELDERLY_IMMOBILE',
      note: 'Pasien stroke, kontrol ke RSUD',
      address: 'Jl. Melati No. 3',
      location: at(0, 0),
    },
  });
  expect(req.status, req.text).toBe(201);
  return { id: req.body.id, nik };
}

/** A WIB day `days` from today at hh:mm WIB. */
function wib(days: number, time: string): string {
  const day = new Date(Date.now() + 7 * 3600_000 + days * 86_400_000).toISOString().slice(0, 10);
  return `${day}T${time}:00+07:00`;
}

const book = (id: string, body: Json, as = token.clinic, headers: Record<string, string> = {}) =>
  call('POST', `/homecare/requests/${id}/transport`, { as, json: body, headers });
const trip = (pickupAt: string, extra: Json = {}) => ({
  pickupAt,
  destination: 'RSUD Raden Mattaher',
  ...extra,
});

async function sms(): Promise<SmsEntry[]> {
  await sys.queue.drain();
  await sys.bus.drain();
  return sys.outbox.list(10_000).filter((e): e is SmsEntry => e.channel === 'sms');
}

beforeAll(async () => {
  const dynamoEndpoint = await useFreshTables();
  resetConfig();
  sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: false, timers: 'manual' });
  token.admin = await devToken({ role: 'city_admin' });
  token.operator = await devToken({ role: 'operator', sub: 'operator-e2e' });
  for (const rt of [RT!, OTHER_RT!]) {
    const res = await call('POST', '/rts', {
      as: token.admin,
      json: { rt: rt.rt, chairName: rt.chairName, households: rt.households },
    });
    expect(res.status, res.text).toBe(201);
  }
  const pkm = await call('POST', '/puskesmas', {
    as: token.admin,
    json: {
      code: PKM.code,
      name: 'Puskesmas Uji E2E',
      kelurahan: [RT!.kelurahan],
      phone: PKM.phone,
      location: at(50, 50),
    },
  });
  expect(pkm.status, pkm.text).toBe(201);
  const other = await call('POST', '/puskesmas', {
    as: token.admin,
    json: { code: 'PKM-LAIN', name: 'Puskesmas Lain', kelurahan: [OTHER_RT!.kelurahan] },
  });
  expect(other.status, other.text).toBe(201);
  token.clinic = await devToken({ role: 'clinic', puskesmas: PKM.code, sub: 'clinic-e2e' });
  token.otherClinic = await devToken({ role: 'clinic', puskesmas: 'PKM-LAIN', sub: 'clinic-lain' });
  token.chair = await devToken({ role: 'rt_chair', rt: RT!.rt, sub: 'chair-e2e' });
  await addUnit('AMB-E1', at(1000, 0));
  await addUnit('AMB-E2', at(2000, 0));
}, 120_000);

afterAll(async () => {
  await sys?.stop();
});

describe('POST /homecare/requests/{id}/transport', () => {
  it('books the nearest ambulance: 201, and one GSM-7 SMS each to the household and the crew, no NIK', async () => {
    const { id, nik } = await newRequest();
    const before = (await sms()).length;
    const pickup = wib(4, '08:30');
    const res = await book(id, trip(pickup));
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.any(String),
      unitId: 'AMB-E1',
      pickupAt: new Date(pickup).toISOString(),
      slot: slotOf(pickup, 120),
      status: 'BOOKED',
      destination: 'RSUD Raden Mattaher',
      returnTrip: null,
      sms: { household: 'SENT', crew: 'SENT' },
    });
    const sent = (await sms()).slice(0, (await sms()).length - before);
    expect(sent.map((e) => e.phone).sort()).toEqual([residentPhones[nik], unitPhones['AMB-E1']].sort());
    for (const e of sent) {
      expect(e.parts, e.text).toBe(1);
      expect(e.encoding).toBe('GSM-7');
      expect(e.text).not.toContain(nik);
      expect(findPersonalData(e.text).filter((f) => f.kind === 'NIK')).toEqual([]);
    }
    const household = sent.find((e) => e.phone === residentPhones[nik])!;
    expect(household.text).toContain('Jemput Sakit');
    expect(household.text).toContain('08.30');
    const crew = sent.find((e) => e.phone === unitPhones['AMB-E1'])!;
    expect(crew.text).toContain('Jl. Melati No. 3');
    // The request shows the trip.
    const record = await call('GET', `/homecare/requests/${id}`, { as: token.clinic });
    expect(record.status, record.text).toBe(200);
    expect(record.body.trips).toEqual([
      expect.objectContaining({ id: res.body.id, unitId: 'AMB-E1', status: 'BOOKED', leg: 'OUTBOUND' }),
    ]);
  });

  it('books a return trip with the outbound', async () => {
    const { id } = await newRequest();
    const res = await book(id, trip(wib(5, '08:00'), { returnTrip: { pickupAt: wib(5, '13:00') } }));
    expect(res.status, res.text).toBe(201);
    expect(res.body.returnTrip).toMatchObject({
      id: expect.any(String),
      unitId: 'AMB-E1',
      pickupAt: expect.any(String),
    });
  });

  it('answers 409 NoUnitFree with the slot when every ambulance holds it', async () => {
    const pickup = wib(6, '09:00');
    for (const unit of ['AMB-E1', 'AMB-E2']) {
      const res = await book((await newRequest()).id, trip(pickup));
      expect(res.status, res.text).toBe(201);
      expect(res.body.unitId).toBe(unit);
    }
    const full = await book((await newRequest()).id, trip(wib(6, '09:45')));
    expect(full.status, full.text).toBe(409);
    expect(full.body).toMatchObject({ error: 'Conflict', reason: 'NoUnitFree', slot: slotOf(pickup, 120) });
  });

  it('names the field of a bad time or body (400)', async () => {
    const { id } = await newRequest();
    expect(issuePaths(await book(id, trip('2026-12-10 08:30')))).toEqual(['pickupAt']);
    expect(issuePaths(await book(id, trip(wib(-2, '08:00'))))).toEqual(['pickupAt']);
    expect(issuePaths(await book(id, trip(wib(100, '08:00'))))).toEqual(['pickupAt']);
    expect(
      issuePaths(await book(id, trip(wib(7, '10:00'), { returnTrip: { pickupAt: wib(7, '09:00') } }))),
    ).toEqual(['returnTrip.pickupAt']);
    expect(issuePaths(await book(id, { pickupAt: wib(7, '10:00') }))).toEqual(['destination']);
    expect(
      issuePaths(await book(id, trip(wib(7, '10:00')), token.clinic, { 'idempotency-key': 'x' })),
    ).toEqual(['Idempotency-Key']);
  });

  it('is refused to an RT chair (403) and to a clinic of another puskesmas (404)', async () => {
    const { id } = await newRequest();
    expect((await book(id, trip(wib(8, '08:00')), token.chair)).status).toBe(403);
    expect((await book(id, trip(wib(8, '08:00')), token.otherClinic)).status).toBe(404);
    expect((await book('zzzzzzzzz-000000000000', trip(wib(8, '08:00')))).status).toBe(404);
  });

  it('replays the same Idempotency-Key with the same trip, booking nothing more', async () => {
    const { id } = await newRequest();
    const key = randomUUID();
    const body = trip(wib(9, '08:00'));
    const first = await book(id, body, token.clinic, { 'idempotency-key': key });
    expect(first.status, first.text).toBe(201);
    const before = (await sms()).length;
    const again = await book(id, body, token.clinic, { 'idempotency-key': key });
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toMatchObject({ id: first.body.id, unitId: first.body.unitId, sms: first.body.sms });
    expect((await sms()).length).toBe(before);
    const record = await call('GET', `/homecare/requests/${id}`, { as: token.clinic });
    expect(record.body.trips).toHaveLength(1);
    const reused = await book(id, trip(wib(9, '10:00')), token.clinic, { 'idempotency-key': key });
    expect(reused.status).toBe(422);
  });
});

describe('POST /homecare/requests/{id}/transport/{tripId}/cancel', () => {
  it('cancels the trip and frees its slot; a second cancel is a 409', async () => {
    const { id } = await newRequest();
    const booked = await book(id, trip(wib(10, '08:00')));
    expect(booked.status, booked.text).toBe(201);
    const path = `/homecare/requests/${id}/transport/${booked.body.id}/cancel`;
    const res = await call('POST', path, { as: token.clinic });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ id: booked.body.id, status: 'CANCELLED' });
    expect((await call('POST', path, { as: token.admin })).status).toBe(409);
    // The same slot is AMB-E1's again, and its crew was told the trip is off.
    const crew = (await sms()).filter((m) => m.phone === unitPhones['AMB-E1'] && m.text.startsWith('BATAL'));
    expect(crew).toHaveLength(1);
    expect(smsLength(crew[0]!.text)).toMatchObject({ encoding: 'GSM-7', parts: 1 });
    const next = await book((await newRequest()).id, trip(wib(10, '09:00')));
    expect(next.body.unitId).toBe('AMB-E1');
  });

  it('cancels the trips still to come when the request ends, and frees their slots', async () => {
    const { id } = await newRequest();
    const booked = await book(id, trip(wib(11, '14:00'), { returnTrip: { pickupAt: wib(11, '17:00') } }));
    expect(booked.status, booked.text).toBe(201);
    const batal = async () => (await sms()).filter((m) => m.text.startsWith('BATAL')).map((m) => m.phone);
    const before = (await batal()).length;
    const declined = await call('POST', `/homecare/requests/${id}/status`, {
      as: token.clinic,
      json: { status: 'DECLINED', reason: 'Keluarga mengantar sendiri' },
    });
    expect(declined.status, declined.text).toBe(200);
    const record = await call('GET', `/homecare/requests/${id}`, { as: token.clinic });
    expect(record.body.trips.map((t: Json) => t.status)).toEqual(['CANCELLED', 'CANCELLED']);
    // Each leg's crew is told once.
    const told = (await batal()).slice(before);
    expect(told.sort()).toEqual(
      [booked.body.unitId, booked.body.returnTrip.unitId].map((u: string) => unitPhones[u]).sort(),
    );
    // Both slots are free again: another request books the same two slots.
    const other = await book(
      (await newRequest()).id,
      trip(wib(11, '14:30'), { returnTrip: { pickupAt: wib(11, '17:30') } }),
    );
    expect(other.status, other.text).toBe(201);
    expect(other.body.unitId).toBe(booked.body.unitId);
  });
});

describe('a 112 incident takes the booked ambulance', () => {
  it('moves the trip to the next free ambulance and tells the puskesmas by SMS', async () => {
    const { id } = await newRequest();
    const pickup = new Date(Date.now() + 40 * 60_000).toISOString();
    const booked = await book(id, trip(pickup));
    expect(booked.status, booked.text).toBe(201);
    expect(booked.body.unitId).toBe('AMB-E1');
    const before = (await sms()).length;

    const incident = await call('POST', '/incidents', {
      as: token.operator,
      json: {
        callerPhone: '+6281299005511',
        type: 'MEDICAL',
        description: 'Bapak pingsan di pasar',
        location: at(1000, 0),
        priority: 'P1',
      },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(incident.status, incident.text).toBe(201);
    expect(incident.body.dispatched?.unitId).toBe('AMB-E1');

    const after = await sms();
    const told = after.slice(0, after.length - before);
    const toPuskesmas = told.filter((e) => e.phone === PKM.phone);
    expect(toPuskesmas).toHaveLength(1);
    expect(toPuskesmas[0]!.text).toContain('AMB-E2');
    expect(toPuskesmas[0]!.parts).toBe(1);
    expect(told.some((e) => e.phone === unitPhones['AMB-E2'] && e.purpose === 'homecare-trip-crew')).toBe(
      true,
    );
    const record = await call('GET', `/homecare/requests/${id}`, { as: token.clinic });
    expect(record.body.trips[0]).toMatchObject({ unitId: 'AMB-E2', status: 'BOOKED', movedFrom: ['AMB-E1'] });
    expect(record.body.timeline.map((e: Json) => e.action)).toContain('TRIP_MOVED');
    expect(sys.bus.delivered.filter((d) => d.rule === 'AmbulanceTakenFromTrips')).toEqual([
      { rule: 'AmbulanceTakenFromTrips', detailType: 'UnitDispatched', ok: true },
    ]);
  });
});
