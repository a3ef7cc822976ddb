// End to end over HTTP: the RT chair's letter (surat keterangan) through the whole local system — every route
// behind the local server, the real handler modules, DynamoDB Local, the in-process bus, the SMS outbox and the
// scheduled review job — driven through fetch the way a chair, a Dinas Sosial verifier, a clinic desk and a
// member of the public scanning the QR code would use it.
import { randomUUID } from 'node:crypto';
import { ScanCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import type { OutboxEntry, SmsEntry, TopicEntry } from '../../infra/local/outbox.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import { logger } from '../../shared/platform/logger.ts';
import { type TableName, tableName } from '../../shared/platform/tables.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { httpClient, issuePaths, type Json } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

const RTS = demoRts(12);
const RT_A = RTS[0]!;
const RT_B = RTS[1]!;
const RT_LIMIT = RTS[2]!;
const RT_PAGES = RTS[3]!;
const RT_COUNTS = RTS[4]!;
const RT_REVIEW = RTS[5]!;
const RT_CONCURRENT = RTS[6]!;
const RT_HASH = RTS[7]!;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

let sys: LocalSystem;
const token: Record<string, string> = {};

const call = httpClient(() => sys.url);

async function devToken(req: { role: string; rt?: string; sub?: string }): Promise<string> {
  const res = await call('POST', '/auth/dev-token', { json: req });
  expect(res.status, res.text).toBe(200);
  return res.body.token;
}

// Test residents use sequence numbers 9000+; the demo data stays below 5000.
let nextSeq = 9000;
let nextPhone = 1;
/** A fresh, structurally valid letter body for a resident nobody has registered yet. */
function letter(over: Record<string, unknown> = {}) {
  const birthDate = '1984-07-21';
  const sex = 'F';
  const nik = makeNik({ regionCode: '157101', birthDate, sex, sequence: nextSeq++ });
  return {
    nik,
    name: 'Siti Wulandari',
    birthDate,
    sex,
    reason: 'Sakit demam berdarah, tidak punya JKN',
    ...over,
  };
}
function phone(): { local: string; e164: string } {
  const n = String(nextPhone++).padStart(4, '0');
  return { local: `0813-7100-${n}`, e164: `+628137100${n}` };
}

const issue = (as: string, body: unknown, key: string | null = randomUUID()) =>
  call('POST', '/attestations', { as, json: body, headers: key === null ? {} : { 'idempotency-key': key } });

/** Issues a letter and expects the 201. */
async function issued(as: string, body: Record<string, unknown>) {
  const res = await issue(as, body);
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const decide = (id: string, decision: string, note = 'Sudah dicek ke rumah warga', as = token.verifier!) =>
  call('POST', `/attestations/${id}/decision`, { as, json: { decision, note } });

const coverage = (nik: string) => call('GET', `/coverage/${nik}`, { as: token.clinic });
const resident = (nik: string) => call('GET', `/residents/${nik}`, { as: token.admin });

async function outbox(): Promise<OutboxEntry[]> {
  await sys.bus.drain();
  return sys.outbox.list(10_000);
}
const smsTo = async (e164: string) =>
  (await outbox()).filter((e): e is SmsEntry => e.channel === 'sms' && e.phone === e164);
const topics = async () => (await outbox()).filter((e): e is TopicEntry => e.channel === 'topic');

const codeOf = (verifyUrl: string) => verifyUrl.split('/verify/')[1]!;

/** Every page of a listing, following cursors. */
async function walk(as: string, query: string, limit: number) {
  const pages: Json[][] = [];
  let cursor: string | null = null;
  do {
    const q: string = `${query}&limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`;
    const res = await call('GET', `/attestations?${q}`, { as });
    expect(res.status, res.text).toBe(200);
    expect(res.body.items.length).toBeLessThanOrEqual(limit);
    pages.push(res.body.items);
    cursor = res.body.cursor;
    expect(pages.length).toBeLessThan(50);
  } while (cursor);
  return pages;
}

const wibDay = (offsetDays = 0) =>
  new Date(Date.now() + 7 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
const wibMonth = () => wibDay().slice(0, 7);

async function scan(table: TableName): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out = await ddb().send(new ScanCommand({ TableName: tableName(table), ExclusiveStartKey: start }));
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

async function countsFor(rt: string) {
  const res = await call('GET', `/attestations/counts?month=${wibMonth()}`, { as: token.verifier });
  expect(res.status, res.text).toBe(200);
  return (
    res.body.rts.find((r: { rt: string }) => r.rt === rt) ?? {
      rt,
      issued: 0,
      pending: 0,
      approved: 0,
      rejected: 0,
    }
  );
}

beforeAll(async () => {
  // The RT's daily limit counts every letter its accounts issue: this file issues more than 20 in RT A.
  process.env.ATTESTATION_DAILY_LIMIT = '100';
  resetConfig();
  await useFreshTables();
  sys = await startLocalSystem({
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    seed: true,
    quiet: true,
  });
  const users = await call('GET', '/auth/dev-users');
  expect(users.status).toBe(200);
  expect(users.body.chairs.map((c: { rt: string }) => c.rt).sort()).toEqual(RTS.map((r) => r.rt).sort());
  token.admin = await devToken({ role: 'city_admin' });
  token.clinic = await devToken({ role: 'clinic' });
  token.verifier = await devToken({ role: 'social_verifier', sub: 'verifier-1' });
  token.operator = await devToken({ role: 'operator' });
  token.chairA = await devToken({ role: 'rt_chair', rt: RT_A.rt, sub: 'chair-a' });
  // Another account of the same RT (a deputy): sees the RT's letters, but did not issue chair-a's.
  token.chairA2 = await devToken({ role: 'rt_chair', rt: RT_A.rt, sub: 'chair-a-deputy' });
  // The decision flows issue from an account of their own, so no chair reaches the daily limit of 20.
  token.chairAd = await devToken({ role: 'rt_chair', rt: RT_A.rt, sub: 'chair-a-decisions' });
  token.chairB = await devToken({ role: 'rt_chair', rt: RT_B.rt, sub: 'chair-b' });
  for (const rt of [RT_LIMIT, RT_PAGES, RT_COUNTS, RT_REVIEW, RT_CONCURRENT, RT_HASH])
    token[rt.rt] = await devToken({ role: 'rt_chair', rt: rt.rt, sub: `chair-${rt.rt}` });
});

afterAll(async () => {
  await sys?.stop();
  delete process.env.ATTESTATION_DAILY_LIMIT;
  resetConfig();
});

describe('who may do what', () => {
  it('answers 401 without a token or with a junk one, on every attestation route but /verify', async () => {
    const id = randomUUID();
    const routes: [string, string][] = [
      ['POST', '/attestations'],
      ['GET', '/attestations'],
      ['GET', '/attestations/counts'],
      ['GET', `/attestations/${id}`],
      ['POST', `/attestations/${id}/decision`],
      ['GET', `/attestations/${id}/letter`],
      ['GET', `/rts/${RT_A.rt}/residents`],
    ];
    for (const [method, path] of routes) {
      for (const as of [null, 'junk']) {
        const res = await call(method, path, { as, json: letter() });
        expect(res.status, `${method} ${path} as ${as}`).toBe(401);
      }
    }
    // The public check needs no token at all.
    expect((await call('GET', `/verify/${'A'.repeat(27)}`)).status).toBe(404);
  });

  it('answers 403 to a role the route does not admit, and a clinic cannot issue a letter', async () => {
    const body = letter();
    const id = randomUUID();
    const wrong: [string, string, string][] = [
      ['POST', '/attestations', 'clinic'],
      ['POST', '/attestations', 'verifier'],
      ['POST', '/attestations', 'admin'],
      ['GET', '/attestations', 'clinic'],
      ['GET', '/attestations/counts', 'chairA'],
      ['GET', `/attestations/${id}`, 'operator'],
      ['POST', `/attestations/${id}/decision`, 'chairA'],
      ['POST', `/attestations/${id}/decision`, 'admin'],
      ['GET', `/attestations/${id}/letter`, 'clinic'],
      ['GET', `/rts/${RT_A.rt}/residents`, 'clinic'],
    ];
    for (const [method, path, who] of wrong) {
      const res = await call(method, path, {
        as: token[who]!,
        json: method === 'POST' && path.endsWith('decision') ? { decision: 'APPROVED', note: 'ok ok' } : body,
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.status, `${who} → ${method} ${path}`).toBe(403);
    }
    // The clinic's attempt wrote nothing.
    expect((await coverage(body.nik)).status).toBe(404);
  });
});

describe('POST /attestations', () => {
  it('registers an unknown resident in the chair’s RT and makes coverage ACTIVE before it answers 201', async () => {
    const ph = phone();
    const body = letter({ phone: ph.local, kk: '1571010203040506', facility: 'Puskesmas Putri Ayu' });
    const res = await issue(token.chairA!, body);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({
      id: expect.stringMatching(UUID),
      status: 'PENDING_REVIEW',
      registered: true,
      resident: { nik: body.nik, name: body.name, rt: RT_A.rt },
      coverage: {
        nik: body.nik,
        covered: true,
        status: 'ACTIVE',
        scheme: 'PBI_APBD',
        source: 'ATTESTATION',
        since: res.body.issuedAt,
      },
    });
    expect(res.body.verifyUrl).toMatch(new RegExp(`^${sys.url}/verify/[A-Za-z0-9_-]{27}$`));

    // A clinic asking right after the 201 sees the coverage.
    const cov = await coverage(body.nik);
    expect(cov.status).toBe(200);
    expect(cov.body).toEqual({
      nik: body.nik,
      covered: true,
      status: 'ACTIVE',
      scheme: 'PBI_APBD',
      since: res.body.issuedAt,
      source: 'ATTESTATION',
    });
    const got = await resident(body.nik);
    expect(got.body).toMatchObject({
      nik: body.nik,
      kk: '1571010203040506',
      name: body.name,
      rt: RT_A.rt,
      kelurahan: RT_A.kelurahan,
      phone: ph.e164,
      lowIncome: true,
    });
    expect(got.body.history).toHaveLength(1);
    expect(got.body.history[0]).toMatchObject({
      scheme: 'PBI_APBD',
      status: 'ACTIVE',
      source: 'ATTESTATION',
    });

    // One SMS, in Bahasa Indonesia, one GSM-7 part, to the normalised number, without the NIK.
    const sms = await smsTo(ph.e164);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ purpose: 'attestation-issued', encoding: 'GSM-7', parts: 1 });
    expect(sms[0]!.text.length).toBeLessThanOrEqual(160);
    expect(sms[0]!.text).toMatch(/JKN\b.*\bAKTIF/);
    expect(sms[0]!.text).toMatch(/surat RT/i);
    expect(sms[0]!.text).not.toContain(body.nik);
  });

  it('activates a known resident of the chair’s RT whose coverage had lapsed, keeping the history', async () => {
    const body = letter();
    const reg = await call('POST', '/residents', {
      as: token.admin,
      json: { ...body, kk: '1571010203040507', rt: RT_A.rt, reason: undefined },
    });
    expect(reg.status, reg.text).toBe(201);
    const lapsed = await call('PUT', `/residents/${body.nik}/coverage`, {
      as: token.admin,
      json: { scheme: 'PBPU', status: 'INACTIVE', reason: 'Tunggakan iuran' },
    });
    expect(lapsed.status).toBe(200);
    const res = await issued(token.chairA!, body);
    expect(res).toMatchObject({ registered: false, coverage: { status: 'ACTIVE', scheme: 'PBI_APBD' } });
    const history = (await resident(body.nik)).body.history;
    expect(history.map((h: Json) => `${h.scheme}/${h.status}`)).toEqual(['PBI_APBD/ACTIVE', 'PBPU/INACTIVE']);
    expect(history[1].validTo).toBe(history[0].validFrom);
  });

  it('refuses a resident registered in another RT with 403 and leaves them as they were', async () => {
    const body = letter();
    const reg = await call('POST', '/residents', {
      as: token.admin,
      json: { ...body, kk: '1571010203040508', rt: RT_B.rt, reason: undefined },
    });
    expect(reg.status, reg.text).toBe(201);
    const res = await issue(token.chairA!, body);
    expect(res.status, res.text).toBe(403);
    expect(res.body.message).toMatch(/another RT/);
    expect((await coverage(body.nik)).body).toMatchObject({ covered: false, status: 'NONE' });
    // Their own chair may.
    expect((await issue(token.chairB!, body)).status).toBe(201);
    // Another RT's resident with active coverage is still a 403, telling chair A nothing about that coverage.
    const again = await issue(token.chairA!, body);
    expect(again.status).toBe(403);
    expect(again.body).not.toHaveProperty('coverage');
    expect(again.text).not.toContain('PBI_APBD');
  });

  it('answers 409 with the current coverage when the resident is already ACTIVE', async () => {
    const body = letter();
    await call('POST', '/residents', {
      as: token.admin,
      json: { ...body, kk: '1571010203040509', rt: RT_A.rt, reason: undefined },
    });
    const put = await call('PUT', `/residents/${body.nik}/coverage`, {
      as: token.admin,
      json: { scheme: 'PBI_APBN', status: 'ACTIVE', reason: 'Data DTKS' },
    });
    const res = await issue(token.chairA!, body);
    expect(res.status, res.text).toBe(409);
    expect(res.body.coverage).toEqual({
      nik: body.nik,
      covered: true,
      status: 'ACTIVE',
      scheme: 'PBI_APBN',
      since: put.body.since,
      source: 'MANUAL',
    });
    // A second letter for someone a letter already activated is a 409 too (with a new key: not a replay).
    const fresh = letter();
    const first = await issued(token.chairA!, fresh);
    const again = await issue(token.chairA!, fresh);
    expect(again.status).toBe(409);
    expect(again.body.coverage).toMatchObject({
      status: 'ACTIVE',
      source: 'ATTESTATION',
      since: first.issuedAt,
    });
  });

  it('answers 400 naming the field for a bad NIK, a missing reason or a missing Idempotency-Key, writing nothing', async () => {
    const before = await countsFor(RT_A.rt);
    const badNik = letter({ nik: '1571015713840001' }); // month 13
    expect(issuePaths(await issue(token.chairA!, badNik))).toEqual(['nik']);

    const { reason: _r, ...noReason } = letter();
    expect(issuePaths(await issue(token.chairA!, noReason))).toEqual(['reason']);
    expect((await coverage(noReason.nik)).status).toBe(404);

    const shortReason = letter({ reason: '  ' });
    expect(issuePaths(await issue(token.chairA!, shortReason))).toEqual(['reason']);
    expect((await coverage(shortReason.nik)).status).toBe(404);

    const noKey = letter();
    expect(issuePaths(await issue(token.chairA!, noKey, null))).toEqual(['Idempotency-Key']);
    expect(issuePaths(await issue(token.chairA!, noKey, 'short'))).toEqual(['Idempotency-Key']);
    expect(issuePaths(await issue(token.chairA!, noKey, 'spaces are not allowed'))).toEqual([
      'Idempotency-Key',
    ]);
    expect((await coverage(noKey.nik)).status).toBe(404);

    const badPhone = letter({ phone: '12345' });
    expect(issuePaths(await issue(token.chairA!, badPhone))).toEqual(['phone']);
    expect((await coverage(badPhone.nik)).status).toBe(404);

    expect(await countsFor(RT_A.rt)).toEqual(before);
  });

  it('keeps the SMS to one GSM-7 part whatever the resident’s name', async () => {
    const ph = phone();
    const body = letter({ phone: ph.local, name: 'Ñurul Çahyani Żaneta Wijayakusumaningrat Simanjuntak' });
    await issued(token.chairA!, body);
    const sms = await smsTo(ph.e164);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ encoding: 'GSM-7', parts: 1 });
    expect(sms[0]!.text.length).toBeLessThanOrEqual(160);
  });

  it('sends no SMS to a resident without a phone, yet activates the coverage', async () => {
    const before = (await outbox()).filter((e) => e.channel === 'sms').length;
    const body = letter();
    await issued(token.chairA!, body);
    expect((await coverage(body.nik)).body.covered).toBe(true);
    expect((await outbox()).filter((e) => e.channel === 'sms').length).toBe(before);
  });

  it('issues with a warning, not a refusal, when the birth date disagrees with the NIK', async () => {
    // An account of its own, so the other tests' chairs keep their daily allowance.
    const chair = await devToken({ role: 'rt_chair', rt: RT_A.rt, sub: 'chair-a-warnings' });
    const agreeing = await issued(chair, letter());
    expect(agreeing.warnings).toEqual([]);
    const other = letter();
    const res = await issued(chair, { ...other, birthDate: '1984-07-22' });
    expect(res.warnings).toEqual([expect.stringContaining('birthDate 1984-07-22 disagrees')]);
    expect((await coverage(other.nik)).body.status).toBe('ACTIVE');
  });
});

