// The city section's tables, its bill (bill.ts on the figures measured) and the province's arithmetic (province.ts).
import { config } from '#shared/platform/config.ts';
import type { Rate } from '../cost/prices.ts';
import { PRICES } from '../cost/prices.ts';
import { passFail, printTable } from '../stats.ts';
import { type Bill, bill, cityProfile, type UsageProfile } from './bill.ts';
import type { CitySection } from './city.ts';
import { GIVE_UP_LIMIT, PARTITION_WCU, provinceArithmetic, TRANSACT_TRIES } from './province.ts';

/** The item sizes of a resident (profile and a coverage period, each with its index copies), for the storage line. */
const BYTES_PER_RESIDENT = 2_000;

/** The reminders of a month: the daily campaigns' due × 30.4, the monthly broadcast once, each RT's once a year. */
function remindersPerMonth(s: CitySection): number {
  const due = (id: string) => s.reminders.campaigns.find((c) => c.id === id)?.due ?? 0;
  return Math.round(
    (due('ckg-ulang-tahun') + due('imunisasi-bayi')) * 30.4 +
      due('posyandu-lansia') +
      (due('ckg-rt-minggu') * s.rts) / 12,
  );
}

/** The SMS rate: prices.ts's when it has one; else the price the city configures for its SMS budget, saying so. */
export function smsRate(): Rate {
  if (Number.isFinite(PRICES.snsSmsIndonesia.usd)) return PRICES.snsSmsIndonesia;
  return {
    usd: config().SMS_PRICE_USD_PER_PART,
    unit: '1 SMS part to an Indonesian number',
    source: 'SMS_PRICE_USD_PER_PART (shared/platform/config.ts): the price the city sets for its SMS budget',
    asOf: '2026-12-03',
    region: 'ap-southeast-3',
    note: PRICES.snsSmsIndonesia.note ?? '',
  };
}

/**
 * Another city's month: BENCH_CITY_PROFILE, JSON of the profile's fields to change (e.g. '{"clinicChecks":90000}');
 * an unknown field or a count that is not a whole number ≥ 0 stops the bench, naming it.
 */
export function profileOverrides(json: string | undefined, known: readonly string[]): Partial<UsageProfile> {
  if (!json) return {};
  const given = JSON.parse(json) as Record<string, unknown>;
  for (const [k, v] of Object.entries(given)) {
    if (!known.includes(k)) throw new Error(`BENCH_CITY_PROFILE: ${k} is not one of ${known.join(', ')}`);
    if (!Number.isInteger(v) || (v as number) < 0)
      throw new Error(`BENCH_CITY_PROFILE: ${k} must be a whole number ≥ 0`);
  }
  return given as Partial<UsageProfile>;
}

export function cityBill(s: CitySection, overrides = process.env.BENCH_CITY_PROFILE) {
  const measured = cityProfile({
    rts: s.rts,
    residents: s.residents,
    cityPaid: s.reconciliation.cityPaid,
    reminderSmsPerMonth: remindersPerMonth(s),
  });
  const profile = { ...measured, ...profileOverrides(overrides, Object.keys(measured)) };
  const b = bill(
    s.perOperation,
    profile,
    s.residents,
    (s.residents * BYTES_PER_RESIDENT) / 1024 ** 3,
    smsRate(),
  );
  const province = provinceArithmetic({
    profile,
    city: { name: 'the city', residents: s.residents, kelurahan: s.kelurahan, rts: s.rts },
    importRowsPerSecond: s.residentsImport.rowsPerSecond,
  });
  return { ...b, province };
}

