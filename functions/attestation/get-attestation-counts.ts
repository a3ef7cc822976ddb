// GET /attestations/counts?month=YYYY-MM — letters per RT that month and where their review stands
// (social_verifier, city_admin): an RT issuing unusually many stands out.
import * as z from 'zod/mini';
import { countsByRt } from '#shared/attestation/repository.ts';
import { config } from '#shared/platform/config.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { isoMonth } from '#shared/registry/fields.ts';
import { monthWib } from '#shared/registry/rules.ts';

const query = z.object({
  month: z.optional(isoMonth()),
});

export const handler = httpHandler({ query }, async ({ query: q }) => {
  const month = q.month ?? monthWib(new Date().toISOString());
  const rts = (await countsByRt(month)).sort((a, b) => b.issued - a.issued || a.rt.localeCompare(b.rt));
  const totals = { issued: 0, pending: 0, approved: 0, rejected: 0 };
  for (const r of rts) for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += r[k];
  const limit = config().ATTESTATION_DAILY_LIMIT;
  // dailyLimitPerChair is the earlier name of the same figure, kept for those who read it.
  return { status: 200, body: { month, dailyLimitPerRt: limit, dailyLimitPerChair: limit, totals, rts } };
});