describe('Idempotency-Key', () => {
  it('answers a replay with the same reply, writes nothing twice and sends one SMS', async () => {
    const ph = phone();
    const body = letter({ phone: ph.local });
    const key = randomUUID();
    const countsBefore = await countsFor(RT_A.rt);
    const first = await issue(token.chairA!, body, key);
    expect(first.status, first.text).toBe(201);
    const second = await issue(token.chairA!, body, key);
    expect(second.status, second.text).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.body.verifyUrl).toBe(first.body.verifyUrl);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    // The resident's phone written another way is the same request.
    const third = await issue(token.chairA!, { ...body, phone: ph.e164 }, key);
    expect(third.status).toBe(201);
    expect(third.body.id).toBe(first.body.id);

    expect(await smsTo(ph.e164)).toHaveLength(1);
    const mine = (await walk(token.verifier!, `rt=${RT_A.rt}`, 100))
      .flat()
      .filter((a: Json) => a.resident.nik === body.nik);
    expect(mine.map((a: Json) => a.id)).toEqual([first.body.id]);
    expect((await resident(body.nik)).body.history).toHaveLength(1);
    const counts = await countsFor(RT_A.rt);
    expect(counts.issued).toBe(countsBefore.issued + 1);
    expect(counts.pending).toBe(countsBefore.pending + 1);
  });

  it('answers 422 when the same key comes with another body, and writes nothing', async () => {
    const key = randomUUID();
    const body = letter();
    await issue(token.chairA!, body, key);
    const other = letter();
    const res = await issue(token.chairA!, other, key);
    expect(res.status, res.text).toBe(422);
    expect(res.body.error).toBe('IdempotencyKeyReused');
    expect((await coverage(other.nik)).status).toBe(404);
    // Same resident, another reason: still another request.
    const changed = await issue(token.chairA!, { ...body, reason: 'Alasan lain sama sekali' }, key);
    expect(changed.status).toBe(422);
    // Another chair may use the very same key for its own letter.
    expect((await issue(token.chairB!, letter(), key)).status).toBe(201);
  });

  it('answers 20 concurrent POSTs with the same key all 201 with one id, one letter and one SMS', async () => {
    const chair = token[RT_CONCURRENT.rt]!;
    const ph = phone();
    const body = letter({ phone: ph.local });
    const key = randomUUID();
    const replies = await Promise.all(Array.from({ length: 20 }, () => issue(chair, body, key)));
    expect(
      replies.map((r) => r.status),
      replies.map((r) => r.text.slice(0, 200)).join('\n'),
    ).toEqual(Array(20).fill(201));
    expect(new Set(replies.map((r) => r.body.id)).size).toBe(1);
    expect(new Set(replies.map((r) => r.body.verifyUrl)).size).toBe(1);
    const listed = (await walk(chair, '', 100)).flat().filter((a: Json) => a.resident.nik === body.nik);
    expect(listed).toHaveLength(1);
    expect(await smsTo(ph.e164)).toHaveLength(1);
    expect((await resident(body.nik)).body.history).toHaveLength(1);
    expect((await countsFor(RT_CONCURRENT.rt)).issued).toBe(1);
  });

  it('lets exactly one of several concurrent letters for the same NIK (different keys) through; the rest 409', async () => {
    const chair = token[RT_CONCURRENT.rt]!;
    const body = letter();
    const before = (await countsFor(RT_CONCURRENT.rt)).issued;
    const replies = await Promise.all(Array.from({ length: 6 }, () => issue(chair, body)));
    const statuses = replies.map((r) => r.status).sort();
    expect(statuses, replies.map((r) => r.text.slice(0, 200)).join('\n')).toEqual([
      201, 409, 409, 409, 409, 409,
    ]);
    expect((await resident(body.nik)).body.history).toHaveLength(1);
    expect((await countsFor(RT_CONCURRENT.rt)).issued).toBe(before + 1);
  });
});

