// `npm run bench`: measures the functions' bundles and cold imports, the coverage check's latency and the
// resident import's throughput, each side by side with a floor measured in the same run on this machine,
// writes bench/report.json and prints a table per section. Exits 0 when a target fails (the report says
// FAIL) and non-zero only when the bench itself crashes.
//
// Env knobs for quick runs while developing (defaults are the real benchmark):
//   BENCH_REQUESTS (2000), BENCH_ATTESTATIONS (1000), BENCH_IMPORT_ROWS (100000),
//   BENCH_EXPENSES (1000), BENCH_INCIDENTS (500), BENCH_CONSOLE_CHANGES (60),
//   BENCH_REMINDER_RESIDENTS (200000), BENCH_SMS (2000), BENCH_CIVIL_LINES (50000), BENCH_RECONCILIATION_ROWS (100000),
//   BENCH_ONLY (comma list of bundles,coverage,attestation,fund,incident,console,import,reconciliation,civil,reminders;
//   reconciliation runs the import first, on whose city and floor it is measured; `city` runs only when named:
//   a whole city in a local system of its own, about 12 minutes, with its bill: BENCH_CITY_RESIDENTS (650000),
//   BENCH_CITY_RTS (1650), BENCH_CITY_RECONCILIATION_ROWS (100000), BENCH_CITY_COVERAGE_REQUESTS (2000), and
//   BENCH_CITY_PROFILE, JSON of the month's counts to change for another city, e.g. {"clinicChecks":90000}).
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';
import { demoResidents, demoRts } from '#infra/local/demo-data.ts';
import type { LocalSystem } from '#infra/local/system.ts';
import { type AttestationSection, benchAttestations } from './attestation.ts';
import { type BundleSection, benchBundles, COLD_RUNS, MAX_RATIO } from './bundles.ts';
import { benchCity } from './city/city.ts';
import { cityBill, printCity } from './city/report.ts';
import { benchCivilEvents, type CivilEventsSection } from './civil-events.ts';
import { benchConsole, printConsole } from './console.ts';
import { benchCoverage, type CoverageSection, MAX_P50_RATIO } from './coverage.ts';
import { benchFunds, type FundSection } from './fund.ts';
import { benchImport, type ImportSection, MIN_RATIO } from './import.ts';
import { benchIncidents, type IncidentRun, type IncidentSection } from './incident.ts';
import { benchReconciliation, MIN_FLOOR_RATIO, type ReconciliationSection } from './reconciliation.ts';
import { benchReminders, MAX_READ_RATIO, type RemindersSection } from './reminders.ts';
import { MAX_RATE_DEVIATION } from './sms-sender.ts';
import { passFail, printTable } from './stats.ts';

