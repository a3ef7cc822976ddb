// The public fund pages (/dana/) end to end: the whole local system over HTTP and in a real Chromium at 360×740 in
// id-ID, after the city allocates and an RT chair spends (a receipt photo, a NIK and a phone typed into a
// description, HTML typed into another, a reversal). What a citizen notices: the numbers are the ledger's (the JSON
// API's), a reversal shows as such, nothing personal is on the page, it works without JavaScript, fits the phone,
// loads under 60 KB (transfer size, gzip) and axe-core finds nothing serious. Screenshots: test/artifacts/dana-*.png.
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { city, placeOf } from '../../shared/city/regions.ts';
import { rupiah } from '../../shared/fund/public-pages.ts';
import {
  ARTIFACTS,
  axeViolations,
  HAS_CHROMIUM,
  openPhone,
  phoneContext,
  warnIfNoChromium,
} from '../support/browser.ts';
import { httpClient, type Json } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

warnIfNoChromium('dana-pages');

// The page's globals, used only inside page.evaluate() callbacks (the project compiles without the DOM lib).
declare const document: Json;
declare const performance: Json;
declare const scrollTo: (x: number, y: number) => void;

const RTS = demoRts(12);
const RT_A = RTS[0]!; // allocated, spent, a receipt, a reversal
const RT_B = RTS[6]!; // the same kelurahan (demo kelurahan repeat every six RTs): the yearly tier only
const RT_C = RTS[1]!; // another kelurahan, no account this year
const KEL = placeOf(RT_A.kelurahan)!;
const TODAY = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
const YEAR = Number(TODAY.slice(0, 4));
const NIK = '1571015506900002';
const PHONE = '0812-3456-7890';
const BUDGET = 60 * 1024;
const PNG = Buffer.from('89504e470d0a1a0a0000000d4948445200000001000000010806000000', 'hex');

let sys: LocalSystem;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[] = [];
const call = httpClient(() => sys.url);
const token = { admin: '', chair: '' };
const CHAIR_SUB = `chair-sub-${randomUUID().slice(0, 8)}`;
const ADMIN_SUB = `admin-sub-${randomUUID().slice(0, 8)}`;
const ids: Record<'water' | 'latrine' | 'mistake' | 'hostile' | 'reversal', string> = {
  water: '',
  latrine: '',
  mistake: '',
  hostile: '',
  reversal: '',
};

async function devToken(req: Record<string, string>): Promise<string> {
  const res = await call('POST', '/auth/dev-token', { json: req });
  expect(res.status, res.text).toBe(200);
  return res.body.token;
}

async function write(path: string, as: string, json: unknown): Promise<Json> {
  const res = await call('POST', path, { as, json, headers: { 'idempotency-key': randomUUID() } });
  expect(res.status, res.text).toBe(201);
  return res.body;
}

const fund = (rt: string) => `/funds/${rt}/${YEAR}`;
const expense = (over: Record<string, unknown>) =>
  write(`${fund(RT_A.rt)}/expenses`, token.chair, { category: 'CLEAN_WATER', date: TODAY, ...over });

