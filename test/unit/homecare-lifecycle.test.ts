// Homecare's pure rules: every move of the request lifecycle (allowed ones and the 409's {from, to, allowed}), the
// days waited, the percentiles of the figures, the figures over a period, and the SMS texts (one GSM-7 part whatever
// the names, no NIK).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { daysBetween, InvalidMove, MOVES, move, percentile } from '../../shared/homecare/lifecycle.ts';
import { daysWaited } from '../../shared/homecare/requests.ts';
import { type HomecareRequest, STATUSES, type Visit } from '../../shared/homecare/schemas.ts';
import { homecareStats, monthsOf } from '../../shared/homecare/stats.ts';
import {
  dayLabel,
  timeLabel,
  tripCrewSms,
  tripHouseholdSms,
  tripMovedSms,
  visitReminderSms,
  visitScheduledSms,
  waitingSms,
} from '../../shared/homecare/texts.ts';
import { smsLength } from '../../shared/platform/sms-text.ts';

describe('the request lifecycle', () => {
  it('allows exactly REQUESTED → SCHEDULED → VISITED (→ SCHEDULED) → CLOSED, or DECLINED', () => {
    const allowed = STATUSES.flatMap((from) =>
      STATUSES.filter((to) => MOVES[from].includes(to)).map((to) => `${from}→${to}`),
    );
    expect(allowed.sort()).toEqual(
      [
        'REQUESTED→SCHEDULED',
        'REQUESTED→DECLINED',
        'SCHEDULED→VISITED',
        'SCHEDULED→SCHEDULED',
        'SCHEDULED→CLOSED',
        'VISITED→SCHEDULED',
        'VISITED→CLOSED',
      ].sort(),
    );
  });

  it('refuses every other move with a 409 naming from, to and what is allowed', () => {
    for (const from of STATUSES) {
      for (const to of STATUSES) {
        if (MOVES[from].includes(to)) {
          expect(move(from, to)).toBe(to);
          continue;
        }
        try {
          move(from, to);
          expect.unreachable(`${from} → ${to} should be refused`);
        } catch (error) {
          expect(error).toBeInstanceOf(InvalidMove);
          const e = error as InvalidMove;
          expect(e.status).toBe(409);
          expect(e.details).toEqual({ from, to, allowed: MOVES[from] });
        }
      }
    }
    expect(() => move('CLOSED', 'SCHEDULED')).toThrow(/nothing changes it/);
  });

  it('counts whole WIB days waited, up to the first visit, never negative', () => {
    const r = { requestedAt: '2026-12-01T18:30:00.000Z' } as HomecareRequest; // 2 Dec, 01:30 WIB
    expect(daysWaited(r, '2026-12-02')).toBe(0);
    expect(daysWaited(r, '2026-12-12')).toBe(10);
    expect(daysWaited({ ...r, firstVisitOn: '2026-12-05' }, '2027-01-30')).toBe(3);
    expect(daysBetween('2026-12-10', '2026-12-01')).toBe(0);
    expect(daysBetween('2026-02-27', '2026-03-01')).toBe(2);
  });

  it('takes the nearest-rank percentile', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([4], 90)).toBe(4);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50)).toBe(5);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90)).toBe(9);
    expect(percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 100)).toBe(10);
  });
});

