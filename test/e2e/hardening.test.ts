// Issue 14's findings, one test each, over HTTP against the whole local system: forged cursors, dates out of
// range, text a person cannot type, NIKs and phone numbers in public fund text, the RT's daily letter count, where
// a letter's QR code points, and a huge Authorization header.
import { randomUUID } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoResidents, demoRts } from '../../infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import { tableName } from '../../shared/platform/tables.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { httpClient, issuePaths, type Json, rawRequest } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

const RTS = demoRts(12);
const RT_A = RTS[0]!;
const RT_B = RTS[1]!;
const RT_FUND = RTS[2]!;
const SEEDED = demoResidents(500, RTS);

const wibDay = (offsetDays = 0) =>
  new Date(Date.now() + 7 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
const TODAY = wibDay();
const YEAR = Number(TODAY.slice(0, 4));

let sys: LocalSystem;
const token: Record<string, string> = {};
const call = httpClient(() => sys.url);
const b64 = (s: string) => Buffer.from(s).toString('base64url');

let nextSeq = 9500;
function letter(over: Record<string, unknown> = {}) {
  const birthDate = '1979-02-11';
  const nik = makeNik({
    regionCode: RT_A.kelurahan.replaceAll('.', '').slice(0, 6),
    birthDate,
    sex: 'M',
    sequence: nextSeq++,
  });
  return { nik, name: 'Ahmad Fauzi', birthDate, sex: 'M', reason: 'Rawat inap, belum punya JKN', ...over };
}
const issue = (as: string, body: unknown, headers: Record<string, string> = {}) =>
  call('POST', '/attestations', { as, json: body, headers: { 'idempotency-key': randomUUID(), ...headers } });

beforeAll(async () => {
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: true });
  const mint = async (name: string, json: Record<string, unknown>) => {
    const res = await call('POST', '/auth/dev-token', { json });
    expect(res.status, res.text).toBe(200);
    token[name] = res.body.token;
  };
  await mint('admin', { role: 'city_admin' });
  await mint('verifier', { role: 'social_verifier' });
  await mint('chairA', { role: 'rt_chair', rt: RT_A.rt });
  await mint('chairB', { role: 'rt_chair', rt: RT_B.rt });
  await mint('chairFund', { role: 'rt_chair', rt: RT_FUND.rt });
});

afterAll(async () => {
  await sys?.stop();
});

describe('page cursors are sealed: a forged, altered or borrowed one is a 400 on cursor', () => {
  it('GET /attestations pages with its own cursors and refuses forged keys, for a chair, a verifier and an admin', async () => {
    for (let i = 0; i < 3; i++) expect((await issue(token.chairA!, letter())).status).toBe(201);
    const first = await call('GET', '/attestations?limit=1', { as: token.chairA });
    expect(first.status, first.text).toBe(200);
    expect(typeof first.body.cursor).toBe('string');
    // The cursor shows nothing of the keys it holds.
    expect(Buffer.from(first.body.cursor, 'base64url').toString('latin1')).not.toMatch(/RT#|ATT#|pk/);
    const second = await call('GET', `/attestations?limit=1&cursor=${first.body.cursor}`, {
      as: token.chairA,
    });
    expect(second.status, second.text).toBe(200);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);

    const forged = [
      b64(JSON.stringify({ pk: '', sk: '', gsi2pk: `RT#${RT_A.rt}`, gsi2sk: '' })),
      b64(
        JSON.stringify({ pk: `ATT#${first.body.items[0].id}`, sk: '', gsi2pk: `RT#${RT_A.rt}`, gsi2sk: 'x' }),
      ),
      b64('not json'),
      `${first.body.cursor.slice(0, -2)}${first.body.cursor.endsWith('A') ? 'B' : 'A'}A`,
      'x'.repeat(3000),
    ];
    for (const [as, rt] of [
      [token.chairA, ''],
      [token.verifier, `&rt=${RT_A.rt}`],
      [token.admin, `&rt=${RT_A.rt}`],
      [token.admin, ''],
    ] as const) {
      for (const cursor of forged) {
        const res = await call('GET', `/attestations?limit=1${rt}&cursor=${cursor}`, { as });
        expect(issuePaths(res), cursor.slice(0, 40)).toEqual(['cursor']);
      }
    }
    // RT A's cursor does not go on with RT B's list, nor with the review queue.
    const borrowed = await call('GET', `/attestations?rt=${RT_B.rt}&cursor=${first.body.cursor}`, {
      as: token.verifier,
    });
    expect(issuePaths(borrowed)).toEqual(['cursor']);
    const queue = await call('GET', `/attestations?cursor=${first.body.cursor}`, { as: token.verifier });
    expect(issuePaths(queue)).toEqual(['cursor']);
  });

  it('GET /rts/{rt}/residents walks the RT by name, hides the NIK in its cursor, and refuses an oversized key', async () => {
    const expected = SEEDED.filter((r) => r.rt === RT_A.rt).length;
    const seen: Json[] = [];
    let cursor: string | null = null;
    do {
      const res: Awaited<ReturnType<typeof call>> = await call(
        'GET',
        `/rts/${RT_A.rt}/residents?limit=7${cursor ? `&cursor=${cursor}` : ''}`,
        { as: token.chairA },
      );
      expect(res.status, res.text).toBe(200);
      seen.push(...res.body.items);
      cursor = res.body.cursor;
      if (cursor) expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toMatch(/\d{16}/);
    } while (cursor);
    expect(seen.length).toBeGreaterThanOrEqual(expected);
    expect(new Set(seen.map((r) => r.nik)).size).toBe(seen.length);

    const nik = SEEDED.find((r) => r.rt === RT_A.rt)!.nik;
    const page = await call('GET', `/rts/${RT_A.rt}/residents?limit=2`, { as: token.chairA });
    for (const bad of [b64(`${'z'.repeat(1100)}#${nik}`), b64(`siti#${nik}`), 'AQ']) {
      const res = await call('GET', `/rts/${RT_A.rt}/residents?cursor=${bad}`, { as: token.chairA });
      expect(issuePaths(res)).toEqual(['cursor']);
    }
    // A city admin may list any RT, but RT A's cursor only goes on with RT A.
    const other = await call('GET', `/rts/${RT_B.rt}/residents?cursor=${page.body.cursor}`, {
      as: token.admin,
    });
    expect(issuePaths(other)).toEqual(['cursor']);
  });
});

