// The public fund pages (GET /dana/…) as the handlers render them from what DynamoDB holds (aws-sdk-client-mock):
// rupiah the Indonesian way, the numbers of the ledger on the page and in the charts' tables, reversals shown as
// such, every typed text escaped, nothing personal (who recorded, a NIK, a phone, the chair) on the page, the
// index's sums and its "belum ada alokasi", the search, and the answers' headers, statuses and weight.
import { gunzipSync } from 'node:zlib';
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { HttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { handler as danaIndex } from '../../functions/web/dana-index.ts';
import { handler as danaPages, MALFORMED_STATUS, PAGE_CACHE } from '../../functions/web/dana-pages.ts';
import { ApiDistribution, PUBLIC_PAGES_PATH } from '../../infra/constructs/edge.ts';
import { city, cityRegions } from '../../shared/city/regions.ts';
import {
  ENTRIES_PER_PAGE,
  parseSearch,
  persen,
  renderFundPage,
  rupiah,
  spendingByMonth,
  tanggal,
  waktuWib,
} from '../../shared/fund/public-pages.ts';
import type { Entry } from '../../shared/fund/schemas.ts';
import { publicAccount, publicEntry } from '../../shared/fund/views.ts';
import { setDdb } from '../../shared/platform/dynamo.ts';
import { todayWib } from '../../shared/platform/wib.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const YEAR = Number(todayWib().slice(0, 4));
const KEC = cityRegions().kecamatan[0]!;
const KEL = KEC.kelurahan[0]!;
const KEL2 = KEC.kelurahan[1]!;
const digits = (code: string) => code.replaceAll('.', '');
const RT = `${digits(KEL.code)}-003-012`;
const RT_EMPTY = `${digits(KEL.code)}-003-013`;
const RT_OTHER = `${digits(KEL2.code)}-001-001`;

const ADMIN_SUB = 'admin-sub-5f3a9c';
const CHAIR_SUB = 'chair-sub-7d1e44';
const NIK = '1571015506900002';
const PHONE = '0812-3456-7890';
const CHAIR_PHONE = '+6281175001234';
const CHAIR_NAME = 'Pak Ketua Rahasia';
const HOSTILE = '<script>alert(1)</script> "><img src=x onerror=alert(2)> & co';

let seq = 0;
const id = () => {
  seq++;
  return `m${String(seq).padStart(8, '0')}-${seq.toString(16).padStart(12, '0')}`;
};

function entry(over: Partial<Entry> & Pick<Entry, 'kind' | 'amount' | 'direction' | 'date'>): Entry {
  return {
    entryId: id(),
    rt: RT,
    year: YEAR,
    description: 'Entri uji',
    recordedAt: `${over.date}T03:00:00.000Z`,
    recordedBy: CHAIR_SUB,
    ...over,
  };
}

// The ledger the tests read: Rp 100 juta allocated, Rp 56,5 juta spent of which Rp 2 juta reversed → Rp 45,5 juta left.
const alloc = entry({
  kind: 'ALLOCATION',
  amount: 100_000_000,
  direction: 'CREDIT',
  date: `${YEAR}-01-05`,
  description: 'Alokasi tahunan Kampung Bahagia',
  recordedBy: ADMIN_SUB,
});
const water = entry({
  kind: 'EXPENSE',
  amount: 12_500_000,
  direction: 'DEBIT',
  category: 'CLEAN_WATER',
  date: `${YEAR}-02-10`,
  description: `Pipa air bersih ${HOSTILE}`,
  vendor: `Toko <Sinar> & "Jaya"`,
  receipt: { key: `receipts/${RT}/${YEAR}/x.jpg`, size: 1000, format: 'jpg', at: `${YEAR}-02-11T01:00:00Z` },
});
const latrine = entry({
  kind: 'EXPENSE',
  amount: 42_000_000,
  direction: 'DEBIT',
  category: 'SANITATION',
  date: `${YEAR}-03-03`,
  description: `Jamban sehat; hubungi Pak Budi ${PHONE}, NIK ${NIK}`,
});
const mistake = entry({
  kind: 'EXPENSE',
  amount: 2_000_000,
  direction: 'DEBIT',
  category: 'HEALTH_CHECK',
  date: `${YEAR}-03-20`,
  description: 'Cek gula darah warga',
});
const reversal = entry({
  kind: 'REVERSAL',
  amount: 2_000_000,
  direction: 'CREDIT',
  category: 'HEALTH_CHECK',
  date: `${YEAR}-03-21`,
  description: 'Salah catat, kegiatan batal',
  reverses: mistake.entryId,
});
const ENTRIES = [alloc, water, latrine, mistake, reversal];
const ACCOUNT = {
  pk: `FUND#${RT}#${YEAR}`,
  sk: 'ACCOUNT',
  rt: RT,
  year: YEAR,
  kelurahan: KEL.code,
  allocated: 100_000_000,
  spent: 56_500_000,
  reversedExpenses: 2_000_000,
  reversedAllocations: 0,
  balance: 45_500_000,
  cat_CLEAN_WATER: 12_500_000,
  cat_SANITATION: 42_000_000,
  cat_HEALTH_CHECK: 0,
  entries: 5,
  tierAllocatedAt: `${YEAR}-01-05T03:00:00.000Z`,
  updatedAt: `${YEAR}-03-21T08:05:00.000Z`,
  gsi1pk: `FUNDS#${YEAR}`,
  gsi1sk: RT,
};
const OTHER_ACCOUNT = {
  ...ACCOUNT,
  pk: `FUND#${RT_OTHER}#${YEAR}`,
  rt: RT_OTHER,
  kelurahan: KEL2.code,
  allocated: 70_000_000,
  spent: 10_000_000,
  reversedExpenses: 0,
  cat_CLEAN_WATER: 10_000_000,
  cat_SANITATION: 0,
  balance: 60_000_000,
  entries: 2,
  gsi1sk: RT_OTHER,
};
/** The directory as stored: with the chair's name and phone, which a public page must never show. */
const directoryItem = (rt: string, status = 'ACTIVE') => ({
  pk: 'RT',
  sk: rt,
  rt,
  status,
  chairName: CHAIR_NAME,
  chairPhone: CHAIR_PHONE,
  households: 80,
});
const itemOf = (e: Entry) => ({ pk: `FUND#${e.rt}#${e.year}`, sk: `E#${e.entryId}`, ...e });

function ledger(entries: Entry[] = ENTRIES, account: Record<string, unknown> | undefined = ACCOUNT) {
  // What DynamoDB answers for anything else: no item, no items.
  ddb.on(GetCommand).resolves({});
  ddb.on(QueryCommand).resolves({ Items: [] });
  ddb.on(GetCommand, { Key: { pk: 'RT', sk: RT } }).resolves({ Item: directoryItem(RT) });
  ddb.on(GetCommand, { Key: { pk: 'RT', sk: RT_EMPTY } }).resolves({ Item: directoryItem(RT_EMPTY) });
  ddb.on(GetCommand, { Key: { pk: `FUND#${RT}#${YEAR}`, sk: 'ACCOUNT' } }).resolves({ Item: account });
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `FUND#${RT}#${YEAR}`, ':e': 'E#' } })
    .resolves({ Items: entries.map(itemOf) });
  ddb.on(QueryCommand, { IndexName: 'gsi1' }).resolves({ Items: [ACCOUNT, OTHER_ACCOUNT] });
  ddb
    .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'RT' } })
    .resolves({ Items: [directoryItem(RT), directoryItem(RT_EMPTY), directoryItem(RT_OTHER)] });
}

