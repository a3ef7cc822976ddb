// End to end over HTTP: Layanan Homecare through the whole local system — the city's puskesmas and the kelurahan each
// serves (one each, moved by PUT), a request from an RT chair routed to the resident's puskesmas, one open request per
// resident and need, who sees what (clinic: its puskesmas; chair: its RT, never a clinical note), visits and their
// SMS, outcomes and the lifecycle's 409s, the daily job's reminders and waiting notices, and the figures.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import type { OutboxEntry, SmsEntry } from '../../infra/local/outbox.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { cityRegions } from '../../shared/city/regions.ts';
import { smsLength } from '../../shared/platform/sms-text.ts';
import { todayWib } from '../../shared/platform/wib.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { httpClient, issuePaths, type Json } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

let sys: LocalSystem;
const call = httpClient(() => sys.url);
const token: Record<string, string> = {};
const [RT_A, RT_B, RT_C] = demoRts(3);
const PKM_A = 'PKM-UJI-A';
const PKM_B = 'PKM-UJI-B';
const PKM_PHONE = '+6281176000901';

const day = (offset: number, from = todayWib()) =>
  new Date(Date.parse(`${from}T00:00:00Z`) + offset * 86_400_000).toISOString().slice(0, 10);

async function devToken(req: Record<string, string>): Promise<string> {
  const res = await call('POST', '/auth/dev-token', { json: req });
  expect(res.status, res.text).toBe(200);
  return res.body.token;
}

let seq = 1;
let phoneSeq = 2000;
/** A resident of an RT, registered by the city, with a phone unless told otherwise. */
async function resident(rt: string, opts: { phone?: boolean; name?: string } = {}) {
  const kel = rt.slice(0, 6);
  const body = {
    nik: makeNik({ regionCode: kel, birthDate: '1948-03-02', sex: 'F', sequence: seq++ }),
    kk: `${kel}0102030${String(seq).padStart(3, '0')}`,
    name: opts.name ?? 'Siti Aminah',
    birthDate: '1948-03-02',
    sex: 'F',
    rt,
    ...(opts.phone === false ? {} : { phone: `+6281299${String(phoneSeq++).padStart(5, '0')}` }),
    smsConsent: true,
  };
  const res = await call('POST', '/residents', { as: token.admin, json: body });
  expect(res.status, res.text).toBe(201);
  return body;
}

const ask = (as: string, body: Record<string, unknown>, key?: string) =>
  call('POST', '/homecare/requests', { as, json: body, headers: key ? { 'idempotency-key': key } : {} });

async function outbox(): Promise<OutboxEntry[]> {
  return sys.outbox.list(1000);
}
const smsTo = async (phone: string) =>
  (await outbox()).filter((e): e is SmsEntry => e.channel === 'sms' && e.phone === phone);

beforeAll(async () => {
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: false, timers: 'manual' });
  token.admin = await devToken({ role: 'city_admin' });
  for (const rt of [RT_A!, RT_B!, RT_C!]) {
    const res = await call('POST', '/rts', {
      as: token.admin,
      json: { rt: rt.rt, chairName: rt.chairName, households: rt.households },
    });
    expect(res.status, res.text).toBe(201);
  }
  token.chairA = await devToken({ role: 'rt_chair', rt: RT_A!.rt });
  token.chairB = await devToken({ role: 'rt_chair', rt: RT_B!.rt });
  token.clinicA = await devToken({ role: 'clinic', puskesmas: PKM_A, sub: 'bidan-a' });
  token.clinicB = await devToken({ role: 'clinic', puskesmas: PKM_B, sub: 'bidan-b' });
  token.clinicNone = await devToken({ role: 'clinic', sub: 'rs-desk' });
  token.operator = await devToken({ role: 'operator' });
});

afterAll(async () => {
  await sys?.stop();
});

