// The daily reminders job, as EventBridge Scheduler runs it at 07:00 WIB (locally `npm run job -- reminders
// --date YYYY-MM-DD`): the day's due reminders of every active campaign, queued once each.
import { eventHandler } from '#shared/platform/event-handler.ts';
import type { JobInput } from '#shared/platform/schedules.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { type ReminderRun, runReminders } from '#shared/reminder/job.ts';

export const handler = eventHandler(
  async (input: Partial<JobInput> = {}): Promise<ReminderRun> => runReminders(input.date ?? todayWib()),
);