const REPORT = fileURLToPath(new URL('./report.json', import.meta.url));
const REQUESTS = Number(process.env.BENCH_REQUESTS ?? 2000);
const IMPORT_ROWS = Number(process.env.BENCH_IMPORT_ROWS ?? 100_000);
const ATTESTATIONS = Number(process.env.BENCH_ATTESTATIONS ?? 1000);
const EXPENSES = Number(process.env.BENCH_EXPENSES ?? 1000);
const INCIDENTS = Number(process.env.BENCH_INCIDENTS ?? 500);
const CONSOLE_CHANGES = Number(process.env.BENCH_CONSOLE_CHANGES ?? 60);
const REMINDER_RESIDENTS = Number(process.env.BENCH_REMINDER_RESIDENTS ?? 200_000);
const SMS_MESSAGES = Number(process.env.BENCH_SMS ?? 2000);
const CIVIL_LINES = Number(process.env.BENCH_CIVIL_LINES ?? 50_000);
const RECONCILIATION_ROWS = Number(process.env.BENCH_RECONCILIATION_ROWS ?? 100_000);
const ONLY = new Set(
  (
    process.env.BENCH_ONLY ??
    'bundles,coverage,attestation,fund,incident,console,import,reconciliation,civil,reminders'
  ).split(','),
);
const CONCURRENCY = 20;
const WARMUP = 100;
const COVERAGE_ROUNDS = 3;
/** The import's residents come from another seed than the demo data, so none is stored yet. */
const IMPORT_SEED = 20_240_601;
/** The civil events' residents: a seed of their own, so none is the seed's or the import's. */
const CIVIL_SEED = 20_250_101;

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KB`;

function printBundles(s: BundleSection): void {
  printTable(
    `Bundles (minified; cold import = median of ${COLD_RUNS} fresh node processes; target ≤ ${MAX_RATIO}× floor in both)`,
    ['function', 'size', 'size ×', 'import ms', 'import ×', 'result'],
    [
      [
        '(floor: DynamoDBClient only)',
        kb(s.floorBundle.bytes),
        '1.00',
        s.floorBundle.coldImportMs.toFixed(1),
        '1.00',
        '',
      ],
      ...s.bundles.map((b) => [
        b.name,
        kb(b.bytes),
        b.bytesRatio.toFixed(2),
        b.coldImportMs.toFixed(1),
        b.importRatio.toFixed(2),
        passFail(b.pass),
      ]),
    ],
  );
  console.log(`\nBiggest packages in the worst bundle (${s.worst.name}):`);
  for (const p of s.worst.topPackages) console.log(`  ${kb(p.bytes).padStart(9)}  ${p.name}`);
  const open = Object.entries(s.openHandlesAfterImport);
  if (open.length)
    for (const [name, h] of open) console.log(`  ! ${name} left handles open after import: ${h.join(', ')}`);
}

function printCoverage(s: CoverageSection): void {
  printTable(
    `GET /coverage/{nik}: ${s.requests} requests, ${s.concurrency} in flight, best of ${COVERAGE_ROUNDS} alternating runs (target p50 ≤ ${MAX_P50_RATIO}× floor)`,
    ['path', 'p50 ms', 'p99 ms', 'p50 ×', 'result'],
    [
      [
        'floor: GetItem straight to DynamoDB Local',
        s.floorP50Ms.toFixed(2),
        s.floorP99Ms.toFixed(2),
        '1.00',
        '',
      ],
      [
        'local server → get-coverage handler',
        s.p50Ms.toFixed(2),
        s.p99Ms.toFixed(2),
        s.ratioP50.toFixed(2),
        passFail(s.pass),
      ],
    ],
  );
}

function printAttestations(s: AttestationSection): void {
  printTable(
    `POST /attestations: ${s.requests} requests, ${s.concurrency} in flight, through the local server`,
    ['path', 'p50 ms', 'p99 ms', 'p50 ×'],
    [
      ['floor: the same transactions straight to DynamoDB Local', s.floorP50Ms, s.floorP99Ms, 1],
      [
        'local server → issue-attestation (request path only)',
        s.requestPathP50Ms,
        s.requestPathP99Ms,
        s.requestPathP50Ms / s.floorP50Ms,
      ],
      ['the whole local system (SMS handlers run too)', s.p50Ms, s.p99Ms, s.p50Ms / s.floorP50Ms],
    ].map(([what, p50, p99, x]) => [
      String(what),
      Number(p50).toFixed(2),
      Number(p99).toFixed(2),
      Number(x).toFixed(2),
    ]),
  );
  const under = s.perAttestationUnderLoad;
  printTable(
    'DynamoDB requests per attestation (target: one TransactWriteItems, which carries the idempotency record)',
    ['operation', 'request path', 'under load, incl. SMS handler'],
    [...new Set([...Object.keys(s.requestPath.calls), ...Object.keys(under)])]
      .sort()
      .map((op) => [op, String(s.requestPath.calls[op] ?? 0), String(under[op] ?? 0)]),
  );
  console.log(
    `  request path: ${s.requestPath.writeCapacityUnits} write / ${s.requestPath.readCapacityUnits} read units as ` +
      `DynamoDB Local reports them; ${s.requestPath.awsWriteCapacityUnits} WCU as AWS bills the transaction ` +
      `(2 per item); events: ${s.eventsPerAttestation.join(', ')} → ${passFail(s.pass)}`,
  );
  for (const [what, n] of Object.entries(s.failuresUnderLoad))
    console.log(`  retried under load: ${what} ${n}/attestation`);
}

function printFunds(s: FundSection): void {
  printTable(
    `POST /funds/{rt}/{year}/expenses: ${s.requests} requests, ${s.concurrency} in flight, through the local server`,
    ['where', 'expenses/s', 'p50 ms', 'p99 ms'],
    [
      [
        'one RT (every write on one balance)',
        s.oneRt.expensesPerSecond.toFixed(1),
        s.oneRt.p50Ms.toFixed(2),
        s.oneRt.p99Ms.toFixed(2),
      ],
      [
        '100 RTs',
        s.hundredRts.expensesPerSecond.toFixed(1),
        s.hundredRts.p50Ms.toFixed(2),
        s.hundredRts.p99Ms.toFixed(2),
      ],
    ],
  );
  const calls = Object.entries(s.perExpense.calls)
    .map(([op, n]) => `${n} ${op}`)
    .join(' + ');
  console.log(
    `  per expense: ${calls}; ${s.perExpense.writeCapacityUnits} write units as DynamoDB Local reports them, ` +
      `${s.perExpense.awsWriteCapacityUnits} WCU as AWS bills the transaction; ` +
      `one RT: ${s.retriedPerExpenseOneRt} conflicts retried per expense → ${passFail(s.pass)}`,
  );
}

function printIncidents(s: IncidentSection): void {
  const rows = (r: IncidentRun, pass?: boolean) => [
    [
      `floor: one PutItem straight to DynamoDB Local (${r.concurrency} in flight)`,
      r.floorP50Ms,
      r.floorP99Ms,
      '',
    ],
    [`POST /incidents → 201 (${r.concurrency} in flight)`, r.replyP50Ms, r.replyP99Ms, ''],
    [
      `POST /incidents → SMS in the outbox (${r.concurrency} in flight)`,
      r.alertP50Ms,
      r.alertP99Ms,
      pass === undefined ? 'info' : passFail(pass),
    ],
  ];
  printTable(
    `POST /incidents → the unit's SMS in the outbox: ${s.incidents} P1 incidents through the local server (target p99 < ${s.targetP99Ms} ms, one call at a time)`,
    ['path', 'p50 ms', 'p99 ms', 'result'],
    [...rows(s.sequential, s.pass), ...rows(s.concurrent)].map(([what, p50, p99, r]) => [
      String(what),
      Number(p50).toFixed(2),
      Number(p99).toFixed(2),
      String(r),
    ]),
  );
  const calls = Object.entries(s.perIncident.calls)
    .map(([op, n]) => `${n} ${op}`)
    .join(' + ');
  console.log(
    `  one P1 report and its alerts' delivery: ${calls}; ${s.perIncident.awsWriteCapacityUnits} WCU in transactions by AWS's rule`,
  );
}