describe('puskesmas', () => {
  it('registers each kelurahan to one puskesmas: a second claim is a 409 naming the holder, a PUT moves it', async () => {
    const a = await call('POST', '/puskesmas', {
      as: token.admin,
      json: {
        code: PKM_A,
        name: 'Puskesmas Uji A (data demo)',
        kelurahan: [RT_A!.kelurahan],
        phone: PKM_PHONE,
      },
    });
    expect(a.status, a.text).toBe(201);
    const name = cityRegions()
      .kecamatan.flatMap((k) => k.kelurahan)
      .find((k) => k.code === RT_A!.kelurahan)!.name;
    expect(a.body.kelurahan).toEqual([{ code: RT_A!.kelurahan, name }]);

    const clash = await call('POST', '/puskesmas', {
      as: token.admin,
      json: {
        code: PKM_B,
        name: 'Puskesmas Uji B (data demo)',
        kelurahan: [RT_B!.kelurahan, RT_A!.kelurahan],
      },
    });
    expect(clash.status, clash.text).toBe(409);
    expect(clash.body).toMatchObject({ kelurahan: RT_A!.kelurahan, puskesmas: PKM_A });
    // Nothing of the refused one was written: its other kelurahan is free for it.
    const b = await call('POST', '/puskesmas', {
      as: token.admin,
      json: {
        code: PKM_B,
        name: 'Puskesmas Uji B (data demo)',
        kelurahan: [RT_B!.kelurahan, RT_C!.kelurahan],
      },
    });
    expect(b.status, b.text).toBe(201);
    const again = await call('POST', '/puskesmas', {
      as: token.admin,
      json: { code: PKM_B, name: 'Lain', kelurahan: [RT_B!.kelurahan] },
    });
    expect(again.status).toBe(409);

    // RT C's kelurahan moves from B to A in one PUT; B's list no longer has it.
    const moved = await call('PUT', `/puskesmas/${PKM_A}`, {
      as: token.admin,
      json: {
        name: 'Puskesmas Uji A (data demo)',
        kelurahan: [RT_A!.kelurahan, RT_C!.kelurahan],
        phone: PKM_PHONE,
      },
    });
    expect(moved.status, moved.text).toBe(200);
    expect(moved.body.moved).toEqual([{ kelurahan: RT_C!.kelurahan, from: PKM_B }]);
    const list = await call('GET', '/puskesmas', { as: token.clinicA });
    expect(list.status).toBe(200);
    const byCode = Object.fromEntries(list.body.items.map((p: Json) => [p.code, p]));
    expect(byCode[PKM_A].kelurahan.map((k: Json) => k.code)).toEqual([RT_A!.kelurahan, RT_C!.kelurahan]);
    expect(byCode[PKM_B].kelurahan.map((k: Json) => k.code)).toEqual([RT_B!.kelurahan]);
    expect(list.body.unserved.map((k: Json) => k.code)).not.toContain(RT_C!.kelurahan);
    // Moved back for the tests below: C is served by B.
    const back = await call('PUT', `/puskesmas/${PKM_B}`, {
      as: token.admin,
      json: { name: 'Puskesmas Uji B (data demo)', kelurahan: [RT_B!.kelurahan, RT_C!.kelurahan] },
    });
    expect(back.status, back.text).toBe(200);
  });

  it('names each bad field, refuses other roles, and knows no unknown puskesmas', async () => {
    const bad = await call('POST', '/puskesmas', {
      as: token.admin,
      json: {
        code: 'x',
        name: 'P',
        kelurahan: ['15.71', '99.99.99.9999', RT_A!.kelurahan, RT_A!.kelurahan],
        location: { lat: 99, lon: 0 },
      },
    });
    expect(issuePaths(bad).sort()).toEqual([
      'code',
      'kelurahan',
      'kelurahan.0',
      'kelurahan.1',
      'location.lat',
      'name',
    ]);
    expect((await call('POST', '/puskesmas', { as: token.clinicA, json: {} })).status).toBe(403);
    const unknown = await call('PUT', '/puskesmas/PKM-NONE', {
      as: token.admin,
      json: { name: 'Tidak Ada', kelurahan: [RT_A!.kelurahan] },
    });
    expect(unknown.status).toBe(404);
    // A clinic account must carry a puskesmas the city registered.
    const staff = await call('POST', '/staff', {
      as: token.admin,
      json: {
        username: 'bidan.x',
        name: 'Bidan X',
        role: 'clinic',
        puskesmas: 'PKM-NONE',
        email: 'x@example.go.id',
      },
    });
    expect(issuePaths(staff)).toEqual(['puskesmas']);
  });
});

