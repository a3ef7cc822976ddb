// The one set of scheduled jobs: the CDK stack makes an EventBridge Scheduler schedule of each, and
// `npm run job -- <name>` runs the very same handler module locally (with a chosen date, if it takes one).
import type { Grants } from './routes.ts';

export interface ScheduleDef {
  /** The job's name on the command line: `npm run job -- attestation-review`. */
  name: string;
  description: string;
  /** Scheduler cron fields (minutes hours day-of-month month day-of-week year), in WIB. */
  cronWib: string;
  handler: string;
  grants: Grants;
  timeoutSeconds?: number;
  memoryMb?: number;
}

/** What a scheduled handler receives: the schedule's name and, when run by hand, the date it runs for. */
export interface JobInput {
  job: string;
  /** YYYY-MM-DD (WIB); absent = today. */
  date?: string;
}

export const SCHEDULES: readonly ScheduleDef[] = [
  {
    name: 'attestation-review',
    description: 'Remind verifiers daily of attestations still waiting for review after the allowed days',
    cronWib: '0 8 * * ? *',
    handler: 'functions/attestation/review-reminder.ts',
    grants: { attestations: 'readWrite', topics: ['verifiers'] },
  },
  {
    name: 'reminders',
    description: "Select the day's due reminders of every active campaign and queue them, one fire each",
    cronWib: '0 7 * * ? *',
    handler: 'functions/reminder/run-reminders.ts',
    grants: { registry: 'read', reminders: 'readWrite', queues: ['sms'] },
    timeoutSeconds: 900,
    memoryMb: 1024,
  },
  {
    name: 'sms-opt-outs',
    description: 'Copy the numbers SNS reports opted out (ListPhoneNumbersOptedOut) into the opt-out list',
    cronWib: '0 5 * * ? *',
    handler: 'functions/reminder/sync-opt-outs.ts',
    grants: { reminders: 'readWrite', audit: 'write', smsOptOuts: ['list'] },
    timeoutSeconds: 300,
  },
  {
    name: 'homecare',
    description:
      "Remind households of tomorrow's homecare visits, and tell each puskesmas of requests waiting too long",
    cronWib: '0 7 * * ? *',
    handler: 'functions/homecare/daily-job.ts',
    grants: {
      homecare: 'readWrite',
      registry: 'read',
      idempotency: true,
      notify: true,
      topics: ['city_admins'],
    },
    timeoutSeconds: 300,
  },
];

export function findSchedule(name: string): ScheduleDef | undefined {
  return SCHEDULES.find((s) => s.name === name);
}
