// `BENCH_ONLY=city`: a whole city of 650,000 residents in 1,650 RTs over the configured city's real kelurahan, loaded
// through the real paths (POST /rts/import, then the residents' upload job: a tenth first, then the rest), in a local
// system of its own (no demo data). Then, at full size: GET /coverage p50/p99 against its floor; /uhc for the city, a
// kecamatan and a kelurahan and /premiums (items read and latency, beside the same at a tenth of the city: they must
// not grow with residents); the RT directory and the largest RT's residents paged; the reminders job of a busy day
// (items read ÷ due); BPJS's invoice of 100,000 rows; a day of 112 incidents at ten times today's rate, each through
// dispatch, acknowledgement, on scene and resolved; and a sample of each everyday operation (a clinic's check, a
// chair's letter, an expense, a reminder SMS), metered as AWS bills it (meter.ts) for the month's bill (bill.ts).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as z from 'zod/mini';
import type { DemoRt } from '#infra/local/demo-data.ts';
import { toCsv } from '#infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '#infra/local/system.ts';
import { city, cityRegions, kelurahanIn } from '#shared/city/regions.ts';
import { CATEGORIES } from '#shared/fund/schemas.ts';
import { createUnit, setUnitStatus } from '#shared/incident/units.ts';
import { resetConfig } from '#shared/platform/config.ts';
import { type Queue, setQueue } from '#shared/platform/queues.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { JKN_START } from '#shared/registry/fields.ts';
import { makeNik } from '#shared/registry/nik.ts';
import { saveCampaign } from '#shared/reminder/campaigns.ts';
import { addDays } from '#shared/reminder/dates.ts';
import { runReminders } from '#shared/reminder/job.ts';
import { campaignSchema } from '#shared/reminder/schemas.ts';
import { seededCampaigns } from '#shared/reminder/seeded.ts';
import { benchCoverage, type CoverageSection } from '../coverage.ts';
import { measureImportFloor } from '../import.ts';
import { benchReconciliation, type ReconciliationSection } from '../reconciliation.ts';
import { BENCH_DAY } from '../reminders.ts';
import { percentile, round } from '../stats.ts';
import { cityResidents, cityRts, rtsCsv } from './data.ts';
import { type Meter, metered, startMeter, type Usage } from './meter.ts';

// biome-ignore lint/suspicious/noExplicitAny: JSON answered by the API, read field by field.
type Json = any;

export interface Timed {
  p50Ms: number;
  p99Ms: number;
  calls: number;
}

export interface ReadFigure extends Timed {
  path: string;
  /** What a call may read whatever the residents: the area's kelurahan, or the months since JKN began. */
  bound: number;
  /** DynamoDB items one call read, at a tenth of the city and at all of it. */
  itemsReadAtTenth: number;
  itemsRead: number;
  requests: number;
}

export interface CitySection {
  residents: number;
  rts: number;
  kelurahan: number;
  households: number;
  shares: {
    enrolledPct: number;
    activePct: number;
    pbiApbdPct: number;
    phonePct: number;
    smallRtPct: number;
  };
  generateSeconds: number;
  rtImport: { rows: number; seconds: number };
  residentsImport: {
    pilotRows: number;
    pilotSeconds: number;
    rows: number;
    seconds: number;
    rowsPerSecond: number;
    floorRowsPerSecond: number;
    ratio: number;
    /** Within a Lambda's 15 minutes, at this machine's rate. */
    fitsLambdaTimeout: boolean;
  };
  uhcCheck: { residents: number; coveredPct: number; activePct: number };
  coverage: CoverageSection;
  reads: ReadFigure[];
  paging: {
    rtDirectory: Timed & { pages: number; rts: number; seconds: number };
    rtResidents: Timed & { rt: string; pages: number; residents: number; seconds: number };
  };
  reminders: {
    date: string;
    due: number;
    queued: number;
    read: number;
    readPerDue: number;
    seconds: number;
    campaigns: { id: string; due: number }[];
  };
  reconciliation: ReconciliationSection;
  incidents: {
    incidents: number;
    perDayToday: number;
    reportToAlertP50Ms: number;
    reportToAlertP99Ms: number;
    wholeLifecycleP50Ms: number;
    seconds: number;
  };
  /** What one of each everyday operation used, as AWS bills it (averaged over the sample). */
  perOperation: Record<string, { sample: number; usage: Usage }>;
  memory: { dynamoLocalPeakMb: number | null; benchPeakMb: number };
  seconds: number;
}

