// End to end over HTTP: the 112 call centre through the whole local system — units and their crews, a report
// triaged and dispatched to the nearest available unit at once, its SMS and topic alerts, repeat calls linked,
// acknowledgement (by API and by the SMS link), the lifecycle and its 409s, the acknowledgement window missed
// (timers moved by hand) and escalated, 20 incidents racing for 5 units, statistics, and SNS failures retried
// then dead-lettered with the state visible to the operator.
import { randomUUID } from 'node:crypto';
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import type { OutboxEntry } from '../../infra/local/outbox.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { cityRegionsFromPackage } from '../../infra/regions.ts';
import { distanceM } from '../../shared/incident/rules.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { setNotifier, topicEnvVar } from '../../shared/platform/notifier.ts';
import { STAFF_TOPICS } from '../../shared/platform/routes.ts';
import { fitsOneSms } from '../../shared/platform/sms-text.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { httpClient, issuePaths, type Json } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

let sys: LocalSystem;
const call = httpClient(() => sys.url);
const token: Record<string, string> = {};
const RT = demoRts(1)[0]!;
const KEL = RT.kelurahan;
const CENTRE = { lat: -1.61, lon: 103.61 };
/** A point `north` and `east` metres from the centre (1° latitude ≈ 111.2 km; the city is near the equator). */
const at = (north: number, east: number) => ({
  lat: Math.round((CENTRE.lat + north / 111_195) * 1e6) / 1e6,
  lon: Math.round((CENTRE.lon + east / 111_195) * 1e6) / 1e6,
});

async function devToken(req: Record<string, string>): Promise<string> {
  const res = await call('POST', '/auth/dev-token', { json: req });
  expect(res.status, res.text).toBe(200);
  return res.body.token;
}
const responder = async (unit: string) => (token[unit] ??= await devToken({ role: 'responder', unit }));

let phoneSeq = 1000;
const newPhone = () => `+6281299${String(phoneSeq++).padStart(5, '0')}`;

async function addUnit(id: string, kind: string, where: { lat: number; lon: number }, available = true) {
  const unit = { id, name: `Unit ${id}`, kind, phone: newPhone(), location: where, kelurahan: KEL };
  const res = await call('POST', '/units', { as: token.admin, json: unit });
  expect(res.status, res.text).toBe(201);
  if (available) {
    const s = await call('PUT', `/units/${id}/status`, {
      as: await responder(id),
      json: { status: 'AVAILABLE' },
    });
    expect(s.status, s.text).toBe(200);
  }
  return unit;
}

function report(body: Record<string, unknown>, key: string | null = randomUUID()) {
  return call('POST', '/incidents', {
    as: token.operator,
    json: {
      callerPhone: newPhone(),
      type: 'MEDICAL',
      description: 'Warga jatuh di kamar mandi',
      location: at(0, 0),
      ...body,
    },
    headers: key ? { 'idempotency-key': key } : {},
  });
}

const getIncident = async (id: string, as = token.operator): Promise<Json> => {
  const res = await call('GET', `/incidents/${id}`, { as });
  expect(res.status, res.text).toBe(200);
  return res.body;
};
const getUnit = async (id: string): Promise<Json> =>
  (await call('GET', '/units', { as: token.operator })).body.items.find((u: Json) => u.id === id);

/** Waits for the alert queue and its consumer (local SQS) to finish, then reads the outbox. */
async function outbox(): Promise<OutboxEntry[]> {
  await sys.queue.drain();
  return sys.outbox.list(1000);
}
const smsTo = async (phone: string) =>
  (await outbox()).filter((e) => e.channel === 'sms' && e.phone === phone);
const topicMessages = async (topic: string, number: string) =>
  (await outbox()).filter((e) => e.channel === 'topic' && e.topic === topic && e.subject.includes(number));
const linkIn = (text: string) => /(https?:\/\/\S+\/a\/[A-Za-z0-9_-]{12})/.exec(text)?.[1];

beforeAll(async () => {
  const dynamoEndpoint = await useFreshTables();
  process.env.ACK_TIMEOUT_SECONDS = '60';
  resetConfig();
  sys = await startLocalSystem({
    port: 0,
    quiet: true,
    dynamoEndpoint,
    seed: false,
    timers: 'manual',
    queueRetryMs: 20,
  });
  token.admin = await devToken({ role: 'city_admin' });
  token.operator = await devToken({ role: 'operator', sub: 'operator-ani' });
});

