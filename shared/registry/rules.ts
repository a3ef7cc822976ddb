// Pure coverage rules: what a coverage state counts towards (UHC, the city's premium bill) and how a
// change moves those counts. No I/O here.
import { dayWib, monthWib } from '#shared/platform/wib.ts';
import type { CoverageStatus, CurrentCoverage, Resident, Scheme } from './schemas.ts';

export interface CoverageState {
  scheme: Scheme;
  status: CoverageStatus;
}

/** Enrolled in JKN at all (any scheme, active or not): the UHC "covered" count. */
export const isEnrolled = (c: CoverageState | null | undefined): boolean => !!c;
/** Coverage usable at a clinic right now. */
export const isActive = (c: CoverageState | null | undefined): boolean => c?.status === 'ACTIVE';
/** The city pays this resident's premium (PBI APBD, "Kartu Bahagia") while it is active. */
export const isCityPaid = (c: CoverageState | null | undefined): boolean =>
  c?.scheme === 'PBI_APBD' && c.status === 'ACTIVE';

export interface UhcCounts {
  residents: number;
  covered: number;
  active: number;
}

/** How one resident counts in the UHC aggregate of their kelurahan. */
export function uhcContribution(c: CoverageState | null | undefined): UhcCounts {
  return { residents: 1, covered: isEnrolled(c) ? 1 : 0, active: isActive(c) ? 1 : 0 };
}

/** Months are calendar months in WIB (UTC+7, no daylight saving). */
export { monthWib };

export function addMonths(month: string, n: number): string {
  const [y, m] = month.split('-').map(Number) as [number, number];
  const total = y * 12 + (m - 1) + n;
  return `${Math.floor(total / 12)}-${String((total % 12) + 1).padStart(2, '0')}`;
}

/**
 * The premium bill counts a city-paid resident in every month they were active at any time.
 * It is kept as deltas by month (count(M) = sum of deltas up to M): +1 from the month a city-paid
 * period starts, -1 from the month after it ends. A period reopened in the month the last one ended
 * starts counting the month after, so nobody is billed twice for one month.
 */
export function premiumDeltas(
  before: CoverageState | null | undefined,
  after: CoverageState | null | undefined,
  at: string,
  apbdLastEnd: string | undefined,
): { deltas: { month: string; delta: number }[]; apbdLastEnd: string | undefined } {
  const month = monthWib(at);
  const was = isCityPaid(before);
  const is = isCityPaid(after);
  if (was === is) return { deltas: [], apbdLastEnd };
  if (was) return { deltas: [{ month: addMonths(month, 1), delta: -1 }], apbdLastEnd: month };
  const from = apbdLastEnd && apbdLastEnd >= month ? addMonths(apbdLastEnd, 1) : month;
  return { deltas: [{ month: from, delta: 1 }], apbdLastEnd };
}

/** The calendar day `n` days after a day (YYYY-MM-DD). */
export function addDays(day: string, n: number): string {
  return new Date(Date.parse(`${day}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
}

/** The month a city-paid period's premium count began: its start, or after the last period's end month. */
export function billedFrom(since: string, apbdLastEnd: string | undefined): string {
  const start = monthWib(since);
  return apbdLastEnd && apbdLastEnd >= start ? addMonths(apbdLastEnd, 1) : start;
}

/** The last month whose premium is due by `today` (YYYY-MM-DD, WIB): a month's premium is due on its `dueDay`. */
export function lastDueMonth(today: string, dueDay: number): string {
  const month = today.slice(0, 7);
  return Number(today.slice(8, 10)) >= dueDay ? month : addMonths(month, -1);
}

export interface DeathBill {
  /** The premium deltas that make the month of death the last billed (none when the city did not pay). */
  deltas: { month: string; delta: number }[];
  /** Billed months after the month of death whose premium was already due: to recover from BPJS. */
  overpaid: string[];
  apbdLastEnd: string | undefined;
}

/**
 * What a death does to the city's premium bill. A city-paid resident stays billed through the month they died in
 * (JKN bills whole months) and no longer: the count stops the month after, or — coverage opened after the death —
 * where it began, so it never bills them at all. The months between that and the last one already due by `today`
 * were paid for a dead person.
 */
export function deathBill(
  coverage: (CoverageState & { since: string }) | null | undefined,
  apbdLastEnd: string | undefined,
  deathDay: string,
  today: string,
  dueDay: number,
): DeathBill {
  if (!coverage || !isCityPaid(coverage)) return { deltas: [], overpaid: [], apbdLastEnd };
  const from = billedFrom(coverage.since, apbdLastEnd);
  const afterDeath = addMonths(deathDay.slice(0, 7), 1);
  const stop = afterDeath > from ? afterDeath : from;
  const overpaid: string[] = [];
  for (let m = stop, last = lastDueMonth(today, dueDay); m <= last; m = addMonths(m, 1)) overpaid.push(m);
  return {
    deltas: [{ month: stop, delta: -1 }],
    overpaid,
    // The last month billed, when this period billed one.
    apbdLastEnd: stop > from ? addMonths(stop, -1) : apbdLastEnd,
  };
}

/**
 * Why a back-dated start (`from`, a WIB day) cannot open a period after the current one; undefined when it can. A
 * period never starts before the one it closes: the history stays in order, and the months already billed stay so.
 */
export function fromProblem(current: { since: string } | null | undefined, from: string | undefined) {
  if (!from || !current) return undefined;
  const began = dayWib(current.since);
  return from < began ? `must not be before ${began}, the day the current coverage period began` : undefined;
}

export interface CoverageView {
  nik: string;
  covered: boolean;
  status: CoverageStatus | 'NONE' | 'DECEASED' | 'MOVED_OUT';
  scheme: Scheme | null;
  since: string | null;
  source: string | null;
}

/**
 * What a clinic desk is told: `covered` means JKN will pay for care today (status ACTIVE). A resident who has
 * died is DECEASED, whatever coverage they had.
 */
export function coverageView(
  nik: string,
  c: CurrentCoverage | null | undefined,
  civilStatus?: Resident['civilStatus'],
): CoverageView {
  if (civilStatus === 'DECEASED')
    return { nik, covered: false, status: 'DECEASED', scheme: null, since: null, source: null };
  // Moved out: JKN is national, so coverage the city does not pay goes with them; without it, MOVED_OUT.
  if (civilStatus === 'MOVED_OUT' && !c)
    return { nik, covered: false, status: 'MOVED_OUT', scheme: null, since: null, source: null };
  return {
    nik,
    covered: isActive(c),
    status: c?.status ?? 'NONE',
    scheme: c?.scheme ?? null,
    since: c?.since ?? null,
    source: c?.source ?? null,
  };
}

/** Age in whole years on a date (YYYY-MM-DD). */
export function ageOn(birthDate: string, on: string): number {
  const [by, bm, bd] = birthDate.split('-').map(Number) as [number, number, number];
  const [y, m, d] = on.split('-').map(Number) as [number, number, number];
  return y - by - (m < bm || (m === bm && d < bd) ? 1 : 0);
}

/** A resident as the API shows them: without the bookkeeping fields. */
export function publicResident(r: Resident) {
  const { apbdLastEnd: _internal, coverage, ...rest } = r;
  if (!coverage) return { ...rest, coverage: null };
  const { periodSk: _key, ...shown } = coverage;
  return { ...rest, coverage: shown };
}