describe('daily limit', () => {
  it('refuses a chair’s letter over ATTESTATION_DAILY_LIMIT with 429 and writes nothing', async () => {
    const saved = process.env.ATTESTATION_DAILY_LIMIT;
    process.env.ATTESTATION_DAILY_LIMIT = '3';
    resetConfig();
    try {
      const chair = token[RT_LIMIT.rt]!;
      const third = letter();
      const thirdKey = randomUUID();
      for (let i = 0; i < 2; i++) await issued(chair, letter());
      const thirdReply = await issue(chair, third, thirdKey);
      expect(thirdReply.status).toBe(201);
      const over = letter();
      const res = await issue(chair, over);
      expect(res.status, res.text).toBe(429);
      // A retry of a letter already issued (the phone lost the first answer) is still answered, not refused.
      const retried = await issue(chair, third, thirdKey);
      expect(retried.status, retried.text).toBe(201);
      expect(retried.body).toEqual(thirdReply.body);
      expect(res.body).toMatchObject({ error: 'DailyLimitReached', limit: 3 });
      expect(res.body.message).toMatch(/3 letters a day/);
      expect((await coverage(over.nik)).status).toBe(404);
      const counts = await call('GET', `/attestations/counts?month=${wibMonth()}`, { as: token.verifier });
      expect(counts.body.dailyLimitPerRt).toBe(3);
      expect(counts.body.rts.find((r: Json) => r.rt === RT_LIMIT.rt)).toMatchObject({
        issued: 3,
        pending: 3,
      });
      // The limit is the RT's: another account of the same RT is refused too; another RT's chair is not.
      const deputy = await devToken({ role: 'rt_chair', rt: RT_LIMIT.rt, sub: 'deputy-limit' });
      const byDeputy = await issue(deputy, over);
      expect(byDeputy.status, byDeputy.text).toBe(429);
      expect(byDeputy.body).toMatchObject({ error: 'DailyLimitReached', limit: 3 });
      expect(res.body.message).toMatch(/all its chairs' accounts together/);
      expect((await coverage(over.nik)).status).toBe(404);
    } finally {
      if (saved === undefined) delete process.env.ATTESTATION_DAILY_LIMIT;
      else process.env.ATTESTATION_DAILY_LIMIT = saved;
      resetConfig();
    }
  });
});

describe('GET /attestations', () => {
  it('shows a chair only its own RT; another RT is a 403', async () => {
    const mine = await issued(token.chairA!, letter());
    const own = await call('GET', '/attestations?limit=100', { as: token.chairA });
    expect(own.status).toBe(200);
    expect(own.body.items.length).toBeGreaterThan(0);
    expect(own.body.items.every((a: Json) => a.rt === RT_A.rt)).toBe(true);
    expect(own.body.items.map((a: Json) => a.id)).toContain(mine.id);
    expect(own.body.items[0]).not.toHaveProperty('codeHash');
    expect(own.body.items[0]).not.toHaveProperty('periodSk');
    expect((await call('GET', `/attestations?rt=${RT_A.rt}`, { as: token.chairA })).status).toBe(200);
    const other = await call('GET', `/attestations?rt=${RT_B.rt}`, { as: token.chairA });
    expect(other.status).toBe(403);
    const otherPending = await call('GET', `/attestations?status=PENDING_REVIEW&rt=${RT_B.rt}`, {
      as: token.chairA,
    });
    expect(otherPending.status).toBe(403);
  });

  it('pages through an RT’s letters with a cursor, newest or oldest first, without duplicates', async () => {
    const chair = token[RT_PAGES.rt]!;
    const ids: string[] = [];
    for (let i = 0; i < 7; i++) ids.push((await issued(chair, letter({ name: `Warga Halaman ${i}` }))).id);
    for (const order of ['newest', 'oldest'] as const) {
      const pages = await walk(token.verifier!, `status=PENDING_REVIEW&rt=${RT_PAGES.rt}&order=${order}`, 3);
      expect(pages.length).toBeGreaterThanOrEqual(3);
      const seen = pages.flat();
      expect(seen.map((a: Json) => a.id).sort()).toEqual([...ids].sort());
      const times = seen.map((a: Json) => `${a.issuedAt}#${a.id}`);
      const sorted = [...times].sort();
      expect(times).toEqual(order === 'oldest' ? sorted : sorted.reverse());
    }
    // The chair walks its own RT the same way.
    expect((await walk(chair, 'order=oldest', 2)).flat().map((a: Json) => a.id)).toEqual(ids);
  });

  it('pages through every RT’s pending letters for a verifier', async () => {
    const pages = await walk(token.verifier!, 'status=PENDING_REVIEW&order=oldest', 10);
    const all = pages.flat();
    expect(new Set(all.map((a: Json) => a.id)).size).toBe(all.length);
    expect(all.every((a: Json) => a.status === 'PENDING_REVIEW')).toBe(true);
    const rts = new Set(all.map((a: Json) => a.rt));
    expect(rts.has(RT_A.rt) && rts.has(RT_PAGES.rt)).toBe(true);
  });

  it('refuses a cursor it did not hand out with 400 naming cursor: edited, forged, or another RT’s', async () => {
    const first = await call('GET', `/attestations?rt=${RT_PAGES.rt}&limit=2`, { as: token.verifier });
    expect(first.body.cursor).toEqual(expect.any(String));
    const cursor: string = first.body.cursor;
    // Sealed: no key shows through, and changing any byte of it makes it no cursor at all.
    expect(Buffer.from(cursor, 'base64url').toString('latin1')).not.toContain(RT_PAGES.rt);
    const raw = Buffer.from(cursor, 'base64url');
    const flipped = (i: number) => {
      const copy = Buffer.from(raw);
      copy[i] = copy[i]! ^ 1;
      return copy.toString('base64url');
    };
    const enc = (k: unknown) => Buffer.from(JSON.stringify(k)).toString('base64url');
    const bad = [
      'not-a-cursor',
      `${cursor.slice(0, -3)}xyz`,
      flipped(0),
      flipped(5),
      flipped(raw.length - 1),
      enc({ pk: 'ATT#x', sk: 'ATT', gsi2pk: `RT#${RT_PAGES.rt}`, gsi2sk: '2026' }),
    ];
    for (const c of bad) {
      const res = await call(
        'GET',
        `/attestations?rt=${RT_PAGES.rt}&limit=2&cursor=${encodeURIComponent(c)}`,
        {
          as: token.verifier,
        },
      );
      expect(issuePaths(res), c).toEqual(['cursor']);
    }
    // The cursor of one RT is not accepted for another.
    const elsewhere = await call('GET', `/attestations?rt=${RT_A.rt}&cursor=${encodeURIComponent(cursor)}`, {
      as: token.verifier,
    });
    expect(issuePaths(elsewhere)).toEqual(['cursor']);
  });

  it('answers 400 for a bad status, order or limit', async () => {
    expect(issuePaths(await call('GET', '/attestations?status=OPEN', { as: token.verifier }))).toEqual([
      'status',
    ]);
    expect(issuePaths(await call('GET', '/attestations?order=random', { as: token.verifier }))).toEqual([
      'order',
    ]);
    expect(issuePaths(await call('GET', '/attestations?limit=0', { as: token.verifier }))).toEqual(['limit']);
    expect(issuePaths(await call('GET', '/attestations?rt=RT3', { as: token.verifier }))).toEqual(['rt']);
  });
});

describe('GET /attestations/{id}', () => {
  it('shows a letter with its audit trail to verifiers and its RT, and hides it from other RTs', async () => {
    const body = letter({ facility: 'RSUD Raden Mattaher' });
    const att = await issued(token.chairA!, body);
    const res = await call('GET', `/attestations/${att.id}`, { as: token.verifier });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: att.id,
      status: 'PENDING_REVIEW',
      rt: RT_A.rt,
      kelurahan: RT_A.kelurahan,
      resident: { nik: body.nik, name: body.name, birthDate: body.birthDate, sex: 'F' },
      reason: body.reason,
      facility: 'RSUD Raden Mattaher',
      issuedAt: att.issuedAt,
      issuedBy: 'chair-a',
      registered: true,
    });
    expect(res.body).not.toHaveProperty('codeHash');
    expect(res.body).not.toHaveProperty('periodSk');
    expect(res.body.audit).toEqual([
      expect.objectContaining({
        action: 'AttestationIssued',
        actor: { sub: 'chair-a', roles: ['rt_chair'], rt: RT_A.rt },
        at: att.issuedAt,
        reason: body.reason,
      }),
    ]);
    expect((await call('GET', `/attestations/${att.id}`, { as: token.admin })).status).toBe(200);
    expect((await call('GET', `/attestations/${att.id}`, { as: token.chairA2 })).status).toBe(200);
    expect((await call('GET', `/attestations/${att.id}`, { as: token.chairB })).status).toBe(404);
    expect((await call('GET', `/attestations/${randomUUID()}`, { as: token.verifier })).status).toBe(404);
    expect(issuePaths(await call('GET', '/attestations/not-an-id', { as: token.verifier }))).toEqual(['id']);
  });
});