/** What a reader sees of an HTML page (tags dropped, entities read, spaces collapsed). */
const textOf = (html: string) =>
  html
    .replace(/<[^>]+>/g, ' ')
    .replace(
      /&(amp|lt|gt|quot|#39);/g,
      (_, n: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[n]!,
    )
    .replace(/\s+/g, ' ')
    .trim();

async function shot(p: Page, name: string): Promise<void> {
  await p.evaluate(() => scrollTo(0, 0));
  await p.screenshot({ path: `${ARTIFACTS}dana-${name}.png`, fullPage: true });
}

/** Bytes over the wire for the page and everything it loaded (headers included, gzip as sent). */
const transferred = (p: Page): Promise<number> =>
  p.evaluate(() =>
    performance
      .getEntriesByType('navigation')
      .concat(performance.getEntriesByType('resource'))
      .reduce((sum: number, e: Json) => sum + e.transferSize, 0),
  );

/** What a phone's first visit costs, fits and finds: a fresh context (nothing cached), one page. */
async function firstVisit(path: string, name: string): Promise<{ bytes: number; p: Page }> {
  const fresh = await phoneContext(browser);
  const p = await fresh.newPage();
  const errors: string[] = [];
  p.on('pageerror', (e) => errors.push(String(e)));
  p.on('console', (m) => m.type() === 'error' && !/favicon/.test(m.location().url) && errors.push(m.text()));
  const res = await p.goto(`${sys.url}${path}`);
  expect(res?.status()).toBe(200);
  await p.waitForLoadState('load');
  const bytes = await transferred(p);
  console.log(`${path}: first load ${bytes} B transferred (HTML + CSS, gzip)`);
  expect(bytes).toBeGreaterThan(0);
  expect(bytes).toBeLessThan(BUDGET);
  // Fits 360 px: nothing scrolls sideways.
  expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  expect(await axeViolations(p)).toEqual([]);
  // The stylesheet applied (the CSP let it in): the header bar is the form's green.
  expect(await p.evaluate(() => getComputedStyle(document.querySelector('header')).backgroundColor)).toBe(
    'rgb(11, 110, 79)',
  );
  expect(errors).toEqual([]);
  await shot(p, name);
  await fresh.close();
  return { bytes, p };
}
declare const getComputedStyle: (el: Json) => Json;

beforeAll(async () => {
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, dynamoEndpoint, seed: true, quiet: true });
  token.admin = await devToken({ role: 'city_admin', sub: ADMIN_SUB });
  token.chair = await devToken({ role: 'rt_chair', rt: RT_A.rt, sub: CHAIR_SUB });
  // The city: Rp 100 juta to RT A, the yearly tier to RT B.
  await write(`${fund(RT_A.rt)}/allocations`, token.admin, { amount: 100_000_000, note: 'Alokasi tahunan' });
  await write(`${fund(RT_B.rt)}/allocations`, token.admin, { note: 'Alokasi tahunan menurut jumlah KK' });
  // The chair: water with a receipt photo, a latrine whose description names a resident, HTML, a mistake reversed.
  ids.water = (
    await expense({
      amount: 12_500_000,
      date: `${YEAR}-01-01`,
      description: 'Pipa dan kran air bersih',
      vendor: 'Toko Bangunan Sinar',
    })
  ).entryId;
  const upload = await call('POST', `${fund(RT_A.rt)}/entries/${ids.water}/receipt`, {
    as: token.chair,
    json: { contentType: 'image/png', size: PNG.length },
  });
  expect(upload.status, upload.text).toBe(201);
  const put = await fetch(upload.body.upload.url, {
    method: 'PUT',
    headers: { 'content-type': 'image/png' },
    body: PNG,
  });
  expect(put.status).toBe(200);
  await sys.bus.drain();
  ids.latrine = (
    await expense({
      amount: 40_000_000,
      category: 'SANITATION',
      description: `Jamban sehat untuk Bu Siti (NIK ${NIK}, HP ${PHONE})`,
    })
  ).entryId;
  ids.hostile = (
    await expense({
      amount: 2_000_000,
      category: 'HEALTH_CHECK',
      description: '<script>alert("x")</script><b>Cek gula darah</b>',
    })
  ).entryId;
  ids.mistake = (
    await expense({ amount: 5_000_000, category: 'WASTE', description: 'Gerobak sampah' })
  ).entryId;
  const undo = await call('POST', `${fund(RT_A.rt)}/entries/${ids.mistake}/reversal`, {
    as: token.chair,
    json: { reason: 'Salah catat: gerobak belum dibeli' },
  });
  expect(undo.status, undo.text).toBe(201);
  ids.reversal = undo.body.entryId;
  if (HAS_CHROMIUM) ({ browser, context, page, pageErrors } = await openPhone());
});

afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

