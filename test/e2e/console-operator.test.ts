// The 112 operator's pages of the staff console (/console/, functions/web/console/operator.js) in a real Chromium
// at 1280×800 in id-ID on WIB, against the whole local system with its seeded demo units: a call taken from the
// keyboard alone (typing and Enter) with its triage and one Idempotency-Key, a repeat caller flagged before and
// after sending, the incident board following other clients' changes without a reload, dispatch, a status move and
// cancellation from the board with a 409 said plainly, the unit board, and the map (points on the plain background)
// with its table; axe-core on each page and no sideways scroll at 1280 and 1024 px.
// Screenshots: test/artifacts/console-operator-*.png.
import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoUnits } from '../../infra/local/demo-data.ts';
import { demoUnitsCentre } from '../../infra/local/seed.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { dispatchesAutomatically, KIND_FOR, triage } from '../../shared/incident/rules.ts';
import type { IncidentType, Priority } from '../../shared/incident/schemas.ts';
import { ROUTES, routeKey } from '../../shared/platform/routes.ts';
import { ARTIFACTS, axeViolations, CHROMIUM, HAS_CHROMIUM, warnIfNoChromium } from '../support/browser.ts';
import { httpClient, type Json } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

warnIfNoChromium('console-operator');

// The page's globals, used only inside page.evaluate() callbacks (the project compiles without the DOM lib).
declare const document: Json;
declare const scrollTo: (x: number, y: number) => void;
declare const Image: Json;

/** Whether the lead has added the triage preview's route (POST /incidents/triage) to the route table. */
const PREVIEW_ROUTED = ROUTES.some((r) => routeKey(r) === 'POST /incidents/triage');
/** A change made by another client shows on the board within this (the board polls every second). */
const VISIBLE_WITHIN_MS = 2000;

let sys: LocalSystem;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];
const call = httpClient(() => sys.url);
let operator = '';

let phoneSeq = 7000;
const newPhone = () => `0812 3456 ${String(phoneSeq++).padStart(4, '0')}`;
const national = (p: string) => `+62${p.replace(/\D/g, '').slice(1)}`;

function report(body: Record<string, unknown>) {
  return call('POST', '/incidents', {
    as: operator,
    json: body,
    headers: { 'idempotency-key': randomUUID() },
  });
}

/** A full-page screenshot from the top. */
async function shot(name: string): Promise<void> {
  await page.evaluate(() => scrollTo(0, 0));
  await page.screenshot({ path: `${ARTIFACTS}console-operator-${name}.png`, fullPage: true });
}

/** No sideways scroll at the desk's 1280 px nor at 1024 px; back to 1280×800 after. */
async function fitsWidths(): Promise<void> {
  for (const width of [1280, 1024]) {
    await page.setViewportSize({ width, height: 800 });
    await page.waitForTimeout(50);
    const scroll = await page.evaluate(() => document.documentElement.scrollWidth);
    expect(scroll, `scroll width at ${width} px`).toBeLessThanOrEqual(width);
  }
  await page.setViewportSize({ width: 1280, height: 800 });
}

/** The board's row of an incident. */
const row = (id: string) => page.locator(`#board-rows tr[data-id="${id}"]`);

/** Waits until `check` holds in the page, failing after `ms`; resolves with the milliseconds it took. */
async function within(ms: number, check: () => Promise<boolean>): Promise<number> {
  const started = Date.now();
  await expect.poll(check, { timeout: ms, interval: 50 }).toBe(true);
  return Date.now() - started;
}

beforeAll(async () => {
  if (!HAS_CHROMIUM) return;
  const dynamoEndpoint = await useFreshTables();
  // Timers by hand: no acknowledgement window closes (and moves a unit) while a case runs.
  sys = await startLocalSystem({ port: 0, dynamoEndpoint, seed: true, quiet: true, timers: 'manual' });
  operator = (await call('POST', '/auth/dev-token', { json: { role: 'operator' } })).body.token;
  mkdirSync(ARTIFACTS, { recursive: true });
  // One browser, one page for the whole file: the machine is shared.
  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  const context = await browser.newContext({
    viewport: { width: 1280, height: 800 },
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
  });
  context.setDefaultTimeout(10_000);
  page = await context.newPage();
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    // The preview's 405 before its route exists is expected, and WebGL's driver notes are not errors of ours.
    if (m.type() === 'error' && !/Failed to load resource/.test(m.text())) pageErrors.push(m.text());
  });
});

