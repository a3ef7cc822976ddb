// POST /incidents/{id}/dispatch (operator): {kind?, unitId?} — send the nearest available unit of the kind
// (the incident type's by default) or the unit chosen, for a P3 or to add a unit. 409 when none is available.
import { dispatchIncident } from '#shared/incident/dispatch.ts';
import { dispatchSchema } from '#shared/incident/schemas.ts';
import { reportReply } from '#shared/incident/views.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { incidentParams, opContext } from './params.ts';

export const handler = httpHandler({ params: incidentParams, body: dispatchSchema }, async (req) => {
  const out = await dispatchIncident(req.params.id, opContext(req), {
    ...(req.body.kind ? { kind: req.body.kind } : {}),
    ...(req.body.unitId ? { unitId: req.body.unitId } : {}),
  });
  return { status: 201, body: reportReply(out.incident, { assignment: out.assignment }) };
});
