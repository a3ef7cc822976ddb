// PUT /births/{id}/nik — Dukcapil issued the child's NIK: the birth becomes a resident of the mother's RT, with its
// coverage from birth (clinic, city_admin).
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { assignBirthNik, birthView } from '#shared/registry/births.ts';
import { birthNikSchema } from '#shared/registry/civil-schemas.ts';

export const handler = httpHandler(
  { params: z.object({ id: z.uuid('must be a birth id') }), body: birthNikSchema },
  async ({ params, body, principal, requestId }) => ({
    status: 200,
    body: birthView(
      await assignBirthNik(params.id, body.nik, {
        actor: principal!,
        requestId,
        now: new Date().toISOString(),
      }),
    ),
  }),
);