const ADMIN = { role: 'city_admin' };
/** Kota Jambi's Call Center 112 takes 5–10 reports a day (PRODUCT.md); the bench runs a day at ten times the top. */
const INCIDENTS_TODAY_PER_DAY = 10;

export interface Samples {
  clinicChecks: number;
  letters: number;
  expenses: number;
  reminderSms: number;
  /** A day of 112 at ten times today's rate. */
  incidents: number;
}
const SAMPLES: Samples = {
  clinicChecks: 200,
  letters: 50,
  expenses: 50,
  reminderSms: 300,
  incidents: INCIDENTS_TODAY_PER_DAY * 10,
};
const LAMBDA_LIMIT_SECONDS = 900;

class Api {
  constructor(private readonly url: string) {}
  async token(claims: Record<string, string>): Promise<string> {
    const res = await fetch(new URL('/auth/dev-token', this.url), {
      method: 'POST',
      body: JSON.stringify(claims),
    });
    if (res.status !== 200) throw new Error(`dev-token ${JSON.stringify(claims)}: HTTP ${res.status}`);
    return ((await res.json()) as { token: string }).token;
  }
  async call(
    method: string,
    path: string,
    token: string,
    body?: unknown,
    headers: Record<string, string> = {},
  ): Promise<{ status: number; body: Json; ms: number }> {
    const t0 = performance.now();
    const res = await fetch(new URL(path, this.url), {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(typeof body === 'string'
          ? { 'content-type': 'text/csv' }
          : body
            ? { 'content-type': 'application/json' }
            : {}),
        ...headers,
      },
      ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
    });
    const text = await res.text();
    const ms = performance.now() - t0;
    let parsed: Json = text;
    try {
      parsed = JSON.parse(text);
    } catch {}
    return { status: res.status, body: parsed, ms };
  }
  async ok(method: string, path: string, token: string, body?: unknown, headers?: Record<string, string>) {
    const r = await this.call(method, path, token, body, headers);
    if (r.status >= 300)
      throw new Error(`${method} ${path}: HTTP ${r.status} ${JSON.stringify(r.body).slice(0, 400)}`);
    return r;
  }
}

const timed = (ms: number[]): Timed => ({
  p50Ms: round(percentile(ms, 50), 2),
  p99Ms: round(percentile(ms, 99), 2),
  calls: ms.length,
});

/** Peak resident memory of a process (VmHWM), in MB; null where /proc is not there. */
function peakMb(pid: number | undefined): number | null {
  if (!pid) return null;
  try {
    const hwm = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return hwm ? Math.round(Number(hwm) / 1024) : null;
  } catch {
    return null;
  }
}

/** Uploads a CSV through the residents' upload job and waits for it; answers its outcome and seconds. */
async function uploadResidents(
  api: Api,
  admin: string,
  csv: string,
): Promise<{ result: Json; seconds: number }> {
  const t0 = performance.now();
  const job = await api.ok('POST', '/residents/import/uploads', admin, {});
  const put = await fetch(job.body.upload.url, {
    method: 'PUT',
    headers: job.body.upload.headers,
    body: csv,
  });
  if (put.status !== 200) throw new Error(`upload PUT: HTTP ${put.status} ${await put.text()}`);
  for (;;) {
    const s = await api.ok('GET', `/residents/import/${job.body.jobId}`, admin);
    if (s.body.status === 'DONE') return { result: s.body.result, seconds: (performance.now() - t0) / 1000 };
    if (s.body.status === 'FAILED') throw new Error(`import job failed: ${JSON.stringify(s.body)}`);
    await new Promise((r) => setTimeout(r, 2000));
  }
}

