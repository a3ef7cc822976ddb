// GET /premiums/{YYYY-MM} — the city's premium bill for its PBI APBD residents that month (city_admin).
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { premiumReport } from '#shared/registry/reports.ts';

const params = z.object({
  month: z.string().check(z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'must be a month written YYYY-MM')),
});

export const handler = httpHandler({ params }, async ({ params }) => ({
  status: 200,
  body: await premiumReport(params.month),
}));
