// GET /coverage/{nik} — "is this NIK covered right now?" for the clinic desk, in one consistent GetItem.
import * as z from 'zod/mini';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { nikSchema } from '#shared/registry/fields.ts';
import { getCurrentCoverage } from '#shared/registry/repository.ts';
import { coverageView } from '#shared/registry/rules.ts';

export const handler = httpHandler({ params: z.object({ nik: nikSchema }) }, async ({ params }) => {
  const found = await getCurrentCoverage(params.nik);
  if (!found)
    throw new NotFound('No resident with this NIK is registered', { nik: params.nik, covered: false });
  return { status: 200, body: coverageView(params.nik, found.coverage, found.civilStatus) };
});
