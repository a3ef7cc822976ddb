import { describe, expect, it } from 'vitest';
import { fitsOneSms, smsLength } from '../../shared/platform/sms-text.ts';
import { maskPhone, normalisePhone } from '../../shared/registry/phone.ts';
import { coverageActivatedSms } from '../../shared/registry/sms.ts';

describe('phone numbers', () => {
  it.each([
    ['0812-3456-7890', '+6281234567890'],
    ['+62 812 3456 7890', '+6281234567890'],
    ['6281234567890', '+6281234567890'],
    ['(0812) 3456 789', '+62812345678' + '9'],
    ['08123456789012', '+628123456789012'],
  ])('normalises %s to %s', (input, e164) => {
    expect(normalisePhone(input)).toBe(e164);
  });

  it.each(['081234567', '021-1234567', '+6581234567', 'abc', '', '0812345678901234', '+62812'])(
    'rejects %s',
    (input) => {
      expect(normalisePhone(input)).toBeUndefined();
    },
  );

  it('masks all but the prefix and the last four digits', () => {
    expect(maskPhone('+6281234567890')).toBe('+62812****7890');
  });
});

describe('SMS length', () => {
  it('counts GSM-7 extension characters twice and switches to UCS-2 for others', () => {
    expect(smsLength('a'.repeat(160))).toEqual({ encoding: 'GSM-7', units: 160, parts: 1 });
    expect(smsLength('a'.repeat(161)).parts).toBe(2);
    expect(smsLength('€').units).toBe(2);
    expect(smsLength('Halo ✓')).toEqual({ encoding: 'UCS-2', units: 6, parts: 1 });
    expect(fitsOneSms(`${'a'.repeat(159)}€`)).toBe(false);
  });

  it('the coverage SMS fits one GSM-7 message even for long or non-Latin names', () => {
    for (const name of [
      'Siti',
      'Muhammad Abdurrahman Alexander Wicaksono Pratama',
      'Ñoño Çelik',
      '王小明',
      'A'.repeat(100),
    ]) {
      for (const scheme of ['PBI_APBN', 'PBI_APBD', 'PBPU', 'PPU', 'BP'] as const) {
        const text = coverageActivatedSms({ name, scheme, at: '2026-11-23T20:00:00Z' });
        expect(fitsOneSms(text), text).toBe(true);
        expect(text).toContain('AKTIF');
        expect(text).toContain('24-11-2026'); // WIB: 20:00 UTC is 03:00 the next day
      }
    }
  });
});

describe('phone numbers against libphonenumber', () => {
  it('agree on every spelling of an Indonesian mobile number', async () => {
    const { parsePhoneNumberFromString } = await import('libphonenumber-js/min');
    const fc = (await import('fast-check')).default;
    const sep = fc.constantFrom('', ' ', '-', '.');
    fc.assert(
      fc.property(
        fc.constantFrom('0', '62', '+62', '+62 ', '+62-', '(0', ''),
        fc.array(fc.integer({ min: 0, max: 9 }), { minLength: 7, maxLength: 14 }),
        sep,
        fc.integer({ min: 1, max: 5 }),
        (prefix, rest, s, at) => {
          const digits = `8${rest.join('')}`;
          const body = `${digits.slice(0, at)}${prefix === '(0' ? ')' : ''}${s}${digits.slice(at)}`;
          const input = `${prefix}${body}`;
          const ours = normalisePhone(input);
          const theirs = parsePhoneNumberFromString(input, 'ID');
          const national = digits.length >= 10 && digits.length <= 13;
          expect(ours, input).toBe(national ? `+62${digits}` : undefined);
          // Without a '+', libphonenumber reads a leading 62 as part of the national number; people don't.
          if (ours && prefix !== '62') expect(theirs?.number, input).toBe(ours);
        },
      ),
      { numRuns: 500 },
    );
  });
});
