// The kader's page of the web form (/rt/#/kader) in a real Chromium at 360×740 in id-ID, against the whole local
// system: a seeded resident registered as a kader (level AWAL) signs in with a kader token, sees their name, level
// and "0 dari 4"; records a Posyandu activity (in the list, the count goes to 1); a home visit without NIK, or with a
// NIK the city does not know (the server's 400), is refused beside the field; a day before last month is refused; an
// activity recorded offline is sent once, with one Idempotency-Key, when the signal is back; a chair never sees the
// kader page and a kader never sees the chair's. The tests' own kader sign in with a dev token put in the form's
// session the way the form stores it; the seeded demo kader signs in from the local picker.
// Screenshots go to test/artifacts/kader-*.png.
import type { Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoChairUsername, demoRts } from '../../infra/local/demo-data.ts';
import { DEMO_KADER_USERNAME } from '../../infra/local/seed.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import {
  ARTIFACTS,
  axeViolations,
  HAS_CHROMIUM,
  openPhone,
  type Phone,
  phoneContext,
  warnIfNoChromium,
} from '../support/browser.ts';
import { useFreshTables } from '../support/tables.ts';

warnIfNoChromium('kader-form');

// biome-ignore lint/suspicious/noExplicitAny: JSON answered by the API under test, checked field by field.
type Json = any;
// The page's globals, used only inside page.evaluate() callbacks (the project compiles without the DOM lib).
declare const document: Json;
declare const sessionStorage: Json;
declare const location: Json;
declare const scrollTo: (x: number, y: number) => void;

const RT_A = demoRts(1)[0]!;
const TODAY = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
/** The first day of last month: the oldest day an activity may be recorded for. */
const OLDEST = (() => {
  const [y, m] = TODAY.split('-').map(Number) as [number, number];
  return m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
})();
const BEFORE_OLDEST = new Date(Date.parse(`${OLDEST}T00:00:00Z`) - 86_400_000).toISOString().slice(0, 10);

let sys: LocalSystem;
let phone: Phone;
let page: Page;
const token = { admin: '', chair: '', kader: '' };
/** The seeded resident made a kader, and another resident of the RT they visit. */
let kader: Json;
let visited: Json;

async function api(method: string, path: string, as: string, body?: unknown): Promise<Json> {
  const res = await fetch(`${sys.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${as}`,
      ...(body ? { 'content-type': 'application/json', 'idempotency-key': crypto.randomUUID() } : {}),
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: await res.json().catch(() => undefined) };
}

async function devToken(body: Record<string, string>): Promise<string> {
  const res = await fetch(`${sys.url}/auth/dev-token`, { method: 'POST', body: JSON.stringify(body) });
  expect(res.status).toBe(200);
  return ((await res.json()) as { token: string }).token;
}

async function shot(p: Page, name: string): Promise<void> {
  await p.evaluate(() => scrollTo(0, 0));
  await p.screenshot({ path: `${ARTIFACTS}kader-${name}.png`, fullPage: true });
}

const fitsPhone = async (p: Page) =>
  expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

async function noAxeViolation(p: Page): Promise<void> {
  expect(await axeViolations(p)).toEqual([]);
}

/** The kader's dev token in the form's session (as the form itself stores a sign-in), then the form opened. */
async function signInKader(p: Page): Promise<void> {
  await p.goto(`${sys.url}/rt/`);
  await p.getByRole('heading', { name: 'Masuk' }).waitFor();
  await p.evaluate((t) => sessionStorage.setItem('rt.session', JSON.stringify({ token: t })), token.kader);
  await p.goto(`${sys.url}/rt/#/kader`);
  await p.reload();
  await p.getByRole('heading', { name: 'Kegiatan kader', level: 1 }).waitFor();
}

/** POST /kader/{nik}/activities requests the page has made, with their Idempotency-Keys. */
function countPosts(p: Page): { n: number; keys: string[] } {
  const counter = { n: 0, keys: [] as string[] };
  p.on('request', (req) => {
    if (req.method() === 'POST' && /^\/kader\/\d{16}\/activities$/.test(new URL(req.url()).pathname)) {
      counter.n++;
      counter.keys.push(req.headers()['idempotency-key'] ?? '');
    }
  });
  return counter;
}