describe('the figures', () => {
  const req = (id: string, requestedAt: string, extra: Partial<HomecareRequest> = {}) =>
    ({ id, requestedAt, need: 'DISABILITY', status: 'REQUESTED', ...extra }) as HomecareRequest;
  const visit = (date: string, status: Visit['status']) => ({ date, status }) as Visit;

  it('counts a period of requests and visits month by month, and the days to a first visit', () => {
    const stats = homecareStats(
      { from: '2026-11-20', to: '2027-01-10' },
      {
        requests: [
          req('a', '2026-11-19T10:00:00Z'), // before the period
          req('b', '2026-11-25T01:00:00Z', {
            status: 'VISITED',
            firstVisitOn: '2026-11-27',
            need: 'MALNUTRITION',
          }),
          req('c', '2026-12-01T01:00:00Z', { status: 'CLOSED', firstVisitOn: '2026-12-11' }),
          req('d', '2026-12-20T01:00:00Z', { status: 'SCHEDULED' }),
          req('e', '2026-12-30T01:00:00Z'),
        ],
        visits: [
          visit('2026-11-27', 'DONE'),
          visit('2026-12-11', 'DONE'),
          visit('2026-12-15', 'NOT_DONE'),
          visit('2027-01-05', 'SCHEDULED'),
          visit('2027-02-01', 'SCHEDULED'), // after
        ],
        trips: [],
      },
      '2027-01-02',
    );
    expect(stats.requests.total).toBe(4);
    expect(stats.requests.byNeed).toMatchObject({ MALNUTRITION: 1, DISABILITY: 3 });
    expect(stats.requests.byStatus).toMatchObject({
      REQUESTED: 1,
      SCHEDULED: 1,
      VISITED: 1,
      CLOSED: 1,
      DECLINED: 0,
    });
    expect(stats.daysToFirstVisit).toEqual({ visited: 2, median: 2, p90: 10 });
    expect(stats.waitingForFirstVisit).toEqual({ count: 2, oldestDays: 13 });
    expect(stats.visitsByMonth).toEqual([
      { month: '2026-11', scheduled: 0, done: 1, notDone: 0 },
      { month: '2026-12', scheduled: 0, done: 1, notDone: 1 },
      { month: '2027-01', scheduled: 1, done: 0, notDone: 0 },
    ]);
  });

  it('spans the months of a period across a year end', () => {
    expect(monthsOf({ from: '2026-11-30', to: '2027-02-01' })).toEqual([
      '2026-11',
      '2026-12',
      '2027-01',
      '2027-02',
    ]);
    expect(monthsOf({ from: '2026-12-03', to: '2026-12-03' })).toEqual(['2026-12']);
  });
});

describe('the SMS texts', () => {
  it('writes days and times the Indonesian way, in WIB', () => {
    expect(dayLabel('2026-12-07')).toBe('Senin 7 Des 2026');
    expect(timeLabel('2026-12-10T01:30:00.000Z')).toBe('Kamis 10 Des 2026 pukul 08.30');
    expect(timeLabel('2026-12-31T17:15:00.000Z')).toBe('Jumat 1 Jan 2027 pukul 00.15');
  });

  it('fits one GSM-7 SMS whatever the names and places, and never carries a digit run of a NIK', () => {
    const words = fc.string({ minLength: 1, maxLength: 120 });
    fc.assert(
      fc.property(words, words, words, fc.integer({ min: 0, max: 400 }), (name, place, puskesmas, n) => {
        const texts = [
          visitScheduledSms({ name, day: '2026-12-07', puskesmas, phone: '+6281176000901' }),
          visitReminderSms({ name, day: '2026-12-07', puskesmas }),
          tripHouseholdSms({ name, pickupAt: '2026-12-10T01:30:00Z', destination: place, puskesmas }),
          tripCrewSms({
            pickupAt: '2026-12-10T01:30:00Z',
            place,
            destination: place,
            puskesmas,
            leg: 'RETURN',
          }),
          tripMovedSms({ pickupAt: '2026-12-10T01:30:00Z', from: 'AMB-01', to: n % 2 ? 'AMB-02' : null }),
          waitingSms({ puskesmas, waiting: n, oldestDays: n, maxDays: 7 }),
        ];
        for (const t of texts) expect(smsLength(t)).toMatchObject({ encoding: 'GSM-7', parts: 1 });
      }),
      { numRuns: 300 },
    );
  });

  it('names the first name, the day, the puskesmas and its number in the visit SMS', () => {
    const text = visitScheduledSms({
      name: 'Siti Aminah',
      day: '2026-12-07',
      puskesmas: 'Puskesmas Demo Kec. Kota Baru (data demo)',
      phone: '+6281176000901',
    });
    expect(text).toBe(
      'Yth. Siti, petugas Puskesmas Demo Kec. Kota Baru (data demo) akan berkunjung ke rumah pada Senin 7 Des 2026 (layanan homecare). Info: 081176000901',
    );
  });
});