function event(path: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  const [rawPath, rawQueryString = ''] = path.split('?') as [string, string?];
  const proxy = rawPath.startsWith('/dana/') ? decodeURIComponent(rawPath.slice('/dana/'.length)) : undefined;
  const routeKey = proxy !== undefined ? 'GET /dana/{proxy+}' : 'GET /dana';
  const query = Object.fromEntries(new URLSearchParams(rawQueryString));
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(proxy !== undefined ? { pathParameters: { proxy } } : {}),
    requestContext: { http: { method: 'GET', path: rawPath }, routeKey, requestId: 'r-1' },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

type Answer = Awaited<ReturnType<typeof danaPages>>;
const get = (path: string, headers: Record<string, string> = {}): Promise<Answer> =>
  path.startsWith('/dana/') ? danaPages(event(path, headers)) : danaIndex(event(path, headers));
const bytesOf = (r: Answer) =>
  r.isBase64Encoded ? Buffer.from(r.body ?? '', 'base64') : Buffer.from(r.body ?? '');
const htmlOf = (r: Answer) =>
  (r.headers['content-encoding'] === 'gzip' ? gunzipSync(bytesOf(r)) : bytesOf(r)).toString('utf8');
async function html(path: string): Promise<string> {
  const r = await get(path);
  expect(r.statusCode, htmlOf(r)).toBe(200);
  return htmlOf(r);
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" };
/** What a reader sees of a piece of HTML. */
const textOf = (s: string) =>
  s
    .replace(/<[^>]+>/g, ' ')
    .replace(/&(amp|lt|gt|quot|#39);/g, (_, n: string) => ENTITIES[n]!)
    .replace(/\s+/g, ' ')
    .trim();
/** The rows of the first table inside `<… id="id">`, each its cells' text. */
function tableRows(page: string, id: string): string[][] {
  const from = page.indexOf(`id="${id}"`);
  expect(from, `#${id}`).toBeGreaterThan(-1);
  const table = page.slice(page.indexOf('<table', from), page.indexOf('</table>', from));
  return [...table.matchAll(/<tr\b[^>]*>([\s\S]*?)<\/tr>/g)].map((m) =>
    [...m[1]!.matchAll(/<t[hd]\b[^>]*>([\s\S]*?)<\/t[hd]>/g)].map((c) => textOf(c[1]!)),
  );
}
/** The ledger's rows, each with its id and cells. */
function entryRows(page: string): { id: string; cls: string; cells: string[]; raw: string }[] {
  const table = page.slice(page.indexOf('<table class="entries"'), page.lastIndexOf('</table>'));
  return [...table.matchAll(/<tr id="e-([^"]+)"(?: class="(\w+)")?>([\s\S]*?)<\/tr>/g)].map((m) => ({
    id: m[1]!,
    cls: m[2] ?? '',
    raw: m[3]!,
    cells: [...m[3]!.matchAll(/<td\b[^>]*>([\s\S]*?)<\/td>/g)].map((c) => textOf(c[1]!)),
  }));
}

/** One h1 first, and no heading more than one level below the one before it. */
function expectHeadingsInOrder(page: string): void {
  const levels = [...page.matchAll(/<h(\d)\b/g)].map((m) => Number(m[1]));
  expect(levels[0]).toBe(1);
  expect(levels.filter((l) => l === 1)).toHaveLength(1);
  for (let i = 1; i < levels.length; i++) expect(levels[i]! - levels[i - 1]!).toBeLessThanOrEqual(1);
}

beforeEach(() => {
  delete process.env.DYNAMODB_ENDPOINT;
  setDdb(undefined);
  ddb.reset();
  seq = 100;
});

describe('numbers and dates, the Indonesian way', () => {
  it('writes rupiah with dots between thousands', () => {
    expect(rupiah(45_500_000)).toBe('Rp 45.500.000');
    expect(rupiah(100_000_000)).toBe('Rp 100.000.000');
    expect(rupiah(1_000)).toBe('Rp 1.000');
    expect(rupiah(999)).toBe('Rp 999');
    expect(rupiah(0)).toBe('Rp 0');
    expect(rupiah(-2_000_000)).toBe('−Rp 2.000.000');
    expect(rupiah(1_650_000_000_000)).toBe('Rp 1.650.000.000.000');
  });

  it('writes shares with a decimal comma, and days and times in WIB', () => {
    expect(persen(54_500_000, 100_000_000)).toBe('54,5%');
    expect(persen(1, 3)).toBe('33,3%');
    expect(persen(5, 0)).toBe('0%');
    expect(tanggal('2026-03-12', 2026)).toBe('12 Mar');
    expect(tanggal('2025-12-20', 2026)).toBe('20 Des 2025');
    // 20:30 UTC on 31 December is already 03:30 on 1 January in Jambi.
    expect(waktuWib('2025-12-31T20:30:00.000Z')).toBe('1 Jan 2026 03.30 WIB');
  });
});

describe('GET /dana/{rt}/{year}', () => {
  it('shows the balance, allocation and realisation exactly as the ledger holds them', async () => {
    ledger();
    const page = await html(`/dana/${RT}/${YEAR}`);
    expect(page).toMatch(/<html lang="id">/);
    expect(page).toContain(`<title>Dana RT 012 / RW 003 ${KEL.name} ${YEAR} · ${city().name}</title>`);
    expect(textOf(page.slice(page.indexOf('<p class="big">')))).toMatch(/^Rp 45\.500\.000 /);
    const nums = textOf(
      page.slice(page.indexOf('<dl class="nums">', page.indexOf('id="saldo"'))).split('</dl>')[0]!,
    );
    expect(nums).toBe('Alokasi Rp 100.000.000 Terpakai Rp 54.500.000 (54,5%) Sisa Rp 45.500.000');
    expect(textOf(page)).toContain('Sudah termasuk koreksi: pengeluaran dibatalkan Rp 2.000.000.');
    expect(textOf(page)).toContain(`diperbarui 21 Mar ${YEAR} 15.05 WIB`);
    expectHeadingsInOrder(page);
    expect(page).toContain(`href="/funds/${RT}/${YEAR}/export.csv"`);
  });

  it('charts each category against the whole allocation, with a table that says the same', async () => {
    ledger();
    const page = await html(`/dana/${RT}/${YEAR}`);
    const figure = page.slice(page.indexOf('<figure id="kategori">'), page.indexOf('</figure>'));
    expect(figure).toMatch(/<svg class="chart"[^>]*aria-hidden="true"/);
    expect(textOf(figure)).toContain('tidak per kategori');
    const rows = tableRows(page, 'kategori');
    expect(rows[0]).toEqual(['Kategori', 'Realisasi (Rp)', 'dari alokasi']);
    expect(rows).toContainEqual(['Semua kategori', '54.500.000', '54,5%']);
    expect(rows).toContainEqual(['Air bersih', '12.500.000', '12,5%']);
    expect(rows).toContainEqual(['Sanitasi', '42.000.000', '42%']);
    // The reversed check-up is taken back.
    expect(rows).toContainEqual(['Cek kesehatan gratis', '0', '0%']);
    expect(rows).toHaveLength(1 + 1 + 7);
    // The bars: the whole allocation is the 320-wide track; Sanitasi fills 42% of it.
    expect(figure).toContain('width="134.4" height="12" fill="#2f7d96"');
  });

  it('charts spending by month, a reversed expense taken back from its month, with a table of twelve months', async () => {
    ledger();
    const page = await html(`/dana/${RT}/${YEAR}`);
    const rows = tableRows(page, 'bulan');
    expect(rows[0]).toEqual(['Bulan', 'Pengeluaran (Rp)']);
    expect(rows.slice(1, 13).map((r) => r[0])).toEqual([
      'Januari',
      'Februari',
      'Maret',
      'April',
      'Mei',
      'Juni',
      'Juli',
      'Agustus',
      'September',
      'Oktober',
      'November',
      'Desember',
    ]);
    expect(rows[2]).toEqual(['Februari', '12.500.000']);
    expect(rows[3]).toEqual(['Maret', '42.000.000']);
    expect(rows[13]).toEqual(['Setahun', '54.500.000']);
    expect(textOf(page)).toContain('Tertinggi: Maret, Rp 42.000.000.');
    // Twelve bars, the highest the full 120 high.
    const svg = page.slice(page.indexOf('<svg', page.indexOf('<figure id="bulan">')));
    expect([...svg.split('</svg>')[0]!.matchAll(/<rect /g)]).toHaveLength(12);
    expect(svg).toContain('height="120.0"');
  });

  it('lists every entry with its receipt mark, and shows a reversal and the entry it reverses, both marked', async () => {
    ledger();
    const page = await html(`/dana/${RT}/${YEAR}`);
    const rows = entryRows(page);
    expect(rows.map((r) => r.id)).toEqual([
      reversal.entryId,
      mistake.entryId,
      latrine.entryId,
      water.entryId,
      alloc.entryId,
    ]);
    const [rev, reversed, , bought, allocated] = rows;
    expect(rev!.cls).toBe('rev');
    expect(rev!.cells[0]).toBe('21 Mar');
    expect(rev!.cells[1]).toContain('Pembatalan pengeluaran Pembatalan');
    expect(rev!.cells[1]).toContain('Alasan: Salah catat, kegiatan batal');
    expect(rev!.cells[1]).toContain('Membatalkan entri 20 Mar “Cek gula darah warga”, Rp 2.000.000');
    expect(rev!.raw).toContain(`href="#e-${mistake.entryId}"`);
    expect(rev!.cells[2]).toBe('+2.000.000');
    expect(reversed!.cls).toBe('off');
    expect(reversed!.cells[1]).toMatch(/^Pengeluaran · Cek kesehatan gratis Dibatalkan/);
    expect(reversed!.cells[1]).toContain('Dibatalkan 21 Mar: lihat entri pembatalan');
    expect(reversed!.raw).toContain(`href="#e-${reversal.entryId}"`);
    expect(reversed!.raw).toContain('<s>−2.000.000</s>');
    expect(bought!.cells[1]).toContain('✓ Ada foto kuitansi');
    expect(rows[2]!.cells[1]).toContain('Belum ada foto kuitansi');
    expect(bought!.cells[2]).toBe('−12.500.000');
    expect(allocated!.cells[1]).toContain('Alokasi dari kota');
    expect(allocated!.cells[1]).not.toContain('kuitansi');
    expect(allocated!.cells[2]).toBe('+100.000.000');
  });

  it('escapes every text a chair typed', async () => {
    ledger();
    const page = await html(`/dana/${RT}/${YEAR}`);
    expect(page).not.toContain('<script');
    expect(page).not.toContain('<img');
    expect(page).not.toContain('<Sinar>');
    expect(page).toContain(
      '&lt;script&gt;alert(1)&lt;/script&gt; &quot;&gt;&lt;img src=x onerror=alert(2)&gt; &amp; co',
    );
    expect(textOf(page)).toContain(`Penerima: Toko <Sinar> & "Jaya"`);
  });

  it('never shows who recorded an entry, a NIK, a phone number or the RT chair', async () => {
    ledger();
    const page = await html(`/dana/${RT}/${YEAR}`);
    for (const secret of [
      ADMIN_SUB,
      CHAIR_SUB,
      NIK,
      PHONE,
      CHAIR_PHONE,
      CHAIR_NAME,
      'receipts/',
      'recordedBy',
    ]) {
      expect(page).not.toContain(secret);
    }
    expect(page).not.toMatch(/\d{16}/);
    expect(textOf(page)).toContain('hubungi Pak Budi [nomor HP disamarkan], NIK [NIK/KK disamarkan]');
  });

  it('reads the directory for the RT code and status only, never its chair', async () => {
    ledger();
    await html(`/dana/${RT}/${YEAR}`);
    const read = ddb.commandCalls(GetCommand).find((c) => c.args[0].input.Key?.pk === 'RT');
    expect(read?.args[0].input.ProjectionExpression).toBe('sk, #s');
    await html('/dana/');
    const list = ddb
      .commandCalls(QueryCommand)
      .find((c) => c.args[0].input.ExpressionAttributeValues?.[':pk'] === 'RT');
    expect(list?.args[0].input.ProjectionExpression).toBe('sk, #s');
    expect(ddb.commandCalls(ScanCommand)).toHaveLength(0);
  });

  it('says so when the RT has no allocation that year', async () => {
    ledger();
    ddb.on(GetCommand, { Key: { pk: `FUND#${RT_EMPTY}#${YEAR}`, sk: 'ACCOUNT' } }).resolves({});
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': `FUND#${RT_EMPTY}#${YEAR}` } })
      .resolves({ Items: [] });
    const page = await html(`/dana/${RT_EMPTY}/${YEAR}`);
    expect(textOf(page)).toContain(`Belum ada alokasi untuk RT ini pada tahun ${YEAR}.`);
    expect(page).not.toContain('<figure');
  });

  it('pages a long ledger 100 entries at a time, and a link to a reversed entry finds its page', async () => {
    const many: Entry[] = [alloc];
    for (let i = 0; i < 2 * ENTRIES_PER_PAGE + 10; i++) {
      many.push(
        entry({
          kind: 'EXPENSE',
          amount: 10_000,
          direction: 'DEBIT',
          category: 'WASTE',
          date: `${YEAR}-01-${String(6 + (i % 20)).padStart(2, '0')}`,
          description: `Kantong sampah ${i}`,
        }),
      );
    }
    const first = many[1]!;
    const undo = entry({
      kind: 'REVERSAL',
      amount: 10_000,
      direction: 'CREDIT',
      category: 'WASTE',
      date: `${YEAR}-04-01`,
      description: 'Dobel',
      reverses: first.entryId,
    });
    many.push(undo);
    ledger(many, { ...ACCOUNT, entries: many.length });
    const one = await html(`/dana/${RT}/${YEAR}`);
    expect(entryRows(one)).toHaveLength(ENTRIES_PER_PAGE);
    expect(textOf(one)).toContain(`Entri 1–100 dari ${many.length}`);
    expect(textOf(one)).toContain('Halaman 1 dari 3');
    // The reversal is the newest; the entry it reverses (the oldest 6 January) is on page 3.
    const rev = entryRows(one)[0]!;
    expect(rev.id).toBe(undo.entryId);
    const target = await html(`/dana/${RT}/${YEAR}/3`);
    expect(entryRows(target).map((r) => r.id)).toContain(first.entryId);
    expect(rev.raw).toContain(`href="/dana/${RT}/${YEAR}/3#e-${first.entryId}"`);
    const back = entryRows(target).find((r) => r.id === first.entryId)!;
    expect(back.raw).toContain(`href="/dana/${RT}/${YEAR}#e-${undo.entryId}"`);
    expect((await get(`/dana/${RT}/${YEAR}/4`)).statusCode).toBe(404);
    const canonical = await get(`/dana/${RT}/${YEAR}/1`);
    expect([canonical.statusCode, canonical.headers.location]).toEqual([301, `/dana/${RT}/${YEAR}`]);
  });

  it('keeps a busy year under 60 KB on first load (the page and its stylesheet, gzip)', async () => {
    // 400 expenses with the longest descriptions and vendors the ledger takes: the first page shows 100.
    // Varied words, drawn at random (seeded), so gzip finds no more repetition than in a real ledger.
    const words = (
      'pembelian semen pasir batu bata cat kuas paku kayu saluran air jamban sehat warga gotong royong pipa kran ' +
      'tandon toren sabun ember kantong sampah gerobak bak tong pupuk kompos bibit sayur telur susu beras kacang ' +
      'posyandu balita lansia tensimeter timbangan obat cacing vitamin honor petugas kebersihan fotokopi laporan ' +
      'konsumsi rapat spanduk sewa tenda kursi listrik pompa sumur bor meteran tukang harian pengangkutan toko'
    ).split(' ');
    let state = 7;
    const next = () => {
      state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
      return state / 2_147_483_648;
    };
    const long = (n: number, i: number) => {
      let s = `${i}`;
      while (s.length < n)
        s += ` ${words[Math.floor(next() * words.length)]}${next() < 0.2 ? ` ${Math.floor(next() * 1000)}` : ''}`;
      return s.slice(0, n);
    };
    const many: Entry[] = [alloc];
    for (let i = 0; i < 400; i++) {
      many.push(
        entry({
          kind: 'EXPENSE',
          amount: 123_456 + i,
          direction: 'DEBIT',
          category: (['SANITATION', 'CLEAN_WATER', 'WASTE', 'NUTRITION'] as const)[i % 4],
          date: `${YEAR}-${String(1 + (i % 12)).padStart(2, '0')}-15`,
          description: long(500, i),
          vendor: long(120, i),
        }),
      );
    }
    ledger(many, { ...ACCOUNT, entries: many.length });
    const r = await get(`/dana/${RT}/${YEAR}`, { 'accept-encoding': 'gzip, deflate, br' });
    expect(r.headers['content-encoding']).toBe('gzip');
    const css = htmlOf(r).match(/<link rel="stylesheet" href="\/dana\/([^"]+)">/)![1]!;
    const sheet = await get(`/dana/${css}`, { 'accept-encoding': 'gzip' });
    const total = bytesOf(r).length + bytesOf(sheet).length;
    console.log(
      `busiest RT page, first load: ${total} B gzip (page ${bytesOf(r).length} B, CSS ${bytesOf(sheet).length} B)`,
    );
    expect(total).toBeLessThan(60 * 1024);
  });
});