describe('POST /attestations/{id}/decision', () => {
  it('approves: the coverage stays ACTIVE, the trail records it, a second decision is a 409', async () => {
    const ph = phone();
    const body = letter({ phone: ph.local });
    const att = await issued(token.chairAd!, body);
    const res = await decide(att.id, 'APPROVED', 'Sesuai data DTKS');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      id: att.id,
      status: 'APPROVED',
      decision: { decision: 'APPROVED', note: 'Sesuai data DTKS', by: 'verifier-1' },
      coverageClosed: false,
      coverage: { status: 'ACTIVE', scheme: 'PBI_APBD', since: att.issuedAt },
    });
    expect((await coverage(body.nik)).body).toMatchObject({ covered: true, status: 'ACTIVE' });
    const got = (await call('GET', `/attestations/${att.id}`, { as: token.verifier })).body;
    expect(got.status).toBe('APPROVED');
    expect(got.audit.map((a: Json) => a.action)).toEqual(['AttestationIssued', 'AttestationDecided']);
    expect(got.audit[1]).toMatchObject({
      actor: { sub: 'verifier-1' },
      reason: 'Sesuai data DTKS',
      before: { status: 'PENDING_REVIEW' },
      after: { status: 'APPROVED', coverageClosed: false },
    });
    const again = await decide(att.id, 'REJECTED');
    expect(again.status).toBe(409);
    expect((await coverage(body.nik)).body.status).toBe('ACTIVE');
    expect((await call('GET', `/verify/${codeOf(att.verifyUrl)}`)).body.status).toBe('APPROVED');
    // Only the issue SMS: approving tells the resident nothing new.
    expect(await smsTo(ph.e164)).toHaveLength(1);
  });

  it('rejects: the coverage period closes (INACTIVE, history kept), an SMS tells the resident', async () => {
    const ph = phone();
    const body = letter({ phone: ph.local });
    const att = await issued(token.chairAd!, body);
    const res = await decide(att.id, 'REJECTED', 'Warga mampu, punya usaha');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      status: 'REJECTED',
      coverageClosed: true,
      coverage: { covered: false, status: 'INACTIVE', scheme: 'PBI_APBD', source: 'ATTESTATION_REJECTED' },
    });
    expect((await coverage(body.nik)).body).toMatchObject({ covered: false, status: 'INACTIVE' });
    const history = (await resident(body.nik)).body.history;
    expect(history).toHaveLength(2);
    expect(history[0]).toMatchObject({
      status: 'INACTIVE',
      scheme: 'PBI_APBD',
      source: 'ATTESTATION_REJECTED',
    });
    expect(history[0].validTo).toBeUndefined();
    expect(history[1]).toMatchObject({
      status: 'ACTIVE',
      source: 'ATTESTATION',
      validFrom: att.issuedAt,
      validTo: history[0].validFrom,
    });

    const sms = await smsTo(ph.e164);
    expect(sms.map((s) => s.purpose)).toEqual(['attestation-rejected', 'attestation-issued']);
    expect(sms[0]!.text).toMatch(/tidak (disetujui|aktif)/i);
    expect(sms[0]!.text.length).toBeLessThanOrEqual(160);
    expect(sms[0]).toMatchObject({ encoding: 'GSM-7', parts: 1 });
    expect(sms[0]!.text).not.toContain(body.nik);

    expect((await decide(att.id, 'APPROVED')).status).toBe(409);
    expect((await decide(att.id, 'REJECTED')).status).toBe(409);
    expect((await coverage(body.nik)).body.status).toBe('INACTIVE');
    expect(await smsTo(ph.e164)).toHaveLength(2);

    const verified = await call('GET', `/verify/${codeOf(att.verifyUrl)}`);
    expect(verified.body).toMatchObject({ valid: true, status: 'REJECTED' });
    const page = await call('GET', `/verify/${codeOf(att.verifyUrl)}`, { headers: { accept: 'text/html' } });
    expect(page.text).toMatch(/ditolak/);
    // A rejected resident may be attested again later: the old letter no longer blocks them.
    expect((await issue(token.chairAd!, body)).status).toBe(201);
  });

  it('leaves coverage an admin changed since alone when rejecting (coverageClosed false, no SMS)', async () => {
    const ph = phone();
    const body = letter({ phone: ph.local });
    const att = await issued(token.chairAd!, body);
    const put = await call('PUT', `/residents/${body.nik}/coverage`, {
      as: token.admin,
      json: { scheme: 'PBI_APBN', status: 'ACTIVE', reason: 'Masuk DTKS pusat' },
    });
    expect(put.status, put.text).toBe(200);
    const res = await decide(att.id, 'REJECTED', 'Sudah dapat PBI APBN');
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({
      status: 'REJECTED',
      coverageClosed: false,
      coverage: { status: 'ACTIVE', scheme: 'PBI_APBN' },
    });
    expect((await coverage(body.nik)).body).toMatchObject({
      covered: true,
      scheme: 'PBI_APBN',
      status: 'ACTIVE',
    });
    expect((await resident(body.nik)).body.history).toHaveLength(2);
    const sms = await smsTo(ph.e164);
    expect(sms.map((s) => s.purpose)).not.toContain('attestation-rejected');
  });

  it('decides once when two verifiers decide at the same moment', async () => {
    const body = letter();
    const att = await issued(token.chairAd!, body);
    const other = await devToken({ role: 'social_verifier', sub: 'verifier-2' });
    const [a, b] = await Promise.all([
      decide(att.id, 'APPROVED'),
      decide(att.id, 'REJECTED', 'Tidak layak', other),
    ]);
    expect([a.status, b.status].sort()).toEqual([200, 409]);
    const winner = a.status === 200 ? a.body : b.body;
    expect((await coverage(body.nik)).body.status).toBe(winner.status === 'APPROVED' ? 'ACTIVE' : 'INACTIVE');
    const got = (await call('GET', `/attestations/${att.id}`, { as: token.verifier })).body;
    expect(got.audit.filter((x: Json) => x.action === 'AttestationDecided')).toHaveLength(1);
  });

  it('answers 400 naming decision or note, 404 for an unknown letter', async () => {
    const att = await issued(token.chairAd!, letter());
    const post = (json: unknown) =>
      call('POST', `/attestations/${att.id}/decision`, { as: token.verifier, json });
    expect(issuePaths(await post({ decision: 'MAYBE', note: 'Sudah dicek' }))).toEqual(['decision']);
    expect(issuePaths(await post({ decision: 'APPROVED' }))).toEqual(['note']);
    expect(issuePaths(await post({ decision: 'APPROVED', note: ' ' }))).toEqual(['note']);
    expect((await call('GET', `/attestations/${att.id}`, { as: token.verifier })).body.status).toBe(
      'PENDING_REVIEW',
    );
    expect((await decide(randomUUID(), 'APPROVED')).status).toBe(404);
  });
});

