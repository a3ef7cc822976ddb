// GET /reminders/stats?from=YYYY-MM-DD&to=YYYY-MM-DD (city_admin; WIB days, both included, ≤ 366; default the last
// 30 days): due, sent, delivered, failed, skipped by reason, estimated cost, and the same per day; and the monthly SMS
// budget (SMS_MONTHLY_BUDGET_USD) the cost is held against.
import * as z from 'zod/mini';
import { config } from '#shared/platform/config.ts';
import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { isoDate } from '#shared/registry/fields.ts';
import { addDays } from '#shared/reminder/dates.ts';
import { reminderStats } from '#shared/reminder/stats.ts';

const query = z.object({ from: z.optional(isoDate()), to: z.optional(isoDate()) });

export const handler = httpHandler({ query }, async ({ query: q }) => {
  const to = q.to ?? todayWib();
  const from = q.from ?? addDays(to, -29);
  if (to < from) throw ValidationError.field('to', 'must not be before from');
  if (addDays(from, 365) < to) throw ValidationError.field('to', 'must be at most 366 days after from');
  return {
    status: 200,
    body: { ...(await reminderStats(from, to)), budgetUsd: config().SMS_MONTHLY_BUDGET_USD },
  };
});
