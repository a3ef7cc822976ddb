// POST /homecare/requests/{id}/visits — the puskesmas plans a home visit (clinic of the request's puskesmas):
// {date, team} → 201 {id, date, team, status, request, sms}; the household gets one SMS naming the day and the
// puskesmas. A visit already planned → 409 (record its outcome first); a finished request → 409 {from, to, allowed}.
import { newVisitSchema } from '#shared/homecare/schemas.ts';
import { scheduleVisit } from '#shared/homecare/visits.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { opContext, requestParams } from './params.ts';

export const handler = httpHandler({ params: requestParams, body: newVisitSchema }, async (req) => {
  const out = await scheduleVisit(req.params.id, req.body, opContext(req, `visit#${req.params.id}`));
  return {
    status: 201,
    body: { ...out.reply, sms: { household: out.sms } },
    ...(out.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
  };
});
