// POST /funds/{rt}/{year}/allocations — the city allocates to an RT's fund (city_admin; Idempotency-Key):
// an amount, or the yearly tier by households (given, or the RT's own count), once a year.

import { getRt } from '#shared/city/rts.ts';
import { allocate } from '#shared/fund/ledger.ts';
import { allocationSchema } from '#shared/fund/schemas.ts';
import { publicEntry } from '#shared/fund/views.ts';
import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { idempotencyId, requestHash, requireIdempotencyKey } from '#shared/platform/idempotency.ts';
import { fundParams } from './params.ts';

export const handler = httpHandler(
  { params: fundParams, body: allocationSchema },
  async ({ params, body, principal, headers, requestId }) => {
    const key = requireIdempotencyKey(headers);
    const rt = await getRt(params.rt);
    if (!rt) throw ValidationError.field('rt', `RT ${params.rt} is not registered in this city`);
    const written = await allocate(
      params.rt,
      params.year,
      { ...body, households: body.households ?? rt.households },
      {
        actor: principal!,
        requestId,
        now: new Date().toISOString(),
        idempotency: {
          id: idempotencyId(`fund-allocation#${params.rt}#${params.year}`, principal!, key),
          requestHash: requestHash(body),
        },
      },
    );
    return {
      status: 201,
      body: { entryId: written.entry.entryId, balance: written.balance, entry: publicEntry(written.entry) },
      ...(written.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
    };
  },
);
