import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { dayWib, startOfDayWib } from '../../shared/platform/wib.ts';
import {
  addMonths,
  ageOn,
  billedFrom,
  type CoverageState,
  coverageView,
  deathBill,
  fromProblem,
  monthWib,
  premiumDeltas,
} from '../../shared/registry/rules.ts';

const APBD: CoverageState = { scheme: 'PBI_APBD', status: 'ACTIVE' };
const APBD_OFF: CoverageState = { scheme: 'PBI_APBD', status: 'INACTIVE' };
const APBN: CoverageState = { scheme: 'PBI_APBN', status: 'ACTIVE' };

describe('coverage rules', () => {
  it('a clinic is told covered only for ACTIVE coverage', () => {
    expect(coverageView('x', null)).toMatchObject({ covered: false, status: 'NONE', scheme: null });
    expect(coverageView('x', { ...APBD_OFF, since: 's', source: 'IMPORT', periodSk: 'p' }).covered).toBe(
      false,
    );
    expect(coverageView('x', { ...APBD, since: 's', source: 'IMPORT', periodSk: 'p' }).covered).toBe(true);
  });

  it('months are WIB months', () => {
    expect(monthWib('2026-11-30T16:59:59Z')).toBe('2026-11');
    expect(monthWib('2026-11-30T17:00:00Z')).toBe('2026-12');
    expect(addMonths('2026-12', 1)).toBe('2027-01');
    expect(addMonths('2027-01', -1)).toBe('2026-12');
  });

  it('ages count whole years', () => {
    expect(ageOn('2000-02-29', '2026-02-28')).toBe(25);
    expect(ageOn('2000-02-29', '2026-03-01')).toBe(26);
  });
});

describe('the premium bill', () => {
  /** Replays a resident's coverage changes and counts, per month, who the deltas bill. */
  function billed(changes: { at: string; to: CoverageState | null }[], months: string[]) {
    const deltas = new Map<string, number>();
    let current: CoverageState | null = null;
    let lastEnd: string | undefined;
    for (const c of changes) {
      const r = premiumDeltas(current, c.to, c.at, lastEnd);
      for (const d of r.deltas) deltas.set(d.month, (deltas.get(d.month) ?? 0) + d.delta);
      lastEnd = r.apbdLastEnd;
      current = c.to;
    }
    return months.map((m) => [...deltas].filter(([k]) => k <= m).reduce((s, [, v]) => s + v, 0));
  }

  it('bills a city-paid resident every month they were active at any time, once', () => {
    const changes = [
      { at: '2026-01-15T00:00:00Z', to: APBD },
      { at: '2026-03-05T00:00:00Z', to: APBD_OFF },
      { at: '2026-03-20T00:00:00Z', to: APBD }, // reopened the month it closed: still billed once in March
      { at: '2026-05-01T00:00:00Z', to: APBN }, // the state pays from May on
    ];
    expect(
      billed(changes, ['2025-12', '2026-01', '2026-02', '2026-03', '2026-04', '2026-05', '2026-06']),
    ).toEqual([0, 1, 1, 1, 1, 1, 0]);
  });

  it('never bills a month twice nor less than zero, whatever the sequence of changes', () => {
    const state = fc.constantFrom<CoverageState | null>(APBD, APBD_OFF, APBN, null);
    fc.assert(
      fc.property(fc.array(fc.tuple(fc.integer({ min: 0, max: 400 }), state), { maxLength: 30 }), (steps) => {
        let day = 0;
        const changes = steps.map(([gap, to]) => {
          day += gap;
          return { at: new Date(Date.UTC(2026, 0, 1) + day * 86400_000).toISOString(), to };
        });
        const months = Array.from({ length: 36 }, (_, i) => addMonths('2026-01', i));
        const counts = billed(changes, months);
        for (const [i, month] of months.entries()) {
          // The truth: was the resident city-paid at any moment of this month?
          let active = false;
          let current: CoverageState | null = null;
          for (const c of changes) {
            if (monthWib(c.at) > month) break;
            if (monthWib(c.at) === month && current?.scheme === 'PBI_APBD' && current.status === 'ACTIVE')
              active = true;
            current = c.to;
            if (monthWib(c.at) <= month && current?.scheme === 'PBI_APBD' && current.status === 'ACTIVE')
              active = true;
            if (monthWib(c.at) < month && !(current?.scheme === 'PBI_APBD' && current.status === 'ACTIVE'))
              active = false;
          }
          expect(counts[i], `${month}`).toBe(active ? 1 : 0);
        }
      }),
    );
  });
});

describe("a coverage period's real start (from)", () => {
  const current = (since: string) => ({ ...APBN, since, source: 'IMPORT', periodSk: `COV#${since}#v000001` });

  it('begins at 00:00 WIB, which is 17:00 UTC the day before (the 1st of a month is the previous month in UTC)', () => {
    expect(startOfDayWib('2019-03-10')).toBe('2019-03-09T17:00:00.000Z');
    expect(startOfDayWib('2024-03-01')).toBe('2024-02-29T17:00:00.000Z');
    expect(startOfDayWib('2025-01-01')).toBe('2024-12-31T17:00:00.000Z');
    // Billed in its WIB month, not the UTC one.
    expect(monthWib(startOfDayWib('2024-03-01'))).toBe('2024-03');
    fc.assert(
      fc.property(
        fc.date({ min: new Date('2014-01-01'), max: new Date('2100-12-31'), noInvalidDate: true }),
        (d) => {
          const day = d.toISOString().slice(0, 10);
          expect(dayWib(startOfDayWib(day))).toBe(day);
        },
      ),
    );
  });

  it('may be the day the current period began or later, never earlier (compared in WIB days)', () => {
    // Began 2022-08-17 at 06:30 WIB, which is still the 16th in UTC.
    const c = current('2022-08-16T23:30:00.000Z');
    expect(fromProblem(c, '2022-08-17')).toBeUndefined();
    expect(fromProblem(c, '2023-01-01')).toBeUndefined();
    expect(fromProblem(c, '2022-08-16')).toBe(
      'must not be before 2022-08-17, the day the current coverage period began',
    );
    expect(fromProblem(null, '2014-01-01')).toBeUndefined();
    expect(fromProblem(c, undefined)).toBeUndefined();
  });
});