describe('GET /attestations/counts', () => {
  it('counts each RT’s letters this month and where their review stands; totals add up', async () => {
    const chair = token[RT_COUNTS.rt]!;
    const a = await issued(chair, letter());
    const b = await issued(chair, letter());
    await issued(chair, letter());
    expect((await decide(a.id, 'APPROVED')).status).toBe(200);
    expect((await decide(b.id, 'REJECTED')).status).toBe(200);
    const res = await call('GET', `/attestations/counts?month=${wibMonth()}`, { as: token.admin });
    expect(res.status).toBe(200);
    expect(res.body.month).toBe(wibMonth());
    expect(res.body).toMatchObject({ dailyLimitPerRt: 100, dailyLimitPerChair: 100 });
    expect(res.body.rts.find((r: Json) => r.rt === RT_COUNTS.rt)).toEqual({
      rt: RT_COUNTS.rt,
      issued: 3,
      pending: 1,
      approved: 1,
      rejected: 1,
    });
    for (const r of res.body.rts) expect(r.issued).toBe(r.pending + r.approved + r.rejected);
    for (const k of ['issued', 'pending', 'approved', 'rejected'])
      expect(res.body.totals[k]).toBe(res.body.rts.reduce((t: number, r: Json) => t + r[k], 0));
    // Without a month: this month.
    expect((await call('GET', '/attestations/counts', { as: token.verifier })).body.month).toBe(wibMonth());
    const empty = await call('GET', '/attestations/counts?month=2001-01', { as: token.verifier });
    expect(empty.body).toMatchObject({ rts: [], totals: { issued: 0 } });
    expect(
      issuePaths(await call('GET', '/attestations/counts?month=2026-13', { as: token.verifier })),
    ).toEqual(['month']);
  });
});

