// POST /residents/import/uploads — start a large import: a job and a presigned PUT for its CSV (city_admin).
import { httpHandler } from '#shared/platform/http.ts';
import { objectStore } from '#shared/platform/object-store.ts';
import { createImportJob } from '#shared/registry/import-jobs.ts';

const EXPIRES_SECONDS = 15 * 60;

export const handler = httpHandler({}, async ({ principal, requestId }) => {
  const job = await createImportJob({ actor: principal!, requestId, now: new Date().toISOString() });
  const uploadUrl = await objectStore().presignPut(job.objectKey, 'text/csv', EXPIRES_SECONDS);
  return {
    status: 201,
    body: {
      jobId: job.jobId,
      status: job.status,
      upload: { method: 'PUT', url: uploadUrl, headers: { 'content-type': 'text/csv' } },
      expiresAt: new Date(Date.now() + EXPIRES_SECONDS * 1000).toISOString(),
      statusUrl: `/residents/import/${job.jobId}`,
    },
  };
});
