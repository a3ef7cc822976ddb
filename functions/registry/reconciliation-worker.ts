// Checks BPJS's invoice of a month when its CSV lands in the imports bucket (EventBridge: S3 Object Created).
import type { Context, EventBridgeEvent } from 'aws-lambda';
import { DomainError } from '#shared/platform/errors.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';
import { objectStore } from '#shared/platform/object-store.ts';
import { finishJobWith, jobIdOfKey, runUploadedJob } from '#shared/registry/import-jobs.ts';
import { reconcile } from '#shared/registry/reconciliation.ts';

type ObjectCreated = EventBridgeEvent<
  'Object Created',
  { bucket: { name: string }; object: { key: string } }
>;

export const handler = eventHandler(async (event: ObjectCreated, context: Context): Promise<void> => {
  const key = event.detail.object.key;
  const jobId = jobIdOfKey(key, 'RECONCILIATION');
  if (!jobId) {
    logger.warn('object is not a reconciliation upload; ignored', { key });
    return;
  }
  try {
    const r = await runUploadedJob(jobId, 'RECONCILIATION', context.awsRequestId, async (job, ctx) => {
      const month = job.month!;
      const result = await reconcile(month, await objectStore().getText(key), ctx, { jobId });
      const { extra: _e, missing: _m, rejected: _r, ...summary } = result;
      await finishJobWith(
        jobId,
        { ...summary, reconciliationUrl: `/premiums/${month}/reconciliation/${result.id}` },
        ctx,
        {
          kind: 'RECONCILIATION',
          month,
          action: 'ReconciliationJobDone',
          after: { id: result.id, billed: result.billed, extraCount: result.extraCount },
        },
      );
      return result;
    });
    logger.info('reconciliation done', {
      jobId,
      billed: r.billed,
      matched: r.matched,
      extraCount: r.extraCount,
      missingCount: r.missingCount,
    });
  } catch (error) {
    // A bad file or a job already run will not get better by retrying; anything else is retried.
    if (error instanceof DomainError && error.status < 500) {
      logger.warn('reconciliation job not run', { jobId, reason: error.message });
      return;
    }
    throw error;
  }
});