describe('the daily review reminder', () => {
  it('tells the verifiers’ topic, once a day, which RTs have letters pending past the review days', async () => {
    const chair = token[RT_REVIEW.rt]!;
    const body = letter();
    await issued(chair, body);
    const topicsBefore = (await topics()).length;
    const date = wibDay(15);
    const run = await call('POST', `/dev/jobs/attestation-review?date=${date}`);
    expect(run.status, run.text).toBe(200);
    expect(run.body).toMatchObject({ date, olderThanDays: 14, notified: true });
    expect(run.body.byRt).toContainEqual(expect.objectContaining({ rt: RT_REVIEW.rt, count: 1 }));
    const sent = await topics();
    expect(sent.length).toBe(topicsBefore + 1);
    const msg = sent[0]!;
    expect(msg).toMatchObject({ channel: 'topic', topic: 'verifiers' });
    expect(msg.subject.length).toBeLessThanOrEqual(100);
    expect(msg.text).toContain(RT_REVIEW.rt);
    expect(msg.text).toContain(`${run.body.overdue} surat`);
    expect(`${msg.subject}\n${msg.text}`).not.toMatch(/\d{16}/);
    expect(msg.text).not.toContain(body.nik);

    const again = await call('POST', `/dev/jobs/attestation-review?date=${date}`);
    expect(again.status).toBe(200);
    expect(again.body).toMatchObject({ notified: false });
    expect((await topics()).length).toBe(topicsBefore + 1);
  });

  it('does not remind about letters younger than ATTESTATION_REVIEW_DAYS (env)', async () => {
    await issued(token[RT_REVIEW.rt]!, letter());
    const topicsBefore = (await topics()).length;
    const today = await call('POST', `/dev/jobs/attestation-review?date=${wibDay(0)}`);
    expect(today.body).toMatchObject({ overdue: 0, notified: false });
    const saved = process.env.ATTESTATION_REVIEW_DAYS;
    process.env.ATTESTATION_REVIEW_DAYS = '3';
    resetConfig();
    try {
      const early = await call('POST', `/dev/jobs/attestation-review?date=${wibDay(2)}`);
      expect(early.body).toMatchObject({ olderThanDays: 3, overdue: 0, notified: false });
      const due = await call('POST', `/dev/jobs/attestation-review?date=${wibDay(3)}`);
      expect(due.body).toMatchObject({ olderThanDays: 3, notified: true });
      expect(due.body.byRt.map((r: Json) => r.rt)).toContain(RT_REVIEW.rt);
    } finally {
      if (saved === undefined) delete process.env.ATTESTATION_REVIEW_DAYS;
      else process.env.ATTESTATION_REVIEW_DAYS = saved;
      resetConfig();
    }
    expect((await topics()).length).toBe(topicsBefore + 1);
    expect((await call('POST', '/dev/jobs/attestation-review?date=tomorrow')).status).toBe(400);
    expect((await call('POST', '/dev/jobs/no-such-job')).status).toBe(404);
  });
});

