// POST /homecare/requests/{id}/status — end a request (clinic of its puskesmas, city_admin): {status: CLOSED |
// DECLINED, reason} → 200; a move the lifecycle does not allow → 409 {from, to, allowed}.
import { statusChangeSchema } from '#shared/homecare/schemas.ts';
import { endRequest } from '#shared/homecare/visits.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { opContext, requestParams } from './params.ts';

export const handler = httpHandler({ params: requestParams, body: statusChangeSchema }, async (req) => {
  const reply = await endRequest(req.params.id, req.body.status, req.body.reason, opContext(req, 'status'));
  return { status: 200, body: reply };
});
