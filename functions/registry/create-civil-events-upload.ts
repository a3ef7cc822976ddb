// POST /civil-events/import/uploads — a Dukcapil export larger than the direct route takes: a job and a presigned
// PUT for its CSV; the job runs when the file lands (city_admin).
import { httpHandler } from '#shared/platform/http.ts';
import { startUpload } from '#shared/registry/uploads.ts';

export const handler = httpHandler({}, async ({ principal, requestId }) =>
  startUpload(
    'CIVIL_EVENTS',
    { actor: principal!, requestId, now: new Date().toISOString() },
    (jobId) => `/civil-events/import/${jobId}`,
  ),
);
