// POST /kader/{nik}/retire — the kader's work ends on a day (city_admin): {date, reason} → 200; kept in the register
// as RETIRED, never deleted; no more activities or incentives after it.
import { kaderView, retireKader } from '#shared/kader/register.ts';
import { retireSchema } from '#shared/kader/schemas.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { ctxOf, kaderParams } from './params.ts';

export const handler = httpHandler({ params: kaderParams, body: retireSchema }, async (req) => {
  const kader = await retireKader(req.params.nik, req.body, ctxOf(req));
  return { status: 200, body: kaderView(kader) };
});