describe('GET /dana/', () => {
  it('redirects /dana to /dana/, keeping the query', async () => {
    const r = await get('/dana?tahun=2025&q=aur');
    expect(r.statusCode).toBe(301);
    expect(r.headers.location).toBe('/dana/?tahun=2025&q=aur');
    expect((await get('/dana')).headers.location).toBe('/dana/');
  });

  it('sums each kelurahan and kecamatan from the accounts, with every directory RT counted', async () => {
    ledger();
    const page = await html('/dana/');
    expect(page).toContain(`<title>Dana Kampung Bahagia ${YEAR} · ${city().name}</title>`);
    const card = (code: string) => {
      const from = page.indexOf(`<li class="card" id="kel-${code}">`);
      expect(from).toBeGreaterThan(-1);
      return textOf(page.slice(from, page.indexOf('</li>', from)));
    };
    expect(card(KEL.code)).toBe(
      `${KEL.name} 2 RT · 1 sudah mendapat alokasi Alokasi Rp 100.000.000 Terpakai Rp 54.500.000 (54,5%) Sisa Rp 45.500.000`,
    );
    expect(card(KEL2.code)).toContain(
      'Alokasi Rp 70.000.000 Terpakai Rp 10.000.000 (14,3%) Sisa Rp 60.000.000',
    );
    expectHeadingsInOrder(page);
    const city_ = textOf(
      page.slice(page.indexOf('id="kota"'), page.indexOf('</section>', page.indexOf('id="kota"'))),
    );
    expect(city_).toContain('3 RT · 2 sudah mendapat alokasi');
    expect(city_).toContain('Alokasi Rp 170.000.000 Terpakai Rp 64.500.000 (37,9%) Sisa Rp 105.500.000');
    // Every kelurahan of the city, by its name in the region data, under its kecamatan.
    for (const kec of cityRegions().kecamatan) {
      expect(page).toContain(`>Kecamatan ${kec.name}</h2>`);
      for (const kel of kec.kelurahan) expect(page).toContain(`id="kel-${kel.code}"`);
    }
    // Summary only: no RT is listed until a kelurahan is opened.
    expect(page).not.toContain('<table');
    expect(
      ddb.commandCalls(QueryCommand).map((c) => c.args[0].input.ExpressionAttributeValues?.[':pk']),
    ).toEqual(expect.arrayContaining(['RT', `FUNDS#${YEAR}`]));
  });

  it('opens a kelurahan into its RTs; one without an account shows "belum ada alokasi"', async () => {
    ledger();
    const page = await html(`/dana/?kel=${KEL.code}`);
    const rows = tableRows(page, `kel-${KEL.code}`);
    expect(rows[0]).toEqual(['RT', 'Alokasi', 'Terpakai', 'Sisa']);
    expect(rows[1]).toEqual(['RT 012 / RW 003', '100.000.000', '54.500.000', '45.500.000']);
    expect(rows[2]).toEqual(['RT 013 / RW 003', 'belum ada alokasi']);
    expect(page).toContain(`href="/dana/${RT}/${YEAR}"`);
    // Only that kelurahan is open.
    expect(page.match(/<table/g)).toHaveLength(1);
    expect(page).not.toContain(CHAIR_NAME);
    expect(page).not.toContain(CHAIR_PHONE);
  });

  it('finds RTs by number and kelurahan, and kelurahan by name', async () => {
    ledger();
    const byNumber = await html(`/dana/?q=${encodeURIComponent(`${KEL.name} rt 13`)}`);
    expect(tableRows(byNumber, 'hasil').slice(1)).toEqual([
      [`RT 013 / RW 003 Kel. ${KEL.name}`, 'belum ada alokasi'],
    ]);
    const byName = await html(`/dana/?q=${encodeURIComponent(KEL2.name.toLowerCase())}`);
    expect(byName).toContain(`id="kel-${KEL2.code}"`);
    expectHeadingsInOrder(byName);
    expectHeadingsInOrder(byNumber);
    const byCode = await html(`/dana/?q=${RT}`);
    expect(tableRows(byCode, 'hasil').slice(1)).toEqual([
      [`RT 012 / RW 003 Kel. ${KEL.name}`, '100.000.000', '54.500.000', '45.500.000'],
    ]);
    const none = await html('/dana/?q=zzzz');
    expect(textOf(none)).toContain('Tidak ada RT atau kelurahan yang cocok');
    // What was typed is shown back escaped, and a NIK typed into the box masked.
    const typed = await html(`/dana/?q=${encodeURIComponent(`<b>x</b> ${NIK}`)}`);
    expect(typed).toContain('&lt;b&gt;x&lt;/b&gt; [NIK/KK disamarkan]');
    expect(typed).not.toContain(NIK);
  });

  it('stays small for a whole city: 1,650 RTs, a kelurahan of 120 opened, a search of 100', async () => {
    const rts: string[] = [];
    const kels = cityRegions().kecamatan.flatMap((k) => k.kelurahan);
    kels.forEach((k, i) => {
      const rest = 1650 - 120;
      const others = kels.length - 1;
      const count = i === 0 ? 120 : Math.floor(rest / others) + (i - 1 < rest % others ? 1 : 0);
      for (let n = 0; n < count; n++) {
        rts.push(
          `${digits(k.code)}-${String(1 + Math.floor(n / 20)).padStart(3, '0')}-${String(1 + (n % 20)).padStart(3, '0')}`,
        );
      }
    });
    const accounts = rts.slice(0, 1500).map((rt, i) => ({
      ...ACCOUNT,
      rt,
      gsi1sk: rt,
      allocated: [50, 70, 100][i % 3]! * 1_000_000,
      spent: 12_345_000 + i * 1_000,
      reversedExpenses: 0,
      balance: [50, 70, 100][i % 3]! * 1_000_000 - 12_345_000 - i * 1_000,
    }));
    ddb.on(QueryCommand, { IndexName: 'gsi1' }).resolves({ Items: accounts });
    ddb
      .on(QueryCommand, { ExpressionAttributeValues: { ':pk': 'RT' } })
      .resolves({ Items: rts.map((rt) => directoryItem(rt)) });
    for (const path of ['/dana/', `/dana/?kel=${KEL.code}`, '/dana/?q=rt+1']) {
      const r = await get(path, { 'accept-encoding': 'gzip' });
      expect(r.statusCode).toBe(200);
      const page = htmlOf(r);
      if (!path.includes('q=')) expect(textOf(page)).toContain('1.650 RT · 1.500 sudah mendapat alokasi');
      console.log(`${path} for 1,650 RTs: ${bytesOf(r).length} B gzip`);
      expect(bytesOf(r).length).toBeLessThan(40 * 1024);
      if (path.includes('kel=')) expect(tableRows(page, `kel-${KEL.code}`)).toHaveLength(1 + 120);
      if (path.includes('q=')) {
        expect(tableRows(page, 'hasil')).toHaveLength(1 + 100);
        expect(textOf(page)).toMatch(/\d+ RT lagi cocok: persempit pencarian/);
      }
    }
  });

  it('reads a search the way a citizen types it', () => {
    expect(parseSearch('Aur Kenali RT 3')).toEqual({ rtNumber: 3, text: 'aur kenali' });
    expect(parseSearch('rt 003 rw 01')).toEqual({ rtNumber: 3, rwNumber: 1, text: '' });
    expect(parseSearch('3/1')).toEqual({ rtNumber: 3, rwNumber: 1, text: '' });
    expect(parseSearch('Kelurahan Légok 7')).toEqual({ rtNumber: 7, text: 'legok' });
    expect(parseSearch('1571011012-003-012')).toEqual({ rt: '1571011012-003-012', text: '' });
    expect(parseSearch('15.71.01.1012')).toEqual({ kelurahan: '1571011012', text: '' });
  });

  it('picks the year with ?tahun=', async () => {
    ledger();
    ddb.on(QueryCommand, { IndexName: 'gsi1' }).resolves({ Items: [] });
    const page = await html(`/dana/?tahun=${YEAR - 1}`);
    expect(page).toContain(`<h1>Dana Kampung Bahagia ${YEAR - 1}</h1>`);
    expect(page).toContain(`<option value="${YEAR - 1}" selected>`);
    const asked = ddb.commandCalls(QueryCommand).find((c) => c.args[0].input.IndexName === 'gsi1');
    expect(asked?.args[0].input.ExpressionAttributeValues?.[':pk']).toBe(`FUNDS#${YEAR - 1}`);
  });
});

