// End to end over HTTP: BPJS Ketenagakerjaan for RT activity workers through the local system — enrol, the cover and
// its history, end, who may call, the 400s naming their fields, and the premiums of both schemes.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { todayWib } from '../../shared/platform/wib.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { httpClient, issuePaths } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

let sys: LocalSystem;
const call = httpClient(() => sys.url);
const token: Record<string, string> = {};
const [RT_A] = demoRts(1);

async function devToken(req: Record<string, string>): Promise<string> {
  const res = await call('POST', '/auth/dev-token', { json: req });
  expect(res.status, res.text).toBe(200);
  return res.body.token;
}

let seq = 1;
async function resident(): Promise<string> {
  const kel = RT_A!.rt.slice(0, 6);
  const nik = makeNik({ regionCode: kel, birthDate: '1980-01-20', sex: 'M', sequence: seq++ });
  const res = await call('POST', '/residents', {
    as: token.admin,
    json: {
      nik,
      kk: `${kel}0102030${String(seq).padStart(3, '0')}`,
      name: 'Rahmat',
      birthDate: '1980-01-20',
      sex: 'M',
      rt: RT_A!.rt,
    },
  });
  expect(res.status, res.text).toBe(201);
  return nik;
}

const today = todayWib();
const month = today.slice(0, 7);
const cover = (nik: string) => `/residents/${nik}/employment-cover`;

beforeAll(async () => {
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: false, timers: 'manual' });
  token.admin = await devToken({ role: 'city_admin' });
  const rt = await call('POST', '/rts', {
    as: token.admin,
    json: { rt: RT_A!.rt, chairName: RT_A!.chairName, households: RT_A!.households },
  });
  expect(rt.status, rt.text).toBe(201);
  token.chair = await devToken({ role: 'rt_chair', rt: RT_A!.rt });
  token.clinic = await devToken({ role: 'clinic', sub: 'rs-desk' });
});

afterAll(async () => {
  await sys?.stop();
});