afterAll(async () => {
  await sys?.stop();
});

describe('units', () => {
  it('registers a unit once, refuses another under its id, and names each bad field', async () => {
    const unit = await addUnit('AMB-U1', 'AMBULANCE', at(5000, 5000), false);
    expect((await getUnit('AMB-U1')).status).toBe('OFFLINE');
    expect((await call('POST', '/units', { as: token.admin, json: unit })).status).toBe(200);
    const other = await call('POST', '/units', { as: token.admin, json: { ...unit, name: 'Lain' } });
    expect(other.status).toBe(409);
    const bad = await call('POST', '/units', {
      as: token.admin,
      json: {
        id: 'x',
        name: 'A',
        kind: 'TAXI',
        phone: '123',
        location: { lat: 91, lon: 0 },
        kelurahan: '15',
      },
    });
    expect(issuePaths(bad).sort()).toEqual(['id', 'kelurahan', 'kind', 'location.lat', 'name', 'phone']);
    // A kelurahan of another city is no place for this city's unit.
    const elsewhere = cityRegionsFromPackage('21.72').kecamatan[0]!.kelurahan[0]!.code;
    const away = await call('POST', '/units', {
      as: token.admin,
      json: { ...unit, id: 'AMB-X9', kelurahan: elsewhere },
    });
    expect(issuePaths(away)).toEqual(['kelurahan']);
    expect((await call('POST', '/units', { as: token.operator, json: unit })).status).toBe(403);
  });

  it('lets a crew set only its own unit, and an operator any', async () => {
    await addUnit('AMB-U2', 'AMBULANCE', at(5000, 5100), false);
    const other = await call('PUT', '/units/AMB-U2/status', {
      as: await responder('AMB-U1'),
      json: { status: 'AVAILABLE' },
    });
    expect(other.status).toBe(403);
    const moved = at(5200, 5200);
    const own = await call('PUT', '/units/AMB-U2/status', {
      as: await responder('AMB-U2'),
      json: { status: 'BUSY', location: moved },
    });
    expect(own.status, own.text).toBe(200);
    expect((await getUnit('AMB-U2')).location).toEqual(moved);
    const byOperator = await call('PUT', '/units/AMB-U2/status', {
      as: token.operator,
      json: { status: 'OFFLINE' },
    });
    expect(byOperator.status).toBe(200);
    expect(
      issuePaths(await call('PUT', '/units/AMB-U2/status', { as: token.operator, json: { status: 'GONE' } })),
    ).toEqual(['status']);
  });
});

