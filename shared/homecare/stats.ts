// Homecare's figures for a period (pure over what the month index holds): requests by need and status, the days from
// request to first visit (median, p90), visits per month, trips. CHT-style targets: counts a puskesmas can act on.
import { dayWib } from '#shared/platform/wib.ts';
import { daysBetween, percentile } from './lifecycle.ts';
import { type HomecareRequest, NEEDS, STATUSES, type Trip, type Visit } from './schemas.ts';

export interface Period {
  from: string;
  to: string;
}

const inPeriod = (day: string, p: Period) => day >= p.from && day <= p.to;

/** The WIB months a period spans, oldest first. */
export function monthsOf(p: Period): string[] {
  const out: string[] = [];
  let [y, m] = p.from.slice(0, 7).split('-').map(Number) as [number, number];
  const last = p.to.slice(0, 7);
  for (;;) {
    const month = `${y}-${String(m).padStart(2, '0')}`;
    if (month > last) return out;
    out.push(month);
    m++;
    if (m > 12) {
      m = 1;
      y++;
    }
  }
}

export function homecareStats(
  p: Period,
  data: { requests: HomecareRequest[]; visits: Visit[]; trips: Trip[] },
  today: string,
) {
  const requests = data.requests.filter((r) => inPeriod(dayWib(r.requestedAt), p));
  const byNeed = Object.fromEntries(NEEDS.map((n) => [n, 0])) as Record<string, number>;
  const byStatus = Object.fromEntries(STATUSES.map((s) => [s, 0])) as Record<string, number>;
  for (const r of requests) {
    byNeed[r.need]!++;
    byStatus[r.status]!++;
  }
  const toFirst = requests
    .filter((r) => r.firstVisitOn)
    .map((r) => daysBetween(dayWib(r.requestedAt), r.firstVisitOn!))
    .sort((a, b) => a - b);
  const waiting = requests.filter(
    (r) => !r.firstVisitOn && (r.status === 'REQUESTED' || r.status === 'SCHEDULED'),
  );
  const visits = data.visits.filter((v) => inPeriod(v.date, p));
  const byMonth = new Map<string, { month: string; scheduled: number; done: number; notDone: number }>();
  for (const month of monthsOf(p)) byMonth.set(month, { month, scheduled: 0, done: 0, notDone: 0 });
  for (const v of visits) {
    const row = byMonth.get(v.date.slice(0, 7))!;
    if (v.status === 'DONE') row.done++;
    else if (v.status === 'NOT_DONE') row.notDone++;
    else row.scheduled++;
  }
  const trips = data.trips.filter((t) => inPeriod(dayWib(t.pickupAt), p));
  return {
    requests: { total: requests.length, byNeed, byStatus },
    daysToFirstVisit: {
      visited: toFirst.length,
      median: percentile(toFirst, 50),
      p90: percentile(toFirst, 90),
    },
    waitingForFirstVisit: {
      count: waiting.length,
      oldestDays: waiting.length
        ? Math.max(...waiting.map((r) => daysBetween(dayWib(r.requestedAt), today)))
        : null,
    },
    visitsByMonth: [...byMonth.values()],
    trips: {
      total: trips.length,
      booked: trips.filter((t) => t.status === 'BOOKED').length,
      noUnit: trips.filter((t) => t.status === 'NO_UNIT').length,
      cancelled: trips.filter((t) => t.status === 'CANCELLED').length,
      movedByEmergency: trips.filter((t) => (t.movedFrom ?? []).length > 0).length,
    },
  };
}