describe('the premium bill at a death (the month of death is the last billed)', () => {
  const apbd = (since: string) => ({ ...APBD, since });
  const DUE = 10;
  const bill = (since: string, death: string, today: string, apbdLastEnd?: string) =>
    deathBill(apbd(since), apbdLastEnd, death, today, DUE);

  it('stops the count the month after the death, on its first or last day alike', () => {
    for (const death of ['2024-03-01', '2024-03-10', '2024-03-31']) {
      expect(bill('2023-06-15T03:00:00.000Z', death, '2024-03-31')).toEqual({
        deltas: [{ month: '2024-04', delta: -1 }],
        overpaid: [],
        apbdLastEnd: '2024-03',
      });
    }
    // 29 February of a leap year, and December into January.
    expect(bill('2023-06-15T03:00:00.000Z', '2024-02-29', '2024-02-29').deltas).toEqual([
      { month: '2024-03', delta: -1 },
    ]);
    expect(bill('2023-06-15T03:00:00.000Z', '2024-12-31', '2025-01-05').deltas).toEqual([
      { month: '2025-01', delta: -1 },
    ]);
  });

  it('reports as overpaid the later months whose premium was due (the 10th, WIB) when the death is recorded', () => {
    const since = '2023-06-15T03:00:00.000Z';
    expect(bill(since, '2024-03-05', '2024-06-09').overpaid).toEqual(['2024-04', '2024-05']);
    expect(bill(since, '2024-03-05', '2024-06-10').overpaid).toEqual(['2024-04', '2024-05', '2024-06']);
    expect(bill(since, '2024-03-05', '2024-04-09').overpaid).toEqual([]);
    expect(bill(since, '2024-03-05', '2024-04-10').overpaid).toEqual(['2024-04']);
    // Recorded years later, across a leap year and a year's end.
    expect(bill(since, '2023-11-20', '2024-03-11').overpaid).toEqual([
      '2023-12',
      '2024-01',
      '2024-02',
      '2024-03',
    ]);
  });

  it('never billed at all when the coverage began after the death; the premium month is the WIB one', () => {
    // Opened 2024-05-03 for someone who died in February: the +1 of May is taken back, May and June overpaid.
    expect(bill('2024-05-03T01:00:00.000Z', '2024-02-10', '2024-06-12', '2023-09')).toEqual({
      deltas: [{ month: '2024-05', delta: -1 }],
      overpaid: ['2024-05', '2024-06'],
      apbdLastEnd: '2023-09',
    });
    // 31 January 18:00 UTC is 1 February in Jambi: the count began in February.
    expect(bill('2024-01-31T18:00:00.000Z', '2024-01-20', '2024-02-01').deltas).toEqual([
      { month: '2024-02', delta: -1 },
    ]);
    // Reopened in the month the last period ended: counted from the month after, so that is where it stops.
    expect(bill('2024-03-20T01:00:00.000Z', '2024-03-25', '2024-03-26', '2024-03').deltas).toEqual([
      { month: '2024-04', delta: -1 },
    ]);
  });

  it('touches nothing when the city did not pay', () => {
    const none = { deltas: [], overpaid: [], apbdLastEnd: undefined };
    expect(
      deathBill({ ...APBN, since: '2020-01-01T00:00:00.000Z' }, undefined, '2024-03-05', '2024-06-12', DUE),
    ).toEqual(none);
    expect(
      deathBill(
        { ...APBD_OFF, since: '2020-01-01T00:00:00.000Z' },
        undefined,
        '2024-03-05',
        '2024-06-12',
        DUE,
      ),
    ).toEqual(none);
    expect(deathBill(null, undefined, '2024-03-05', '2024-06-12', DUE)).toEqual(none);
  });

  it('bills exactly the months from the start through the month of death (property)', () => {
    const day = fc
      .date({ min: new Date('2014-01-01'), max: new Date('2030-12-31'), noInvalidDate: true })
      .map((d) => d.toISOString().slice(0, 10));
    fc.assert(
      fc.property(day, day, day, (start, death, recorded) => {
        const since = startOfDayWib(start);
        const from = billedFrom(since, undefined);
        const { deltas, overpaid } = deathBill(apbd(since), undefined, death, recorded, DUE);
        const stop = deltas[0]!.month;
        const deathMonth = death.slice(0, 7);
        // Billed: from ≤ M < stop. Never a month after the death's; the death's month when the coverage had begun.
        expect(stop > deathMonth || stop === from).toBe(true);
        expect(addMonths(stop, -1) <= deathMonth || stop === from).toBe(true);
        if (from <= deathMonth) expect(stop).toBe(addMonths(deathMonth, 1));
        // Overpaid: billed months after the death, each due by the day it is recorded.
        for (const m of overpaid) expect(m >= stop && `${m}-10` <= recorded).toBe(true);
      }),
    );
  });
});
