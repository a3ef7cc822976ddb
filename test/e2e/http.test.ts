// End to end over HTTP: the whole local system (every route of the route table behind the local server, the
// real handler modules, DynamoDB Local, the in-process bus and the SMS outbox) driven only through fetch,
// the way a city admin, a clinic desk or an RT chair would use it.
import { Agent } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoResidents, demoRts, toCsv } from '../../infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { cityRegionsFromPackage } from '../../infra/regions.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { httpClient, issuePaths, type Json, rawRequest } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

const ROLES = ['city_admin', 'clinic', 'rt_chair', 'social_verifier', 'operator', 'responder'] as const;
type Role = (typeof ROLES)[number];

const RTS = demoRts(12);
const RT_A = RTS[0]!; // kelurahan 15.71.01.1012
const RT_B = RTS[1]!; // another kelurahan
const SEEDED = demoResidents(520, RTS).slice(0, 500);
const UNSEEDED = demoResidents(520, RTS).slice(500);
const PREMIUM = 42_000;

let sys: LocalSystem;
const token = {} as Record<Role | 'chairA' | 'chairB', string>;

const call = httpClient(() => sys.url);

/** One request on a given agent (a kept-alive connection), giving up after 2 s. */
const rawSend = (agent: Agent, method: string, path: string, body?: string) =>
  rawRequest(new URL(path, sys.url), method, {
    agent,
    headers: { 'content-type': 'text/csv' },
    timeoutMs: 2000,
    ...(body !== undefined ? { body } : {}),
  });

const admin = (method: string, path: string, opts: Parameters<typeof call>[2] = {}) =>
  call(method, path, { as: token.city_admin, ...opts });

// Test residents use sequence numbers 9000+; the demo data stays below 5000.
let nextSeq = 9000;
let nextPhone = 1;
function person(over: Record<string, unknown> = {}) {
  const birthDate = '1985-03-14';
  const sex = 'F';
  const nik = makeNik({ regionCode: RT_A.kelurahan, birthDate, sex, sequence: nextSeq++ });
  return { nik, kk: '1571010203040506', name: 'Siti Aminah', birthDate, sex, rt: RT_A.rt, ...over };
}
/** A fresh mobile number, written the way people write it, and its E.164 form. */
function phone(): { local: string; e164: string } {
  const n = String(nextPhone++).padStart(4, '0');
  return { local: `0812-7000-${n}`, e164: `+628127000${n}` };
}

async function register(over: Record<string, unknown> = {}) {
  const p = person(over);
  const res = await admin('POST', '/residents', { json: p });
  expect(res.status, res.text).toBe(201);
  return p;
}

const setCoverage = (nik: string, scheme: string, status: string, reason = 'Ditetapkan oleh Dinkes') =>
  admin('PUT', `/residents/${nik}/coverage`, { json: { scheme, status, reason } });

const uhc = async (area = '15.71') => {
  const res = await admin('GET', `/uhc?area=${area}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
};
const kelRow = (report: Json, code: string) =>
  report.kelurahan.find((k: { code: string }) => k.code === code);

const premiums = async (month: string) => {
  const res = await admin('GET', `/premiums/${month}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
};

/** Months are calendar months in WIB (UTC+7). */
const wibMonth = (offset = 0) => {
  const d = new Date(Date.now() + 7 * 3600_000);
  const total = d.getUTCFullYear() * 12 + d.getUTCMonth() + offset;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
};

/** RT A's chair asks for a letter for a resident (a fresh Idempotency-Key). */
const chairLetter = (p: { nik: string; name: string; birthDate: string; sex: string }) =>
  call('POST', '/attestations', {
    as: token.chairA,
    headers: { 'idempotency-key': crypto.randomUUID() },
    json: { nik: p.nik, name: p.name, birthDate: p.birthDate, sex: p.sex, reason: 'Sakit, butuh JKN segera' },
  });

const outbox = async () => {
  const res = await call('GET', '/dev/outbox?limit=1000');
  expect(res.status).toBe(200);
  return res.body as { phone: string; text: string; encoding: string; parts: number; purpose: string }[];
};

beforeAll(async () => {
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: true });
  for (const role of ROLES) {
    const res = await call('POST', '/auth/dev-token', {
      json:
        role === 'rt_chair'
          ? { role, rt: RT_A.rt }
          : role === 'responder'
            ? { role, unit: 'AMB-TEST' }
            : { role },
    });
    expect(res.status, res.text).toBe(200);
    token[role] = res.body.token;
  }
  token.chairA = token.rt_chair;
  token.chairB = (
    await call('POST', '/auth/dev-token', { json: { role: 'rt_chair', rt: RT_B.rt } })
  ).body.token;
});

afterAll(async () => {
  await sys?.stop();
});

describe('seeded system', () => {
  it('starts with the 12 demo RTs and 500 residents, whose UHC rows add up to the city total', async () => {
    expect(sys.seeded).toEqual({ rts: 12, residents: 500, units: 12, puskesmas: 6 });
    const city = await uhc('15.71');
    expect(city.residents).toBe(500);
    const enrolled = SEEDED.filter((r) => r.scheme).length;
    // The seed also moves (up to 5) uninsured poor residents onto PBI APBD, active.
    const madeCityPaid = Math.min(5, SEEDED.filter((r) => !r.scheme && r.lowIncome).length);
    expect(madeCityPaid).toBeGreaterThan(0);
    expect(city.covered).toBe(enrolled + madeCityPaid);
    expect(city.active).toBe(SEEDED.filter((r) => r.status === 'ACTIVE').length + madeCityPaid);
    const sum = (k: string) => city.kelurahan.reduce((t: number, r: Json) => t + r[k], 0);
    expect([sum('residents'), sum('covered'), sum('active')]).toEqual([
      city.residents,
      city.covered,
      city.active,
    ]);
  });

  it('answers 404 for an unknown path, with or without a token', async () => {
    expect((await call('GET', '/nope')).status).toBe(404);
    expect((await admin('GET', '/residentz/1571010101900001')).status).toBe(404);
    expect((await admin('POST', '/coverage')).status).toBe(404);
  });
});

describe('dev tokens and auth', () => {
  it('issues a token for every role and refuses an unknown role, a chair without RT and non-JSON', async () => {
    expect(ROLES.every((r) => typeof token[r] === 'string' && token[r].split('.').length === 3)).toBe(true);
    expect(issuePaths(await call('POST', '/auth/dev-token', { json: { role: 'mayor' } }))).toContain('role');
    expect(issuePaths(await call('POST', '/auth/dev-token', { json: { role: 'rt_chair' } }))).toContain('rt');
    expect(
      issuePaths(await call('POST', '/auth/dev-token', { json: { role: 'rt_chair', rt: 'RT 3' } })),
    ).toContain('rt');
    expect(
      issuePaths(await call('POST', '/auth/dev-token', { body: '{role:', type: 'application/json' })),
    ).toEqual(['body']);
  });

  const protectedRoutes: [string, string][] = [
    ['POST', '/residents'],
    ['GET', '/residents/1571015506900002'],
    ['PUT', '/residents/1571015506900002/coverage'],
    ['POST', '/residents/import'],
    ['POST', '/residents/import/uploads'],
    ['GET', '/residents/import/00000000-0000-4000-8000-000000000000'],
    ['GET', '/coverage/1571015506900002'],
    ['GET', '/uhc?area=15.71'],
    ['GET', '/premiums/2026-01'],
  ];

  it('answers 401 to every route without a token, with junk, or with a token edited to claim another role', async () => {
    const [header, payload, signature] = token.clinic.split('.') as [string, string, string];
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString());
    claims['cognito:groups'] = ['city_admin'];
    const forged = `${header}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${signature}`;
    for (const [method, path] of protectedRoutes) {
      for (const as of [null, 'junk', `${token.city_admin}x`, forged]) {
        const res = await call(method, path, { as, json: {} });
        expect(res.status, `${method} ${path} as ${as?.slice(0, 10)}`).toBe(401);
      }
    }
  });

  it('answers 403 to a role the route does not admit', async () => {
    const wrong: [string, string, Role][] = [
      ['POST', '/residents', 'clinic'],
      ['POST', '/residents', 'rt_chair'],
      ['PUT', '/residents/1571015506900002/coverage', 'rt_chair'],
      ['PUT', '/residents/1571015506900002/coverage', 'social_verifier'],
      ['GET', '/residents/1571015506900002', 'clinic'],
      ['GET', '/residents/1571015506900002', 'operator'],
      ['POST', '/residents/import', 'operator'],
      ['POST', '/residents/import/uploads', 'clinic'],
      ['GET', '/residents/import/00000000-0000-4000-8000-000000000000', 'rt_chair'],
      ['GET', '/coverage/1571015506900002', 'rt_chair'],
      ['GET', '/coverage/1571015506900002', 'responder'],
      ['GET', '/uhc?area=15.71', 'clinic'],
      ['GET', '/premiums/2026-01', 'social_verifier'],
    ];
    for (const [method, path, role] of wrong) {
      const res = await call(method, path, {
        as: token[role],
        json: { scheme: 'PBPU', status: 'ACTIVE', reason: 'x' },
      });
      expect(res.status, `${role} → ${method} ${path}`).toBe(403);
    }
  });

  it('lets an RT chair see a resident of its own RT only', async () => {
    const own = await register();
    const other = await register({ rt: RT_B.rt });
    const mine = await call('GET', `/residents/${own.nik}`, { as: token.chairA });
    expect(mine.status).toBe(200);
    expect(mine.body.nik).toBe(own.nik);
    expect((await call('GET', `/residents/${other.nik}`, { as: token.chairA })).status).toBe(404);
    expect((await call('GET', `/residents/${own.nik}`, { as: token.chairB })).status).toBe(404);
    expect((await call('GET', `/residents/${other.nik}`, { as: token.chairB })).status).toBe(200);
    // A seeded resident of RT B is not visible to RT A's chair either.
    const seededB = SEEDED.find((r) => r.rt === RT_B.rt)!;
    expect((await call('GET', `/residents/${seededB.nik}`, { as: token.chairA })).status).toBe(404);
    expect((await call('GET', `/residents/${seededB.nik}`, { as: token.chairB })).status).toBe(200);
  });

  it('tells a chair nothing about NIKs outside its RT: unknown and registered elsewhere answer alike', async () => {
    const elsewhere = await register({ rt: RT_B.rt });
    const unknown = person();
    const a = await call('GET', `/residents/${elsewhere.nik}`, { as: token.chairA });
    const b = await call('GET', `/residents/${unknown.nik}`, { as: token.chairA });
    expect([a.status, b.status]).toEqual([404, 404]);
    expect(a.body).toEqual(b.body);
    expect(a.text).not.toContain(elsewhere.nik);
    // The city admin still learns which it is.
    expect((await admin('GET', `/residents/${unknown.nik}`)).status).toBe(404);
    expect((await admin('GET', `/residents/${elsewhere.nik}`)).status).toBe(200);
  });
});

