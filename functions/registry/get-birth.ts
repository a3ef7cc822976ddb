// GET /births/{id} — a newborn's record, its coverage and its NIK once issued (clinic, city_admin).
import * as z from 'zod/mini';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { birthView, getBirth } from '#shared/registry/births.ts';

export const handler = httpHandler(
  { params: z.object({ id: z.uuid('must be a birth id') }) },
  async ({ params }) => {
    const birth = await getBirth(params.id);
    if (!birth) throw new NotFound('No birth with this id');
    return { status: 200, body: birthView(birth) };
  },
);
