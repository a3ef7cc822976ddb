// End to end over HTTP: the city's master data through the whole local system — its regions (idn-area-data), the RT
// directory (one by one, as a CSV, changed, closed and reopened), staff accounts and their local sign-in, and what
// follows from them: a chair's letter naming the real places, the fund tier by the directory's households, and a
// chair turned away at once when the city closes their RT or disables their account.
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { cityRegionsFromPackage } from '../../infra/regions.ts';
import { kelurahanName, kelurahanOfRt, placeOf } from '../../shared/city/regions.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import { tableName } from '../../shared/platform/tables.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { httpClient, issuePaths, type Json, type Res } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

// Every region name comes from the package; only codes are written here.
const REGIONS = cityRegionsFromPackage('15.71');
const CITY = REGIONS.city;
const KEC = REGIONS.kecamatan[0]!;
const KEL_DIR = KEC.kelurahan[1]!;
const KEL_IMPORT = KEC.kelurahan[2]!;
const KEL_ACCESS = KEC.kelurahan[3]!;
const OUTSIDE = cityRegionsFromPackage('21.72').kecamatan[0]!.kelurahan[0]!.code;

const pad = (n: number) => String(n).padStart(3, '0');
/** <kelurahan code without dots>-<RW>-<RT> */
const rtIn = (kelurahan: string, rw: number, rt: number) =>
  `${kelurahan.replaceAll('.', '')}-${pad(rw)}-${pad(rt)}`;
const YEAR = new Date(Date.now() + 7 * 3600_000).getUTCFullYear();

let sys: LocalSystem;
const call = httpClient(() => sys.url);
const token: Record<string, string> = {};

/** The body of a reply, after checking its status. */
function ok(res: Res, status = 200): Json {
  expect(res.status, res.text).toBe(status);
  return res.body;
}
const devToken = async (json: Record<string, string>): Promise<string> =>
  ok(await call('POST', '/auth/dev-token', { json })).token;
const claimsOf = (jwt: string): Json =>
  JSON.parse(Buffer.from(jwt.split('.')[1]!, 'base64url').toString('utf8'));
const admin = (method: string, path: string, json?: unknown) => call(method, path, { as: token.admin, json });
const registered = async (rt: string, households = 80, chairName = 'Ketua RT Uji') =>
  ok(await admin('POST', '/rts', { rt, chairName, households }), 201);
const staffMade = async (body: Record<string, unknown>) => ok(await admin('POST', '/staff', body), 201);
const issueLetter = (as: string, body: unknown) =>
  call('POST', '/attestations', { as, json: body, headers: { 'idempotency-key': randomUUID() } });

let nextSeq = 9300;
function person(kelurahan: string, over: Record<string, unknown> = {}) {
  const birthDate = '1979-03-14';
  const nik = makeNik({ regionCode: kelurahan, birthDate, sex: 'F', sequence: nextSeq++ });
  return { nik, name: 'Rahmawati Siregar', birthDate, sex: 'F', ...over };
}

async function auditOf(rt: string): Promise<Json[]> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName('audit'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `RT#${rt}` },
      ConsistentRead: true,
    }),
  );
  return (out.Items ?? []).sort((a, b) => String(a.sk).localeCompare(String(b.sk)));
}

/** Every item of a listing (its `key` field), following cursors page by page. */
async function walk(path: string, limit: number, key: string): Promise<string[]> {
  const found: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const next = cursor ? `&cursor=${encodeURIComponent(cursor)}` : '';
    const body = ok(await admin('GET', `${path}${path.includes('?') ? '&' : '?'}limit=${limit}${next}`));
    expect(body.items.length).toBeLessThanOrEqual(limit);
    found.push(...body.items.map((i: Json) => i[key]));
    cursor = body.cursor;
    if (!cursor) break;
  }
  return found;
}

beforeAll(async () => {
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: false });
  token.admin = await devToken({ role: 'city_admin' });
  token.verifier = await devToken({ role: 'social_verifier' });
  token.clinic = await devToken({ role: 'clinic' });
  token.operator = await devToken({ role: 'operator' });
  token.responder = await devToken({ role: 'responder', unit: 'AMB-01' });
});

afterAll(async () => {
  await sys?.stop();
});

