// Issue 14: a property-based HTTP fuzzer over the route table (test/support/fuzz.ts): every route, every role and
// callers with no or broken tokens, requests mutated from valid examples, through the whole local system. Seeded and
// bounded: FUZZ_SEED and FUZZ_RUNS change the run (`npm run fuzz` is the long one), FUZZ_SURVEY=1 collects every
// failure instead of stopping at the first, FUZZ_PATH replays one counterexample fast-check reported.
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { ROUTES, routeKey } from '../../shared/platform/routes.ts';
import {
  type Caller,
  describeOutcome,
  describeRequest,
  describeResponse,
  EXAMPLES,
  FailureLog,
  type FuzzRequest,
  type FuzzResponse,
  type FuzzWorld,
  fuzzOnce,
  Histogram,
  mask,
  type Outcome,
  prepareWorld,
  requestArb,
  routeArb,
  violations,
} from '../support/fuzz.ts';
import { takeLeaks } from '../support/log-guard.ts';
import { useFreshTables } from '../support/tables.ts';

const SEED = Number(process.env.FUZZ_SEED ?? 1414);
/** About 40 s for the whole file on a 2-core machine (the seed and the coverage pass included). */
const RUNS = Number(process.env.FUZZ_RUNS ?? 4000);
const PER_ROUTE = Number(process.env.FUZZ_PER_ROUTE ?? 12);
const SURVEY = process.env.FUZZ_SURVEY === '1';
const SHRINK = process.env.FUZZ_SHRINK === '1';
const PATH = process.env.FUZZ_PATH;
/** Prints every request and answer of the routes whose key contains this text (FUZZ_TRACE='POST /funds'). */
const TRACE = process.env.FUZZ_TRACE;

let sys: LocalSystem;
let world: FuzzWorld;
const survey = new FailureLog();

/** One request, its answer checked, and any raw NIK or phone the functions logged meanwhile counted against it. */
async function attempt(draft: Parameters<typeof fuzzOnce>[1]): Promise<Outcome> {
  const outcome = await fuzzOnce(world, draft);
  if (TRACE && outcome.req.key.includes(TRACE)) {
    console.log(`${describeRequest(world, outcome.req)}\n${describeResponse(world, outcome.res)}\n`);
  }
  // Taken here, so the log guard does not fail the whole file for it: the line itself is never printed.
  const leaks = takeLeaks();
  if (leaks.length) {
    const kinds = [...new Set(leaks.flatMap((l) => l.found.map((f) => f.kind)))].join(' and ');
    outcome.problems.push(`a raw ${kinds} reached a log line (${mask(world, leaks[0]!.line).slice(0, 200)})`);
  }
  return outcome;
}

beforeAll(async () => {
  const dynamoEndpoint = await useFreshTables();
  // Timers wait for the test (none fire by the clock): a run does not depend on how fast the machine is.
  sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: true, timers: 'manual' });
  world = await prepareWorld(sys);
  if (world.warnings.length)
    console.warn(
      `fuzz world prepared with warnings:\n${world.warnings.map((w) => mask(world, w)).join('\n')}`,
    );
});

afterAll(async () => {
  await sys?.stop();
});

