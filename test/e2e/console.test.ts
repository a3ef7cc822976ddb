// The staff console (/console/) in a real Chromium on a 1280×800 desk in id-ID, against the whole local system: the
// strict CSP it is served with (and no violation of it), the shell's weight, the local role picker and ?as=, the menu
// each role gets, and the verifier's pages: the pending letters oldest first with the days they waited and the 14-day
// mark, "Muat lagi", one letter with its whole NIK, RT, history and the printable letter in a sandboxed blob: frame,
// a 400 beside its field, a rejection and an approval made from the keyboard alone, and the month's letters per RT
// with its CSV. axe-core on every page; no sideways scroll at 1280 and 1024 px. Screenshots: test/artifacts/console-*.png.
import { readFileSync } from 'node:fs';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { demoChairUsername, demoRts } from '../../infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { kelurahanName, kelurahanOfRt, placeOf } from '../../shared/city/regions.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { ARTIFACTS, axeViolations, HAS_CHROMIUM, openDesk, warnIfNoChromium } from '../support/browser.ts';
import { useFreshTables } from '../support/tables.ts';

warnIfNoChromium('console');

// biome-ignore lint/suspicious/noExplicitAny: JSON answered by the API under test, checked field by field.
type Json = any;
// The page's globals, used only inside page.evaluate() callbacks (the project compiles without the DOM lib).
declare const document: Json;
declare const sessionStorage: Json;
declare const scrollTo: (x: number, y: number) => void;

/** The shell's own files (gzip, as served): index.html, app.css, app.js, lib.js, cognito.js, icon.svg and verifier.js. */
const SHELL_BUDGET = 30 * 1024;
/** Everything the first load fetches, the other roles' modules and what they import statically included. */
const FIRST_LOAD_BUDGET = 150 * 1024;
const DAY = 86_400_000;

const RT_A = demoRts(12)[0]!;
const RT_B = demoRts(12)[1]!;
const KELURAHAN_A = placeOf(RT_A.kelurahan)!.kelurahan.name;
let sys: LocalSystem;
let browser: Browser;
let context: BrowserContext;
let page: Page;
let pageErrors: string[] = [];
const token = { chairA: '', chairB: '', verifier: '' };
/** Letters issued for this file, oldest first: [id, name, days ago]. */
const letters: { id: string; name: string; nik: string; daysAgo: number }[] = [];