describe('a report', () => {
  let near: Json;
  let far: Json;
  let incident: Json;
  let patientNik: string;

  beforeAll(async () => {
    // Two ambulances in the north of town, far from every other test's units.
    far = await addUnit('AMB-N2', 'AMBULANCE', at(20_000, 0));
    near = await addUnit('AMB-N1', 'AMBULANCE', at(19_000, 0));
    const rt = await call('POST', '/rts', {
      as: token.admin,
      json: { rt: RT.rt, chairName: RT.chairName, households: RT.households },
    });
    expect(rt.status, rt.text).toBe(201);
    patientNik = makeNik({ regionCode: KEL, birthDate: '1961-03-04', sex: 'M', sequence: 7001 });
    const created = await call('POST', '/residents', {
      as: token.admin,
      json: {
        nik: patientNik,
        kk: '1571010101010001',
        name: 'Pak Darman',
        birthDate: '1961-03-04',
        sex: 'M',
        rt: RT.rt,
      },
    });
    expect(created.status, created.text).toBe(201);
    const covered = await call('PUT', `/residents/${patientNik}/coverage`, {
      as: token.admin,
      json: { scheme: 'PBI_APBD', status: 'ACTIVE', reason: 'Warga miskin' },
    });
    expect(covered.status, covered.text).toBe(200);
  });

  it('is triaged P1 for an unconscious patient and sends the nearest ambulance at once, by SMS and topic', async () => {
    const res = await report({
      description: 'Bapak tidak sadarkan diri setelah jatuh, tidak sadar sejak 5 menit',
      location: { ...at(18_000, 0), address: 'Jl. Kapten Pattimura No. 12, RT 05, depan masjid' },
      patientNik,
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      status: 'DISPATCHED',
      priority: 'P1',
      triage: 'UNCONSCIOUS',
      linked: false,
    });
    expect(res.body.number).toMatch(new RegExp(`^112-${new Date().getFullYear()}-\\d{6}$`));
    expect(res.body.dispatched).toMatchObject({
      unitId: 'AMB-N1',
      distanceM: distanceM(near.location, at(18_000, 0)),
    });
    incident = res.body;

    const [sms] = await smsTo(near.phone);
    expect(sms && 'text' in sms && sms.text).toContain(incident.number);
    const text = (sms as Json).text as string;
    expect(fitsOneSms(text)).toBe(true);
    expect(text).toMatch(/^P1 MEDIS 112-/);
    expect(text).toContain('JKN AKTIF');
    expect(text).not.toContain(patientNik);
    expect(await smsTo(far.phone)).toEqual([]);

    const [topic] = await topicMessages('responders_ambulance', incident.number);
    const json = JSON.parse((topic as Json).text);
    expect(json.incident).toMatchObject({
      number: incident.number,
      priority: 'P1',
      patient: { coverage: { status: 'ACTIVE', scheme: 'PBI_APBD' } },
    });
    expect(json.assignment.unitId).toBe('AMB-N1');
    expect((topic as Json).text).not.toContain(patientNik);

    const full = await getIncident(incident.id);
    expect(full.patientNik).toBe(patientNik);
    expect(full.assignments).toMatchObject([{ n: 1, unitId: 'AMB-N1', status: 'DISPATCHED' }]);
    expect(full.timeline.map((t: Json) => t.action)).toEqual(['REPORTED', 'DISPATCHED']);
    expect(full.alerts.map((a: Json) => [a.to, a.state, a.attempts])).toEqual(
      expect.arrayContaining([
        ['AMB-N1', 'SENT', 1],
        ['responders_ambulance', 'SENT', 1],
      ]),
    );
    expect((await getUnit('AMB-N1')).status).toBe('BUSY');
    expect(sys.timers.pending().map((t) => t.id)).toContain(`${incident.id}-1`);
  });

  it('answers a replay the same and sends nothing twice; the same key with another body is refused', async () => {
    const key = randomUUID();
    const body = {
      callerPhone: newPhone(),
      type: 'OTHER',
      description: 'Pohon tumbang menutup jalan',
      location: at(-30_000, 0),
    };
    const first = await report(body, key);
    const again = await report(body, key);
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.id).toBe(first.body.id);
    expect(again.body.number).toBe(first.body.number);
    expect((await report({ ...body, description: 'Lain sama sekali' }, key)).status).toBe(422);
    const missing = await report(body, null);
    expect(issuePaths(missing)).toEqual(['Idempotency-Key']);
  });

  it('links a repeat call from the same caller nearby, and raises its priority without a second unit', async () => {
    await addUnit('AMB-L1', 'AMBULANCE', at(-40_000, 0));
    const caller = newPhone();
    const first = await report({
      callerPhone: caller,
      description: 'Anak demam tinggi',
      location: at(-41_000, 0),
    });
    expect(first.body).toMatchObject({ status: 'DISPATCHED', priority: 'P2' });
    const repeatKey = randomUUID();
    const repeatBody = {
      callerPhone: caller.replace('+62', '0'),
      description: 'Anak kejang dan tidak sadar',
      location: at(-41_100, 50),
    };
    const repeat = await report(repeatBody, repeatKey);
    expect(repeat.status, repeat.text).toBe(200);
    expect(repeat.body).toMatchObject({ id: first.body.id, linked: true, priority: 'P1' });
    // The operator's retry of that report is the same report, not a third one.
    const retried = await report(repeatBody, repeatKey);
    expect(retried.status).toBe(200);
    expect(retried.body).toMatchObject({ id: first.body.id, linked: true });
    const full = await getIncident(first.body.id);
    expect(full.reports).toBe(2);
    expect(full.assignments).toHaveLength(1);
    expect(full.timeline.map((t: Json) => t.action)).toContain('REPORT_LINKED');
    // 2 km away is another emergency, even from the same phone.
    const elsewhere = await report({
      callerPhone: caller,
      type: 'OTHER',
      description: 'Ada kabel putus',
      location: at(-43_000, 0),
    });
    expect(elsewhere.status).toBe(201);
    expect(elsewhere.body.id).not.toBe(first.body.id);
  });

  it('lets the assigned crew read and acknowledge it, and nobody else', async () => {
    const stranger = await responder('AMB-N2');
    expect((await call('GET', `/incidents/${incident.id}`, { as: stranger })).status).toBe(403);
    expect((await call('POST', `/incidents/${incident.id}/ack`, { as: stranger })).status).toBe(403);
    expect(
      (await call('POST', `/incidents/${incident.id}/status`, { as: stranger, json: { status: 'EN_ROUTE' } }))
        .status,
    ).toBe(403);
    // An unknown id answers a responder the same 403: it learns nothing of what exists.
    expect((await call('GET', '/incidents/0000000aa-000000000000', { as: stranger })).status).toBe(403);

    const crew = await responder('AMB-N1');
    const seen = await getIncident(incident.id, crew);
    expect(seen.patientNik).toBeUndefined();
    expect(seen.alerts).toEqual([]);
    expect(seen.patientCoverage).toMatchObject({ status: 'ACTIVE' });
    const ack = await call('POST', `/incidents/${incident.id}/ack`, { as: crew });
    expect(ack.status, ack.text).toBe(200);
    expect(ack.body.status).toBe('ACKNOWLEDGED');
    expect((await call('POST', `/incidents/${incident.id}/ack`, { as: crew })).status).toBe(200);
    // The window closing later changes nothing: the crew answered.
    await sys.timers.runDue(new Date(Date.now() + 61_000));
    const after = await getIncident(incident.id);
    expect(after.assignments).toMatchObject([{ unitId: 'AMB-N1', status: 'ACKNOWLEDGED' }]);
    expect(after.misses).toBe(0);
    expect((await getUnit('AMB-N1')).status).toBe('BUSY');
  });

  it('follows the lifecycle step by step, refuses any other move with 409, and frees the unit when resolved', async () => {
    const crew = await responder('AMB-N1');
    const move = (status: string, as = crew) =>
      call('POST', `/incidents/${incident.id}/status`, { as, json: { status } });
    const skip = await move('RESOLVED');
    expect(skip.status).toBe(409);
    expect(skip.body).toMatchObject({
      from: 'ACKNOWLEDGED',
      to: 'RESOLVED',
      allowed: ['EN_ROUTE', 'CANCELLED'],
    });
    expect((await move('DISPATCHED', token.operator)).status).toBe(409);
    for (const s of ['EN_ROUTE', 'ON_SCENE', 'TRANSPORTING', 'AT_FACILITY']) {
      const res = await move(s);
      expect(res.status, res.text).toBe(200);
    }
    expect((await move('CANCELLED')).status).toBe(403);
    expect((await move('ON_SCENE')).status).toBe(409);
    const done = await move('RESOLVED');
    expect(done.status).toBe(200);
    expect(done.body.assignments[0]).toMatchObject({ status: 'CLEARED' });
    const steps = done.body.timeline.filter((t: Json) => t.action === 'STATUS');
    expect(steps.map((t: Json) => t.status)).toEqual([
      'EN_ROUTE',
      'ON_SCENE',
      'TRANSPORTING',
      'AT_FACILITY',
      'RESOLVED',
    ]);
    expect(steps.every((t: Json) => t.actor.includes('AMB-N1') && t.at)).toBe(true);
    for (const f of ['enRouteAt', 'onSceneAt', 'transportingAt', 'atFacilityAt', 'resolvedAt'])
      expect(done.body[f]).toBeTruthy();
    expect((await getUnit('AMB-N1')).status).toBe('AVAILABLE');
    expect((await move('EN_ROUTE', token.operator)).status).toBe(409);
    const open = await call('GET', '/incidents?status=open', { as: token.operator });
    expect(open.body.items.map((i: Json) => i.id)).not.toContain(incident.id);
  });

  it('leaves a P3 for the operator, who dispatches it; a busy unit cannot be chosen', async () => {
    await addUnit('SAR-P1', 'RESCUE', at(0, 30_000));
    await addUnit('SAR-P2', 'RESCUE', at(0, 31_000));
    const res = await report({
      type: 'OTHER',
      description: 'Kucing terjebak di atap',
      location: at(0, 30_500),
    });
    expect(res.body).toMatchObject({ status: 'RECEIVED', priority: 'P3' });
    expect(res.body.dispatched).toBeUndefined();
    const sent = await call('POST', `/incidents/${res.body.id}/dispatch`, {
      as: token.operator,
      json: { unitId: 'SAR-P2' },
    });
    expect(sent.status, sent.text).toBe(201);
    expect(sent.body).toMatchObject({ status: 'DISPATCHED', assignment: { unitId: 'SAR-P2', n: 1 } });
    const again = await call('POST', `/incidents/${res.body.id}/dispatch`, {
      as: token.operator,
      json: { unitId: 'SAR-P2' },
    });
    expect(again.status).toBe(409);
    const nearest = await call('POST', `/incidents/${res.body.id}/dispatch`, {
      as: token.operator,
      json: {},
    });
    expect(nearest.body.assignment).toMatchObject({ unitId: 'SAR-P1', n: 2 });
    const none = await call('POST', `/incidents/${res.body.id}/dispatch`, { as: token.operator, json: {} });
    expect(none.status).toBe(409);
    expect(none.body.reason).toBe('NoUnitAvailable');
    const cancel = await call('POST', `/incidents/${res.body.id}/status`, {
      as: token.operator,
      json: { status: 'CANCELLED', note: 'Bukan darurat' },
    });
    expect(cancel.status).toBe(200);
    expect((await getUnit('SAR-P1')).status).toBe('AVAILABLE');
    expect((await getUnit('SAR-P2')).status).toBe('AVAILABLE');
  });
});

