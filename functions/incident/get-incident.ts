// GET /incidents/{id} (operator, city_admin; a responder only for an incident its unit was sent to): the
// incident, its assignments, its timeline and — for the call centre — each alert's delivery state.
import { getIncidentRecord } from '#shared/incident/repository.ts';
import { recordView } from '#shared/incident/views.ts';
import { hasRole } from '#shared/platform/auth.ts';
import { Forbidden, NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { incidentParams } from './params.ts';

export const handler = httpHandler({ params: incidentParams }, async ({ params, principal }) => {
  const record = await getIncidentRecord(params.id);
  const staff = hasRole(principal, 'operator') || hasRole(principal, 'city_admin');
  const sentTo = !!principal?.unit && !!record?.assignments.some((a) => a.unitId === principal.unit);
  // A responder learns nothing of incidents that are not its own, not even whether they exist.
  if (!staff && !sentTo) throw new Forbidden('Your unit is not assigned to this incident');
  if (!record) throw new NotFound('No incident with this id');
  return { status: 200, body: recordView(record, !staff) };
});
