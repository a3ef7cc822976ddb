// POST /funds/{rt}/{year}/entries/{entryId}/reversal — the correcting entry (city_admin; or the RT's chair, for
// its own expenses, within the allowed days): {reason}; an entry is reversed once, a second time is a 409.
import { reverseEntry } from '#shared/fund/ledger.ts';
import { reversalSchema } from '#shared/fund/schemas.ts';
import { publicEntry } from '#shared/fund/views.ts';
import { hasRole } from '#shared/platform/auth.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { idempotencyId, requestHash } from '#shared/platform/idempotency.ts';
import { entryParams } from './params.ts';

export const handler = httpHandler(
  { params: entryParams, body: reversalSchema },
  async ({ params, body, principal, headers, requestId }) => {
    const city = hasRole(principal, 'city_admin');
    const key = headers['idempotency-key'];
    const written = await reverseEntry(
      params.rt,
      params.year,
      params.entryId,
      body.reason,
      {
        actor: principal!,
        requestId,
        now: new Date().toISOString(),
        ...(key
          ? {
              idempotency: {
                id: idempotencyId(`fund-reversal#${params.rt}#${params.year}`, principal!, key),
                requestHash: requestHash({ ...body, entryId: params.entryId }),
              },
            }
          : {}),
      },
      !city,
    );
    return {
      status: 201,
      body: {
        entryId: written.entry.entryId,
        reverses: params.entryId,
        balance: written.balance,
        entry: publicEntry(written.entry),
      },
      ...(written.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
    };
  },
);
