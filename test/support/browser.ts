// The browser suites' shared set-up: Debian's Chromium driven by playwright-core, a 360×740 phone in id-ID on
// WIB, page errors collected (a broken script fails the suite), screenshots in test/artifacts/, and the pages
// the form's service worker keeps.
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { type Browser, type BrowserContext, chromium, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const HAS_CHROMIUM = existsSync(CHROMIUM);
export const ARTIFACTS = fileURLToPath(new URL('../artifacts/', import.meta.url));
const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
];

/** Says once, at load, that a suite is skipped and how to run it. */
export function warnIfNoChromium(suite: string): void {
  if (!HAS_CHROMIUM) {
    console.warn(
      `${suite}: SKIPPED — ${CHROMIUM} is missing; install it with apt-get install -y chromium (.ci/run does)`,
    );
  }
}

export interface Phone {
  browser: Browser;
  context: BrowserContext;
  page: Page;
  /** Uncaught errors and console errors of the page (network failures, which offline cases cause, aside). */
  pageErrors: string[];
}

/**
 * A 360×740 phone in id-ID on WIB. `serviceWorkers: 'block'` for cases that intercept requests: interception does
 * not see the requests a service worker handles.
 */
export async function phoneContext(
  browser: Browser,
  opts: { serviceWorkers?: 'block' } = {},
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport: { width: 360, height: 740 },
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    ...opts,
  });
  // Fail in seconds, not at the test's timeout, when something never shows.
  context.setDefaultTimeout(10_000);
  return context;
}

export async function openPhone(): Promise<Phone> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await phoneContext(browser);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(m.text())) {
      pageErrors.push(m.text());
    }
  });
  return { browser, context, page, pageErrors };
}

// The page's global, used only inside page.evaluate() (the project compiles without the DOM lib).
// biome-ignore lint/suspicious/noExplicitAny: the browser's CacheStorage, typed there, not here.
declare const caches: any;

/** The paths the service worker keeps, sorted. */
export function cachedPaths(page: Page): Promise<string[]> {
  return page.evaluate(async () => {
    const urls: string[] = [];
    for (const name of await caches.keys()) {
      for (const req of await (await caches.open(name)).keys()) urls.push(new URL(req.url).pathname);
    }
    return urls.sort();
  });
}

/** What the form's service worker keeps: the whole shell, so the form opens without signal. */
export const SHELL = [
  '/rt/',
  '/rt/app.css',
  '/rt/app.js',
  '/rt/cognito.js',
  '/rt/fund.js',
  '/rt/homecare.js',
  '/rt/icon.svg',
  '/rt/index.html',
  '/rt/kader.js',
  '/rt/lib.js',
];

// The page's global, used only inside page.evaluate() (the project compiles without the DOM lib).
// biome-ignore lint/suspicious/noExplicitAny: the browser's document.
declare const document: any;

const AXE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

export interface AxeViolation {
  id: string;
  impact: string;
  help: string;
  targets: string[];
}

/**
 * What axe-core (WCAG 2.x A and AA rules) finds serious or critical on the page as it is now. Run through the
 * DevTools protocol, so a page's strict CSP (no inline script) does not stop it.
 */
export async function axeViolations(page: Page): Promise<AxeViolation[]> {
  await page.evaluate(AXE);
  const found = await page.evaluate(async () => {
    // biome-ignore lint/suspicious/noExplicitAny: axe is the global axe-core just defined in the page.
    const result = await (globalThis as any).axe.run(document, {
      runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    });
    // biome-ignore lint/suspicious/noExplicitAny: axe's result, reduced to what a report needs.
    return result.violations.map((v: any) => ({
      id: v.id,
      impact: v.impact,
      help: v.help,
      // biome-ignore lint/suspicious/noExplicitAny: axe's node results.
      targets: v.nodes.map((n: any) => String(n.target)),
    }));
  });
  return (found as AxeViolation[]).filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/** A desk screen (the staff console): 1280×800 by default, id-ID on WIB. */
export async function deskContext(
  browser: Browser,
  viewport: { width: number; height: number } = { width: 1280, height: 800 },
): Promise<BrowserContext> {
  const context = await browser.newContext({
    viewport,
    locale: 'id-ID',
    timezoneId: 'Asia/Jakarta',
    acceptDownloads: true,
  });
  context.setDefaultTimeout(10_000);
  return context;
}

/** Chromium on a desk screen, page errors and console errors collected as openPhone() does. */
export async function openDesk(viewport?: { width: number; height: number }): Promise<Phone> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
  const context = await deskContext(browser, viewport);
  const page = await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (e) => pageErrors.push(String(e)));
  page.on('console', (m) => {
    if (m.type() === 'error' && !/Failed to load resource|ERR_INTERNET_DISCONNECTED/.test(m.text())) {
      pageErrors.push(m.text());
    }
  });
  return { browser, context, page, pageErrors };
}
