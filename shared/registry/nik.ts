// The NIK (Nomor Induk Kependudukan): 16 digits = province(2) regency/city(2) district(2)
// DDMMYY(6; women add 40 to the day) sequence(4, never 0000). A NIK never changes, even when its
// date is wrong, so a birth date or sex that disagrees with it is a warning, not a rejection.

// Kemendagri province codes, including the Papua provinces created in 2022.
const PROVINCES = new Set([
  '11',
  '12',
  '13',
  '14',
  '15',
  '16',
  '17',
  '18',
  '19',
  '21',
  '31',
  '32',
  '33',
  '34',
  '35',
  '36',
  '51',
  '52',
  '53',
  '61',
  '62',
  '63',
  '64',
  '65',
  '71',
  '72',
  '73',
  '74',
  '75',
  '76',
  '81',
  '82',
  '91',
  '92',
  '93',
  '94',
  '95',
  '96',
]);

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];

export interface NikParts {
  province: string;
  regency: string;
  district: string;
  day: number;
  month: number;
  /** Two-digit year; the century is not in the NIK. */
  yy: number;
  sex: 'M' | 'F';
  sequence: string;
}

/** Returns the parts of a structurally valid NIK, or the reason it is not valid. */
export function parseNik(nik: string): { ok: true; parts: NikParts } | { ok: false; reason: string } {
  if (!/^\d{16}$/.test(nik)) return { ok: false, reason: 'must be exactly 16 digits' };
  const province = nik.slice(0, 2);
  if (!PROVINCES.has(province)) return { ok: false, reason: `has an unknown province code ${province}` };
  const regency = nik.slice(2, 4);
  const district = nik.slice(4, 6);
  if (regency === '00') return { ok: false, reason: 'has regency code 00' };
  if (district === '00') return { ok: false, reason: 'has district code 00' };
  const rawDay = Number(nik.slice(6, 8));
  const month = Number(nik.slice(8, 10));
  const yy = Number(nik.slice(10, 12));
  const sex = rawDay > 40 ? 'F' : 'M';
  const day = sex === 'F' ? rawDay - 40 : rawDay;
  if (!((rawDay >= 1 && rawDay <= 31) || (rawDay >= 41 && rawDay <= 71))) {
    return { ok: false, reason: 'has a birth day outside 01–31 (men) or 41–71 (women)' };
  }
  if (month < 1 || month > 12) return { ok: false, reason: 'has a birth month outside 01–12' };
  if (day > (DAYS_IN_MONTH[month - 1] ?? 31))
    return { ok: false, reason: 'has a birth date that does not exist' };
  const sequence = nik.slice(12);
  if (sequence === '0000') return { ok: false, reason: 'has sequence number 0000' };
  return { ok: true, parts: { province, regency, district, day, month, yy, sex, sequence } };
}

/** Warnings for a birth date or sex that disagree with what the NIK encodes. */
export function nikWarnings(nik: string, birthDate: string, sex: 'M' | 'F'): string[] {
  const parsed = parseNik(nik);
  if (!parsed.ok) return [];
  const { day, month, yy } = parsed.parts;
  const warnings: string[] = [];
  const [y, m, d] = birthDate.split('-').map(Number);
  if (y === undefined || m !== month || d !== day || y % 100 !== yy) {
    const nikDate = `${String(day).padStart(2, '0')}-${String(month).padStart(2, '0')}-${String(yy).padStart(2, '0')}`;
    warnings.push(
      `birthDate ${birthDate} disagrees with the NIK's date (DD-MM-YY ${nikDate}); the NIK is kept as issued`,
    );
  }
  if (sex !== parsed.parts.sex) {
    warnings.push(
      `sex ${sex} disagrees with the NIK, which encodes ${parsed.parts.sex === 'F' ? 'female' : 'male'}`,
    );
  }
  return warnings;
}

/** Builds a structurally valid NIK (demo data, tests). */
export function makeNik(p: {
  regionCode: string;
  birthDate: string;
  sex: 'M' | 'F';
  sequence: number;
}): string {
  const [y, m, d] = p.birthDate.split('-');
  const day = Number(d) + (p.sex === 'F' ? 40 : 0);
  const region = p.regionCode.replaceAll('.', '').slice(0, 6);
  return `${region}${String(day).padStart(2, '0')}${m}${y!.slice(2)}${String(p.sequence).padStart(4, '0')}`;
}
