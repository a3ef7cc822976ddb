// POST /kader — a registered resident enters the kader register (city_admin): {nik, level, posyandu?, rt?,
// certifiedOn?} → 201; an unknown NIK → 404; in the register already → 409 with the record.
import { kaderView, registerKader } from '#shared/kader/register.ts';
import { newKaderSchema } from '#shared/kader/schemas.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { ctxOf } from './params.ts';

export const handler = httpHandler({ body: newKaderSchema }, async (req) => {
  const kader = await registerKader(req.body, ctxOf(req));
  return { status: 201, body: kaderView(kader) };
});