describe('day one: from an empty system to a chair’s first letter', () => {
  const day: Json = {};

  it('the city imports its RTs, invites a chair, and the chair’s first letter activates coverage', async () => {
    const regions = ok(await call('GET', '/regions', { as: token.admin }));
    const kec = regions.kecamatan[0];
    const kel = kec.kelurahan[0];
    expect(placeOf(kel.code)).toEqual({ kelurahan: kel, kecamatan: { code: kec.code, name: kec.name } });
    const rts = [1, 2, 3].map((n) => rtIn(kel.code, 1, n));
    const csv = [
      'rt,chairName,chairPhone,households',
      `${rts[0]},Sri Handayani,0812-5550-2001,120`,
      `${rts[1]},Joko Susilo,,75`,
      `${rts[2]},Maria Ulfa,0812-5550-2003,40`,
    ].join('\n');
    expect(ok(await call('POST', '/rts/import', { as: token.admin, text: csv }))).toEqual({
      rows: 3,
      imported: 3,
      updated: 0,
      unchanged: 0,
      rejected: [],
      rejectedRows: 0,
    });

    const chair = {
      username: 'ketua.hari1',
      name: 'Sri Handayani',
      role: 'rt_chair',
      phone: '0812-5550-2001',
    };
    expect(await staffMade({ ...chair, rt: rts[0] })).toMatchObject({
      rt: rts[0],
      phone: '+6281255502001',
      status: 'ACTIVE',
      mfaRequired: false,
    });
    const chairToken = await devToken({ role: 'rt_chair', username: 'ketua.hari1' });

    const body = person(kel.code, { reason: 'Sakit, warga kurang mampu', phone: '0812-5550-2009' });
    const letter = ok(await issueLetter(chairToken, body), 201);
    expect(letter).toMatchObject({
      registered: true,
      resident: { nik: body.nik, rt: rts[0] },
      coverage: { status: 'ACTIVE', covered: true },
    });
    expect(ok(await call('GET', `/rts/${rts[0]}`, { as: chairToken })).residents).toBe(1);
    Object.assign(day, { kel, kec, chairToken, id: letter.id, verifyUrl: letter.verifyUrl });
  });

  it('the letter, its verify page and the UHC report name the places as the region data does', async () => {
    const letter = await call('GET', `/attestations/${day.id}/letter`, { as: day.chairToken });
    expect(letter.status, letter.text).toBe(200);
    expect(letter.text).toContain(`KELURAHAN ${day.kel.name.toUpperCase()}`);
    expect(letter.text).toContain(`KECAMATAN ${day.kec.name.toUpperCase()}`);
    expect(letter.text).toContain(`PEMERINTAH ${CITY.name.toUpperCase()}`);

    expect(day.verifyUrl.startsWith(`${sys.url}/verify/`)).toBe(true);
    const page = await call('GET', day.verifyUrl, { headers: { accept: 'text/html' } });
    expect(page.status, page.text).toBe(200);
    expect(page.text).toContain(`Kelurahan ${day.kel.name}, Kecamatan ${day.kec.name}, ${CITY.name}`);

    const uhc = ok(await call('GET', `/uhc?area=${day.kec.code}`, { as: token.admin }));
    expect(uhc).toMatchObject({ area: day.kec.code, name: day.kec.name, residents: 1 });
    const pkg = REGIONS.kecamatan.find((k) => k.code === day.kec.code)!;
    expect(uhc.kelurahan.map((k: Json) => ({ code: k.code, name: k.name }))).toEqual(pkg.kelurahan);
    const counted = uhc.kelurahan.find((k: Json) => k.code === day.kel.code);
    expect(counted).toMatchObject({ residents: 1, active: 1 });
    expect(issuePaths(await call('GET', '/uhc?area=21.72', { as: token.admin }))).toEqual(['area']);
  });
});

describe('the city’s regions', () => {
  it('are given to every signed-in role as the package lists them, cacheable for a day', async () => {
    const chair = await devToken({ role: 'rt_chair', rt: rtIn(KEC.kelurahan[0]!.code, 1, 2) });
    const { admin: a, verifier, clinic, operator, responder } = token;
    for (const as of [a, verifier, clinic, operator, responder, chair]) {
      const res = await call('GET', '/regions', { as });
      expect(ok(res)).toEqual(REGIONS);
      expect(res.headers.get('cache-control')).toBe('private, max-age=86400');
    }
    expect((await call('GET', '/regions')).status).toBe(401);
  });
});

