// POST /premiums/{YYYY-MM}/reconciliation/uploads — BPJS's list for a month too large to send directly: a job and a
// presigned PUT for its CSV; the reconciliation runs when the file lands (city_admin).
import * as z from 'zod/mini';
import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { isoMonth } from '#shared/registry/fields.ts';
import { monthProblem } from '#shared/registry/reconciliation.ts';
import { startUpload } from '#shared/registry/uploads.ts';

export const handler = httpHandler(
  { params: z.object({ month: isoMonth() }) },
  async ({ params, principal, requestId }) => {
    const problem = monthProblem(params.month);
    if (problem) throw ValidationError.field('month', problem);
    return startUpload(
      'RECONCILIATION',
      { actor: principal!, requestId, now: new Date().toISOString() },
      (jobId) => `/premiums/${params.month}/reconciliation/jobs/${jobId}`,
      { month: params.month },
    );
  },
);