describe('the fuzzer', () => {
  it('has examples only for routes of the table', () => {
    const keys = new Set(ROUTES.map(routeKey));
    expect(Object.keys(EXAMPLES).filter((k) => !keys.has(k))).toEqual([]);
  });

  it('checks what the property says: no 5xx, 4xx that say why, NIKs and phones only to who may see them', () => {
    const at = (key: string, caller: Caller, sent = ''): FuzzRequest => ({
      key,
      route: ROUTES.find((r) => routeKey(r) === key)!,
      caller,
      method: key.split(' ')[0]!,
      path: key.split(' ')[1]!,
      headers: {},
      notes: [],
      sent,
    });
    const answer = (status: number, body: unknown, type = 'application/json'): FuzzResponse => ({
      status,
      type,
      text: typeof body === 'string' ? body : JSON.stringify(body),
      ms: 0,
    });
    const broken = (req: FuzzRequest, res: FuzzResponse) => violations(world, req, res).length > 0;
    const other = world.people.find((p) => p.rts.includes(world.otherRt) && p.phoneDigits)!;
    const list = 'GET /rts/{rt}/residents';
    expect(broken(at('GET /rts', 'city_admin'), answer(200, { items: [] }))).toBe(false);
    expect(broken(at('GET /rts', 'city_admin'), answer(500, { message: 'x' }))).toBe(true);
    expect(
      broken(at('GET /rts', 'city_admin'), { status: 0, type: '', text: '', error: 'ECONNRESET', ms: 0 }),
    ).toBe(true);
    expect(broken(at('GET /rts', 'city_admin'), answer(400, { error: 'ValidationError', issues: [] }))).toBe(
      true,
    );
    expect(
      broken(
        at('GET /rts', 'city_admin'),
        answer(400, { error: 'ValidationError', issues: [{ path: '', message: 'x' }] }),
      ),
    ).toBe(true);
    expect(broken(at('GET /rts', 'city_admin'), answer(404, 'Not Found', 'text/plain'))).toBe(true);
    expect(broken(at('GET /rt/{proxy+}', 'none'), answer(404, 'Not Found', 'text/plain'))).toBe(false);
    // Another RT's resident to a chair; to that RT's chair; to anyone on a public route.
    expect(broken(at(list, 'rt_chair'), answer(200, { items: [{ nik: other.nik }] }))).toBe(true);
    expect(broken(at(list, 'rt_chair_other'), answer(200, { items: [{ nik: other.nik }] }))).toBe(false);
    expect(
      broken(at('GET /funds/{rt}/{year}', 'none'), answer(200, { note: `+62${other.phoneDigits}` })),
    ).toBe(true);
    // A 4xx may echo what was sent, never another 16-digit number.
    const coverage = 'GET /coverage/{nik}';
    expect(broken(at(coverage, 'clinic', other.nik), answer(404, { message: 'x', nik: other.nik }))).toBe(
      false,
    );
    expect(broken(at(coverage, 'clinic'), answer(404, { message: 'x 1234567890123456' }))).toBe(true);
  });

  it(
    'reaches every route’s handler, not only the gateway and the authorizer',
    async () => {
      const histogram = new Histogram();
      for (const [i, route] of ROUTES.entries()) {
        for (const draft of fc.sample(routeArb(world, route), { seed: SEED + i, numRuns: PER_ROUTE })) {
          const outcome = await attempt(draft);
          histogram.add(outcome.req, outcome.res);
          if (SURVEY && outcome.problems.length) survey.add(outcome);
        }
      }
      console.log(
        `requests per route and status (deep: reached the handler's own logic)\n${histogram.table()}`,
      );
      const shallow = ROUTES.map(routeKey).filter((k) => !histogram.get(k)?.deep);
      expect(shallow, 'routes no request got into').toEqual([]);
      // Most routes must also answer 2xx to some generated request: the examples are valid. (A page's index route
      // only redirects to its slash: its 3xx is its answer.)
      const never2xx = ROUTES.map(routeKey).filter(
        (k) => !histogram.get(k)?.['2xx'] && !histogram.get(k)?.['3xx'],
      );
      expect(never2xx.length, `routes never answering 2xx: ${never2xx.join(', ')}`).toBeLessThanOrEqual(
        Math.floor(ROUTES.length / 10),
      );
    },
    15 * 60_000,
  );

  it(
    'keeps the property on every route: no 5xx, 4xx that say why, no NIK to a caller who may not see it',
    async () => {
      const histogram = new Histogram();
      const started = performance.now();
      await fc.assert(
        fc.asyncProperty(requestArb(world), async (draft) => {
          const outcome = await attempt(draft);
          histogram.add(outcome.req, outcome.res);
          if (!outcome.problems.length) return;
          if (SURVEY) survey.add(outcome);
          else throw new Error(describeOutcome(world, outcome));
        }),
        { seed: SEED, numRuns: RUNS, endOnFailure: !SHRINK, ...(PATH ? { path: PATH } : {}) },
      );
      const seconds = ((performance.now() - started) / 1000).toFixed(1);
      console.log(`${RUNS} requests (seed ${SEED}) in ${seconds} s\n${histogram.table()}`);
      if (survey.size) console.log(`\n${survey.size} distinct failure(s):\n\n${survey.report(world)}\n`);
      expect(survey.size, 'distinct failures (listed above)').toBe(0);
    },
    Math.max(10 * 60_000, RUNS * 200),
  );
});
