// The staff console's city dashboard (#/dasbor, #/respon, #/pengingat, city_admin) and the puskesmas desk's home
// visits (#/kunjungan, clinic) in a real Chromium at 1280×800 in id-ID on WIB, against the whole local system with
// its demo data and a day of the city's work (fund allocations and expenses, 112 incidents through to the scene,
// the reminders job, homecare requests): every figure on the page equals what the API answers, every CSV holds the
// table's rows, the UHC chart is given the API's 98% / 80% thresholds, a clinic sees its requests oldest first and
// schedules a visit and records its outcome from the keyboard (one Idempotency-Key per submission, also after a
// lost answer). axe-core on every page, no sideways scroll at 1280 and 1024 px; screenshots in
// test/artifacts/console-admin-*.png and console-clinic-*.png.
import { readFileSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoChairUsername, demoPuskesmas, demoRts } from '../../infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { ARTIFACTS, axeViolations, HAS_CHROMIUM, openDesk, warnIfNoChromium } from '../support/browser.ts';
import { useFreshTables } from '../support/tables.ts';

warnIfNoChromium('console-admin');

// biome-ignore lint/suspicious/noExplicitAny: JSON answered by the API under test, checked field by field.
type Json = any;
// The page's globals, used only inside page.evaluate() callbacks (the project compiles without the DOM lib).
declare const document: Json;
declare const scrollTo: (x: number, y: number) => void;

const DAY = 86_400_000;
const wibDay = (offsetDays = 0) =>
  new Date(Date.now() + 7 * 3600_000 + offsetDays * DAY).toISOString().slice(0, 10);
const addDays = (ymd: string, n: number) =>
  new Date(Date.parse(`${ymd}T00:00:00Z`) + n * DAY).toISOString().slice(0, 10);
const TODAY = wibDay();
const YESTERDAY = wibDay(-1);
const YEAR = Number(TODAY.slice(0, 4));

const RTS = demoRts(12);
const RT_A = RTS[0]!;
const RT_B = RTS.find((r) => r.kelurahan !== RT_A.kelurahan)!;
/** The demo puskesmas serving RT A's kelurahan (local mode seeds it). */
const PKM = demoPuskesmas().find((p) => p.kelurahan.includes(RT_A.kelurahan))!;

// ---------- how the page writes numbers and days (id-ID), computed here from the API's figures

const whole = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 0 });
const oneDecimal = new Intl.NumberFormat('id-ID', { minimumFractionDigits: 1, maximumFractionDigits: 1 });
const upToOne = new Intl.NumberFormat('id-ID', { maximumFractionDigits: 1 });
const num = (n: number) => whole.format(n);
const rupiah = (n: number) => `${n < 0 ? '-' : ''}Rp ${whole.format(Math.abs(n))}`;
/** A share as the page writes it: covered / residents → "92,9%". */
const pct = (part: number, all: number) => (all > 0 ? `${oneDecimal.format((part / all) * 100)}%` : '–');
const dayShort = new Intl.DateTimeFormat('id-ID', {
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  timeZone: 'UTC',
});
const fmtDay = (ymd: string) => dayShort.format(new Date(`${ymd}T00:00:00Z`));
const monthLong = new Intl.DateTimeFormat('id-ID', { month: 'long', year: 'numeric', timeZone: 'UTC' });
const fmtMonth = (ym: string) => monthLong.format(new Date(`${ym}-01T00:00:00Z`));
const longDay = new Intl.DateTimeFormat('id-ID', {
  weekday: 'long',
  day: 'numeric',
  month: 'long',
  year: 'numeric',
  timeZone: 'UTC',
});
const fmtDayLong = (ymd: string) => longDay.format(new Date(`${ymd}T00:00:00Z`));
function seconds(s: number | null): string {
  if (s == null) return '–';
  if (s < 60) return `${upToOne.format(s)} detik`;
  if (s < 3600) return `${upToOne.format(s / 60)} menit`;
  return `${upToOne.format(s / 3600)} jam`;
}
const dayMonth = new Intl.DateTimeFormat('id-ID', { day: 'numeric', month: 'short', timeZone: 'UTC' });
/** A week as the page writes it: "14–20 Sep 2026", "28 Sep – 4 Okt 2026". */
function weekLabel({ from, to }: { from: string; to: string }): string {
  if (from.slice(0, 4) !== to.slice(0, 4)) return `${fmtDay(from)} – ${fmtDay(to)}`;
  if (from.slice(0, 7) !== to.slice(0, 7))
    return `${dayMonth.format(new Date(`${from}T00:00:00Z`))} – ${fmtDay(to)}`;
  return from === to ? fmtDay(to) : `${Number(from.slice(8))}–${fmtDay(to)}`;
}
function addMonths(ym: string, n: number): string {
  const [y, m] = ym.split('-').map(Number) as [number, number];
  return new Date(Date.UTC(y, m - 1 + n, 1)).toISOString().slice(0, 7);
}

