// The RT chair's "Kunjungan rumah" page (/rt/#/rumah) in a real Chromium at 360×740 in id-ID, against the whole local
// system: a request for a home visit asked from the residents list (need, note for the puskesmas only, address, the
// phone's location), the confirmation naming the puskesmas and the resident's JKN, the same request again ("already
// open"), the RT's list ("Menunggu jadwal", then "Terjadwal" with the day written out once a clinic schedules the
// visit), field errors from the browser and from the server, a resident without JKN sent on to the letter form, no
// puskesmas for the kelurahan, and the offline queue that sends exactly one request with one Idempotency-Key.
// Screenshots go to test/artifacts/rt-homecare-*.png.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoChairUsername, demoRts } from '../../infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import {
  ARTIFACTS,
  axeViolations,
  HAS_CHROMIUM,
  openPhone,
  phoneContext,
  warnIfNoChromium,
} from '../support/browser.ts';
import { useFreshTables } from '../support/tables.ts';

warnIfNoChromium('rt-homecare');

// biome-ignore lint/suspicious/noExplicitAny: JSON answered by the API under test, checked field by field.
type Json = any;
// The page's globals, used only inside page.evaluate() callbacks (the project compiles without the DOM lib).
declare const document: Json;
declare const localStorage: Json;
declare const dispatchEvent: (event: Event) => boolean;
declare const scrollTo: (x: number, y: number) => void;

const RTS = demoRts(12);
const RT_A = RTS[0]!; // the first demo RT; a puskesmas serves its kelurahan
const RT_B = RTS.find((r) => r.kelurahan !== RT_A.kelurahan)!; // its kelurahan is left with no puskesmas
const PUSKESMAS = { code: 'DEMO-UJI-01', name: 'Puskesmas Demo Uji', kelurahan: [RT_A.kelurahan] };
const DAY = 86_400_000;
const TODAY = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 10);
const TOMORROW = new Date(Date.parse(`${TODAY}T00:00:00Z`) + DAY).toISOString().slice(0, 10);
const NOTE = 'Ibu tidak bisa berjalan sejak jatuh bulan lalu, kaki kanan bengkak';

const HARI = ['Minggu', 'Senin', 'Selasa', 'Rabu', 'Kamis', 'Jumat', 'Sabtu'];
// biome-ignore format: a list of names, kept compact
const BULAN = ['Januari', 'Februari', 'Maret', 'April', 'Mei', 'Juni', 'Juli', 'Agustus', 'September', 'Oktober', 'November', 'Desember'];
/** A day as the page should write it: "Senin, 7 Desember 2026". */
function longDay(ymd: string): string {
  const d = new Date(`${ymd}T00:00:00Z`);
  return `${HARI[d.getUTCDay()]}, ${d.getUTCDate()} ${BULAN[d.getUTCMonth()]} ${d.getUTCFullYear()}`;
}

let sys: LocalSystem;
let browser: Browser;
let context: BrowserContext;
let page: Page;
const token = { chair: '', admin: '', clinic: '' };
let pageErrors: string[] = [];

// Test residents use sequence numbers 9000+; the demo data stays below 5000.
let nextSeq = 9300;
function newResident(name: string, sex: 'M' | 'F', birthDate: string) {
  const nik = makeNik({ regionCode: RT_A.kelurahan, birthDate, sex, sequence: nextSeq++ });
  return { nik, name, birthDate, sex };
}
/** An elderly resident registered by the chair's letter (so JKN is active). */
const NENEK = newResident('Siti Aminah Lubis', 'F', '1941-03-12');
/** A resident for the bad-network case. */
const RINA = newResident('Rina Marlina Siregar', 'F', '1996-08-02');
/** A seeded resident of RT A whose JKN is not active. */
let uncovered: Json;

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

