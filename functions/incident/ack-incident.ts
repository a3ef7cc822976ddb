// POST /incidents/{id}/ack (the responder of the assigned unit): the crew takes the alert up; the timer stops.
import { acknowledge } from '#shared/incident/lifecycle.ts';
import { reportReply } from '#shared/incident/views.ts';
import { Forbidden } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { incidentParams, opContext } from './params.ts';

export const handler = httpHandler({ params: incidentParams }, async (req) => {
  const unit = req.principal?.unit;
  if (!unit) throw new Forbidden('This account is not the crew of a unit');
  const out = await acknowledge(req.params.id, unit, opContext(req));
  return { status: 200, body: reportReply(out.incident, { assignment: out.assignment }) };
});