afterAll(async () => {
  await browser?.close();
  await sys?.stop();
});

describe.skipIf(!HAS_CHROMIUM)("the 112 operator's console pages in Chromium", { timeout: 60_000 }, () => {
  it('takes a call from the keyboard alone: Enter through the fields, triage, one Idempotency-Key, sent at the end', async () => {
    const posts: { key: string | undefined }[] = [];
    page.on('request', (req) => {
      if (req.method() === 'POST' && new URL(req.url()).pathname === '/incidents') {
        posts.push({ key: req.headers()['idempotency-key'] });
      }
    });
    await page.goto(`${sys.url}/console/?as=operator`);
    await page.getByRole('heading', { name: 'Panggilan baru', level: 1 }).waitFor();
    expect(new URL(page.url()).hash).toBe('#/panggilan');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('c-phone');
    if (!PREVIEW_ROUTED) {
      // Without the preview's route the page says the server triages on sending.
      await expect.poll(() => page.textContent('#c-triage')).toContain('Triase dihitung server');
      // From here the route is answered as the handler would (the same rules), to show the preview working.
      await page.route('**/incidents/triage', async (route) => {
        const b = route.request().postDataJSON() as {
          type: IncidentType;
          description?: string;
          priority?: Priority;
        };
        const t = triage(b.type, b.description ?? '', b.priority);
        await route.fulfill({
          status: 200,
          contentType: 'application/json',
          body: JSON.stringify({
            priority: t.priority,
            rule: t.rule,
            kind: KIND_FOR[b.type],
            dispatchedAtOnce: dispatchesAutomatically(t.priority),
          }),
        });
      });
      await page.reload();
      await page.getByRole('heading', { name: 'Panggilan baru', level: 1 }).waitFor();
    }
    const phone = newPhone();
    const kb = page.keyboard;
    await kb.type(phone);
    await kb.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('c-type');
    await kb.press('Enter'); // Medis, the first type
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('c-desc');
    await kb.type('Bapak tua jatuh di teras');
    await expect.poll(() => page.getAttribute('#c-triage', 'data-priority')).toBe('P2');
    expect(await page.textContent('#c-triage')).toContain('Ambulans');
    await kb.type(', sekarang pingsan');
    // The preview follows the typing: unconscious is P1.
    await expect.poll(() => page.getAttribute('#c-triage', 'data-priority')).toBe('P1');
    expect(await page.textContent('#c-triage')).toContain('korban tidak sadar');
    await kb.press('Enter');
    await kb.type('Jl. Sultan Agung 5');
    await kb.press('Enter');
    await kb.type('-1.6101, 103.6102');
    await kb.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('c-nik');
    await kb.press('Enter');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('c-priority');
    expect(posts).toHaveLength(0);
    await kb.press('Enter'); // the last field: sends
    const number = page.locator('#c-result-number');
    await number.waitFor();
    expect(await number.textContent()).toMatch(/^112-\d{4}-\d{6}$/);
    expect(await page.textContent('#c-result')).toContain('Unit dikirim: Ambulans');
    expect(posts).toHaveLength(1);
    expect(posts[0]!.key).toMatch(/^[0-9a-f-]{32,36}$/);
    // Ready for the next call.
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('c-phone');
    expect(await page.inputValue('#c-desc')).toBe('');

    const shown = await number.textContent();
    const open = (await call('GET', '/incidents?status=open', { as: operator })).body.items as Json[];
    const made = open.find((i) => i.number === shown)!;
    expect(made).toMatchObject({
      callerPhone: national(phone),
      type: 'MEDICAL',
      priority: 'P1',
      triage: 'UNCONSCIOUS',
      status: 'DISPATCHED',
      description: 'Bapak tua jatuh di teras, sekarang pingsan',
      location: { lat: -1.6101, lon: 103.6102, address: 'Jl. Sultan Agung 5' },
    });

    // The same caller again: flagged as soon as the number is entered, then linked, not dispatched twice.
    await kb.type(phone);
    await kb.press('Enter');
    await expect.poll(() => page.textContent('#c-repeat')).toContain('Penelepon berulang');
    expect(await page.textContent('#c-repeat')).toContain(made.number);
    await kb.press('Enter');
    await kb.type('Masih belum sadar');
    await kb.press('Enter');
    await kb.press('Enter');
    await kb.type('-1.6102 103.6101');
    await expect.poll(() => page.textContent('#c-repeat')).toContain('akan digabung');
    await shot('panggilan');
    await kb.press('Control+Enter');
    await expect.poll(() => page.textContent('#c-result')).toContain('digabung ke insiden');
    await shot('panggilan-digabung');
    expect(await number.textContent()).toBe(made.number);
    expect(posts).toHaveLength(2);
    expect(posts[1]!.key).not.toBe(posts[0]!.key);
    const detail = await call('GET', `/incidents/${made.id}`, { as: operator });
    expect(detail.body.reports).toBe(2);
    expect(detail.body.assignments).toHaveLength(1);

    // A field that cannot be sent is said beside it, with the focus on it, and nothing is sent.
    await kb.type('12');
    await page.keyboard.press('Control+Enter');
    await expect.poll(() => page.textContent('#c-phone-err')).toContain('Nomor tidak dikenali');
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('c-phone');
    expect(posts).toHaveLength(2);
    await page.fill('#c-phone', '');

    expect(await axeViolations(page)).toEqual([]);
    await fitsWidths();
    expect(pageErrors).toEqual([]);
  });

  it('the board follows other clients within 2 s without a reload: a new incident, a dispatch, a cancellation', async () => {
    await page.goto(`${sys.url}/console/#/papan`);
    await page.getByRole('heading', { name: 'Papan insiden', level: 1 }).waitFor();
    const navigations: string[] = [];
    page.on('framenavigated', (f) => navigations.push(f.url()));
    // The call of the first case, with its ambulance waiting for an answer and its alerts' delivery.
    const first = page.locator('#board-rows tr').first();
    await first.waitFor();
    expect(await first.getAttribute('data-status')).toBe('DISPATCHED');
    await expect.poll(() => first.locator('[data-assignment="DISPATCHED"]').count()).toBe(1);
    expect(await first.locator('[data-due]').textContent()).toMatch(/^\d:\d\d lagi$/);
    await expect.poll(() => first.locator('[data-alert="SENT"]').count()).toBeGreaterThanOrEqual(2);
    expect(await first.textContent()).toContain('terkirim');

    // Another operator's report (P3: nobody is sent) appears.
    const other = await report({
      callerPhone: newPhone(),
      type: 'OTHER',
      description: 'Pohon tumbang menutup jalan',
      location: { lat: -1.62, lon: 103.6, address: 'Jl. Kapten Pattimura' },
    });
    expect(other.status, other.text).toBe(201);
    const tookNew = await within(VISIBLE_WITHIN_MS, async () => (await row(other.body.id).count()) === 1);
    expect(await row(other.body.id).getAttribute('data-status')).toBe('RECEIVED');
    // Another client sends it a unit.
    const sent = await call('POST', `/incidents/${other.body.id}/dispatch`, { as: operator, json: {} });
    expect(sent.status, sent.text).toBe(201);
    const tookDispatch = await within(
      VISIBLE_WITHIN_MS,
      async () => (await row(other.body.id).getAttribute('data-status')) === 'DISPATCHED',
    );
    await expect.poll(() => row(other.body.id).textContent()).toContain(sent.body.assignment.unitName);
    // And cancels it: the row goes.
    const cancelled = await call('POST', `/incidents/${other.body.id}/status`, {
      as: operator,
      json: { status: 'CANCELLED', note: 'Ditangani dinas lain' },
    });
    expect(cancelled.status, cancelled.text).toBe(200);
    const tookCancel = await within(VISIBLE_WITHIN_MS, async () => (await row(other.body.id).count()) === 0);
    console.log(
      `board: new ${tookNew} ms, dispatch ${tookDispatch} ms, cancel ${tookCancel} ms after the API answered`,
    );
    expect(navigations).toEqual([]);
    expect(pageErrors).toEqual([]);
  });

  it('dispatches, moves the status and cancels from the board; a 409 is said plainly', async () => {
    const made = await report({
      callerPhone: newPhone(),
      type: 'OTHER',
      description: 'Warga terjebak di sumur kering',
      location: { lat: -1.6, lon: 103.62 },
    });
    expect(made.status, made.text).toBe(201);
    const r = row(made.body.id);
    await r.waitFor();
    // Dispatch from the board: the nearest rescue unit (the type's kind).
    await r.getByRole('button', { name: `Kirim unit ke ${made.body.number}` }).click();
    await expect.poll(() => page.textContent('#notice')).toMatch(/^Unit .+ \(SAR-0\d\) dikirim ke/);
    await expect.poll(() => r.getAttribute('data-status')).toBe('DISPATCHED');
    const detail = (await call('GET', `/incidents/${made.body.id}`, { as: operator })).body;
    const unit = detail.assignments[0].unitId as string;
    expect(unit).toMatch(/^SAR-0\d$/);
    await expect.poll(() => r.locator(`[data-unit="${unit}"]`).count()).toBe(1);

    // Its crew takes the alert up; the operator moves it on from the board.
    const crew = (await call('POST', '/auth/dev-token', { json: { role: 'responder', unit } })).body.token;
    expect((await call('POST', `/incidents/${made.body.id}/ack`, { as: crew })).status).toBe(200);
    const onTheWay = r.getByRole('button', { name: `${made.body.number}: Dalam perjalanan` });
    await onTheWay.waitFor();
    await onTheWay.click();
    await expect.poll(() => r.getAttribute('data-status')).toBe('EN_ROUTE');

    // No police left: both demo police units are sent elsewhere, then the board asks for one.
    for (const n of [1, 2]) {
      const crime = await report({
        callerPhone: newPhone(),
        type: 'CRIME',
        description: `Pencurian motor ${n}`,
        location: { lat: -1.64, lon: 103.61 },
      });
      expect(crime.body.dispatched?.unitId, crime.text).toMatch(/^POL-0\d$/);
    }
    await r.getByLabel(`Jenis unit untuk ${made.body.number}`).selectOption('POLICE');
    await r.getByRole('button', { name: `Kirim unit ke ${made.body.number}` }).click();
    await expect
      .poll(() => page.textContent('#notice'))
      .toBe(`Kirim unit ke ${made.body.number}: tidak ada unit Polisi yang siaga sekarang.`);
    expect(await page.getAttribute('#notice', 'class')).toContain('error');

    // Cancel from the board: the dialog asks why; Enter confirms; the row goes.
    await r.getByRole('button', { name: `Batalkan ${made.body.number}` }).click();
    const dialog = page.getByRole('dialog', { name: `Batalkan insiden ${made.body.number}?` });
    await dialog.waitFor();
    expect(await page.evaluate(() => document.activeElement?.id)).toBe('cancel-reason');
    expect(await axeViolations(page)).toEqual([]);
    await page.keyboard.type('Warga sudah berhasil dikeluarkan');
    await page.keyboard.press('Enter');
    await expect.poll(() => r.count()).toBe(0);
    const closed = (await call('GET', `/incidents/${made.body.id}`, { as: operator })).body;
    expect(closed.status).toBe('CANCELLED');
    expect(closed.timeline).toContainEqual(
      expect.objectContaining({ status: 'CANCELLED', note: 'Warga sudah berhasil dikeluarkan' }),
    );

    expect(await axeViolations(page)).toEqual([]);
    await fitsWidths();
    await shot('papan');
    expect(pageErrors).toEqual([]);
  });

  it('lists every demo unit on the unit board and in the map table, and draws the points on a plain background', async () => {
    const units = demoUnits(demoUnitsCentre()!);
    await page.goto(`${sys.url}/console/#/unit`);
    await page.getByRole('heading', { name: 'Unit', level: 1 }).waitFor();
    const board = page.locator('#unit-table tbody tr');
    await expect.poll(() => board.count()).toBe(units.length);
    const boardText = await page.textContent('#unit-table');
    const mapText = await page.textContent('#points-table');
    for (const u of units) {
      expect(boardText).toContain(u.id);
      expect(boardText).toContain(u.name);
      expect(mapText).toContain(`${u.name} (${u.id})`);
    }
    // A busy unit names its incident on the board.
    const open = (await call('GET', '/incidents?status=open', { as: operator })).body.items as Json[];
    const busy = page.locator('#unit-table tbody tr', { hasText: 'Bertugas' });
    expect(await busy.count()).toBeGreaterThan(0);
    expect(open.map((i) => i.number)).toContain(
      (await busy.first().locator('td').nth(4).textContent())?.trim(),
    );
    // The map: MapLibre's canvas, every unit and open incident as a point, drawn (not just the background).
    await page.locator('#map canvas.maplibregl-canvas').waitFor();
    await expect
      .poll(() => page.getAttribute('#map', 'data-points'))
      .toBe(String(units.length + open.length));
    for (const i of open) expect(mapText).toContain(i.number);
    expect(await page.textContent('#map-note')).toContain('latar polos');
    await expect.poll(() => page.getAttribute('#map', 'data-center')).not.toBeNull();
    await expect.poll(() => page.getAttribute('#map', 'data-drawn')).toBe(String(units.length + open.length));
    // An available unit's green, on the plain background's grey.
    await expect.poll(() => drawnPixels('#0b6e4f')).toBeGreaterThan(20);

    // A manual pan locks the view: a new incident far off does not move it; the button gives the fit back.
    const box = (await page.locator('#map').boundingBox())!;
    await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
    await page.mouse.down();
    await page.mouse.move(box.x + box.width / 2 - 120, box.y + box.height / 2 + 60, { steps: 6 });
    await page.mouse.up();
    await expect.poll(() => page.getAttribute('#map', 'data-locked')).toBe('true');
    // The pan's inertia settles first.
    await expect
      .poll(async () => {
        const before = await page.getAttribute('#map', 'data-center');
        await page.waitForTimeout(400);
        return before === (await page.getAttribute('#map', 'data-center'));
      })
      .toBe(true);
    const panned = await page.getAttribute('#map', 'data-center');
    const far = await report({
      callerPhone: newPhone(),
      type: 'OTHER',
      description: 'Perahu terbalik di sungai',
      location: { lat: -1.55, lon: 103.7 },
    });
    expect(far.status).toBe(201);
    await expect
      .poll(() => page.getAttribute('#map', 'data-points'), { timeout: 5000 })
      .toBe(String(units.length + open.length + 1));
    expect(await page.getAttribute('#map', 'data-center')).toBe(panned);
    await page.getByRole('button', { name: 'Tampilkan semua titik lagi' }).click();
    await expect.poll(() => page.getAttribute('#map', 'data-center')).not.toBe(panned);
    expect(await page.getAttribute('#map', 'data-locked')).toBeNull();

    expect(await axeViolations(page)).toEqual([]);
    await fitsWidths();
    await shot('unit');
    expect(pageErrors).toEqual([]);
  });
});

/** How many pixels of the map (as the screen shows it) have the colour, give or take antialiasing. */
async function drawnPixels(hex: string): Promise<number> {
  const png = (await page.locator('#map').screenshot()).toString('base64');
  const [r = 0, g = 0, b = 0] = [1, 3, 5].map((i) => Number.parseInt(hex.slice(i, i + 2), 16));
  return page.evaluate(
    async ({ png, r, g, b }) => {
      const img = new Image();
      img.src = `data:image/png;base64,${png}`;
      await img.decode();
      const canvas = document.createElement('canvas');
      canvas.width = img.width;
      canvas.height = img.height;
      const ctx = canvas.getContext('2d');
      ctx.drawImage(img, 0, 0);
      const data = ctx.getImageData(0, 0, img.width, img.height).data;
      let n = 0;
      for (let i = 0; i < data.length; i += 4) {
        if (Math.abs(data[i] - r) < 12 && Math.abs(data[i + 1] - g) < 12 && Math.abs(data[i + 2] - b) < 12)
          n++;
      }
      return n;
    },
    { png, r, g, b },
  );
}
