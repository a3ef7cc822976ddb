// Every test runs under this guard (vitest.config.ts setupFiles): each line the functions log, at every level, and
// each line written to the console is checked for a citizen's raw NIK or phone (personal-data.ts), and a test during
// which one was written fails, naming the line. The logger is set to log everything into the guard, which passes on
// only what the level the suite (or a test, with logger.setLogLevel) asked for would have printed, so the output and
// the tests that read log lines see what they saw before. A test that writes a raw NIK on purpose takes it back
// with takeLeaks().
import { format } from 'node:util';
import { afterAll, afterEach, beforeEach, expect } from 'vitest';
import { logger } from '../../shared/platform/logger.ts';
import { type Found, findPersonalData } from './personal-data.ts';

export interface Leak {
  /** The test that was running, or where outside a test. */
  test: string;
  /** How it was written: `logger` or `console.<method>`. */
  via: string;
  line: string;
  found: Found[];
}

const LEVELS: Record<string, number> = {
  TRACE: 6,
  DEBUG: 8,
  INFO: 12,
  WARN: 16,
  ERROR: 20,
  CRITICAL: 24,
  SILENT: 28,
};
type Level = Parameters<typeof logger.setLogLevel>[0];

let leaks: Leak[] = [];
/** Every line the logger wrote since the current test began (checked or not, printed or not). */
let seen: string[] = [];
/** The level the suite or the running test asked for; the logger itself logs everything into the guard. */
let wanted = logger.getLevelName() as string;
/** Set while the guard passes a logger line on to the console, so the console's check does not count it twice. */
let forwarding = false;

function check(line: string, via: string): void {
  const found = findPersonalData(line);
  if (found.length === 0) return;
  const test = expect.getState().currentTestName ?? `outside a test (${expect.getState().testPath ?? '?'})`;
  leaks.push({ test, via, line, found });
}

// The logger's own console (POWERTOOLS_DEV: the global one) is replaced by one that checks each line, then hands it
// to whatever `console` is at that moment (a test's spy, too) if its level would have been printed.
const consoleMethods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
const tap = Object.fromEntries(
  consoleMethods.map((method) => [
    method,
    (...args: unknown[]) => {
      const line = format(...args);
      seen.push(line);
      check(line, 'logger');
      if (levelOf(line) < (LEVELS[wanted] ?? 0)) return;
      forwarding = true;
      try {
        // Powertools prints trace lines with log (a stack trace is not what Lambda prints either).
        console[method === 'trace' ? 'log' : method](...args);
      } finally {
        forwarding = false;
      }
    },
  ]),
);
(logger as unknown as { console: unknown }).console = tap;
const setLevel = logger.setLogLevel.bind(logger);
setLevel('TRACE');
logger.setLogLevel = (level: Level) => {
  wanted = String(level).toUpperCase();
};

function levelOf(line: string): number {
  try {
    return LEVELS[String((JSON.parse(line) as { level?: unknown }).level)] ?? Number.POSITIVE_INFINITY;
  } catch {
    return Number.POSITIVE_INFINITY;
  }
}

// Lines that do not go through the logger (the local server's own messages, a test's console.log).
for (const method of consoleMethods) {
  const original = console[method];
  console[method] = (...args: unknown[]) => {
    if (!forwarding) check(format(...args), `console.${method}`);
    return original.apply(console, args);
  };
}

/** The leaks recorded so far, taken out of the guard (a test that logs a raw NIK on purpose). */
export function takeLeaks(): Leak[] {
  const taken = leaks;
  leaks = [];
  return taken;
}

/** Every line the logger wrote during the current test, at any level. */
export function loggedLines(): string[] {
  return [...seen];
}

function fail(where: string): void {
  const found = takeLeaks();
  if (found.length === 0) return;
  const shown = found.slice(0, 10).map((l) => {
    const what = l.found.map((f) => `${f.kind} ${f.value}`).join(', ');
    const line = l.line.length > 600 ? `${l.line.slice(0, 600)}…` : l.line;
    return `  - in "${l.test}" via ${l.via}: ${what}\n    ${line}`;
  });
  throw new Error(
    `RAW PERSONAL DATA IN THE LOGS (${where}): ${found.length} line(s) with a citizen's NIK or phone unmasked. ` +
      'Keep it out of the line where it is written (the logger masks the NIKs and phones it recognises; a value it ' +
      `does not, or a line written to the console directly, goes out as it is).\n${shown.join('\n')}`,
  );
}

beforeEach(() => {
  seen = [];
});
afterEach(() => {
  seen = [];
  fail('during this test');
});
afterAll(() => fail("in this file's hooks"));