describe('POST /residents', () => {
  it('registers a resident: 201 with the resident, phone normalised, readable afterwards, UHC +1', async () => {
    const before = await uhc();
    const ph = phone();
    const p = person({ phone: ph.local, lowIncome: true, smsConsent: true });
    const res = await admin('POST', '/residents', { json: p });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      nik: p.nik,
      kk: p.kk,
      name: 'Siti Aminah',
      birthDate: '1985-03-14',
      sex: 'F',
      phone: ph.e164,
      rt: RT_A.rt,
      kelurahan: RT_A.kelurahan,
      lowIncome: true,
      smsConsent: true,
      coverage: null,
      warnings: [],
    });
    const got = await admin('GET', `/residents/${p.nik}`);
    expect(got.status).toBe(200);
    expect(got.body).toMatchObject({ nik: p.nik, phone: ph.e164, rt: RT_A.rt, history: [] });
    expect(got.body.current).toMatchObject({ nik: p.nik, covered: false, status: 'NONE', scheme: null });
    expect(got.body).not.toHaveProperty('pk');

    const after = await uhc();
    expect(after.residents).toBe(before.residents + 1);
    expect([after.covered, after.active]).toEqual([before.covered, before.active]);
    expect(kelRow(after, RT_A.kelurahan).residents).toBe(kelRow(before, RT_A.kelurahan).residents + 1);
  });

  it('refuses the same NIK again with 409 and keeps the first registration', async () => {
    const p = await register({ name: 'Dewi Lestari' });
    const before = await uhc();
    const again = await admin('POST', '/residents', { json: { ...p, name: 'Someone Else' } });
    expect(again.status, again.text).toBe(409);
    expect((await admin('GET', `/residents/${p.nik}`)).body.name).toBe('Dewi Lestari');
    expect((await uhc()).residents).toBe(before.residents);
  });

  it('accepts a birth date that disagrees with the NIK, with a warning', async () => {
    const p = person({ birthDate: '1986-03-14' });
    const res = await admin('POST', '/residents', { json: p });
    expect(res.status, res.text).toBe(201);
    expect(res.body.nik).toBe(p.nik);
    expect(res.body.birthDate).toBe('1986-03-14');
    expect(res.body.warnings).toHaveLength(1);
    expect(res.body.warnings[0]).toMatch(/birthDate/);
  });

  it('refuses a bad phone naming phone, an unknown RT naming rt, and writes nothing', async () => {
    const before = await uhc();
    for (const bad of ['12345', '021-1234567', '+6581234567', 'abc']) {
      const p = person({ phone: bad });
      expect(issuePaths(await admin('POST', '/residents', { json: p }))).toEqual(['phone']);
      expect((await admin('GET', `/residents/${p.nik}`)).status).toBe(404);
    }
    const p = person({ rt: '1571011012-099-099' });
    expect(issuePaths(await admin('POST', '/residents', { json: p }))).toEqual(['rt']);
    expect((await admin('GET', `/residents/${p.nik}`)).status).toBe(404);
    expect(issuePaths(await admin('POST', '/residents', { json: person({ rt: 'RT 3 RW 2' }) }))).toEqual([
      'rt',
    ]);
    expect((await uhc()).residents).toBe(before.residents);
  });

  it('says why a phone number is refused (the reason, not just "Invalid input")', async () => {
    const res = await admin('POST', '/residents', { json: person({ phone: '12345' }) });
    expect(res.status).toBe(400);
    expect(res.body.issues[0]).toMatchObject({ path: 'phone', message: expect.stringMatching(/mobile/i) });
  });

  it.each([
    ['province 00', '0071011403850001'],
    ['month 13', '1571015413850001'],
    ['sequence 0000', '1571015403850000'],
    ['15 digits', '157101540385001'],
    ['letters', '15710154038500a1'],
  ])('refuses a NIK with %s naming nik', async (_what, nik) => {
    const res = await admin('POST', '/residents', { json: person({ nik }) });
    expect(issuePaths(res)).toEqual(['nik']);
  });

  it('names every bad field at once, and refuses a body that is not JSON', async () => {
    const res = await admin('POST', '/residents', {
      json: { nik: '123', kk: 'x', name: 'A', birthDate: '1990-02-30', sex: 'X', rt: '', lowIncome: 'ya' },
    });
    expect(issuePaths(res).sort()).toEqual(['birthDate', 'kk', 'lowIncome', 'name', 'nik', 'rt', 'sex']);
    const future = await admin('POST', '/residents', { json: person({ birthDate: '2999-01-01' }) });
    expect(issuePaths(future)).toEqual(['birthDate']);
    const notJson = await admin('POST', '/residents', { body: '{"nik":', type: 'application/json' });
    expect(issuePaths(notJson)).toEqual(['body']);
    const text = await admin('POST', '/residents', { body: JSON.stringify(person()), type: 'text/plain' });
    expect(text.status).toBe(415);
  });
});

