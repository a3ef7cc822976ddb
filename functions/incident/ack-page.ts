// GET /a/{token} — public: the page of a unit's acknowledgement link (what the incident is, and a button).
import { ACK_PAGE_HEADERS, renderAckPage } from '#shared/incident/ack-page.ts';
import { getAckLink, getIncidentRecord } from '#shared/incident/repository.ts';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { tokenParams } from './params.ts';

export const handler = httpHandler({ params: tokenParams }, async ({ params }) => {
  const link = await getAckLink(params.token);
  const record = link && (await getIncidentRecord(link.incidentId));
  const assignment = record?.assignments.find((a) => a.n === link?.n);
  if (!record || !assignment) throw new NotFound('This link is not valid or has expired');
  return {
    status: 200,
    text: renderAckPage({ incident: record.incident, assignment }),
    headers: ACK_PAGE_HEADERS,
  };
});
