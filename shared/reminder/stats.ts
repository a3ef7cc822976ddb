// The reminders' figures over WIB days: what the daily job found due and skipped (each day's latest run) and what
// the sender and SNS's delivery reports counted (the day's counters), with the estimated cost.

import { config } from '#shared/platform/config.ts';
import { queryAll } from '#shared/platform/dynamo.ts';
import { SKIP_REASONS, type SkipReason } from './job.ts';
import { DAYS_PK, T } from './keys.ts';

export interface ReminderStats {
  from: string;
  to: string;
  due: number;
  queued: number;
  sent: number;
  delivered: number;
  failed: number;
  skipped: Record<SkipReason, number>;
  /** Held back at send time: the number opted out after the job ran, or the month's budget was reached. */
  held: { optedOut: number; overBudget: number };
  parts: number;
  estimatedCostUsd: number;
  days: { date: string; due: number; queued: number; sent: number; delivered: number; failed: number }[];
}

const n = (v: unknown) => Number(v ?? 0);

export async function reminderStats(from: string, to: string): Promise<ReminderStats> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
    ExpressionAttributeValues: { ':pk': DAYS_PK, ':from': `${from}#`, ':to': `${to}#~` },
  });
  const skipped = Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;
  const byDay = new Map<string, ReminderStats['days'][number]>();
  const day = (date: string) => {
    const d = byDay.get(date) ?? { date, due: 0, queued: 0, sent: 0, delivered: 0, failed: 0 };
    byDay.set(date, d);
    return d;
  };
  const held = { optedOut: 0, overBudget: 0 };
  let parts = 0;
  let costMicroUsd = 0;
  for (const item of items) {
    const [date, kind] = String(item.sk).split('#') as [string, string];
    const d = day(date);
    if (kind === 'RUN') {
      d.due = n(item.due);
      // Every run's new fires: a second run of a day queues only what the first did not.
      d.queued = n(item.queuedTotal ?? item.queued);
      const s = (item.skipped ?? {}) as Record<string, unknown>;
      for (const r of SKIP_REASONS) skipped[r] += n(s[r]);
    } else {
      // The day's sending counters, in shards: summed.
      d.sent += n(item.sent);
      d.delivered += n(item.delivered);
      d.failed += n(item.failed);
      held.optedOut += n(item.optedOut);
      held.overBudget += n(item.overBudget);
      parts += n(item.parts);
      costMicroUsd += n(item.costMicroUsd);
    }
  }
  const days = [...byDay.values()].sort((a, b) => a.date.localeCompare(b.date));
  const sum = (k: 'due' | 'queued' | 'sent' | 'delivered' | 'failed') => days.reduce((t, d) => t + d[k], 0);
  // The sender counts what it reserved at SNS's price per part; without it (a day not yet sent), estimate.
  const estimated = costMicroUsd || parts * Math.round(config().SMS_PRICE_USD_PER_PART * 1e6);
  return {
    from,
    to,
    due: sum('due'),
    queued: sum('queued'),
    sent: sum('sent'),
    delivered: sum('delivered'),
    failed: sum('failed'),
    skipped,
    held,
    parts,
    estimatedCostUsd: Math.round(estimated) / 1e6,
    days,
  };
}