describe('the RT directory', () => {
  const RT1 = rtIn(KEL_DIR.code, 3, 12);
  const RT2 = rtIn(KEL_DIR.code, 3, 13);
  const RT3 = rtIn(KEL_DIR.code, 4, 1);
  const UNKNOWN = rtIn(KEL_DIR.code, 9, 9);
  const place = { kelurahan: KEL_DIR, kecamatan: { code: KEC.code, name: KEC.name } };
  let first: Json;

  it('registers an RT with its kelurahan and kecamatan named from the region data', async () => {
    const body = { rt: RT1, chairName: 'Bambang Sutrisno', chairPhone: '0812-5550-2011', households: 85 };
    first = ok(await admin('POST', '/rts', body), 201);
    expect(first).toEqual({
      rt: RT1,
      rw: '003',
      number: '012',
      ...place,
      households: 85,
      chairName: 'Bambang Sutrisno',
      chairPhone: '+6281255502011',
      active: true,
      residents: 0,
      updatedAt: expect.any(String),
    });
    expect(ok(await admin('GET', `/rts/${RT1}`))).toEqual(first);
  });

  it('refuses an RT outside the city, numbers 000, bad fields, and the same RT twice', async () => {
    const good = { rt: rtIn(KEL_DIR.code, 8, 1), chairName: 'Ketua Baru', households: 50 };
    expect(placeOf('15.71.01.1013')).toBeUndefined();
    for (const [over, path] of [
      [{ rt: rtIn(OUTSIDE, 1, 1) }, 'rt'],
      [{ rt: '1571011013-001-001' }, 'rt'],
      [{ rt: rtIn(KEL_DIR.code, 0, 1) }, 'rt'],
      [{ rt: rtIn(KEL_DIR.code, 1, 0) }, 'rt'],
      [{ households: 0 }, 'households'],
      [{ households: 'abc' }, 'households'],
      [{ chairName: undefined }, 'chairName'],
      [{ chairPhone: '12345' }, 'chairPhone'],
    ] as const) {
      const paths = issuePaths(await admin('POST', '/rts', { ...good, ...over }));
      expect(paths, JSON.stringify(over)).toEqual([path]);
    }
    const again = await admin('POST', '/rts', { rt: RT1, chairName: 'Orang Lain', households: 10 });
    expect(ok(again, 409)).toMatchObject({ error: 'Conflict', rt: first });
  });

  it('lets only the city add or change RTs', async () => {
    token.chair1 = await devToken({ role: 'rt_chair', rt: RT1 });
    const body = { rt: rtIn(KEL_DIR.code, 8, 2), chairName: 'Ketua Baru', households: 50 };
    for (const as of [token.verifier, token.clinic, token.operator, token.responder, token.chair1]) {
      expect((await call('POST', '/rts', { as, json: body })).status).toBe(403);
      expect((await call('PUT', `/rts/${RT1}`, { as, json: { households: 1 } })).status).toBe(403);
    }
  });

  it('changes an RT, says whether anything changed, and audits every change', async () => {
    const change = { households: 95, chairPhone: null };
    const changed = ok(await admin('PUT', `/rts/${RT1}`, change));
    expect(changed).toMatchObject({ rt: RT1, households: 95, chairPhone: null, active: true, changed: true });
    expect(ok(await admin('PUT', `/rts/${RT1}`, change))).toMatchObject({ households: 95, changed: false });

    expect(issuePaths(await admin('PUT', `/rts/${RT1}`, { active: false }))).toEqual(['reason']);
    expect(issuePaths(await admin('PUT', `/rts/${RT1}`, {})).length).toBeGreaterThan(0);
    ok(await admin('PUT', `/rts/${UNKNOWN}`, { households: 10 }), 404);

    const closed = await admin('PUT', `/rts/${RT1}`, { active: false, reason: 'Digabung dengan RT 013' });
    expect(ok(closed)).toMatchObject({ active: false, changed: true });
    const reopened = await admin('PUT', `/rts/${RT1}`, { active: true, chairPhone: '0812-5550-2012' });
    expect(ok(reopened)).toMatchObject({ active: true, chairPhone: '+6281255502012', changed: true });

    const audit = await auditOf(RT1);
    expect(audit.map((a) => a.action)).toEqual(['RtRegistered', 'RtChanged', 'RtClosed', 'RtReopened']);
    expect(audit[1]).toMatchObject({
      before: { households: 85, chairPhone: '+6281255502011', status: 'ACTIVE' },
      after: { households: 95, chairPhone: null, status: 'ACTIVE' },
    });
    expect(audit[2]).toMatchObject({ reason: 'Digabung dengan RT 013', after: { status: 'INACTIVE' } });
    expect(audit[3]).toMatchObject({ before: { status: 'INACTIVE' }, after: { status: 'ACTIVE' } });
  });

  it('shows one RT to the city, verifiers and its own chair, and no other chair', async () => {
    await registered(RT2, 60);
    await registered(RT3, 40);
    for (const as of [token.admin, token.verifier, token.chair1]) {
      expect(ok(await call('GET', `/rts/${RT1}`, { as }))).toMatchObject({
        rt: RT1,
        ...place,
        households: 95,
      });
    }
    expect((await call('GET', `/rts/${RT2}`, { as: token.chair1 })).status).toBe(403);
    expect((await call('GET', `/rts/${RT1}`, { as: token.clinic })).status).toBe(403);
    ok(await admin('GET', `/rts/${UNKNOWN}`), 404);
  });

  it('lists an area’s RTs in code order, page by page, counting the residents of each', async () => {
    const area = ok(await call('GET', `/rts?area=${KEL_DIR.code}`, { as: token.verifier }));
    expect(area).toMatchObject({ area: KEL_DIR.code, name: KEL_DIR.name, cursor: null });
    expect(area.items.map((i: Json) => i.rt)).toEqual([RT1, RT2, RT3]);
    expect(area.items[2]).toMatchObject({ ...place, rw: '004', number: '001', households: 40, residents: 0 });

    const all = ok(await admin('GET', '/rts?limit=500'));
    expect(all).toMatchObject({ area: CITY.code, name: CITY.name, cursor: null });
    const codes = all.items.map((i: Json) => i.rt);
    expect(codes).toEqual([...codes].sort());
    expect(codes.length).toBeGreaterThanOrEqual(6);
    expect(await walk('/rts', 2, 'rt')).toEqual(codes);
    const inKec = codes.filter((c: string) => c.startsWith(KEC.code.replaceAll('.', '')));
    expect(await walk(`/rts?area=${KEC.code}`, 2, 'rt')).toEqual(inKec);

    expect(issuePaths(await admin('GET', '/rts?area=21.72'))).toEqual(['area']);
    const notRt = Buffer.from('bukan-kursor').toString('base64url');
    expect(issuePaths(await admin('GET', `/rts?cursor=${notRt}`))).toEqual(['cursor']);
    const elsewhere = Buffer.from(rtIn(KEL_IMPORT.code, 1, 1)).toString('base64url');
    const outOfArea = await admin('GET', `/rts?area=${KEL_DIR.code}&cursor=${elsewhere}`);
    expect(issuePaths(outOfArea)).toEqual(['cursor']);
    for (const as of [token.clinic, token.chair1])
      expect((await call('GET', '/rts', { as })).status).toBe(403);

    const resident = { ...person(KEL_DIR.code), kk: '1571010101019300', rt: RT2 };
    ok(await admin('POST', '/residents', resident), 201);
    expect(ok(await admin('GET', `/rts/${RT2}`)).residents).toBe(1);
    expect(ok(await admin('GET', `/rts/${RT3}`)).residents).toBe(0);
  });
});

