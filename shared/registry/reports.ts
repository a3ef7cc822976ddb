// The city health office's figures: UHC per area from the kept aggregates, and the month's premium bill.
import { config } from '#shared/platform/config.ts';
import { areaName, kelurahanName } from './regions.ts';
import { cityPaidCount, uhcRows } from './repository.ts';

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

/** UHC for an area code prefix (city, kecamatan or kelurahan) and each kelurahan in it. */
export async function uhcReport(area: string) {
  const rows = await uhcRows(area);
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
    name: areaName(area) ?? (area === config().CITY_CODE ? config().CITY_NAME : null),
    thresholds: { coveredPct: UHC_COVERED_PCT, activePct: UHC_ACTIVE_PCT },
    ...figures(total),
    kelurahan: rows.map((r) => ({
      code: r.kelurahan,
      name: kelurahanName(r.kelurahan) ?? null,
      ...figures(r),
    })),
  };
}

/** The city's bill for a month: PBI APBD residents active at any time in it × the class III premium. */
export async function premiumReport(month: string) {
  const { PREMIUM_PER_PERSON, PREMIUM_DUE_DAY } = config();
  const residents = await cityPaidCount(month);
  return {
    month,
    scheme: 'PBI_APBD',
    residents,
    premiumPerPerson: PREMIUM_PER_PERSON,
    total: residents * PREMIUM_PER_PERSON,
    currency: 'IDR',
    dueDate: `${month}-${String(PREMIUM_DUE_DAY).padStart(2, '0')}`,
  };
}
