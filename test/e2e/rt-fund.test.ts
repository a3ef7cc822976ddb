// The RT chair's "Dana RT" page (/rt/#/dana) in a real Chromium at 360×740 in id-ID, against the whole local
// system: the balance and category totals in Rupiah after the city allocates, an expense recorded online (the
// balance drops by exactly its amount), field errors in Indonesian that send nothing, InsufficientFunds with what
// is left, the offline queue that records exactly one expense (also after a lost reply), a large photo made small
// before upload, a receipt queued offline and uploaded when the signal returns, "Unggah kuitansi" on an entry, a
// PDF over 5 MB refused, "Batalkan" with a reason, and the last fund shown without signal after a reload.
// Screenshots go to test/artifacts/rt-fund-*.png.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoChairUsername, demoRts } from '../../infra/local/demo-data.ts';
import { type LocalSystem, ROOT, startLocalSystem } from '../../infra/local/system.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import {
  ARTIFACTS,
  cachedPaths,
  HAS_CHROMIUM,
  openPhone,
  phoneContext,
  SHELL,
  warnIfNoChromium,
} from '../support/browser.ts';
import { useFreshTables } from '../support/tables.ts';

warnIfNoChromium('rt-fund');
const MB5 = 5 * 1024 * 1024;

// biome-ignore lint/suspicious/noExplicitAny: JSON answered by the API under test, checked field by field.
type Json = any;
// The page's globals, used only inside page.evaluate() callbacks (the project compiles without the DOM lib).
declare const document: Json;
declare const localStorage: Json;
declare const navigator: Json;
declare const indexedDB: Json;
declare const dispatchEvent: (event: Event) => boolean;
declare const scrollTo: (x: number, y: number) => void;

const RT_A = demoRts(12)[0]!; // the first demo RT; its seeded chair signs in
const TODAY = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
const YEAR = Number(TODAY.slice(0, 4));
const FUND = `/funds/${RT_A.rt}/${YEAR}`;
const rp = (n: number) => `Rp ${n.toLocaleString('id-ID')}`;

let sys: LocalSystem;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const token = { chair: '', admin: '' };
let pageErrors: string[] = [];

