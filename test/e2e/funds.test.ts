// End to end over HTTP: the RT fund ledger (Kampung Bahagia) through the whole local system — the city allocates
// (by amount, by the household tier, for a whole area), the RT chair records expenses and corrects them by
// reversal, and anyone reads an RT's account and its CSV without a token; every write is idempotent, refused when
// it would overspend, and leaves an audit record and a FundEntryRecorded event.
import { randomUUID } from 'node:crypto';
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, inject, it, vi } from 'vitest';
import { FUND_ENTRY_RECORDED, FUND_SOURCE } from '../../events/fund.ts';
import { demoRts } from '../../infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { areaName, placeOf } from '../../shared/city/regions.ts';
import type { AppEvent } from '../../shared/platform/bus.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import { tableName } from '../../shared/platform/tables.ts';
import { httpClient, issuePaths, type Json, type Res } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

const RTS = demoRts(12);
const RT_A = RTS[0]!; // 31 households
const RT_B = RTS[1]!;
const RT_TIER = RTS[2]!; // 166 households
const RT_PAGES = RTS[3]!;
const RT_AREA_1 = RTS[4]!; // 103 households, in the fifth demo kelurahan
const RT_AREA_2 = RTS[10]!; // 66 households, the same kelurahan
const AREA = RT_AREA_1.kelurahan;
const RT_H100 = RTS[5]!;
const RT_H59 = RTS[6]!;
const RT_H101 = RTS[7]!;
const RT_REV = RTS[8]!;
const RT_CSV = RTS[9]!;
const RT_RUSH = RTS[11]!;

const wibDay = (offsetDays = 0) =>
  new Date(Date.now() + 7 * 3600_000 + offsetDays * 86_400_000).toISOString().slice(0, 10);
const YEAR = Number(wibDay().slice(0, 4));
const TODAY = wibDay();

let sys: LocalSystem;
const token: Record<string, string> = {};
const published: AppEvent[] = [];
const call = httpClient(() => sys.url);

const ADMIN_SUB = 'admin-sub-5f3a9c';
const chairSub = (rt: string) => `chair-sub-${rt}-7d1e`;

async function devToken(req: { role: string; rt?: string; sub?: string }): Promise<string> {
  const res = await call('POST', '/auth/dev-token', { json: req });
  expect(res.status, res.text).toBe(200);
  return res.body.token;
}

const key = () => randomUUID();
const fund = (rt: string, year = YEAR) => `/funds/${rt}/${year}`;

const allocateReq = (rt: string, body: Record<string, unknown>, k: string | null = key(), as = token.admin) =>
  call('POST', `${fund(rt)}/allocations`, {
    as,
    json: body,
    headers: k === null ? {} : { 'idempotency-key': k },
  });

function expense(over: Record<string, unknown> = {}) {
  return {
    amount: 250_000,
    category: 'CLEAN_WATER',
    date: TODAY,
    description: 'Pipa dan kran air bersih',
    vendor: 'Toko Bangunan Sinar',
    ...over,
  };
}
const spend = (rt: string, body: unknown, k: string | null = key(), as = token[rt]) =>
  call('POST', `${fund(rt)}/expenses`, {
    as,
    json: body,
    headers: k === null ? {} : { 'idempotency-key': k },
  });
const reverse = (rt: string, entryId: string, as: string | undefined, reason = 'Salah catat nominal') =>
  call('POST', `${fund(rt)}/entries/${entryId}/reversal`, { as, json: { reason } });

async function allocated(rt: string, amount: number) {
  const res = await allocateReq(rt, { amount, note: 'Alokasi uji' });
  expect(res.status, res.text).toBe(201);
  return res.body;
}
async function spent(rt: string, over: Record<string, unknown> = {}) {
  const res = await spend(rt, expense(over));
  expect(res.status, res.text).toBe(201);
  return res.body;
}
async function account(rt: string, query = ''): Promise<Json> {
  const res = await call('GET', `${fund(rt)}${query}`);
  expect(res.status, res.text).toBe(200);
  return res.body;
}