function printReminders({ selection: s, sender }: RemindersSection): void {
  printTable(
    `Daily reminders job, ${s.date}: ${s.residents.toLocaleString('en-US')} generated residents in ${s.rts} RTs (target: items read ≤ ${MAX_READ_RATIO} × due)`,
    ['campaign', 'due', 'items read', 'read ×'],
    [
      ...s.campaigns.map((c) => [c.id, c.due, c.read, c.due ? (c.read / c.due).toFixed(3) : '-']),
      ['all (the job)', s.due, s.read, s.readRatio.toFixed(3)],
    ],
  );
  const skipped = Object.entries(s.skipped)
    .map(([k, v]) => `${k} ${v}`)
    .join(', ');
  console.log(
    `  queued ${s.queued}; skipped: ${skipped}; also read: ${s.rtsRead} RT directory entries, ${s.optOutsRead} opted-out numbers; ${s.queries} queries`,
  );
  console.log(
    `  selection ${s.selectSeconds} s; whole job (fires put, messages queued) ${s.jobSeconds} s; same day again ${s.rerunSeconds} s, queued ${s.rerunQueued} → ${passFail(s.pass)}`,
  );
  printTable(
    `Reminder sender: ${sender.messages.toLocaleString('en-US')} SMS through send-sms against a simulated SNS (20–80 ms), batches of 10, ${sender.instances} instances (target within ${MAX_RATE_DEVIATION * 100}% of the configured rate)`,
    ['configured /s', 'achieved /s', 'deviation', 'most in 1 s', 'seconds', 'invocations', 'result'],
    [
      [
        sender.configuredPerSecond,
        sender.achievedPerSecond.toFixed(3),
        `${(sender.deviation * 100).toFixed(2)}%`,
        sender.maxInOneSecond,
        sender.seconds.toFixed(1),
        sender.invocations,
        passFail(sender.pass),
      ],
    ],
  );
}

function printImport(s: ImportSection): void {
  printTable(
    `Import of ${s.rows.toLocaleString('en-US')} new residents (${s.items.toLocaleString('en-US')} items; target ≥ ${MIN_RATIO}× floor)`,
    ['path', 'seconds', 'rows/s', 'ratio', 'result'],
    [
      [
        'floor: raw BatchWriteItem, same items',
        String(Math.min(...s.floorRuns.map((r) => r.seconds))),
        s.floorRowsPerSecond,
        '1.00',
        '',
      ],
      ['runImport (new rows)', String(s.seconds), s.rowsPerSecond, s.ratio.toFixed(2), passFail(s.pass)],
      ['runImport again (all unchanged; info)', String(s.reimportSeconds), s.reimportRowsPerSecond, '', ''],
    ],
  );
}