// ---------- the system, the browser

let sys: LocalSystem;
let browser: Browser;
let page: Page;
let pageErrors: string[] = [];
const token = { admin: '', operator: '', clinic: '' };
/** The homecare requests this file made, in the order made. */
const requested: { id: string; name: string }[] = [];

async function api(method: string, path: string, as: string, body?: unknown, headers = {}): Promise<Json> {
  const res = await fetch(`${sys.url}${path}`, {
    method,
    headers: {
      ...(as ? { authorization: `Bearer ${as}` } : {}),
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...headers,
    },
    ...(body ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  let json: Json;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, body: json, text };
}

async function devToken(body: Record<string, string>): Promise<string> {
  const res = await fetch(`${sys.url}/auth/dev-token`, { method: 'POST', body: JSON.stringify(body) });
  return ((await res.json()) as { token: string }).token;
}

const key = () => crypto.randomUUID();

/** A full-page screenshot, from the top. */
async function shot(name: string): Promise<void> {
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}${name}.png`, fullPage: true });
}

/** Every data table's <details> opened, so axe and the screenshot see the tables too. */
const openDetails = () =>
  page.evaluate(() => {
    for (const d of document.querySelectorAll('details')) d.open = true;
  });

/** No sideways scroll at 1280 px, nor at 1024 px once the charts have followed the width (screenshot at 1024). */
async function fitsDesk(screenshot: string): Promise<void> {
  const width = () => page.evaluate(() => document.documentElement.scrollWidth);
  expect(await width()).toBeLessThanOrEqual(1280);
  await page.setViewportSize({ width: 1024, height: 800 });
  await expect.poll(width).toBeLessThanOrEqual(1024);
  // Each chart has been redrawn within its narrower card.
  await expect
    .poll(() =>
      page.evaluate(() =>
        [...document.querySelectorAll('.chart')].every((c: Json) => (c.uplot?.width ?? 0) <= c.clientWidth),
      ),
    )
    .toBe(true);
  await shot(screenshot);
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** A table's body as text, cell by cell. */
function tableRows(selector: string): Promise<string[][]> {
  return page.evaluate(
    (sel) =>
      [...document.querySelectorAll(`${sel} tbody tr`)].map((tr: Json) =>
        [...tr.cells].map((c: Json) => c.textContent.trim()),
      ),
    selector,
  );
}

/** What uPlot was given for a chart: its series' labels and its data. */
function chartOf(id: string): Promise<{ labels: string[]; data: (number | null)[][] } | null> {
  return page.evaluate((sel) => {
    const u = document.querySelector(sel)?.uplot;
    return u ? { labels: u.series.map((s: Json) => s.label), data: u.data.map((d: Json) => [...d]) } : null;
  }, `#${id}-chart`);
}

/** RFC 4180 as the console writes it (a BOM, CRLF lines, quoted cells). */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  const body = text.replace(/^\ufeff/, '');
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (quoted) {
      if (c === '"' && body[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (c === '"') quoted = false;
      else cell += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      row.push(cell);
      cell = '';
    } else if (c === '\n') {
      row.push(cell.replace(/\r$/, ''));
      rows.push(row);
      row = [];
      cell = '';
    } else cell += c;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}

/** Presses a CSV button; the file the browser saved, parsed. */
async function downloadCsv(button: string): Promise<{ name: string; rows: string[][] }> {
  const [file] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: button }).click(),
  ]);
  const rows = parseCsv(readFileSync((await file.path())!, 'utf8'));
  return { name: file.suggestedFilename(), rows };
}

async function openPage(hash: string, heading: string, as = 'city_admin', extra = ''): Promise<void> {
  await page.goto(`${sys.url}/console/?as=${as}${extra}${hash}`);
  await page.getByRole('heading', { name: heading, level: 1 }).waitFor();
}

/** Waits for every section of a page to have finished loading. */
const loaded = () => expect.poll(() => page.locator('[aria-busy="true"]').count()).toBe(0);

// ---------- the city's day, through the API

