// POST /residents/{nik}/death — a resident's death. A city_admin records it (Dukcapil, a facility, or an RT's report
// confirmed): coverage closed at the death, the premium bill stopped after its month, what was overpaid reported.
// An RT chair reports one in their RT (source RT): 202, recorded as reported until the city confirms it.
import * as z from 'zod/mini';
import { hasRole } from '#shared/platform/auth.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { deathSchema } from '#shared/registry/civil-schemas.ts';
import { recordDeath, reportDeath } from '#shared/registry/deaths.ts';
import { nikSchema } from '#shared/registry/fields.ts';

export const handler = httpHandler(
  { params: z.object({ nik: nikSchema }), body: deathSchema },
  async ({ params, body, principal, requestId }) => {
    const ctx = { actor: principal!, requestId, now: new Date().toISOString() };
    if (hasRole(principal, 'city_admin'))
      return { status: 200, body: await recordDeath(params.nik, body, ctx) };
    return { status: 202, body: await reportDeath(params.nik, body, { ...ctx, rt: principal!.rt! }) };
  },
);