async function api(method: string, path: string, as?: string, body?: unknown, headers = {}): Promise<Json> {
  const res = await fetch(`${sys.url}${path}`, {
    method,
    headers: {
      ...(as ? { authorization: `Bearer ${as}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

async function devToken(body: Record<string, string>): Promise<string> {
  const res = await fetch(`${sys.url}/auth/dev-token`, { method: 'POST', body: JSON.stringify(body) });
  return ((await res.json()) as { token: string }).token;
}

/** RT A's fund as anyone sees it (no token), every entry. */
async function account(): Promise<Json> {
  const res = await api('GET', `${FUND}?limit=200`);
  expect(res.status).toBe(200);
  return res.body;
}

const entriesNamed = async (description: string) =>
  (await account()).entries.filter((e: Json) => e.description === description);

async function expenseByApi(body: Record<string, unknown>): Promise<Json> {
  const res = await api(
    'POST',
    `${FUND}/expenses`,
    token.chair,
    { category: 'OTHER', date: TODAY, ...body },
    { 'idempotency-key': crypto.randomUUID() },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  return res.body;
}

/** A full-page screenshot, from the top (so the sticky menu sits where it belongs). */
async function shot(p: Page, name: string): Promise<void> {
  await p.evaluate(() => scrollTo(0, 0));
  await p.screenshot({ path: `${ARTIFACTS}rt-fund-${name}.png`, fullPage: true });
}

/** POST …/expenses requests the page has made, counted from the browser's side. */
function countPosts(p: Page, path = /\/funds\/[^/]+\/\d{4}\/expenses$/): { n: number } {
  const counter = { n: 0 };
  p.on('request', (req) => {
    if (req.method() === 'POST' && path.test(new URL(req.url()).pathname)) counter.n++;
  });
  return counter;
}

async function signIn(p: Page): Promise<void> {
  await p.goto(`${sys.url}/rt/`);
  await p.locator('#chair option').first().waitFor({ state: 'attached' });
  await p.selectOption('#chair', demoChairUsername(RT_A.rt));
  await p.click('#login-local');
  await p.getByRole('heading', { name: 'Warga RT saya' }).waitFor();
  await p.click('nav >> text=Dana RT');
  await p.getByRole('heading', { name: 'Dana RT' }).waitFor();
}

async function fillExpense(p: Page, values: Record<string, string>): Promise<void> {
  if ((await p.getAttribute('#catat', 'aria-expanded')) !== 'true') await p.click('#catat');
  for (const [field, value] of Object.entries(values)) {
    if (field === 'category') await p.selectOption('#category', value);
    else await p.fill(`#${field}`, value);
  }
}

/** A real JPEG made by the page's canvas: noise, so it stays large (3000×2250 at 0.92 is about 5.9 MB). */
async function bigJpeg(p: Page): Promise<Buffer> {
  const b64: string = await p.evaluate(async () => {
    const c = document.createElement('canvas');
    c.width = 3000;
    c.height = 2250;
    const ctx = c.getContext('2d');
    const img = ctx.createImageData(c.width, c.height);
    for (let i = 0; i < img.data.length; i += 65536) crypto.getRandomValues(img.data.subarray(i, i + 65536));
    for (let i = 3; i < img.data.length; i += 4) img.data[i] = 255;
    ctx.putImageData(img, 0, 0);
    const blob: Json = await new Promise((r) => c.toBlob(r, 'image/jpeg', 0.92));
    const bytes = new Uint8Array(await blob.arrayBuffer());
    let bin = '';
    for (let i = 0; i < bytes.length; i += 32768) bin += String.fromCharCode(...bytes.subarray(i, i + 32768));
    return btoa(bin);
  });
  return Buffer.from(b64, 'base64');
}

/** A small real PNG (kept as it is by the page). */
async function smallPng(p: Page): Promise<Buffer> {
  const url: string = await p.evaluate(() => {
    const c = document.createElement('canvas');
    c.width = 120;
    c.height = 80;
    const ctx = c.getContext('2d');
    ctx.fillStyle = '#0b6e4f';
    ctx.fillRect(10, 10, 100, 60);
    return c.toDataURL('image/png');
  });
  return Buffer.from(url.split(',')[1]!, 'base64');
}

const storedReceipt = (entryId: string, ext: string) =>
  join(ROOT, '.data', 'tmp', 'uploads', 'receipts', RT_A.rt, String(YEAR), `${entryId}.${ext}`);

/** The queue item the page keeps for an expense, by its description. */
const queued = (p: Page, description: string) =>
  p.evaluate(
    (d) => JSON.parse(localStorage.getItem('rt.queue') ?? '[]').find((i: Json) => i.body.description === d),
    description,
  );

const receiptKept = (p: Page, key: string) =>
  p.evaluate(
    (k) =>
      new Promise((resolve) => {
        const open = indexedDB.open('rt', 1);
        open.onsuccess = () => {
          const req = open.result.transaction('receipts').objectStore('receipts').get(k);
          req.onsuccess = () => {
            resolve(req.result ? { type: req.result.type, size: req.result.blob.size } : null);
            open.result.close();
          };
        };
      }),
    key,
  ) as Promise<{ type: string; size: number } | null>;

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  resetConfig();
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, dynamoEndpoint, seed: true, quiet: true });
  token.chair = await devToken({ role: 'rt_chair', username: demoChairUsername(RT_A.rt) });
  token.admin = await devToken({ role: 'city_admin' });
  ({ browser, context, page, pageErrors } = await openPhone());
});

afterAll(async () => {
  await browser?.close();
  await sys?.stop();
  resetConfig();
});

