// One-time timers (an acknowledgement window): EventBridge Scheduler one-time schedules in AWS, which invoke
// the timer's handler with the payload at the given time and delete themselves; local mode swaps in timers
// that call the very same handler module. A timer's handler must check state itself: a cancelled timer may
// still fire (cancelling is best effort), and Scheduler may deliver twice.
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { logger } from './logger.ts';
import type { Grants } from './routes.ts';

export const TIMER_NAMES = ['ack-timeout'] as const;
export type TimerName = (typeof TIMER_NAMES)[number];

export interface TimerDef {
  name: TimerName;
  description: string;
  /** Gets the payload the timer was started with. */
  handler: string;
  grants: Grants;
  timeoutSeconds?: number;
  memoryMb?: number;
}

export const TIMERS: readonly TimerDef[] = [
  {
    name: 'ack-timeout',
    description:
      'A 112 alert nobody acknowledged in time: mark it missed, take the unit offline, send the next',
    handler: 'functions/incident/ack-timeout.ts',
    grants: { incidents: 'readWrite', queues: ['alerts'], timers: ['ack-timeout'], bus: true },
    // Up to a minute of waiting for the due second (waitUntilDue), then the miss and the next dispatch.
    timeoutSeconds: 90,
  },
];

/** Environment of a function that starts timers: the target's ARN per timer, and one role and group for all. */
export const timerTargetEnvVar = (timer: TimerName) => `TIMER_${timer.toUpperCase().replace(/-/g, '_')}_ARN`;
export const TIMER_ROLE_ENV = 'TIMER_ROLE_ARN';
export const TIMER_GROUP_ENV = 'TIMER_GROUP';
export const TIMER_DLQ_ENV = 'TIMER_DLQ_ARN';

/** What a timer's handler gets: the payload it was started with, and when it was due. */
export type TimerEvent<P> = P & { dueAt: string };

/**
 * EventBridge Scheduler fires within the minute of its time, so a schedule is set at the start of the due minute
 * and the handler waits out the rest here: the window closes on the second, not up to a minute early or late.
 */
export async function waitUntilDue(event: { dueAt?: string }, now = Date.now()): Promise<void> {
  const wait = event.dueAt ? Date.parse(event.dueAt) - now : 0;
  if (wait > 0) await new Promise((r) => setTimeout(r, Math.min(wait, 65_000)));
}

export interface Timers {
  /** Calls the timer's handler with `{...payload, dueAt}` at `at`; `id` names it (letters, digits, - _ .; ≤ 50). */
  start(timer: TimerName, id: string, at: Date, payload: unknown): Promise<void>;
  /** Best effort: the timer may still fire. */
  cancel(timer: TimerName, id: string): Promise<void>;
}

let client: SchedulerClient | undefined;
const scheduleName = (timer: TimerName, id: string) => `${timer}-${id}`.slice(0, 64);

const scheduler: Timers = {
  async start(timer, id, at, payload) {
    client ??= new SchedulerClient({});
    try {
      await client.send(
        new CreateScheduleCommand({
          Name: scheduleName(timer, id),
          GroupName: process.env[TIMER_GROUP_ENV],
          // Whole seconds, UTC: at(yyyy-mm-ddThh:mm:ss).
          // The due minute, UTC: Scheduler fires somewhere in it; the handler waits for the second (waitUntilDue).
          ScheduleExpression: `at(${at.toISOString().slice(0, 16)}:00)`,
          ScheduleExpressionTimezone: 'UTC',
          FlexibleTimeWindow: { Mode: 'OFF' },
          ActionAfterCompletion: 'DELETE',
          Target: {
            Arn: process.env[timerTargetEnvVar(timer)],
            RoleArn: process.env[TIMER_ROLE_ENV],
            Input: JSON.stringify({ ...(payload as object), dueAt: at.toISOString() }),
            RetryPolicy: { MaximumRetryAttempts: 3, MaximumEventAgeInSeconds: 300 },
            // A timer whose handler still fails is kept there, not lost (an alarm watches it).
            ...(process.env[TIMER_DLQ_ENV] ? { DeadLetterConfig: { Arn: process.env[TIMER_DLQ_ENV] } } : {}),
          },
        }),
      );
    } catch (error) {
      // The same timer started twice (a retried request): the first one stands.
      if (error instanceof ConflictException) return;
      throw error;
    }
  },
  async cancel(timer, id) {
    client ??= new SchedulerClient({});
    try {
      await client.send(
        new DeleteScheduleCommand({ Name: scheduleName(timer, id), GroupName: process.env[TIMER_GROUP_ENV] }),
      );
    } catch (error) {
      if (error instanceof ResourceNotFoundException) return;
      logger.warn('timer not cancelled; its handler will find nothing to do', { timer, error });
    }
  },
};

let override: Timers | undefined;

export function setTimers(timers: Timers | undefined): void {
  override = timers;
}

export function timers(): Timers {
  return override ?? scheduler;
}

export function findTimer(name: string): TimerDef | undefined {
  return TIMERS.find((t) => t.name === name);
}