async function activities(): Promise<Json[]> {
  const res = await api('GET', `/kader/${kader.nik}/activities?month=${TODAY.slice(0, 7)}`, token.admin);
  expect(res.status).toBe(200);
  return res.body.items;
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  resetConfig();
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, dynamoEndpoint, seed: true, quiet: true });
  token.admin = await devToken({ role: 'city_admin' });
  token.chair = await devToken({ role: 'rt_chair', username: demoChairUsername(RT_A.rt) });
  const listed = await api('GET', `/rts/${RT_A.rt}/residents?limit=200`, token.chair);
  expect(listed.status).toBe(200);
  // Not the seeded demo kader: a resident of the RT not in the register yet.
  const inRegister = new Set((await api('GET', '/kader', token.admin)).body.items.map((k: Json) => k.nik));
  const living = listed.body.items.filter(
    (r: Json) => !r.deceasedOn && !r.movedOutOn && !inRegister.has(r.nik),
  );
  [kader, visited] = living;
  expect(visited).toBeDefined();
  const made = await api('POST', '/kader', token.admin, { nik: kader.nik, level: 'AWAL' });
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  token.kader = await devToken({ role: 'kader', nik: kader.nik });
  phone = await openPhone();
  page = phone.page;
});

afterAll(async () => {
  await phone?.browser.close();
  await sys?.stop();
  resetConfig();
});