describe('the acknowledgement link', () => {
  it('shows the incident on GET without acknowledging, and acknowledges on the button (POST)', async () => {
    const unit = await addUnit('AMB-K1', 'AMBULANCE', at(0, -30_000));
    const res = await report({
      description: 'Ibu hamil pendarahan hebat',
      location: { ...at(0, -30_100), address: 'Gg. Mawar 3' },
    });
    expect(res.body.priority).toBe('P1');
    const [sms] = await smsTo(unit.phone);
    const link = linkIn((sms as Json).text)!;
    expect(link.startsWith(sys.url)).toBe(true);
    const page = await call('GET', link);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
    expect(page.text).toContain('Terima tugas');
    expect(page.text).toContain('Gg. Mawar 3');
    expect((await getIncident(res.body.id)).status).toBe('DISPATCHED');
    const ack = await call('POST', link, { headers: { accept: 'text/html' } });
    expect(ack.status).toBe(200);
    expect(ack.text).toContain('Tugas diterima');
    const full = await getIncident(res.body.id);
    expect(full.status).toBe('ACKNOWLEDGED');
    expect(full.assignments[0]).toMatchObject({ status: 'ACKNOWLEDGED', acknowledgedBy: 'link:AMB-K1' });
    expect((await call('GET', link.replace(/.{4}$/, 'zzzz'))).status).toBe(404);
  });
});