describe('requests', () => {
  it('routes a chair request to the puskesmas of the resident, refuses another RT, and keeps one open per need', async () => {
    const r = await resident(RT_A!.rt);
    const body = {
      nik: r.nik,
      need: 'ELDERLY_IMMOBILE',
      note: 'Lumpuh sejak stroke, tidak bisa ke puskesmas',
    };
    const key = randomUUID();
    const res = await ask(token.chairA!, body, key);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      status: 'REQUESTED',
      puskesmas: { code: PKM_A, name: 'Puskesmas Uji A (data demo)' },
      coverage: { covered: false, status: 'NONE' },
    });
    // The same key again: the same answer, nothing new.
    const replay = await ask(token.chairA!, body, key);
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(res.body.id);
    expect(replay.headers.get('idempotent-replayed')).toBe('true');
    // Another key, same resident and need: 409 with the open one.
    const dup = await ask(token.chairA!, { ...body, note: 'Lagi' });
    expect(dup.status, dup.text).toBe(409);
    expect(dup.body.request).toMatchObject({ id: res.body.id, status: 'REQUESTED' });
    expect(dup.body.request.note).toBeUndefined();
    // Another need for the same resident is its own request.
    expect((await ask(token.chairA!, { ...body, need: 'CHRONIC_IMMOBILE' })).status).toBe(201);
    // Chair B may not ask for RT A's resident; unknown NIK → 404.
    expect((await ask(token.chairB!, { ...body, need: 'DISABILITY' })).status).toBe(403);
    const stranger = makeNik({ regionCode: '157101', birthDate: '1950-01-01', sex: 'M', sequence: 9999 });
    expect((await ask(token.clinicA!, { ...body, nik: stranger })).status).toBe(404);
    expect((await ask(token.operator!, body)).status).toBe(403);
  });

  it('says which fields are wrong, and which kelurahan has no puskesmas yet', async () => {
    const bad = await ask(token.clinicA!, { nik: '123', need: 'FLU', note: 'x', location: { lat: 0 } });
    expect(issuePaths(bad).sort()).toEqual(['location.lon', 'need', 'nik', 'note']);
    const elsewhere = demoRts(4)[3]!;
    await call('POST', '/rts', {
      as: token.admin,
      json: { rt: elsewhere.rt, chairName: elsewhere.chairName, households: 50 },
    });
    const r = await resident(elsewhere.rt);
    const res = await ask(token.admin!, { nik: r.nik, need: 'DISABILITY', note: 'Kursi roda' });
    expect(res.status, res.text).toBe(422);
    expect(res.body).toMatchObject({ error: 'NoPuskesmas', kelurahan: elsewhere.kelurahan });
  });

  it('lists oldest first to the puskesmas, the city and the RT — notes to staff only — and pages', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const r = await resident(RT_B!.rt, { name: `Warga Daftar ${i}` });
      const res = await ask(token.chairB!, { nik: r.nik, need: 'MALNUTRITION', note: `Gizi buruk ${i}` });
      expect(res.status, res.text).toBe(201);
      expect(res.body.puskesmas.code).toBe(PKM_B);
      ids.push(res.body.id);
    }
    const clinic = await call('GET', '/homecare/requests?need=MALNUTRITION', { as: token.clinicB });
    expect(clinic.status, clinic.text).toBe(200);
    expect(clinic.body.items.map((i: Json) => i.id)).toEqual(ids);
    expect(clinic.body.items[0]).toMatchObject({
      daysWaited: 0,
      waitingForFirstVisit: true,
      note: 'Gizi buruk 0',
    });
    // Puskesmas A sees none of B's; B's requests are a 404 to A's clinic.
    const other = await call('GET', '/homecare/requests?need=MALNUTRITION', { as: token.clinicA });
    expect(other.body.items).toEqual([]);
    expect((await call('GET', `/homecare/requests/${ids[0]}`, { as: token.clinicA })).status).toBe(404);
    expect((await call('GET', `/homecare/requests?puskesmas=${PKM_B}`, { as: token.clinicA })).status).toBe(
      403,
    );
    expect((await call('GET', '/homecare/requests', { as: token.clinicNone })).status).toBe(403);
    // The chair sees the RT's requests without notes.
    const chair = await call('GET', '/homecare/requests', { as: token.chairB });
    expect(chair.body.items.map((i: Json) => i.id)).toEqual(ids);
    expect(chair.body.items.every((i: Json) => i.note === undefined)).toBe(true);
    // The city pages through them, two at a time.
    const first = await call('GET', `/homecare/requests?puskesmas=${PKM_B}&limit=2`, { as: token.admin });
    expect(first.body.items.map((i: Json) => i.id)).toEqual(ids.slice(0, 2));
    const second = await call(
      'GET',
      `/homecare/requests?puskesmas=${PKM_B}&limit=2&cursor=${first.body.cursor}`,
      { as: token.admin },
    );
    expect(second.body.items.map((i: Json) => i.id)).toEqual(ids.slice(2));
    expect(second.body.cursor).toBeNull();
    const forged = await call('GET', `/homecare/requests?limit=2&cursor=${first.body.cursor}`, {
      as: token.admin,
    });
    expect(issuePaths(forged)).toEqual(['cursor']);
    expect(issuePaths(await call('GET', '/homecare/requests?status=OPEN', { as: token.admin }))).toEqual([
      'status',
    ]);
  });
});