describe('dates are real days in a sane range', () => {
  it('runs the reminders job only for a day within two years of today', async () => {
    for (const date of ['0000-01-01', '9999-12-31', '2026-02-30', `${YEAR + 3}-01-01`]) {
      const res = await call('POST', `/jobs/reminders/run?date=${date}`, { as: token.admin });
      expect(issuePaths(res), date).toEqual(['date']);
    }
    const ok = await call('POST', `/jobs/reminders/run?date=${wibDay(-1)}`, { as: token.admin });
    expect(ok.status, ok.text).toBe(200);
  });

  it('refuses a broadcast campaign on a day that does not exist', async () => {
    const campaign = (date: string) => ({
      id: `bc-${randomUUID().slice(0, 8)}`,
      name: 'Posyandu bulanan',
      kind: 'BROADCAST',
      date,
      offsetsDays: [-1, 0],
      template: 'Halo {name}, besok posyandu di {puskesmas}.',
    });
    for (const date of ['2026-13-45', '0000-00-00', '2026-02-29', '1899-12-31']) {
      const res = await call('POST', '/campaigns', { as: token.admin, json: campaign(date) });
      expect(issuePaths(res), date).toEqual(['date']);
    }
    const ok = await call('POST', '/campaigns', { as: token.admin, json: campaign(wibDay(10)) });
    expect(ok.status, ok.text).toBe(201);
  });

  it('refuses a premium month or an incident period outside 1900–2100', async () => {
    expect(issuePaths(await call('GET', '/premiums/0000-01', { as: token.admin }))).toEqual(['month']);
    const stats = await call('GET', '/incidents/stats?from=0000-01-01&to=9999-12-31', { as: token.admin });
    expect(issuePaths(stats).sort()).toEqual(['from', 'to']);
  });
});

describe('free text: what a person cannot type is refused by field, the rest is stored in NFC', () => {
  it('refuses NUL, other control characters, lone surrogates and bidi overrides, naming the field', async () => {
    for (const name of ['Siti\u0000Aminah', 'Siti\u0007', 'ab\ud800cd', 'Siti \u202eanimA', 'Siti\nAminah']) {
      const res = await issue(token.chairA!, letter({ name }));
      expect(issuePaths(res), JSON.stringify(name)).toEqual(['name']);
      expect(res.body.issues[0].message).toMatch(/cannot type|one line/);
    }
    const reason = await issue(token.chairA!, letter({ reason: 'Sakit\u0000keras' }));
    expect(issuePaths(reason)).toEqual(['reason']);
    expect(reason.body.issues[0].message).toMatch(/U\+0000/);
    // A line break is something a person types into a reason; an emoji too.
    const typed = await issue(token.chairA!, letter({ reason: 'Sakit keras\nbutuh rawat inap 🙏' }));
    expect(typed.status, typed.text).toBe(201);
  });

  it('stores a name typed with a combining accent as the one precomposed name', async () => {
    const body = letter({ name: 'Rene\u0301 Simatupang' });
    const res = await issue(token.chairA!, body);
    expect(res.status, res.text).toBe(201);
    const stored = await call('GET', `/residents/${body.nik}`, { as: token.admin });
    expect(stored.body.name).toBe('Ren\u00e9 Simatupang');
  });
});