describe('employment cover over HTTP', () => {
  it('enrols, shows, refuses twice, ends; the bill of the month counts the worker', async () => {
    const nik = await resident();
    const before = await call('GET', `/premiums/${month}?scheme=BPJSTK_BPU`, { as: token.admin });
    expect(before.status, before.text).toBe(200);

    const made = await call('POST', cover(nik), {
      as: token.admin,
      json: { from: today, reason: 'Petugas kebersihan RT' },
    });
    expect(made.status, made.text).toBe(201);
    expect(made.body).toMatchObject({
      nik,
      scheme: 'BPJSTK_BPU',
      status: 'ACTIVE',
      sources: ['RT_WORKER'],
      premiumPerMonth: 16_800,
    });
    expect(typeof made.body.since).toBe('string');

    const again = await call('POST', cover(nik), { as: token.admin, json: { from: today, reason: 'Lagi' } });
    expect(again.status, again.text).toBe(409);
    expect(again.body.cover).toMatchObject({ status: 'ACTIVE', sources: ['RT_WORKER'] });

    const shown = await call('GET', cover(nik), { as: token.admin });
    expect(shown.status, shown.text).toBe(200);
    expect(shown.body).toMatchObject({ status: 'ACTIVE', sources: ['RT_WORKER'] });
    expect(shown.body.history).toHaveLength(1);

    const bill = await call('GET', `/premiums/${month}?scheme=BPJSTK_BPU`, { as: token.admin });
    expect(bill.body).toEqual({
      month,
      scheme: 'BPJSTK_BPU',
      residents: before.body.residents + 1,
      premiumPerPerson: 16_800,
      total: (before.body.residents + 1) * 16_800,
      currency: 'IDR',
      dueDate: `${month}-10`,
    });

    const ended = await call('POST', `${cover(nik)}/end`, {
      as: token.admin,
      json: { to: today, reason: 'Berhenti' },
    });
    expect(ended.status, ended.text).toBe(200);
    expect(ended.body).toMatchObject({ status: 'NONE', sources: [], premiumPerMonth: 0 });
    const closed = await call('GET', cover(nik), { as: token.admin });
    expect(closed.body.history[0].validTo).toEqual(expect.any(String));
    const twice = await call('POST', `${cover(nik)}/end`, {
      as: token.admin,
      json: { to: today, reason: 'Lagi' },
    });
    expect(twice.status, twice.text).toBe(409);
    // Ended this month: still billed for it.
    const still = await call('GET', `/premiums/${month}?scheme=BPJSTK_BPU`, { as: token.admin });
    expect(still.body.residents).toBe(before.body.residents + 1);
  });

  it('the JKN bill stays the default and unchanged', async () => {
    const jkn = await call('GET', `/premiums/${month}`, { as: token.admin });
    expect(jkn.status, jkn.text).toBe(200);
    expect(jkn.body).toEqual({
      month,
      scheme: 'PBI_APBD',
      residents: expect.any(Number),
      premiumPerPerson: 42_000,
      total: jkn.body.residents * 42_000,
      currency: 'IDR',
      dueDate: `${month}-10`,
    });
    const named = await call('GET', `/premiums/${month}?scheme=PBI_APBD`, { as: token.admin });
    expect(named.body).toEqual(jkn.body);
    const bad = await call('GET', `/premiums/${month}?scheme=JKN`, { as: token.admin });
    expect(bad.status, bad.text).toBe(400);
    expect(issuePaths(bad)).toEqual(['scheme']);
  });

  it('404 for an unknown NIK, 409 for a resident who died', async () => {
    const unknown = makeNik({
      regionCode: RT_A!.rt.slice(0, 6),
      birthDate: '1980-01-20',
      sex: 'M',
      sequence: 9100,
    });
    for (const [method, path, json] of [
      ['POST', cover(unknown), { from: today, reason: 'Petugas RT' }],
      ['POST', `${cover(unknown)}/end`, { to: today, reason: 'Berhenti' }],
      ['GET', cover(unknown), undefined],
    ] as const) {
      const res = await call(method, path, { as: token.admin, ...(json ? { json } : {}) });
      expect(res.status, `${method} ${path} ${res.text}`).toBe(404);
    }
    const nik = await resident();
    const notEnrolled = await call('POST', `${cover(nik)}/end`, {
      as: token.admin,
      json: { to: today, reason: 'Berhenti' },
    });
    expect(notEnrolled.status, notEnrolled.text).toBe(409);
    const died = await call('POST', `/residents/${nik}/death`, {
      as: token.admin,
      json: { date: today, source: 'DUKCAPIL' },
    });
    expect(died.status, died.text).toBe(200);
    const refused = await call('POST', cover(nik), {
      as: token.admin,
      json: { from: today, reason: 'Petugas RT' },
    });
    expect(refused.status, refused.text).toBe(409);
    expect(refused.body.status).toBe('DECEASED');
  });

  it('400s name the fields', async () => {
    const nik = await resident();
    const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    const cases: [string, unknown, string[]][] = [
      [cover(nik), {}, ['from', 'reason']],
      [cover(nik), { from: tomorrow, reason: 'Petugas RT' }, ['from']],
      [cover(nik), { from: '2024-02-30', reason: 'Petugas RT' }, ['from']],
      [cover(nik), { from: today, reason: 'x' }, ['reason']],
      [`${cover(nik)}/end`, { to: 'kemarin', reason: 'Berhenti' }, ['to']],
      [`${cover(nik)}/end`, { reason: 'Berhenti' }, ['to']],
      ['/residents/123/employment-cover', { from: today, reason: 'Petugas RT' }, ['nik']],
    ];
    for (const [path, json, fields] of cases) {
      const res = await call('POST', path, { as: token.admin, json });
      expect(res.status, `${path} ${JSON.stringify(json)} ${res.text}`).toBe(400);
      expect(issuePaths(res).sort()).toEqual(fields);
    }
    // Ending before the cover began names `to`.
    const made = await call('POST', cover(nik), {
      as: token.admin,
      json: { from: today, reason: 'Petugas RT' },
    });
    expect(made.status, made.text).toBe(201);
    const early = await call('POST', `${cover(nik)}/end`, {
      as: token.admin,
      json: { to: '2020-01-01', reason: 'Berhenti' },
    });
    expect(early.status, early.text).toBe(400);
    expect(issuePaths(early)).toEqual(['to']);
  });

  it('only a city_admin: 403 for clinic and rt_chair, 401 without a token', async () => {
    const nik = await resident();
    const routes = [
      ['POST', cover(nik), { from: today, reason: 'Petugas RT' }],
      ['POST', `${cover(nik)}/end`, { to: today, reason: 'Berhenti' }],
      ['GET', cover(nik), undefined],
      ['GET', `/premiums/${month}?scheme=BPJSTK_BPU`, undefined],
    ] as const;
    for (const [method, path, json] of routes) {
      for (const as of [token.clinic, token.chair]) {
        const res = await call(method, path, { as, ...(json ? { json } : {}) });
        expect(res.status, `${method} ${path} ${res.text}`).toBe(403);
      }
      const none = await call(method, path, json ? { json } : {});
      expect(none.status, `${method} ${path}`).toBe(401);
    }
  });
});