describe('coverage', () => {
  it('keeps a timeline: a change closes the old period and opens a new one, newest first, never overwritten', async () => {
    const p = await register();
    const first = await setCoverage(p.nik, 'PBPU', 'ACTIVE', 'Daftar mandiri');
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({
      nik: p.nik,
      covered: true,
      status: 'ACTIVE',
      scheme: 'PBPU',
      changed: true,
    });
    const h1 = (await admin('GET', `/residents/${p.nik}`)).body.history;
    expect(h1).toHaveLength(1);
    expect(h1[0]).toMatchObject({
      scheme: 'PBPU',
      status: 'ACTIVE',
      validFrom: first.body.since,
      reason: 'Daftar mandiri',
    });
    expect(h1[0].validTo).toBeUndefined();

    const second = await setCoverage(p.nik, 'PBPU', 'INACTIVE', 'Tunggakan iuran');
    expect(second.body).toMatchObject({ covered: false, status: 'INACTIVE', changed: true });
    const third = await setCoverage(p.nik, 'PBI_APBD', 'ACTIVE', 'Warga miskin');
    expect(third.body).toMatchObject({ covered: true, status: 'ACTIVE', scheme: 'PBI_APBD', changed: true });

    const got = (await admin('GET', `/residents/${p.nik}`)).body;
    expect(got.current).toMatchObject({
      status: 'ACTIVE',
      scheme: 'PBI_APBD',
      since: third.body.since,
      source: 'MANUAL',
    });
    const h = got.history;
    expect(h.map((x: Json) => `${x.scheme}/${x.status}`)).toEqual([
      'PBI_APBD/ACTIVE',
      'PBPU/INACTIVE',
      'PBPU/ACTIVE',
    ]);
    expect(h[0].validTo).toBeUndefined();
    expect(h[1]).toMatchObject({
      validFrom: second.body.since,
      validTo: third.body.since,
      reason: 'Tunggakan iuran',
    });
    // The first period is as it was, only closed.
    expect(h[2]).toEqual({ ...h1[0], validTo: second.body.since });
    expect(h[2].validFrom <= h[2].validTo && h[1].validFrom <= h[1].validTo).toBe(true);
  });

  it('treats the same coverage again as no change: 200, changed false, no new period, no SMS', async () => {
    const ph = phone();
    const p = await register({ phone: ph.local });
    await setCoverage(p.nik, 'PBI_APBN', 'ACTIVE');
    await sys.bus.drain();
    const sent = (await outbox()).length;
    const again = await setCoverage(p.nik, 'PBI_APBN', 'ACTIVE', 'Dikirim ulang');
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ changed: false, status: 'ACTIVE', scheme: 'PBI_APBN' });
    expect((await admin('GET', `/residents/${p.nik}`)).body.history).toHaveLength(1);
    await sys.bus.drain();
    expect((await outbox()).length).toBe(sent);
  });

  it('refuses a bad change naming the field, and an unknown NIK with 404', async () => {
    const p = await register();
    const put = (body: unknown) => admin('PUT', `/residents/${p.nik}/coverage`, { json: body });
    expect(issuePaths(await put({ scheme: 'BPJS', status: 'ACTIVE', reason: 'abc' }))).toEqual(['scheme']);
    expect(issuePaths(await put({ scheme: 'PBPU', status: 'ON', reason: 'abc' }))).toEqual(['status']);
    expect(issuePaths(await put({ scheme: 'PBPU', status: 'ACTIVE' }))).toEqual(['reason']);
    expect(issuePaths(await put({ scheme: 'PBPU', status: 'ACTIVE', reason: '  ' }))).toEqual(['reason']);
    expect((await admin('GET', `/residents/${p.nik}`)).body.history).toEqual([]);
    const unknown = makeNik({ regionCode: '15.71.01', birthDate: '1970-01-01', sex: 'M', sequence: 9999 });
    expect((await setCoverage(unknown, 'PBPU', 'ACTIVE')).status).toBe(404);
    expect(issuePaths(await setCoverage('1571010101', 'PBPU', 'ACTIVE'))).toEqual(['nik']);
  });

  it('takes the coverage’s real start (from): the period, the bill of that month and the SMS follow it', async () => {
    const ph = phone();
    const p = await register({ phone: ph.local });
    const put = (body: Json) =>
      admin('PUT', `/residents/${p.nik}/coverage`, { json: { reason: 'Peserta lama', ...body } });
    const before = await premiums('2018-07');
    const res = await put({ scheme: 'PBI_APBD', status: 'ACTIVE', from: '2018-07-31' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ covered: true, since: '2018-07-30T17:00:00.000Z', changed: true });
    expect((await premiums('2018-07')).residents).toBe(before.residents + 1);
    expect((await admin('GET', `/residents/${p.nik}`)).body.history[0].validFrom).toBe(
      '2018-07-30T17:00:00.000Z',
    );
    await sys.bus.drain();
    const sms = (await outbox()).filter((m) => m.phone === ph.e164).at(-1)!;
    expect(sms.text).toContain('AKTIF sejak 31-07-2018');
    // Not before the current period, nor JKN, nor after today; each refusal names `from` and writes nothing.
    for (const [from, reason] of [
      ['2018-07-30', 'must not be before 2018-07-31, the day the current coverage period began'],
      ['2013-12-31', 'must not be before 2014-01-01, when JKN began'],
      ['2099-01-01', 'is in the future'],
      ['2018-02-30', 'is not a real calendar date'],
      ['31-07-2018', 'must be a date written YYYY-MM-DD'],
    ]) {
      const refused = await put({ scheme: 'PBPU', status: 'ACTIVE', from });
      expect(refused.status, from).toBe(400);
      expect(refused.body.issues, from).toEqual([{ path: 'from', message: reason }]);
    }
    expect((await admin('GET', `/residents/${p.nik}`)).body.history).toHaveLength(1);
  });

  it('sends one SMS in Bahasa Indonesia, GSM-7, one part, to the normalised phone when coverage becomes active', async () => {
    const ph = phone();
    // A name outside GSM-7 must not push the message into UCS-2.
    const p = await register({ phone: ph.local, name: 'Ñurul Çahyani Żaneta' });
    const sentBefore = (await outbox()).length;
    expect((await setCoverage(p.nik, 'PBI_APBD', 'ACTIVE')).status).toBe(200);
    await sys.bus.drain();
    const box = await outbox();
    expect(box.length).toBe(sentBefore + 1);
    const sms = box[0]!;
    expect(sms.phone).toBe(ph.e164);
    expect(sms.text).toMatch(/AKTIF/);
    expect(sms.text).toMatch(/Berobat|puskesmas/);
    expect(sms.text.length).toBeLessThanOrEqual(160);
    expect(sms.encoding).toBe('GSM-7');
    expect(sms.parts).toBe(1);
    expect(sms.text).not.toContain(p.nik);

    // Going inactive, or a resident with no phone, sends nothing.
    await setCoverage(p.nik, 'PBI_APBD', 'INACTIVE');
    const nophone = await register();
    await setCoverage(nophone.nik, 'PBI_APBN', 'ACTIVE');
    await sys.bus.drain();
    expect((await outbox()).length).toBe(sentBefore + 1);
  });
});

describe('GET /coverage/{nik}', () => {
  it('tells clinic, operator and admin whether a NIK is covered right now', async () => {
    const p = await register();
    for (const as of [token.clinic, token.operator, token.city_admin]) {
      const res = await call('GET', `/coverage/${p.nik}`, { as });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        nik: p.nik,
        covered: false,
        status: 'NONE',
        scheme: null,
        since: null,
        source: null,
      });
    }
    const put = await setCoverage(p.nik, 'PBI_APBD', 'ACTIVE');
    const now = await call('GET', `/coverage/${p.nik}`, { as: token.clinic });
    expect(now.body).toEqual({
      nik: p.nik,
      covered: true,
      status: 'ACTIVE',
      scheme: 'PBI_APBD',
      since: put.body.since,
      source: 'MANUAL',
    });
    await setCoverage(p.nik, 'PBI_APBD', 'INACTIVE');
    const off = await call('GET', `/coverage/${p.nik}`, { as: token.clinic });
    expect(off.body).toMatchObject({ covered: false, status: 'INACTIVE', scheme: 'PBI_APBD' });
  });

  it('answers 404 for an unknown NIK, 400 naming nik for a malformed one', async () => {
    const unknown = makeNik({ regionCode: '15.71.02', birthDate: '1960-07-07', sex: 'M', sequence: 9998 });
    const res = await call('GET', `/coverage/${unknown}`, { as: token.clinic });
    expect(res.status).toBe(404);
    expect(res.body.covered).toBe(false);
    expect(issuePaths(await call('GET', '/coverage/1571011513900002', { as: token.clinic }))).toEqual([
      'nik',
    ]);
  });

  it('shows a seeded resident the way it was imported', async () => {
    const s = SEEDED.find((r) => r.scheme && r.status === 'ACTIVE')!;
    const res = await call('GET', `/coverage/${s.nik}`, { as: token.clinic });
    expect(res.body).toMatchObject({ covered: true, status: 'ACTIVE', scheme: s.scheme, source: 'IMPORT' });
  });
});

describe('GET /uhc', () => {
  it('moves covered and active with each coverage change, and its rows always add up', async () => {
    const p = await register({ rt: RT_B.rt });
    const kel = RT_B.kelurahan;
    const a = await uhc();
    await setCoverage(p.nik, 'PPU', 'ACTIVE');
    const b = await uhc();
    expect([b.residents, b.covered, b.active]).toEqual([a.residents, a.covered + 1, a.active + 1]);
    expect(kelRow(b, kel).active).toBe(kelRow(a, kel).active + 1);
    await setCoverage(p.nik, 'PPU', 'INACTIVE');
    const c = await uhc();
    expect([c.residents, c.covered, c.active]).toEqual([a.residents, a.covered + 1, a.active]);
    await setCoverage(p.nik, 'PBI_APBN', 'ACTIVE');
    const d = await uhc();
    expect([d.residents, d.covered, d.active]).toEqual([a.residents, a.covered + 1, a.active + 1]);

    for (const report of [a, b, c, d]) {
      const sum = (k: string) => report.kelurahan.reduce((t: number, r: Json) => t + r[k], 0);
      expect([sum('residents'), sum('covered'), sum('active')]).toEqual([
        report.residents,
        report.covered,
        report.active,
      ]);
      expect(report.coveredPct).toBeCloseTo((100 * report.covered) / report.residents, 1);
      expect(report.activePct).toBeCloseTo((100 * report.active) / report.residents, 1);
      expect(report.uhc).toBe(
        report.covered * 100 >= 98 * report.residents && report.active * 100 >= 80 * report.residents,
      );
    }
  });

  it('reports the city when no area is given', async () => {
    const res = await admin('GET', '/uhc');
    expect(res.status).toBe(200);
    expect(res.body).toEqual(await uhc('15.71'));
    expect(res.body.name).toBe(cityRegionsFromPackage('15.71').city.name);
  });

  it('reports a kecamatan as the sum of its kelurahan, and a kelurahan on its own', async () => {
    const city = await uhc('15.71');
    const kec = await uhc('15.71.01');
    const mine = city.kelurahan.filter((k: Json) => k.code.startsWith('15.71.01.'));
    expect(kec.kelurahan.map((k: Json) => k.code).sort()).toEqual(mine.map((k: Json) => k.code).sort());
    expect(kec.residents).toBe(mine.reduce((t: number, k: Json) => t + k.residents, 0));
    const one = await uhc(RT_A.kelurahan);
    expect(one.residents).toBe(kelRow(city, RT_A.kelurahan).residents);
    expect(one.kelurahan).toHaveLength(1);
  });

  it.each(['15.7', 'kota', '15.71.01.10', '15.71;drop', '15.71.01.1012.1'])(
    'refuses area=%s naming area',
    async (a) => {
      expect(issuePaths(await admin('GET', `/uhc?area=${encodeURIComponent(a)}`))).toEqual(['area']);
    },
  );
});