describe('visits', () => {
  it('schedules a visit with one SMS to the household, records the outcome, plans the next, and closes', async () => {
    const r = await resident(RT_A!.rt, { name: 'Rahmawati Siregar' });
    const created = await ask(token.chairA!, {
      nik: r.nik,
      need: 'HIGH_RISK_PREGNANCY',
      note: 'Preeklamsia, hamil 32 minggu',
    });
    const id = created.body.id;
    const visitDay = day(0);
    const key = randomUUID();
    const visit = await call('POST', `/homecare/requests/${id}/visits`, {
      as: token.clinicA,
      json: { date: visitDay, team: ['Bidan Demo', 'Perawat Demo'] },
      headers: { 'idempotency-key': key },
    });
    expect(visit.status, visit.text).toBe(201);
    expect(visit.body).toMatchObject({
      date: visitDay,
      status: 'SCHEDULED',
      request: { status: 'SCHEDULED' },
      sms: { household: 'SENT' },
    });
    const replay = await call('POST', `/homecare/requests/${id}/visits`, {
      as: token.clinicA,
      json: { date: visitDay, team: ['Bidan Demo', 'Perawat Demo'] },
      headers: { 'idempotency-key': key },
    });
    expect(replay.body.id).toBe(visit.body.id);
    const sms = await smsTo(r.phone!);
    expect(sms).toHaveLength(1);
    expect(sms[0]!.text).toContain('Rahmawati');
    expect(sms[0]!.text).toContain('Puskesmas Uji A');
    expect(sms[0]!.text).toContain(String(Number(visitDay.slice(8))));
    expect(sms[0]!.text).not.toContain(r.nik);
    expect(smsLength(sms[0]!.text)).toMatchObject({ encoding: 'GSM-7', parts: 1 });

    // A second visit while one is planned; a visit in the past; another puskesmas's clinic.
    const twice = await call('POST', `/homecare/requests/${id}/visits`, {
      as: token.clinicA,
      json: { date: day(3), team: ['Bidan Demo'] },
    });
    expect(twice.status).toBe(409);
    expect(
      issuePaths(
        await call('POST', `/homecare/requests/${id}/visits`, {
          as: token.clinicA,
          json: { date: day(-1), team: [] },
        }),
      ).sort(),
    ).toEqual(['date', 'team']);
    expect(
      (
        await call('POST', `/homecare/requests/${id}/visits`, {
          as: token.clinicB,
          json: { date: day(2), team: ['X Y'] },
        })
      ).status,
    ).toBe(404);
    expect(
      (
        await call('POST', `/homecare/requests/${id}/visits`, {
          as: token.chairA,
          json: { date: day(2), team: ['X Y'] },
        })
      ).status,
    ).toBe(403);

    // Done, with the next month's visit planned at once.
    const next = day(28);
    const outcome = await call('POST', `/homecare/requests/${id}/visits/${visit.body.id}/outcome`, {
      as: token.clinicA,
      json: { done: true, note: 'TD 150/100, edema tungkai; rujuk bila naik', nextVisit: next },
    });
    expect(outcome.status, outcome.text).toBe(201);
    expect(outcome.body).toMatchObject({
      visit: { status: 'DONE', done: true },
      nextVisit: { date: next },
      request: { status: 'SCHEDULED' },
      sms: { household: 'SENT' },
    });
    expect(await smsTo(r.phone!)).toHaveLength(2);
    const again = await call('POST', `/homecare/requests/${id}/visits/${visit.body.id}/outcome`, {
      as: token.clinicA,
      json: { done: true, note: 'lagi' },
    });
    expect(again.status).toBe(409);

    // The clinic sees the clinical note; the chair sees the visits without it.
    const staff = await call('GET', `/homecare/requests/${id}`, { as: token.clinicA });
    expect(staff.body).toMatchObject({
      status: 'SCHEDULED',
      firstVisitOn: visitDay,
      visitsDone: 1,
      daysWaited: 0,
    });
    expect(staff.body.visits.map((v: Json) => v.status)).toEqual(['DONE', 'SCHEDULED']);
    expect(staff.body.visits[0].outcome.note).toContain('TD 150/100');
    expect(staff.body.note).toContain('Preeklamsia');
    const chair = await call('GET', `/homecare/requests/${id}`, { as: token.chairA });
    expect(chair.status).toBe(200);
    expect(chair.text).not.toContain('TD 150/100');
    expect(chair.text).not.toContain('Preeklamsia');
    expect(chair.body.visits[1]).toMatchObject({ date: next, status: 'SCHEDULED' });
    expect(chair.body.timeline.map((e: Json) => e.action)).toEqual([
      'REQUESTED',
      'VISIT_SCHEDULED',
      'VISITED',
      'VISIT_SCHEDULED',
    ]);
    expect((await call('GET', `/homecare/requests/${id}`, { as: token.chairB })).status).toBe(404);

    // Not done and not rescheduled: closed with the reason; the resident may be asked for again.
    const closed = await call(
      'POST',
      `/homecare/requests/${id}/visits/${outcome.body.nextVisit.id}/outcome`,
      {
        as: token.clinicA,
        json: {
          done: false,
          note: 'Pasien dirawat inap di RSUD',
          closeReason: 'Dirawat inap di rumah sakit',
        },
      },
    );
    expect(closed.status, closed.text).toBe(201);
    expect(closed.body.request.status).toBe('CLOSED');
    const move = await call('POST', `/homecare/requests/${id}/status`, {
      as: token.clinicA,
      json: { status: 'DECLINED', reason: 'Salah input' },
    });
    expect(move.status).toBe(409);
    expect(move.body).toMatchObject({ from: 'CLOSED', to: 'DECLINED', allowed: [] });
    const renewed = await ask(token.chairA!, {
      nik: r.nik,
      need: 'HIGH_RISK_PREGNANCY',
      note: 'Pulang dari RS',
    });
    expect(renewed.status, renewed.text).toBe(201);
  });

  it('moves only as the lifecycle allows: 409 {from, to, allowed}; declining needs a reason', async () => {
    const r = await resident(RT_A!.rt, { phone: false });
    const id = (await ask(token.clinicA!, { nik: r.nik, need: 'DISABILITY', note: 'Tuna daksa' })).body.id;
    const close = await call('POST', `/homecare/requests/${id}/status`, {
      as: token.clinicA,
      json: { status: 'CLOSED', reason: 'Tidak perlu' },
    });
    expect(close.status).toBe(409);
    expect(close.body).toMatchObject({ from: 'REQUESTED', to: 'CLOSED', allowed: ['SCHEDULED', 'DECLINED'] });
    expect(
      issuePaths(
        await call('POST', `/homecare/requests/${id}/status`, {
          as: token.clinicA,
          json: { status: 'DECLINED' },
        }),
      ),
    ).toEqual(['reason']);
    const visit = await call('POST', `/homecare/requests/${id}/visits`, {
      as: token.clinicA,
      json: { date: day(1), team: ['Perawat Demo'] },
    });
    expect(visit.body.sms).toEqual({ household: 'NO_PHONE' });
    const early = await call('POST', `/homecare/requests/${id}/visits/${visit.body.id}/outcome`, {
      as: token.clinicA,
      json: { done: true, note: 'Belum terjadi' },
    });
    expect(issuePaths(early)).toEqual(['done']);
    const both = await call('POST', `/homecare/requests/${id}/visits/${visit.body.id}/outcome`, {
      as: token.clinicA,
      json: { done: false, note: 'Tidak di rumah' },
    });
    expect(issuePaths(both)).toEqual(['nextVisit']);
    const rescheduled = await call('POST', `/homecare/requests/${id}/visits/${visit.body.id}/outcome`, {
      as: token.clinicA,
      json: { done: false, note: 'Tidak di rumah', nextVisit: day(5) },
    });
    expect(rescheduled.body.request).toMatchObject({ status: 'SCHEDULED', nextVisit: { date: day(5) } });
    const declined = await call('POST', `/homecare/requests/${id}/status`, {
      as: token.admin,
      json: { status: 'DECLINED', reason: 'Di luar wilayah' },
    });
    expect(declined.status).toBe(409);
    expect(declined.body.allowed).toEqual(['VISITED', 'SCHEDULED', 'CLOSED']);
  });
});

