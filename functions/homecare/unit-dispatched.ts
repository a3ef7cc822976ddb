// An ambulance was sent to a 112 incident (UnitDispatched): its homecare trips of the hour move to the next free
// ambulance, or are left NO_UNIT with the puskesmas told. Delivered again, it finds nothing left on the unit.
import type { EventBridgeEvent } from 'aws-lambda';
import { UnitDispatched } from '#events/incident.ts';
import { moveTripsOffUnit } from '#shared/homecare/trips.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';

export const handler = eventHandler(
  async (event: EventBridgeEvent<'UnitDispatched', unknown>): Promise<void> => {
    const detail = UnitDispatched.parse(event.detail);
    // The rule matches ambulances only; another kind carries no homecare trips.
    if (detail.kind !== 'AMBULANCE') return;
    const moved = await moveTripsOffUnit(detail.unitId, detail.at, { incidentId: detail.incidentId });
    if (moved.length > 0) {
      logger.info('homecare trips taken off a dispatched ambulance', {
        unitId: detail.unitId,
        incidentId: detail.incidentId,
        moved: moved.filter((m) => m.status === 'MOVED').length,
        noUnit: moved.filter((m) => m.status === 'NO_UNIT').length,
      });
    }
  },
);