/** Every entry of an RT's fund through the public listing, following cursors. */
async function walk(rt: string, limit: number) {
  const ids: string[] = [];
  let cursor: string | null = null;
  for (let pages = 0; pages < 50; pages++) {
    const res: Res = await call(
      'GET',
      `${fund(rt)}?limit=${limit}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`,
    );
    expect(res.status, res.text).toBe(200);
    expect(res.body.entries.length).toBeLessThanOrEqual(limit);
    ids.push(...res.body.entries.map((e: { entryId: string }) => e.entryId));
    cursor = res.body.cursor;
    if (!cursor) break;
  }
  return ids;
}

async function auditOf(rt: string) {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName('audit'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': `FUND#${rt}#${YEAR}` },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

const eventsOf = (rt: string) =>
  published
    .filter((e) => e.source === FUND_SOURCE && e.detailType === FUND_ENTRY_RECORDED)
    .map((e) => e.detail as Json)
    .filter((d) => d.rt === rt);

/** Nothing personal in what the public sees: no recordedBy, no user sub, no NIK-like number. */
function expectNothingPersonal(text: string) {
  expect(text).not.toContain('recordedBy');
  expect(text).not.toContain(ADMIN_SUB);
  expect(text).not.toContain('chair-sub-');
  expect(text).not.toMatch(/\d{16}/);
}

beforeAll(async () => {
  await useFreshTables();
  resetConfig();
  sys = await startLocalSystem({
    port: 0,
    dynamoEndpoint: inject('dynamoEndpoint'),
    seed: true,
    quiet: true,
  });
  const publish = sys.bus.publish.bind(sys.bus);
  vi.spyOn(sys.bus, 'publish').mockImplementation(async (events) => {
    published.push(...events);
    return publish(events);
  });
  token.admin = await devToken({ role: 'city_admin', sub: ADMIN_SUB });
  token.clinic = await devToken({ role: 'clinic' });
  token.verifier = await devToken({ role: 'social_verifier' });
  for (const rt of RTS) token[rt.rt] = await devToken({ role: 'rt_chair', rt: rt.rt, sub: chairSub(rt.rt) });
});

afterAll(async () => {
  vi.useRealTimers();
  resetConfig();
  await sys?.stop();
});

describe('who may do what', () => {
  it('answers 401 without a token on every write and on the city list', async () => {
    const id = '000000000-000000000000';
    const routes: [string, string][] = [
      ['POST', `${fund(RT_A.rt)}/allocations`],
      ['POST', `/funds/${YEAR}/allocations`],
      ['POST', `${fund(RT_A.rt)}/expenses`],
      ['POST', `${fund(RT_A.rt)}/entries/${id}/reversal`],
      ['GET', `/funds?year=${YEAR}`],
    ];
    for (const [method, path] of routes) {
      for (const as of [null, 'junk']) {
        const res = await call(method, path, {
          as,
          json: { ...expense(), note: 'Alokasi', reason: 'Salah catat' },
          headers: { 'idempotency-key': key() },
        });
        expect(res.status, `${method} ${path} as ${as}`).toBe(401);
      }
    }
    expect((await account(RT_A.rt)).entries).toEqual([]);
  });

  it('answers 403 to a chair writing another RT’s fund, and to roles the route does not admit', async () => {
    await allocated(RT_B.rt, 1_000_000);
    const theirs = await spent(RT_B.rt, { amount: 10_000 });
    const wrong: [string, string, unknown, string][] = [
      ['POST', `${fund(RT_B.rt)}/expenses`, expense(), token[RT_A.rt]!],
      [
        'POST',
        `${fund(RT_B.rt)}/entries/${theirs.entryId}/reversal`,
        { reason: 'Bukan punya saya' },
        token[RT_A.rt]!,
      ],
      ['POST', `${fund(RT_A.rt)}/allocations`, { amount: 1_000, note: 'Alokasi' }, token.clinic!],
      ['POST', `${fund(RT_A.rt)}/allocations`, { amount: 1_000, note: 'Alokasi' }, token[RT_A.rt]!],
      ['POST', `/funds/${YEAR}/allocations`, { note: 'Alokasi' }, token.clinic!],
      ['POST', `/funds/${YEAR}/allocations`, { note: 'Alokasi' }, token[RT_A.rt]!],
      ['POST', `${fund(RT_A.rt)}/expenses`, expense(), token.admin!],
      ['POST', `${fund(RT_A.rt)}/expenses`, expense(), token.clinic!],
      ['GET', `/funds?year=${YEAR}`, undefined, token.clinic!],
      ['GET', `/funds?year=${YEAR}`, undefined, token[RT_A.rt]!],
    ];
    for (const [method, path, json, as] of wrong) {
      const res = await call(method, path, {
        as,
        ...(json === undefined ? {} : { json }),
        headers: { 'idempotency-key': key() },
      });
      expect(res.status, `${method} ${path}: ${res.text}`).toBe(403);
    }
    // None of it wrote anything.
    expect((await account(RT_B.rt)).entries).toHaveLength(2);
    expect((await account(RT_A.rt)).entries).toHaveLength(0);
  });
});

describe('allocations', () => {
  it('allocates the tier by the RT’s own households once a year: a second is 409', async () => {
    const first = await allocateReq(RT_TIER.rt, { note: 'Dana Kampung Bahagia' });
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({ entryId: expect.any(String), balance: 100_000_000 });
    expect(first.body.entry).toMatchObject({ kind: 'ALLOCATION', direction: 'CREDIT', amount: 100_000_000 });
    const second = await allocateReq(RT_TIER.rt, { note: 'Dana Kampung Bahagia lagi' });
    expect(second.status, second.text).toBe(409);
    // Giving the households does not make it a new tier allocation either.
    const third = await allocateReq(RT_TIER.rt, { households: 30, note: 'Dana Kampung Bahagia lagi' });
    expect(third.status, third.text).toBe(409);
    expect((await account(RT_TIER.rt)).balance).toBe(100_000_000);
  });

  it('takes the households from the body: 100 → Rp 70 million, 59 → Rp 50 million, 101 → Rp 100 million', async () => {
    for (const [rt, households, amount] of [
      [RT_H100, 100, 70_000_000],
      [RT_H59, 59, 50_000_000],
      [RT_H101, 101, 100_000_000],
    ] as const) {
      const res = await allocateReq(rt.rt, { households, note: 'Dana Kampung Bahagia' });
      expect(res.status, res.text).toBe(201);
      expect(res.body.entry.amount).toBe(amount);
    }
  });

  it('replays an allocation by its key, refuses the key with another body, and validates the body', async () => {
    const k = key();
    const first = await allocateReq(RT_CSV.rt, { amount: 2_000_000, note: 'Tambahan dana' }, k);
    expect(first.status, first.text).toBe(201);
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    const again = await allocateReq(RT_CSV.rt, { amount: 2_000_000, note: 'Tambahan dana' }, k);
    expect(again.status, again.text).toBe(201);
    expect(again.body.entryId).toBe(first.body.entryId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await allocateReq(RT_CSV.rt, { amount: 3_000_000, note: 'Tambahan dana' }, k);
    expect(other.status, other.text).toBe(422);
    expect(other.body.error).toBe('IdempotencyKeyReused');
    expect(issuePaths(await allocateReq(RT_CSV.rt, { amount: 1_000, note: 'Tambahan' }, null))).toEqual([
      'Idempotency-Key',
    ]);
    for (const amount of [0, -5, 1.5, '100'])
      expect(issuePaths(await allocateReq(RT_CSV.rt, { amount, note: 'Tambahan' }))).toEqual(['amount']);
    expect((await account(RT_CSV.rt)).allocated).toBe(2_000_000);
  });

  it('allocates a whole area by tier, and running it twice allocates once', async () => {
    const first = await call('POST', `/funds/${YEAR}/allocations`, {
      as: token.admin,
      json: { area: AREA, note: 'Dana Kampung Bahagia tahunan' },
    });
    expect(first.status, first.text).toBe(200);
    expect(first.body).toMatchObject({
      year: YEAR,
      area: AREA,
      rts: 2,
      allocated: 2,
      skipped: 0,
      amount: 170_000_000,
    });
    const second = await call('POST', `/funds/${YEAR}/allocations`, {
      as: token.admin,
      json: { area: AREA, note: 'Dana Kampung Bahagia tahunan' },
    });
    expect(second.status, second.text).toBe(200);
    expect(second.body).toMatchObject({ rts: 2, allocated: 0, skipped: 2, amount: 0 });
    expect((await account(RT_AREA_1.rt)).allocated).toBe(100_000_000);
    expect((await account(RT_AREA_2.rt)).allocated).toBe(70_000_000);
    expect((await account(RT_AREA_2.rt)).entries).toHaveLength(1);
    expect(
      issuePaths(
        await call('POST', `/funds/${YEAR}/allocations`, {
          as: token.admin,
          json: { area: '1571', note: 'Dana' },
        }),
      ),
    ).toEqual(['area']);
  });
});

describe('expenses', () => {
  it('records an expense: 201 {entryId, balance}; a replay is the same entry; another body with the key is 422', async () => {
    await allocated(RT_A.rt, 1_000_000);
    const k = key();
    const body = expense({ amount: 250_000 });
    const first = await spend(RT_A.rt, body, k);
    expect(first.status, first.text).toBe(201);
    expect(first.body).toMatchObject({
      entryId: expect.stringMatching(/^[0-9a-z]{9}-[0-9a-f]{12}$/),
      balance: 750_000,
    });
    expect(first.body.entry).toMatchObject({
      kind: 'EXPENSE',
      direction: 'DEBIT',
      amount: 250_000,
      category: 'CLEAN_WATER',
      date: TODAY,
    });
    expectNothingPersonal(first.text);
    const again = await spend(RT_A.rt, body, k);
    expect(again.status, again.text).toBe(201);
    expect(again.body.entryId).toBe(first.body.entryId);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    const other = await spend(RT_A.rt, { ...body, amount: 250_001 }, k);
    expect(other.status, other.text).toBe(422);
    expect(other.body.error).toBe('IdempotencyKeyReused');
    const acc = await account(RT_A.rt);
    expect(acc).toMatchObject({ allocated: 1_000_000, spent: 250_000, balance: 750_000 });
    expect(acc.entries).toHaveLength(2);
  });

  it('answers 400 naming the field for a bad amount, category, date or a missing Idempotency-Key', async () => {
    const before = (await account(RT_A.rt)).entries.length;
    for (const amount of [0, 1.5, '100', -1, undefined])
      expect(issuePaths(await spend(RT_A.rt, expense({ amount }))), `amount ${amount}`).toEqual(['amount']);
    expect(issuePaths(await spend(RT_A.rt, expense({ category: 'ROKOK' })))).toEqual(['category']);
    expect(issuePaths(await spend(RT_A.rt, expense({ category: 'clean_water' })))).toEqual(['category']);
    for (const date of [`${YEAR - 1}-12-31`, `${YEAR + 1}-01-01`, wibDay(1), '2026-02-30', '01-03-2026'])
      expect([...new Set(issuePaths(await spend(RT_A.rt, expense({ date }))))], `date ${date}`).toEqual([
        'date',
      ]);
    expect(issuePaths(await spend(RT_A.rt, expense(), null))).toEqual(['Idempotency-Key']);
    expect(issuePaths(await spend(RT_A.rt, expense(), 'short'))).toEqual(['Idempotency-Key']);
    expect(issuePaths(await spend(RT_A.rt, expense({ description: '' })))).toEqual(['description']);
    expect((await account(RT_A.rt)).entries).toHaveLength(before);
  });

  it('refuses an expense over the balance: 422 InsufficientFunds with what is available', async () => {
    const { balance } = await account(RT_A.rt);
    const res = await spend(RT_A.rt, expense({ amount: balance + 1 }));
    expect(res.status, res.text).toBe(422);
    expect(res.body).toMatchObject({ error: 'InsufficientFunds', available: balance });
    expect(res.body.message).not.toContain('NaN');
    expect((await account(RT_A.rt)).balance).toBe(balance);
  });

  it('never goes below zero when expenses arrive at once: 20 × Rp 30,000 against Rp 100,000', async () => {
    await allocated(RT_RUSH.rt, 100_000);
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        spend(RT_RUSH.rt, expense({ amount: 30_000, description: `Pembelian ke-${i}` })),
      ),
    );
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(3);
    expect(statuses.filter((s) => s === 422)).toHaveLength(17);
    for (const r of results.filter((x) => x.status === 422)) expect(r.body.error).toBe('InsufficientFunds');
    const acc = await account(RT_RUSH.rt);
    expect(acc).toMatchObject({ allocated: 100_000, spent: 90_000, balance: 10_000 });
  });
});

describe('reversals', () => {
  it('reverses an entry once with a linked opposite entry; a reversal cannot be reversed; a spent allocation cannot', async () => {
    const alloc = await allocated(RT_REV.rt, 500_000);
    const paid = await spent(RT_REV.rt, { amount: 200_000, category: 'WASTE' });
    const res = await reverse(RT_REV.rt, paid.entryId, token.admin);
    expect(res.status, res.text).toBe(201);
    expect(res.body).toMatchObject({ reverses: paid.entryId, balance: 500_000 });
    expect(res.body.entry).toMatchObject({
      kind: 'REVERSAL',
      direction: 'CREDIT',
      amount: 200_000,
      reverses: paid.entryId,
    });
    expect((await reverse(RT_REV.rt, paid.entryId, token.admin)).status).toBe(409);
    expect((await reverse(RT_REV.rt, paid.entryId, token[RT_REV.rt])).status).toBe(409);
    expect((await reverse(RT_REV.rt, res.body.entryId, token.admin)).status).toBe(409);
    expect((await reverse(RT_REV.rt, '000000000-000000000000', token.admin)).status).toBe(404);
    // The allocation's money is partly spent: reversing it would overspend.
    await spent(RT_REV.rt, { amount: 1_000, category: 'OTHER' });
    const alloRev = await reverse(RT_REV.rt, alloc.entryId, token.admin);
    expect(alloRev.status, alloRev.text).toBe(422);
    expect(alloRev.body.error).toBe('InsufficientFunds');
    // A chair may not reverse an allocation.
    expect((await reverse(RT_REV.rt, alloc.entryId, token[RT_REV.rt])).status).toBe(403);
    const acc = await account(RT_REV.rt);
    expect(acc).toMatchObject({ allocated: 500_000, spent: 201_000, reversed: 200_000, balance: 499_000 });
    expect(acc.byCategory).toMatchObject({ WASTE: 0, OTHER: 1_000 });
    expect(issuePaths(await reverse(RT_REV.rt, 'not-an-id', token.admin))).toEqual(['entryId']);
    expect(issuePaths(await reverse(RT_REV.rt, alloc.entryId, token.admin, ''))).toEqual(['reason']);
  });

  it('answers 409 to a second reversal of an allocation, even when the balance could not cover it again', async () => {
    const tier = await allocateReq(RT_H59.rt, { note: 'Dana Kampung Bahagia' });
    // Already allocated in 'takes the households from the body' (409), so find the tier entry in the account.
    expect(tier.status).toBe(409);
    const acc = await account(RT_H59.rt);
    const allocation = (acc.entries as Json[]).find((e) => e.kind === 'ALLOCATION')!;
    await allocated(RT_H59.rt, 1_000);
    const first = await reverse(RT_H59.rt, allocation.entryId, token.admin, 'Salah jumlah KK');
    expect(first.status, first.text).toBe(201);
    const second = await reverse(RT_H59.rt, allocation.entryId, token.admin, 'Salah jumlah KK');
    expect(second.status, second.text).toBe(409);
  });

  it('lets the chair reverse the RT’s own expense within 30 days, not after', async () => {
    const within = await spent(RT_REV.rt, { amount: 5_000, category: 'NUTRITION' });
    const ok = await reverse(RT_REV.rt, within.entryId, token[RT_REV.rt]);
    expect(ok.status, ok.text).toBe(201);
    const late = await spent(RT_REV.rt, { amount: 6_000, category: 'NUTRITION' });
    // 31 days later (only Date moves: the server, the tokens and the handler all read it).
    vi.useFakeTimers({ toFake: ['Date'] });
    try {
      vi.setSystemTime(Date.now() + 31 * 86_400_000);
      const chair = await devToken({ role: 'rt_chair', rt: RT_REV.rt, sub: chairSub(RT_REV.rt) });
      const admin = await devToken({ role: 'city_admin', sub: ADMIN_SUB });
      const refused = await reverse(RT_REV.rt, late.entryId, chair);
      expect(refused.status, refused.text).toBe(403);
      // The city may at any time.
      const city = await reverse(RT_REV.rt, late.entryId, admin);
      expect(city.status, city.text).toBe(201);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe('what the public and the city see', () => {
  it('shows an RT’s account and entries without a token, newest first, with nothing personal', async () => {
    const res = await call('GET', fund(RT_REV.rt));
    expect(res.status, res.text).toBe(200);
    const acc = res.body;
    expect(acc).toMatchObject({
      rt: RT_REV.rt,
      year: YEAR,
      allocated: expect.any(Number),
      spent: expect.any(Number),
      reversed: expect.any(Number),
      balance: expect.any(Number),
      byCategory: expect.any(Object),
      cursor: null,
    });
    let credits = 0;
    let debits = 0;
    for (const e of acc.entries as Json[]) {
      if (e.direction === 'CREDIT') credits += e.amount;
      else debits += e.amount;
    }
    expect(acc.balance).toBe(credits - debits);
    const times = acc.entries.map((e: Json) => e.recordedAt as string);
    expect([...times].sort().reverse()).toEqual(times);
    expectNothingPersonal(res.text);
    const csv = await call('GET', `${fund(RT_REV.rt)}/export.csv`);
    expect(csv.status).toBe(200);
    expectNothingPersonal(csv.text);
  });

  it('pages the entries with a cursor: all of them, once each', async () => {
    await allocated(RT_PAGES.rt, 10_000_000);
    for (let i = 0; i < 12; i++)
      await spent(RT_PAGES.rt, { amount: 1_000 + i, description: `Belanja nomor ${i}` });
    const acc = await account(RT_PAGES.rt, '?limit=200');
    expect(acc.entries).toHaveLength(13);
    for (const limit of [1, 5, 13, 50]) {
      const ids = await walk(RT_PAGES.rt, limit);
      expect(new Set(ids).size, `limit ${limit}`).toBe(ids.length);
      expect(ids).toEqual(acc.entries.map((e: Json) => e.entryId));
    }
    expect(issuePaths(await call('GET', `${fund(RT_PAGES.rt)}?cursor=abc`))).toEqual(['cursor']);
    expect(issuePaths(await call('GET', `${fund(RT_PAGES.rt)}?limit=0`))).toEqual(['limit']);
  });

  it('exports the entries as CSV: a header row, one row per entry, formulas defused', async () => {
    await spent(RT_CSV.rt, {
      amount: 7_000,
      description: '=HYPERLINK("http://x","klik")',
      vendor: '+62 Toko, "Jaya"',
    });
    await spent(RT_CSV.rt, { amount: 8_000, description: '@SUM(A1:A2) sapu lidi' });
    const res = await call('GET', `${fund(RT_CSV.rt)}/export.csv`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toBe(
      'entryId,recordedAt,date,kind,direction,amount,category,description,vendor,reverses,receipt',
    );
    const acc = await account(RT_CSV.rt);
    expect(lines).toHaveLength(acc.entries.length + 1);
    for (const e of acc.entries as Json[])
      expect(lines.filter((l) => l.startsWith(`${e.entryId},`))).toHaveLength(1);
    // No cell starts with a formula character.
    for (const line of lines.slice(1)) expect(line).not.toMatch(/(^|,)"?[=+\-@]/);
    expect(res.text).toContain(`"'=HYPERLINK(""http://x"",""klik"")"`);
    expect(res.text).toContain(`'@SUM(A1:A2) sapu lidi`);
  });

  it('lists each RT’s allocated, spent and balance for the city, with area totals equal to the rows', async () => {
    for (const area of ['15.71', AREA, '15.71.01']) {
      const res = await call('GET', `/funds?year=${YEAR}&area=${area}`, { as: token.admin });
      expect(res.status, res.text).toBe(200);
      const { rts, totals } = res.body;
      for (const k of ['allocated', 'spent', 'balance'] as const)
        expect(totals[k], `${area} ${k}`).toBe(rts.reduce((s: number, r: Json) => s + r[k], 0));
      for (const r of rts as Json[])
        expect(r.rt.replaceAll('-', '').startsWith(area.replaceAll('.', ''))).toBe(true);
      // Rolled up per kelurahan, each named from the region data, adding up to the area's totals.
      expect(res.body.name).toBe(areaName(area));
      for (const k of ['allocated', 'spent', 'balance'] as const)
        expect(totals[k]).toBe(res.body.kelurahan.reduce((s: number, r: Json) => s + r[k], 0));
      for (const k of res.body.kelurahan as Json[]) {
        expect(k.name).toBe(placeOf(k.code)!.kelurahan.name);
        expect(k.kecamatan).toEqual(placeOf(k.code)!.kecamatan);
        expect(k.rts).toBe(rts.filter((r: Json) => r.kelurahan === k.code).length);
      }
      if (area === AREA) {
        expect(rts.map((r: Json) => r.rt)).toEqual([RT_AREA_1.rt, RT_AREA_2.rt].sort());
        expect(totals).toMatchObject({ allocated: 170_000_000, balance: 170_000_000 });
        expect(res.body.kelurahan).toHaveLength(1);
      }
      if (area === '15.71') {
        const a = rts.find((r: Json) => r.rt === RT_A.rt);
        expect(a).toMatchObject({ balance: (await account(RT_A.rt)).balance });
      }
    }
    expect(issuePaths(await call('GET', '/funds?year=abc', { as: token.admin }))).toEqual(['year']);
    // An area of another city is refused, naming it.
    const elsewhere = await call('GET', `/funds?year=${YEAR}&area=21.72`, { as: token.admin });
    expect(issuePaths(elsewhere)).toEqual(['area']);
    expect(elsewhere.body.issues[0].message).toContain('is not in');
  });

  it('leaves an audit record and a FundEntryRecorded event for every entry', async () => {
    await sys.bus.drain();
    for (const rt of [RT_A, RT_REV, RT_CSV, RT_AREA_1, RT_RUSH]) {
      const acc = await account(rt.rt, '?limit=200');
      const ids = (acc.entries as Json[]).map((e) => e.entryId).sort();
      const audit = await auditOf(rt.rt);
      expect(audit.map((a) => (a.after as Json).entryId).sort(), rt.rt).toEqual(ids);
      for (const a of audit)
        expect(a.actor).toMatchObject({ sub: expect.any(String), roles: expect.any(Array) });
      const events = eventsOf(rt.rt);
      expect(events.map((e) => e.entryId).sort(), rt.rt).toEqual(ids);
      for (const e of events) expect(JSON.stringify(e)).not.toMatch(/\d{16}/);
    }
  });
});

describe('receipts', () => {
  const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

  async function uploadUrl(rt: string, entryId: string, body: unknown, as = token[rt]) {
    return call('POST', `${fund(rt)}/entries/${entryId}/receipt`, { as, json: body });
  }

  it('gives the chair a presigned PUT; once the photo lands, the entry shows its receipt (never where it is)', async () => {
    await allocated(RT_B.rt, 1_000_000);
    const { entryId } = await spent(RT_B.rt, { amount: 100_000, description: 'Sabun dan ember' });
    const before = (await account(RT_B.rt)).entries.find((e: Json) => e.entryId === entryId);
    expect(before.receipt).toBe(false);

    const res = await uploadUrl(RT_B.rt, entryId, { contentType: 'image/png', size: PNG.length });
    expect(res.status, res.text).toBe(201);
    expect(res.body.upload).toMatchObject({
      method: 'PUT',
      headers: { 'content-type': 'image/png', 'content-length': String(PNG.length) },
    });
    const put = await fetch(res.body.upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: PNG,
    });
    expect(put.status).toBe(200);
    await sys.bus.drain();

    const after = await account(RT_B.rt);
    const shown = after.entries.find((e: Json) => e.entryId === entryId);
    expect(shown.receipt).toBe(true);
    expect(JSON.stringify(after)).not.toContain('receipts/');
    const csv = await call('GET', `${fund(RT_B.rt)}/export.csv`);
    expect(csv.text.split('\r\n').find((l) => l.startsWith(entryId))).toMatch(/,yes$/);
  });

  it('refuses a file other than the one announced: another type or length is turned away at the upload', async () => {
    const { entryId } = await spent(RT_B.rt, { amount: 10_000 });
    const res = await uploadUrl(RT_B.rt, entryId, { contentType: 'image/png', size: PNG.length });
    expect(res.status, res.text).toBe(201);
    const bigger = await fetch(res.body.upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'image/png' },
      body: Buffer.concat([PNG, PNG]),
    });
    expect(bigger.status).toBe(403);
    const otherType = await fetch(res.body.upload.url, {
      method: 'PUT',
      headers: { 'content-type': 'text/html' },
      body: PNG,
    });
    expect(otherType.status).toBe(403);
    await sys.bus.drain();
    expect((await account(RT_B.rt)).entries.find((e: Json) => e.entryId === entryId).receipt).toBe(false);
  });

  it('400 for a type other than JPEG, PNG or PDF, or over 5 MB; 403 for another RT; 404 for an unknown entry', async () => {
    const { entryId } = await spent(RT_B.rt, { amount: 10_000 });
    expect(issuePaths(await uploadUrl(RT_B.rt, entryId, { contentType: 'image/gif', size: 10 }))).toEqual([
      'contentType',
    ]);
    expect(
      issuePaths(
        await uploadUrl(RT_B.rt, entryId, { contentType: 'application/pdf', size: 5 * 1024 * 1024 + 1 }),
      ),
    ).toEqual(['size']);
    const other = await uploadUrl(RT_B.rt, entryId, { contentType: 'image/png', size: 10 }, token[RT_A.rt]);
    expect(other.status).toBe(403);
    const unknown = await uploadUrl(RT_B.rt, '0000000aa-000000000000', {
      contentType: 'image/png',
      size: 10,
    });
    expect(unknown.status).toBe(404);
    const admin = await uploadUrl(
      RT_B.rt,
      entryId,
      { contentType: 'application/pdf', size: 1000 },
      token.admin,
    );
    expect(admin.status).toBe(201);
  });
});
