// GET /civil-events/import/{jobId} — a civil events job's state and, when done, its outcome (city_admin).
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { getImportJob } from '#shared/registry/import-jobs.ts';

export const handler = httpHandler(
  { params: z.object({ jobId: z.uuid('must be an import job id') }) },
  async ({ params }) => ({ status: 200, body: await getImportJob(params.jobId, 'CIVIL_EVENTS') }),
);
