// POST /homecare/requests/{id}/transport — Jemput Sakit Antar Sehat (clinic of the request's puskesmas):
// {pickupAt, destination, returnTrip?: {pickupAt}} → 201 {id, unitId, pickupAt, slot, status, destination,
// returnTrip, sms}: the nearest free ambulance holds the slot; none free → 409 NoUnitFree {slot}; a finished request
// → 409 {status}; a pickup in the past or beyond 90 days → 400 naming it. An Idempotency-Key (optional) replays.
import { tripSchema } from '#shared/homecare/schemas.ts';
import { bookTrip } from '#shared/homecare/trips.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { opContext, requestParams } from './params.ts';

export const handler = httpHandler({ params: requestParams, body: tripSchema }, async (req) => {
  const out = await bookTrip(req.params.id, req.body, opContext(req, `trip#${req.params.id}`));
  return {
    status: 201,
    body: out.reply,
    ...(out.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
  };
});
