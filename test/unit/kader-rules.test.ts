// The kader's pure rules: which days an activity may be recorded for (not the future, not before last month; across a
// year end), who a month's run pays (the minimum, a kader registered after it or retired before it), a month's last
// day, that a month is paid only once it ended, and the SMS (one GSM-7 part, rupiah written the Indonesian way).
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkActivityDay, oldestRecordable } from '../../shared/kader/activities.ts';
import { activeIn, checkEnded, decide, lastDay } from '../../shared/kader/incentives.ts';
import { incentivePaidSms, rupiah } from '../../shared/kader/texts.ts';
import { ValidationError } from '../../shared/platform/errors.ts';
import { smsLength } from '../../shared/platform/sms-text.ts';

describe('the days an activity may be recorded for', () => {
  it('go back to the first day of the previous month, across a year end', () => {
    expect(oldestRecordable('2026-12-03')).toBe('2026-11-01');
    expect(oldestRecordable('2027-01-31')).toBe('2026-12-01');
    expect(oldestRecordable('2026-03-01')).toBe('2026-02-01');
  });

  it('refuse the future and anything older, naming the date', () => {
    expect(() => checkActivityDay('2026-12-03', '2026-12-03')).not.toThrow();
    expect(() => checkActivityDay('2026-11-01', '2026-12-03')).not.toThrow();
    for (const bad of ['2026-12-04', '2026-10-31', '2025-12-03']) {
      try {
        checkActivityDay(bad, '2026-12-03');
        expect.unreachable(bad);
      } catch (error) {
        expect(error).toBeInstanceOf(ValidationError);
        expect((error as ValidationError).issues[0]!.path).toBe('date');
      }
    }
  });
});

describe('the monthly incentive rule', () => {
  const k = (nik: string, extra: Record<string, string> = {}) => ({
    nik,
    name: `Kader ${nik}`,
    since: '2026-01-10',
    status: 'ACTIVE' as const,
    ...extra,
  });
  const rule = { min: 4, amount: 300_000 };

  it('pays at least the minimum, lists the rest with their count, and skips who was no kader that month', () => {
    const out = decide(
      [
        k('1'),
        k('2'),
        k('3'),
        k('4', { since: '2026-12-01' }), // registered after November
        k('5', { status: 'RETIRED', retiredOn: '2026-11-20' }), // retired during it: paid for it
        k('6', { status: 'RETIRED', retiredOn: '2026-10-31' }), // retired before it
      ] as Parameters<typeof decide>[0],
      new Map([
        ['1', 4],
        ['2', 3],
        ['4', 9],
        ['5', 6],
        ['6', 7],
      ]),
      '2026-11',
      rule,
    );
    expect(out.paid).toEqual([
      { nik: '1', name: 'Kader 1', amount: 300_000, activities: 4 },
      { nik: '5', name: 'Kader 5', amount: 300_000, activities: 6 },
    ]);
    expect(out.notPaid.map((n) => [n.nik, n.reason])).toEqual([
      ['2', 'TOO_FEW_ACTIVITIES: 3 of the 4 needed'],
      ['3', 'TOO_FEW_ACTIVITIES: 0 of the 4 needed'],
    ]);
  });

  it('pays exactly those at or above the minimum, whatever the counts', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 12 }), { maxLength: 60 }),
        fc.integer({ min: 1, max: 10 }),
        (counts, min) => {
          const kader = counts.map((_, i) => k(String(i)));
          const out = decide(kader, new Map(counts.map((c, i) => [String(i), c])), '2026-11', {
            min,
            amount: 300_000,
          });
          expect(out.paid.length + out.notPaid.length).toBe(counts.length);
          expect(out.paid.length).toBe(counts.filter((c) => c >= min).length);
          expect(out.paid.every((p) => p.activities >= min)).toBe(true);
        },
      ),
    );
  });

  it('knows each month’s last day, leap years too, and pays a month only once it ended (WIB)', () => {
    expect(lastDay('2026-02')).toBe('2026-02-28');
    expect(lastDay('2028-02')).toBe('2028-02-29');
    expect(lastDay('2026-12')).toBe('2026-12-31');
    expect(activeIn({ since: '2026-11-30', status: 'ACTIVE' }, '2026-11')).toBe(true);
    expect(activeIn({ since: '2026-12-01', status: 'ACTIVE' }, '2026-11')).toBe(false);
    expect(activeIn({ since: '2026-01-01', status: 'RETIRED', retiredOn: '2026-11-01' }, '2026-11')).toBe(
      true,
    );
    expect(() => checkEnded('2026-11', '2026-12-01')).not.toThrow();
    expect(() => checkEnded('2026-12', '2026-12-31')).toThrow(ValidationError);
    expect(() => checkEnded('2027-01', '2026-12-31')).toThrow(ValidationError);
  });

  it('tells the kader in one GSM-7 SMS, with rupiah written the Indonesian way', () => {
    expect(rupiah(300_000)).toBe('Rp 300.000');
    const text = incentivePaidSms({ name: 'Sri Wahyuni', month: '2026-11', amount: 300_000, activities: 5 });
    expect(text).toBe(
      'Yth. Sri, insentif kader Nov 2026 Rp 300.000 dibayarkan (5 kegiatan). Terima kasih atas pengabdian Anda.',
    );
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), fc.integer({ min: 0, max: 10_000_000 }), (name, amount) => {
        expect(smsLength(incentivePaidSms({ name, month: '2026-11', amount, activities: 99 }))).toMatchObject(
          {
            encoding: 'GSM-7',
            parts: 1,
          },
        );
      }),
    );
  });
});