describe('an alert nobody acknowledges', () => {
  it('is missed after the window: the unit goes offline, the next nearest is sent, supervisors are told; the second miss says no unit is responding', async () => {
    const u1 = await addUnit('DMK-E1', 'FIRE', at(-60_000, 0));
    const u2 = await addUnit('DMK-E2', 'FIRE', at(-60_000, 2000));
    await addUnit('DMK-E3', 'FIRE', at(-60_000, 4000));
    const res = await report({ type: 'FIRE', description: 'Rumah terbakar', location: at(-60_000, 100) });
    expect(res.body).toMatchObject({ priority: 'P1', triage: 'FIRE', dispatched: { unitId: 'DMK-E1' } });
    const id = res.body.id;
    const window = (n: number) => sys.timers.pending().find((t) => t.id === `${id}-${n}`)!;
    expect(window(1).at.getTime() - Date.now()).toBeGreaterThan(55_000);
    // Nothing happens before the window closes.
    await sys.timers.runDue(new Date(Date.now() + 30_000));
    expect((await getIncident(id)).assignments).toHaveLength(1);

    await sys.timers.runDue(new Date(window(1).at.getTime() + 1000));
    let full = await getIncident(id);
    expect(full.assignments.map((a: Json) => [a.unitId, a.status])).toEqual([
      ['DMK-E1', 'MISSED'],
      ['DMK-E2', 'DISPATCHED'],
    ]);
    expect(full).toMatchObject({ status: 'DISPATCHED', misses: 1 });
    expect((await getUnit('DMK-E1')).status).toBe('OFFLINE');
    expect(await smsTo(u2.phone)).toHaveLength(1);
    const told = await topicMessages('supervisors', res.body.number);
    expect(told).toHaveLength(1);
    expect((told[0] as Json).text).toContain('DMK-E1');
    // The late crew of the first unit is told it is too late.
    const late = await call('POST', `/incidents/${id}/ack`, { as: await responder('DMK-E1') });
    expect(late.status).toBe(409);

    await sys.timers.runDue(new Date(window(2).at.getTime() + 1000));
    full = await getIncident(id);
    expect(full.assignments.map((a: Json) => a.status)).toEqual(['MISSED', 'MISSED']);
    expect(full).toMatchObject({ status: 'RECEIVED', misses: 2 });
    expect(full.timeline.map((t: Json) => t.action)).toContain('NO_UNIT_RESPONDING');
    const second = await topicMessages('supervisors', res.body.number);
    expect(second).toHaveLength(2);
    expect(second.some((m: Json) => m.text.includes('TIDAK ADA UNIT MERESPONS'))).toBe(true);
    // No third unit is sent by itself: the third fire unit stays free for the operator to choose.
    expect((await getUnit('DMK-E3')).status).toBe('AVAILABLE');
    expect(sys.timers.pending().filter((t) => t.id.startsWith(id))).toEqual([]);
    expect(await smsTo(u1.phone)).toHaveLength(1);
  });
});