describe('answers', () => {
  it('caches briefly, sets an ETag per encoding and answers 304 to it, with a strict CSP', async () => {
    ledger();
    const plain = await get(`/dana/${RT}/${YEAR}`);
    const gz = await get(`/dana/${RT}/${YEAR}`, { 'accept-encoding': 'gzip' });
    expect(plain.headers['cache-control']).toBe(PAGE_CACHE);
    expect(PAGE_CACHE).toBe('public, max-age=60, s-maxage=300');
    expect(plain.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(plain.headers.etag).toMatch(/^"[\w-]{22}"$/);
    expect(gz.headers.etag).toBe(`${plain.headers.etag!.slice(0, -1)}-gz"`);
    expect(gz.headers.vary).toBe('accept-encoding');
    const csp = plain.headers['content-security-policy']!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).not.toContain('script-src');
    // No script, no inline style, no handler attribute: nothing the policy would have to allow.
    expect(htmlOf(plain)).not.toMatch(/<script|<style|<[^>]*\s(?:style|on\w+)=/);
    const again = await get(`/dana/${RT}/${YEAR}`, {
      'if-none-match': gz.headers.etag!,
      'accept-encoding': 'gzip',
    });
    expect([again.statusCode, again.body]).toEqual([304, '']);
    const index = await get('/dana/');
    expect([index.headers['cache-control'], typeof index.headers.etag]).toEqual([PAGE_CACHE, 'string']);
  });

  it('serves the stylesheet the page links, kept a year under its hashed name', async () => {
    ledger();
    const page = await html(`/dana/${RT}/${YEAR}`);
    const href = page.match(/<link rel="stylesheet" href="(\/dana\/gaya\.[\w-]+\.css)">/)![1]!;
    const css = await get(href);
    expect(css.statusCode).toBe(200);
    expect(css.headers['content-type']).toBe('text/css; charset=utf-8');
    expect(css.headers['cache-control']).toBe('public, max-age=31536000, immutable');
    expect(htmlOf(css)).toContain('body{');
    expect((await get('/dana/gaya.lama.css')).headers['cache-control']).toBe('public, max-age=60');
  });

  it('answers an RT outside the directory, or a year out of range, with a page that says so (404)', async () => {
    ledger();
    ddb.on(GetCommand, { Key: { pk: 'RT', sk: `${digits(KEL.code)}-009-009` } }).resolves({});
    const cases = [
      [`/dana/${digits(KEL.code)}-009-009/${YEAR}`, 'tidak ada di direktori RT'],
      [`/dana/${RT}/1999`, `tahun 2000 sampai ${YEAR + 1}`],
      [`/dana/${RT}/${YEAR + 2}`, `tahun 2000 sampai ${YEAR + 1}`],
      [`/dana/9999999999-001-001/${YEAR}`, 'Kelurahan RT ini tidak ada'],
      ['/dana/?kel=15.99.01.1001', 'tidak ada di'],
      [`/dana/?tahun=1999`, 'tahun 2000 sampai'],
      ['/dana/a/b/c/d', 'Halaman ini tidak ada'],
    ] as const;
    for (const [path, says] of cases) {
      const r = await get(path);
      expect(r.statusCode, path).toBe(404);
      const page = htmlOf(r);
      expect(page, path).toContain('<h1>Halaman tidak ditemukan</h1>');
      expect(textOf(page), path).toContain(says);
      expect(page).toContain('lang="id"');
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
    }
  });

  it('answers a malformed RT code, year or kelurahan with a friendly page, never a stack trace', async () => {
    ledger();
    const cases = [
      [`/dana/abc/${YEAR}`, 'Kode RT di alamat ini tidak dikenali'],
      [`/dana/${digits(KEL.code)}-000-001/${YEAR}`, 'Kode RT di alamat ini tidak dikenali'],
      [`/dana/${RT}/20x6`, 'Tahun di alamat ini tidak dikenali'],
      ['/dana/?tahun=dua', 'Tahun tidak dikenali'],
      ['/dana/?kel=aur', 'Kode kelurahan tidak dikenali'],
      [`/dana/${encodeURIComponent('<script>')}/${YEAR}`, 'tidak dikenali'],
    ] as const;
    for (const [path, says] of cases) {
      const r = await get(path);
      expect(r.statusCode, path).toBe(MALFORMED_STATUS);
      const page = htmlOf(r);
      expect(page).toContain('<h1>Alamat tidak dikenali</h1>');
      expect(textOf(page), path).toContain(says);
      expect(page).not.toContain('<script>');
    }
    // An RT without a year goes to this year's page.
    const r = await get(`/dana/${RT}`);
    expect([r.statusCode, r.headers.location]).toEqual([302, `/dana/${RT}/${YEAR}`]);
  });

  it('answers a failing database with an apology page, not a stack trace', async () => {
    ddb
      .on(GetCommand)
      .rejects(new Error('ProvisionedThroughputExceededException at Object.send (/var/task/index.mjs:1:2)'));
    ddb.on(QueryCommand).rejects(new Error('boom'));
    const r = await get(`/dana/${RT}/${YEAR}`);
    expect(r.statusCode).toBe(500);
    const page = htmlOf(r);
    expect(page).toContain('Halaman sedang bermasalah');
    expect(page).not.toMatch(/index\.mjs|at Object|Exception/);
    expect(r.headers['cache-control']).toBe('no-store');
  });
});

