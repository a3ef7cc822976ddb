// POST /incidents/{id}/status (operator, or a responder of a unit on it): {status, note?} — one step of the
// lifecycle; any other move is a 409 naming the allowed ones. Resolving or cancelling frees the units.
import { changeStatus } from '#shared/incident/lifecycle.ts';
import { statusChangeSchema } from '#shared/incident/schemas.ts';
import { recordView } from '#shared/incident/views.ts';
import { hasRole } from '#shared/platform/auth.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { incidentParams, opContext } from './params.ts';

export const handler = httpHandler({ params: incidentParams, body: statusChangeSchema }, async (req) => {
  const record = await changeStatus(req.params.id, req.body.status, opContext(req), req.body.note);
  return { status: 200, body: recordView(record, !hasRole(req.principal, 'operator')) };
});
