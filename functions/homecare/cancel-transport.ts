// POST /homecare/requests/{id}/transport/{tripId}/cancel — (clinic of the request's puskesmas, city_admin): the trip
// is CANCELLED and its ambulance's slot freed for another booking → 200 the trip; cancelled already → 409. Cancelling
// twice changes nothing, so no Idempotency-Key is kept.
import * as z from 'zod/mini';
import { cancelTrip } from '#shared/homecare/trips.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { requestParams } from './params.ts';

const params = z.extend(requestParams, {
  tripId: z.string().check(z.regex(/^[0-9a-z]{9}-[0-9a-f]{12}$/, 'is not a trip id')),
});

export const handler = httpHandler({ params }, async (req) => {
  const trip = await cancelTrip(req.params.id, req.params.tripId, {
    actor: req.principal!,
    requestId: req.requestId,
    now: new Date().toISOString(),
  });
  return { status: 200, body: trip };
});