describe('public fund data never shows a NIK or a phone number', () => {
  it('masks them in the public account, its CSV and the chair’s own answer, and keeps the entry as written', async () => {
    const alloc = await call('POST', `/funds/${RT_FUND.rt}/${YEAR}/allocations`, {
      as: token.admin,
      json: { amount: 1_000_000, note: 'Alokasi uji' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(alloc.status, alloc.text).toBe(201);
    const nik = SEEDED.find((r) => r.rt === RT_FUND.rt)!.nik;
    const description = `Bantuan berobat NIK ${nik} hp 081234567890, Rp 150.000`;
    const vendor = 'Apotek Sehat 0812-3456-7890';
    const spent = await call('POST', `/funds/${RT_FUND.rt}/${YEAR}/expenses`, {
      as: token.chairFund,
      json: { amount: 150_000, category: 'HEALTH_CHECK', date: TODAY, description, vendor },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(spent.status, spent.text).toBe(201);
    const masked = {
      description: 'Bantuan berobat NIK [NIK/KK disamarkan] hp [nomor HP disamarkan], Rp 150.000',
      vendor: 'Apotek Sehat [nomor HP disamarkan]',
    };
    expect(spent.body.entry).toMatchObject(masked);

    const account = await call('GET', `/funds/${RT_FUND.rt}/${YEAR}`);
    expect(account.body.entries.find((e: Json) => e.entryId === spent.body.entryId)).toMatchObject(masked);
    const csv = await call('GET', `/funds/${RT_FUND.rt}/${YEAR}/export.csv`);
    expect(csv.status).toBe(200);
    for (const text of [account.text, csv.text]) {
      expect(text).not.toContain(nik);
      expect(text).not.toMatch(/0812-?3456-?7890|081234567890/);
    }
    expect(csv.text).toContain('[NIK/KK disamarkan]');
    // The ledger keeps what the chair wrote (the audit reads it).
    const stored = await ddb().send(
      new GetCommand({
        TableName: tableName('funds'),
        Key: { pk: `FUND#${RT_FUND.rt}#${YEAR}`, sk: `E#${spent.body.entryId}` },
      }),
    );
    expect(stored.Item).toMatchObject({ description, vendor });
  });
});

describe('numbers DynamoDB cannot hold', () => {
  it('takes a coordinate of 5e-324 as 0 (a centimetre is the finest kept), not a 500', async () => {
    const res = await call('POST', '/units', {
      as: token.admin,
      json: {
        id: 'HD-TINY-01',
        name: 'Unit uji koordinat',
        kind: 'AMBULANCE',
        phone: '+628117601999',
        location: { lat: 5e-324, lon: 103.612345678 },
        kelurahan: RT_A.kelurahan,
      },
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.location).toEqual({ lat: 0, lon: 103.6123457 });
  });
});

describe('the letter’s QR code points at the configured address', () => {
  it('ignores the Host and X-Forwarded-Proto a caller sends', async () => {
    const res = await issue(token.chairA!, letter(), {
      'x-forwarded-proto': 'javascript:alert(1)//',
      'x-forwarded-host': 'evil.example',
    });
    expect(res.status, res.text).toBe(201);
    expect(res.body.verifyUrl.startsWith(`${sys.url}/verify/`)).toBe(true);
    const raw = await send('POST', '/attestations', {
      host: 'evil.example',
      'x-forwarded-proto': 'javascript:alert(1)//:',
      authorization: `Bearer ${token.chairA}`,
      'content-type': 'application/json',
      'idempotency-key': randomUUID(),
      body: JSON.stringify(letter()),
    });
    expect(raw.status, raw.text).toBe(201);
    expect(JSON.parse(raw.text).verifyUrl.startsWith(`${sys.url}/verify/`)).toBe(true);
  });
});

describe('oversized headers', () => {
  it('answers 431 to a 100 KB Authorization header on every request, GET or POST, and keeps serving', async () => {
    const huge = `Bearer ${'a'.repeat(100_000)}`;
    const statuses: (number | string)[] = [];
    for (let i = 0; i < 12; i++) {
      const post = i % 2 === 1;
      const res = await send(post ? 'POST' : 'GET', post ? '/attestations' : `/rts/${RT_A.rt}/residents`, {
        authorization: huge,
        'content-type': 'application/json',
        ...(post ? { body: JSON.stringify(letter({ reason: 'x'.repeat(i * 3000) })) } : {}),
      }).catch((e: Error) => e.message);
      statuses.push(typeof res === 'string' ? res : res.status);
    }
    // And through fetch, whose pooled connections the server closes after a 431.
    for (let i = 0; i < 12; i++) {
      const post = i % 2 === 1;
      const res = await call(post ? 'POST' : 'GET', post ? '/attestations' : '/regions', {
        headers: { authorization: huge },
        ...(post ? { json: letter({ reason: 'x'.repeat(i * 3000) }) } : {}),
      }).catch((e: Error) => `${e.message} ${(e.cause as Error | undefined)?.message ?? ''}`);
      statuses.push(typeof res === 'string' ? res : res.status);
    }
    expect(statuses).toEqual(Array(24).fill(431));
    expect((await call('GET', '/regions', { as: token.admin })).status).toBe(200);
  });
});

/** One request on a fresh connection, with any headers (Host included). */
function send(method: string, path: string, headers: Record<string, string> & { body?: string }) {
  const { body, ...rest } = headers;
  return rawRequest(new URL(path, sys.url), method, {
    headers: rest,
    ...(body !== undefined ? { body } : {}),
  });
}