describe('importing the RT list as CSV', () => {
  const row = (n: number) => rtIn(KEL_IMPORT.code, 2, n);
  const csv = [
    'rt,chairName,chairPhone,households',
    `${row(1)},Yusuf Hamdani,0812-5550-2021,45`,
    `${row(2)},Lina Marlina,,1.250`,
    `${row(3)},Agus Salim,0812-5550-2023,0`,
    `${rtIn(OUTSIDE, 2, 5)},Dedi Kurniawan,,50`,
    `${row(1)},Yusuf Lagi,,70`,
    `${row(4)},,0812-5550-2024,70`,
  ].join('\n');
  const importCsv = (text: string, as = token.admin) => call('POST', '/rts/import', { as, text });

  it('writes the valid rows and reports each bad one with its line and field', async () => {
    const res = ok(await importCsv(csv));
    expect(res).toMatchObject({ rows: 6, imported: 2, updated: 0, unchanged: 0, rejectedRows: 4 });
    const where = res.rejected.map((r: Json) => `${r.line}:${r.field}`);
    expect(where).toEqual(['4:households', '5:rt', '6:rt', '7:chairName']);
    expect(res.rejected[2].reason).toContain('appears again');
    expect(ok(await admin('GET', `/rts/${row(2)}`))).toMatchObject({ households: 1250, chairPhone: null });
    const a = ok(await admin('GET', `/rts/${row(1)}`));
    expect(a).toMatchObject({ chairName: 'Yusuf Hamdani', households: 45, chairPhone: '+6281255502021' });
    for (const n of [3, 4]) ok(await admin('GET', `/rts/${row(n)}`), 404);
  });

  it('changes nothing when the same file comes again, and updates only the row that changed', async () => {
    const again = ok(await importCsv(csv));
    expect(again).toMatchObject({ rows: 6, imported: 0, updated: 0, unchanged: 2, rejectedRows: 4 });
    const edited = csv.replace(`${row(1)},Yusuf Hamdani,0812-5550-2021,45`, `${row(1)},Yusuf Hamdani,,65`);
    expect(ok(await importCsv(edited))).toMatchObject({ imported: 0, updated: 1, unchanged: 1 });
    // An empty phone cell keeps the number the directory has.
    const a = ok(await admin('GET', `/rts/${row(1)}`));
    expect(a).toMatchObject({ households: 65, chairPhone: '+6281255502021' });
    expect((await auditOf(row(1))).map((x) => x.action)).toEqual(['RtRegistered', 'RtChanged']);
  });

  it('refuses a file without a needed column, and anyone but the city', async () => {
    const noHouseholds = `rt,chairName,chairPhone\n${row(1)},Yusuf Hamdani,`;
    expect(issuePaths(await importCsv(noHouseholds))).toEqual(['header']);
    expect((await importCsv(csv, token.verifier)).status).toBe(403);
  });
});

