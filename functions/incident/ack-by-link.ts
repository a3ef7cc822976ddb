// POST /a/{token} — public, the token is the credential: the unit's crew acknowledges from the SMS link (the
// page's button). Answers the page again (or JSON to a client that asks for it).
import { ACK_PAGE_HEADERS, renderAckPage } from '#shared/incident/ack-page.ts';
import { acknowledge } from '#shared/incident/lifecycle.ts';
import { getAckLink, getIncidentRecord } from '#shared/incident/repository.ts';
import { reportReply } from '#shared/incident/views.ts';
import { Conflict, NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { tokenParams } from './params.ts';

export const handler = httpHandler({ params: tokenParams }, async ({ params, headers, requestId }) => {
  const link = await getAckLink(params.token);
  if (!link) throw new NotFound('This link is not valid or has expired');
  const ctx = {
    actor: { sub: `link:${link.unitId}`, roles: ['responder'], unit: link.unitId },
    requestId,
    now: new Date().toISOString(),
  };
  const html = !/application\/json/.test(headers.accept ?? '');
  try {
    const out = await acknowledge(link.incidentId, link.unitId, ctx);
    if (!html) return { status: 200, body: reportReply(out.incident, { assignment: out.assignment }) };
    return {
      status: 200,
      text: renderAckPage({ ...out, message: 'Tugas diterima. Pusat panggilan 112 sudah tahu.' }),
      headers: ACK_PAGE_HEADERS,
    };
  } catch (error) {
    if (!html || !(error instanceof Conflict)) throw error;
    // Too late or over: the page says which, from what is true now.
    const record = await getIncidentRecord(link.incidentId);
    const assignment = record?.assignments.find((a) => a.n === link.n);
    if (!record || !assignment) throw error;
    return {
      status: 409,
      text: renderAckPage({ incident: record.incident, assignment }),
      headers: ACK_PAGE_HEADERS,
    };
  }
});
