// POST /kader/{nik}/activities — a kader's activity (the kader themselves, a clinic, city_admin; Idempotency-Key):
// {date, kind, residentNik?, location?, note} → 201 {activity, monthCount}; another kader's → 403; a day in the
// future or older than the previous month → 400; a home visit names the resident, and links their open homecare
// request when there is one.
import { recordActivity } from '#shared/kader/activities.ts';
import { newActivitySchema } from '#shared/kader/schemas.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { idempotencyId, requestHash, requireIdempotencyKey } from '#shared/platform/idempotency.ts';
import { ctxOf, kaderParams } from './params.ts';

export const handler = httpHandler({ params: kaderParams, body: newActivitySchema }, async (req) => {
  const key = requireIdempotencyKey(req.headers);
  const out = await recordActivity(req.params.nik, req.body, {
    ...ctxOf(req),
    idempotency: {
      id: idempotencyId(`kader-activity#${req.params.nik}`, req.principal!, key),
      requestHash: requestHash(req.body),
    },
  });
  return {
    status: 201,
    body: out.result,
    ...(out.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
  };
});
