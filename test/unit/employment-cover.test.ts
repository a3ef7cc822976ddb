// BPJS Ketenagakerjaan cover, the pure rules: sources keep one period open, and the month bill counts each covered
// month once, however periods open and close.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Conflict, ValidationError } from '../../shared/platform/errors.ts';
import {
  addCoverSource,
  type CoverSource,
  coverBilledFrom,
  coverEndDeltas,
  coverView,
  type EmploymentCoverState,
  endEmploymentCoverItems,
  openEmploymentCoverItems,
  removeCoverSource,
} from '../../shared/registry/employment-cover.ts';
import { addMonths } from '../../shared/registry/rules.ts';

const NIK = '1571016506900001';
const none: EmploymentCoverState = { nik: NIK, version: 0, open: null };
const ctx = {
  actor: { sub: 'admin-1', roles: ['city_admin'] },
  requestId: 'r1',
  now: '2026-07-01T03:00:00.000Z',
};

/** The bill of each month from deltas: the sum up to it. */
function bill(deltas: { month: string; delta: number }[], months: string[]): number[] {
  return months.map((m) => deltas.filter((d) => d.month <= m).reduce((t, d) => t + d.delta, 0));
}

describe('employment cover: sources', () => {
  it('a first source opens a period from 00:00 WIB of its day, billed from its month', () => {
    const c = addCoverSource(none, 'RT_WORKER', '2026-03-10');
    expect(c.opened).toBe(true);
    expect(c.after.open).toMatchObject({
      since: '2026-03-09T17:00:00.000Z',
      sources: ['RT_WORKER'],
      billedFrom: '2026-03',
    });
    expect(c.after.open!.periodSk).toBe('EMP#2026-03-09T17:00:00.000Z#v000001');
    expect(c.deltas).toEqual([{ month: '2026-03', delta: 1 }]);
    expect(coverView(c.after)).toMatchObject({
      status: 'ACTIVE',
      sources: ['RT_WORKER'],
      premiumPerMonth: 16_800,
    });
  });

  it('a second source only joins the open period; ending one keeps it open, ending the last closes it', () => {
    const a = addCoverSource(none, 'KADER', '2026-03-10').after;
    const b = addCoverSource(a, 'RT_WORKER', '2026-05-02');
    expect(b.opened).toBe(false);
    expect(b.deltas).toEqual([]);
    expect(b.after.open).toMatchObject({ since: a.open!.since, sources: ['KADER', 'RT_WORKER'] });
    const c = removeCoverSource(b.after, 'KADER', '2026-05-31');
    expect(c.closed).toBe(false);
    expect(c.deltas).toEqual([]);
    expect(c.after.open!.sources).toEqual(['RT_WORKER']);
    const d = removeCoverSource(c.after, 'RT_WORKER', '2026-06-30');
    expect(d.closed).toBe(true);
    expect(d.after).toMatchObject({ open: null, lastTo: '2026-06-30', lastEnd: '2026-06', version: 4 });
    expect(d.deltas).toEqual([{ month: '2026-07', delta: -1 }]);
    expect(coverView(d.after)).toMatchObject({ status: 'NONE', sources: [], premiumPerMonth: 0 });
  });

  it('refuses a source twice, ending a source not held, a day out of order', () => {
    const a = addCoverSource(none, 'RT_WORKER', '2026-03-10').after;
    expect(() => addCoverSource(a, 'RT_WORKER', '2026-04-01')).toThrow(Conflict);
    expect(() => removeCoverSource(a, 'KADER', '2026-04-01')).toThrow(Conflict);
    expect(() => removeCoverSource(none, 'RT_WORKER', '2026-04-01')).toThrow(Conflict);
    const early = (() => {
      try {
        removeCoverSource(a, 'RT_WORKER', '2026-03-09');
      } catch (e) {
        return e as ValidationError;
      }
    })();
    expect(early).toBeInstanceOf(ValidationError);
    expect(early!.issues[0]!.path).toBe('to');
    const closed = removeCoverSource(a, 'RT_WORKER', '2026-03-31').after;
    expect(() => addCoverSource(closed, 'RT_WORKER', '2026-03-31')).toThrow(/from: must be after 2026-03-31/);
    expect(addCoverSource(closed, 'RT_WORKER', '2026-04-01').opened).toBe(true);
  });

  it('ALL ends every source at once (a death, a move)', () => {
    const a = addCoverSource(
      addCoverSource(none, 'KADER', '2026-01-05').after,
      'RT_WORKER',
      '2026-02-01',
    ).after;
    const c = removeCoverSource(a, 'ALL', '2026-02-14');
    expect(c.closed).toBe(true);
    expect(c.deltas).toEqual([{ month: '2026-03', delta: -1 }]);
  });
});