/** Every homecare request of the city for one NIK, as the city sees them (open and finished). */
async function requestsFor(nik: string): Promise<Json[]> {
  const q = new URLSearchParams({ status: 'REQUESTED,SCHEDULED,VISITED,CLOSED,DECLINED', limit: '200' });
  const res = await api('GET', `/homecare/requests?${q}`, token.admin);
  expect(res.status).toBe(200);
  return res.body.items.filter((r: Json) => r.nik === nik);
}

/**
 * Takes a kelurahan off the (seeded, "data demo") puskesmas that serves it, with PUT /puskesmas/{code}: the demo seed
 * gives each demo RT's kelurahan one, so a test's own puskesmas, or a kelurahan served by none, starts from here.
 */
async function release(kelurahan: string): Promise<void> {
  const list = await api('GET', '/puskesmas', token.admin);
  expect(list.status).toBe(200);
  const holder = list.body.items.find((p: Json) => p.kelurahan.some((k: Json) => k.code === kelurahan));
  if (!holder) return;
  const res = await api('PUT', `/puskesmas/${holder.code}`, token.admin, {
    name: holder.name,
    kelurahan: holder.kelurahan.map((k: Json) => k.code).filter((c: string) => c !== kelurahan),
    ...(holder.phone ? { phone: holder.phone } : {}),
    ...(holder.location ? { location: holder.location } : {}),
  });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
}

/** A full-page screenshot, from the top (so the sticky menu sits where it belongs). */
async function shot(p: Page, name: string): Promise<void> {
  await p.evaluate(() => scrollTo(0, 0));
  await p.screenshot({ path: `${ARTIFACTS}rt-homecare-${name}.png`, fullPage: true });
}

/** POST /homecare/requests requests the page has made, counted from the browser's side. */
function countPosts(p: Page): { n: number; keys: string[] } {
  const counter = { n: 0, keys: [] as string[] };
  p.on('request', (req) => {
    if (req.method() === 'POST' && new URL(req.url()).pathname === '/homecare/requests') {
      counter.n++;
      counter.keys.push(req.headers()['idempotency-key'] ?? '');
    }
  });
  return counter;
}

const fitsPhone = async (p: Page) =>
  expect(await p.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);

async function signIn(p: Page, rt = RT_A.rt): Promise<void> {
  await p.goto(`${sys.url}/rt/`);
  await p.locator('#chair option').first().waitFor({ state: 'attached' });
  await p.selectOption('#chair', demoChairUsername(rt));
  await p.click('#login-local');
  await p.getByRole('heading', { name: 'Warga RT saya' }).waitFor();
}

async function openRumah(p: Page): Promise<void> {
  await p.click('nav >> text=Kunjungan rumah');
  await p.getByRole('heading', { name: 'Kunjungan rumah', level: 1 }).waitFor();
}

/** The form open, with the picker loaded; then the values given. */
async function fillRequest(p: Page, v: { nik?: string; need?: string; note?: string; address?: string }) {
  if ((await p.getAttribute('#minta', 'aria-expanded')) !== 'true') await p.click('#minta');
  if (v.nik) {
    await p.locator(`#resident option[value="${v.nik}"]`).waitFor({ state: 'attached' });
    await p.selectOption('#resident', v.nik);
  }
  if (v.need !== undefined) await p.selectOption('#need', v.need);
  if (v.note !== undefined) await p.fill('#note', v.note);
  if (v.address !== undefined) await p.fill('#address', v.address);
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  resetConfig();
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, dynamoEndpoint, seed: true, quiet: true });
  token.admin = await devToken({ role: 'city_admin' });
  token.chair = await devToken({ role: 'rt_chair', username: demoChairUsername(RT_A.rt) });
  token.clinic = await devToken({ role: 'clinic', puskesmas: PUSKESMAS.code });
  await release(RT_A.kelurahan);
  const made = await api('POST', '/puskesmas', token.admin, PUSKESMAS);
  expect(made.status, JSON.stringify(made.body)).toBe(201);
  await release(RT_B.kelurahan);
  const unserved = (await api('GET', '/puskesmas', token.admin)).body.unserved;
  expect(unserved.map((k: Json) => k.code)).toContain(RT_B.kelurahan);
  for (const r of [NENEK, RINA]) {
    const letter = await api(
      'POST',
      '/attestations',
      token.chair,
      { ...r, reason: 'Warga kurang mampu, perlu berobat' },
      { 'idempotency-key': crypto.randomUUID() },
    );
    expect(letter.status, JSON.stringify(letter.body)).toBe(201);
  }
  const listed = await api('GET', `/rts/${RT_A.rt}/residents?limit=200`, token.chair);
  uncovered = listed.body.items.find(
    (r: Json) => !r.deceasedOn && !r.movedOutOn && r.coverage?.status !== 'ACTIVE',
  );
  expect(uncovered).toBeDefined();
  ({ browser, context, page, pageErrors } = await openPhone());
});

