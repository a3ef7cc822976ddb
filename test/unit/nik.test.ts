import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { makeNik, nikWarnings, parseNik } from '../../shared/registry/nik.ts';

describe('NIK', () => {
  it('reads province, date and sex; women carry day + 40', () => {
    const r = parseNik('1571015506900002');
    expect(r).toEqual({
      ok: true,
      parts: {
        province: '15',
        regency: '71',
        district: '01',
        day: 15,
        month: 6,
        yy: 90,
        sex: 'F',
        sequence: '0002',
      },
    });
    const m = parseNik('1571011506900002');
    expect(m.ok && m.parts.sex).toBe('M');
  });

  it.each([
    ['157101150690000', 'must be exactly 16 digits'],
    ['15710115069000021', 'must be exactly 16 digits'],
    ['15710115069000a2', 'must be exactly 16 digits'],
    ['0071011506900002', 'unknown province code 00'],
    ['2071011506900002', 'unknown province code 20'],
    ['1571013206900002', 'outside 01–31'],
    ['1571017206900002', 'outside 01–31'],
    ['1571010006900002', 'outside 01–31'],
    ['1571011513900002', 'month outside 01–12'],
    ['1571013102900002', 'does not exist'],
    ['1571011506900000', 'sequence number 0000'],
  ])('rejects %s (%s)', (nik, reason) => {
    const r = parseNik(nik);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.reason).toContain(reason);
  });

  it('accepts 29 February (the century is unknown)', () => {
    expect(parseNik('1571012902000001').ok).toBe(true);
  });

  it('warns, never rejects, when the birth date or sex disagrees with the NIK', () => {
    expect(nikWarnings('1571015506900002', '1990-06-15', 'F')).toEqual([]);
    const w = nikWarnings('1571015506900002', '1990-06-16', 'M');
    expect(w).toHaveLength(2);
    expect(w[0]).toContain('birthDate');
    expect(w[1]).toContain('female');
  });

  it('makeNik builds NIKs that parse back to the same date and sex', () => {
    fc.assert(
      fc.property(
        fc.date({ min: new Date('1930-01-01'), max: new Date('2026-01-01'), noInvalidDate: true }),
        fc.constantFrom('M' as const, 'F' as const),
        fc.integer({ min: 1, max: 9999 }),
        (date, sex, sequence) => {
          const birthDate = date.toISOString().slice(0, 10);
          const nik = makeNik({ regionCode: '15.71.01.1012', birthDate, sex, sequence });
          const parsed = parseNik(nik);
          expect(parsed.ok).toBe(true);
          expect(nikWarnings(nik, birthDate, sex)).toEqual([]);
        },
      ),
    );
  });
});
