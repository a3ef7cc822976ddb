// GET /kader/incentives?year=YYYY — the year's runs month by month and their totals, for the budget (city_admin).
import * as z from 'zod/mini';
import { yearTotals } from '#shared/kader/incentives.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { todayWib } from '#shared/platform/wib.ts';

const query = z.object({
  year: z.optional(
    z.coerce.number().check(z.int('must be a year such as 2026'), z.minimum(2000), z.maximum(2100)),
  ),
});

export const handler = httpHandler({ query }, async ({ query: q }) => ({
  status: 200,
  body: await yearTotals(q.year ?? Number(todayWib().slice(0, 4))),
}));
