// GET /premiums/{YYYY-MM}/reconciliation/jobs/{jobId} — a reconciliation job's state and, when done, its summary and
// the reconciliation's id (city_admin).
import * as z from 'zod/mini';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { isoMonth } from '#shared/registry/fields.ts';
import { getImportJob } from '#shared/registry/import-jobs.ts';

export const handler = httpHandler(
  { params: z.object({ month: isoMonth(), jobId: z.uuid('must be a reconciliation job id') }) },
  async ({ params }) => {
    const job = await getImportJob(params.jobId, 'RECONCILIATION');
    if (job.month !== params.month) throw new NotFound('No reconciliation job with this id for this month');
    return { status: 200, body: job };
  },
);
