// GET /rts/{rt} — one RT of the directory with its kelurahan and kecamatan names, chair, households and residents
// (city_admin, social_verifier; an RT chair for their own RT: the web form's header).
import * as z from 'zod/mini';
import { getRt, rtView } from '#shared/city/rts.ts';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { rtSchema } from '#shared/registry/fields.ts';

export const handler = httpHandler({ params: z.object({ rt: rtSchema }) }, async ({ params }) => {
  const rt = await getRt(params.rt);
  if (!rt) throw new NotFound(`RT ${params.rt} is not in the directory`);
  return { status: 200, body: rtView(rt) };
});
