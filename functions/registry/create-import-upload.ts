// POST /residents/import/uploads — start a large import: a job and a presigned PUT for its CSV (city_admin).
import { httpHandler } from '#shared/platform/http.ts';
import { startUpload } from '#shared/registry/uploads.ts';

export const handler = httpHandler({}, async ({ principal, requestId }) =>
  startUpload(
    'RESIDENTS',
    { actor: principal!, requestId, now: new Date().toISOString() },
    (jobId) => `/residents/import/${jobId}`,
  ),
);
