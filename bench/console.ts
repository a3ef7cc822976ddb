// Section "console": how soon the operator's incident board (/console/#/papan) shows a change another client made,
// in a real Chromium against the whole local system. Each round changes one incident through the API three ways —
// reported (a row appears), a unit dispatched (its status), cancelled (the row goes) — at a random moment of the
// board's one-second poll, and times each from the request to the board's DOM showing it (a MutationObserver in the
// page, so no sampling adds to it). Target: p95 within 2 s. Skipped without Chromium (apt-get install chromium).
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';
import { demoKelurahan } from '#infra/local/demo-data.ts';
import type { LocalSystem } from '#infra/local/system.ts';
import { passFail, percentile, printTable, round } from './stats.ts';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const TARGET_P95_MS = 2000;
/** The board's own poll (functions/web/console/operator.js), for the report. */
const BOARD_POLL_MS = 1000;
const UNIT = 'BENCH-CONSOLE-SAR';

type Change = 'appears' | 'dispatched' | 'cancelled';

export interface ConsoleSection {
  changes: number;
  boardPollMs: number;
  /** Request sent → the board shows it, every change. */
  medianMs: number;
  p95Ms: number;
  maxMs: number;
  /** The API's own part (request → reply), for comparison. */
  apiMedianMs: number;
  byChange: Record<Change, { n: number; medianMs: number; p95Ms: number }>;
  targetP95Ms: number;
  pass: boolean;
}

async function token(url: string, body: object): Promise<string> {
  const res = await fetch(new URL('/auth/dev-token', url), { method: 'POST', body: JSON.stringify(body) });
  return ((await res.json()) as { token: string }).token;
}