function printReconciliation(s: ReconciliationSection): void {
  printTable(
    `BPJS invoice reconciliation of ${s.rows.toLocaleString('en-US')} rows (${s.cityPaid.toLocaleString('en-US')} city-paid; ${s.matched.toLocaleString('en-US')} matched, ${s.extra.toLocaleString('en-US')} extra, ${s.missing.toLocaleString('en-US')} missing; target ≥ ${MIN_FLOOR_RATIO}× the import's floor, no Scan)`,
    ['path', 'seconds', 'rows/s', 'ratio', 'DynamoDB calls', 'result'],
    [
      ["import's floor: raw BatchWriteItem", '', s.importFloorRowsPerSecond, '1.00', '', ''],
      [
        'reconcile (one job)',
        String(s.seconds),
        s.rowsPerSecond,
        s.ratio.toFixed(2),
        Object.entries(s.calls)
          .map(([op, n]) => `${op} ${n}`)
          .join(', '),
        passFail(s.pass),
      ],
    ],
  );
}

function printCivilEvents(s: CivilEventsSection): void {
  const e = s.events;
  printTable(
    `Dukcapil civil events: ${s.lines.toLocaleString('en-US')} lines (${e.DEATH.toLocaleString('en-US')} deaths, ` +
      `${e.MOVE_OUT.toLocaleString('en-US')} moves out, ${e.BIRTH.toLocaleString('en-US')} births, ` +
      `${e.birthsWithNik.toLocaleString('en-US')} with the child's NIK; ${s.items.toLocaleString('en-US')} items; ` +
      `target ≥ ${MIN_RATIO}× floor)`,
    ['path', 'seconds', 'lines/s', 'ratio', 'result'],
    [
      [
        'floor: raw BatchWriteItem, same items over those stored',
        String(Math.min(...s.floorRuns.map((r) => r.seconds))),
        s.floorLinesPerSecond,
        '1.00',
        '',
      ],
      ['importCivilEvents', String(s.seconds), s.linesPerSecond, s.ratio.toFixed(2), passFail(s.pass)],
      ['the same file again (all unchanged; info)', String(s.rerunSeconds), s.rerunLinesPerSecond, '', ''],
      [
        'floor into empty tables (new items only; info)',
        String(s.emptyFloor.seconds),
        s.emptyFloor.linesPerSecond,
        (s.linesPerSecond / s.emptyFloor.linesPerSecond).toFixed(2),
        '',
      ],
    ],
  );
  console.log(
    `  residents the feeds are about, loaded first by a residents import: ${s.residentsImportSeconds} s`,
  );
}