/** Kampung Bahagia: every demo RT's tier for the year, expenses in two kelurahan, one expense reversed. */
async function fundsDay(): Promise<void> {
  const all = await api('POST', `/funds/${YEAR}/allocations`, token.admin, { note: 'Dana Kampung Bahagia' });
  expect(all.status, all.text).toBe(200);
  const spend = async (rt: string, amount: number, description: string) => {
    const chair = await devToken({ role: 'rt_chair', username: demoChairUsername(rt) });
    const res = await api(
      'POST',
      `/funds/${rt}/${YEAR}/expenses`,
      chair,
      { amount, category: 'CLEAN_WATER', date: TODAY, description },
      { 'idempotency-key': key() },
    );
    expect(res.status, res.text).toBe(201);
    return res.body.entryId as string;
  };
  await spend(RT_A.rt, 12_500_000, 'Perbaikan saluran air');
  const wrong = await spend(RT_A.rt, 4_000_000, 'Pipa air (salah catat)');
  await spend(RT_B.rt, 32_750_000, 'Sumur bor warga');
  const rev = await api('POST', `/funds/${RT_A.rt}/${YEAR}/entries/${wrong}/reversal`, token.admin, {
    reason: 'Salah catat, nota ganda',
  });
  expect(rev.status, rev.text).toBe(201);
}

/** 112: two P1 reports dispatched at once, acknowledged, on scene, then resolved (the units free again). */
async function incidentsDay(): Promise<void> {
  for (const i of [1, 2]) {
    const made = await api(
      'POST',
      '/incidents',
      token.operator,
      {
        callerPhone: `08123456780${i}`,
        type: 'MEDICAL',
        description: 'Bapak pingsan di teras rumah',
        location: { lat: -1.6 - i / 100, lon: 103.6 + i / 100, address: `Jl. Uji Dasbor ${i}` },
      },
      { 'idempotency-key': key() },
    );
    expect(made.status, made.text).toBe(201);
    const unit = made.body.dispatched.unitId;
    const responder = await devToken({ role: 'responder', unit });
    expect((await api('POST', `/incidents/${made.body.id}/ack`, responder)).status).toBe(200);
    for (const status of ['EN_ROUTE', 'ON_SCENE', 'RESOLVED']) {
      const res = await api('POST', `/incidents/${made.body.id}/status`, responder, { status });
      expect(res.status, res.text).toBe(200);
    }
  }
}

/**
 * Reminders: a resident whose birthday is a week after yesterday (so yesterday's CKG reminder is theirs) stops SMS
 * first; the daily job runs for the two days before today, and the sender sends and hears back at once.
 */
async function remindersDay(): Promise<void> {
  const birthday = addDays(YESTERDAY, 7);
  const birthDate = `${Number(birthday.slice(0, 4)) - 30}${birthday.slice(4)}`.replace(/-02-29$/, '-02-28');
  const phone = '0812-9100-7701';
  const nik = makeNik({ regionCode: RT_A.kelurahan, birthDate, sex: 'F', sequence: 9701 });
  const made = await api('POST', '/residents', token.admin, {
    nik,
    kk: `${nik.slice(0, 6)}0101019701`,
    name: 'Rina Marlina',
    birthDate,
    sex: 'F',
    phone,
    rt: RT_A.rt,
    smsConsent: true,
  });
  expect(made.status, made.text).toBe(201);
  const stop = await api('POST', '/sms/inbound', '', {
    originationNumber: '+6281291007701',
    messageBody: 'BERHENTI',
    inboundMessageId: 'in-console-1',
  });
  expect(stop.body).toEqual({ action: 'OPTED_OUT' });
  for (const d of [addDays(TODAY, -2), YESTERDAY]) {
    const run = await api('POST', `/jobs/reminders/run?date=${d}`, token.admin);
    expect(run.status, run.text).toBe(200);
  }
  // Sent, and SNS's delivery reports in: the page reads figures that no longer move.
  await sys.queue.drain();
  await sys.deliveries.drain();
  const month = YESTERDAY.slice(0, 7);
  const s = (await api('GET', `/reminders/stats?from=${month}-01&to=${YESTERDAY}`, token.admin)).body;
  expect(s.sent).toBeGreaterThan(0);
}

/** Homecare: three requests for RT A's residents (its puskesmas's), one after another. */
async function homecareDay(): Promise<void> {
  const residents: Json[] = (await api('GET', `/rts/${RT_A.rt}/residents?limit=50`, token.admin)).body.items;
  const alive = residents
    .filter((r) => !r.deceasedOn && !r.movedOutOn && r.name !== 'Rina Marlina')
    .slice(0, 3);
  const needs = ['ELDERLY_IMMOBILE', 'CHRONIC_IMMOBILE', 'DISABILITY'];
  for (const [i, r] of alive.entries()) {
    const res = await api('POST', '/homecare/requests', token.admin, {
      nik: r.nik,
      need: needs[i],
      note: 'Tidak bisa berjalan sejak stroke, perlu kontrol tekanan darah',
    });
    expect(res.status, res.text).toBe(201);
    requested.push({ id: res.body.id, name: r.name });
  }
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  // Whatever the hour this runs at, the reminders of past days go out at once.
  process.env.SMS_QUIET_HOURS_WIB = 'off';
  resetConfig();
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, dynamoEndpoint, seed: true, quiet: true });
  token.admin = await devToken({ role: 'city_admin' });
  token.operator = await devToken({ role: 'operator' });
  token.clinic = await devToken({ role: 'clinic', puskesmas: PKM.code });
  await fundsDay();
  await incidentsDay();
  await remindersDay();
  await homecareDay();
  ({ browser, page, pageErrors } = await openDesk());
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await sys?.stop();
  delete process.env.SMS_QUIET_HOURS_WIB;
  resetConfig();
});