let nextSeq = 9300;
function newResident(name: string, kelurahan = RT_A.kelurahan) {
  const birthDate = '1979-08-17';
  const nik = makeNik({ regionCode: kelurahan, birthDate, sex: 'F', sequence: nextSeq++ });
  return { nik, name, birthDate, sex: 'F' as const };
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

async function issue(chair: string, name: string, kelurahan: string, daysAgo: number): Promise<void> {
  const r = newResident(name, kelurahan);
  const res = await api(
    'POST',
    '/attestations',
    chair,
    { ...r, reason: 'Sakit, warga kurang mampu, perlu berobat segera', facility: 'Puskesmas Contoh' },
    { 'idempotency-key': `console-test-${r.nik}` },
  );
  expect(res.status, JSON.stringify(res.body)).toBe(201);
  letters.push({ id: res.body.id, name, nik: r.nik, daysAgo });
}

/** Every pending letter, oldest first, as the API lists them. */
async function pending(): Promise<Json[]> {
  const items: Json[] = [];
  let cursor: string | null = null;
  do {
    const q = new URLSearchParams({ order: 'oldest', limit: '100', ...(cursor ? { cursor } : {}) });
    const res = await api('GET', `/attestations?${q}`, token.verifier);
    expect(res.status).toBe(200);
    items.push(...res.body.items);
    cursor = res.body.cursor;
  } while (cursor);
  return items;
}

async function shot(name: string): Promise<void> {
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}console-${name}.png`, fullPage: true });
}

/** No sideways scroll at 1280 px nor at 1024 px. */
async function fitsDesk(): Promise<void> {
  for (const width of [1024, 1280]) {
    await page.setViewportSize({ width, height: 800 });
    const wide = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(wide, `scroll width at ${width} px`).toBeLessThanOrEqual(width);
  }
}

/** What the pages reported breaking their CSP (a listener added before any script of a page runs). */
const cspViolations: string[] = [];

/** The menu's entries as shown. */
const menu = () => page.locator('#menu a').allTextContents();

/** The titles of the pages a role may open, read from the page modules the console itself loads. */
async function pagesFor(role: string): Promise<string[]> {
  // A string, so the test runner's transform leaves the page's own import() alone.
  return page.evaluate(`(async () => {
    const titles = [];
    for (const name of ['operator', 'verifier', 'admin', 'clinic']) {
      const mod = await import('/console/' + name + '.js');
      for (const p of mod.pages) if (p.roles.includes(${JSON.stringify(role)}) && p.menu !== false) titles.push(p.title);
    }
    return titles;
  })()`);
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  process.env.ATTESTATION_DAILY_LIMIT = '100';
  resetConfig();
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, dynamoEndpoint, seed: true, quiet: true });
  token.chairA = await devToken({ role: 'rt_chair', username: demoChairUsername(RT_A.rt) });
  token.chairB = await devToken({ role: 'rt_chair', username: demoChairUsername(RT_B.rt) });
  token.verifier = await devToken({ role: 'social_verifier' });
  // Letters from 20, 16 and 3 days ago (only Date moves: the server reads it too), then 26 from today: 29 in all,
  // more than the console's page of 25.
  vi.useFakeTimers({ toFake: ['Date'] });
  const now = Date.now();
  try {
    for (const [name, daysAgo] of [
      ['Rahmah Daulay', 20],
      ['Sumarni Lubis', 16],
      ['Yusnani Harahap', 3],
    ] as const) {
      vi.setSystemTime(now - daysAgo * DAY);
      await issue(token.chairA, name, RT_A.kelurahan, daysAgo);
    }
  } finally {
    vi.useRealTimers();
  }
  for (let i = 0; i < 26; i++) {
    const [chair, rt] = i % 2 ? [token.chairB, RT_B] : [token.chairA, RT_A];
    await issue(chair, `Warga Uji ${String(i + 1).padStart(2, '0')}`, rt.kelurahan, 0);
  }
  ({ browser, context, page, pageErrors } = await openDesk());
  await context.exposeFunction('reportCspViolation', (v: string) => cspViolations.push(v));
  await context.addInitScript(() => {
    (globalThis as Json).addEventListener('securitypolicyviolation', (e: Json) =>
      (globalThis as Json).reportCspViolation(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}`),
    );
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sys?.stop();
  delete process.env.ATTESTATION_DAILY_LIMIT;
  resetConfig();
});

