// POST /puskesmas — register a puskesmas and the kelurahan it serves (city_admin): {code, name, kelurahan: [codes],
// phone?, location?} → 201; the code again, or a kelurahan another puskesmas serves → 409 naming it (move it with PUT).
import { createPuskesmas, newPuskesmasSchema, puskesmasView } from '#shared/city/puskesmas.ts';
import { httpHandler } from '#shared/platform/http.ts';

export const handler = httpHandler({ body: newPuskesmasSchema }, async ({ body, principal, requestId }) => {
  const p = await createPuskesmas(body, { actor: principal!, requestId, now: new Date().toISOString() });
  return { status: 201, body: puskesmasView(p) };
});