afterAll(async () => {
  await browser?.close();
  await sys?.stop();
  resetConfig();
});

describe.skipIf(!HAS_CHROMIUM)('Kunjungan rumah in Chromium', { timeout: 60_000 }, () => {
  // A failed offline case must not leave the next ones without a network.
  afterEach(() => context.setOffline(false));

  it('opens from the menu: an empty list, every field labelled, a sensible keyboard order, 360 px, no axe violation', async () => {
    await signIn(page);
    await openRumah(page);
    expect(await page.getAttribute('nav a[href="#/rumah"]', 'aria-current')).toBe('page');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    await expect
      .poll(() => page.textContent('#hlist-msg'))
      .toBe('Tidak ada permintaan kunjungan rumah yang masih berjalan di RT ini.');
    expect(await page.isVisible('#hform')).toBe(false);

    // With the keyboard alone: the button opens the form, the focus goes to the first field, Tab goes down it.
    await page.focus('#minta');
    await page.keyboard.press('Enter');
    expect(await page.getAttribute('#minta', 'aria-expanded')).toBe('true');
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('resident');
    const order: string[] = [];
    for (let i = 0; i < 5; i++) {
      await page.keyboard.press('Tab');
      order.push(await page.evaluate(() => document.activeElement?.id));
    }
    expect(order).toEqual(['need', 'note', 'address', 'loc', 'hsubmit']);

    await page.locator(`#resident option[value="${NENEK.nik}"]`).waitFor({ state: 'attached' });
    expect(await page.locator('#need option').allTextContents()).toEqual([
      '— pilih —',
      'Lansia tidak bisa bepergian',
      'Penyandang disabilitas',
      'Sakit kronis, tidak bisa bergerak',
      'Anak gizi buruk',
      'Ibu hamil risiko tinggi',
    ]);
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((c) => !document.querySelector(`label[for="${c.id}"]`))
        .map((c) => c.id || c.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    // The note is the puskesmas's alone, and the field says so.
    expect(await page.textContent('#note-hint')).toMatch(/^Hanya untuk petugas puskesmas/);
    expect(await page.getAttribute('#note', 'aria-describedby')).toContain('note-hint');
    expect(await page.getAttribute('html', 'lang')).toBe('id');
    await fitsPhone(page);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'form');
  });

  it('shows empty and too-short input beside its field in Indonesian, and sends nothing', async () => {
    const posts = countPosts(page);
    await page.click('#hsubmit');
    await expect.poll(() => page.textContent('#resident-err')).toBe('Pilih warga yang perlu dikunjungi.');
    expect(await page.textContent('#need-err')).toBe('Pilih kebutuhan warga.');
    expect(await page.textContent('#note-err')).toBe('Tulis catatan untuk puskesmas, minimal 3 huruf.');
    expect(await page.getAttribute('#resident', 'aria-invalid')).toBe('true');
    expect(await page.getAttribute('#note', 'aria-describedby')).toContain('note-err');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('resident');

    await fillRequest(page, { nik: NENEK.nik, need: 'ELDERLY_IMMOBILE', note: 'ab', address: 'Jl' });
    await page.click('#hsubmit');
    await expect
      .poll(() => page.textContent('#note-err'))
      .toBe('Tulis catatan untuk puskesmas, minimal 3 huruf.');
    expect(await page.textContent('#address-err')).toBe('Tulis alamat minimal 5 huruf, atau kosongkan.');
    expect(await page.textContent('#resident-err')).toBe('');
    expect(await page.getAttribute('#resident', 'aria-invalid')).toBeNull();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('note');
    await fitsPhone(page);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'error');
    // Typing in a field clears its message.
    await page.fill('#address', '');
    expect(await page.textContent('#address-err')).toBe('');
    expect(posts.n).toBe(0);
    expect(await requestsFor(NENEK.nik)).toEqual([]);
  });

  it("shows the server's 400 beside the field it names (a pasted bidi control in the note), and keeps the input", async () => {
    const posts = countPosts(page);
    // Fine to the browser's rule; the server refuses a character nobody types (U+202E, from a pasted text).
    const pasted = `Ibu \u202Esulit berjalan sejak jatuh`;
    await fillRequest(page, { note: pasted });
    await page.click('#hsubmit');
    await expect
      .poll(() => page.textContent('#note-err'))
      .toBe(
        'Catatan ditolak: tulis 3 sampai 1000 huruf, tanpa tanda aneh dari teks yang ditempel. Hapus lalu ketik ulang.',
      );
    expect(await page.getAttribute('#note', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('note');
    expect(await page.inputValue('#note')).toBe(pasted);
    expect(posts.n).toBe(1);
    // Refused: nothing made, nothing left queued on the phone.
    expect(await requestsFor(NENEK.nik)).toEqual([]);
    const queued = await page.evaluate(() => JSON.parse(localStorage.getItem('rt.queue') ?? '[]'));
    expect(queued.filter((i: Json) => i.kind === 'homecare')).toEqual([]);
    expect(await axeViolations(page)).toEqual([]);
  });

  it('asks from the residents list: the confirmation names the puskesmas and says JKN aktif; sent once, with a key', async () => {
    await context.grantPermissions(['geolocation'], { origin: sys.url });
    await context.setGeolocation({ latitude: -1.610123, longitude: 103.613456, accuracy: 12 });
    const posts = countPosts(page);
    await page.click('nav >> text=Warga RT saya');
    await page.getByRole('heading', { name: 'Warga RT saya' }).waitFor();
    await page.fill('#cari', NENEK.name);
    const row = page.locator('#warga-list li', { hasText: NENEK.nik });
    await row.getByRole('button', { name: 'Minta kunjungan rumah' }).click();
    await page.getByRole('heading', { name: 'Kunjungan rumah', level: 1 }).waitFor();
    // The form is open for her, the focus on the first field still to choose.
    expect(await page.isVisible('#hform')).toBe(true);
    expect(await page.inputValue('#resident')).toBe(NENEK.nik);
    await expect.poll(() => page.evaluate(() => document.activeElement?.id)).toBe('need');
    // Cleared from the refused attempt before.
    expect(await page.inputValue('#note')).toBe('');
    expect(await page.textContent('#note-err')).toBe('');

    await fillRequest(page, {
      need: 'ELDERLY_IMMOBILE',
      note: NOTE,
      address: 'Jl. Kenanga No. 12, belakang masjid',
    });
    await page.click('#loc');
    await expect
      .poll(() => page.textContent('#loc-show'))
      .toBe('Lokasi tersimpan: -1.61012, 103.61346 (±12 m)');
    expect(await page.isVisible('#loc-clear')).toBe(true);
    const [sent] = await Promise.all([
      page.waitForRequest((r) => r.method() === 'POST' && r.url().endsWith('/homecare/requests')),
      page.click('#hsubmit'),
    ]);
    expect(sent.headers()['idempotency-key']).toMatch(/^[0-9a-f-]{36}$/);
    expect(sent.postDataJSON()).toEqual({
      nik: NENEK.nik,
      need: 'ELDERLY_IMMOBILE',
      note: NOTE,
      address: 'Jl. Kenanga No. 12, belakang masjid',
      location: { lat: -1.610123, lon: 103.613456 },
    });
    const result = page.locator('#hresult');
    await expect.poll(() => result.textContent()).toContain('Permintaan dikirim ke Puskesmas Demo Uji');
    expect(await result.textContent()).toContain('Lansia tidak bisa bepergian');
    expect(await result.locator('.badge.ok', { hasText: 'JKN aktif' }).count()).toBe(1);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('hresult');
    expect(await page.isVisible('#hform')).toBe(false);
    expect(posts.n).toBe(1);

    const [made] = await requestsFor(NENEK.nik);
    expect(made).toMatchObject({
      status: 'REQUESTED',
      need: 'ELDERLY_IMMOBILE',
      rt: RT_A.rt,
      puskesmas: { code: PUSKESMAS.code, name: PUSKESMAS.name },
      coverage: { covered: true },
    });
    const full = await api('GET', `/homecare/requests/${made.id}`, token.admin);
    expect(full.body).toMatchObject({
      note: NOTE,
      address: 'Jl. Kenanga No. 12, belakang masjid',
      location: { lat: -1.610123, lon: 103.613456 },
    });
    // The list below has it at once.
    await expect.poll(() => page.locator('#hlist li', { hasText: NENEK.name }).count()).toBe(1);
    await fitsPhone(page);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'sent');
  });

  it('the same again: "Sudah ada permintaan yang masih terbuka" with its status, and no second request', async () => {
    const posts = countPosts(page);
    await fillRequest(page, { nik: NENEK.nik, need: 'ELDERLY_IMMOBILE', note: 'Mohon segera dikunjungi' });
    await page.click('#hsubmit');
    const result = page.locator('#hresult');
    await expect.poll(() => result.textContent()).toContain('Sudah ada permintaan yang masih terbuka');
    const text = await result.textContent();
    expect(text).toContain('Lansia tidak bisa bepergian');
    expect(await result.locator('.badge').textContent()).toBe('Menunggu jadwal');
    expect(text).toContain('Puskesmas Demo Uji');
    expect(text).toContain('Belum ada jadwal kunjungan');
    expect(text).toContain('Permintaan baru tidak perlu dikirim.');
    // The form stays as typed (another need would be another request).
    expect(await page.isVisible('#hform')).toBe(true);
    expect(await page.inputValue('#note')).toBe('Mohon segera dikunjungi');
    expect(posts.n).toBe(1);
    expect(await requestsFor(NENEK.nik)).toHaveLength(1);
    await fitsPhone(page);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'open');
    await page.click('#minta');
    expect(await page.isVisible('#hform')).toBe(false);
  });

  it('lists the request as "Menunggu jadwal" with its need, the days waited, the puskesmas and JKN, never the note', async () => {
    const row = page.locator('#hlist li', { hasText: NENEK.name });
    await expect.poll(() => row.count()).toBe(1);
    expect(await row.locator('.badge').first().textContent()).toBe('Menunggu jadwal');
    const text = await row.textContent();
    expect(text).toContain('Lansia tidak bisa bepergian');
    expect(text).toContain('Diminta hari ini');
    expect(text).toContain('Puskesmas Demo Uji');
    expect(text).toContain('JKN aktif');
    expect(await page.textContent('#p-rumah')).not.toContain(NOTE);
    // Sent and settled: the phone kept no copy of the note.
    expect(await page.evaluate(() => localStorage.getItem('rt.queue'))).not.toContain(NOTE);
    await shot(page, 'list');
  });

  it('a clinic schedules a visit: after a reload "Terjadwal" and the day written out; the details show team and history', async () => {
    const [req] = await requestsFor(NENEK.nik);
    const visit = await api(
      'POST',
      `/homecare/requests/${req.id}/visits`,
      token.clinic,
      { date: TOMORROW, team: ['Bidan Demo'] },
      { 'idempotency-key': crypto.randomUUID() },
    );
    expect(visit.status, JSON.stringify(visit.body)).toBe(201);
    await page.reload();
    await page.getByRole('heading', { name: 'Kunjungan rumah', level: 1 }).waitFor();
    const row = page.locator('#hlist li', { hasText: NENEK.name });
    await expect.poll(() => row.locator('.badge').first().textContent()).toBe('Terjadwal');
    expect(await row.textContent()).toContain(`Jadwal kunjungan: ${longDay(TOMORROW)}`);

    const more = row.getByRole('button', { name: 'Lihat rincian' });
    await more.click();
    expect(await more.getAttribute('aria-expanded')).toBe('true');
    const details = row.locator('.details');
    await expect.poll(() => details.textContent()).toContain('Petugas: Bidan Demo');
    const shown = await details.textContent();
    expect(shown).toContain(`${longDay(TOMORROW)} · Terjadwal`);
    expect(shown).toContain('Riwayat');
    expect(shown).toContain('Permintaan dikirim (Lansia tidak bisa bepergian)');
    expect(shown).toContain(`Kunjungan dijadwalkan (${longDay(TOMORROW)})`);
    expect(shown).toContain('Alamat: Jl. Kenanga No. 12, belakang masjid');
    expect(shown).not.toContain(NOTE);
    expect(await page.textContent('#p-rumah')).not.toMatch(/\b(false|undefined|null|NaN)\b/);
    // The chair's view of the request carries no note at all.
    const asChair = await api('GET', `/homecare/requests/${req.id}`, token.chair);
    expect(asChair.status).toBe(200);
    expect(JSON.stringify(asChair.body)).not.toContain(NOTE);
    await fitsPhone(page);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'scheduled');
    await more.click();
    expect(await details.isVisible()).toBe(false);

    // Finished requests are listed apart.
    await page.selectOption('#hfilter', 'CLOSED,DECLINED');
    await expect.poll(() => page.textContent('#hlist-msg')).toBe('Tidak ada permintaan seperti ini.');
    await page.selectOption('#hfilter', '');
    await expect.poll(() => row.count()).toBe(1);
  });

  it('a resident without active JKN: the confirmation says so and opens the letter form for them', async () => {
    await fillRequest(page, {
      nik: uncovered.nik,
      need: 'CHRONIC_IMMOBILE',
      note: 'Stroke, hanya bisa berbaring',
      address: '',
    });
    await page.click('#hsubmit');
    const result = page.locator('#hresult');
    await expect.poll(() => result.textContent()).toContain('Permintaan dikirim ke Puskesmas Demo Uji');
    expect(await result.locator('.badge.bad', { hasText: 'JKN tidak aktif' }).count()).toBe(1);
    expect(await result.textContent()).toContain(
      `JKN ${uncovered.name} tidak aktif. Buat surat keterangan agar jaminan kesehatannya langsung aktif`,
    );
    await fitsPhone(page);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'jkn');
    await result.getByRole('button', { name: 'Buat surat keterangan' }).click();
    await page.getByRole('heading', { name: 'Buat surat keterangan' }).waitFor();
    expect(await page.inputValue('#nik')).toBe(uncovered.nik);
    expect(await page.inputValue('#name')).toBe(uncovered.name);
    const [made] = await requestsFor(uncovered.nik);
    expect(made).toMatchObject({ need: 'CHRONIC_IMMOBILE', coverage: { covered: false } });
  });

  it('a request the puskesmas declines: listed apart as "Ditolak", with the reason in its details', async () => {
    const [made] = await requestsFor(uncovered.nik);
    const declined = await api('POST', `/homecare/requests/${made.id}/status`, token.clinic, {
      status: 'DECLINED',
      reason: 'Sudah dirawat inap di rumah sakit',
    });
    expect(declined.status, JSON.stringify(declined.body)).toBe(200);
    await openRumah(page);
    const row = page.locator('#hlist li', { hasText: uncovered.name });
    // No longer open: gone from the default list, found among the finished ones.
    await expect.poll(() => page.locator('#hlist li').count()).toBeGreaterThan(0);
    expect(await row.count()).toBe(0);
    await page.selectOption('#hfilter', 'CLOSED,DECLINED');
    await expect.poll(() => row.locator('.badge').first().textContent()).toBe('Ditolak');
    expect(await row.textContent()).toMatch(/Diminta \d{1,2} \w+ \d{4}/);
    expect(await row.textContent()).not.toContain('Menunggu');
    // The answer shown on an earlier visit of the page is gone.
    expect(await page.isVisible('#hresult')).toBe(false);
    await row.getByRole('button', { name: 'Lihat rincian' }).click();
    const details = row.locator('.details');
    await expect.poll(() => details.textContent()).toContain('Alasan: Sudah dirawat inap di rumah sakit');
    expect(await details.textContent()).toContain('Ditolak (Sudah dirawat inap di rumah sakit)');
    expect(await details.textContent()).toContain('Belum ada kunjungan terjadwal.');
    await fitsPhone(page);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'declined');
    await page.selectOption('#hfilter', '');
  });

  it('offline: the request waits on the phone as "Menunggu sinyal", then is sent once with its key', async () => {
    await openRumah(page);
    await fillRequest(page, {
      nik: NENEK.nik,
      need: 'DISABILITY',
      note: 'Tidak bisa melihat, perlu pendamping',
    });
    const posts = countPosts(page);
    await context.setOffline(true);
    await page.click('#hsubmit');
    const item = page.locator('#hqueue li', { hasText: 'Penyandang disabilitas' });
    await expect.poll(() => item.textContent()).toContain('Menunggu sinyal');
    expect(await item.textContent()).toContain(NENEK.name);
    expect(await page.textContent('#hresult')).toContain('Permintaan disimpan di HP ini');
    expect(await page.isVisible('#net')).toBe(true);
    const [queued] = await page.evaluate(() =>
      JSON.parse(localStorage.getItem('rt.queue') ?? '[]').filter(
        (i: Json) => i.kind === 'homecare' && i.state === 'waiting',
      ),
    );
    expect(queued.key).toMatch(/^[0-9a-f-]{36}$/);
    expect(queued.body).toMatchObject({ nik: NENEK.nik, need: 'DISABILITY' });
    expect(posts.n).toBe(0);
    await fitsPhone(page);
    await shot(page, 'offline');

    await context.setOffline(false);
    await expect
      .poll(() => page.textContent('#hresult'), { timeout: 15_000 })
      .toContain('Permintaan dikirim ke Puskesmas Demo Uji');
    // Sent, it leaves "from this phone" for the RT's list.
    await expect.poll(() => item.count()).toBe(0);
    expect(await page.isVisible('#hqueue-title')).toBe(false);
    await expect
      .poll(() => page.locator('#hlist li', { hasText: 'Penyandang disabilitas' }).textContent())
      .toContain('Menunggu jadwal');
    expect(posts.keys).toEqual([queued.key]);
    const made = (await requestsFor(NENEK.nik)).filter((r) => r.need === 'DISABILITY');
    expect(made).toHaveLength(1);
    // The key went with the request: the same key again replays it, never a second one.
    const replay = await api('POST', '/homecare/requests', token.chair, queued.body, {
      'idempotency-key': queued.key,
    });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(made[0].id);
    expect((await requestsFor(NENEK.nik)).filter((r) => r.need === 'DISABILITY')).toHaveLength(1);
  });

  it('no puskesmas serves the kelurahan yet: says so and to contact the city', async () => {
    const posts = countPosts(page);
    // Chair A leaves a request half-typed; on a shared phone chair B must not find it.
    await fillRequest(page, { nik: NENEK.nik, need: 'MALNUTRITION', note: 'Belum selesai ditulis' });
    await page.click('#signout');
    await page.getByRole('heading', { name: 'Masuk' }).waitFor();
    await signIn(page, RT_B.rt);
    const chairB = await devToken({ role: 'rt_chair', username: demoChairUsername(RT_B.rt) });
    const listed = await api('GET', `/rts/${RT_B.rt}/residents?limit=200`, chairB);
    const r = listed.body.items.find((x: Json) => !x.deceasedOn && !x.movedOutOn);
    await openRumah(page);
    expect(await page.isVisible('#hform')).toBe(false);
    expect(await page.inputValue('#note')).toBe('');
    expect(await page.locator(`#resident option[value="${NENEK.nik}"]`).count()).toBe(0);
    await fillRequest(page, { nik: r.nik, need: 'MALNUTRITION', note: 'Berat badan anak turun terus' });
    await page.click('#hsubmit');
    const result = page.locator('#hresult');
    await expect.poll(() => result.textContent()).toContain('Belum ada puskesmas untuk kelurahan ini');
    expect(await result.textContent()).toMatch(
      /Belum ada puskesmas yang melayani kunjungan rumah di Kel\. .+\. Hubungi Dinas Kesehatan kota\./,
    );
    expect(posts.n).toBe(1);
    expect(await requestsFor(r.nik)).toEqual([]);
    await fitsPhone(page);
    expect(await axeViolations(page)).toEqual([]);
    await shot(page, 'no-puskesmas');
    expect(pageErrors).toEqual([]);
  });
});