describe('GET /premiums/{month}', () => {
  it('bills 42,000 per city-paid resident, due on the 10th; activating PBI APBD adds one this month', async () => {
    const month = wibMonth();
    const next = wibMonth(1);
    const before = await premiums(month);
    const beforeNext = await premiums(next);
    expect(before).toMatchObject({
      month,
      scheme: 'PBI_APBD',
      premiumPerPerson: PREMIUM,
      dueDate: `${month}-10`,
    });
    expect(before.total).toBe(before.residents * PREMIUM);
    // At least the seeded PBI APBD residents who are active.
    expect(before.residents).toBeGreaterThanOrEqual(
      SEEDED.filter((r) => r.scheme === 'PBI_APBD' && r.status === 'ACTIVE').length,
    );

    const p = await register();
    await setCoverage(p.nik, 'PBI_APBN', 'ACTIVE');
    expect((await premiums(month)).residents).toBe(before.residents);
    await setCoverage(p.nik, 'PBI_APBD', 'ACTIVE');
    const after = await premiums(month);
    expect(after.residents).toBe(before.residents + 1);
    expect(after.total).toBe((before.residents + 1) * PREMIUM);

    // Ending it this month still bills this month, not next; starting again this month bills nobody twice.
    await setCoverage(p.nik, 'PBI_APBD', 'INACTIVE');
    expect((await premiums(month)).residents).toBe(before.residents + 1);
    expect((await premiums(next)).residents).toBe(beforeNext.residents);
    await setCoverage(p.nik, 'PBI_APBD', 'ACTIVE');
    expect((await premiums(month)).residents).toBe(before.residents + 1);
    expect((await premiums(next)).residents).toBe(beforeNext.residents + 1);
  });

  it('bills nobody in a month before any data', async () => {
    expect(await premiums('2001-01')).toMatchObject({ residents: 0, total: 0, dueDate: '2001-01-10' });
  });

  it.each(['2026-13', '2026-00', '202611', '26-11', 'bulan', '2026-1'])('refuses month %s', async (m) => {
    expect(issuePaths(await admin('GET', `/premiums/${m}`))).toEqual(['month']);
  });
});

