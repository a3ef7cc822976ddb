// The acknowledgement window of one assignment closed (EventBridge Scheduler one-time schedule, which fires
// within the due minute, so this waits for the due second; locally a timer): if nobody acknowledged, the assignment is MISSED and the next nearest unit is sent (dispatch.ts).
import type { AckTimeout } from '#shared/incident/dispatch.ts';
import { missAcknowledgement } from '#shared/incident/lifecycle.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';
import { type TimerEvent, waitUntilDue } from '#shared/platform/timers.ts';

export const handler = eventHandler(async (event: TimerEvent<AckTimeout>) => {
  await waitUntilDue(event);
  const outcome = await missAcknowledgement({ incidentId: event.incidentId, n: event.n });
  logger.info('acknowledgement window closed', { incidentId: event.incidentId, n: event.n, outcome });
  return { outcome };
});
