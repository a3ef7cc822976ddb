// The daily `sms-opt-outs` job (EventBridge Scheduler; locally `npm run job -- sms-opt-outs`): copies the numbers
// SNS holds opted out into our opt-out list and takes off those SNS let opt back in; returns the counts.
import { randomUUID } from 'node:crypto';
import { eventHandler } from '#shared/platform/event-handler.ts';
import type { JobInput } from '#shared/platform/schedules.ts';
import { type OptOutSyncResult, syncOptOuts } from '#shared/reminder/opt-out-sync.ts';

// The list is SNS's as of now, so a date given by hand changes nothing; it is accepted like every job's input.
export const handler = eventHandler(
  async (_input: Partial<JobInput> = {}, context): Promise<OptOutSyncResult> =>
    syncOptOuts({ requestId: context.awsRequestId ?? randomUUID(), now: new Date().toISOString() }),
);