export async function benchCity(o: {
  residents: number;
  rts: number;
  reconciliationRows: number;
  coverage: { requests: number; concurrency: number; warmup: number; rounds: number };
  /** How many of each everyday operation are metered (the bench's defaults; a smoke test takes fewer). */
  samples?: Partial<Samples>;
}): Promise<CitySection> {
  const started = performance.now();
  // Reminders go out whatever the hour the bench runs at.
  process.env.SMS_QUIET_HOURS_WIB = 'off';
  resetConfig();
  const system: LocalSystem = await startLocalSystem({ port: 0, quiet: true, seed: false });
  const meter = startMeter(system);
  try {
    return await run(system, meter, o, started);
  } finally {
    meter.stop();
    await system.stop();
  }
}

/** A line on stderr as each step starts, so a long run shows where it is. */
function step(what: string, started: number): void {
  if (process.env.VITEST) return;
  process.stderr.write(`[city ${Math.round((performance.now() - started) / 1000)} s] ${what}\n`);
}

async function run(
  system: LocalSystem,
  meter: Meter,
  o: Parameters<typeof benchCity>[0],
  started: number,
): Promise<CitySection> {
  const api = new Api(system.url);
  const admin = await api.token(ADMIN);

  step('generating the city', started);
  // 1. The city.
  let t0 = performance.now();
  const rts = cityRts(o.rts);
  const residents = cityResidents(rts, o.residents);
  const generateSeconds = (performance.now() - t0) / 1000;
  const share = (f: (r: (typeof residents)[number]) => boolean) =>
    round((residents.filter(f).length / residents.length) * 100, 2);

  step('POST /rts/import', started);
  // 2. The RT directory, as the city sends it.
  t0 = performance.now();
  const rtImport = await api.ok('POST', '/rts/import', admin, rtsCsv(rts));
  if (rtImport.body.imported !== rts.length) throw new Error(`RT import: ${JSON.stringify(rtImport.body)}`);
  const rtImportSeconds = (performance.now() - t0) / 1000;

  step('the residents upload jobs', started);
  // 3. The residents: a tenth first (the reads are measured on it too), then the rest, each one upload job.
  // Every tenth resident, so the first upload already spans every kelurahan and month (as a pilot list would not,
  // but the figures' reads are compared on it); the rest in the city's own order, RT by RT.
  const first = residents.filter((_, i) => i % 10 === 0);
  const rest = residents.filter((_, i) => i % 10 !== 0);
  const tenth = first.length;
  const pilot = await uploadResidents(api, admin, toCsv(first));
  if (pilot.result.imported !== tenth)
    throw new Error(`pilot import: ${JSON.stringify(pilot.result).slice(0, 400)}`);
  const reads = await readFigures(api, admin, meter);
  const importRun = await metered(meter, () => uploadResidents(api, admin, toCsv(rest)));
  const main = importRun.result;
  if (main.result.imported !== rest.length)
    throw new Error(`import: ${JSON.stringify(main.result).slice(0, 400)}`);
  const floorRowsPerSecond = await measureImportFloor({
    dynamoEndpoint: system.dynamoEndpoint,
    residents: rest.slice(0, Math.min(50_000, rest.length)),
  });
  const rowsPerSecond = rest.length / main.seconds;

  step('reads at full size, GET /coverage, paging', started);
  // 4. Reads at full size.
  const atFull = await readFigures(api, admin, meter);
  for (const f of reads) {
    const full = atFull.find((g) => g.path === f.path)!;
    Object.assign(f, { ...full, itemsReadAtTenth: f.itemsRead, itemsRead: full.itemsRead });
  }
  const uhc = (await api.ok('GET', '/uhc', admin)).body;

  // Spread over the whole city (the load workers take them on their command line, so a few thousand).
  const sample = Array.from({ length: 4_000 }, (_, i) => residents[(i * 7919) % residents.length]!.nik);
  const coverage = await benchCoverage({
    url: system.url,
    dynamoEndpoint: system.dynamoEndpoint,
    niks: sample,
    ...o.coverage,
  });

  const paging = await pageThrough(api, admin, rts, residents);
  const perOperation: CitySection['perOperation'] = {
    importRow: { sample: rest.length, usage: importRun.usage },
  };

  step('everyday operations', started);
  // 5. Everyday operations, one sample each, metered.
  const n = { ...SAMPLES, ...o.samples };
  const clinic = await api.token({ role: 'clinic' });
  perOperation.clinicCheck = {
    sample: n.clinicChecks,
    usage: (
      await metered(meter, async () => {
        for (let i = 0; i < n.clinicChecks; i++)
          await api.ok('GET', `/coverage/${sample[i % sample.length]}`, clinic);
      })
    ).usage,
  };
  perOperation.letter = {
    sample: n.letters,
    usage: (await metered(meter, () => letters(api, system, rts, n.letters))).usage,
  };
  const spenders = await allocateYears(api, admin, rts, n.expenses);
  perOperation.expense = {
    sample: n.expenses,
    usage: (await metered(meter, () => expenses(api, spenders))).usage,
  };

  step('the reminders job', started);
  // 6. The reminders job of a busy day, then a sample of its messages through the real sender.
  const reminders = await remindersDay(system, rts, meter, perOperation, n.reminderSms);

  step('BPJS invoice', started);
  // 7. BPJS's invoice.
  const reconciliationRun = await metered(meter, () =>
    benchReconciliation({
      rows: o.reconciliationRows,
      residents,
      rts,
      importFloorRowsPerSecond: floorRowsPerSecond,
    }),
  );
  // Run as the worker runs it, in this process: its time is the worker's invocation.
  reconciliationRun.usage.functions['functions/registry/reconciliation-worker.ts'] = {
    invocations: 1,
    ms: reconciliationRun.result.seconds * 1000,
  };
  perOperation.reconciliationRow = { sample: o.reconciliationRows, usage: reconciliationRun.usage };

  step('a day of 112', started);
  // 8. A day of 112 at ten times today's rate.
  const incidentRun = await metered(meter, () => incidentDay(api, system, n.incidents));
  perOperation.incident = { sample: n.incidents, usage: incidentRun.usage };

  const households = rts.reduce((s, r) => s + r.households, 0);
  return {
    residents: residents.length,
    rts: rts.length,
    kelurahan: new Set(rts.map((r) => r.kelurahan)).size,
    households,
    shares: {
      enrolledPct: share((r) => r.scheme !== ''),
      activePct: share((r) => r.status === 'ACTIVE'),
      pbiApbdPct: share((r) => r.scheme === 'PBI_APBD'),
      phonePct: share((r) => r.phone !== ''),
      smallRtPct: round((rts.filter((r) => r.households < 60).length / rts.length) * 100, 1),
    },
    generateSeconds: round(generateSeconds, 1),
    rtImport: { rows: rts.length, seconds: round(rtImportSeconds, 2) },
    residentsImport: {
      pilotRows: tenth,
      pilotSeconds: round(pilot.seconds, 1),
      rows: rest.length,
      seconds: round(main.seconds, 1),
      rowsPerSecond: Math.round(rowsPerSecond),
      floorRowsPerSecond,
      ratio: round(rowsPerSecond / floorRowsPerSecond, 3),
      fitsLambdaTimeout: residents.length / rowsPerSecond < LAMBDA_LIMIT_SECONDS,
    },
    uhcCheck: { residents: uhc.residents, coveredPct: uhc.coveredPct, activePct: uhc.activePct },
    coverage,
    reads,
    paging,
    reminders,
    reconciliation: reconciliationRun.result,
    incidents: { ...incidentRun.result, perDayToday: INCIDENTS_TODAY_PER_DAY },
    perOperation,
    memory: {
      dynamoLocalPeakMb: peakMb(system.dynamoPid),
      benchPeakMb: Math.round(process.resourceUsage().maxRSS / 1024),
    },
    seconds: round((performance.now() - started) / 1000, 1),
  };
}

