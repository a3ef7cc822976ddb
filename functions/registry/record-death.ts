// POST /residents/{nik}/death — record a resident's death (city_admin: Dukcapil, a facility, or an RT's report
// confirmed): coverage closed at the death, the premium bill stopped after its month, what was overpaid reported.
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { recordDeath } from '#shared/registry/deaths.ts';
import { deathSchema, nikSchema } from '#shared/registry/fields.ts';

export const handler = httpHandler(
  { params: z.object({ nik: nikSchema }), body: deathSchema },
  async ({ params, body, principal, requestId }) => ({
    status: 200,
    body: await recordDeath(params.nik, body, {
      actor: principal!,
      requestId,
      now: new Date().toISOString(),
    }),
  }),
);
