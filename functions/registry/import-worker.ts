// Runs an import job when its CSV lands in the imports bucket (EventBridge: S3 Object Created).
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { Conflict, ValidationError } from '#shared/platform/errors.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';
import { objectStore } from '#shared/platform/object-store.ts';
import { runImportJob } from '#shared/registry/import.ts';
import { jobIdOfKey } from '#shared/registry/import-jobs.ts';

type ObjectCreated = EventBridgeEvent<
  'Object Created',
  { bucket: { name: string }; object: { key: string } }
>;

// Wrapped as every event function is: the logger knows the invocation, and the job's metrics (coverage activated)
// are written when it ends.
export const handler = eventHandler(async (event: ObjectCreated, context: Context): Promise<void> => {
  const key = event.detail.object.key;
  const jobId = jobIdOfKey(key, 'RESIDENTS');
  if (!jobId) {
    logger.warn('object is not an import upload; ignored', { key });
    return;
  }
  try {
    const result = await runImportJob(jobId, () => objectStore().getText(key), context.awsRequestId);
    logger.info('import done', {
      jobId,
      rows: result.rows,
      imported: result.imported,
      updated: result.updated,
      rejectedRows: result.rejectedRows,
    });
  } catch (error) {
    // A bad file or a job already run will not get better by retrying; anything else is retried.
    if (error instanceof ValidationError || error instanceof Conflict) {
      logger.warn('import not run', { jobId, reason: (error as Error).message });
      return;
    }
    throw error;
  }
});