describe('the fund’s yearly tier follows the directory’s households', () => {
  it('allocates Rp 50, 70 or 100 million by the households the directory holds for each RT', async () => {
    const tiers = [
      [rtIn(KEL_IMPORT.code, 7, 1), 45, 50_000_000],
      [rtIn(KEL_IMPORT.code, 7, 2), 60, 70_000_000],
      [rtIn(KEL_IMPORT.code, 7, 3), 101, 100_000_000],
    ] as const;
    for (const [rt, households, amount] of tiers) {
      await registered(rt, 45);
      // The directory's count, changed after registering, is what the tier reads.
      if (households !== 45) expect(ok(await admin('PUT', `/rts/${rt}`, { households })).changed).toBe(true);
      const res = await call('POST', `/funds/${rt}/${YEAR}/allocations`, {
        as: token.admin,
        json: { note: 'Dana tahunan' },
        headers: { 'idempotency-key': randomUUID() },
      });
      ok(res, 201);
      expect(ok(await call('GET', `/funds/${rt}/${YEAR}`)).allocated).toBe(amount);
    }
  });
});

describe('staff accounts', () => {
  const CHAIR_RT = rtIn(KEL_DIR.code, 3, 12);

  it('creates accounts with the attributes each role needs, never showing a password', async () => {
    const unit = { id: 'AMB-C1', name: 'Ambulans uji', kind: 'AMBULANCE', phone: '+6281174001999' };
    ok(
      await admin('POST', '/units', {
        ...unit,
        location: { lat: -1.6, lon: 103.6 },
        kelurahan: KEL_DIR.code,
      }),
      201,
    );

    const chair = { username: 'ketua.rt012', name: 'Bambang Sutrisno', role: 'rt_chair', rt: CHAIR_RT };
    const res = await admin('POST', '/staff', { ...chair, email: 'bambang@example.org' });
    expect(ok(res, 201)).toEqual({
      ...chair,
      email: 'bambang@example.org',
      status: 'ACTIVE',
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      invitation: { sentBy: [] },
      mfaRequired: false,
    });
    expect(res.text).not.toMatch(/password|temporary/i);

    const crew = { username: 'kru.amb1', name: 'Rudi Hartono', role: 'responder', unit: 'AMB-C1' };
    const made = await staffMade({ ...crew, phone: '0812-5550-2031' });
    expect(made).toMatchObject({ unit: 'AMB-C1', phone: '+6281255502031', mfaRequired: false });
    for (const [username, role] of [
      ['admin.dua', 'city_admin'],
      ['dinsos.satu', 'social_verifier'],
    ]) {
      const made = await staffMade({ username, name: 'Staf Kota', role, email: `${username}@example.org` });
      expect(made).toMatchObject({ role, mfaRequired: true });
      expect(JSON.stringify(made)).not.toMatch(/password|temporary/i);
    }
  });

  it('refuses accounts missing what their role needs, naming the field, and a username taken', async () => {
    const closedRt = rtIn(KEL_DIR.code, 5, 1);
    await registered(closedRt);
    ok(await admin('PUT', `/rts/${closedRt}`, { active: false, reason: 'RT dimekarkan' }));
    const base = { username: 'staf.baru', name: 'Staf Baru', email: 'staf@example.org' };
    for (const [over, path] of [
      [{ role: 'rt_chair' }, 'rt'],
      [{ role: 'rt_chair', rt: rtIn(KEL_DIR.code, 9, 9) }, 'rt'],
      [{ role: 'rt_chair', rt: closedRt }, 'rt'],
      [{ role: 'responder', unit: 'AMB-NONE' }, 'unit'],
      [{ role: 'clinic', rt: CHAIR_RT }, 'rt'],
      [{ role: 'clinic', email: undefined }, 'email'],
      [{ role: 'clinic', username: 'AB' }, 'username'],
      [{ role: 'clinic', username: 'Budi Santoso' }, 'username'],
    ] as const) {
      const res = await admin('POST', '/staff', { ...base, ...over });
      expect(issuePaths(res), JSON.stringify(over)).toEqual([path]);
      if (over.role === 'clinic' && 'rt' in over) expect(res.body.issues[0].message).toContain('is only for');
    }
    ok(await admin('POST', '/staff', { ...base, username: 'kru.amb1', role: 'clinic' }), 409);
    for (const as of [token.verifier, token.clinic]) {
      expect((await call('POST', '/staff', { as, json: { ...base, role: 'clinic' } })).status).toBe(403);
    }
  });

  it('lists accounts, all or of one role, page by page', async () => {
    const names = ok(await admin('GET', '/staff')).items.map((s: Json) => s.username);
    expect(names).toEqual(['admin.dua', 'dinsos.satu', 'ketua.hari1', 'ketua.rt012', 'kru.amb1']);
    const chairs = ok(await admin('GET', '/staff?role=rt_chair')).items;
    expect(chairs.map((s: Json) => s.username)).toEqual(['ketua.hari1', 'ketua.rt012']);
    expect(chairs.every((s: Json) => s.role === 'rt_chair')).toBe(true);
    expect(await walk('/staff', 1, 'username')).toEqual(names);
    expect(await walk('/staff?role=rt_chair', 1, 'username')).toEqual(['ketua.hari1', 'ketua.rt012']);
    expect(issuePaths(await admin('GET', '/staff?role=mayor'))).toEqual(['role']);
    expect((await call('GET', '/staff', { as: token.verifier })).status).toBe(403);
  });

  it('disables and enables an account, saying whether it changed, but never an admin’s own', async () => {
    const set = async (action: string) => ok(await admin('POST', `/staff/kru.amb1/${action}`));
    expect(await set('disable')).toMatchObject({ username: 'kru.amb1', status: 'DISABLED', changed: true });
    expect(await set('disable')).toMatchObject({ status: 'DISABLED', changed: false });
    expect(await set('enable')).toMatchObject({ status: 'ACTIVE', changed: true });
    expect(await set('enable')).toMatchObject({ status: 'ACTIVE', changed: false });
    for (const action of ['disable', 'enable']) ok(await admin('POST', `/staff/tidak.ada/${action}`), 404);
    const me = await devToken({ role: 'city_admin', username: 'admin.dua' });
    ok(await call('POST', '/staff/admin.dua/disable', { as: me }), 409);
  });
});

