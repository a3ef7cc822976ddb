// PUT /residents/{nik}/coverage — close the current coverage period and open a new one (city_admin).
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { coverageChangeSchema, nikSchema } from '#shared/registry/fields.ts';
import { changeCoverage } from '#shared/registry/repository.ts';
import { coverageView } from '#shared/registry/rules.ts';

export const handler = httpHandler(
  { params: z.object({ nik: nikSchema }), body: coverageChangeSchema },
  async ({ params, body, principal, requestId }) => {
    const { resident, changed } = await changeCoverage(
      params.nik,
      { ...body, source: 'MANUAL' },
      { actor: principal!, requestId, now: new Date().toISOString() },
    );
    return { status: 200, body: { ...coverageView(resident.nik, resident.coverage), changed } };
  },
);
