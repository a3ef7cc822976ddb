// GET /premiums/{YYYY-MM}/reconciliation/{id} — one reconciliation with its rows (city_admin). The lists are shown up
// to LISTED rows each (a response stays under Lambda's 6 MB); the CSV (…/letter.csv) has every row.
import { httpHandler } from '#shared/platform/http.ts';
import { getReconciliation, reconciliationParams } from '#shared/registry/reconciliation.ts';

const LISTED = 20_000;

export const handler = httpHandler(
  {
    params: reconciliationParams,
  },
  async ({ params }) => {
    const r = await getReconciliation(params.month, params.id);
    const truncated = r.extra.length > LISTED || r.missing.length > LISTED || r.rejected.length > LISTED;
    return {
      status: 200,
      body: {
        ...r,
        extra: r.extra.slice(0, LISTED),
        missing: r.missing.slice(0, LISTED),
        rejected: r.rejected.slice(0, LISTED),
        ...(truncated ? { truncated: true } : {}),
        letterUrl: `/premiums/${r.month}/reconciliation/${r.id}/letter.csv`,
      },
    };
  },
);
