// GET /premiums/{YYYY-MM} — the city's premium bill for its PBI APBD residents that month (city_admin).
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { isoMonth } from '#shared/registry/fields.ts';
import { premiumReport } from '#shared/registry/reports.ts';

const params = z.object({
  month: isoMonth(),
});

export const handler = httpHandler({ params }, async ({ params }) => ({
  status: 200,
  body: await premiumReport(params.month),
}));
