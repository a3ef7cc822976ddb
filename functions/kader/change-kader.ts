// PUT /kader/{nik} — a new level (after a competency test), posyandu, RT or certification day (city_admin), with the
// reason: audited and kept in the kader's history.
import { changeKader, kaderView } from '#shared/kader/register.ts';
import { kaderChangeSchema } from '#shared/kader/schemas.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { ctxOf, kaderParams } from './params.ts';

export const handler = httpHandler({ params: kaderParams, body: kaderChangeSchema }, async (req) => {
  const kader = await changeKader(req.params.nik, req.body, ctxOf(req));
  return { status: 200, body: kaderView(kader) };
});