describe('employment cover: the month bill', () => {
  it('enrolled in March, ended in June: March to June count, July not', () => {
    const a = addCoverSource(none, 'RT_WORKER', '2026-03-15');
    const b = removeCoverSource(a.after, 'RT_WORKER', '2026-06-20');
    expect(bill([...a.deltas, ...b.deltas], ['2026-02', '2026-03', '2026-06', '2026-07'])).toEqual([
      0, 1, 1, 0,
    ]);
  });

  it('a period reopened in the month the last ended is billed from the month after', () => {
    expect(coverBilledFrom('2026-03-20', '2026-03')).toBe('2026-04');
    expect(coverBilledFrom('2026-04-01', '2026-03')).toBe('2026-04');
    expect(coverBilledFrom('2026-03-20', undefined)).toBe('2026-03');
    // Opened and closed inside a month billed already: its +1 and -1 cancel, the last billed month stays.
    expect(coverEndDeltas('2026-04', '2026-03-25', '2026-03')).toEqual({
      deltas: [{ month: '2026-04', delta: -1 }],
      lastEnd: '2026-03',
    });
  });

  it('any sequence of enrolments and ends bills each month once for every day covered in it', () => {
    const step = fc.record({
      gap: fc.integer({ min: 1, max: 70 }),
      length: fc.integer({ min: 0, max: 70 }),
      second: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(step, { minLength: 1, maxLength: 8 }), (steps) => {
        let state = none;
        let day = '2025-12-20';
        const deltas: { month: string; delta: number }[] = [];
        const covered = new Set<string>();
        const addDay = (d: string, n: number) =>
          new Date(Date.parse(`${d}T00:00:00Z`) + n * 86_400_000).toISOString().slice(0, 10);
        for (const s of steps) {
          const from = addDay(day, s.gap);
          const to = addDay(from, s.length);
          const sources: CoverSource[] = s.second ? ['RT_WORKER', 'KADER'] : ['RT_WORKER'];
          for (const src of sources) {
            const c = addCoverSource(state, src, from);
            deltas.push(...c.deltas);
            state = c.after;
          }
          for (const src of sources) {
            const c = removeCoverSource(state, src, to);
            deltas.push(...c.deltas);
            state = c.after;
          }
          for (let d = from; d <= to; d = addDay(d, 1)) covered.add(d.slice(0, 7));
          day = to;
        }
        const months: string[] = [];
        for (let m = '2025-11'; m <= addMonths(day.slice(0, 7), 2); m = addMonths(m, 1)) months.push(m);
        expect(bill(deltas, months)).toEqual(months.map((m) => (covered.has(m) ? 1 : 0)));
      }),
    );
  });
});

describe('employment cover: transaction items', () => {
  it('opening: the state (guarded), the resident check, the period, the bill, the audit', () => {
    const plan = openEmploymentCoverItems(
      none,
      { from: '2026-03-10', source: 'KADER', reason: 'Kader aktif' },
      ctx,
    );
    expect(plan.items).toHaveLength(5);
    expect(plan.items[0]!.Put!.ConditionExpression).toBe('attribute_not_exists(pk)');
    expect(plan.items[0]!.Put!.Item).toMatchObject({ pk: `RES#${NIK}`, sk: 'EMP', version: 1 });
    expect(plan.items[1]!.ConditionCheck!.ConditionExpression).toContain('attribute_not_exists(civilStatus)');
    expect(plan.items[2]!.Put!.Item).toMatchObject({ sk: plan.after.open!.periodSk, sources: ['KADER'] });
    expect(plan.items[3]!.Update!.Key).toEqual({ pk: 'AGG#BPJSTK_BPU', sk: '2026-03' });
    expect(plan.items[4]!.Put!.Item).toMatchObject({ pk: `RES#${NIK}`, action: 'EmploymentCoverOpened' });
  });

  it('ending the last source closes the period at the end of its day', () => {
    const open = openEmploymentCoverItems(
      none,
      { from: '2026-03-10', source: 'KADER', reason: 'Kader aktif' },
      ctx,
    );
    const plan = endEmploymentCoverItems(
      open.after,
      { to: '2026-06-30', source: 'KADER', reason: 'Berhenti' },
      ctx,
    );
    expect(plan.items[0]!.Put!.ConditionExpression).toBe('version = :prev');
    expect(plan.items[1]!.Update!.ExpressionAttributeValues).toEqual({ ':to': '2026-06-30T17:00:00.000Z' });
    expect(plan.items[2]!.Update!).toMatchObject({
      Key: { sk: '2026-07' },
      ExpressionAttributeValues: { ':d': -1 },
    });
    expect(plan.items[3]!.Put!.Item).toMatchObject({ action: 'EmploymentCoverClosed' });
  });
});
