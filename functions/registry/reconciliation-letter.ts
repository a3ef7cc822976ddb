// GET /premiums/{YYYY-MM}/reconciliation/{id}/letter.csv — every row of a reconciliation as CSV, for the city's
// letter to BPJS (city_admin).
import { httpHandler } from '#shared/platform/http.ts';
import {
  getReconciliation,
  reconciliationCsv,
  reconciliationParams,
} from '#shared/registry/reconciliation.ts';

export const handler = httpHandler(
  {
    params: reconciliationParams,
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
