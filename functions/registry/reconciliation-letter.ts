// GET /premiums/{YYYY-MM}/reconciliation/{id}/letter.csv — every row of a reconciliation as CSV, for the city's
// letter to BPJS (city_admin).
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { isoMonth } from '#shared/registry/fields.ts';
import { getReconciliation, reconciliationCsv } from '#shared/registry/reconciliation.ts';

export const handler = httpHandler(
  {
    params: z.object({
      month: isoMonth(),
      id: z.string().check(z.regex(/^[0-9a-f]{20}$/, 'must be a reconciliation id')),
    }),
  },
  async ({ params }) => {
    const r = await getReconciliation(params.month, params.id);
    return {
      status: 200,
      text: reconciliationCsv(r),
      headers: {
        'content-type': 'text/csv; charset=utf-8',
        'content-disposition': `attachment; filename="rekonsiliasi-pbi-apbd-${r.month}-${r.id}.csv"`,
      },
    };
  },
);