describe.skipIf(!HAS_CHROMIUM)('Dana RT in Chromium', { timeout: 60_000 }, () => {
  // A failed offline case must not leave the next ones without a network.
  afterEach(() => context.setOffline(false));

  it('shows the balance, what came in and went out, and the totals per category, in Rupiah', async () => {
    const alloc = await api(
      'POST',
      `${FUND}/allocations`,
      token.admin,
      { amount: 5_000_000, note: 'Dana Kampung Bahagia' },
      { 'idempotency-key': crypto.randomUUID() },
    );
    expect(alloc.status).toBe(201);
    await expenseByApi({ amount: 250_000, category: 'CLEAN_WATER', description: 'Pipa air bersih' });
    await signIn(page);
    await expect.poll(() => page.textContent('#saldo')).toBe('Rp 4.750.000');
    const totals = await page.textContent('#dana-totals');
    expect(totals).toContain('Dana masuk');
    expect(totals).toContain('Rp 5.000.000');
    expect(totals).toContain('Terpakai');
    expect(totals).toContain('Rp 250.000');
    const water = page.locator('#dana-cats li[data-cat="CLEAN_WATER"]');
    expect(await water.textContent()).toBe('Air bersihRp 250.000');
    expect(await water.getAttribute('class')).toBe('');
    expect(await page.getAttribute('#dana-cats li[data-cat="SANITATION"]', 'class')).toBe('zero');
    expect(await page.locator('#dana-cats li').allTextContents()).toEqual(
      expect.arrayContaining(['SanitasiRp 0', 'Cek kesehatan gratisRp 0', 'GiziRp 0', 'LainnyaRp 0']),
    );
    expect(await page.textContent('#dana-when')).toMatch(/^Data dimuat .* WIB$/);
    const rows = page.locator('#dana-list li');
    await expect.poll(() => rows.count()).toBe(2);
    const [spent, came] = await rows.allTextContents();
    expect(spent).toContain('Air bersih');
    expect(spent).toContain('− Rp 250.000');
    expect(spent).toContain('Keluar');
    expect(spent).toContain('Belum ada kuitansi');
    expect(came).toContain('Dana masuk');
    expect(came).toContain('+ Rp 5.000.000');
    expect(came).toContain('Masuk');
    // Only the chair's expenses can be reversed or given a receipt.
    expect(await rows.nth(1).locator('button').count()).toBe(0);
    expect(await page.getAttribute('nav a[href="#/dana"]', 'aria-current')).toBe('page');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    await shot(page, 'dana');
  });

  it('records an expense: the balance drops by exactly its amount, here and in the API, and it is listed', async () => {
    const posts = countPosts(page);
    const before = await account();
    await fillExpense(page, {
      amount: '150000',
      category: 'SANITATION',
      description: 'Semen untuk saluran air',
      vendor: 'Toko Bangunan Maju',
    });
    expect(await page.textContent('#amount-show')).toBe('= Rp 150.000');
    // Today (WIB) by default, inside the fiscal year.
    expect(await page.inputValue('#date')).toBe(TODAY);
    expect(await page.getAttribute('#date', 'min')).toBe(`${YEAR}-01-01`);
    expect(await page.getAttribute('#date', 'max')).toBe(TODAY);
    await shot(page, 'catat');
    await page.click('#xsubmit');
    const result = page.locator('#xresult');
    await expect.poll(() => result.textContent()).toContain('Pengeluaran tercatat');
    expect(await result.textContent()).toContain(`Saldo sekarang ${rp(before.balance - 150_000)}`);
    await expect.poll(() => page.textContent('#saldo')).toBe(rp(before.balance - 150_000));
    const row = page.locator('#dana-list li', { hasText: 'Semen untuk saluran air' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('Sanitasi');
    expect(await row.textContent()).toContain('− Rp 150.000');
    expect(await row.textContent()).toContain('Toko/penjual: Toko Bangunan Maju');
    expect(await page.locator('#dana-list li').first().textContent()).toContain('Semen untuk saluran air');
    expect(await page.isVisible('#xform')).toBe(false);
    expect(posts.n).toBe(1);

    const after = await account();
    expect(after.balance).toBe(before.balance - 150_000);
    expect(after.byCategory.SANITATION).toBe(150_000);
    const [entry] = await entriesNamed('Semen untuk saluran air');
    expect(entry).toMatchObject({
      kind: 'EXPENSE',
      amount: 150_000,
      category: 'SANITATION',
      date: TODAY,
      vendor: 'Toko Bangunan Maju',
      receipt: false,
    });
    // "1.500.000" is read as 1500000 too.
    await fillExpense(page, { amount: '1.500.000' });
    expect(await page.textContent('#amount-show')).toBe('= Rp 1.500.000');
    await page.fill('#amount', '');
  });

  it('shows empty, lettered, future and too-short input beside its field in Indonesian, and sends nothing', async () => {
    const posts = countPosts(page);
    const before = (await account()).entryCount;
    await fillExpense(page, { amount: '', description: 'Beli sapu' });
    await page.click('#xsubmit');
    await expect.poll(() => page.textContent('#amount-err')).toBe('Isi jumlah uang yang dibelanjakan.');
    expect(await page.getAttribute('#amount', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#amount', 'aria-describedby')).toContain('amount-err');
    expect(await page.textContent('#category-err')).toBe('Pilih kategori pengeluaran.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('amount');

    await fillExpense(page, { amount: '12rb', category: 'WASTE', date: '2999-01-01', description: 'ab' });
    await page.click('#xsubmit');
    await expect
      .poll(() => page.textContent('#amount-err'))
      .toBe('Jumlah hanya angka, misalnya 150000 atau 150.000.');
    expect(await page.textContent('#date-err')).toBe('Tanggal tidak boleh di masa depan.');
    expect(await page.getAttribute('#date', 'aria-invalid')).toBe('true');
    expect(await page.textContent('#description-err')).toBe('Tulis keterangan pengeluaran, minimal 3 huruf.');
    expect(await page.textContent('#category-err')).toBe('');
    await shot(page, 'error');
    // Typing in a field clears its message.
    await page.fill('#amount', '15.000');
    expect(await page.textContent('#amount-err')).toBe('');
    expect(await page.getAttribute('#amount', 'aria-invalid')).toBeNull();
    await page.fill('#amount', '15.00');
    await page.click('#xsubmit');
    await expect.poll(() => page.textContent('#amount-err')).toContain('Jumlah hanya angka');
    expect(posts.n).toBe(0);
    expect((await account()).entryCount).toBe(before);
    const stored = await page.evaluate(() => JSON.parse(localStorage.getItem('rt.queue') ?? '[]'));
    expect(stored.map((i: Json) => i.body.description)).toEqual(['Semen untuk saluran air']);
  });

  it('an expense above the balance: "Saldo tidak cukup" with what is left, and no entry', async () => {
    const { balance, entryCount } = await account();
    await fillExpense(page, {
      amount: String(balance + 1),
      category: 'HEALTH_CHECK',
      date: TODAY,
      description: 'Cek gula darah warga',
    });
    await page.click('#xsubmit');
    await expect
      .poll(() => page.textContent('#amount-err'))
      .toBe(`Saldo tidak cukup. Sisa dana ${rp(balance)}; pengeluaran tidak dicatat.`);
    expect(await page.getAttribute('#amount', 'aria-invalid')).toBe('true');
    // The form keeps what was typed; nothing is queued, nothing recorded.
    expect(await page.inputValue('#description')).toBe('Cek gula darah warga');
    expect(await queued(page, 'Cek gula darah warga')).toBeUndefined();
    expect(await account()).toMatchObject({ balance, entryCount });
    await page.fill('#description', '');
    await page.fill('#amount', '');
  });

  it('offline: the expense waits as "Menunggu sinyal", then is recorded exactly once when the signal returns', async () => {
    await context.setOffline(true);
    const posts = countPosts(page);
    await fillExpense(page, {
      amount: '75.000',
      category: 'NUTRITION',
      date: TODAY,
      description: 'Telur untuk posyandu balita',
    });
    await page.click('#xsubmit');
    const item = page.locator('#xqueue li', { hasText: 'Telur untuk posyandu balita' });
    await expect.poll(() => item.textContent()).toContain('Menunggu sinyal');
    expect(await page.textContent('#xresult')).toContain('Pengeluaran disimpan di HP ini');
    expect(await page.textContent('#xresult')).not.toMatch(/false|undefined|null/);
    expect(await page.isVisible('#net')).toBe(true);
    const saved = await queued(page, 'Telur untuk posyandu balita');
    expect(saved).toMatchObject({ kind: 'expense', rt: RT_A.rt, year: YEAR, state: 'waiting' });
    expect(saved.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(saved.body).toEqual({
      amount: 75_000,
      category: 'NUTRITION',
      date: TODAY,
      description: 'Telur untuk posyandu balita',
    });
    expect(posts.n).toBe(0);
    await shot(page, 'offline-queue');

    const before = (await account()).balance;
    await context.setOffline(false);
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('Tercatat');
    expect(await page.textContent('#xresult')).toContain(`Saldo sekarang ${rp(before - 75_000)}`);
    await expect.poll(() => page.textContent('#saldo')).toBe(rp(before - 75_000));
    const recorded = await entriesNamed('Telur untuk posyandu balita');
    expect(recorded).toHaveLength(1);
    expect(posts.n).toBe(1);
    // The key went with the expense: the same key again replays it, never a second one.
    const replay = await api('POST', `${FUND}/expenses`, token.chair, saved.body, {
      'idempotency-key': saved.key,
    });
    expect(replay.status).toBe(201);
    expect(replay.body.entryId).toBe(recorded[0].entryId);
    expect(await entriesNamed('Telur untuk posyandu balita')).toHaveLength(1);
  });

  it('a large photo chosen with the expense is made small (≤ 5 MB JPEG) and attached after the expense is sent', async () => {
    const photo = await bigJpeg(page);
    expect(photo.length).toBeGreaterThan(MB5);
    const puts: (string | undefined)[] = [];
    page.on('request', (req) => {
      if (req.method() === 'PUT' && new URL(req.url()).pathname.startsWith('/dev/uploads/')) {
        puts.push(req.headers()['content-type']);
      }
    });
    await fillExpense(page, {
      amount: '40000',
      category: 'WASTE',
      date: TODAY,
      description: 'Kantong sampah besar',
    });
    await page.setInputFiles('#receipt', { name: 'kuitansi.jpg', mimeType: 'image/jpeg', buffer: photo });
    expect(await page.textContent('#receipt-show')).toMatch(/kuitansi\.jpg \(5[.,]\d MB\)/);
    await page.click('#xsubmit');
    const result = page.locator('#xresult');
    await expect.poll(() => result.textContent(), { timeout: 15_000 }).toContain('Kuitansi ✓ terunggah');
    const [entry] = await entriesNamed('Kantong sampah besar');
    await expect
      .poll(async () => (await entriesNamed('Kantong sampah besar'))[0].receipt, { timeout: 5_000 })
      .toBe(true);
    const row = page.locator('#dana-list li', { hasText: 'Kantong sampah besar' });
    await expect.poll(() => row.textContent()).toContain('Kuitansi ✓');
    expect(puts).toEqual(['image/jpeg']);
    const file = storedReceipt(entry.entryId, 'jpg');
    const size = statSync(file).size;
    expect(size).toBeLessThanOrEqual(MB5);
    expect(size).toBeLessThan(photo.length / 2);
    // A JPEG (FF D8 FF), the one the page made.
    expect(readFileSync(file).subarray(0, 3).toString('hex')).toBe('ffd8ff');
    const item = await queued(page, 'Kantong sampah besar');
    expect(item.receipt).toMatchObject({ state: 'done', type: 'image/jpeg', size });
    // Sent and uploaded: the photo has left the phone.
    expect(await receiptKept(page, item.key)).toBeNull();
  });

  it('offline with a receipt: the photo is kept in IndexedDB across a reload and uploaded when the signal returns', async () => {
    await context.setOffline(true);
    await fillExpense(page, {
      amount: '20000',
      category: 'OPERATIONS',
      date: TODAY,
      description: 'Fotokopi laporan dana',
    });
    await page.setInputFiles('#receipt', {
      name: 'struk.png',
      mimeType: 'image/png',
      buffer: await smallPng(page),
    });
    await page.click('#xsubmit');
    const item = page.locator('#xqueue li', { hasText: 'Fotokopi laporan dana' });
    await expect.poll(() => item.textContent()).toContain('Menunggu sinyal');
    expect(await item.textContent()).toContain('Foto kuitansi tersimpan');
    const saved = await queued(page, 'Fotokopi laporan dana');
    expect(saved.receipt).toMatchObject({ state: 'waiting', type: 'image/png' });
    expect(await receiptKept(page, saved.key)).toMatchObject({ type: 'image/png' });

    // The phone is closed and opened again, still without signal: nothing is lost.
    await page.reload();
    await page.getByRole('heading', { name: 'Dana RT' }).waitFor();
    await expect.poll(() => item.textContent()).toContain('Menunggu sinyal');
    expect(await receiptKept(page, saved.key)).toMatchObject({ type: 'image/png' });

    await context.setOffline(false);
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('Kuitansi ✓ terunggah');
    const recorded = await entriesNamed('Fotokopi laporan dana');
    expect(recorded).toHaveLength(1);
    await expect
      .poll(async () => (await entriesNamed('Fotokopi laporan dana'))[0].receipt, { timeout: 5_000 })
      .toBe(true);
    expect(statSync(storedReceipt(recorded[0].entryId, 'png')).size).toBe(saved.receipt.size);
    expect(await receiptKept(page, saved.key)).toBeNull();
  });

  it('"Unggah kuitansi" on an entry: a PDF over 5 MB is refused with a message, a photo is attached', async () => {
    const row = page.locator('#dana-list li', { hasText: 'Semen untuk saluran air' });
    await expect.poll(() => row.textContent()).toContain('Belum ada kuitansi');
    const choose = async (file: { name: string; mimeType: string; buffer: Buffer }) => {
      const [chooser] = await Promise.all([
        page.waitForEvent('filechooser'),
        row.getByRole('button', { name: 'Unggah kuitansi' }).click(),
      ]);
      await chooser.setFiles(file);
    };
    const pdf = Buffer.concat([Buffer.from('%PDF-1.4\n'), Buffer.alloc(MB5 - 8, 0x20)]);
    expect(pdf.length).toBe(MB5 + 1);
    await choose({ name: 'kuitansi.pdf', mimeType: 'application/pdf', buffer: pdf });
    await expect.poll(() => row.textContent()).toContain('Berkas PDF lebih dari 5 MB');
    const [entry] = await entriesNamed('Semen untuk saluran air');
    expect(entry.receipt).toBe(false);
    await shot(page, 'pdf-refused');

    await choose({ name: 'kuitansi.png', mimeType: 'image/png', buffer: await smallPng(page) });
    await expect.poll(() => row.textContent()).toContain('Kuitansi ✓');
    expect(await row.textContent()).not.toContain('Berkas PDF');
    expect(await row.getByRole('button', { name: 'Unggah kuitansi' }).count()).toBe(0);
    await expect
      .poll(async () => (await entriesNamed('Semen untuk saluran air'))[0].receipt, { timeout: 5_000 })
      .toBe(true);
    expect(existsSync(storedReceipt(entry.entryId, 'png'))).toBe(true);
  });

  it('"Batalkan" asks for a reason inline, then a reversal entry restores the balance and the button is gone', async () => {
    const before = await account();
    const [entry] = await entriesNamed('Semen untuk saluran air');
    const row = page.locator(`#dana-list li[data-id="${entry.entryId}"]`);
    await row.getByRole('button', { name: 'Batalkan', exact: true }).click();
    const reason = row.getByLabel('Alasan pembatalan');
    await expect.poll(() => reason.evaluate((i) => i === document.activeElement)).toBe(true);
    await row.getByRole('button', { name: 'Batalkan pengeluaran' }).click();
    await expect.poll(() => row.textContent()).toContain('Tulis alasan pembatalan, minimal 3 huruf.');
    await reason.fill('Salah catat, semen dikembalikan');
    await row.getByRole('button', { name: 'Batalkan pengeluaran' }).click();
    await expect
      .poll(() => page.textContent('#notice'))
      .toBe(`Pengeluaran dibatalkan. Saldo sekarang ${rp(before.balance + 150_000)}.`);
    await expect.poll(() => page.textContent('#saldo')).toBe(rp(before.balance + 150_000));
    await expect.poll(() => row.textContent()).toContain('DIBATALKAN');
    expect(await row.textContent()).toContain('Alasan: Salah catat, semen dikembalikan');
    expect(await row.getByRole('button', { name: 'Batalkan', exact: true }).count()).toBe(0);
    const reversal = page.locator('#dana-list li', { hasText: 'Pembatalan · Sanitasi' });
    expect(await reversal.textContent()).toContain('+ Rp 150.000');
    expect(await reversal.textContent()).toContain('Membatalkan: Sanitasi');
    expect(await reversal.getByRole('button', { name: /Batalkan|Unggah/ }).count()).toBe(0);
    // Each links to the other.
    await reversal.getByRole('button', { name: /^Sanitasi .* Rp 150\.000$/ }).click();
    expect(await page.evaluate(() => document.activeElement?.dataset.id)).toBe(entry.entryId);
    await row.getByRole('button', { name: 'Lihat pembatalan' }).click();
    expect(await page.evaluate(() => document.activeElement?.textContent)).toContain('Pembatalan · Sanitasi');
    expect(await page.textContent('#p-dana')).not.toMatch(/\b(false|undefined|null|NaN)\b/);
    await shot(page, 'batal');

    const after = await account();
    expect(after.balance).toBe(before.balance + 150_000);
    expect(after.byCategory.SANITATION).toBe(0);
    const reversals = after.entries.filter((e: Json) => e.reverses === entry.entryId);
    expect(reversals).toHaveLength(1);
    expect(reversals[0]).toMatchObject({ kind: 'REVERSAL', direction: 'CREDIT', amount: 150_000 });
  });

  it('an expense the city reversed meanwhile: "Batalkan" answers that it is already reversed', async () => {
    const spent = await expenseByApi({ amount: 5_000, description: 'Paku dan kawat' });
    await page.selectOption('#tahun', String(YEAR - 1));
    await expect.poll(() => page.locator('#dana-list li').count()).toBe(0);
    await page.selectOption('#tahun', String(YEAR));
    const row = page.locator(`#dana-list li[data-id="${spent.entryId}"]`);
    await expect.poll(() => row.count()).toBe(1);
    expect(
      (
        await api('POST', `${FUND}/entries/${spent.entryId}/reversal`, token.admin, {
          reason: 'Dobel dicatat',
        })
      ).status,
    ).toBe(201);
    await row.getByRole('button', { name: 'Batalkan', exact: true }).click();
    await row.getByLabel('Alasan pembatalan').fill('Tidak jadi dibeli');
    await row.getByRole('button', { name: 'Batalkan pengeluaran' }).click();
    await expect.poll(() => page.textContent('#notice')).toBe('Pengeluaran ini sudah dibatalkan sebelumnya.');
    await expect.poll(() => row.textContent()).toContain('DIBATALKAN');
    expect(await row.getByRole('button', { name: 'Batalkan', exact: true }).count()).toBe(0);
    expect(
      (await account()).entries
        .filter((e: Json) => e.reverses === spent.entryId)
        .map((e: Json) => e.description),
    ).toEqual(['Dobel dicatat']);
  });

  it('without signal after a reload, the page shows the last fund it loaded and says when', async () => {
    const { balance } = await account();
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    await expect.poll(() => cachedPaths(page)).toEqual(SHELL);
    await page.reload();
    await expect.poll(() => page.textContent('#saldo')).toBe(rp(balance));
    await expect.poll(() => page.textContent('#dana-msg')).toBe('');
    const shownEntries = await page.locator('#dana-list li').count();

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Dana RT' }).waitFor();
    await expect
      .poll(() => page.textContent('#dana-msg'))
      .toMatch(/^Tidak ada sinyal\. Coba lagi saat ada sinyal\. Menampilkan data yang dimuat .* WIB\.$/);
    expect(await page.textContent('#saldo')).toBe(rp(balance));
    expect(await page.textContent('#dana-when')).toMatch(/^Data dimuat .* WIB$/);
    expect(await page.locator('#dana-list li').count()).toBe(shownEntries);
    expect(await page.isVisible('#net')).toBe(true);
    await shot(page, 'offline');
  });

  it('tells the chair the report is public, and that a phone number written in is masked there', async () => {
    await fillExpense(page, {
      amount: '20000',
      category: 'OPERATIONS',
      description: 'Pulsa untuk koordinasi warga',
      vendor: 'Konter Pak Andi 0812-7788-9900',
    });
    expect(await page.isVisible('#public-hint')).toBe(true);
    expect(await page.textContent('#public-hint')).toMatch(/dibuka untuk umum.*NIK.*nomor HP/);
    expect(await page.getAttribute('#vendor', 'aria-describedby')).toContain('public-hint');
    await page.click('#xsubmit');
    const result = page.locator('#xresult');
    await expect
      .poll(() => result.textContent())
      .toContain('Pengeluaran tercatatPulsa untuk koordinasi warga');
    expect(await result.textContent()).toContain('NIK dan nomor HP pada keterangan atau toko disamarkan');
    const row = page.locator('#dana-list li', { hasText: 'Pulsa untuk koordinasi warga' });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.textContent()).toContain('Toko/penjual: Konter Pak Andi [nomor HP disamarkan]');
    expect(await row.textContent()).not.toContain('0812-7788-9900');
  });

  it('the sign-in page counts expenses still waiting, beside letters', async () => {
    await page.evaluate(() =>
      localStorage.setItem(
        'rt.queue',
        JSON.stringify([
          {
            kind: 'expense',
            key: 'x',
            rt: 'other',
            year: 2026,
            body: { description: 'X' },
            state: 'waiting',
          },
          { key: 'k', rt: 'other', body: { name: 'X' }, state: 'waiting' },
          ...JSON.parse(localStorage.getItem('rt.queue') ?? '[]'),
        ]),
      ),
    );
    await page.click('#signout');
    await page.getByRole('heading', { name: 'Masuk' }).waitFor();
    expect(await page.textContent('#login-queue')).toBe(
      '1 surat dan 1 pengeluaran masih tersimpan di HP ini dan akan dikirim setelah Anda masuk.',
    );
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(!HAS_CHROMIUM)(
  'Dana RT against a bad network (no service worker)',
  { timeout: 60_000 },
  () => {
    let p: Page;
    let ctx: BrowserContext;

    beforeAll(async () => {
      if (!HAS_CHROMIUM) return;
      // Request interception does not see requests a service worker handles, so this context has none.
      ctx = await phoneContext(browser, { serviceWorkers: 'block' });
      p = await ctx.newPage();
      await signIn(p);
    });

    afterAll(async () => {
      await ctx?.close();
    });

    it('a lost reply keeps the expense waiting; the resend with the same key records one entry', async () => {
      const keys: string[] = [];
      let mode: 'lose' | 'pass' = 'lose';
      await p.route('**/expenses', async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        keys.push(route.request().headers()['idempotency-key']!);
        if (mode === 'pass') return route.continue();
        // The server records the expense, but the answer never reaches the phone.
        await route.fetch();
        return route.abort('connectionreset');
      });
      await fillExpense(p, {
        amount: '30.000',
        category: 'OTHER',
        date: TODAY,
        description: 'Sewa tenda rapat',
      });
      await p.click('#xsubmit');
      const item = p.locator('#xqueue li', { hasText: 'Sewa tenda rapat' });
      await expect.poll(() => item.textContent()).toContain('Menunggu sinyal');
      expect(await entriesNamed('Sewa tenda rapat')).toHaveLength(1);

      mode = 'pass';
      await p.evaluate(() => dispatchEvent(new Event('online')));
      await expect.poll(() => item.textContent(), { timeout: 10_000 }).toContain('Tercatat');
      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(1);
      expect(await entriesNamed('Sewa tenda rapat')).toHaveLength(1);
      await p.unroute('**/expenses');
    });

    it('a server 400 lands beside the field it names; a 403 on Batalkan says it is too late', async () => {
      await p.route('**/expenses', (route) =>
        route.fulfill({
          status: 400,
          contentType: 'application/json',
          body: JSON.stringify({
            error: 'ValidationError',
            issues: [{ path: 'date', message: 'must be inside the fiscal year' }],
          }),
        }),
      );
      await fillExpense(p, { amount: '10.000', category: 'OTHER', date: TODAY, description: 'Tali rafia' });
      await p.click('#xsubmit');
      await expect
        .poll(() => p.textContent('#date-err'))
        .toBe('Tanggal harus di tahun anggaran ini dan tidak di masa depan.');
      expect(await p.getAttribute('#date', 'aria-invalid')).toBe('true');
      await p.unroute('**/expenses');

      await p.route('**/reversal', (route) =>
        route.fulfill({
          status: 403,
          contentType: 'application/json',
          body: JSON.stringify({
            error: 'Forbidden',
            message: 'An RT chair may reverse an expense within 30 days',
          }),
        }),
      );
      const row = p.locator('#dana-list li', { hasText: 'Sewa tenda rapat' });
      await row.getByRole('button', { name: 'Batalkan', exact: true }).click();
      await row.getByLabel('Alasan pembatalan').fill('Tenda tidak jadi dipakai');
      await row.getByRole('button', { name: 'Batalkan pengeluaran' }).click();
      await expect.poll(() => row.textContent()).toContain('Sudah lewat 30 hari');
      expect(await row.getByLabel('Alasan pembatalan').getAttribute('aria-invalid')).toBe('true');
      await p.unroute('**/reversal');
      expect((await account()).entries.filter((e: Json) => e.kind === 'REVERSAL')).toHaveLength(2);
    });
  },
);