describe('GET /attestations/{id}/letter', () => {
  it('gives the issuing chair, verifiers and admins a printable A5 letter with an inline QR code', async () => {
    const body = letter({ name: 'Siti Wulandari', facility: 'Puskesmas Olak Kemang' });
    const att = await issued(token.chairA!, body);
    const res = await call('GET', `/attestations/${att.id}/letter`, { as: token.chairA });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/html/);
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.text).toMatch(/^<!doctype html>/i);
    expect(res.text).toContain('SURAT KETERANGAN');
    expect(res.text).toMatch(/@page\s*\{[^}]*size:\s*A5/);
    expect(res.text).toContain('Siti Wulandari');
    expect(res.text).toContain(body.nik);
    expect(res.text).toContain('Puskesmas Olak Kemang');
    expect(res.text).toContain(RT_A.chairName!);
    expect(res.text).toMatch(/<svg[\s>]/);
    expect(res.text).toContain(att.verifyUrl);
    expect(res.text).not.toMatch(/<script|src="http/);
    for (const as of [token.verifier, token.admin]) {
      const staff = await call('GET', `/attestations/${att.id}/letter`, { as });
      expect(staff.status).toBe(200);
      expect(staff.text).toContain(att.verifyUrl);
    }
    expect((await call('GET', `/attestations/${att.id}/letter`, { as: token.chairB })).status).toBe(404);
    expect((await call('GET', `/attestations/${att.id}/letter`, { as: token.chairA2 })).status).toBe(404);
    expect((await call('GET', `/attestations/${randomUUID()}/letter`, { as: token.verifier })).status).toBe(
      404,
    );
  });
});

describe('markup in what a chair types', () => {
  it('is shown as text on the letter and the verify page, never run', async () => {
    const body = letter({
      name: '<img src=x onerror=alert(1)> Siti',
      reason: 'Sakit </p><script>alert(1)</script>',
      facility: 'RS "Bahagia" & Co',
    });
    const att = await issued(token.chairA!, body);
    const html = (await call('GET', `/attestations/${att.id}/letter`, { as: token.chairA })).text;
    expect(html).not.toContain('<img src=x');
    expect(html).not.toContain('<script>');
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt; Siti');
    expect(html).toContain('RS &quot;Bahagia&quot; &amp; Co');
    const page = await call('GET', `/verify/${codeOf(att.verifyUrl)}`, { headers: { accept: 'text/html' } });
    expect(page.text).toContain('&lt;*** s*** o*** S***');
    expect(page.text).not.toContain('<***');
  });
});