describe('local sign-in for staff accounts', () => {
  const dev = (json: Record<string, string>) => call('POST', '/auth/dev-token', { json });

  it('gives an active chair a token carrying their RT, and refuses what Cognito would refuse', async () => {
    const chair = await devToken({ role: 'rt_chair', username: 'ketua.rt012' });
    const rt = rtIn(KEL_DIR.code, 3, 12);
    expect(claimsOf(chair)).toMatchObject({ 'custom:rt': rt, 'cognito:username': 'ketua.rt012' });
    ok(await call('GET', `/rts/${rt}`, { as: chair }));
    ok(await call('GET', `/rts/${rtIn(KEL_DIR.code, 3, 13)}`, { as: chair }), 403);

    expect(issuePaths(await dev({ role: 'clinic', username: 'ketua.rt012' }))).toEqual(['role']);
    expect(issuePaths(await dev({ role: 'rt_chair', username: 'tidak.ada' }))).toEqual(['username']);
    expect(issuePaths(await dev({ role: 'rt_chair', rt: rtIn(KEL_DIR.code, 9, 9) }))).toEqual(['rt']);

    const other = { username: 'ketua.rt013', name: 'Nur Aini', role: 'rt_chair', phone: '0812-5550-2041' };
    await staffMade({ ...other, rt: rtIn(KEL_DIR.code, 3, 13) });
    expect(ok(await admin('POST', '/staff/ketua.rt013/disable')).changed).toBe(true);
    ok(await dev({ role: 'rt_chair', username: 'ketua.rt013' }), 403);
  });

  it('lists the active chairs for the sign-in picker, with their kelurahan’s real name', async () => {
    const { chairs } = ok(await call('GET', '/auth/dev-users'));
    expect(chairs).toEqual(
      [
        { username: 'ketua.hari1', rt: rtIn(KEC.kelurahan[0]!.code, 1, 1), name: 'Sri Handayani' },
        { username: 'ketua.rt012', rt: rtIn(KEL_DIR.code, 3, 12), name: 'Bambang Sutrisno' },
      ].map((c) => ({ ...c, kelurahan: kelurahanName(kelurahanOfRt(c.rt)) })),
    );
    expect(chairs.map((c: Json) => c.kelurahan)).toEqual([KEC.kelurahan[0]!.name, KEL_DIR.name]);
  });
});

