// A large file's way in: a job and a presigned PUT for its CSV; the job's worker runs when the file lands
// (shared/platform/event-rules.ts). Residents' lists, Dukcapil's civil events and BPJS's invoices alike.
import { objectStore } from '#shared/platform/object-store.ts';
import { createImportJob, type JobKind } from './import-jobs.ts';
import type { WriteContext } from './repository.ts';

const EXPIRES_SECONDS = 15 * 60;

export async function startUpload(
  kind: JobKind,
  ctx: WriteContext,
  statusUrl: (jobId: string) => string,
  extra: { month?: string } = {},
) {
  const job = await createImportJob(ctx, kind, extra);
  const uploadUrl = await objectStore().presignPut(job.objectKey, 'text/csv', EXPIRES_SECONDS);
  // When the upload URL stops working (not a TTL: nothing here expires in the table).
  const expiresAt = new Date(Date.now() + EXPIRES_SECONDS * 1000).toISOString();
  return {
    status: 201,
    body: {
      jobId: job.jobId,
      status: job.status,
      upload: { method: 'PUT', url: uploadUrl, headers: { 'content-type': 'text/csv' } },
      expiresAt,
      statusUrl: statusUrl(job.jobId),
    },
  };
}
