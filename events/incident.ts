// Event contracts the 112 call centre publishes (zod), with a sample of each. No personal data: which unit went
// where, when.
import * as z from 'zod/mini';

export const INCIDENT_SOURCE = 'sehatkota.incident';

/** A unit was sent to an incident (the operator, the automatic dispatch, or the next unit after a miss). */
export const UnitDispatched = z.object({
  unitId: z.string().check(z.minLength(1)),
  kind: z.enum(['AMBULANCE', 'FIRE', 'POLICE', 'RESCUE']),
  incidentId: z.string().check(z.minLength(1)),
  at: z.iso.datetime(),
});
export type UnitDispatched = z.infer<typeof UnitDispatched>;
export const UNIT_DISPATCHED = 'UnitDispatched';

export const sampleUnitDispatched: UnitDispatched = {
  unitId: 'AMB-01',
  kind: 'AMBULANCE',
  incidentId: '0mi9x2k3a-4f2a9c1b7d3e',
  at: '2026-12-03T01:30:00.000Z',
};
