// Runs a Dukcapil civil events job when its CSV lands in the imports bucket (EventBridge: S3 Object Created).
import type { Context } from 'aws-lambda';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { recordCivilEvents } from '#shared/registry/civil-events-jobs.ts';
import { type ObjectCreated, runUploadWorker } from '#shared/registry/import-jobs.ts';

export const handler = eventHandler(
  async (event: ObjectCreated, context: Context): Promise<void> =>
    runUploadWorker(
      event,
      context.awsRequestId,
      'CIVIL_EVENTS',
      (text, job, ctx) =>
        recordCivilEvents(text, ctx, {
          jobId: job.jobId,
          // The lease outlasts the worker's 15-minute limit; another import may hold it for a while.
          leaseSeconds: 16 * 60,
          waitForLockSeconds: 10 * 60,
        }),
      (r) => ({ rows: r.rows, applied: r.applied, unchanged: r.unchanged, rejectedRows: r.rejectedRows }),
    ),
);