describe('20 incidents at once against 5 units', () => {
  it('never gives one unit to two incidents; the rest wait and supervisors are told', async () => {
    for (let i = 0; i < 5; i++) await addUnit(`POL-R${i}`, 'POLICE', at(80_000, i * 500));
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        report({
          type: 'CRIME',
          description: `Perampokan di toko ${i}`,
          location: at(80_000 + i * 400, 1000),
        }),
      ),
    );
    expect(results.map((r) => r.status)).toEqual(Array(20).fill(201));
    const sent = results.filter((r) => r.body.dispatched).map((r) => r.body.dispatched.unitId);
    expect(sent).toHaveLength(5);
    expect(new Set(sent).size).toBe(5);
    const waiting = results.filter((r) => !r.body.dispatched);
    expect(waiting.every((r) => r.body.status === 'RECEIVED')).toBe(true);
    for (let i = 0; i < 5; i++) {
      const unit = await getUnit(`POL-R${i}`);
      expect(unit.status).toBe('BUSY');
      const owner = results.find((r) => r.body.dispatched?.unitId === unit.id)!;
      expect(unit.assignment.incidentId).toBe(owner.body.id);
    }
    const one = await getIncident(waiting[0]!.body.id);
    expect(one.timeline.map((t: Json) => t.action)).toContain('NO_UNIT_AVAILABLE');
    expect(await topicMessages('supervisors', waiting[0]!.body.number)).toHaveLength(1);

    // A unit freed goes at once to the incident that has waited longest (all are P2).
    const open: Json[] = (await call('GET', '/incidents', { as: token.operator })).body.items;
    const ids = new Set(waiting.map((w) => w.body.id));
    const oldest = open
      .filter((i) => ids.has(i.id))
      .sort((a, b) => (a.reportedAt < b.reportedAt ? -1 : 1))[0]!;
    const served = results.find((r) => r.body.dispatched)!;
    const done = await call('POST', `/incidents/${served.body.id}/status`, {
      as: token.operator,
      json: { status: 'CANCELLED', note: 'Laporan palsu' },
    });
    expect(done.status, done.text).toBe(200);
    const next = await getIncident(oldest.id);
    expect(next.status).toBe('DISPATCHED');
    expect(next.assignments).toMatchObject([{ unitId: served.body.dispatched.unitId, status: 'DISPATCHED' }]);
    // A crew back on duty is sent the same way, and its reply says where it is going.
    const busy = await getUnit('POL-R0');
    const freed = await call('POST', `/incidents/${busy.assignment.incidentId}/status`, {
      as: token.operator,
      json: { status: 'CANCELLED' },
    });
    expect(freed.status).toBe(200);
    expect((await getUnit('POL-R0')).status).toBe('BUSY');
    const offline = await call('PUT', '/units/POL-R0/status', {
      as: token.operator,
      json: { status: 'OFFLINE' },
    });
    expect(offline.status).toBe(409);
  });
});

