// The RT chair's form (/rt/) in a real Chromium at 360×740 in id-ID, against the whole local system: the
// chair picker, the RT's residents, a letter that activates coverage at once, the offline queue that sends
// exactly one letter when the signal returns (also after a lost reply), field errors in Indonesian from the
// browser and from the server, "load more", the printable letter, and a 401 back to sign-in.
// Screenshots of each page go to test/artifacts/rt-*.png.
import { createHash } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { placeOf } from '../../shared/city/regions.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import {
  ARTIFACTS,
  type AxeViolation,
  axeViolations,
  cachedPaths,
  HAS_CHROMIUM,
  openPhone,
  phoneContext,
  SHELL,
  warnIfNoChromium,
} from '../support/browser.ts';
import { useFreshTables } from '../support/tables.ts';

warnIfNoChromium('rt-form');

// biome-ignore lint/suspicious/noExplicitAny: JSON answered by the API under test, checked field by field.
type Json = any;
// The page's globals, used only inside page.evaluate() callbacks (the project compiles without the DOM lib).
declare const document: Json;
declare const localStorage: Json;
declare const sessionStorage: Json;
declare const navigator: Json;
declare const dispatchEvent: (event: Event) => boolean;
declare const scrollTo: (x: number, y: number) => void;

const RT_A = demoRts(12)[0]!; // the first demo RT (the first kelurahan of the first kecamatan)
/** The chair this file signs in as: an account the city makes through POST /staff, as on its first day. */
const CHAIR = {
  username: 'siti.ketua',
  name: 'Siti Rahmawati',
  role: 'rt_chair',
  rt: RT_A.rt,
  phone: '0812-5550-1001',
};
/** The kelurahan of RT A by its name in idn-area-data. */
const KELURAHAN = placeOf(RT_A.kelurahan)!.kelurahan.name;
let sys: LocalSystem;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const token: Record<'chair' | 'clinic' | 'verifier', string> = { chair: '', clinic: '', verifier: '' };
let pageErrors: string[] = [];

// Test residents use sequence numbers 9000+; the demo data stays below 5000.
let nextSeq = 9100;
function newResident(name: string, sex: 'M' | 'F' = 'F', birthDate = '1988-04-21') {
  const nik = makeNik({ regionCode: RT_A.kelurahan, birthDate, sex, sequence: nextSeq++ });
  return { nik, name, birthDate, sex };
}

async function api(method: string, path: string, as: string, body?: unknown, headers = {}): Promise<Json> {
  const res = await fetch(`${sys.url}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${as}`,
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

/** Every letter of RT A for one NIK, as Dinas Sosial's verifier lists them. */
async function lettersFor(nik: string): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ rt: RT_A.rt, limit: '100', ...(cursor ? { cursor } : {}) });
    const res = await api('GET', `/attestations?${q}`, token.verifier);
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.cursor;
  } while (cursor);
  return items.filter((a) => a.resident.nik === nik);
}

/** A full-page screenshot, from the top (so the sticky menu sits where it belongs). */
async function shot(p: Page, name: string): Promise<void> {
  await p.evaluate(() => scrollTo(0, 0));
  await p.screenshot({ path: `${ARTIFACTS}rt-${name}.png`, fullPage: true });
}

async function fillForm(
  p: Page,
  r: { nik: string; name: string; birthDate: string; sex: string },
  extra = {},
) {
  const values: Record<string, string> = {
    reason: 'Sakit, warga kurang mampu, perlu berobat segera',
    ...extra,
  };
  await p.fill('#nik', r.nik);
  await p.fill('#name', r.name);
  await p.fill('#birthDate', r.birthDate);
  await p.selectOption('#sex', r.sex);
  for (const [field, value] of Object.entries(values)) await p.fill(`#${field}`, value);
}

/** POST /attestations requests the page has made, counted from the browser's side. */
function countPosts(p: Page): { n: number } {
  const counter = { n: 0 };
  p.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/attestations') counter.n++;
  });
  return counter;
}

async function signIn(p: Page): Promise<void> {
  await p.goto(`${sys.url}/rt/`);
  await p.locator('#chair option').first().waitFor({ state: 'attached' });
  await p.selectOption('#chair', CHAIR.username);
  await p.click('#login-local');
  await p.getByRole('heading', { name: 'Warga RT saya' }).waitFor();
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  // Room for every letter this file's chair issues in one day.
  process.env.ATTESTATION_DAILY_LIMIT = '100';
  resetConfig();
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, dynamoEndpoint, seed: true, quiet: true });
  const admin = await devToken({ role: 'city_admin' });
  const made = await api('POST', '/staff', admin, CHAIR);
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  token.chair = await devToken({ role: 'rt_chair', username: CHAIR.username });
  token.clinic = await devToken({ role: 'clinic' });
  token.verifier = await devToken({ role: 'social_verifier' });
  ({ browser, context, page, pageErrors } = await openPhone());
});