describe('GET /verify/{code}', () => {
  it('tells anyone whether a letter is genuine, with the name masked and never the NIK', async () => {
    const body = letter({ name: 'Siti Wulandari' });
    const att = await issued(token.chairA!, body);
    const code = codeOf(att.verifyUrl);
    expect(code).toMatch(/^[A-Za-z0-9_-]{27}$/);
    const res = await call('GET', `/verify/${code}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      valid: true,
      status: 'PENDING_REVIEW',
      issuedAt: att.issuedAt,
      rt: RT_A.rt,
      name: 'S*** W***',
    });
    expect(res.text).not.toContain(body.nik);

    const html = await call('GET', `/verify/${code}`, {
      headers: { accept: 'text/html,application/xhtml+xml' },
    });
    expect(html.status).toBe(200);
    expect(html.headers.get('content-type')).toMatch(/^text\/html/);
    expect(html.text).toContain('S*** W***');
    expect(html.text).toContain('ASLI');
    expect(html.text).not.toContain(body.nik);
    expect(html.text).not.toContain('Wulandari');
  });

  it('answers 404 {valid: false} for an unknown or malformed code, as JSON or as a page', async () => {
    const att = await issued(token.chairA!, letter());
    const code = codeOf(att.verifyUrl);
    const flipped = `${code.slice(0, -1)}${code.endsWith('A') ? 'B' : 'A'}`;
    for (const c of [flipped, 'A'.repeat(27), 'abc', `${code}x`]) {
      const res = await call('GET', `/verify/${c}`);
      expect(res.status, c).toBe(404);
      expect(res.body).toEqual({ valid: false });
    }
    const page = await call('GET', `/verify/${flipped}`, { headers: { accept: 'text/html' } });
    expect(page.status).toBe(404);
    expect(page.text).toContain('Surat tidak ditemukan');
  });

  it('stores the code only as a hash: no item in any table holds the raw code', async () => {
    const att = await issued(token.chairA!, letter());
    const other = await issued(token.chairA!, letter());
    const code = codeOf(att.verifyUrl);
    expect(codeOf(other.verifyUrl)).not.toBe(code);
    for (const table of ['attestations', 'idempotency', 'audit', 'registry'] as const) {
      const items = await scan(table);
      expect(items.length).toBeGreaterThan(0);
      const holding = items.filter((item) => JSON.stringify(item).includes(code));
      expect(holding, table).toEqual([]);
    }
    // …and yet the code is recognised.
    expect((await call('GET', `/verify/${code}`)).status).toBe(200);
  });
});

describe('GET /rts/{rt}/residents', () => {
  it('lists the chair’s own RT by name, a page at a time, with coverage; another RT is a 403', async () => {
    const body = letter({ name: 'Aaron Attestasi' });
    await issued(token.chairA!, body);
    const seen: Json[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const q: string = cursor ? `&cursor=${cursor}` : '';
      const res = await call('GET', `/rts/${RT_A.rt}/residents?limit=7${q}`, { as: token.chairA });
      expect(res.status, res.text).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(7);
      seen.push(...res.body.items);
      cursor = res.body.cursor;
      pages++;
    } while (cursor && pages < 100);
    expect(pages).toBeGreaterThan(2);
    const niks = seen.map((r) => r.nik);
    expect(new Set(niks).size).toBe(niks.length);
    const names = seen.map((r) => `${r.name.toLowerCase()}#${r.nik}`);
    expect(names).toEqual([...names].sort());
    const all = await call('GET', `/rts/${RT_A.rt}/residents?limit=200`, { as: token.chairA });
    expect(all.body.items.map((r: Json) => r.nik)).toEqual(niks);
    expect(seen.find((r) => r.nik === body.nik)).toMatchObject({
      name: 'Aaron Attestasi',
      covered: true,
      coverage: { status: 'ACTIVE', scheme: 'PBI_APBD', source: 'ATTESTATION' },
    });
    expect(seen.every((r) => !('phone' in r))).toBe(true);

    expect((await call('GET', `/rts/${RT_B.rt}/residents`, { as: token.chairA })).status).toBe(403);
    expect((await call('GET', `/rts/${RT_B.rt}/residents`, { as: token.verifier })).status).toBe(200);
    expect(
      issuePaths(await call('GET', `/rts/${RT_A.rt}/residents?cursor=bm9wZQ`, { as: token.chairA })),
    ).toEqual(['cursor']);
  });

  it('accepts its own cursor when the page ends on a resident whose name contains “#”', async () => {
    const chair = token[RT_HASH.rt]!;
    // Sorted by name, this resident comes first in the RT: a page of one ends on them.
    await issued(chair, letter({ name: 'Aan #2 Saputra' }));
    const first = await call('GET', `/rts/${RT_HASH.rt}/residents?limit=1`, { as: chair });
    expect(first.status).toBe(200);
    expect(first.body.items[0].name).toBe('Aan #2 Saputra');
    expect(first.body.cursor).toEqual(expect.any(String));
    const next = await call('GET', `/rts/${RT_HASH.rt}/residents?limit=1&cursor=${first.body.cursor}`, {
      as: chair,
    });
    expect(next.status, next.text).toBe(200);
    expect(next.body.items[0].name).not.toBe('Aan #2 Saputra');
  });
});

describe('logs', () => {
  it('carry no NIK and no phone number through a whole letter’s life, at DEBUG level', async () => {
    const lines: string[] = [];
    const spies = (['log', 'info', 'warn', 'error', 'debug'] as const).map((level) =>
      vi.spyOn(console, level).mockImplementation((...args) => void lines.push(args.map(String).join(' '))),
    );
    logger.setLogLevel('DEBUG');
    const who = phone();
    const body = letter({ phone: who.local, facility: 'Puskesmas Contoh' });
    try {
      const chair = await devToken({ role: 'rt_chair', rt: RT_B.rt, sub: 'chair-b-logs' });
      const first = await issued(chair, body);
      await issue(chair, { ...body, reason: 'Another reason entirely' }, randomUUID());
      await call('GET', `/coverage/${body.nik}`, { as: token.clinic });
      await call('GET', `/attestations/${first.id}/letter`, { as: chair });
      await call('GET', `/verify/${codeOf(first.verifyUrl)}`);
      expect((await decide(first.id, 'REJECTED', 'Bukan warga RT ini')).status).toBe(200);
      await call('POST', `/dev/jobs/attestation-review?date=${wibDay(30)}`);
      await sys.bus.drain();
    } finally {
      logger.setLogLevel('WARN');
      for (const spy of spies) spy.mockRestore();
    }
    const all = lines.join('\n');
    // The handlers did log (so the check below is not vacuous): the SMS lines at least.
    expect(all).toContain('SMS sent');
    expect(all).not.toContain(body.nik);
    expect(all).not.toMatch(/\d{16}/);
    expect(all).not.toContain(who.e164);
    expect(all).not.toContain(who.e164.slice(3));
  });
});