describe('statistics', () => {
  it('counts by type and priority and gives the dispatch and acknowledgement times', async () => {
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const res = await call('GET', `/incidents/stats?from=${today}&to=${today}`, { as: token.admin });
    expect(res.status, res.text).toBe(200);
    const open = (await call('GET', '/incidents', { as: token.operator })).body.items;
    expect(res.body.total).toBeGreaterThanOrEqual(open.length);
    expect(res.body.byType.CRIME).toBe(20);
    expect(res.body.byType.FIRE).toBe(1);
    expect(res.body.byPriority.P1).toBeGreaterThanOrEqual(4);
    expect(res.body.reportToDispatch.count).toBeGreaterThanOrEqual(9);
    expect(res.body.reportToDispatch.medianS).toBeLessThan(5);
    expect(res.body.dispatchToAck.count).toBeGreaterThanOrEqual(2);
    expect(res.body.dispatchToOnScene.count).toBeGreaterThanOrEqual(1);
    expect(
      issuePaths(await call('GET', `/incidents/stats?from=${today}&to=2000-01-01`, { as: token.admin })),
    ).toEqual(['to']);
    expect(
      (await call('GET', `/incidents/stats?from=${today}&to=${today}`, { as: await responder('AMB-N1') }))
        .status,
    ).toBe(403);
  });
});

describe('when SNS fails', () => {
  const sns = mockClient(SNSClient);
  beforeAll(() => {
    for (const t of STAFF_TOPICS)
      process.env[topicEnvVar(t)] = `arn:aws:sns:ap-southeast-3:000000000000:${t}`;
    // The real SNS adapter, its client mocked.
    setNotifier(undefined);
  });
  afterAll(() => {
    sns.restore();
    setNotifier(sys.outbox);
  });

  it('retries a failed publish and records how many attempts it took', async () => {
    const unit = await addUnit('AMB-S1', 'AMBULANCE', at(0, 60_000));
    sns.reset();
    sns
      .on(PublishCommand, { PhoneNumber: unit.phone })
      .rejectsOnce(
        Object.assign(new Error(`Invalid parameter: PhoneNumber ${unit.phone} throttled`), {
          name: 'ThrottlingException',
        }),
      )
      .rejectsOnce(new Error('Rate exceeded'))
      .resolves({ MessageId: 'sns-ok-1' });
    sns
      .on(PublishCommand, { TopicArn: process.env.TOPIC_RESPONDERS_AMBULANCE_ARN })
      .resolves({ MessageId: 'sns-topic-1' });
    const res = await report({ description: 'Sesak napas berat', location: at(0, 60_100) });
    await sys.queue.drain();
    const alerts = (await getIncident(res.body.id)).alerts;
    expect(alerts.find((a: Json) => a.to === 'AMB-S1')).toMatchObject({
      state: 'SENT',
      attempts: 3,
      messageId: 'sns-ok-1',
    });
    expect(sns.commandCalls(PublishCommand, { PhoneNumber: unit.phone })).toHaveLength(3);
  });

  it('dead-letters an alert SNS keeps refusing, and the operator sees it failed, with the reason but not the number', async () => {
    const unit = await addUnit('AMB-S2', 'AMBULANCE', at(0, 70_000));
    sns.reset();
    sns
      .on(PublishCommand)
      .rejects(
        Object.assign(new Error(`Phone ${unit.phone} is opted out`), { name: 'InvalidParameterException' }),
      );
    const res = await report({
      description: 'Kecelakaan motor, luka di kepala',
      type: 'ACCIDENT',
      location: at(0, 70_100),
    });
    await sys.queue.drain();
    const alerts = (await getIncident(res.body.id)).alerts;
    const sms = alerts.find((a: Json) => a.to === 'AMB-S2');
    expect(sms).toMatchObject({ state: 'FAILED', attempts: 15 });
    expect(sms.lastError).toContain('InvalidParameterException');
    expect(sms.lastError).not.toContain(unit.phone.slice(3));
    const dead = sys.queue.deadLetters.filter((d) => (d.body as Json).incidentId === res.body.id);
    expect(dead).toHaveLength(2);
    expect(dead.every((d) => d.receives === 5)).toBe(true);
    // The incident itself is there, dispatched, whatever became of its alerts.
    expect((await getIncident(res.body.id)).status).toBe('DISPATCHED');
  }, 30_000);
});