describe.skipIf(!HAS_CHROMIUM)('the city dashboard in Chromium', { timeout: 60_000 }, () => {
  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  it("Dasbor: UHC per kelurahan as the API counts it, against the API's 98% / 80% lines, with its table and CSV", async () => {
    await openPage('#/dasbor', 'Dasbor kota');
    await loaded();
    const uhc = (await api('GET', '/uhc', token.admin)).body;
    const regions = (await api('GET', '/regions', token.admin)).body;
    const kel = new Map<string, { name: string; kecamatan: string }>();
    for (const k of regions.kecamatan)
      for (const l of k.kelurahan) kel.set(l.code, { name: l.name, kecamatan: k.name });
    const counted: Json[] = uhc.kelurahan.filter((k: Json) => k.residents > 0);
    expect(counted.length).toBeGreaterThan(3);

    // The city's figures, then each kelurahan's row: covered % = covered / residents, names from /regions.
    const stats = await page.locator('#uhc .stat').allTextContents();
    expect(stats[0]).toContain(num(uhc.residents));
    expect(stats[1]).toContain(pct(uhc.covered, uhc.residents));
    expect(stats[1]).toContain(`batas ${uhc.thresholds.coveredPct}%`);
    expect(stats[2]).toContain(pct(uhc.active, uhc.residents));
    expect(stats[3]).toContain(uhc.uhc ? 'UHC tercapai' : 'Belum UHC');
    expect(await tableRows('#uhc-fig table.data')).toEqual(
      counted.map((k) => [
        kel.get(k.code)!.name,
        kel.get(k.code)!.kecamatan,
        num(k.residents),
        num(k.covered),
        pct(k.covered, k.residents),
        num(k.active),
        pct(k.active, k.residents),
        k.uhc ? 'Ya' : 'Belum',
      ]),
    );
    const others = uhc.kelurahan.length - counted.length;
    expect(await page.locator('#uhc').textContent()).toContain(
      `${num(others)} kelurahan lain belum punya data warga`,
    );

    // The chart was given the API's shares and its thresholds, drawn as two lines the legend names.
    const chart = (await chartOf('uhc-fig'))!;
    expect(chart.labels).toEqual([
      'Kelurahan',
      'Tercakup JKN (%)',
      'JKN aktif (%)',
      `Batas tercakup ${uhc.thresholds.coveredPct}%`,
      `Batas aktif ${uhc.thresholds.activePct}%`,
    ]);
    expect(uhc.thresholds).toEqual({ coveredPct: 98, activePct: 80 });
    expect(chart.data[3]).toEqual(counted.map(() => 98));
    expect(chart.data[4]).toEqual(counted.map(() => 80));
    counted.forEach((k, i) => {
      expect(chart.data[1]![i]).toBeCloseTo((k.covered / k.residents) * 100, 6);
      expect(chart.data[2]![i]).toBeCloseTo((k.active / k.residents) * 100, 6);
    });
    const legend = await page.locator('#uhc-fig .u-legend').textContent();
    expect(legend).toContain('Batas tercakup 98%');
    expect(legend).toContain('Batas aktif 80%');

    // The CSV holds the same rows, with the API's own numbers.
    const csv = await downloadCsv('Unduh CSV: Cakupan JKN per kelurahan, Kota Jambi');
    expect(csv.name).toBe(`uhc-15.71-${TODAY}.csv`);
    expect(csv.rows).toEqual([
      [
        'kode',
        'kelurahan',
        'kecamatan',
        'warga',
        'tercakup',
        'tercakup_persen',
        'aktif',
        'aktif_persen',
        'uhc',
      ],
      ...counted.map((k) => [
        k.code,
        kel.get(k.code)!.name,
        kel.get(k.code)!.kecamatan,
        String(k.residents),
        String(k.covered),
        String(k.coveredPct),
        String(k.active),
        String(k.activePct),
        k.uhc ? 'ya' : 'belum',
      ]),
    ]);

    // One kecamatan: the rows of GET /uhc?area= for it.
    const kec = RT_A.kelurahan.slice(0, 8);
    await page.selectOption('#uhc-area', kec);
    const area = (await api('GET', `/uhc?area=${kec}`, token.admin)).body;
    const inArea = area.kelurahan
      .filter((k: Json) => k.residents > 0)
      .map((k: Json) => kel.get(k.code)!.name);
    await expect.poll(async () => (await tableRows('#uhc-fig table.data')).map((r) => r[0])).toEqual(inArea);
    await page.selectOption('#uhc-area', '');
    await expect.poll(async () => (await tableRows('#uhc-fig table.data')).length).toBe(counted.length);
  });

  it('Dasbor: the premium bill of the last 12 months and the RT funds per kelurahan, each as the API answers', async () => {
    // Twelve months ending with this one, each asked for on its own.
    const now = TODAY.slice(0, 7);
    const months = Array.from({ length: 12 }, (_, i) => addMonths(now, i - 11));
    const bills = await Promise.all(
      months.map(async (m) => (await api('GET', `/premiums/${m}`, token.admin)).body),
    );
    expect(bills.some((b) => b.total > 0)).toBe(true);
    expect(await tableRows('#premi-fig table.data')).toEqual(
      bills.map((b) => [
        fmtMonth(b.month),
        num(b.residents),
        rupiah(b.premiumPerPerson),
        rupiah(b.total),
        fmtDay(b.dueDate),
      ]),
    );
    expect((await chartOf('premi-fig'))!.data[1]).toEqual(bills.map((b) => b.total));
    const latest = bills.at(-1);
    expect(await page.locator('#premi .stat').first().textContent()).toContain(rupiah(latest.total));
    const premiCsv = await downloadCsv(
      `Unduh CSV: Tagihan iuran PBI APBD, ${fmtMonth(months[0]!)} – ${fmtMonth(now)}`,
    );
    expect(premiCsv.rows).toEqual([
      ['bulan', 'peserta', 'iuran_per_orang', 'tagihan', 'jatuh_tempo'],
      ...bills.map((b) => [
        b.month,
        String(b.residents),
        String(b.premiumPerPerson),
        String(b.total),
        b.dueDate,
      ]),
    ]);

    // The RT funds summed per kelurahan from each RT's account; realised = allocated − balance.
    const funds = (await api('GET', `/funds?year=${YEAR}`, token.admin)).body;
    const regions = (await api('GET', '/regions', token.admin)).body;
    const names = new Map<string, [string, string]>();
    for (const k of regions.kecamatan) for (const l of k.kelurahan) names.set(l.code, [l.name, k.name]);
    const byKel = new Map<string, Json>();
    for (const r of funds.rts) {
      const k = byKel.get(r.kelurahan) ?? {
        code: r.kelurahan,
        rts: 0,
        allocated: 0,
        spent: 0,
        reversed: 0,
        balance: 0,
      };
      k.rts++;
      for (const f of ['allocated', 'spent', 'reversed', 'balance']) k[f] += r[f];
      byKel.set(r.kelurahan, k);
    }
    const kels = [...byKel.values()].sort((a, b) => a.code.localeCompare(b.code));
    // The route's own roll-up agrees with the page's.
    expect(kels.map((k) => [k.code, k.allocated, k.balance])).toEqual(
      [...funds.kelurahan]
        .sort((a: Json, b: Json) => a.code.localeCompare(b.code))
        .map((k: Json) => [k.code, k.allocated, k.balance]),
    );
    expect(kels.some((k) => k.spent > 0 && k.reversed > 0)).toBe(true);
    expect(await tableRows('#dana-fig table.data')).toEqual(
      kels.map((k) => [
        names.get(k.code)![0],
        names.get(k.code)![1],
        num(k.rts),
        rupiah(k.allocated),
        rupiah(k.allocated - k.balance),
        rupiah(k.balance),
        pct(k.allocated - k.balance, k.allocated),
      ]),
    );
    const stats = await page.locator('#dana .stat').allTextContents();
    expect(stats[0]).toContain(rupiah(funds.totals.allocated));
    expect(stats[3]).toContain(rupiah(funds.totals.balance));
    const danaCsv = await downloadCsv(`Unduh CSV: Realisasi dana RT per kelurahan, ${YEAR}`);
    // The CSV carries what the table sums up: each kelurahan's expenses and reversals too.
    expect(danaCsv.rows.slice(1).map((r) => [r[0], r[4], r[5], r[6], r[7], r[8]])).toEqual(
      kels.map((k) => [
        k.code,
        String(k.allocated),
        String(k.spent),
        String(k.reversed),
        String(k.allocated - k.balance),
        String(k.balance),
      ]),
    );
    expect(danaCsv.rows.length).toBe(kels.length + 1);

    // Accessible with the tables open, and no sideways scroll at 1280 or 1024 px.
    await openDetails();
    expect(await axeViolations(page)).toEqual([]);
    await shot('console-admin-dasbor');
    await fitsDesk('console-admin-dasbor-1024');
  });

  it('112: median and p90 per week, each week asked of GET /incidents/stats, as a chart, a table and a CSV', async () => {
    await page.getByRole('link', { name: '112' }).click();
    await page.getByRole('heading', { name: 'Waktu respons 112', level: 1 }).waitFor();
    await loaded();
    // The last twelve weeks, Monday to Sunday, the current one up to today.
    const dow = (new Date(`${TODAY}T00:00:00Z`).getUTCDay() + 6) % 7;
    const monday = addDays(TODAY, -dow);
    const weeks = Array.from({ length: 12 }, (_, i) => {
      const from = addDays(monday, (i - 11) * 7);
      const end = addDays(from, 6);
      return { from, to: end > TODAY ? TODAY : end };
    });
    const stats = await Promise.all(
      weeks.map(
        async (w) => (await api('GET', `/incidents/stats?from=${w.from}&to=${w.to}`, token.admin)).body,
      ),
    );
    expect(stats.at(-1).total).toBe(2);
    expect(stats.at(-1).dispatchToOnScene.count).toBe(2);
    const keys = ['reportToDispatch', 'dispatchToAck', 'ackToOnScene'];
    expect(await tableRows('#respon-fig table.data')).toEqual(
      weeks.map((w, i) => [
        weekLabel(w),
        num(stats[i].total),
        ...keys.map((k) =>
          stats[i][k].count ? `${seconds(stats[i][k].medianS)} / ${seconds(stats[i][k].p90S)}` : '–',
        ),
      ]),
    );
    const chart = (await chartOf('respon-fig'))!;
    expect(chart.labels.slice(1)).toEqual(
      ['Laporan → unit dikirim', 'Unit dikirim → diterima kru', 'Diterima kru → tiba di lokasi'].flatMap(
        (l) => [`${l}, median`, `${l}, p90`],
      ),
    );
    keys.forEach((k, j) => {
      expect(chart.data[1 + 2 * j]).toEqual(stats.map((s) => s[k].medianS));
      expect(chart.data[2 + 2 * j]).toEqual(stats.map((s) => s[k].p90S));
    });
    const csv = await downloadCsv(
      `Unduh CSV: Waktu respons 112 per minggu, ${fmtDay(weeks[0]!.from)} – ${fmtDay(TODAY)}`,
    );
    expect(csv.rows[0]).toEqual([
      'minggu_mulai',
      'minggu_akhir',
      'laporan',
      ...keys.flatMap((k) => [`${k}_median_detik`, `${k}_p90_detik`, `${k}_jumlah`]),
    ]);
    expect(csv.rows.slice(1)).toEqual(
      weeks.map((w, i) => [
        w.from,
        w.to,
        String(stats[i].total),
        ...keys.flatMap((k) => [
          String(stats[i][k].medianS ?? ''),
          String(stats[i][k].p90S ?? ''),
          String(stats[i][k].count),
        ]),
      ]),
    );
    await openDetails();
    expect(await axeViolations(page)).toEqual([]);
    await shot('console-admin-respon');
    await fitsDesk('console-admin-respon-1024');
  });

  it('Pengingat SMS: the funnel and the spend as GET /reminders/stats counts them; a month without data says so', async () => {
    await page.getByRole('link', { name: 'Pengingat SMS' }).click();
    await page.getByRole('heading', { name: 'Pengingat SMS', level: 1 }).waitFor();
    await loaded();
    const month = YESTERDAY.slice(0, 7);
    if (month !== TODAY.slice(0, 7)) {
      await page.fill('#sms-month', month);
      await page.getByRole('button', { name: 'Tampilkan' }).click();
      await loaded();
    }
    const to = month === TODAY.slice(0, 7) ? TODAY : YESTERDAY;
    const s = (await api('GET', `/reminders/stats?from=${month}-01&to=${to}`, token.admin)).body;
    const optedOut = s.skipped.optedOut + s.held.optedOut;
    expect(optedOut).toBeGreaterThanOrEqual(1);
    expect(s.delivered).toBeGreaterThan(0);
    const funnel: [string, number][] = [
      ['Jatuh tempo', s.due],
      ['Diantrekan', s.queued],
      ['Terkirim', s.sent],
      ['Diterima', s.delivered],
      ['Gagal', s.failed],
      ['Berhenti berlangganan', optedOut],
    ];
    await expect
      .poll(() => page.locator('#sms-fig figcaption').textContent())
      .toBe(`Alur pengingat SMS, ${fmtMonth(month)}`);
    expect(await tableRows('#sms-fig table.data')).toEqual(
      funnel.map(([label, n]) => [label, num(n), pct(n, s.due)]),
    );
    expect((await chartOf('sms-fig'))!.data[1]).toEqual(funnel.map(([, n]) => n));
    const usd = new Intl.NumberFormat('id-ID', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
    expect(await page.locator('#sms .stat').first().textContent()).toContain(
      `US$ ${usd.format(s.estimatedCostUsd)}`,
    );
    // The spend against the month's budget (SMS_MONTHLY_BUDGET_USD, which the API gives).
    expect(s.budgetUsd).toBeGreaterThan(0);
    expect(await page.locator('#sms .stat').nth(1).textContent()).toContain(`US$ ${usd.format(s.budgetUsd)}`);
    const csv = await downloadCsv(`Unduh CSV: Alur pengingat SMS, ${fmtMonth(month)}`);
    expect(csv.rows).toEqual([['tahap', 'jumlah'], ...funnel.map(([label, n]) => [label, String(n)])]);
    await openDetails();
    expect(await axeViolations(page)).toEqual([]);
    await shot('console-admin-pengingat');
    await fitsDesk('console-admin-pengingat-1024');

    // Half a year back nothing was sent: said plainly, no empty chart.
    const quiet = addMonths(TODAY.slice(0, 7), -6);
    await page.fill('#sms-month', quiet);
    await page.getByRole('button', { name: 'Tampilkan' }).click();
    await expect
      .poll(() => page.locator('#sms').textContent())
      .toContain(`Belum ada data ${fmtMonth(quiet)}.`);
    expect(await page.locator('#sms-fig').count()).toBe(0);
    expect(await axeViolations(page)).toEqual([]);
  });
});

describe.skipIf(!HAS_CHROMIUM)("the puskesmas desk's home visits in Chromium", { timeout: 60_000 }, () => {
  afterEach(() => {
    expect(pageErrors).toEqual([]);
  });

  /** POSTs the page made to a path ending so, with their Idempotency-Keys. */
  function posts(suffix: RegExp): { keys: string[] } {
    const seen = { keys: [] as string[] };
    page.on('request', (req) => {
      if (req.method() === 'POST' && suffix.test(new URL(req.url()).pathname)) {
        seen.keys.push(req.headers()['idempotency-key'] ?? '');
      }
    });
    return seen;
  }

  it("lists its puskesmas's requests oldest first, with the days waited, as GET /homecare/requests does", async () => {
    await openPage('#/kunjungan', 'Kunjungan rumah', 'clinic', `&puskesmas=${PKM.code}`);
    await page.locator('#hc-list').waitFor();
    const listed: Json[] = (await api('GET', '/homecare/requests', token.clinic)).body.items;
    expect(listed.map((r) => r.id)).toEqual(requested.map((r) => r.id));
    const rows = await tableRows('#hc-list');
    expect(await page.locator('#hc-list tbody a').allTextContents()).toEqual(requested.map((r) => r.name));
    expect(rows.map((r) => r[0])).toEqual(listed.map((r) => `${r.daysWaited} hari belum dikunjungi`));
    expect(rows.map((r) => r[4])).toEqual(listed.map(() => 'Menunggu jadwal'));
    const requestedAt = listed.map((r) => r.requestedAt);
    expect([...requestedAt].sort()).toEqual(requestedAt);
    // The puskesmas by the name the city gave it, the kelurahan by its idn-area-data name.
    await expect.poll(() => page.locator('main').textContent()).toContain(PKM.name);
    const kelName = (await api('GET', '/regions', token.clinic)).body.kecamatan
      .flatMap((k: Json) => k.kelurahan)
      .find((k: Json) => k.code === RT_A.kelurahan).name;
    expect(rows[0]![1]).toContain(`RT ${RT_A.rt.slice(15)} / RW ${RT_A.rt.slice(11, 14)}, Kel. ${kelName}`);
    expect(await axeViolations(page)).toEqual([]);
    await shot('console-clinic-daftar');
    await fitsDesk('console-clinic-daftar-1024');
  });

  it('schedules a visit from the keyboard: the field errors first, then one POST with one Idempotency-Key', async () => {
    const first = requested[0]!;
    const sent = posts(/\/visits$/);
    await page.locator('#hc-list a', { hasText: first.name }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Kunjungan rumah: ${first.name}`, level: 1 }).waitFor();
    // The clinical note is for the desk.
    expect(await page.locator('dl.facts').textContent()).toContain('perlu kontrol tekanan darah');
    expect(await axeViolations(page)).toEqual([]);
    await shot('console-clinic-permintaan');

    // Nothing typed yet: the errors beside their fields, the focus on the first, nothing sent.
    await page.focus('#visit-submit');
    await page.keyboard.press('Enter');
    await expect.poll(() => page.textContent('#visit-date-err')).toBe('Isi tanggal kunjungan.');
    expect(await page.textContent('#visit-team-err')).toBe('Tulis nama minimal satu petugas.');
    expect(await page.getAttribute('#visit-date', 'aria-invalid')).toBe('true');
    expect(await page.evaluate(() => document.activeElement.id)).toBe('visit-date');
    expect(sent.keys).toEqual([]);

    await page.fill('#visit-date', TODAY);
    await page.focus('#visit-team');
    await page.keyboard.type('Bidan Sari, Perawat Yusuf');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.textContent('#notice'))
      .toContain(`Kunjungan ${first.name} dijadwalkan ${fmtDayLong(TODAY)}.`);
    await page.getByRole('heading', { name: `Hasil kunjungan ${fmtDayLong(TODAY)}` }).waitFor();
    expect(sent.keys).toHaveLength(1);
    expect(sent.keys[0]).toMatch(/^[0-9a-f-]{36}$/);
    const after = (await api('GET', `/homecare/requests/${first.id}`, token.clinic)).body;
    expect(after.status).toBe('SCHEDULED');
    expect(after.visits.map((v: Json) => [v.date, v.team, v.status])).toEqual([
      [TODAY, ['Bidan Sari', 'Perawat Yusuf'], 'SCHEDULED'],
    ]);
    expect(await tableRows('#hc-visits')).toEqual([
      [fmtDayLong(TODAY), 'Bidan Sari, Perawat Yusuf', 'Terjadwal', '—'],
    ]);
    expect(await axeViolations(page)).toEqual([]);
    await shot('console-clinic-terjadwal');
  });

  it("records the visit's outcome from the keyboard: done, with the next month's visit planned at once", async () => {
    const first = requested[0]!;
    const sent = posts(/\/outcome$/);
    const next = addDays(TODAY, 28);
    await page.focus('#outcome-yes');
    await page.keyboard.press('Space');
    await page.keyboard.press('Tab');
    expect(await page.evaluate(() => document.activeElement.id)).toBe('outcome-note');
    await page.keyboard.type('Tekanan darah 150/90, obat diminum teratur');
    await page.fill('#outcome-next', next);
    await page.focus('#outcome-submit');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.textContent('#notice'))
      .toContain(`${first.name}: kunjungan dicatat sudah dilakukan.`);
    expect(await page.textContent('#notice')).toContain(`Kunjungan berikutnya ${fmtDayLong(next)}.`);
    await page.getByRole('heading', { name: `Hasil kunjungan ${fmtDayLong(next)}` }).waitFor();
    expect(sent.keys).toHaveLength(1);
    const after = (await api('GET', `/homecare/requests/${first.id}`, token.clinic)).body;
    expect(after).toMatchObject({ status: 'SCHEDULED', visitsDone: 1, nextVisit: { date: next } });
    expect(after.visits.map((v: Json) => v.status)).toEqual(['DONE', 'SCHEDULED']);
    expect(await tableRows('#hc-visits')).toEqual([
      [
        fmtDayLong(TODAY),
        'Bidan Sari, Perawat Yusuf',
        'Sudah dilakukan',
        'Tekanan darah 150/90, obat diminum teratur',
      ],
      [fmtDayLong(next), 'Bidan Sari, Perawat Yusuf', 'Terjadwal', '—'],
    ]);
    // Back on the list, the request has been visited: waited no longer counts on.
    await page.getByRole('link', { name: '← Kembali ke daftar kunjungan rumah' }).click();
    await page.locator('#hc-list').waitFor();
    const row = (await tableRows('#hc-list')).find((r) => r[1]!.startsWith(first.name))!;
    expect(row[4]).toBe(`TerjadwalKunjungan: ${fmtDayLong(next)}`);
    expect(row[0]).toBe(`${after.daysWaited} hari`);
  });

  it('a lost answer: sent again with the same Idempotency-Key, the visit is scheduled once', async () => {
    const second = requested[1]!;
    const sent = posts(/\/visits$/);
    await page.goto(`${sys.url}/console/#/kunjungan/${second.id}`);
    await page.getByRole('heading', { name: `Kunjungan rumah: ${second.name}`, level: 1 }).waitFor();
    // The server does it, the answer never reaches the desk.
    await page.route(
      '**/homecare/requests/*/visits',
      async (route) => {
        await route.fetch();
        await route.abort('connectionreset');
      },
      { times: 1 },
    );
    const day = addDays(TODAY, 3);
    await page.fill('#visit-date', day);
    await page.fill('#visit-team', 'Bidan Sari');
    await page.focus('#visit-team');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.locator('#hc-schedule .form-err').textContent())
      .toContain('Tidak ada koneksi');
    await page.keyboard.press('Enter');
    await expect
      .poll(() => page.textContent('#notice'))
      .toContain(`Kunjungan ${second.name} dijadwalkan ${fmtDayLong(day)}.`);
    expect(sent.keys).toHaveLength(2);
    expect(sent.keys[1]).toBe(sent.keys[0]);
    const after = (await api('GET', `/homecare/requests/${second.id}`, token.clinic)).body;
    expect(after.visits).toHaveLength(1);
    expect(after.status).toBe('SCHEDULED');
  });
});
