// Checks BPJS's invoice of a month when its CSV lands in the imports bucket (EventBridge: S3 Object Created).
import type { Context } from 'aws-lambda';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { finishJobWith, type ObjectCreated, runUploadWorker } from '#shared/registry/import-jobs.ts';
import { reconcile } from '#shared/registry/reconciliation.ts';

export const handler = eventHandler(
  async (event: ObjectCreated, context: Context): Promise<void> =>
    runUploadWorker(
      event,
      context.awsRequestId,
      'RECONCILIATION',
      async (text, job, ctx) => {
        const month = job.month!;
        const result = await reconcile(month, text, ctx, { jobId: job.jobId });
        const { extra: _e, missing: _m, rejected: _r, ...summary } = result;
        await finishJobWith(
          job.jobId,
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
      },
      (r) => ({
        billed: r.billed,
        matched: r.matched,
        extraCount: r.extraCount,
        missingCount: r.missingCount,
      }),
    ),
);