describe.skipIf(!HAS_CHROMIUM)(
  'Kunjungan rumah against a bad network (no service worker)',
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
      await openRumah(p);
    });

    afterAll(async () => {
      await ctx?.close();
    });

    it('a lost reply keeps the request waiting; the resend with the same key makes one request', async () => {
      const keys: string[] = [];
      let mode: 'lose' | 'pass' = 'lose';
      await p.route('**/homecare/requests', async (route) => {
        if (route.request().method() !== 'POST') return route.fallback();
        keys.push(route.request().headers()['idempotency-key']!);
        if (mode === 'pass') return route.continue();
        // The server makes the request, but the answer never reaches the phone.
        await route.fetch();
        return route.abort('connectionreset');
      });
      await fillRequest(p, {
        nik: RINA.nik,
        need: 'HIGH_RISK_PREGNANCY',
        note: 'Hamil 7 bulan, tekanan darah tinggi',
      });
      await p.click('#hsubmit');
      const item = p.locator('#hqueue li', { hasText: RINA.name });
      await expect.poll(() => item.textContent()).toContain('Menunggu sinyal');
      expect(await requestsFor(RINA.nik)).toHaveLength(1);

      mode = 'pass';
      await p.evaluate(() => dispatchEvent(new Event('online')));
      await expect
        .poll(() => p.textContent('#hresult'), { timeout: 10_000 })
        .toContain('Permintaan dikirim ke Puskesmas Demo Uji');
      await expect.poll(() => item.count()).toBe(0);
      expect(keys).toHaveLength(2);
      expect(new Set(keys).size).toBe(1);
      expect(await requestsFor(RINA.nik)).toHaveLength(1);
      await p.unroute('**/homecare/requests');
    });

    it('a 403 says in plain words that the resident is of another RT, and keeps the form as typed', async () => {
      await p.route('**/homecare/requests', (route) =>
        route.request().method() === 'POST'
          ? route.fulfill({
              status: 403,
              contentType: 'application/json',
              body: JSON.stringify({
                error: 'Forbidden',
                message: 'An RT chair asks for visits to residents of their own RT only',
              }),
            })
          : route.fallback(),
      );
      await fillRequest(p, { nik: RINA.nik, need: 'DISABILITY', note: 'Tuli sejak lahir' });
      await p.click('#hsubmit');
      const result = p.locator('#hresult');
      await expect.poll(() => result.textContent()).toContain('Permintaan tidak terkirim');
      expect(await result.textContent()).toContain(
        'Warga ini terdaftar di RT lain, atau akun Anda tidak berhak meminta kunjungan untuknya.',
      );
      expect(await p.inputValue('#note')).toBe('Tuli sejak lahir');
      expect(await p.locator('#hqueue li').count()).toBe(0);
      await p.unroute('**/homecare/requests');
    });
  },
);
