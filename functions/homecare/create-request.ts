// POST /homecare/requests — ask the puskesmas for a home visit (an RT chair for a resident of its RT, a clinic, the
// city): {nik, need, note, address?, location?} → 201 {id, status: REQUESTED, puskesmas, coverage}; another RT's
// resident → 403; an open request for the same resident and need → 409 with it; no puskesmas serves the
// kelurahan → 422. An Idempotency-Key (optional) makes a retry answer the same.
import { createRequest } from '#shared/homecare/requests.ts';
import { newRequestSchema } from '#shared/homecare/schemas.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { opContext } from './params.ts';

export const handler = httpHandler({ body: newRequestSchema }, async (req) => {
  const out = await createRequest(req.body, opContext(req, 'request'));
  return {
    status: 201,
    body: out.reply,
    ...(out.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
  };
});
