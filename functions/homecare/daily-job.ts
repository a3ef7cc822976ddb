// The homecare daily job (EventBridge Scheduler at 07:00 WIB; locally `npm run job -- homecare [--date D]`):
// households with a visit tomorrow get a reminder SMS (once per visit), and each puskesmas is told of requests still
// waiting to be scheduled after HOMECARE_MAX_WAIT_DAYS (once a day): by SMS to its phone, or, for a puskesmas
// without one, on the city administrators' topic so the notice is never lost.
import { type HomecareDay, runHomecareDay } from '#shared/homecare/job.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import type { JobInput } from '#shared/platform/schedules.ts';
import { todayWib } from '#shared/platform/wib.ts';

export const handler = eventHandler(
  async (input: Partial<JobInput> = {}): Promise<HomecareDay> => runHomecareDay(input.date ?? todayWib()),
);
