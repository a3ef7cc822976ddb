// Region reference data (Kemendagri codes) for the city, and the RT code format.
// An RT code is <kelurahan code without dots>-<RW>-<RT>, e.g. 1571011012-003-012.

export interface Kelurahan {
  code: string; // 15.71.01.1012
  name: string;
  kecamatan: string; // 15.71.01
}

export const KECAMATAN: Record<string, string> = {
  '15.71.01': 'Kota Baru',
  '15.71.02': 'Jambi Selatan',
  '15.71.03': 'Jelutung',
  '15.71.04': 'Pasar Jambi',
};

export const KELURAHAN: readonly Kelurahan[] = [
  { code: '15.71.01.1012', name: 'Simpang III Sipin', kecamatan: '15.71.01' },
  { code: '15.71.01.1013', name: 'Suka Karya', kecamatan: '15.71.01' },
  { code: '15.71.02.1004', name: 'Pakuan Baru', kecamatan: '15.71.02' },
  { code: '15.71.02.1007', name: 'Wijaya Pura', kecamatan: '15.71.02' },
  { code: '15.71.03.1001', name: 'Jelutung', kecamatan: '15.71.03' },
  { code: '15.71.04.1002', name: 'Orang Kayo Hitam', kecamatan: '15.71.04' },
];

const kelurahanByCode = new Map(KELURAHAN.map((k) => [k.code, k]));

export const RT_CODE = /^(\d{2})(\d{2})(\d{2})(\d{4})-(\d{3})-(\d{3})$/;
/** An area filter: province, city, kecamatan or kelurahan code. */
export const AREA_CODE = /^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/;

/** 1571011012-003-012 → 15.71.01.1012 */
export function kelurahanOfRt(rt: string): string {
  const m = RT_CODE.exec(rt);
  if (!m) throw new Error('not an RT code');
  return `${m[1]}.${m[2]}.${m[3]}.${m[4]}`;
}

export function kelurahanName(code: string): string | undefined {
  return kelurahanByCode.get(code)?.name;
}

export function areaName(code: string): string | undefined {
  return KECAMATAN[code] ?? kelurahanByCode.get(code)?.name;
}