async function main(): Promise<number> {
  const started = performance.now();
  process.env.LOCAL_ACCESS_LOG = '0';
  const report: Record<string, unknown> = {
    date: new Date().toISOString(),
    node: process.version,
    cpus: cpus().length,
  };

  // Bundles first, before DynamoDB Local starts, so the cold imports share the machine with nothing else.
  if (ONLY.has('bundles')) {
    const s = await benchBundles();
    report.bundles = s.bundles;
    report.floorBundle = s.floorBundle;
    report.worstBundle = s.worst;
    report.openHandlesAfterImport = s.openHandlesAfterImport;
    printBundles(s);
  }

  if (
    [
      'coverage',
      'attestation',
      'fund',
      'incident',
      'console',
      'import',
      'reconciliation',
      'civil',
      'reminders',
    ].some((s) => ONLY.has(s))
  ) {
    // Imported only now: it sets the process up as local mode (endpoint, in-process adapters).
    const { startLocalSystem } = await import('#infra/local/system.ts');
    const system: LocalSystem = await startLocalSystem({ port: 0, quiet: true });
    try {
      const rts = demoRts(12);
      // The same residents the seed imports.
      const seeded = demoResidents(520, rts).slice(0, 500);
      if (ONLY.has('coverage')) {
        const s = await benchCoverage({
          url: system.url,
          dynamoEndpoint: system.dynamoEndpoint,
          niks: seeded.map((r) => r.nik),
          requests: REQUESTS,
          concurrency: CONCURRENCY,
          warmup: WARMUP,
          rounds: COVERAGE_ROUNDS,
        });
        report.coverage = s;
        printCoverage(s);
      }
      // The reconciliation checks BPJS's list against the city the import loads, and against the import's floor.
      if (ONLY.has('import') || ONLY.has('reconciliation')) {
        const taken = new Set(seeded.map((r) => r.nik));
        // Two sets of fresh residents: the import is timed twice, as the floor is, and reports its better run.
        const residents = demoResidents(Math.ceil(IMPORT_ROWS * 2.04) + 200, rts, IMPORT_SEED)
          .filter((r) => !taken.has(r.nik))
          .slice(0, IMPORT_ROWS * 2);
        if (residents.length < IMPORT_ROWS * 2)
          throw new Error(`only ${residents.length} distinct residents generated`);
        const s = await benchImport({
          dynamoEndpoint: system.dynamoEndpoint,
          residents: residents.slice(0, IMPORT_ROWS),
          second: residents.slice(IMPORT_ROWS),
        });
        report.import = s;
        printImport(s);
        if (ONLY.has('reconciliation')) {
          const r = await benchReconciliation({
            rows: RECONCILIATION_ROWS,
            residents: [...seeded, ...residents],
            rts,
            importFloorRowsPerSecond: s.floorRowsPerSecond,
          });
          report.reconciliation = r;
          printReconciliation(r);
        }
      }
      if (ONLY.has('civil')) {
        const taken = new Set(seeded.map((r) => r.nik));
        // Two sets of residents, one for each timed run: a line about someone changes them for good.
        const residents = demoResidents(Math.ceil(CIVIL_LINES * 2.1) + 200, rts, CIVIL_SEED).filter(
          (r) => !taken.has(r.nik),
        );
        const half = Math.floor(residents.length / 2);
        const s = await benchCivilEvents({
          dynamoEndpoint: system.dynamoEndpoint,
          rts,
          residents: residents.slice(0, half),
          second: residents.slice(half),
          lines: CIVIL_LINES,
        });
        report.civil = s;
        printCivilEvents(s);
      }
      // After the import: its figures stay comparable with earlier reports, and this section's floor shares
      // DynamoDB Local's state with it.
      if (ONLY.has('attestation')) {
        const s = await benchAttestations({
          url: system.url,
          dynamoEndpoint: system.dynamoEndpoint,
          bus: system.bus,
          rts,
          requests: ATTESTATIONS,
          concurrency: 10,
          warmup: 200,
        });
        report.attestation = s;
        printAttestations(s);
      }
      if (ONLY.has('fund')) {
        const s = await benchFunds({ url: system.url, requests: EXPENSES, concurrency: 20, warmup: 300 });
        report.fund = s;
        printFunds(s);
      }
      if (ONLY.has('incident')) {
        const s = await benchIncidents({ system, incidents: INCIDENTS, concurrency: 5, warmup: 100 });
        report.incident = s;
        printIncidents(s);
      }
      if (ONLY.has('console')) {
        const s = await benchConsole({ system, changes: CONSOLE_CHANGES });
        if (s) {
          report.console = s;
          printConsole(s);
        }
      }
      if (ONLY.has('reminders')) {
        const s = await benchReminders({
          residents: REMINDER_RESIDENTS,
          messages: SMS_MESSAGES,
          queue: system.queue,
          notifier: system.outbox,
        });
        report.reminders = s;
        printReminders(s);
      }
    } finally {
      await system.stop();
    }
  }

  // A city of its own, after everything else: it needs the machine to itself (and DynamoDB Local's memory).
  if (ONLY.has('city')) {
    const s = await benchCity({
      residents: Number(process.env.BENCH_CITY_RESIDENTS ?? 650_000),
      rts: Number(process.env.BENCH_CITY_RTS ?? 1650),
      reconciliationRows: Number(process.env.BENCH_CITY_RECONCILIATION_ROWS ?? 100_000),
      coverage: {
        requests: Number(process.env.BENCH_CITY_COVERAGE_REQUESTS ?? 2000),
        concurrency: CONCURRENCY,
        warmup: WARMUP,
        rounds: COVERAGE_ROUNDS,
      },
    });
    report.city = s;
    report.bill = cityBill(s);
    printCity(s, report.bill as ReturnType<typeof cityBill>);
  }

  report.targets = {
    bundleBytesRatioMax: MAX_RATIO,
    coldImportRatioMax: MAX_RATIO,
    coverageP50RatioMax: MAX_P50_RATIO,
    importRowsPerSecondRatioMin: MIN_RATIO,
    civilEventsLinesPerSecondRatioMin: MIN_RATIO,
    reconciliationRowsPerSecondImportFloorRatioMin: MIN_FLOOR_RATIO,
    reminderReadRatioMax: MAX_READ_RATIO,
    smsRateDeviationMax: MAX_RATE_DEVIATION,
  };
  report.durationSeconds = Math.round((performance.now() - started) / 1000);
  writeFileSync(REPORT, `${JSON.stringify(report, null, 2)}\n`);
  console.log(`\nReport: ${REPORT} (${report.durationSeconds} s)`);
  return 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
