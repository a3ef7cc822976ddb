// The province, by arithmetic: for every item many writers touch (cost/hot-items.ts), its writes per second at the
// city's peak and at an 11-million province's, against DynamoDB's limits — 1,000 write units a second per partition
// (a transactional write costs 2) — and the chance that a transaction on it meets another one in flight (DynamoDB
// cancels it: TransactionConflict), p = 1 − e^(−λτ), for λ the item's writes a second and τ a transaction's time.
import { config } from '#shared/platform/config.ts';
import { HOT_ITEMS, type HotItem, type Operation } from '../cost/hot-items.ts';
import { round } from '../stats.ts';
import type { UsageProfile } from './bill.ts';

/** DynamoDB: write units a second one partition takes. */
export const PARTITION_WCU = 1000;
/** A transaction's time in flight in AWS (assumed: a TransactWriteItems of a few items, in-region). */
export const TRANSACTION_SECONDS = 0.025;
/** shared/platform/dynamo.ts transact(): tries before a conflicted transaction fails its request. */
export const TRANSACT_TRIES = 6;
/** Worth a design change: one transaction in 10,000 failing its request after all its tries meet a conflict. */
export const GIVE_UP_LIMIT = 1e-4;
export const PROVINCE_RESIDENTS = 11_000_000;
/** Working seconds of a month (22 days of 8 hours) and the busiest hour's share above the average (×3). */
const WORK_SECONDS = 22 * 8 * 3600;
const PEAK = 3;

export interface Scale {
  name: string;
  residents: number;
  kelurahan: number;
  rts: number;
}

export interface Load {
  itemWritesPerSecond: number;
  partitionWcu: number;
  conflict: number;
  givenUp: number;
}

export interface ProvinceRow {
  item: string;
  key: string;
  scope: HotItem['scope'];
  transactional: boolean;
  /**
   * Writes a second to the busiest single item, write units a second to its partition, the share of transactions on
   * it that meet another, and the share that fail their request, every try meeting one (conflict^6).
   */
  city: Load;
  province: Load;
  /**
   * For an item an import writes: the import's rows a second at which its partition reaches the limit at the
   * province's scale (DynamoDB in AWS writes faster than DynamoDB Local; the import goes as fast as it can).
   */
  importAtLimit: number | null;
  verdict: string;
}

/**
 * Each operation's rate at the peak, per second: the month's count over working hours at three times the average;
 * the import and the reminders' sender run at their own rate (one import at a time; the account's SMS rate), so those
 * do not grow with the province, only the count of what they touch does.
 */
function peakRates(
  profile: UsageProfile,
  importRowsPerSecond: number,
  factor: number,
): Partial<Record<Operation, number>> {
  const work = (n: number) => ((n * factor) / WORK_SECONDS) * PEAK;
  return {
    clinicCheck: work(profile.clinicChecks),
    letter: work(profile.letters),
    letterDecision: work(profile.letters),
    expense: work(profile.expenses),
    // 112 around the clock: a day's reports at ten times today's rate, the busiest hour three times the average.
    incident: ((profile.incidents * 10 * factor) / (30 * 86_400)) * PEAK,
    // One import of either kind at a time (they share the lock): the residents' list at its rate, no feed beside it.
    importRow: importRowsPerSecond,
    civilEvent: 0,
    reminderSms: config().SMS_RATE_PER_SECOND,
  };
}

/** How many copies of an item share the writes (one per kelurahan, per RT…), at a scale. */
function copies(scope: HotItem['scope'], s: Scale): number {
  if (scope === 'kelurahan') return s.kelurahan;
  if (scope === 'kecamatan') return Math.max(1, Math.round(s.kelurahan / 6));
  if (scope === 'rt' || scope === 'account') return s.rts;
  if (scope === 'rw') return Math.max(1, Math.round(s.rts / 6));
  // 112's units: assumed 12 for 650,000 residents (the demo's count; the city registers its own), as many per resident.
  if (scope === 'unit') return Math.max(1, Math.round((12 * s.residents) / 650_000));
  return 1;
}

/** Whether every copy lives under one partition key (`pk=AGG#UHC sk=<kelurahan>`): then the partition takes all. */
const sharedPartition = (item: HotItem) => !/pk=[^ ]*</.test(item.key);

const CHUNK_ROWS = 500;

/** Months of starts a city-paid period may have (2014-01 to now): the premium items an import chunk can touch. */
const MONTHS = 13 * 12;
/** City-paid rows in a 500-row chunk (15% PBI APBD): at worst each starts in a month of its own. */
const CITY_PAID_ROWS = Math.round(CHUNK_ROWS * 0.15);

/**
 * The copies one import chunk touches: the import takes its rows in RT order (shared/registry/import.ts), so a chunk's
 * 500 rows are of a few neighbouring RTs and kelurahan (rows per copy = residents / copies); a month's premium item
 * is touched by each city-paid row that starts in it.
 */
