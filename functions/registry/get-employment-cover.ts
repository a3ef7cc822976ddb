// GET /residents/{nik}/employment-cover — a resident's BPJS Ketenagakerjaan cover now and its periods (city_admin).
import * as z from 'zod/mini';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { getEmploymentCover } from '#shared/registry/employment-cover.ts';
import { nikSchema } from '#shared/registry/fields.ts';

export const handler = httpHandler({ params: z.object({ nik: nikSchema }) }, async ({ params }) => {
  const cover = await getEmploymentCover(params.nik);
  if (!cover) throw new NotFound('No resident with this NIK is registered', { nik: params.nik });
  return { status: 200, body: cover };
});