describe('the renderer alone', () => {
  it('shows an allocation reversed by the city as such, and the allocation net of it', () => {
    const grant = entry({
      kind: 'ALLOCATION',
      amount: 30_000_000,
      direction: 'DEBIT',
      date: `${YEAR}-02-01`,
    });
    grant.direction = 'CREDIT';
    const undo = entry({
      kind: 'REVERSAL',
      amount: 30_000_000,
      direction: 'DEBIT',
      date: `${YEAR}-02-02`,
      description: 'Tambahan ganda',
      reverses: grant.entryId,
    });
    const a = publicAccount({
      rt: RT,
      year: YEAR,
      allocated: 130_000_000,
      spent: 0,
      reversedExpenses: 0,
      reversedAllocations: 30_000_000,
      balance: 100_000_000,
      byCategory: {
        SANITATION: 0,
        CLEAN_WATER: 0,
        WASTE: 0,
        HEALTH_CHECK: 0,
        NUTRITION: 0,
        OPERATIONS: 0,
        OTHER: 0,
      },
      entries: 3,
    });
    const page = renderFundPage({
      chrome: { css: '/dana/gaya.x.css', city: 'Kota Uji' },
      rt: RT,
      kelurahan: KEL,
      kecamatan: KEC,
      active: true,
      year: YEAR,
      currentYear: YEAR,
      firstYear: 2000,
      lastYear: YEAR + 1,
      account: a,
      entries: [alloc, grant, undo].map(publicEntry),
      page: 1,
    });
    const rows = entryRows(page);
    expect(rows.map((r) => [r.id, r.cls, r.cells[2]])).toEqual([
      [undo.entryId, 'rev', '−30.000.000'],
      [grant.entryId, 'off', '+30.000.000'],
      [alloc.entryId, '', '+100.000.000'],
    ]);
    expect(rows[0]!.cells[1]).toContain('Pembatalan alokasi Pembatalan Alasan: Tambahan ganda');
    expect(rows[1]!.cells[1]).toContain('Alokasi dari kota Dibatalkan');
    expect(textOf(page)).toContain('Alokasi Rp 100.000.000 Terpakai Rp 0 (0%) Sisa Rp 100.000.000');
    expect(textOf(page)).toContain('Sudah termasuk koreksi: alokasi dibatalkan Rp 30.000.000.');
  });

  it('sums months to the ledger net spending for any mix of expenses and reversals', () => {
    const entries = ENTRIES.map(publicEntry);
    const months = spendingByMonth(entries, YEAR);
    const a = publicAccount({
      rt: RT,
      year: YEAR,
      allocated: 100_000_000,
      spent: 56_500_000,
      reversedExpenses: 2_000_000,
      reversedAllocations: 0,
      balance: 45_500_000,
      byCategory: {
        SANITATION: 42_000_000,
        CLEAN_WATER: 12_500_000,
        WASTE: 0,
        HEALTH_CHECK: 0,
        NUTRITION: 0,
        OPERATIONS: 0,
        OTHER: 0,
      },
      entries: 5,
    });
    expect(months.reduce((s, v) => s + v, 0)).toBe(a.spent - a.reversedExpenses);
    const page = renderFundPage({
      chrome: { css: '/dana/gaya.x.css', city: 'Kota Uji' },
      rt: RT,
      kelurahan: KEL,
      kecamatan: KEC,
      active: false,
      year: YEAR,
      currentYear: YEAR,
      firstYear: 2000,
      lastYear: YEAR + 1,
      account: a,
      entries,
      page: 1,
    });
    expect(textOf(page)).toContain('RT ini sudah ditutup');
    expect(textOf(page)).toContain(`Tahun lain: ${YEAR - 1} · ${YEAR + 1}`);
  });
});