function touchedPerChunk(item: HotItem, n: number, s: Scale): number {
  if (item.period === 'month' && item.scope === 'city') return Math.min(MONTHS, CITY_PAID_ROWS);
  if (n === 1) return 1;
  return Math.min(n, Math.ceil(CHUNK_ROWS / (s.residents / n)) + 1);
}

function load(item: HotItem, rates: Partial<Record<Operation, number>>, s: Scale) {
  const n = copies(item.scope, s) * (item.shards ?? 1);
  let busiest = 0;
  let all = 0;
  for (const [op, writes] of Object.entries(item.writes) as [Operation, number][]) {
    const rate = rates[op] ?? 0;
    if (op === 'importRow' || op === 'civilEvent') {
      // Summed per 500-row chunk: each chunk writes each copy it touches once.
      const chunks = rate / CHUNK_ROWS;
      busiest += writes > 0 ? chunks : 0;
      all += writes > 0 ? chunks * touchedPerChunk(item, n, s) : 0;
    } else {
      busiest += (rate * writes) / n;
      all += rate * writes;
    }
  }
  const units = item.transactional ? 2 : 1;
  const partitionWcu = (sharedPartition(item) ? all : busiest) * units;
  const conflict = item.transactional ? 1 - Math.exp(-busiest * TRANSACTION_SECONDS) : 0;
  return {
    itemWritesPerSecond: round(busiest, 3),
    partitionWcu: round(partitionWcu, 1),
    conflict: round(conflict, 4),
    givenUp: Number((conflict ** TRANSACT_TRIES).toPrecision(2)),
  };
}

export function provinceArithmetic(o: {
  profile: UsageProfile;
  city: Scale;
  importRowsPerSecond: number;
  /** The shared items (cost/hot-items.ts unless given). */
  hotItems?: readonly HotItem[];
}): {
  rows: ProvinceRow[];
  province: Scale;
  assumptions: string[];
} {
  const factor = PROVINCE_RESIDENTS / o.city.residents;
  const province: Scale = {
    name: 'a province of 11 million',
    residents: PROVINCE_RESIDENTS,
    kelurahan: Math.round(o.city.kelurahan * factor),
    rts: Math.round(o.city.rts * factor),
  };
  const cityRates = peakRates(o.profile, o.importRowsPerSecond, 1);
  const provinceRates = peakRates(o.profile, o.importRowsPerSecond, factor);
  const rows = (o.hotItems ?? HOT_ITEMS).map((item) => {
    const c = load(item, cityRates, o.city);
    const p = load(item, provinceRates, province);
    const base = load(item, { ...provinceRates, importRow: 0 }, province).partitionWcu;
    const perRow = (p.partitionWcu - base) / o.importRowsPerSecond;
    const importAtLimit = perRow > 0 ? Math.round((PARTITION_WCU - base) / perRow) : null;
    const verdict =
      p.partitionWcu >= PARTITION_WCU
        ? `partition limit: ${p.partitionWcu} WCU/s of ${PARTITION_WCU}`
        : p.givenUp >= GIVE_UP_LIMIT
          ? `conflicts: ${round(p.conflict * 100, 1)}% meet one, ${round(p.givenUp * 100, 2)}% fail after ${TRANSACT_TRIES} tries`
          : p.partitionWcu >= PARTITION_WCU / 2
            ? `half the partition: ${p.partitionWcu} WCU/s`
            : 'fine';
    return {
      item: item.id,
      key: item.key,
      scope: item.scope,
      transactional: item.transactional,
      city: c,
      province: p,
      importAtLimit,
      verdict,
    };
  });
  return {
    rows,
    province,
    assumptions: [
      `Peaks: a month's operations over ${WORK_SECONDS / 3600} working hours, the busiest hour ${PEAK}× the average; 112 around the clock at ten times today's rate.`,
      `The import runs at the measured rate (${Math.round(o.importRowsPerSecond)} rows/s), one at a time, at either scale; the reminders' sender at SMS_RATE_PER_SECOND (${config().SMS_RATE_PER_SECOND}/s).`,
      `The province: ${province.kelurahan} kelurahan and ${province.rts} RTs (the city's per resident, ×${round(factor, 1)}).`,
      `A transaction in flight ${TRANSACTION_SECONDS * 1000} ms; a transactional write costs 2 WCU; writes spread evenly over an item's copies.`,
      'An import chunk (500 rows, taken in RT order) writes once each item it touches: the kelurahan and RTs of its rows (residents ÷ copies rows each), and at worst a premium month for each of its ~75 city-paid rows.',
      '112 units: 12 for 650,000 residents (assumed), as many per resident in the province.',
    ],
  };
}
