// POST /births — a newborn (clinic, city_admin): by the mother's NIK and the birth order until the child has a NIK;
// PBI APBD from birth when the mother's is active.
import { httpHandler } from '#shared/platform/http.ts';
import { birthView, recordBirth } from '#shared/registry/births.ts';
import { birthSchema } from '#shared/registry/civil-schemas.ts';

export const handler = httpHandler({ body: birthSchema }, async ({ body, principal, requestId }) => ({
  status: 201,
  body: birthView(await recordBirth(body, { actor: principal!, requestId, now: new Date().toISOString() })),
}));