describe.skipIf(!HAS_CHROMIUM)('the kader page in Chromium', { timeout: 60_000 }, () => {
  // A failed offline case must not leave the next ones without a network.
  afterEach(() => phone.context.setOffline(false));

  it("shows the kader's name, level and 0 of 4, only the kader's page, labelled fields in a sensible order", async () => {
    await signInKader(page);
    await expect.poll(() => page.textContent('#k-name')).toBe(kader.name);
    expect(await page.textContent('#k-level')).toBe('Kader Awal');
    expect(await page.textContent('#who')).toContain(kader.name);
    await expect
      .poll(() => page.textContent('#k-now'))
      .toBe('0 dari 4 kegiatan — 4 lagi untuk insentif Rp 300.000');
    expect(await page.textContent('#k-last')).toBe('0 dari 4 kegiatan — belum memenuhi syarat insentif');
    await expect.poll(() => page.textContent('#klist-msg')).toMatch(/^Belum ada kegiatan tercatat di /);
    // The date: today (WIB) by default, from the first day of last month.
    expect(await page.inputValue('#kdate')).toBe(TODAY);
    // From the first day of last month, or from the day the kader joined the register (today, here) if later.
    expect(await page.getAttribute('#kdate', 'min')).toBe(TODAY);
    expect(await page.getAttribute('#kdate', 'max')).toBe(TODAY);
    expect(await page.locator('#kkind option').allTextContents()).toEqual([
      '— pilih —',
      'Kunjungan rumah',
      'Posyandu',
      'Posbindu',
      'Penyuluhan',
    ]);
    // The resident's NIK only for a home visit.
    expect(await page.isVisible('#knik')).toBe(false);

    // None of the chair's pages: not in the menu, and their address lands back on the kader's page.
    const visibleLinks = await page.locator('nav a:visible').allTextContents();
    expect(visibleLinks).toEqual(['Kegiatan kader']);
    await page.goto(`${sys.url}/rt/#/warga`);
    await expect.poll(() => page.evaluate(() => location.hash)).toBe('#/kader');
    expect(await page.isVisible('#p-warga')).toBe(false);
    await page.getByRole('heading', { name: 'Kegiatan kader', level: 1 }).waitFor();

    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('#p-kader input, #p-kader select, #p-kader textarea')]
        .filter((c) => !document.querySelector(`label[for="${c.id}"]`))
        .map((c) => c.id),
    );
    expect(unlabelled).toEqual([]);
    expect(await page.getAttribute('html', 'lang')).toBe('id');
    // Keyboard order: the date (its day, month and year take a Tab each), the kind, the note, the button, the month.
    await page.focus('#kkind');
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('kdate');
    await page.focus('#kkind');
    const order: string[] = [];
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement?.id));
    }
    expect(order).toEqual(['knote', 'ksubmit', 'kmonth']);
    await fitsPhone(page);
    await noAxeViolation(page);
    await shot(page, 'empty');
  });

  it('records a Posyandu activity: it is listed and the count goes to 1', async () => {
    const posts = countPosts(page);
    await page.fill('#kdate', TODAY);
    await page.selectOption('#kkind', 'POSYANDU');
    await page.fill('#knote', 'Menimbang 23 balita di Posyandu Melati');
    await page.click('#ksubmit');
    await expect
      .poll(() => page.textContent('#k-now'))
      .toBe('1 dari 4 kegiatan — 3 lagi untuk insentif Rp 300.000');
    const item = page.locator('#klist li', { hasText: 'Menimbang 23 balita' });
    await item.waitFor();
    expect(await item.textContent()).toContain('Posyandu');
    expect(await page.textContent('#k-done')).toContain('Kegiatan tersimpan: Posyandu');
    expect(posts.n).toBe(1);
    // The form is ready for the next one.
    expect(await page.inputValue('#knote')).toBe('');
    expect(await page.inputValue('#kdate')).toBe(TODAY);
    const stored = await activities();
    expect(stored.map((a: Json) => a.kind)).toEqual(['POSYANDU']);
    await fitsPhone(page);
    await noAxeViolation(page);
    await shot(page, 'one');
  });

  it('refuses a home visit without NIK, and shows the server refusing a NIK the city does not know', async () => {
    const posts = countPosts(page);
    await page.selectOption('#kkind', 'HOME_VISIT');
    expect(await page.isVisible('#knik')).toBe(true);
    await page.fill('#knote', 'Memeriksa tekanan darah lansia di rumah');
    await page.click('#ksubmit');
    expect(await page.textContent('#knik-err')).toBe('Isi NIK warga yang dikunjungi (16 angka).');
    expect(await page.getAttribute('#knik', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('knik');
    expect(posts.n).toBe(0);
    await fitsPhone(page);
    await noAxeViolation(page);
    await shot(page, 'nik-missing');

    // A NIK of the right shape that nobody holds: the server's 400 beside the field.
    const stranger = makeNik({
      regionCode: RT_A.kelurahan,
      birthDate: '1950-01-01',
      sex: 'M',
      sequence: 9977,
    });
    await page.fill('#knik', stranger);
    expect(await page.getAttribute('#knik', 'aria-invalid')).toBeNull();
    await page.click('#ksubmit');
    await expect
      .poll(() => page.textContent('#knik-err'))
      .toBe('NIK ini tidak terdaftar sebagai warga kota. Periksa lagi 16 angka NIK-nya.');
    expect(posts.n).toBe(1);
    // Refused at once: nothing waits on the phone, and what was typed stays.
    expect(await page.isVisible('#kqueue-title')).toBe(false);
    expect(await page.inputValue('#knote')).toBe('Memeriksa tekanan darah lansia di rumah');
    await noAxeViolation(page);

    // The resident's real NIK: recorded.
    await page.fill('#knik', visited.nik);
    await page.click('#ksubmit');
    await expect.poll(() => page.textContent('#k-now')).toContain('2 dari 4 kegiatan');
    const item = page.locator('#klist li', { hasText: 'Kunjungan rumah' });
    await item.waitFor();
    expect(await item.textContent()).toContain(`NIK warga ${visited.nik}`);
    expect(await page.isVisible('#knik')).toBe(false);
    expect(posts.n).toBe(2);
  });

  it('refuses a day before last month (and one in the future) without sending anything', async () => {
    const posts = countPosts(page);
    await page.selectOption('#kkind', 'EDUCATION');
    await page.fill('#knote', 'Penyuluhan cuci tangan di balai RW');
    await page.fill('#kdate', BEFORE_OLDEST);
    await page.click('#ksubmit');
    expect(await page.textContent('#kdate-err')).toMatch(/^Kegiatan sebelum .+ tidak dapat dicatat lagi\.$/);
    expect(await page.getAttribute('#kdate', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('kdate');
    // The date picker itself stops at the same day.
    expect(await page.evaluate(() => document.getElementById('kdate').validity.rangeUnderflow)).toBe(true);
    await noAxeViolation(page);
    await shot(page, 'date-too-old');
    const tomorrow = new Date(Date.parse(`${TODAY}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
    await page.fill('#kdate', tomorrow);
    await page.click('#ksubmit');
    expect(await page.textContent('#kdate-err')).toBe('Tanggal kegiatan tidak boleh di masa depan.');
    expect(posts.n).toBe(0);
    // A day of last month, but before the kader joined the register (today): refused too, and the picker says so.
    expect(await page.getAttribute('#kdate', 'min')).toBe(TODAY);
    await page.fill('#kdate', OLDEST);
    expect(await page.textContent('#kdate-err')).toBe('');
    await page.click('#ksubmit');
    expect(await page.textContent('#kdate-err')).toMatch(
      /^Anda terdaftar sebagai kader sejak .+: kegiatan sebelumnya tidak dicatat\.$/,
    );
    expect(posts.n).toBe(0);
    await fitsPhone(page);
  });

  it('keeps an activity recorded offline and sends it once, with one key, when the signal is back', async () => {
    const posts = countPosts(page);
    const before = (await activities()).length;
    await phone.context.setOffline(true);
    await page.fill('#kdate', TODAY);
    await page.selectOption('#kkind', 'POSBINDU');
    await page.fill('#knote', 'Cek gula darah warga di Posbindu RW');
    await page.click('#ksubmit');
    const item = page.locator('#kqueue li', { hasText: 'Posbindu' });
    await expect.poll(() => item.textContent()).toContain('Menunggu sinyal');
    expect(await page.textContent('#k-done')).toContain('disimpan di HP ini');
    expect(await page.isVisible('#net')).toBe(true);
    expect(posts.n).toBe(0);
    await fitsPhone(page);
    await noAxeViolation(page);
    await shot(page, 'offline');

    await phone.context.setOffline(false);
    await expect.poll(() => page.isVisible('#kqueue-title'), { timeout: 15_000 }).toBe(false);
    await expect.poll(() => page.textContent('#k-now')).toContain(`${before + 1} dari 4 kegiatan`);
    await page.locator('#klist li', { hasText: 'Cek gula darah' }).waitFor();
    expect(posts.n).toBe(1);
    expect(posts.keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    const stored = (await activities()).filter((a: Json) => a.note === 'Cek gula darah warga di Posbindu RW');
    expect(stored).toHaveLength(1);

    // One more (from another phone): four this month, the rule is met.
    const more = await api('POST', `/kader/${kader.nik}/activities`, token.kader, {
      date: TODAY,
      kind: 'EDUCATION',
      note: 'Penyuluhan gizi seimbang untuk ibu balita',
    });
    expect(more.status, JSON.stringify(more.body)).toBe(201);
    await page.reload();
    await expect
      .poll(() => page.textContent('#k-now'))
      .toBe('4 dari 4 kegiatan — cukup untuk insentif Rp 300.000');
    await page.locator('#klist li', { hasText: 'Penyuluhan gizi' }).waitFor();
    await fitsPhone(page);
    await noAxeViolation(page);
    await shot(page, 'qualifies');
  });

  it("a kader of longer standing: the date goes back to last month's first day, and last month's payment shows", async () => {
    // The register cannot be back-dated over HTTP: the record is shaped on its way to a phone that sees every
    // request (no service worker) — a kader since 2025 whose last month met the rule, once paid, once not yet.
    const context = await phoneContext(phone.browser, { serviceWorkers: 'block' });
    const p = await context.newPage();
    let paid: Json = { amount: 300_000 };
    await p.route(`**/kader/${kader.nik}`, async (route) => {
      const res = await route.fetch();
      const body = await res.json();
      body.since = '2025-01-06';
      body.months[1] = { ...body.months[1], activities: 5, qualifies: true, paid };
      await route.fulfill({ response: res, json: body });
    });
    try {
      await signInKader(p);
      await expect.poll(() => p.getAttribute('#kdate', 'min')).toBe(OLDEST);
      await expect.poll(() => p.textContent('#k-last')).toBe('5 dari 4 kegiatan — memenuhi syarat insentif');
      expect(await p.textContent('#k-last-pay')).toBe('Insentif Rp 300.000 sudah dibayar');
      await fitsPhone(p);
      await noAxeViolation(p);
      await shot(p, 'paid');
      paid = null;
      await p.reload();
      await expect.poll(() => p.textContent('#k-last-pay')).toBe('Menunggu pembayaran Rp 300.000');
      await noAxeViolation(p);
    } finally {
      await context.close();
    }
  });

  it('signs the demo kader in from the local picker, straight to their page', async () => {
    const ctx = await phone.browser.newContext({
      viewport: { width: 360, height: 740 },
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
    });
    const p = await ctx.newPage();
    try {
      await p.goto(`${sys.url}/rt/`);
      await p.locator('#chair option').first().waitFor({ state: 'attached' });
      await p.selectOption('#chair', `kader:${DEMO_KADER_USERNAME}`);
      await p.click('#login-local');
      await expect.poll(() => p.evaluate(() => location.hash)).toBe('#/kader');
      await p.locator('#p-kader').waitFor();
      expect(await p.isVisible('nav a[href="#/warga"]')).toBe(false);
      await fitsPhone(p);
      await noAxeViolation(p);
    } finally {
      await ctx.close();
    }
  });

  it("a chair never sees the kader's page", async () => {
    const chair = await phone.browser.newContext({
      viewport: { width: 360, height: 740 },
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
    });
    const p = await chair.newPage();
    try {
      await p.goto(`${sys.url}/rt/`);
      await p.locator('#chair option').first().waitFor({ state: 'attached' });
      await p.selectOption('#chair', demoChairUsername(RT_A.rt));
      await p.click('#login-local');
      await p.getByRole('heading', { name: 'Warga RT saya' }).waitFor();
      expect(await p.isVisible('nav a[href="#/kader"]')).toBe(false);
      expect(await p.locator('nav a:visible').count()).toBe(5);
      await p.evaluate(() => {
        location.hash = '#/kader';
      });
      await expect.poll(() => p.evaluate(() => location.hash)).toBe('#/warga');
      expect(await p.isVisible('#p-kader')).toBe(false);
      await fitsPhone(p);
      await noAxeViolation(p);
    } finally {
      await chair.close();
    }
    expect(phone.pageErrors).toEqual([]);
  });
});
