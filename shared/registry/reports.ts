// The city health office's figures: UHC per area from the kept aggregates, and the month's premium bill.

import { areaName, kelurahanIn } from '#shared/city/regions.ts';
import { config } from '#shared/platform/config.ts';
import { EMPLOYMENT_SCHEME, employmentCoverCount } from './employment-cover.ts';
import { cityPaidCount, type UhcRow, uhcRows } from './repository.ts';

function pct(part: number, whole: number): number {
  return whole === 0 ? 0 : Math.round((part / whole) * 10_000) / 100;
}

function figures(c: { residents: number; covered: number; active: number }) {
  const { UHC_COVERED_PCT, UHC_ACTIVE_PCT } = config();
  const coveredPct = pct(c.covered, c.residents);
  const activePct = pct(c.active, c.residents);
  const uhc =
    c.residents > 0 &&
    c.covered * 100 >= UHC_COVERED_PCT * c.residents &&
    c.active * 100 >= UHC_ACTIVE_PCT * c.residents;
  return { residents: c.residents, covered: c.covered, active: c.active, coveredPct, activePct, uhc };
}

/**
 * UHC for an area of the city (the city, a kecamatan or a kelurahan) and each kelurahan in it — every one the region
 * data lists, a kelurahan without residents yet with zeros — each named from the region data.
 */
export async function uhcReport(area: string) {
  const counted = new Map((await uhcRows(area)).map((r) => [r.kelurahan, r]));
  const none = { residents: 0, covered: 0, active: 0 };
  const rows: (UhcRow & { name: string | null })[] = kelurahanIn(area).map((k) => ({
    ...none,
    ...counted.get(k.code),
    kelurahan: k.code,
    name: k.name,
  }));
  // Counts under a code the region data does not list (data written before the real regions) still add up.
  const listed = new Set(rows.map((r) => r.kelurahan));
  for (const [code, r] of counted) if (!listed.has(code)) rows.push({ ...r, name: null });
  const total = rows.reduce(
    (t, r) => ({
      residents: t.residents + r.residents,
      covered: t.covered + r.covered,
      active: t.active + r.active,
    }),
    { residents: 0, covered: 0, active: 0 },
  );
  const { UHC_COVERED_PCT, UHC_ACTIVE_PCT } = config();
  return {
    area,
    name: areaName(area) ?? null,
    thresholds: { coveredPct: UHC_COVERED_PCT, activePct: UHC_ACTIVE_PCT },
    ...figures(total),
    kelurahan: rows.map((r) => ({
      code: r.kelurahan,
      name: r.name,
      ...figures(r),
    })),
  };
}

export const PREMIUM_SCHEMES = ['PBI_APBD', EMPLOYMENT_SCHEME] as const;
export type PremiumScheme = (typeof PREMIUM_SCHEMES)[number];

/**
 * The city's bill for a month: PBI APBD residents active at any time in it × the class III premium, or (BPJSTK_BPU)
 * the kader and RT activity workers covered by BPJS Ketenagakerjaan at any time in it × its premium.
 */
export async function premiumReport(month: string, scheme: PremiumScheme = 'PBI_APBD') {
  const { PREMIUM_PER_PERSON, PREMIUM_DUE_DAY, BPJSTK_PREMIUM } = config();
  const jkn = scheme === 'PBI_APBD';
  const residents = jkn ? await cityPaidCount(month) : await employmentCoverCount(month);
  const premium = jkn ? PREMIUM_PER_PERSON : BPJSTK_PREMIUM;
  return {
    month,
    scheme,
    residents,
    premiumPerPerson: premium,
    total: residents * premium,
    currency: 'IDR',
    dueDate: `${month}-${String(PREMIUM_DUE_DAY).padStart(2, '0')}`,
  };
}
