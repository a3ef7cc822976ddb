// POST /incidents (operator; Idempotency-Key required): a 112 report. → 201 {id, number, status, priority, …}
// and, for P1/P2, the unit sent at once; a repeat call (same caller, open incident within the linking window
// and distance) → 200 with that incident and `linked: true`.

import { reportIncident } from '#shared/incident/report.ts';
import { reportSchema } from '#shared/incident/schemas.ts';
import { reportReply } from '#shared/incident/views.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { idempotencyId, requestHash, requireIdempotencyKey } from '#shared/platform/idempotency.ts';
import { publicBaseUrl } from '#shared/platform/public-url.ts';
import { opContext } from './params.ts';

export const handler = httpHandler({ body: reportSchema }, async (req) => {
  const key = requireIdempotencyKey(req.headers);
  const out = await reportIncident(req.body, opContext(req), {
    linkBase: publicBaseUrl(),
    idempotency: { id: idempotencyId('incident', req.principal!, key), requestHash: requestHash(req.body) },
  });
  const unit = out.assignment && {
    unitId: out.assignment.unitId,
    unitName: out.assignment.unitName,
    distanceM: out.assignment.distanceM,
  };
  return {
    status: out.linked ? 200 : 201,
    body: reportReply(out.incident, { linked: out.linked, ...(unit ? { dispatched: unit } : {}) }),
  };
});