export async function benchConsole(o: {
  system: LocalSystem;
  changes: number;
}): Promise<ConsoleSection | undefined> {
  if (!existsSync(CHROMIUM)) {
    console.log(`\nConsole board: SKIPPED — ${CHROMIUM} is missing (apt-get install -y chromium)`);
    return undefined;
  }
  const { url } = o.system;
  const operator = await token(url, { role: 'operator', sub: 'bench-console' });
  const admin = await token(url, { role: 'city_admin', sub: 'bench-console-admin' });
  const call = async (method: string, path: string, as: string, body?: object, key?: string) => {
    const t0 = performance.now();
    const res = await fetch(new URL(path, url), {
      method,
      headers: {
        authorization: `Bearer ${as}`,
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(key ? { 'idempotency-key': key } : {}),
      },
      ...(body ? { body: JSON.stringify(body) } : {}),
    });
    const json = (await res.json().catch(() => undefined)) as Record<string, unknown> | undefined;
    if (res.status >= 300) throw new Error(`${method} ${path}: HTTP ${res.status} ${JSON.stringify(json)}`);
    return { json: json ?? {}, t0, ms: performance.now() - t0 };
  };
  // A unit of its own, so every round can dispatch whatever else the city's units are doing.
  const centre = { lat: -1.61, lon: 103.61 };
  await call('POST', '/units', admin, {
    id: UNIT,
    name: 'Bench console rescue',
    kind: 'RESCUE',
    phone: '+6281190000999',
    location: centre,
    kelurahan: demoKelurahan()[0]!.code,
  });
  await call('PUT', `/units/${UNIT}/status`, operator, { status: 'AVAILABLE' });

  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--no-first-run',
    ],
  });
  try {
    const context = await browser.newContext({
      viewport: { width: 1280, height: 800 },
      locale: 'id-ID',
      timezoneId: 'Asia/Jakarta',
    });
    const page = await context.newPage();
    await page.goto(`${url}/console/?as=operator#/papan`);
    await page.waitForSelector('#board-updated:not(:empty)');
    // The page stamps, on its own clock, when the board first shows each awaited state. Plain script text: the
    // bench runs under tsx, whose helpers would not exist in the page.
    await page.evaluate(`(() => {
      const seen = {};
      const want = {};
      const row = (id) => document.querySelector('#board-rows tr[data-id="' + id + '"]');
      const check = () => {
        for (const [k, test] of Object.entries(want)) {
          if (test()) {
            seen[k] = performance.timeOrigin + performance.now();
            delete want[k];
          }
        }
      };
      new MutationObserver(check).observe(document.body, {
        subtree: true, childList: true, attributes: true, attributeFilter: ['data-status'],
      });
      globalThis.boardSeen = seen;
      globalThis.boardWatch = (key, what) => {
        want[key] = what.tag
          ? () => [...document.querySelectorAll('#board-rows tr')].some((tr) => tr.textContent.includes(what.tag))
          : what.status
            ? () => row(what.id)?.dataset.status === what.status
            : () => !row(what.gone);
      };
    })()`);
    /**
     * Starts watching, before the change is made, for the board to show it: a row whose text has `tag` (a new
     * incident, whose id only the reply tells), a row's status, or a row gone. Resolves with the wall-clock time.
     */
    const watch = async (
      key: string,
      what: { tag: string } | { id: string; status: string } | { gone: string },
    ) => {
      await page.evaluate(
        // biome-ignore lint/suspicious/noExplicitAny: the page's function, defined above.
        (args) => (globalThis as any).boardWatch(args[0], args[1]),
        [key, what] as const,
      );
      return async (timeoutMs = 10_000): Promise<number> => {
        const handle = await page.waitForFunction(
          // biome-ignore lint/suspicious/noExplicitAny: the page's record, defined above.
          (k) => (globalThis as any).boardSeen[k],
          key,
          { timeout: timeoutMs, polling: 50 },
        );
        return (await handle.jsonValue()) as number;
      };
    };
    // Node's clock and the page's are both the wall clock: a change's start is stamped the same way.
    const wall = () => performance.timeOrigin + performance.now();

    const took: Record<Change, number[]> = { appears: [], dispatched: [], cancelled: [] };
    const api: number[] = [];
    const rounds = Math.max(1, Math.ceil(o.changes / 3));
    for (let r = 0; r < rounds; r++) {
      // A random moment of the poll's cycle, as changes come in life.
      const jitter = () => new Promise((res) => setTimeout(res, 150 + Math.random() * BOARD_POLL_MS));
      await jitter();
      // Reported: a row with this round's own words appears.
      const tag = `Bench console ${r} ${randomUUID().slice(0, 8)}`;
      const appeared = await watch(`a-${r}`, { tag });
      const t0 = wall();
      const made = await call(
        'POST',
        '/incidents',
        operator,
        {
          callerPhone: `+6281190${String(100_000 + r).slice(1)}`,
          type: 'OTHER',
          description: tag,
          location: { lat: centre.lat + (r % 10) * 0.001, lon: centre.lon, address: `Jl. Bench ${r}` },
        },
        randomUUID(),
      );
      took.appears.push((await appeared()) - t0);
      api.push(made.ms);
      const id = String(made.json.id);

      await jitter();
      const dispatched = await watch(`d-${r}`, { id, status: 'DISPATCHED' });
      const t1 = wall();
      const sent = await call('POST', `/incidents/${id}/dispatch`, operator, { unitId: UNIT });
      took.dispatched.push((await dispatched()) - t1);
      api.push(sent.ms);

      await jitter();
      const gone = await watch(`c-${r}`, { gone: id });
      const t2 = wall();
      const cancelled = await call('POST', `/incidents/${id}/status`, operator, {
        status: 'CANCELLED',
        note: 'bench',
      });
      took.cancelled.push((await gone()) - t2);
      api.push(cancelled.ms);
    }
    const all = [...took.appears, ...took.dispatched, ...took.cancelled];
    const stat = (xs: number[]) => ({
      n: xs.length,
      medianMs: round(percentile(xs, 50), 0),
      p95Ms: round(percentile(xs, 95), 0),
    });
    const p95 = round(percentile(all, 95), 0);
    return {
      changes: all.length,
      boardPollMs: BOARD_POLL_MS,
      medianMs: round(percentile(all, 50), 0),
      p95Ms: p95,
      maxMs: round(Math.max(...all), 0),
      apiMedianMs: round(percentile(api, 50), 1),
      byChange: {
        appears: stat(took.appears),
        dispatched: stat(took.dispatched),
        cancelled: stat(took.cancelled),
      },
      targetP95Ms: TARGET_P95_MS,
      pass: p95 <= TARGET_P95_MS,
    };
  } finally {
    await browser.close();
  }
}

export function printConsole(s: ConsoleSection): void {
  printTable(
    `Incident board (/console/#/papan) in Chromium: ${s.changes} changes by another client, request → visible (board polls every ${s.boardPollMs} ms; target p95 ≤ ${s.targetP95Ms} ms)`,
    ['change', 'n', 'median ms', 'p95 ms', 'result'],
    [
      ...(['appears', 'dispatched', 'cancelled'] as const).map((c) => [
        {
          appears: 'reported (row appears)',
          dispatched: 'unit dispatched (status)',
          cancelled: 'cancelled (row goes)',
        }[c],
        String(s.byChange[c].n),
        String(s.byChange[c].medianMs),
        String(s.byChange[c].p95Ms),
        'info',
      ]),
      ['every change', String(s.changes), String(s.medianMs), String(s.p95Ms), passFail(s.pass)],
    ],
  );
  console.log(`  slowest ${s.maxMs} ms; the API's own request → reply median ${s.apiMedianMs} ms`);
}
