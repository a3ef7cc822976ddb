// GET /funds?year=&area= — every RT's allocated, spent and balance in an area, with the area's totals
// (city_admin), from the accounts kept as entries are written: one Query, no scan.
import * as z from 'zod/mini';
import { accountsInArea } from '#shared/fund/queries.ts';
import { yearSchema } from '#shared/fund/schemas.ts';
import { config } from '#shared/platform/config.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { AREA_CODE } from '#shared/registry/regions.ts';

const query = z.object({
  year: yearSchema,
  area: z.optional(z.string().check(z.regex(AREA_CODE, 'must be an area code such as 15.71.01'))),
});

export const handler = httpHandler({ query }, async ({ query: q }) => {
  const area = q.area ?? config().CITY_CODE;
  const accounts = await accountsInArea(q.year, area);
  const rts = accounts
    .map((a) => ({
      rt: a.rt,
      allocated: a.allocated,
      spent: a.spent,
      reversed: a.reversedExpenses + a.reversedAllocations,
      balance: a.balance,
    }))
    .sort((a, b) => a.rt.localeCompare(b.rt));
  const totals = { allocated: 0, spent: 0, reversed: 0, balance: 0 };
  for (const r of rts) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
  return { status: 200, body: { year: q.year, area, rts, totals } };
});