/** /uhc for the city, a kecamatan and a kelurahan, and /premiums: latency of 30 calls each, and items read. */
async function readFigures(api: Api, admin: string, meter: Meter): Promise<ReadFigure[]> {
  const { kecamatan } = cityRegions();
  const kec = kecamatan[0]!;
  const month = todayWib().slice(0, 7);
  const paths = [
    `/uhc`,
    `/uhc?area=${kec.code}`,
    `/uhc?area=${kec.kelurahan[0]!.code}`,
    `/premiums/${month}`,
    `/premiums/${month}?scheme=BPJSTK_BPU`,
  ];
  const out: ReadFigure[] = [];
  for (const path of paths) {
    const ms: number[] = [];
    let items = 0;
    let requests = 0;
    for (let i = 0; i < 30; i++) {
      const before = meter.snapshot().dynamo;
      const r = await api.ok('GET', path, admin);
      ms.push(r.ms);
      const after = meter.snapshot().dynamo;
      items = after.itemsRead - before.itemsRead;
      requests = after.requests - before.requests;
    }
    out.push({
      path,
      ...timed(ms),
      bound: boundOf(path, month),
      itemsRead: items,
      itemsReadAtTenth: items,
      requests,
    });
  }
  return out;
}

/** The items a figure's call may read: the area's kelurahan for /uhc; the months from JKN's start for /premiums. */
function boundOf(path: string, month: string): number {
  if (path.startsWith('/uhc'))
    return kelurahanIn(new URL(path, 'http://x').searchParams.get('area') ?? city().code).length;
  const [y, m] = month.split('-').map(Number) as [number, number];
  const [y0, m0] = JKN_START.slice(0, 7).split('-').map(Number) as [number, number];
  return (y - y0) * 12 + (m - m0) + 1;
}

