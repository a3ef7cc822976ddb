// The acknowledgement window of one assignment closed (EventBridge Scheduler one-time schedule; locally a
// timer): if nobody acknowledged, the assignment is MISSED and the next nearest unit is sent (dispatch.ts).
import type { AckTimeout } from '#shared/incident/dispatch.ts';
import { missAcknowledgement } from '#shared/incident/lifecycle.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';

export const handler = eventHandler(async (event: AckTimeout) => {
  const outcome = await missAcknowledgement(event);
  logger.info('acknowledgement window closed', { incidentId: event.incidentId, n: event.n, outcome });
  return { outcome };
});
