// POST /rts — add an RT to the city's directory (city_admin): {rt, chairName, chairPhone?, households} → 201; an RT
// whose kelurahan is not the city's → 400 on rt; the same RT again → 409 with the one there.
import { registerRt, rtView } from '#shared/city/rts.ts';
import { newRtSchema } from '#shared/city/schemas.ts';
import { httpHandler } from '#shared/platform/http.ts';

export const handler = httpHandler({ body: newRtSchema }, async ({ body, principal, requestId }) => {
  const rt = await registerRt(body, { actor: principal!, requestId, now: new Date().toISOString() });
  return { status: 201, body: rtView(rt) };
});