describe('CloudFront in front of the pages', () => {
  it('keeps /dana* a short while by path, q, tahun and kel, and everything else not at all', () => {
    const stack = new Stack(new App(), 'Edge', { env: { region: 'ap-southeast-3' } });
    const api = new HttpApi(stack, 'Api');
    new ApiDistribution(stack, 'Cdn', {
      api,
      webAclArn: 'arn:aws:wafv2:us-east-1:111122223333:global/webacl/x/y',
    });
    const t = Template.fromStack(stack);
    const [policy] = Object.values(t.findResources('AWS::CloudFront::CachePolicy'));
    const config = policy!.Properties.CachePolicyConfig;
    expect(config).toMatchObject({ DefaultTTL: 60, MinTTL: 0, MaxTTL: 300 });
    expect(config.ParametersInCacheKeyAndForwardedToOrigin).toMatchObject({
      QueryStringsConfig: { QueryStringBehavior: 'whitelist', QueryStrings: ['q', 'tahun', 'kel'] },
      HeadersConfig: { HeaderBehavior: 'none' },
      CookiesConfig: { CookieBehavior: 'none' },
      EnableAcceptEncodingGzip: true,
    });
    const [dist] = Object.values(t.findResources('AWS::CloudFront::Distribution'));
    const { DefaultCacheBehavior, CacheBehaviors } = dist!.Properties.DistributionConfig;
    expect(PUBLIC_PAGES_PATH).toBe('/dana*');
    expect(CacheBehaviors).toHaveLength(1);
    expect(CacheBehaviors[0]).toMatchObject({
      PathPattern: '/dana*',
      AllowedMethods: ['GET', 'HEAD'],
      ViewerProtocolPolicy: 'redirect-to-https',
      Compress: true,
    });
    // No origin request policy: nothing outside the cache key (a cookie, a token, another query) reaches the pages.
    expect(CacheBehaviors[0].OriginRequestPolicyId).toBeUndefined();
    expect(CacheBehaviors[0].TargetOriginId).toBe(DefaultCacheBehavior.TargetOriginId);
    // Everything else stays uncached (CloudFront's managed CachingDisabled policy).
    expect(DefaultCacheBehavior.CachePolicyId).toBe('4135ea2d-6df8-44a3-9df3-4b5a84be39ad');
  });
});