afterAll(async () => {
  await browser?.close();
  await sys?.stop();
  delete process.env.ATTESTATION_DAILY_LIMIT;
  resetConfig();
});

describe.skipIf(!HAS_CHROMIUM)('the RT chair form in Chromium', { timeout: 60_000 }, () => {
  // A failed offline case must not leave the next ones without a network.
  afterEach(() => context.setOffline(false));

  it('loads /rt within 60 KB, labels every field, fits 360 px, and signs in with the chair picker', async () => {
    await page.goto(`${sys.url}/rt`);
    expect(new URL(page.url()).pathname).toBe('/rt/');
    await page.getByRole('heading', { name: 'Masuk' }).waitFor();
    await page.locator('#chair option').first().waitFor({ state: 'attached' });
    const transferred = await page.evaluate(() =>
      (performance as Json)
        .getEntriesByType('navigation')
        .concat((performance as Json).getEntriesByType('resource'))
        .filter((e: Json) =>
          /\/rt\/($|app\.css|app\.js|lib\.js|fund\.js|homecare\.js|kader\.js)/.test(e.name),
        )
        .reduce((sum: number, e: Json) => sum + e.transferSize, 0),
    );
    console.log(`RT form first load in Chromium: ${transferred} B transferred (HTML + CSS + JS, gzip)`);
    expect(transferred).toBeGreaterThan(0);
    expect(transferred).toBeLessThanOrEqual(60 * 1024);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((c) => !document.querySelector(`label[for="${c.id}"]`))
        .map((c) => c.id || c.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    // The twelve demo chairs and the one the city just made, each with the real name of their RT's kelurahan; and
    // the demo kader, in a group of their own.
    const options = await page.locator('#chair option').allTextContents();
    expect(options.length).toBe(14);
    expect(await page.locator('#chair optgroup[label="Kader kesehatan"] option').count()).toBe(1);
    // Grouped under their kelurahan's real name.
    const group = page.locator('#chair optgroup', { has: page.locator(`option[value="${CHAIR.username}"]`) });
    expect(await group.getAttribute('label')).toBe(`Kel. ${KELURAHAN}`);
    expect(await group.locator(`option[value="${CHAIR.username}"]`).textContent()).toBe(
      `${CHAIR.name} — RT 001 / RW 001`,
    );
    await shot(page, 'masuk');
    await page.selectOption('#chair', CHAIR.username);
    await page.click('#login-local');
    await page.getByRole('heading', { name: 'Warga RT saya' }).waitFor();
    await expect.poll(() => page.textContent('#who')).toContain(CHAIR.name);
    expect(await page.textContent('#who')).toContain(`RT 001 / RW 001, Kel. ${KELURAHAN}`);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
  });

  it("lists the RT's residents with their coverage, and the search box filters by name", async () => {
    const res = await api('GET', `/rts/${RT_A.rt}/residents?limit=200`, token.chair);
    expect(res.status).toBe(200);
    const residents: Json[] = res.body.items;
    expect(residents.length).toBeGreaterThan(5);
    const rows = page.locator('#warga-list li');
    await expect.poll(() => rows.count()).toBe(residents.length);
    expect(await page.textContent('#warga-msg')).toContain(`${residents.length} warga`);
    const names = await page.locator('#warga-list li strong').allTextContents();
    expect(names).toEqual(residents.map((r) => r.name));
    const badges = await page.locator('#warga-list li .badge').allTextContents();
    const expected = residents.map((r) =>
      !r.coverage ? 'BELUM TERDAFTAR JKN' : r.coverage.status === 'ACTIVE' ? 'AKTIF' : 'TIDAK AKTIF',
    );
    expect(badges).toEqual(expected);
    expect(new Set(badges).size).toBeGreaterThan(1);
    await shot(page, 'warga');

    const term = residents[0].name.split(' ')[1].slice(0, 4);
    await page.fill('#cari', term.toUpperCase());
    const matching = residents.filter((r) => r.name.toLowerCase().includes(term.toLowerCase()));
    await expect.poll(() => rows.count()).toBe(matching.length);
    expect(await page.textContent('#warga-msg')).toBe(`${matching.length} dari ${residents.length} warga.`);
    await page.fill('#cari', '');
    await expect.poll(() => rows.count()).toBe(residents.length);
  });

  it('reports a death from the list: the day beside its field, sent once, waiting for the city; then MENINGGAL', async () => {
    const listed: Json[] = (await api('GET', `/rts/${RT_A.rt}/residents?limit=200`, token.chair)).body.items;
    const r = listed.filter((x) => x.coverage?.status === 'ACTIVE' && !x.deathReportedOn).at(-1)!;
    await page.fill('#cari', r.name);
    const row = page.locator('#warga-list li', { hasText: r.nik });
    await row.getByRole('button', { name: 'Lapor meninggal' }).click();
    const form = page.getByRole('form', { name: `Lapor meninggal: ${r.name}` });
    await form.waitFor();
    // The day's field has the focus; the open form is accessible and fits the phone.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe(`mati-tgl-${r.nik}`);
    expect(await axeViolations(page)).toEqual([]);
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
    const posts = { n: 0 };
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === `/residents/${r.nik}/death`) posts.n++;
    });
    await form.getByRole('button', { name: 'Kirim laporan' }).click();
    await expect.poll(() => form.locator('.err').textContent()).toBe('Isi tanggal meninggal.');
    expect(posts.n).toBe(0);
    const day = new Date(Date.now() + 7 * 3600_000 - 3 * 86_400_000).toISOString().slice(0, 10);
    await form.getByLabel('Tanggal meninggal').fill(day);
    await form.getByLabel('Nomor surat kematian (jika ada)').fill('Surat RT 07/2026');
    await form.getByRole('button', { name: 'Kirim laporan' }).click();
    await expect.poll(() => page.textContent('#warga-msg')).toContain(`Laporan meninggal ${r.name} terkirim`);
    expect(posts.n).toBe(1);
    await expect.poll(() => row.textContent()).toContain('menunggu konfirmasi Dinas');
    expect(await row.getByRole('button', { name: 'Lapor meninggal' }).count()).toBe(0);
    await shot(page, 'lapor-meninggal');
    // A report changes nothing yet: the clinic still sees the coverage.
    expect((await api('GET', `/coverage/${r.nik}`, token.clinic)).body.status).toBe('ACTIVE');
    // The city confirms it; the list, shown again, says MENINGGAL and offers nothing more.
    const admin = await devToken({ role: 'city_admin' });
    expect((await api('POST', `/residents/${r.nik}/death`, admin, { date: day, source: 'RT' })).status).toBe(
      200,
    );
    await page.click('nav >> text=Surat saya');
    await page.click('nav >> text=Warga');
    await page.fill('#cari', r.name);
    await expect.poll(() => row.locator('.badge').textContent()).toBe('MENINGGAL');
    expect(await row.getByRole('button').count()).toBe(0);
    // Someone who moved out of the city: PINDAH, nothing offered either.
    const leaver = listed.filter((x) => x.nik !== r.nik && !x.deathReportedOn).at(0)!;
    const out = await api('POST', `/residents/${leaver.nik}/move`, admin, { date: day, to: '31.71' });
    expect(out.status).toBe(200);
    await page.click('nav >> text=Surat saya');
    await page.click('nav >> text=Warga');
    await page.fill('#cari', leaver.name);
    const leaverRow = page.locator('#warga-list li', { hasText: leaver.nik });
    await expect.poll(() => leaverRow.locator('.badge').textContent()).toBe('PINDAH');
    expect(await leaverRow.textContent()).toContain('pindah keluar kota');
    expect(await leaverRow.getByRole('button').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'pindah');
    await page.fill('#cari', '');
  });

  it('issues a letter for a new resident: the result says AKTIF, and a clinic sees ACTIVE at once', async () => {
    const posts = countPosts(page);
    await page.click('nav >> text=Buat surat');
    await page.getByRole('heading', { name: 'Buat surat keterangan' }).waitFor();
    const r = newResident('Rohani Siregar');
    expect((await api('GET', `/coverage/${r.nik}`, token.clinic)).status).toBe(404);
    await fillForm(page, r, { phone: '0812-7000-9101', facility: 'Puskesmas Contoh' });
    await page.check('#smsConsent');
    await page.click('#submit');
    const result = page.locator('#result');
    await expect.poll(() => result.textContent(), { timeout: 10_000 }).toContain('Surat terkirim');
    expect(await result.textContent()).toContain('AKTIF');
    expect(await result.textContent()).toMatch(/sejak \d{1,2} \w+ \d{4}/);
    expect(await result.textContent()).toContain('warga baru terdaftar');
    const verify = await result.locator('a').getAttribute('href');
    expect(verify).toMatch(/\/verify\//);
    expect(posts.n).toBe(1);
    // The form is cleared for the next resident; the letter is in the list as sent.
    expect(await page.inputValue('#nik')).toBe('');
    expect(await page.locator('#queue li').first().textContent()).toContain('Terkirim');
    await shot(page, 'baru');

    const coverage = await api('GET', `/coverage/${r.nik}`, token.clinic);
    expect(coverage.status).toBe(200);
    expect(coverage.body).toMatchObject({ nik: r.nik, covered: true, status: 'ACTIVE', scheme: 'PBI_APBD' });
    expect(await lettersFor(r.nik)).toHaveLength(1);
  });

  it('shows a bad NIK and a future birth date beside their fields in Indonesian, and sends nothing', async () => {
    const posts = countPosts(page);
    const r = newResident('Budi Hasibuan', 'M');
    // Digits 7–12 say day 35: no such date.
    await fillForm(page, {
      ...r,
      nik: `${r.nik.slice(0, 6)}350488${r.nik.slice(12)}`,
      birthDate: '2999-01-01',
    });
    await page.click('#submit');
    const nikErr = page.locator('#nik-err');
    await expect
      .poll(() => nikErr.textContent())
      .toContain('Angka ke-7 sampai ke-12 NIK harus tanggal lahir');
    expect(await page.getAttribute('#nik', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#nik', 'aria-describedby')).toContain('nik-err');
    expect(await page.textContent('#birthDate-err')).toBe('Tanggal lahir tidak boleh di masa depan.');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('nik');
    await shot(page, 'error');

    await page.fill('#nik', '12345');
    await page.click('#submit');
    await expect.poll(() => nikErr.textContent()).toBe('NIK harus tepat 16 angka, tanpa huruf.');
    await page.fill('#nik', `${r.nik.slice(0, 12)}0000`);
    await page.click('#submit');
    await expect.poll(() => nikErr.textContent()).toBe('4 angka terakhir NIK tidak boleh 0000.');
    await page.fill('#phone', '0212345678');
    await page.click('#submit');
    await expect
      .poll(() => page.textContent('#phone-err'))
      .toContain('Nomor HP harus nomor seluler Indonesia');
    expect(posts.n).toBe(0);
    expect(await lettersFor(r.nik)).toHaveLength(0);
  });

  it("shows the server's 400 beside the field it names, in Indonesian", async () => {
    const r = newResident('Nur Lubis');
    await page.fill('#phone', '');
    // Valid to the browser's rule, but 99 is no province code: only the server knows.
    await fillForm(page, { ...r, nik: `99${r.nik.slice(2)}` });
    await page.click('#submit');
    await expect
      .poll(() => page.textContent('#nik-err'))
      .toBe('NIK tidak sah. Periksa lagi 16 angka NIK pada KTP atau Kartu Keluarga.');
    expect(await page.getAttribute('#nik', 'aria-invalid')).toBe('true');
    // The form keeps what was typed, and the refused letter is not queued.
    expect(await page.inputValue('#name')).toBe('Nur Lubis');
    const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('rt.queue') ?? '[]'));
    expect(queued.filter((i: Json) => i.body.name === 'Nur Lubis')).toEqual([]);
    await page.fill('#nik', '');
    await page.fill('#name', '');
    await page.fill('#reason', '');
  });

  it('offline: the shell opens from the service worker, the letter waits as "Menunggu sinyal", then is sent once', async () => {
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => undefined));
    // The worker kept the shell and nothing else: no API answer, no config.json.
    await expect.poll(() => cachedPaths(page)).toEqual(SHELL);

    await context.setOffline(true);
    await page.reload();
    await page.getByRole('heading', { name: 'Buat surat keterangan' }).waitFor();
    expect(await page.isVisible('#net')).toBe(true);
    const posts = countPosts(page);
    const r = newResident('Ani Nasution');
    await fillForm(page, r);
    await page.click('#submit');
    const item = page.locator('#queue li', { hasText: 'Ani Nasution' });
    await expect.poll(() => item.textContent()).toContain('Menunggu sinyal');
    expect(await page.textContent('#result')).toContain('Surat disimpan di HP ini');
    const [queued] = await page.evaluate(() =>
      JSON.parse(localStorage.getItem('rt.queue') ?? '[]').filter((i: Json) => i.state === 'waiting'),
    );
    expect(queued.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(queued.body.nik).toBe(r.nik);
    expect(posts.n).toBe(0);
    await shot(page, 'offline');

    await context.setOffline(false);
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('Terkirim');
    expect(await item.textContent()).toContain('AKTIF');
    expect(await page.textContent('#result')).toContain('Surat terkirim');
    const letters = await lettersFor(r.nik);
    expect(letters).toHaveLength(1);
    expect(posts.n).toBe(1);
    // The key went with the letter: the same key again replays the same letter, never a second one.
    const replay = await api('POST', '/attestations', token.chair, queued.body, {
      'idempotency-key': queued.key,
    });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(letters[0].id);
    expect(await lettersFor(r.nik)).toHaveLength(1);
  });

  it('a 4xx for a queued letter (already AKTIF) is shown on it and not retried', async () => {
    const r = newResident('Sri Harahap');
    expect(
      (
        await api(
          'POST',
          '/attestations',
          token.chair,
          { ...r, reason: 'Sakit' },
          { 'idempotency-key': crypto.randomUUID() },
        )
      ).status,
    ).toBe(201);
    await context.setOffline(true);
    const posts = countPosts(page);
    await fillForm(page, r);
    await page.click('#submit');
    const item = page.locator('#queue li', { hasText: 'Sri Harahap' });
    await expect.poll(() => item.textContent()).toContain('Menunggu sinyal');
    await context.setOffline(false);
    await expect.poll(() => item.textContent(), { timeout: 15_000 }).toContain('Gagal');
    expect(await item.textContent()).toContain('sudah AKTIF');
    // Another reason to retry (the online event) sends nothing more.
    await page.evaluate(() => dispatchEvent(new Event('online')));
    await page.waitForTimeout(500);
    expect(posts.n).toBe(1);
    expect(await lettersFor(r.nik)).toHaveLength(1);
    await item.getByRole('button', { name: 'Hapus dari daftar' }).click();
    await expect.poll(() => item.count()).toBe(0);
  });

  it('lists "Surat saya" with review status, loads more with the cursor, and opens the printable letter', async () => {
    // Enough letters for a second page (the form asks for 20 at a time).
    for (let i = 0; i < 20; i++) {
      const r = newResident(`Warga Uji ${String(i).padStart(2, '0')}`, 'M');
      const res = await api(
        'POST',
        '/attestations',
        token.chair,
        { ...r, reason: 'Uji daftar' },
        {
          'idempotency-key': crypto.randomUUID(),
        },
      );
      expect(res.status).toBe(201);
    }
    const total = (await api('GET', `/attestations?rt=${RT_A.rt}&limit=100`, token.chair)).body.items.length;
    expect(total).toBeGreaterThan(20);
    await page.click('nav >> text=Surat saya');
    await page.getByRole('heading', { name: 'Surat saya' }).waitFor();
    const rows = page.locator('#surat-list li');
    await expect.poll(() => rows.count()).toBe(20);
    expect(await rows.first().textContent()).toContain('MENUNGGU VERIFIKASI');
    await page.click('#more');
    await expect.poll(() => rows.count()).toBe(total);
    expect(await page.isVisible('#more')).toBe(false);
    await shot(page, 'surat');

    const ani = rows.filter({ hasText: 'Ani Nasution' });
    await ani.getByRole('button', { name: 'Lihat surat' }).click();
    await page.locator('#letter').waitFor();
    const letter = page.frameLocator('#letter-frame');
    await expect
      .poll(() => letter.locator('body').textContent(), { timeout: 10_000 })
      .toContain('Ani Nasution');
    expect(await page.getAttribute('#letter-frame', 'src')).toMatch(/^blob:/);
    // Zoomed out to the phone's width on screen (the sheet is 148 mm wide).
    await expect.poll(() => letter.locator('html').evaluate((h) => Number(h.style.zoom))).toBeLessThan(1);
    await page.screenshot({ path: `${ARTIFACTS}rt-letter.png` });
    await page.click('#close');
    expect(await page.isVisible('#letter')).toBe(false);
  });

  it('a 401 goes back to sign-in and keeps what waits; Keluar signs out', async () => {
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('rt.session')!);
      const [h, p] = s.token.split('.');
      sessionStorage.setItem('rt.session', JSON.stringify({ ...s, token: `${h}.${p}.forged` }));
      localStorage.setItem(
        'rt.queue',
        JSON.stringify([
          { key: 'k', rt: 'other', body: { name: 'X' }, state: 'waiting' },
          ...JSON.parse(localStorage.getItem('rt.queue') ?? '[]'),
        ]),
      );
    });
    // Whichever page is open calls the API with the forged token.
    await page.reload();
    await page.getByRole('heading', { name: 'Masuk' }).waitFor();
    expect(await page.textContent('#login-msg')).toContain('Sesi Anda berakhir');
    expect(await page.textContent('#login-queue')).toContain('1 surat masih tersimpan');
    await signIn(page);
    const settledBefore = await page.evaluate(
      () =>
        JSON.parse(localStorage.getItem('rt.queue') ?? '[]').filter(
          (i: { state: string }) => i.state !== 'waiting',
        ).length,
    );
    expect(settledBefore).toBeGreaterThan(0);
    await page.click('#signout');
    await page.getByRole('heading', { name: 'Masuk' }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('rt.session'))).toBeNull();
    // Residents' data of letters already sent leaves the phone with the chair; what still waits stays.
    const left = await page.evaluate(() => JSON.parse(localStorage.getItem('rt.queue') ?? '[]'));
    expect(left.map((i: { key: string; state: string }) => [i.key, i.state])).toEqual([['k', 'waiting']]);
    expect(pageErrors).toEqual([]);
  });

  it('has no serious or critical accessibility violation on any page, the letter and the verify page', async () => {
    await page.evaluate(() => sessionStorage.clear());
    await page.goto(`${sys.url}/rt/`);
    await page.getByRole('heading', { name: 'Masuk' }).waitFor();
    await page.locator('#chair option').first().waitFor({ state: 'attached' });
    const found: Record<string, AxeViolation[]> = { masuk: await axeViolations(page) };
    await page.selectOption('#chair', CHAIR.username);
    await page.click('#login-local');
    await page.getByRole('heading', { name: 'Warga RT saya' }).waitFor();
    await expect.poll(() => page.locator('#warga-list li').count()).toBeGreaterThan(0);
    found.warga = await axeViolations(page);
    for (const [link, heading] of [
      ['Buat surat', 'Buat surat keterangan'],
      ['Surat saya', 'Surat saya'],
      ['Dana RT', 'Dana RT'],
    ] as const) {
      await page.click(`nav >> text=${link}`);
      await page.getByRole('heading', { name: heading }).waitFor();
      found[link] = await axeViolations(page);
    }
    // The expense form, open, with the hint that the fund's report is public.
    await page.click('#catat');
    await page.locator('#public-hint').waitFor();
    found['Dana RT: catat'] = await axeViolations(page);
    await page.click('#catat');
    // The printable letter and the page its QR code opens.
    const listed = await api('GET', `/attestations?rt=${RT_A.rt}&limit=1`, token.verifier);
    const id = listed.body.items[0].id;
    const res = await fetch(`${sys.url}/attestations/${id}/letter`, {
      headers: { authorization: `Bearer ${token.chair}` },
    });
    const html = await res.text();
    expect(html).toContain(`KELURAHAN ${KELURAHAN.toUpperCase()}`);
    await page.setContent(html);
    found.letter = await axeViolations(page);
    await page.goto(/<div class="url">([^<]+)<\/div>/.exec(html)![1]!);
    await page.getByRole('heading', { name: 'Surat keterangan ASLI' }).waitFor();
    expect(await page.textContent('main')).toContain(`Kelurahan ${KELURAHAN}`);
    found.verify = await axeViolations(page);
    await shot(page, 'verify');
    expect(found).toEqual(Object.fromEntries(Object.keys(found).map((k) => [k, []])));
  });

  it('sends the chair back to sign-in, saying why, once the city closes the RT or disables the account', async () => {
    const admin = await devToken({ role: 'city_admin' });
    await page.evaluate(() => sessionStorage.clear());
    await signIn(page);
    const closed = await api('PUT', `/rts/${RT_A.rt}`, admin, {
      active: false,
      reason: 'Digabung ke RT lain',
    });
    expect(closed.status, JSON.stringify(closed.body)).toBe(200);
    await page.click('nav >> text=Surat saya');
    await page.getByRole('heading', { name: 'Masuk' }).waitFor();
    expect(await page.textContent('#login-msg')).toContain('RT ini tidak aktif lagi');
    await shot(page, 'rt-ditutup');
    const reopened = await api('PUT', `/rts/${RT_A.rt}`, admin, { active: true, reason: 'Dibuka lagi' });
    expect(reopened.status).toBe(200);

    // A disabled account is no longer offered, and cannot get a token.
    expect((await api('POST', `/staff/${CHAIR.username}/disable`, admin)).status).toBe(200);
    await page.reload();
    await page.locator('#chair option').first().waitFor({ state: 'attached' });
    expect(await page.locator(`#chair option[value="${CHAIR.username}"]`).count()).toBe(0);
    const refused = await fetch(`${sys.url}/auth/dev-token`, {
      method: 'POST',
      body: JSON.stringify({ role: 'rt_chair', username: CHAIR.username }),
    });
    expect(refused.status).toBe(403);
    // The token it had still works no more: the API turns it away, saying why.
    const res = await api('GET', `/rts/${RT_A.rt}/residents`, token.chair);
    expect(res.status).toBe(403);
    expect(res.body).toMatchObject({ reason: 'ACCOUNT_DISABLED' });
    expect((await api('POST', `/staff/${CHAIR.username}/enable`, admin)).status).toBe(200);
    expect((await api('GET', `/rts/${RT_A.rt}/residents`, token.chair)).status).toBe(200);
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(!HAS_CHROMIUM)(
  'the queue against a bad network (no service worker)',
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
      await p.click('nav >> text=Buat surat');
    });

    afterAll(async () => {
      await ctx?.close();
    });

    it('a lost reply and a 503 keep the letter waiting; the resend with the same key makes one letter', async () => {
      const keys: string[] = [];
      let mode: 'lose' | 'fail' | 'pass' = 'lose';
      await p.route('**/attestations', async (route) => {
        if (route.request().method() !== 'POST') return route.continue();
        keys.push(route.request().headers()['idempotency-key']!);
        if (mode === 'fail') return route.fulfill({ status: 503, body: '{"message":"Service Unavailable"}' });
        if (mode === 'pass') return route.continue();
        // The server makes the letter, but the answer never reaches the phone.
        await route.fetch();
        return route.abort('connectionreset');
      });
      const r = newResident('Dewi Pratama');
      await fillForm(p, r);
      await p.click('#submit');
      const item = p.locator('#queue li', { hasText: 'Dewi Pratama' });
      await expect.poll(() => item.textContent()).toContain('Menunggu sinyal');
      expect(await lettersFor(r.nik)).toHaveLength(1);

      mode = 'fail';
      await p.evaluate(() => dispatchEvent(new Event('online')));
      await expect.poll(() => keys.length).toBe(2);
      await p.waitForTimeout(300);
      expect(await item.textContent()).toContain('Menunggu sinyal');

      mode = 'pass';
      await p.evaluate(() => dispatchEvent(new Event('online')));
      await expect.poll(() => item.textContent(), { timeout: 10_000 }).toContain('Terkirim');
      expect(keys).toHaveLength(3);
      expect(new Set(keys).size).toBe(1);
      expect(await lettersFor(r.nik)).toHaveLength(1);
      await p.unroute('**/attestations');
    });

    it('the RT’s daily limit reached: says the limit is the RT’s, whichever account sends', async () => {
      await p.route('**/attestations', (route) =>
        route.request().method() === 'POST'
          ? route.fulfill({
              status: 429,
              contentType: 'application/json',
              body: JSON.stringify({ error: 'DailyLimitReached', message: 'x', limit: 20 }),
            })
          : route.fallback(),
      );
      await fillForm(p, newResident('Rahmat Siregar'));
      await p.click('#submit');
      await expect
        .poll(() => p.textContent('#result'))
        .toContain('Batas 20 surat per hari untuk RT ini (dari semua akun ketua RT) sudah tercapai');
      await p.unroute('**/attestations');
    });

    it("a server 400 on a field it has no Indonesian text for shows the server's words beside it", async () => {
      await p.route('**/attestations', (route) =>
        route.fulfill({
          status: 400,
          contentType: 'application/json',
          body: JSON.stringify({
            error: 'ValidationError',
            issues: [
              { path: 'facility', message: 'is too long' },
              { path: 'smsConsent', message: 'must be true or false' },
            ],
          }),
        }),
      );
      await fillForm(p, newResident('Maya Daulay'), { facility: 'RSUD Raden Mattaher' });
      await p.click('#submit');
      await expect.poll(() => p.textContent('#facility-err')).toBe('Periksa isian ini: is too long');
      expect(await p.getAttribute('#facility', 'aria-invalid')).toBe('true');
      // A path that is no field of the form goes under the form.
      expect(await p.textContent('#form-err')).toBe('Periksa isian ini: must be true or false');
      await p.unroute('**/attestations');
    });
  },
);

