// POST /funds/{rt}/{year}/expenses — the RT chair records spending (rt_chair of that RT; Idempotency-Key):
// 201 {entryId, balance}, or 422 InsufficientFunds with what is available, decided by the database. Only the RT's
// own chair gets here: the route admits chairs only, and authorize() refuses another RT's path.
import { recordExpense } from '#shared/fund/ledger.ts';
import { expenseSchema } from '#shared/fund/schemas.ts';
import { publicEntry } from '#shared/fund/views.ts';
import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { idempotencyId, requestHash, requireIdempotencyKey } from '#shared/platform/idempotency.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { fundParams } from './params.ts';

export const handler = httpHandler(
  { params: fundParams, body: expenseSchema },
  async ({ params, body, principal, headers, requestId }) => {
    const key = requireIdempotencyKey(headers);
    if (!body.date.startsWith(`${params.year}-`)) {
      throw ValidationError.field('date', `must be inside the fiscal year ${params.year}`);
    }
    if (body.date > todayWib()) throw ValidationError.field('date', 'is in the future');
    const written = await recordExpense(params.rt, params.year, body, {
      actor: principal!,
      requestId,
      now: new Date().toISOString(),
      idempotency: {
        id: idempotencyId(`fund-expense#${params.rt}#${params.year}`, principal!, key),
        requestHash: requestHash(body),
      },
    });
    return {
      status: 201,
      body: { entryId: written.entry.entryId, balance: written.balance, entry: publicEntry(written.entry) },
      ...(written.replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
    };
  },
);
