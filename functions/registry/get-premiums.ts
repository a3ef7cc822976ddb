// GET /premiums/{YYYY-MM}?scheme= — the city's premium bill that month (city_admin): its PBI APBD residents (the
// default), or its BPJS Ketenagakerjaan non-wage workers (BPJSTK_BPU: kader and RT activity workers).
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { isoMonth } from '#shared/registry/fields.ts';
import { PREMIUM_SCHEMES, premiumReport } from '#shared/registry/reports.ts';

const params = z.object({
  month: isoMonth(),
});
const query = z.object({
  scheme: z.optional(z.enum(PREMIUM_SCHEMES, { error: `must be one of ${PREMIUM_SCHEMES.join(', ')}` })),
});

export const handler = httpHandler({ params, query }, async ({ params, query }) => ({
  status: 200,
  body: await premiumReport(params.month, query.scheme),
}));