describe('POST /residents/{nik}/death', () => {
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const died = (nik: string, body: Json, as = token.city_admin) =>
    call('POST', `/residents/${nik}/death`, { as, json: body });

  it('records a death: DECEASED at the clinic desk, no letter, marked in the RT list, out of /uhc; 409 the second time', async () => {
    const p = await register();
    await setCoverage(p.nik, 'PBI_APBD', 'ACTIVE', 'Warga miskin');
    const kelurahanBefore = kelRow(await uhc(), RT_A.kelurahan);
    const res = await died(p.nik, { date: today, source: 'DUKCAPIL', reference: 'AKTA-1571-2026-0001' });
    expect(res.status, res.text).toBe(200);
    // Died this month: billed through it, nothing overpaid.
    expect(res.body).toEqual({
      nik: p.nik,
      status: 'DECEASED',
      coverageClosed: true,
      overpaid: { months: [], rupiah: 0 },
    });
    expect((await call('GET', `/coverage/${p.nik}`, { as: token.clinic })).body).toMatchObject({
      nik: p.nik,
      covered: false,
      status: 'DECEASED',
    });
    const after = kelRow(await uhc(), RT_A.kelurahan);
    expect([after.residents, after.covered, after.active]).toEqual([
      kelurahanBefore.residents - 1,
      kelurahanBefore.covered - 1,
      kelurahanBefore.active - 1,
    ]);
    // The RT chair can no longer issue a letter for them, and sees them marked in the RT's list.
    const letter = await chairLetter(p);
    expect(letter.status, letter.text).toBe(409);
    expect(letter.body).toMatchObject({ status: 'DECEASED', deceasedOn: today });
    let listed: Json;
    for (let cursor: string | null = null; !listed; ) {
      const page: Json = (
        await call(
          'GET',
          `/rts/${RT_A.rt}/residents?limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
          {
            as: token.chairA,
          },
        )
      ).body;
      listed = page.items.find((r: Json) => r.nik === p.nik);
      cursor = page.cursor;
      if (!cursor) break;
    }
    expect(listed).toMatchObject({ covered: false, coverage: null, deceasedOn: today });
    expect((await admin('GET', `/residents/${p.nik}`)).body).toMatchObject({
      civilStatus: 'DECEASED',
      death: { date: today, source: 'DUKCAPIL', reference: 'AKTA-1571-2026-0001' },
      current: { status: 'DECEASED', covered: false },
    });
    const again = await died(p.nik, { date: today, source: 'FACILITY' });
    expect(again.status).toBe(409);
    expect(again.body).toMatchObject({ status: 'DECEASED', deceasedOn: today });
    expect((await setCoverage(p.nik, 'PBPU', 'ACTIVE')).status).toBe(409);
  });

  it("takes an RT chair's report as reported (202), changes nothing until the city confirms it", async () => {
    const p = await register();
    await setCoverage(p.nik, 'PBI_APBD', 'ACTIVE', 'Warga miskin');
    // Only source RT, only the chair's own RT (another RT's resident: 404, as an unknown NIK).
    expect(issuePaths(await died(p.nik, { date: today, source: 'DUKCAPIL' }, token.chairA))).toEqual([
      'source',
    ]);
    expect((await died(p.nik, { date: today, source: 'RT' }, token.chairB)).status).toBe(404);
    const reported = await died(
      p.nik,
      { date: today, source: 'RT', reference: 'Surat RT 12/2026' },
      token.chairA,
    );
    expect(reported.status, reported.text).toBe(202);
    expect(reported.body).toEqual({
      nik: p.nik,
      status: 'DEATH_REPORTED',
      report: { date: today, reference: 'Surat RT 12/2026', reportedAt: expect.any(String) },
    });
    // Still covered: a chair's word alone changes no coverage.
    expect((await call('GET', `/coverage/${p.nik}`, { as: token.clinic })).body).toMatchObject({
      covered: true,
      status: 'ACTIVE',
    });
    const waiting = await admin('GET', '/deaths/reports');
    expect(waiting.status).toBe(200);
    expect(waiting.body.items.find((r: Json) => r.nik === p.nik)).toMatchObject({
      name: p.name,
      rt: RT_A.rt,
      date: today,
      reference: 'Surat RT 12/2026',
    });
    expect((await call('GET', '/deaths/reports', { as: token.chairA })).status).toBe(403);
    // The city confirms it: deceased, and off the list of reports waiting.
    expect((await died(p.nik, { date: today, source: 'RT' })).status).toBe(200);
    expect((await call('GET', `/coverage/${p.nik}`, { as: token.clinic })).body.status).toBe('DECEASED');
    expect((await admin('GET', '/deaths/reports')).body.items.map((r: Json) => r.nik)).not.toContain(p.nik);
    expect((await died(p.nik, { date: today, source: 'RT' }, token.chairA)).status).toBe(409);
  });

  it('names the field of a bad request, 404 for an unknown NIK, 403 for other roles, and writes nothing', async () => {
    const p = await register();
    for (const [body, path] of [
      [{ date: '2099-01-01', source: 'DUKCAPIL' }, 'date'],
      [{ date: '2026-02-30', source: 'DUKCAPIL' }, 'date'],
      [{ date: '1980-01-01', source: 'DUKCAPIL' }, 'date'],
      [{ date: today, source: 'KELUARGA' }, 'source'],
      [{ date: today }, 'source'],
      [{ date: today, source: 'RT', reference: '' }, 'reference'],
    ] as const) {
      expect(issuePaths(await died(p.nik, body)), JSON.stringify(body)).toEqual([path]);
    }
    expect((await died(person().nik, { date: today, source: 'DUKCAPIL' })).status).toBe(404);
    for (const role of ['clinic', 'social_verifier', 'operator', 'responder'] as const) {
      expect((await died(p.nik, { date: today, source: 'RT' }, token[role])).status, role).toBe(403);
    }
    expect((await call('GET', `/coverage/${p.nik}`, { as: token.clinic })).body.status).toBe('NONE');
  });
});

describe('POST /residents/{nik}/move', () => {
  const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
  const moved = (nik: string, body: Json, as = token.city_admin) =>
    call('POST', `/residents/${nik}/move`, { as, json: body });

  it('out of the city: MOVED_OUT at the clinic desk (nothing the city paid goes with them), in the RT list, no letter', async () => {
    const p = await register();
    await setCoverage(p.nik, 'PBI_APBD', 'ACTIVE', 'Warga miskin');
    const res = await moved(p.nik, { date: today, to: '31.71.01.1001', reference: 'SKPWNI-1571-2026-0007' });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual({
      nik: p.nik,
      status: 'MOVED_OUT',
      to: '31.71.01.1001',
      coverageClosed: true,
      overpaid: { months: [], rupiah: 0 },
    });
    expect((await call('GET', `/coverage/${p.nik}`, { as: token.clinic })).body).toMatchObject({
      covered: false,
      status: 'MOVED_OUT',
    });
    const letter = await chairLetter(p);
    expect(letter.status).toBe(409);
    expect(letter.body).toMatchObject({ status: 'MOVED_OUT', movedOutOn: today, to: '31.71.01.1001' });
    expect((await moved(p.nik, { date: today, to: '31.71' })).status).toBe(409);
    expect(
      (await admin('POST', `/residents/${p.nik}/death`, { json: { date: today, source: 'DUKCAPIL' } }))
        .status,
    ).toBe(409);
  });

  it('names the field of a bad move, 404 for an unknown NIK, 403 for other roles', async () => {
    const p = await register();
    for (const [body, path] of [
      [{ date: '2099-01-01', to: '31.71' }, 'date'],
      [{ date: today, to: 'Jakarta' }, 'to'],
      [{ date: today, to: '15.71.01' }, 'to'],
      [{ date: today, to: RT_A.rt }, 'to'],
      [{ date: today }, 'to'],
    ] as const) {
      expect(issuePaths(await moved(p.nik, body)), JSON.stringify(body)).toEqual([path]);
    }
    expect((await moved(person().nik, { date: today, to: '31.71' })).status).toBe(404);
    for (const role of ['clinic', 'rt_chair', 'social_verifier', 'operator'] as const) {
      expect((await moved(p.nik, { date: today, to: '31.71' }, token[role])).status, role).toBe(403);
    }
    // To another RT of the city: the resident is now there.
    const there = await moved(p.nik, { date: today, to: RT_B.rt });
    expect(there.status, there.text).toBe(200);
    expect(there.body).toMatchObject({ status: 'RESIDENT', rt: RT_B.rt });
    expect((await admin('GET', `/residents/${p.nik}`)).body.rt).toBe(RT_B.rt);
  });
});

describe('births', () => {
  const day = (offset: number) =>
    new Date(Date.now() + 7 * 3600_000 + offset * 86_400_000).toISOString().slice(0, 10);

  it('records a newborn by the mother (201), PBI APBD from birth, readable by id, a resident once the NIK comes', async () => {
    const mother = await register();
    await setCoverage(mother.nik, 'PBI_APBD', 'ACTIVE', 'Warga miskin');
    const body = { motherNik: mother.nik, name: 'Bayi Siti', birthDate: day(-3), sex: 'F' };
    const res = await call('POST', '/births', { as: token.clinic, json: body });
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      nik: null,
      motherNik: mother.nik,
      order: 1,
      rt: RT_A.rt,
      coverage: { covered: true, scheme: 'PBI_APBD', status: 'ACTIVE' },
    });
    expect((await call('GET', `/births/${res.body.id}`, { as: token.clinic })).body).toEqual(res.body);
    expect((await call('POST', '/births', { as: token.clinic, json: body })).status).toBe(409);
    const nik = makeNik({ regionCode: RT_A.kelurahan, birthDate: day(-3), sex: 'F', sequence: nextSeq++ });
    const put = await call('PUT', `/births/${res.body.id}/nik`, { as: token.clinic, json: { nik } });
    expect(put.status, put.text).toBe(200);
    expect(put.body).toMatchObject({ id: res.body.id, nik });
    expect((await call('GET', `/coverage/${nik}`, { as: token.clinic })).body).toMatchObject({
      covered: true,
      scheme: 'PBI_APBD',
      source: 'BIRTH',
    });
    expect(
      (await call('PUT', `/births/${res.body.id}/nik`, { as: token.clinic, json: { nik } })).status,
    ).toBe(409);
  });

  it('names the field of a bad birth; 404 for an unknown mother or birth; 403 for other roles', async () => {
    const mother = await register();
    const post = (over: Json, as = token.clinic) =>
      call('POST', '/births', {
        as,
        json: { motherNik: mother.nik, name: 'Bayi Siti', birthDate: day(-1), sex: 'F', ...over },
      });
    for (const [over, path] of [
      [{ birthDate: day(2) }, 'birthDate'],
      [{ birthDate: day(-400) }, 'birthDate'],
      [{ sex: 'X' }, 'sex'],
      // A number where the name belongs (a NIK in the wrong field) is not a name.
      [{ name: '1571010101010001' }, 'name'],
      [{ multipleBirth: 0 }, 'multipleBirth'],
      [{ motherNik: '123' }, 'motherNik'],
      [{ nik: mother.nik }, 'nik'],
    ] as const) {
      expect(issuePaths(await post(over)), JSON.stringify(over)).toEqual([path]);
    }
    expect((await post({ motherNik: person().nik })).status).toBe(404);
    expect((await call('GET', `/births/${crypto.randomUUID()}`, { as: token.clinic })).status).toBe(404);
    expect(issuePaths(await call('GET', '/births/abc', { as: token.clinic }))).toEqual(['id']);
    for (const role of ['rt_chair', 'social_verifier', 'operator'] as const) {
      expect((await post({}, token[role])).status, role).toBe(403);
    }
  });
});

describe('POST /civil-events/import', () => {
  it("applies Dukcapil's lines (200 with what it did and each rejected line), only for city_admin", async () => {
    const p = await register();
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const file = `event,nik,date,motherNik,name,sex,to,reference\nDEATH,${p.nik},${today},,,,,AKTA-9\nDEATH,${p.nik.slice(0, 15)},${today},,,,,\n`;
    const send = (as = token.city_admin) => call('POST', '/civil-events/import', { as, text: file });
    const res = await send();
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      rows: 2,
      applied: { DEATH: 1 },
      unchanged: 0,
      rejected: [{ line: 3, field: 'nik' }],
    });
    expect((await call('GET', `/coverage/${p.nik}`, { as: token.clinic })).body.status).toBe('DECEASED');
    expect((await send()).body).toMatchObject({ applied: { DEATH: 0 }, unchanged: 1 });
    expect(
      issuePaths(await call('POST', '/civil-events/import', { as: token.city_admin, text: ' ' })),
    ).toEqual(['body']);
    for (const role of ['clinic', 'rt_chair', 'social_verifier'] as const) {
      expect((await send(token[role])).status, role).toBe(403);
    }
    // More lines than one request takes: 413 with the limit, nothing applied.
    const long = `event,nik,date\n${Array.from({ length: 10_001 }, () => `DEATH,${p.nik},${today}`).join('\n')}\n`;
    const tooMany = await call('POST', '/civil-events/import', { as: token.city_admin, text: long });
    expect(tooMany.status).toBe(413);
    expect(tooMany.body).toMatchObject({ rows: 10_001, maxRows: 10_000 });
  });
});

describe("BPJS's invoice, name by name", () => {
  const month = wibMonth();
  const list = (niks: string[]) =>
    `no,nik,nama\n${niks.map((n, i) => `${i + 1},${n},Nama ${i}`).join('\n')}\n`;

  it('checks the list, keeps the outcome, lists it, shows it and prints it as CSV, only for city_admin', async () => {
    const paid = await register();
    await setCoverage(paid.nik, 'PBI_APBD', 'ACTIVE');
    const mandiri = await register();
    await setCoverage(mandiri.nik, 'PBPU', 'ACTIVE');
    const stranger = person().nik;
    const file = list([paid.nik, mandiri.nik, stranger, paid.nik]);
    const send = (as = token.city_admin) =>
      call('POST', `/premiums/${month}/reconciliation`, { as, text: file });
    const res = await send();
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      month,
      billed: 4,
      matched: 1,
      extraCount: 3,
      overbilledRupiah: 3 * PREMIUM,
    });
    expect(res.body.extra).toEqual([
      { nik: mandiri.nik, reason: 'NOT_CITY_PAID', since: expect.any(String), line: 3 },
      { nik: stranger, reason: 'NOT_REGISTERED', line: 4 },
      { nik: paid.nik, reason: 'DUPLICATE', line: 5 },
    ]);
    // Every city-paid resident of the seeded city that BPJS did not list.
    expect(res.body.missing).not.toContain(paid.nik);
    expect(res.body.missing.length).toBeGreaterThan(10);
    expect(res.body.matched + res.body.missing.length + res.body.newbornsWithoutNik).toBe(res.body.cityPaid);
    // The same count as the month's bill, newborns still without a NIK included.
    expect(res.body.cityPaid).toBe((await premiums(month)).residents);
    expect(res.text).not.toContain('Nama');

    const listed = await admin('GET', `/premiums/${month}/reconciliation`);
    expect(listed.status).toBe(200);
    expect(listed.body.reconciliations.map((r: Json) => r.id)).toContain(res.body.id);
    const shown = await admin('GET', `/premiums/${month}/reconciliation/${res.body.id}`);
    expect(shown.status).toBe(200);
    expect(shown.body.extra).toEqual(res.body.extra);
    expect(shown.body.letterUrl).toBe(`/premiums/${month}/reconciliation/${res.body.id}/letter.csv`);
    const letter = await admin('GET', shown.body.letterUrl);
    expect(letter.status).toBe(200);
    expect(letter.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(letter.headers.get('content-disposition')).toContain(`rekonsiliasi-pbi-apbd-${month}`);
    expect(letter.text).toContain(`${stranger},NOT_REGISTERED,,4,${PREMIUM}`);

    for (const role of ['clinic', 'rt_chair', 'social_verifier', 'operator'] as const) {
      expect((await send(token[role])).status, role).toBe(403);
      expect((await call('GET', `/premiums/${month}/reconciliation`, { as: token[role] })).status, role).toBe(
        403,
      );
    }
  });

  it('answers 400 naming the field, 404 for what is not there, 413 beyond a direct list', async () => {
    const post = (m: string, text: string) => admin('POST', `/premiums/${m}/reconciliation`, { text });
    expect(issuePaths(await post('2026-13', 'nik\n1\n'))).toEqual(['month']);
    expect(issuePaths(await post(wibMonth(1), list([person().nik])))).toEqual(['month']);
    expect(issuePaths(await post(month, 'no_peserta\n0001\n'))).toEqual(['header']);
    expect(issuePaths(await post(month, ' '))).toEqual(['body']);
    expect(issuePaths(await admin('GET', `/premiums/${month}/reconciliation/not-an-id`))).toEqual(['id']);
    expect((await admin('GET', `/premiums/${month}/reconciliation/0123456789abcdef0123`)).status).toBe(404);
    expect(
      (await admin('GET', `/premiums/${month}/reconciliation/0123456789abcdef0123/letter.csv`)).status,
    ).toBe(404);
    // Any 16 digits: a list's NIKs are read as BPJS sends them.
    const long = `nik\n${Array.from({ length: 20_001 }, (_, i) => String(3_171_000_000_000_000 + i)).join('\n')}\n`;
    const tooMany = await post(month, long);
    expect(tooMany.status).toBe(413);
    expect(tooMany.body).toMatchObject({ rows: 20_001, maxRows: 20_000 });
    expect(tooMany.body.message).toMatch(/uploads/);
  });

  it('checks a large list uploaded as a job; the job is known under its own month only', async () => {
    const created = await admin('POST', `/premiums/${month}/reconciliation/uploads`);
    expect(created.status, created.text).toBe(201);
    const { jobId, upload, statusUrl } = created.body;
    expect(statusUrl).toBe(`/premiums/${month}/reconciliation/jobs/${jobId}`);
    expect((await admin('GET', statusUrl)).body.status).toBe('AWAITING_UPLOAD');
    const niks = SEEDED.slice(0, 300).map((r) => r.nik);
    const put = await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: list(niks) });
    expect(put.status).toBe(200);
    await sys.bus.drain();
    const job = await admin('GET', statusUrl);
    expect(job.body).toMatchObject({ jobId, status: 'DONE', month, result: { billed: 300 } });
    const kept = await admin('GET', job.body.result.reconciliationUrl);
    expect(kept.status).toBe(200);
    expect(kept.body.matched + kept.body.extraCount).toBe(300);
    expect((await admin('GET', `/premiums/${wibMonth(-1)}/reconciliation/jobs/${jobId}`)).status).toBe(404);
    // Not a residents' import, nor a civil events job.
    expect((await admin('GET', `/residents/import/${jobId}`)).status).toBe(404);
    expect((await admin('GET', `/civil-events/import/${jobId}`)).status).toBe(404);
    expect(issuePaths(await admin('POST', `/premiums/${wibMonth(1)}/reconciliation/uploads`))).toEqual([
      'month',
    ]);
    expect(
      (await call('POST', `/premiums/${month}/reconciliation/uploads`, { as: token.clinic })).status,
    ).toBe(403);
  });
});

describe('civil events through an upload', () => {
  it("runs Dukcapil's uploaded file as a job, once; its status route knows only its own jobs", async () => {
    const p = await register();
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const file = `event,nik,date,motherNik,name,sex,to,reference\nMOVE_OUT,${p.nik},${today},,,,31.71,SKPWNI-1\nDEATH,123,${today},,,,,\n`;
    const created = await admin('POST', '/civil-events/import/uploads');
    expect(created.status, created.text).toBe(201);
    const { jobId, upload, statusUrl } = created.body;
    expect(statusUrl).toBe(`/civil-events/import/${jobId}`);
    expect((await admin('GET', statusUrl)).body.status).toBe('AWAITING_UPLOAD');
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: file })).status).toBe(
      200,
    );
    await sys.bus.drain();
    const job = await admin('GET', statusUrl);
    expect(job.body).toMatchObject({
      jobId,
      status: 'DONE',
      result: { rows: 2, applied: { MOVE_OUT: 1 }, rejectedRows: 1, rejected: [{ line: 3, field: 'nik' }] },
    });
    expect((await call('GET', `/coverage/${p.nik}`, { as: token.clinic })).body.status).toBe('MOVED_OUT');
    // The same upload again does not run the job a second time.
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: file })).status).toBe(
      200,
    );
    await sys.bus.drain();
    expect((await admin('GET', statusUrl)).body).toEqual(job.body);
    expect((await admin('GET', `/residents/import/${jobId}`)).status).toBe(404);
    expect((await admin('GET', '/civil-events/import/00000000-0000-4000-8000-000000000000')).status).toBe(
      404,
    );
    expect(issuePaths(await admin('GET', '/civil-events/import/not-a-job'))).toEqual(['jobId']);
    expect((await call('POST', '/civil-events/import/uploads', { as: token.clinic })).status).toBe(403);
  });

  it('records a direct run as a job too', async () => {
    const p = await register();
    const today = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
    const res = await admin('POST', '/civil-events/import', {
      text: `event,nik,date\nDEATH,${p.nik},${today}\n`,
    });
    expect(res.status, res.text).toBe(200);
    const job = await admin('GET', `/civil-events/import/${res.body.jobId}`);
    expect(job.body).toMatchObject({ status: 'DONE', result: { rows: 1, applied: { DEATH: 1 } } });
  });
});

describe('POST /residents/import', () => {
  const good = UNSEEDED.slice(0, 12);
  const bad = [
    // nik (province 00), unknown RT, bad sex, scheme without status, a phone that is not mobile,
    // and the first good row again.
    `0071011403850001,1571010203040506,Budi Santoso,1985-03-14,L,,${RT_A.rt},,,,`,
    `${makeNik({ regionCode: '15.71.01', birthDate: '1970-01-01', sex: 'M', sequence: 9101 })},1571010203040506,Budi Santoso,1970-01-01,M,,1571011012-099-099,,,,`,
    `${makeNik({ regionCode: '15.71.01', birthDate: '1970-01-01', sex: 'M', sequence: 9102 })},1571010203040506,Budi Santoso,1970-01-01,X,,${RT_A.rt},,,,`,
    `${makeNik({ regionCode: '15.71.01', birthDate: '1970-01-01', sex: 'M', sequence: 9103 })},1571010203040506,Budi Santoso,1970-01-01,M,,${RT_A.rt},PBPU,,,`,
    `${makeNik({ regionCode: '15.71.01', birthDate: '1970-01-01', sex: 'M', sequence: 9104 })},1571010203040506,Budi Santoso,1970-01-01,M,021-555-1234,${RT_A.rt},,,,`,
  ];
  const csv = (rows = good) => `${toCsv(rows)}${bad.join('\n')}\n${toCsv(rows.slice(0, 1)).split('\n')[1]}\n`;

  it('imports a file, names each rejected line and field, and moves UHC by what it added', async () => {
    expect(good.length).toBe(12);
    const before = await uhc();
    const res = await admin('POST', '/residents/import', { text: csv() });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ rows: 18, imported: 12, updated: 0, unchanged: 0, rejectedRows: 6 });
    expect(res.body.jobId).toMatch(/^[0-9a-f-]{36}$/);
    const byLine = res.body.rejected.map((r: Json) => `${r.line}:${r.field}`);
    expect(byLine).toEqual(['14:nik', '15:rt', '16:sex', '17:status', '18:phone', '19:nik']);
    expect(res.body.rejected[5].reason).toMatch(/line 2\b/);
    for (const r of res.body.rejected) expect(r.reason.length).toBeGreaterThan(0);

    const after = await uhc();
    expect(after.residents).toBe(before.residents + 12);
    expect(after.covered).toBe(before.covered + good.filter((g) => g.scheme).length);
    expect(after.active).toBe(before.active + good.filter((g) => g.status === 'ACTIVE').length);

    const first = good[0]!;
    const got = await admin('GET', `/residents/${first.nik}`);
    expect(got.body).toMatchObject({ nik: first.nik, name: first.name, rt: first.rt });
    if (first.scheme) expect(got.body.current).toMatchObject({ scheme: first.scheme, source: 'IMPORT' });
  });

  it('changes nothing when the same file comes again, and updates exactly the row that changed', async () => {
    const before = await uhc();
    const again = await admin('POST', '/residents/import', { text: csv() });
    expect(again.body).toMatchObject({ rows: 18, imported: 0, updated: 0, unchanged: 12, rejectedRows: 6 });
    expect(await uhc()).toEqual(before);

    const renamed = csv(good.map((g, i) => (i === 3 ? { ...g, name: 'Nama Baru Sekali' } : g)));
    const third = await admin('POST', '/residents/import', { text: renamed });
    expect(third.body).toMatchObject({ imported: 0, updated: 1, unchanged: 11 });
    expect((await admin('GET', `/residents/${good[3]!.nik}`)).body.name).toBe('Nama Baru Sekali');
    expect((await uhc()).residents).toBe(before.residents);
  });

  it('refuses a file without the required header or with no body, naming what is wrong', async () => {
    expect(
      issuePaths(await admin('POST', '/residents/import', { text: 'nik,name\n1571015506900002,Ani\n' })),
    ).toEqual(['header']);
    expect(issuePaths(await admin('POST', '/residents/import', { text: '' }))).toEqual(['body']);
    expect(issuePaths(await admin('POST', '/residents/import', { text: 'nik,"kk\n' }))).toEqual(['file']);
  });

  it('sends a file over the direct-import row limit to the upload flow with 413, importing nothing', async () => {
    const before = await uhc();
    const rows = Array.from({ length: 10_001 }, (_, i) => {
      const nik = makeNik({
        regionCode: '15.71.01',
        birthDate: '1960-01-01',
        sex: 'M',
        sequence: 1 + (i % 9000),
      });
      return `${nik},1571010203040506,Warga ${i},1960-01-01,M,,${RT_A.rt},,`;
    });
    const res = await admin('POST', '/residents/import', {
      text: `nik,kk,name,birthDate,sex,phone,rt,scheme,status\n${rows.join('\n')}\n`,
    });
    expect(res.status).toBe(413);
    expect(res.body).toMatchObject({ rows: 10_001, maxRows: 10_000 });
    expect(res.body.message).toMatch(/uploads/);
    expect(await uhc()).toEqual(before);
  });

  it('keeps a closed period as it was when an import changes coverage (only validTo is set)', async () => {
    const p = await register({
      kk: '1571010000000077',
      name: 'Rina Wati',
      birthDate: '1985-03-14',
      sex: 'F',
    });
    await setCoverage(p.nik, 'PBPU', 'ACTIVE', 'Daftar mandiri');
    const before = (await admin('GET', `/residents/${p.nik}`)).body.history;
    const row = [p.nik, p.kk, p.name, p.birthDate, p.sex, '', p.rt, 'PBPU', 'INACTIVE'].join(',');
    const res = await admin('POST', '/residents/import', {
      text: `nik,kk,name,birthDate,sex,phone,rt,scheme,status\n${row}\n`,
    });
    expect(res.body).toMatchObject({ imported: 0, updated: 1 });
    const after = (await admin('GET', `/residents/${p.nik}`)).body.history;
    expect(after).toHaveLength(2);
    expect(after[0]).toMatchObject({ scheme: 'PBPU', status: 'INACTIVE', source: 'IMPORT' });
    expect(after[1]).toEqual({ ...before[0], validTo: after[0].validFrom });
  });
});

describe('large-file import through an upload', () => {
  const rows = [0, 1, 2].map((i) => {
    const birthDate = `1977-0${i + 1}-2${i}`;
    const nik = makeNik({ regionCode: RT_B.kelurahan, birthDate, sex: 'M', sequence: 9600 + i });
    return [
      nik,
      '1571020000001234',
      `Joko Susilo ${i}`,
      birthDate,
      'L',
      '081299990000',
      RT_B.rt,
      'PBI_APBD',
      'ACTIVE',
    ];
  });
  const file = `nik,kk,name,birthDate,sex,phone,rt,scheme,status\n${rows.map((r) => r.join(',')).join('\n')}\n1571011403850000,1571010203040506,Salah,1985-03-14,L,,${RT_A.rt},,\n`;

  it('runs the job after the CSV is PUT to the presigned URL; a tampered URL is refused', async () => {
    const created = await admin('POST', '/residents/import/uploads');
    expect(created.status, created.text).toBe(201);
    const { jobId, upload, statusUrl } = created.body;
    expect(jobId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(upload).toMatchObject({ method: 'PUT', headers: { 'content-type': 'text/csv' } });
    expect(statusUrl).toBe(`/residents/import/${jobId}`);
    expect((await admin('GET', statusUrl)).body.status).toBe('AWAITING_UPLOAD');

    const url = new URL(upload.url);
    const sig = url.searchParams.get('signature')!;
    const tampered = [
      (() => {
        const u = new URL(url);
        u.searchParams.set('signature', `${sig.slice(0, -1)}${sig.endsWith('0') ? '1' : '0'}`);
        return u;
      })(),
      (() => {
        const u = new URL(url);
        u.searchParams.set('expires', String(Number(u.searchParams.get('expires')) + 3600));
        return u;
      })(),
      (() => {
        const u = new URL(url);
        u.pathname = u.pathname.replace(jobId, '00000000-0000-4000-8000-000000000000');
        return u;
      })(),
      (() => {
        const u = new URL(url);
        u.searchParams.delete('signature');
        return u;
      })(),
    ];
    for (const u of tampered) {
      const res = await fetch(u, { method: 'PUT', headers: upload.headers, body: file });
      expect(res.status, u.toString()).toBe(403);
    }
    await sys.bus.drain();
    expect((await admin('GET', statusUrl)).body.status).toBe('AWAITING_UPLOAD');

    const uhcBefore = await uhc();
    const premiumBefore = await premiums(wibMonth());
    const put = await fetch(upload.url, { method: upload.method, headers: upload.headers, body: file });
    expect(put.status).toBe(200);
    await sys.bus.drain();
    const job = await admin('GET', statusUrl);
    expect(job.status).toBe(200);
    expect(job.body).toMatchObject({
      jobId,
      status: 'DONE',
      result: { rows: 4, imported: 3, updated: 0, unchanged: 0, rejectedRows: 1 },
    });
    expect(job.body.result.rejected).toEqual([{ line: 5, field: 'nik', reason: expect.any(String) }]);
    expect((await uhc()).residents).toBe(uhcBefore.residents + 3);
    // Three new city-paid residents are on this month's bill.
    expect((await premiums(wibMonth())).residents).toBe(premiumBefore.residents + 3);
    const cov = await call('GET', `/coverage/${rows[1]![0]}`, { as: token.clinic });
    expect(cov.body).toMatchObject({ covered: true, scheme: 'PBI_APBD', source: 'IMPORT' });

    // The same upload again does not run the job a second time.
    expect((await fetch(upload.url, { method: 'PUT', headers: upload.headers, body: file })).status).toBe(
      200,
    );
    await sys.bus.drain();
    expect((await admin('GET', statusUrl)).body).toEqual(job.body);
    expect((await uhc()).residents).toBe(uhcBefore.residents + 3);
  });

  it('marks the job FAILED, saying why, when the uploaded file has no usable header', async () => {
    const created = (await admin('POST', '/residents/import/uploads')).body;
    const put = await fetch(created.upload.url, { method: 'PUT', body: 'nik;nama\n1571015506900002;Ani\n' });
    expect(put.status).toBe(200);
    await sys.bus.drain();
    const job = (await admin('GET', created.statusUrl)).body;
    expect(job).toMatchObject({ jobId: created.jobId, status: 'FAILED' });
    expect(job.error).toMatch(/header/);
    expect(job.result).toBeUndefined();
  });

  it('answers 404 for an unknown job and 400 naming jobId for a malformed one', async () => {
    expect((await admin('GET', '/residents/import/00000000-0000-4000-8000-000000000000')).status).toBe(404);
    expect(issuePaths(await admin('GET', '/residents/import/not-a-job'))).toEqual(['jobId']);
  });
});

describe('no 500 from anything a client can send', () => {
  const bodies: [string, string | Uint8Array, string | undefined][] = [
    ['invalid JSON', '{"nik": "1571', 'application/json'],
    ['trailing garbage', '{}}}', 'application/json'],
    ['array', '[1,2,3]', 'application/json'],
    ['null', 'null', 'application/json'],
    ['number', '42', 'application/json'],
    ['string', '"residents"', 'application/json'],
    ['empty object', '{}', 'application/json'],
    [
      'nulls',
      '{"nik":null,"kk":null,"name":null,"scheme":null,"status":null,"reason":null,"role":null}',
      'application/json',
    ],
    [
      'wrong types',
      '{"nik":1571015506900002,"kk":[1],"name":{"a":1},"birthDate":19900101,"sex":true,"rt":12,"scheme":1,"status":[],"reason":5,"role":7,"phone":6281234567890}',
      'application/json',
    ],
    ['prototype keys', '{"__proto__":{"isAdmin":true},"constructor":{"prototype":{}}}', 'application/json'],
    [
      'huge strings',
      JSON.stringify({
        nik: '1'.repeat(200_000),
        name: 'A'.repeat(200_000),
        reason: 'r'.repeat(200_000),
        role: 'x'.repeat(1e5),
      }),
      'application/json',
    ],
    [
      'unicode',
      JSON.stringify({
        nik: '١٥٧١٠١٥٥٠٦٩٠٠٠٠٢',
        kk: '１５７１０１０２０３０４０５０６',
        name: '\u202Eآمنة 👩‍⚕️\u0000\ud800',
        birthDate: '１９９０-０１-０１',
        sex: 'Ｍ',
        rt: '1571011012‐003‐012',
        phone: '０８１２３４５６７８９０',
        reason: '🤷',
        scheme: 'ＰＢＰＵ',
        status: 'ACTIVE\u0000',
        role: 'city_admin\u0000',
      }),
      'application/json',
    ],
    ['deep nesting', `${'['.repeat(5000)}${']'.repeat(5000)}`, 'application/json'],
    ['binary', new Uint8Array([0xff, 0xfe, 0x00, 0x01, 0x80, 0x81, 0xc0]), 'application/octet-stream'],
    ['no content type', new Uint8Array(Buffer.from('{"role":"clinic"}')), undefined],
    ['form body', 'nik=1&name=2', 'application/x-www-form-urlencoded'],
    ['CSV junk', 'nik,kk,"unterminated\n\u0000\u0001,,,\r\n"""', 'text/csv'],
    ['CSV header only', 'nik,kk,name,birthDate,sex,phone,rt,scheme,status\n', 'text/csv'],
    [
      'CSV wide and short rows',
      `nik,kk,name,birthDate,sex,phone,rt,scheme,status${',x'.repeat(3000)}\n1\n,,,,,,,,,,,,,,,,,,,,\n`,
      'text/csv',
    ],
  ];
  const nik = makeNik({ regionCode: '15.71.01', birthDate: '1999-09-09', sex: 'F', sequence: 9900 });
  const bodyRoutes: [string, string][] = [
    ['POST', '/auth/dev-token'],
    ['POST', '/residents'],
    ['PUT', `/residents/${nik}/coverage`],
    ['POST', '/residents/import'],
    ['POST', '/residents/import/uploads'],
  ];

  it('answers every malformed body on every route below 500', async () => {
    await register({ nik, birthDate: '1999-09-09', sex: 'F' });
    const failures: string[] = [];
    for (const [method, path] of bodyRoutes) {
      for (const [what, body, type] of bodies) {
        const res = await call(method, path, { as: token.city_admin, body, ...(type ? { type } : {}) });
        if (res.status >= 500)
          failures.push(`${method} ${path} ${what} → ${res.status} ${res.text.slice(0, 120)}`);
      }
    }
    expect(failures).toEqual([]);
    // None of it changed the resident's coverage.
    expect((await admin('GET', `/residents/${nik}`)).body.history).toEqual([]);
  });

  const params = [
    'x'.repeat(5000),
    '9'.repeat(2000),
    '12345',
    'abc',
    '1571015506900002abc',
    '%00',
    '%20',
    '%2F%2F',
    '%F0%9F%98%80',
    '%D9%A1%D9%A5',
    "'%20OR%201=1--",
    '%3Cscript%3E',
    '%25%25',
    '2026-11%00',
    '-1',
  ];
  const paramRoutes: [string, (p: string) => string][] = [
    ['GET', (p) => `/residents/${p}`],
    ['PUT', (p) => `/residents/${p}/coverage`],
    ['GET', (p) => `/coverage/${p}`],
    ['GET', (p) => `/residents/import/${p}`],
    ['GET', (p) => `/premiums/${p}`],
    ['GET', (p) => `/uhc?area=${p}`],
  ];

  it('answers every malformed path parameter on every route with a 4xx', async () => {
    const failures: string[] = [];
    for (const [method, path] of paramRoutes) {
      for (const p of params) {
        for (const as of [token.city_admin, token.chairA]) {
          const res = await call(method, path(p), {
            as,
            json: { scheme: 'PBPU', status: 'ACTIVE', reason: 'fuzz' },
          });
          if (res.status < 400 || res.status >= 500)
            failures.push(`${method} ${path(p).slice(0, 60)} → ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  it('answers a path with broken percent-encoding with a 4xx, not 500', async () => {
    const failures: string[] = [];
    const routes: [string, (p: string) => string][] = [
      ...paramRoutes.slice(0, 5),
      ['PUT', (p) => `/dev/uploads/imports/${p}.csv?expires=9999999999&signature=00`],
    ];
    for (const [method, path] of routes) {
      for (const p of ['%E0%A4%A', '%ZZ', '%']) {
        for (const as of [token.city_admin, null]) {
          const res = await call(method, path(p), {
            as,
            json: { scheme: 'PBPU', status: 'ACTIVE', reason: 'x' },
          });
          if (res.status >= 500) failures.push(`${method} ${path(p)} → ${res.status}`);
        }
      }
    }
    expect(failures).toEqual([]);
  });

  // Sent on a connection of its own: after a 413 the local server leaves the connection unusable (see below),
  // which would break whichever later fetch drew that connection from the shared pool.
  const big = 'x'.repeat(11 * 1024 * 1024);

  it('answers a body over the 10 MB limit with 413', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      expect((await rawSend(agent, 'POST', '/residents/import', big)).status).toBe(413);
    } finally {
      agent.destroy();
    }
  });

  it('keeps a keep-alive connection usable (or closes it) after refusing an oversized body', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    try {
      const refused = await rawSend(agent, 'POST', '/residents/import', big);
      expect(refused.status).toBe(413);
      // The next request on the same connection must be answered, not left hanging until a reset.
      expect((await rawSend(agent, 'GET', '/dev/outbox')).status).toBe(200);
    } finally {
      agent.destroy();
    }
  });
});

describe('concurrent use', () => {
  it('answers identical coverage PUTs sent at once (a retry) with one change, one period and one SMS', async () => {
    const ph = phone();
    const p = await register({ phone: ph.local });
    await sys.bus.drain();
    const sent = (await outbox()).length;
    const puts = await Promise.all(
      [1, 2, 3].map(() => setCoverage(p.nik, 'PBI_APBD', 'ACTIVE', 'Dikirim ulang')),
    );
    expect(puts.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(puts.filter((r) => r.body.changed).length).toBe(1);
    expect((await admin('GET', `/residents/${p.nik}`)).body.history).toHaveLength(1);
    await sys.bus.drain();
    expect((await outbox()).length).toBe(sent + 1);
  });

  it('registers a NIK sent three times at once exactly once', async () => {
    const before = await uhc();
    const p = person();
    const posts = await Promise.all([1, 2, 3].map(() => admin('POST', '/residents', { json: p })));
    expect(posts.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect((await uhc()).residents).toBe(before.residents + 1);
  });

  it('keeps the timeline in order when several coverage changes arrive at once', async () => {
    const problems: string[] = [];
    for (let round = 0; round < 5; round++) {
      const p = await register();
      const targets = [
        ['PBI_APBD', 'ACTIVE'],
        ['PBPU', 'INACTIVE'],
        ['PPU', 'ACTIVE'],
        ['BP', 'ACTIVE'],
      ] as const;
      const puts = await Promise.all(targets.map(([scheme, status]) => setCoverage(p.nik, scheme, status)));
      expect(puts.map((r) => r.status)).toEqual([200, 200, 200, 200]);
      const got = (await admin('GET', `/residents/${p.nik}`)).body;
      const h = got.history;
      expect(h).toHaveLength(4);
      // Newest first: the open period is the current coverage, and each period ends where the next begins.
      if (h[0].validTo !== undefined || h[0].validFrom !== got.current.since)
        problems.push(`${round}: newest not open`);
      for (let i = 1; i < h.length; i++) {
        if (h[i].validTo !== h[i - 1].validFrom)
          problems.push(`${round}: period ${i} ends off its successor`);
        if (!(h[i].validFrom <= h[i].validTo)) problems.push(`${round}: period ${i} ends before it starts`);
      }
    }
    expect(problems).toEqual([]);
  });

  it('counts a new file sent twice at once (a retried import) once in UHC and the premium bill', async () => {
    const rows = Array.from({ length: 20 }, (_, i) => {
      const birthDate = `1991-0${1 + (i % 9)}-1${i % 10}`;
      const nik = makeNik({ regionCode: RT_A.kelurahan, birthDate, sex: 'F', sequence: 9700 + i });
      return [
        nik,
        '1571010000004444',
        `Putri Kembar ${i}`,
        birthDate,
        'P',
        '',
        RT_A.rt,
        'PBI_APBD',
        'ACTIVE',
      ].join(',');
    });
    const file = `nik,kk,name,birthDate,sex,phone,rt,scheme,status\n${rows.join('\n')}\n`;
    const before = await uhc();
    const billBefore = await premiums(wibMonth());
    const runs = await Promise.all([1, 2, 3].map(() => admin('POST', '/residents/import', { text: file })));
    expect(runs.map((r) => r.status)).toEqual([200, 200, 200]);
    const after = await uhc();
    expect(after.residents - before.residents).toBe(20);
    expect(after.active - before.active).toBe(20);
    expect((await premiums(wibMonth())).residents - billBefore.residents).toBe(20);
    expect(runs.reduce((t, r) => t + r.body.imported, 0)).toBe(20);
  });
});