/** Every page of the RT directory, then every page of the largest RT's residents, as the console and form do. */
async function pageThrough(
  api: Api,
  admin: string,
  rts: readonly DemoRt[],
  residents: readonly { rt: string }[],
): Promise<CitySection['paging']> {
  const pageAll = async (path: string, token: string) => {
    const ms: number[] = [];
    let cursor: string | null = null;
    let items = 0;
    const t0 = performance.now();
    do {
      const r = await api.ok('GET', `${path}${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, token);
      ms.push(r.ms);
      items += r.body.items.length;
      cursor = r.body.cursor ?? null;
    } while (cursor);
    return { ...timed(ms), pages: ms.length, items, seconds: round((performance.now() - t0) / 1000, 2) };
  };
  const dir = await pageAll('/rts?limit=100', admin);
  if (dir.items !== rts.length) throw new Error(`RT directory: ${dir.items} of ${rts.length}`);
  const count = new Map<string, number>();
  for (const r of residents) count.set(r.rt, (count.get(r.rt) ?? 0) + 1);
  const [largest, size] = [...count].sort((a, b) => b[1] - a[1])[0]!;
  const chair = await api.token({ role: 'rt_chair', rt: largest });
  const own = await pageAll(`/rts/${largest}/residents?limit=50`, chair);
  if (own.items !== size) throw new Error(`RT ${largest}: ${own.items} of ${size} residents`);
  const { items: dirItems, ...d } = dir;
  const { items: ownItems, ...r } = own;
  return { rtDirectory: { ...d, rts: dirItems }, rtResidents: { ...r, rt: largest, residents: ownItems } };
}

/** `count` letters by as many chairs, each for a new resident of the chair's RT (the SMS handler runs too). */
async function letters(api: Api, system: LocalSystem, rts: readonly DemoRt[], count: number): Promise<void> {
  for (let i = 0; i < count; i++) {
    const rt = rts[(i * 31) % rts.length]!;
    const chair = await api.token({ role: 'rt_chair', rt: rt.rt });
    const birthDate = `19${60 + (i % 30)}-0${1 + (i % 9)}-1${i % 9}`;
    const sex = i % 2 ? 'F' : 'M';
    await api.ok(
      'POST',
      '/attestations',
      chair,
      {
        nik: makeNik({ regionCode: rt.kelurahan, birthDate, sex, sequence: 9000 + i }),
        name: `Warga Baru ${i}`,
        birthDate,
        sex,
        phone: `+62813${String(20_000_000 + i)}`,
        reason: 'Warga tidak mampu, perlu berobat ke puskesmas hari ini',
        facility: 'Puskesmas (data demo)',
      },
      { 'idempotency-key': randomUUID() },
    );
  }
  await system.bus.drain();
  await system.queue.drain();
}

/** `count` RTs' years allocated (by their households' tier), each with its chair's token. */
async function allocateYears(api: Api, admin: string, rts: readonly DemoRt[], count: number) {
  const year = todayWib().slice(0, 4);
  const out: { rt: string; chair: string }[] = [];
  for (let i = 0; i < count; i++) {
    const rt = rts[(i * 37) % rts.length]!;
    const alloc = await api.call(
      'POST',
      `/funds/${rt.rt}/${year}/allocations`,
      admin,
      { note: 'Alokasi tahunan (bench)' },
      {
        'idempotency-key': `alloc-${rt.rt}-${year}`,
      },
    );
    if (alloc.status !== 201 && alloc.status !== 200 && alloc.status !== 409)
      throw new Error(`allocation: HTTP ${alloc.status} ${JSON.stringify(alloc.body)}`);
    out.push({ rt: rt.rt, chair: await api.token({ role: 'rt_chair', rt: rt.rt }) });
  }
  return out;
}

/** One expense in each of these RTs, by its chair. */
async function expenses(api: Api, spenders: { rt: string; chair: string }[]): Promise<void> {
  const year = todayWib().slice(0, 4);
  const date = todayWib();
  for (const [i, { rt, chair }] of spenders.entries()) {
    await api.ok(
      'POST',
      `/funds/${rt}/${year}/expenses`,
      chair,
      {
        amount: 150_000 + i,
        category: CATEGORIES[i % CATEGORIES.length],
        date,
        description: `Kerja bakti ${i}`,
      },
      { 'idempotency-key': randomUUID() },
    );
  }
}

/** The seeded campaigns on a day that has every kind of reminder; the messages counted, then a sample sent. */
async function remindersDay(
  system: LocalSystem,
  rts: readonly DemoRt[],
  meter: Meter,
  perOperation: CitySection['perOperation'],
  sampleSize: number,
): Promise<CitySection['reminders']> {
  const now = new Date().toISOString();
  const inputs = seededCampaigns(BENCH_DAY, rts[5]!.rt).map((c) =>
    c.id === 'ckg-rt-minggu' ? { ...c, date: addDays(BENCH_DAY, 1) } : c,
  );
  for (const input of inputs) {
    await saveCampaign(z.parse(campaignSchema, input), {
      actor: { sub: 'bench', roles: ['city_admin'] },
      requestId: `bench-${input.id}`,
      now,
    });
  }
  const captured: unknown[] = [];
  const sink: Queue = {
    send: async (_q, bodies) => {
      if (captured.length < sampleSize) captured.push(...bodies.slice(0, sampleSize - captured.length));
    },
    defer: async () => undefined,
    deadLetter: async () => undefined,
  };
  setQueue(sink);
  let result: Awaited<ReturnType<typeof runReminders>>;
  const t0 = performance.now();
  try {
    result = await runReminders(BENCH_DAY);
  } finally {
    setQueue(meter.queue);
  }
  const seconds = (performance.now() - t0) / 1000;
  // The sample through the real queue and sender: what one reminder costs to send.
  // One at a time, as the sender's own rate spreads them: their durations are then each one's own.
  const sent = await metered(meter, async () => {
    for (const body of captured) {
      await meter.queue.send('sms', [body]);
      await system.queue.drain();
    }
  });
  perOperation.reminderSms = { sample: captured.length, usage: sent.usage };
  return {
    date: BENCH_DAY,
    due: result.due,
    queued: result.queued,
    read: result.read.residents,
    readPerDue: round(result.read.residents / Math.max(1, result.due), 4),
    seconds: round(seconds, 1),
    campaigns: result.campaigns.map((c) => ({ id: c.id, due: c.due })),
  };
}

/** A day's 112 reports, one after another: each dispatched, its alert in the outbox, acknowledged, on scene, done. */
async function incidentDay(
  api: Api,
  system: LocalSystem,
  count: number,
): Promise<Omit<CitySection['incidents'], 'perDayToday'>> {
  const centre = { lat: -1.61, lon: 103.61 };
  const now = new Date().toISOString();
  const kelurahan = cityRegions().kecamatan[0]!.kelurahan[0]!.code;
  for (let i = 0; i < 10; i++) {
    const id = `CITY-AMB-${i}`;
    const ctx = { actor: { sub: 'bench-operator', roles: ['operator'] }, requestId: `bench-${id}`, now };
    await createUnit(
      {
        id,
        name: `Ambulans ${i} (data demo)`,
        kind: 'AMBULANCE',
        phone: `+62811900${String(10_000 + i).slice(1)}`,
        location: { lat: centre.lat + i * 0.004, lon: centre.lon - i * 0.003 },
        kelurahan,
      },
      ctx,
    );
    await setUnitStatus(id, 'AVAILABLE', undefined, { ...ctx, requestId: `${ctx.requestId}-on` });
  }
  const operator = await api.token({ role: 'operator', sub: 'bench-operator' });
  const alerted = new Map<string, number>();
  const stop = system.outbox.listen((e) => {
    const id = e.channel === 'sms' ? /^incident-alert:([^:]+):/.exec(e.purpose)?.[1] : undefined;
    if (id && !alerted.has(id)) alerted.set(id, performance.now());
  });
  const toAlert: number[] = [];
  const whole: number[] = [];
  const t0 = performance.now();
  try {
    for (let i = 0; i < count; i++) {
      const start = performance.now();
      const r = await api.ok(
        'POST',
        '/incidents',
        operator,
        {
          callerPhone: `+62812${String(30_000_000 + i)}`,
          type: i % 5 === 0 ? 'ACCIDENT' : 'MEDICAL',
          description: i % 3 === 0 ? 'Bapak pingsan di teras' : 'Ibu demam tinggi dan sesak',
          location: {
            lat: centre.lat + (i % 17) * 0.002,
            lon: centre.lon + (i % 13) * 0.002,
            address: `Jl. Contoh ${i}`,
          },
        },
        { 'idempotency-key': randomUUID() },
      );
      const id = r.body.id as string;
      await system.queue.drain();
      const at = alerted.get(id);
      if (at === undefined) throw new Error(`incident ${id}: no alert in the outbox`);
      toAlert.push(at - start);
      const incident = (await api.ok('GET', `/incidents/${id}`, operator)).body;
      const unit = incident.assignments[0].unitId as string;
      const responder = await api.token({ role: 'responder', unit });
      await api.ok('POST', `/incidents/${id}/ack`, responder, {});
      for (const status of ['EN_ROUTE', 'ON_SCENE', 'RESOLVED'])
        await api.ok('POST', `/incidents/${id}/status`, responder, { status });
      whole.push(performance.now() - start);
    }
    await system.queue.drain();
  } finally {
    stop();
  }
  return {
    incidents: count,
    reportToAlertP50Ms: round(percentile(toAlert, 50), 1),
    reportToAlertP99Ms: round(percentile(toAlert, 99), 1),
    wholeLifecycleP50Ms: round(percentile(whole, 50), 1),
    seconds: round((performance.now() - t0) / 1000, 1),
  };
}