describe('a chair is turned away at once when the city closes the RT or disables the account', () => {
  const RT = rtIn(KEL_ACCESS.code, 1, 1);
  const OTHER = rtIn(KEL_ACCESS.code, 1, 2);
  let chair: string;
  const residents = () => call('GET', `/rts/${RT}/residents`, { as: chair });
  const refusedFor = (res: Res, reason: string) => expect(ok(res, 403).reason).toBe(reason);

  beforeAll(async () => {
    await registered(RT, 70, 'Siti Aminah');
    await registered(OTHER, 70);
    const account = {
      username: 'ketua.akses',
      name: 'Siti Aminah',
      role: 'rt_chair',
      phone: '0812-5550-2051',
    };
    await staffMade({ ...account, rt: RT });
    chair = await devToken({ role: 'rt_chair', username: 'ketua.akses' });
  });

  it('refuses the chair of a closed RT, and no resident can be added to it, until it reopens', async () => {
    ok(await residents());
    expect(ok(await admin('PUT', `/rts/${RT}`, { active: false, reason: 'RT digabung' })).changed).toBe(true);
    refusedFor(await residents(), 'RT_CLOSED');
    refusedFor(await issueLetter(chair, person(KEL_ACCESS.code, { reason: 'Sakit keras' })), 'RT_CLOSED');
    const resident = { ...person(KEL_ACCESS.code), kk: '1571010101019301', rt: RT };
    expect(issuePaths(await admin('POST', '/residents', resident))).toEqual(['rt']);

    expect(ok(await admin('PUT', `/rts/${RT}`, { active: true })).changed).toBe(true);
    ok(await residents());
    ok(await issueLetter(chair, person(KEL_ACCESS.code, { reason: 'Sakit keras' })), 201);
  });

  it('refuses a disabled chair’s existing token until the account is enabled again', async () => {
    expect(ok(await admin('POST', '/staff/ketua.akses/disable')).changed).toBe(true);
    refusedFor(await residents(), 'ACCOUNT_DISABLED');
    expect(ok(await admin('POST', '/staff/ketua.akses/enable')).changed).toBe(true);
    ok(await residents());
  });

  it('refuses a chair acting on another RT’s path before looking at what they sent', async () => {
    const expenses = `/funds/${OTHER}/${YEAR}/expenses`;
    ok(await call('POST', expenses, { as: chair, json: { amount: 'banyak' } }), 403);
    ok(await call('POST', expenses, { as: chair, body: 'bukan json' }), 403);
    ok(await call('GET', `/rts/${OTHER}`, { as: chair }), 403);
  });
});