describe.skipIf(!HAS_CHROMIUM)('Cognito sign-in (a stand-in Cognito domain)', { timeout: 60_000 }, () => {
  const DOMAIN = 'https://sehatkota-test.auth.ap-southeast-3.amazoncognito.com';
  const CLIENT = 'webform123';
  const CORS = { 'access-control-allow-origin': '*', 'content-type': 'application/json' };
  let ctx: BrowserContext;

  beforeAll(() => {
    // Read per request by the static handler: config.json and the CSP's connect-src follow.
    Object.assign(process.env, { AUTH_MODE: 'cognito', COGNITO_DOMAIN: DOMAIN, COGNITO_CLIENT_ID: CLIENT });
  });

  afterAll(async () => {
    await ctx?.close();
    for (const k of ['AUTH_MODE', 'COGNITO_DOMAIN', 'COGNITO_CLIENT_ID']) delete process.env[k];
  });

  it('signs in with the authorization code and PKCE, renews the ID token on a 401, and signs out at Cognito', async () => {
    ctx = await phoneContext(browser, { serviceWorkers: 'block' });
    const p = await ctx.newPage();
    let authorize: URLSearchParams | undefined;
    const tokenRequests: URLSearchParams[] = [];
    let loggedOut: URLSearchParams | undefined;
    await p.route(`${DOMAIN}/**`, async (route) => {
      const url = new URL(route.request().url());
      if (url.pathname === '/oauth2/authorize') {
        authorize = url.searchParams;
        const back = `${authorize.get('redirect_uri')}?code=the-code&state=${authorize.get('state')}`;
        return route.fulfill({ status: 302, headers: { location: back } });
      }
      if (url.pathname === '/oauth2/token') {
        const form = new URLSearchParams(route.request().postData() ?? '');
        tokenRequests.push(form);
        const id = await devToken({ role: 'rt_chair', username: CHAIR.username });
        return route.fulfill({
          status: 200,
          headers: CORS,
          body: JSON.stringify({
            id_token: id,
            access_token: 'a',
            refresh_token: 'the-refresh',
            expires_in: 3600,
          }),
        });
      }
      if (url.pathname === '/logout') {
        loggedOut = url.searchParams;
        return route.fulfill({ status: 302, headers: { location: url.searchParams.get('logout_uri')! } });
      }
      return route.fulfill({ status: 404 });
    });

    await p.goto(`${sys.url}/rt/`);
    await p.getByRole('button', { name: 'Masuk dengan akun kota' }).click();
    await p.getByRole('heading', { name: 'Warga RT saya' }).waitFor();
    expect(Object.fromEntries(authorize!)).toMatchObject({
      response_type: 'code',
      client_id: CLIENT,
      redirect_uri: `${sys.url}/rt/`,
      scope: 'openid',
      code_challenge_method: 'S256',
    });
    const [exchange] = tokenRequests;
    expect(Object.fromEntries(exchange!)).toMatchObject({
      grant_type: 'authorization_code',
      client_id: CLIENT,
      code: 'the-code',
      redirect_uri: `${sys.url}/rt/`,
    });
    // The verifier sent with the code is the one whose S256 challenge went to /authorize.
    const challenge = createHash('sha256').update(exchange!.get('code_verifier')!).digest('base64url');
    expect(challenge).toBe(authorize!.get('code_challenge'));
    // The code is gone from the address bar.
    expect(new URL(p.url()).search).toBe('');
    await expect.poll(() => p.locator('#warga-list li').count()).toBeGreaterThan(5);

    // An expired ID token: the refresh token gets a new one and the page carries on. First the page has saved the
    // kelurahan's name into the session (with the valid token), so that write cannot undo the expired one.
    await expect.poll(() => p.textContent('#who')).toContain('Kel. ');
    await p.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('rt.session')!);
      sessionStorage.setItem('rt.session', JSON.stringify({ ...s, token: `${s.token}x` }));
    });
    await p.reload();
    await p.click('nav >> text=Surat saya');
    await expect.poll(() => p.locator('#surat-list li').count()).toBeGreaterThan(0);
    // The list may show what this phone kept before the refreshed request answers: wait for the refresh itself.
    await expect
      .poll(() => tokenRequests.map((f) => f.get('grant_type')), { timeout: 15_000 })
      .toEqual(['authorization_code', 'refresh_token']);
    expect(tokenRequests[1]!.get('refresh_token')).toBe('the-refresh');

    await p.click('#signout');
    await p.getByRole('button', { name: 'Masuk dengan akun kota' }).waitFor();
    expect(Object.fromEntries(loggedOut!)).toEqual({ client_id: CLIENT, logout_uri: `${sys.url}/rt/` });
    expect(await p.evaluate(() => sessionStorage.getItem('rt.session'))).toBeNull();
  });
});
