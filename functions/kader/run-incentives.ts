// POST /kader/incentives/{YYYY-MM} — the month's incentive run (city_admin; Idempotency-Key), after the month has
// ended: 201 {month, paid: [{nik, name, amount}], notPaid: [{nik, reason}], total}; a second run of the month → 409
// (a correction is a reversal). Each paid kader is told by SMS (KaderIncentivesPaid, handled once per kader).
import { KADER_INCENTIVES_PAID, KADER_SOURCE } from '#events/kader.ts';
import { runIncentives } from '#shared/kader/incentives.ts';
import { publishEvents } from '#shared/platform/bus.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { idempotencyId, requestHash, requireIdempotencyKey } from '#shared/platform/idempotency.ts';
import { monthParams } from './incentive-params.ts';
import { ctxOf } from './params.ts';

export const handler = httpHandler({ params: monthParams }, async (req) => {
  const key = requireIdempotencyKey(req.headers);
  const out = await runIncentives(req.params.month, {
    ...ctxOf(req),
    idempotency: {
      id: idempotencyId(`kader-incentives#${req.params.month}`, req.principal!, key),
      requestHash: requestHash({ month: req.params.month }),
    },
  });
  // Again on a replay: the SMS are sent once each whatever the deliveries.
  await publishEvents([
    {
      source: KADER_SOURCE,
      detailType: KADER_INCENTIVES_PAID,
      detail: { month: out.run.month, paid: out.run.paid.length, total: out.run.total },
    },
  ]);
  return {
    status: 201,
    body: out.run,
    ...(out.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
  };
});
