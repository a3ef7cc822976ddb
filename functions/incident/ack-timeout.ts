// The acknowledgement window of one assignment closed (EventBridge Scheduler one-time schedule, which fires
// within the due minute, so this waits for the due second; locally a timer): if nobody acknowledged, the assignment is MISSED and the next nearest unit is sent (dispatch.ts).
// The same timer with n = 0 is a P1 incident's 2-minute watch: still unacknowledged, it is counted for the alarm.
import { type AckTimeout, P1_WATCH_N } from '#shared/incident/dispatch.ts';
import { checkP1Watch, missAcknowledgement } from '#shared/incident/lifecycle.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';
import { type TimerEvent, waitUntilDue } from '#shared/platform/timers.ts';

export const handler = eventHandler(async (event: TimerEvent<AckTimeout>) => {
  await waitUntilDue(event);
  if (event.n === P1_WATCH_N) {
    const watched = await checkP1Watch(event.incidentId);
    logger.info('P1 watch closed', { incidentId: event.incidentId, outcome: watched });
    return { outcome: watched };
  }
  const outcome = await missAcknowledgement({ incidentId: event.incidentId, n: event.n });
  logger.info('acknowledgement window closed', { incidentId: event.incidentId, n: event.n, outcome });
  return { outcome };
});
