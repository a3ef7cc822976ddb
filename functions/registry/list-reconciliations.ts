// GET /premiums/{YYYY-MM}/reconciliation — the month's reconciliations of BPJS's invoice, the latest first
// (city_admin).
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { isoMonth } from '#shared/registry/fields.ts';
import { listReconciliations } from '#shared/registry/reconciliation.ts';

export const handler = httpHandler({ params: z.object({ month: isoMonth() }) }, async ({ params }) => ({
  status: 200,
  body: { month: params.month, reconciliations: await listReconciliations(params.month) },
}));