describe('the fund pages over HTTP', () => {
  it('sends /dana to /dana/ (301) and serves the index gzipped, with its cache and security headers', async () => {
    const moved = await fetch(`${sys.url}/dana?tahun=${YEAR}`, { redirect: 'manual' });
    expect(moved.status).toBe(301);
    expect(moved.headers.get('location')).toBe(`/dana/?tahun=${YEAR}`);
    const res = await fetch(`${sys.url}/dana/`, { headers: { 'accept-encoding': 'gzip' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-encoding')).toBe('gzip');
    expect(res.headers.get('cache-control')).toBe('public, max-age=60, s-maxage=300');
    expect(res.headers.get('content-security-policy')).toMatch(/default-src 'none'; style-src 'self'/);
    const etag = res.headers.get('etag')!;
    const again = await fetch(`${sys.url}/dana/`, {
      headers: { 'accept-encoding': 'gzip', 'if-none-match': etag },
    });
    expect(again.status).toBe(304);
  });

  it('shows the RT the way its ledger (the JSON API) has it', async () => {
    const api = (await call('GET', fund(RT_A.rt))).body;
    // 100 M allocated; 59.5 M spent, 5 M of it reversed: 45.5 M left.
    expect([api.allocated, api.spent, api.reversed, api.balance]).toEqual([
      100_000_000, 59_500_000, 5_000_000, 45_500_000,
    ]);
    const res = await call('GET', `/dana/${RT_A.rt}/${YEAR}`);
    expect(res.status).toBe(200);
    const text = textOf(res.text);
    expect(text).toContain(`Sisa saldo ${rupiah(api.balance)}`);
    expect(text).toContain('Sisa saldo Rp 45.500.000');
    expect(text).toContain('Alokasi Rp 100.000.000 Terpakai Rp 54.500.000 (54,5%) Sisa Rp 45.500.000');
    expect(text).toContain('Sudah termasuk koreksi: pengeluaran dibatalkan Rp 5.000.000.');
    expect(text).toContain('Sanitasi 40.000.000 40%');
    expect(text).toContain('Air bersih 12.500.000 12,5%');
    expect(text).toContain('Sampah 0 0%');
    expect(text).toContain('Setahun 54.500.000');
    expect(text).toContain(`Kelurahan ${KEL.kelurahan.name}`);
    expect(text).toContain(`Kecamatan ${KEL.kecamatan.name}, ${city().name}`);
    // Every entry the API lists is on the page, by its id.
    for (const e of api.entries) expect(res.text).toContain(`id="e-${e.entryId}"`);
    expect(res.text).toContain(`href="/funds/${RT_A.rt}/${YEAR}/export.csv"`);
  });

  it('marks the receipt, and the reversal and the entry it reverses', async () => {
    const html = (await call('GET', `/dana/${RT_A.rt}/${YEAR}`)).text;
    const row = (id: string) => {
      const from = html.indexOf(`<tr id="e-${id}"`);
      expect(from, id).toBeGreaterThan(-1);
      return html.slice(from, html.indexOf('</tr>', from));
    };
    expect(textOf(row(ids.water))).toContain('✓ Ada foto kuitansi');
    expect(textOf(row(ids.latrine))).toContain('Belum ada foto kuitansi');
    expect(row(ids.mistake)).toContain('class="off"');
    expect(textOf(row(ids.mistake))).toContain('Dibatalkan');
    expect(row(ids.mistake)).toContain(`href="#e-${ids.reversal}"`);
    expect(row(ids.mistake)).toContain('<s>−5.000.000</s>');
    expect(textOf(row(ids.reversal))).toContain('Pembatalan pengeluaran Pembatalan');
    expect(textOf(row(ids.reversal))).toContain('Alasan: Salah catat: gerobak belum dibeli');
    expect(textOf(row(ids.reversal))).toContain('Membatalkan entri');
    expect(row(ids.reversal)).toContain(`href="#e-${ids.mistake}"`);
    expect(textOf(row(ids.reversal))).toContain('+5.000.000');
  });

  it('shows nothing personal, and what a chair typed as text', async () => {
    const html = (await call('GET', `/dana/${RT_A.rt}/${YEAR}`)).text;
    for (const secret of [NIK, PHONE, CHAIR_SUB, ADMIN_SUB, RT_A.chairName, RT_A.chairPhone, 'receipts/']) {
      expect(html).not.toContain(secret);
    }
    expect(html).not.toMatch(/\d{16}/);
    expect(textOf(html)).toContain(
      'Jamban sehat untuk Bu Siti (NIK [NIK/KK disamarkan], HP [nomor HP disamarkan])',
    );
    expect(html).not.toContain('<script');
    expect(html).toContain(
      '&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;b&gt;Cek gula darah&lt;/b&gt;',
    );
  });

  it('lists the kelurahan with its RTs: the sums of their accounts, "belum ada alokasi" where there is none', async () => {
    const [a, b] = await Promise.all([call('GET', fund(RT_A.rt)), call('GET', fund(RT_B.rt))]);
    const html = (await call('GET', `/dana/?kel=${KEL.kelurahan.code}`)).text;
    const from = html.indexOf(`id="kel-${KEL.kelurahan.code}"`);
    const card = textOf(html.slice(from, html.indexOf('</li>', from)));
    const alloc = a.body.allocated + b.body.allocated;
    const spent = a.body.spent - a.body.reversed;
    expect(card).toContain(`Alokasi ${rupiah(alloc)} Terpakai ${rupiah(spent)}`);
    expect(card).toContain(`Sisa ${rupiah(a.body.balance + b.body.balance)}`);
    expect(card).toContain(`RT ${RT_A.number} / RW ${RT_A.rw} 100.000.000 54.500.000 45.500.000`);
    expect(card).toContain(`RT ${RT_B.number} / RW ${RT_B.rw} ${rupiah(b.body.allocated).slice(3)} 0 `);
    const other = placeOf(RT_C.kelurahan)!.kelurahan.code;
    const otherHtml = (await call('GET', `/dana/?kel=${other}`)).text;
    expect(textOf(otherHtml)).toContain(`RT ${RT_C.number} / RW ${RT_C.rw} belum ada alokasi`);
  });

  it('answers an RT outside the directory (404), and a malformed address, with a page in Indonesian', async () => {
    const missing = await call('GET', `/dana/${RT_A.rt.slice(0, 10)}-019-019/${YEAR}`);
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(textOf(missing.text)).toContain('tidak ada di direktori RT');
    const bad = await call('GET', `/dana/${RT_A.rt}/tahun-ini`);
    expect(bad.status).toBeGreaterThanOrEqual(400);
    expect(textOf(bad.text)).toContain('Alamat tidak dikenali');
    expect(bad.text).not.toMatch(/at \w+ \(|\.ts:\d+/);
  });
});

describe.skipIf(!HAS_CHROMIUM)('the fund pages on a phone', { timeout: 60_000 }, () => {
  it('index: fits 360 px, under 60 KB, nothing for axe', async () => {
    await firstVisit('/dana/', 'index');
  });

  it('an RT page: fits 360 px, under 60 KB, nothing for axe, the charts with their tables', async () => {
    await firstVisit(`/dana/${RT_A.rt}/${YEAR}`, 'rt');
  });

  it('a kelurahan opened, and the page that is not there, on a phone', async () => {
    await firstVisit(`/dana/?kel=${KEL.kelurahan.code}`, 'kelurahan');
    const fresh = await phoneContext(browser);
    const p = await fresh.newPage();
    const res = await p.goto(`${sys.url}/dana/${RT_A.rt.slice(0, 10)}-019-019/${YEAR}`);
    expect(res?.status()).toBe(404);
    await p.getByRole('heading', { level: 1, name: 'Halaman tidak ditemukan' }).waitFor();
    expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    expect(await axeViolations(p)).toEqual([]);
    await shot(p, '404');
    await fresh.close();
  });

  it('without JavaScript: search a kelurahan by name and an RT number, open the RT, find the numbers', async () => {
    const noJs = await browser.newContext({
      viewport: { width: 360, height: 740 },
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
      javaScriptEnabled: false,
    });
    const p = await noJs.newPage();
    await p.goto(`${sys.url}/dana`);
    expect(new URL(p.url()).pathname).toBe('/dana/');
    await p.getByLabel('Cari RT atau kelurahan').fill(`${KEL.kelurahan.name} rt ${Number(RT_A.number)}`);
    await p.getByRole('button', { name: 'Cari' }).click();
    await p.getByRole('heading', { name: /Hasil pencarian/ }).waitFor();
    expect(new URL(p.url()).searchParams.get('q')).toBe(`${KEL.kelurahan.name} rt ${Number(RT_A.number)}`);
    await p.screenshot({ path: `${ARTIFACTS}dana-cari.png`, fullPage: true });
    await p.getByRole('link', { name: `RT ${RT_A.number} / RW ${RT_A.rw}` }).click();
    await p
      .getByRole('heading', { level: 1, name: new RegExp(`RT ${RT_A.number} / RW ${RT_A.rw}`) })
      .waitFor();
    expect(new URL(p.url()).pathname).toBe(`/dana/${RT_A.rt}/${YEAR}`);
    expect(await p.locator('.big').textContent()).toBe('Rp 45.500.000');
    // The charts' text equivalents are tables a screen reader reads: the months, and the categories.
    expect(await p.locator('#bulan table tbody tr').count()).toBe(13);
    expect(await p.locator('#kategori table tbody tr').count()).toBe(8);
    expect(await p.locator('#kategori svg').getAttribute('aria-hidden')).toBe('true');
    // From the RT back to its kelurahan, opened.
    await p.getByRole('link', { name: `Kel. ${KEL.kelurahan.name}` }).click();
    await p.locator(`#kel-${KEL.kelurahan.code.replaceAll('.', '\\.')} table`).waitFor();
    await noJs.close();
  });

  it('the shared phone page stays free of page errors', async () => {
    await page.goto(`${sys.url}/dana/${RT_A.rt}/${YEAR}`);
    await page.getByRole('heading', { name: 'Buku kas: semua entri' }).waitFor();
    expect(pageErrors).toEqual([]);
    await context.close();
  });
});