const usd = (n: number) =>
  `$${n.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
const n0 = (n: number) => Math.round(n).toLocaleString('en-US');

export function printCity(s: CitySection, b: ReturnType<typeof cityBill>): void {
  const imp = s.residentsImport;
  printTable(
    `A city of ${n0(s.residents)} residents in ${n0(s.rts)} RTs over ${s.kelurahan} kelurahan (${n0(s.households)} households): ` +
      `enrolled ${s.shares.enrolledPct}%, active ${s.shares.activePct}%, PBI APBD ${s.shares.pbiApbdPct}%, phones ${s.shares.phonePct}%, RTs under 60 households ${s.shares.smallRtPct}%`,
    ['what', 'figure', 'floor', '×', 'result'],
    [
      ['generate the city (s)', String(s.generateSeconds), '', '', ''],
      [`POST /rts/import, ${s.rtImport.rows} rows (s)`, String(s.rtImport.seconds), '', '', ''],
      [`upload job, the first tenth: ${n0(imp.pilotRows)} rows (s)`, String(imp.pilotSeconds), '', '', ''],
      [
        `upload job, the rest: ${n0(imp.rows)} rows (rows/s)`,
        n0(imp.rowsPerSecond),
        n0(imp.floorRowsPerSecond),
        imp.ratio.toFixed(2),
        `${imp.seconds} s; ${imp.fitsLambdaTimeout ? 'the whole city fits' : 'over'} a Lambda's 15 min`,
      ],
      [
        'GET /coverage p50 / p99 (ms), table at full size',
        `${s.coverage.p50Ms.toFixed(2)} / ${s.coverage.p99Ms.toFixed(2)}`,
        `${s.coverage.floorP50Ms.toFixed(2)} / ${s.coverage.floorP99Ms.toFixed(2)}`,
        s.coverage.ratioP50.toFixed(2),
        passFail(s.coverage.pass),
      ],
      [
        `/uhc of the city`,
        `${s.uhcCheck.residents} residents`,
        '',
        '',
        `${s.uhcCheck.coveredPct}% / ${s.uhcCheck.activePct}%`,
      ],
    ],
  );
  printTable(
    'Figures for the city: items read per call at a tenth of the city and at all of it, never above the bound (kelurahan in the area; months since 2014-01), latency of 30 calls',
    ['path', 'items @10%', 'items @100%', 'bound', 'requests', 'p50 ms', 'p99 ms', 'result'],
    s.reads.map((r) => [
      r.path,
      String(r.itemsReadAtTenth),
      String(r.itemsRead),
      String(r.bound),
      String(r.requests),
      r.p50Ms.toFixed(1),
      r.p99Ms.toFixed(1),
      passFail(r.itemsRead <= r.bound),
    ]),
  );
  const d = s.paging.rtDirectory;
  const r = s.paging.rtResidents;
  const rem = s.reminders;
  const inc = s.incidents;
  printTable(
    'Paging, the reminders of a busy day, BPJS invoice, a day of 112',
    ['what', 'figure'],
    [
      [
        `GET /rts, ${d.rts} RTs in ${d.pages} pages of 100`,
        `p50 ${d.p50Ms} ms, p99 ${d.p99Ms} ms, ${d.seconds} s in all`,
      ],
      [
        `GET /rts/{rt}/residents, the largest RT (${r.residents}) in ${r.pages} pages of 50`,
        `p50 ${r.p50Ms} ms, p99 ${r.p99Ms} ms`,
      ],
      [
        `reminders job ${rem.date}: ${n0(rem.due)} due (${rem.campaigns.map((c) => `${c.id} ${c.due}`).join(', ')})`,
        `${rem.seconds} s, read ${n0(rem.read)} (${rem.readPerDue} per due) ${passFail(rem.readPerDue <= 1.05)}`,
      ],
      [
        `BPJS invoice, ${n0(s.reconciliation.rows)} rows (city pays ${n0(s.reconciliation.cityPaid)})`,
        `${s.reconciliation.seconds} s, ${n0(s.reconciliation.rowsPerSecond)} rows/s (${s.reconciliation.ratio}× the import floor) ${passFail(s.reconciliation.pass)}`,
      ],
      [
        `112: ${inc.incidents} reports (${inc.perDayToday * 10}/day = 10× today), each to RESOLVED`,
        `report → SMS alert p50 ${inc.reportToAlertP50Ms} ms, p99 ${inc.reportToAlertP99Ms} ms; whole lifecycle p50 ${inc.wholeLifecycleP50Ms} ms; ${inc.seconds} s`,
      ],
      [
        'memory: DynamoDB Local peak / the bench peak',
        `${s.memory.dynamoLocalPeakMb ?? '?'} MB / ${s.memory.benchPeakMb} MB`,
      ],
      ['the section', `${s.seconds} s`],
    ],
  );
  printBill(b);
}

function printBill(b: Bill & { province: ReturnType<typeof provinceArithmetic> }): void {
  printTable(
    `The month's bill (${b.region}, on-demand): ${usd(b.totalUsd)} a month, ${usd(b.perResidentUsd * 1000)} per 1,000 residents; ${b.dominant.service} is ${b.dominant.pct}%`,
    ['service', 'USD a month', 'share'],
    b.byService.map((l) => [l.service, usd(l.usd), `${l.pct}%`]),
  );
  printTable(
    'Its lines (quantity a month × rate; "est." = estimated, not metered)',
    ['service', 'quantity', 'unit', 'rate (USD)', 'rate region', 'USD'],
    b.lines.map((l) => [
      l.service,
      n0(l.quantity),
      `${l.unit}${l.estimated ? ' (est.)' : ''}`,
      String(l.rate.usd),
      l.rate.region,
      usd(l.usd),
    ]),
  );
  printTable(
    'Per operation (measured in the city): what one costs, and the month of them',
    ['operation', 'a month', 'USD each', 'USD a month'],
    b.perOperation.map((o) => [o.operation, n0(o.count), o.unitUsd.toFixed(6), usd(o.monthUsd)]),
  );
  printTable(
    `Shared items at the city's peak and at ${b.province.province.name} (limits: ${PARTITION_WCU} WCU/s a partition; under ${GIVE_UP_LIMIT * 100}% of transactions failing after ${TRANSACT_TRIES} conflicted tries)`,
    [
      'item',
      'scope',
      'city writes/s',
      'city WCU/s',
      'city conflict',
      'province writes/s',
      'province WCU/s',
      'province conflict',
      'import at limit (rows/s)',
      'verdict',
    ],
    b.province.rows.map((r) => [
      r.item,
      r.scope,
      String(r.city.itemWritesPerSecond),
      String(r.city.partitionWcu),
      `${(r.city.conflict * 100).toFixed(2)}% (${r.city.givenUp} fail)`,
      String(r.province.itemWritesPerSecond),
      String(r.province.partitionWcu),
      `${(r.province.conflict * 100).toFixed(2)}% (${r.province.givenUp} fail)`,
      r.importAtLimit === null ? '' : r.importAtLimit.toLocaleString('en-US'),
      r.verdict,
    ]),
  );
  for (const a of [...b.assumptions, ...b.province.assumptions]) console.log(`  - ${a}`);
}