describe('the daily job and the figures', () => {
  it("reminds tomorrow's households once, and tells the puskesmas of requests waiting too long", async () => {
    const r = await resident(RT_B!.rt, { name: 'Bapak Reminder' });
    const id = (await ask(token.chairB!, { nik: r.nik, need: 'CHRONIC_IMMOBILE', note: 'Gagal ginjal' })).body
      .id;
    await call('POST', `/homecare/requests/${id}/visits`, {
      as: token.clinicB,
      json: { date: day(1), team: ['Bidan B'] },
    });
    const run = async (date: string) => {
      const res = await call('POST', `/dev/jobs/homecare?date=${date}`);
      expect(res.status, res.text).toBe(200);
      return res.body;
    };
    const first = await run(todayWib());
    expect(first.reminders.sent).toBeGreaterThanOrEqual(1);
    const second = await run(todayWib());
    expect(second.reminders.sent).toBe(0);
    const texts = (await smsTo(r.phone!)).map((s) => s.text);
    expect(texts.filter((t) => t.startsWith('Yth. Bapak, besok'))).toHaveLength(1);

    // Ten days on, the REQUESTED ones are late: A has a phone (SMS), B none (the city's admins' topic).
    const later = await run(day(10));
    const byPkm = Object.fromEntries(later.waiting.map((w: Json) => [w.puskesmas, w]));
    expect(byPkm[PKM_A]).toMatchObject({ toldBy: 'SMS', oldestDays: 10 });
    expect(byPkm[PKM_B]).toMatchObject({ toldBy: 'CITY_ADMINS' });
    const pkmSms = await smsTo(PKM_PHONE);
    expect(pkmSms).toHaveLength(1);
    expect(pkmSms[0]!.text).toMatch(/permintaan homecare .* menunggu/);
    expect(smsLength(pkmSms[0]!.text).parts).toBe(1);
    const topic = (await outbox()).filter((e) => e.channel === 'topic' && e.topic === 'city_admins');
    expect(topic.at(-1)!.channel === 'topic' && topic.at(-1)!.text).toContain(PKM_B);
    expect((await run(day(10))).waiting.every((w: Json) => w.toldBy === 'ALREADY')).toBe(true);
  });

  it('counts requests by need and status, days to first visit, visits per month', async () => {
    const from = day(-1);
    const to = day(40);
    const res = await call('GET', `/homecare/stats?from=${from}&to=${to}`, { as: token.admin });
    expect(res.status, res.text).toBe(200);
    const all = await call(
      'GET',
      '/homecare/requests?status=REQUESTED,SCHEDULED,VISITED,CLOSED,DECLINED&limit=200',
      {
        as: token.admin,
      },
    );
    expect(res.body.requests.total).toBe(all.body.items.length);
    expect(res.body.requests.byNeed.MALNUTRITION).toBe(3);
    expect(res.body.daysToFirstVisit).toMatchObject({ visited: 1, median: 0, p90: 0 });
    const months = res.body.visitsByMonth.map((m: Json) => m.month);
    expect(months[0]).toBe(from.slice(0, 7));
    expect(res.body.visitsByMonth.reduce((s: number, m: Json) => s + m.done, 0)).toBe(1);
    const clinic = await call('GET', `/homecare/stats?from=${from}&to=${to}`, { as: token.clinicB });
    expect(clinic.body.puskesmas).toBe(PKM_B);
    expect(clinic.body.requests.byNeed.HIGH_RISK_PREGNANCY).toBe(0);
    expect(clinic.body.requests.byNeed.MALNUTRITION).toBe(3);
    expect((await call('GET', `/homecare/stats?from=${from}&to=${to}`, { as: token.chairA })).status).toBe(
      403,
    );
    expect(
      issuePaths(await call('GET', `/homecare/stats?from=${to}&to=${from}`, { as: token.admin })),
    ).toEqual(['to']);
  });
});
