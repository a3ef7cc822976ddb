// Runs a Dukcapil civil events job when its CSV lands in the imports bucket (EventBridge: S3 Object Created).
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { DomainError } from '#shared/platform/errors.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';
import { objectStore } from '#shared/platform/object-store.ts';
import { recordCivilEvents } from '#shared/registry/civil-events-jobs.ts';
import { jobIdOfKey, runUploadedJob } from '#shared/registry/import-jobs.ts';

type ObjectCreated = EventBridgeEvent<
  'Object Created',
  { bucket: { name: string }; object: { key: string } }
>;

export const handler = eventHandler(async (event: ObjectCreated, context: Context): Promise<void> => {
  const key = event.detail.object.key;
  const jobId = jobIdOfKey(key, 'CIVIL_EVENTS');
  if (!jobId) {
    logger.warn('object is not a civil events upload; ignored', { key });
    return;
  }
  try {
    const result = await runUploadedJob(jobId, 'CIVIL_EVENTS', context.awsRequestId, async (_job, ctx) =>
      recordCivilEvents(await objectStore().getText(key), ctx, {
        jobId,
        // The lease outlasts the worker's 15-minute limit; another import may hold it for a while.
        leaseSeconds: 16 * 60,
        waitForLockSeconds: 10 * 60,
      }),
    );
    logger.info('civil events done', {
      jobId,
      rows: result.rows,
      applied: result.applied,
      unchanged: result.unchanged,
      rejectedRows: result.rejectedRows,
    });
  } catch (error) {
    // A bad file or a job already run will not get better by retrying; anything else is retried.
    if (error instanceof DomainError && error.status < 500) {
      logger.warn('civil events job not run', { jobId, reason: error.message });
      return;
    }
    throw error;
  }
});
