// POST /residents/{nik}/employment-cover — the city enrols a resident as an RT activity worker: covered by BPJS
// Ketenagakerjaan (work accident + death) from `from`, paid by the city (city_admin).
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { coverView, enrolRtWorker, enrolSchema } from '#shared/registry/employment-cover.ts';
import { nikSchema } from '#shared/registry/fields.ts';

export const handler = httpHandler(
  { params: z.object({ nik: nikSchema }), body: enrolSchema },
  async ({ params, body, principal, requestId }) => {
    const cover = await enrolRtWorker(params.nik, body, {
      actor: principal!,
      requestId,
      now: new Date().toISOString(),
    });
    return { status: 201, body: coverView(cover) };
  },
);
