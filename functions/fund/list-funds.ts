// GET /funds?year=&area= — every RT's allocated, spent and balance in an area of the city, rolled up per kelurahan and
// for the area, each named from the region data (city_admin), from the accounts kept as entries are written: one
// Query, no scan.
import * as z from 'zod/mini';
import { areaName, city, cityAreaSchema, kelurahanOfRt, placeOf } from '#shared/city/regions.ts';
import { accountsInArea } from '#shared/fund/queries.ts';
import { yearSchema } from '#shared/fund/schemas.ts';
import { httpHandler } from '#shared/platform/http.ts';

const query = z.object({ year: yearSchema, area: z.optional(cityAreaSchema()) });

const ZERO = { allocated: 0, spent: 0, reversed: 0, balance: 0 };
type Sums = typeof ZERO;
const add = (t: Sums, r: Sums) => {
  for (const k of Object.keys(ZERO) as (keyof Sums)[]) t[k] += r[k];
};

export const handler = httpHandler({ query }, async ({ query: q }) => {
  const area = q.area ?? city().code;
  const accounts = await accountsInArea(q.year, area);
  const rts = accounts
    .map((a) => ({
      rt: a.rt,
      kelurahan: kelurahanOfRt(a.rt),
      allocated: a.allocated,
      spent: a.spent,
      reversed: a.reversedExpenses + a.reversedAllocations,
      balance: a.balance,
    }))
    .sort((a, b) => a.rt.localeCompare(b.rt));
  const totals = { ...ZERO };
  const byKelurahan = new Map<string, Sums & { rts: number }>();
  for (const r of rts) {
    add(totals, r);
    const k = byKelurahan.get(r.kelurahan) ?? { ...ZERO, rts: 0 };
    add(k, r);
    k.rts++;
    byKelurahan.set(r.kelurahan, k);
  }
  const kelurahan = [...byKelurahan].map(([code, sums]) => {
    const place = placeOf(code);
    return { code, name: place?.kelurahan.name ?? null, kecamatan: place?.kecamatan ?? null, ...sums };
  });
  return { status: 200, body: { year: q.year, area, name: areaName(area) ?? null, rts, kelurahan, totals } };
});
