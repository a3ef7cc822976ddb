// POST /homecare/requests/{id}/visits/{visitId}/outcome — what became of a visit (clinic of the request's puskesmas):
// {done, note, nextVisit?, closeReason?} → 201 {visit, nextVisit, request, sms}. Done: VISITED (and the next visit
// planned at once with nextVisit); not done: rescheduled to nextVisit or the request closed with closeReason. The
// note is clinical: only clinic staff and city_admin ever see it.
import * as z from 'zod/mini';
import { outcomeSchema } from '#shared/homecare/schemas.ts';
import { recordOutcome } from '#shared/homecare/visits.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { opContext, requestParams } from './params.ts';

const params = z.extend(requestParams, {
  visitId: z.string().check(z.regex(/^[0-9a-z]{9}-[0-9a-f]{12}$/, 'is not a visit id')),
});

export const handler = httpHandler({ params, body: outcomeSchema }, async (req) => {
  const out = await recordOutcome(
    req.params.id,
    req.params.visitId,
    req.body,
    opContext(req, `outcome#${req.params.visitId}`),
  );
  return {
    status: 201,
    body: { ...out.reply, sms: out.sms ? { household: out.sms } : null },
    ...(out.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
  };
});
