// POST /residents/{nik}/employment-cover/end — the city's enrolment as an RT activity worker ends on `to` (its last
// covered day); the cover closes then unless the resident is still covered as a kader (city_admin).
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { coverView, endRtWorker, endSchema } from '#shared/registry/employment-cover.ts';
import { nikSchema } from '#shared/registry/fields.ts';

export const handler = httpHandler(
  { params: z.object({ nik: nikSchema }), body: endSchema },
  async ({ params, body, principal, requestId }) => {
    const cover = await endRtWorker(params.nik, body, {
      actor: principal!,
      requestId,
      now: new Date().toISOString(),
    });
    return { status: 200, body: coverView(cover) };
  },
);