describe.skipIf(!HAS_CHROMIUM)('the staff console in Chromium', { timeout: 60_000 }, () => {
  it('is served at /console/ with a strict CSP, within its weight budget, and signs in with the role picker', async () => {
    const first = await page.goto(`${sys.url}/console`);
    expect(new URL(page.url()).pathname).toBe('/console/');
    const csp = (await first!.allHeaders())['content-security-policy']!;
    expect(csp).toContain("script-src 'self';");
    expect(csp).not.toMatch(/script-src[^;]*(unsafe-inline|unsafe-eval)/);
    expect(csp).toContain("worker-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    await page.getByRole('heading', { name: 'Masuk', level: 1 }).waitFor();

    const sizes: { name: string; size: number }[] = await page.evaluate(() =>
      (performance as Json)
        .getEntriesByType('navigation')
        .concat((performance as Json).getEntriesByType('resource'))
        .filter((e: Json) => new URL(e.name).pathname.startsWith('/console/'))
        .map((e: Json) => ({
          name: new URL(e.name).pathname.slice('/console/'.length),
          size: e.transferSize,
        })),
    );
    const own = ['', 'app.css', 'app.js', 'lib.js', 'cognito.js', 'icon.svg', 'verifier.js'];
    const shell = sizes.filter((s) => own.includes(s.name)).reduce((sum, s) => sum + s.size, 0);
    const total = sizes.reduce((sum, s) => sum + s.size, 0);
    console.log(
      `console first load in Chromium (transferred, gzip): shell ${shell} B (budget ${SHELL_BUDGET} B); ` +
        `everything ${total} B (budget ${FIRST_LOAD_BUDGET} B): ${sizes.map((s) => `${s.name || 'index'} ${s.size}`).join(', ')}`,
    );
    expect(sizes.map((s) => s.name)).toEqual(expect.arrayContaining(own));
    expect(shell).toBeLessThanOrEqual(SHELL_BUDGET);
    expect(total).toBeLessThanOrEqual(FIRST_LOAD_BUDGET);

    // Every control labelled; the skip link first in the tab order, and it leads to the content.
    const unlabelled = await page.evaluate(() =>
      [...document.querySelectorAll('input, select, textarea')]
        .filter((c: Json) => !document.querySelector(`label[for="${c.id}"]`))
        .map((c: Json) => c.id || c.outerHTML),
    );
    expect(unlabelled).toEqual([]);
    const firstStop = await page.evaluate(
      () =>
        [...document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]')].find(
          (e: Json) => e.tabIndex >= 0 && !e.closest('[hidden]'),
        )?.id,
    );
    expect(firstStop).toBe('skip');
    await page.focus('#skip');
    expect(await page.isVisible('#skip')).toBe(true);
    await page.keyboard.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
    expect(new URL(page.url()).hash).toBe('');
    expect(await axeViolations(page)).toEqual([]);
    await fitsDesk();
    await shot('masuk');

    // The picker, by keyboard: the role, Tab to the button, Enter.
    await page.selectOption('#role', 'social_verifier');
    await page.focus('#role');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('login-submit');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Surat menunggu', level: 1 }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/surat');
    expect(await page.textContent('#who')).toContain('Verifikator Dinas Sosial');
    expect(await page.isVisible('#signout')).toBe(true);
    expect(await menu()).toEqual(['Surat menunggu', 'Rekap per RT']);
    expect(await page.title()).toBe('Surat menunggu · SehatKota');
    expect(await page.evaluate(() => document.activeElement?.tagName)).toBe('H1');
  });

  it('lists the pending letters oldest first, with the days each waited and the 14-day mark, and loads more', async () => {
    const api = await pending();
    expect(api).toHaveLength(29);
    const rows = page.locator('#surat-list tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    const ids = await rows.evaluateAll((trs: Json[]) => trs.map((tr) => tr.dataset.id));
    expect(ids).toEqual(api.slice(0, 25).map((a) => a.id));
    // The three dated letters first, each with its days, the two past 14 days marked (in words and by colour).
    for (const [i, l] of letters.slice(0, 3).entries()) {
      const row = rows.nth(i);
      expect(await row.textContent()).toContain(l.name);
      expect(await row.locator('td').nth(1).textContent()).toMatch(new RegExp(`^${l.daysAgo} hari`));
      const late = l.daysAgo >= 14;
      expect(await row.locator('td').nth(1).textContent(), l.name).toContain(
        late ? 'Lewat batas 14 hari' : 'hari',
      );
      expect(await row.getAttribute('class'), l.name).toBe(late ? 'overdue' : null);
    }
    expect(await rows.nth(3).locator('td').nth(1).textContent()).toBe('0 hari');
    // The NIK masked in the list; the RT by its kelurahan's name.
    const first = await rows.nth(0).textContent();
    expect(first).not.toContain(letters[0]!.nik);
    expect(first).toContain(`${letters[0]!.nik.slice(0, 6)}******${letters[0]!.nik.slice(12)}`);
    expect(first).toContain(`RT 001 / RW 001, Kel. ${KELURAHAN_A}`);
    expect(await page.textContent('#surat-msg')).toContain('2 lewat batas 14 hari');
    expect(await axeViolations(page)).toEqual([]);
    await fitsDesk();
    await shot('surat');

    await page.click('#more');
    await expect.poll(() => rows.count()).toBe(29);
    expect(await page.isHidden('#more')).toBe(true);
    expect(await rows.evaluateAll((trs: Json[]) => trs.map((tr) => tr.dataset.id))).toEqual(
      api.map((a) => a.id),
    );
    // The keyboard goes on at the first letter loaded.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe(api[25].resident.name);
  });

  it('opens a letter: the whole NIK, the RT, the history, and the printable letter in a sandboxed blob: frame', async () => {
    const oldest = letters[0]!;
    await page.click(`#surat-list tbody tr[data-id="${oldest.id}"] a`);
    await page.getByRole('heading', { name: `Surat keterangan: ${oldest.name}`, level: 1 }).waitFor();
    expect(new URL(page.url()).hash).toBe(`#/surat/${oldest.id}`);
    expect(await page.title()).toBe(`Surat keterangan: ${oldest.name} · SehatKota`);
    const facts = await page.textContent('dl.facts');
    expect(facts).toContain(oldest.nik);
    expect(facts).toContain(`RT 001 / RW 001, Kel. ${KELURAHAN_A}`);
    expect(facts).toContain(RT_A.rt);
    expect(facts).toContain('Sakit, warga kurang mampu');
    expect(facts).toContain('Puskesmas Contoh');
    expect(facts).toContain('20 hari');
    expect(facts).toContain('Lewat batas 14 hari');
    const history = await page.textContent('ol.history');
    expect(history).toContain('Surat dibuat');
    expect(history).toContain('ketua RT');
    expect(await axeViolations(page)).toEqual([]);
    await fitsDesk();
    await shot('surat-rinci');

    await page.click('#open-letter');
    await page.locator('#letter[open]').waitFor();
    expect(await page.getAttribute('#letter-frame', 'src')).toMatch(/^blob:/);
    expect(await page.getAttribute('#letter-frame', 'sandbox')).toBe('allow-same-origin allow-modals');
    await expect
      .poll(() => page.frameLocator('#letter-frame').locator('body').textContent())
      .toContain(oldest.name);
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('print');
    await shot('surat-cetak');
    await page.keyboard.press('Escape');
    await page.locator('#letter:not([open])').waitFor({ state: 'attached' });
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('open-letter');
    expect(await page.getAttribute('#letter-frame', 'src')).toBeNull();
  });

  it('rejects a letter from the keyboard: its errors beside their fields (the server’s 400 too), then back to the list', async () => {
    const oldest = letters[0]!;
    // Enter in an empty form: both fields say what they need, the focus on the first.
    await page.focus('#decide-submit');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#decision-err')).toBe('Pilih setujui atau tolak.');
    expect(await page.textContent('#note-err')).toContain('minimal 3 huruf');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('d-approve');
    expect(await page.getAttribute('#note', 'aria-invalid')).toBe('true');
    // Arrow keys choose in the radio group; Tab goes on to the note.
    await page.keyboard.press('ArrowDown');
    expect(await page.isChecked('#d-reject')).toBe(true);
    expect(await page.textContent('#decision-err')).toBe('');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('note');
    // A character nobody types (a bidi override) passes the page's check; the server's 400 lands at the note.
    await page.keyboard.type('NIK tidak cocok \u202edengan KK');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.textContent('#note-err')).toContain('U+202E');
    expect(await page.textContent('#note-err')).toMatch(/^Periksa catatan: /);
    expect(await page.getAttribute('#note', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('note');
    expect(await page.textContent('#decision-err')).toBe('');
    expect((await api('GET', `/attestations/${oldest.id}`, token.verifier)).body.status).toBe(
      'PENDING_REVIEW',
    );
    expect(await axeViolations(page)).toEqual([]);
    await shot('keputusan-400');

    await page.keyboard.press('Control+A');
    await page.keyboard.type('NIK tidak cocok dengan KK; warga tidak tinggal di RT ini');
    expect(await page.textContent('#note-err')).toBe('');
    // Back to the radio group, and Enter there sends the form.
    await page.keyboard.press('Shift+Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('d-reject');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Surat menunggu', level: 1 }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/surat');
    await expect.poll(() => page.textContent('#notice')).toContain(`Surat ${oldest.name} ditolak.`);
    const rows = page.locator('#surat-list tbody tr');
    await expect.poll(() => rows.count()).toBe(25);
    expect(await page.locator(`#surat-list tr[data-id="${oldest.id}"]`).count()).toBe(0);
    const after = await api('GET', `/attestations/${oldest.id}`, token.verifier);
    expect(after.body.status).toBe('REJECTED');
    expect(after.body.decision.note).toBe('NIK tidak cocok dengan KK; warga tidak tinggal di RT ini');
    // Rejecting closed the coverage the letter opened.
    const clinic = await devToken({ role: 'clinic' });
    expect((await api('GET', `/coverage/${oldest.nik}`, clinic)).body.status).toBe('INACTIVE');
  });

  it('approves a letter with the keyboard alone: Tab to the choice, Space, Tab, type, Tab, Enter', async () => {
    const next = letters[1]!;
    await page.click(`#surat-list tbody tr[data-id="${next.id}"] a`);
    await page.getByRole('heading', { name: `Surat keterangan: ${next.name}`, level: 1 }).waitFor();
    // The notice of the last decision has gone with the page change after the one that showed it.
    expect(await page.textContent('#notice')).toBe('');
    for (let i = 0; i < 30; i++) {
      if ((await page.evaluate(() => document.activeElement?.id)) === 'd-approve') break;
      await page.keyboard.press('Tab');
    }
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('d-approve');
    await page.keyboard.press('Space');
    expect(await page.isChecked('#d-approve')).toBe(true);
    await page.keyboard.press('Tab');
    await page.keyboard.type('KK dan KTP diperiksa; warga memang kurang mampu');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('decide-submit');
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: 'Surat menunggu', level: 1 }).waitFor();
    await expect.poll(() => page.textContent('#notice')).toContain(`Surat ${next.name} disetujui.`);
    await expect.poll(() => page.locator('#surat-list tbody tr').count()).toBe(25);
    expect(await page.locator(`#surat-list tr[data-id="${next.id}"]`).count()).toBe(0);
    const after = await api('GET', `/attestations/${next.id}`, token.verifier);
    expect(after.body.status).toBe('APPROVED');
    // The decided letter, opened by its address, shows the decision and offers no form.
    await page.goto(`${sys.url}/console/#/surat/${next.id}`);
    await page.getByRole('heading', { name: 'Keputusan', level: 2 }).waitFor();
    expect(await page.locator('#decide').count()).toBe(0);
    expect(await page.textContent('ol.history')).toContain('Surat diputuskan');
    expect(await axeViolations(page)).toEqual([]);
  });

  it("shows the month's letters per RT with a month picker, and downloads them as CSV", async () => {
    await page.click('#menu >> text=Rekap per RT');
    await page.getByRole('heading', { name: 'Rekap per RT', level: 1 }).waitFor();
    const month = new Date(Date.now() + 7 * 3600_000).toISOString().slice(0, 7);
    const counts = (await api('GET', `/attestations/counts?month=${month}`, token.verifier)).body;
    expect(counts.rts.length).toBeGreaterThan(0);
    const rows = page.locator('#rekap tbody tr');
    await expect.poll(() => rows.count()).toBe(counts.rts.length + 1);
    for (const [i, r] of counts.rts.entries()) {
      const cells = await rows.nth(i).locator('td').allTextContents();
      expect(cells[0]).toContain(r.rt);
      expect(cells.slice(2)).toEqual([r.issued, r.pending, r.approved, r.rejected].map(String));
    }
    const total = await rows.last().locator('td').allTextContents();
    expect(total[0]).toBe('Jumlah');
    expect(total.slice(2)).toEqual(
      [counts.totals.issued, counts.totals.pending, counts.totals.approved, counts.totals.rejected].map(
        String,
      ),
    );
    expect(await rows.first().textContent()).toMatch(new RegExp(KELURAHAN_A.slice(0, 6)));
    expect(await axeViolations(page)).toEqual([]);
    await fitsDesk();
    await shot('rekap');

    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#csv')]);
    expect(download.suggestedFilename()).toBe(`surat-per-rt-${month}.csv`);
    const csv = readFileSync((await download.path())!, 'utf8').replace(/^\ufeff/, '');
    const lines = csv.trim().split('\r\n');
    expect(lines[0]).toBe('rt,kelurahan,dibuat,menunggu,disetujui,ditolak');
    expect(lines.slice(1)).toEqual(
      counts.rts.map((r: Json) =>
        [r.rt, kelurahanName(kelurahanOfRt(r.rt)), r.issued, r.pending, r.approved, r.rejected].join(','),
      ),
    );

    // Another month, by the picker: the address keeps it; an empty month says so.
    await page.fill('#month', '2021-02');
    await page.focus('#month');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#rekap-msg')).toContain('belum ada surat');
    expect(new URL(page.url()).hash).toBe('#/rekap/2021-02');
    expect(await page.locator('#rekap').count()).toBe(0);
    expect(await page.isDisabled('#csv')).toBe(true);
  });

  it('gives each role its own menu (?as= signs in directly, locally), and turns away roles without a console', async () => {
    for (const role of ['operator', 'city_admin', 'clinic', 'social_verifier']) {
      await page.goto(`${sys.url}/console/?as=${role}`);
      await page.locator('h1').first().waitFor();
      // The focus at the page's start (its h1, or the field the page itself chose).
      await expect.poll(() => page.evaluate(() => !!document.activeElement?.closest('main'))).toBe(true);
      expect(new URL(page.url()).search).toBe('');
      const expected = await pagesFor(role);
      expect(await menu(), role).toEqual(expected);
      if (role !== 'social_verifier') {
        expect(expected).not.toContain('Surat menunggu');
        expect(expected).not.toContain('Rekap per RT');
      }
      // Its home: its first page, or a word that there is none yet.
      const h1 = await page.locator('h1').first().textContent();
      if (expected.length) expect(await page.title()).toMatch(/ · SehatKota$/);
      else expect(h1).toBe('Konsol staf');
      // A page of another role's typed into the address leads home.
      if (role !== 'social_verifier') {
        await page.goto(`${sys.url}/console/#/rekap`);
        await page.locator('h1').first().waitFor();
        expect(new URL(page.url()).hash).not.toBe('#/rekap');
      }
      expect(await axeViolations(page), role).toEqual([]);
      await fitsDesk();
      await shot(`as-${role}`);
    }
    // An RT chair's token is not for the console.
    const chair = await page.evaluate(async (t: string) => {
      sessionStorage.setItem('console.session', JSON.stringify({ token: t }));
      return true;
    }, token.chairA);
    expect(chair).toBe(true);
    await page.goto(`${sys.url}/console/`);
    await page.getByRole('heading', { name: 'Konsol staf', level: 1 }).waitFor();
    expect(await page.textContent('main')).toContain('bukan akun staf konsol');
    expect(await menu()).toEqual([]);
  });

  it('ignores ?as= when the console signs in through Cognito, and a 401 or Keluar brings back the sign-in', async () => {
    await page.goto(`${sys.url}/console/`);
    await page.evaluate(() => sessionStorage.clear());
    process.env.AUTH_MODE = 'cognito';
    process.env.COGNITO_DOMAIN = 'https://sehatkota-test.auth.ap-southeast-3.amazoncognito.com';
    process.env.COGNITO_CLIENT_ID = 'consoletestclient01';
    try {
      const res = await page.goto(`${sys.url}/console/?as=social_verifier`);
      expect((await res!.allHeaders())['content-security-policy']).toContain(
        "connect-src 'self' https://sehatkota-test.auth.ap-southeast-3.amazoncognito.com;",
      );
      await page.getByRole('heading', { name: 'Masuk', level: 1 }).waitFor();
      expect(await page.isVisible('#login-cognito')).toBe(true);
      expect(await page.locator('#role').count()).toBe(0);
      expect(await page.evaluate(() => sessionStorage.getItem('console.session'))).toBeNull();
      expect(new URL(page.url()).search).toBe('');
      // The button goes to Cognito's hosted UI (a stand-in routed here, so the page never navigates to a network
      // error): the code flow with PKCE, back to /console/, where the code becomes the session.
      const domain = process.env.COGNITO_DOMAIN!;
      let authorize: URLSearchParams | undefined;
      let exchange: URLSearchParams | undefined;
      await page.route(`${domain}/**`, async (route) => {
        const url = new URL(route.request().url());
        if (url.pathname === '/oauth2/authorize') {
          authorize = url.searchParams;
          const back = `${authorize.get('redirect_uri')}?code=the-code&state=${authorize.get('state')}`;
          return route.fulfill({ status: 302, headers: { location: back } });
        }
        if (url.pathname === '/oauth2/token') {
          exchange = new URLSearchParams(route.request().postData() ?? '');
          return route.fulfill({
            status: 200,
            headers: { 'access-control-allow-origin': '*', 'content-type': 'application/json' },
            body: JSON.stringify({
              id_token: token.verifier,
              access_token: 'a',
              refresh_token: 'r',
              expires_in: 3600,
            }),
          });
        }
        return route.fulfill({ status: 404 });
      });
      try {
        await page.click('#login-cognito');
        await page.getByRole('heading', { name: 'Surat menunggu', level: 1 }).waitFor();
      } finally {
        await page.unroute(`${domain}/**`);
      }
      expect(Object.fromEntries(authorize!)).toMatchObject({
        response_type: 'code',
        code_challenge_method: 'S256',
        redirect_uri: `${sys.url}/console/`,
        client_id: 'consoletestclient01',
      });
      expect(Object.fromEntries(exchange!)).toMatchObject({
        grant_type: 'authorization_code',
        code: 'the-code',
        client_id: 'consoletestclient01',
        redirect_uri: `${sys.url}/console/`,
      });
      expect(exchange!.get('code_verifier')?.length).toBeGreaterThanOrEqual(43);
      // The code is dropped from the address bar once traded.
      expect(new URL(page.url()).search).toBe('');
      await page.evaluate(() => sessionStorage.clear());
    } finally {
      delete process.env.AUTH_MODE;
      delete process.env.COGNITO_DOMAIN;
      delete process.env.COGNITO_CLIENT_ID;
    }

    // A token the API no longer takes: the first call's 401 signs out and says why.
    await page.goto(`${sys.url}/console/?as=social_verifier`);
    await page.getByRole('heading', { name: 'Surat menunggu', level: 1 }).waitFor();
    await page.evaluate(() => {
      const s = JSON.parse(sessionStorage.getItem('console.session'));
      sessionStorage.setItem('console.session', JSON.stringify({ token: `${s.token}x` }));
    });
    await page.reload();
    await page.getByRole('heading', { name: 'Masuk', level: 1 }).waitFor();
    expect(await page.textContent('#login-msg')).toContain('Sesi Anda berakhir');
    // Sign in again, then Keluar.
    await page.selectOption('#role', 'social_verifier');
    await page.click('#login-submit');
    await page.getByRole('heading', { name: 'Surat menunggu', level: 1 }).waitFor();
    await page.click('#signout');
    await page.getByRole('heading', { name: 'Masuk', level: 1 }).waitFor();
    expect(await page.evaluate(() => sessionStorage.getItem('console.session'))).toBeNull();
    expect(await page.isHidden('#signout')).toBe(true);
    expect(await page.isHidden('#nav')).toBe(true);
  });

  it('reported no CSP violation and no script error on any page', async () => {
    expect(cspViolations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });
});
