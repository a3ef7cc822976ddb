// POST /jobs/reminders/run?date=YYYY-MM-DD (city_admin): runs the daily reminders job for a day (default today,
// WIB) and answers its stored result {date, due, queued, skipped: {…}}. Running it again queues nothing twice.
// Another day than today sends at once (a missed day caught up), still never in quiet hours.
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { dayNear } from '#shared/registry/fields.ts';
import { runReminders } from '#shared/reminder/job.ts';

// A day a missed run is caught up for, or one planned ahead: within two years of today.
const query = z.object({ date: z.optional(dayNear(2)) });

export const handler = httpHandler({ query }, async ({ query: q }) => ({
  status: 200,
  body: await runReminders(q.date ?? todayWib()),
}));
