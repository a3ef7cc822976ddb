// The AWS adapters behind the alerts queue and the acknowledgement timers, against mocked SDK clients: what
// SQS and EventBridge Scheduler are asked, and what happens when they refuse.
import {
  ConflictException,
  CreateScheduleCommand,
  DeleteScheduleCommand,
  ResourceNotFoundException,
  SchedulerClient,
} from '@aws-sdk/client-scheduler';
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { enqueue, queueEnvVar, setQueue } from '../../shared/platform/queues.ts';
import {
  setTimers,
  TIMER_DLQ_ENV,
  TIMER_GROUP_ENV,
  TIMER_ROLE_ENV,
  timers,
  timerTargetEnvVar,
  waitUntilDue,
} from '../../shared/platform/timers.ts';

const sqs = mockClient(SQSClient);
const scheduler = mockClient(SchedulerClient);
const URL = 'https://sqs.ap-southeast-3.amazonaws.com/123456789012/alerts';

beforeEach(() => {
  sqs.reset();
  scheduler.reset();
  setQueue(undefined);
  setTimers(undefined);
  process.env[queueEnvVar('alerts')] = URL;
  process.env[timerTargetEnvVar('ack-timeout')] = 'arn:aws:lambda:ap-southeast-3:123456789012:function:ack';
  process.env[TIMER_ROLE_ENV] = 'arn:aws:iam::123456789012:role/timers';
  process.env[TIMER_GROUP_ENV] = 'sehatkota-ack-timeout';
  process.env[TIMER_DLQ_ENV] = 'arn:aws:sqs:ap-southeast-3:123456789012:timer-dlq';
});
afterAll(() => {
  sqs.restore();
  scheduler.restore();
});

describe('the SQS queue adapter', () => {
  it('sends JSON bodies ten to a batch', async () => {
    sqs.on(SendMessageBatchCommand).resolves({ Successful: [], Failed: [] });
    await enqueue(
      'alerts',
      Array.from({ length: 23 }, (_, i) => ({ alertId: `a${i}` })),
    );
    const calls = sqs.commandCalls(SendMessageBatchCommand);
    expect(calls.map((c) => c.args[0].input.Entries?.length)).toEqual([10, 10, 3]);
    expect(calls[0]!.args[0].input.QueueUrl).toBe(URL);
    expect(JSON.parse(calls[2]!.args[0].input.Entries![2]!.MessageBody!)).toEqual({ alertId: 'a22' });
  });

  it('fails loudly when SQS refuses a message, so the caller does not think the alert is on its way', async () => {
    sqs.on(SendMessageBatchCommand).resolves({
      Successful: [],
      Failed: [{ Id: '0', Code: 'KMS.ThrottlingException', SenderFault: false }],
    });
    await expect(enqueue('alerts', [{ alertId: 'x' }])).rejects.toThrow(/KMS.ThrottlingException/);
  });

  it('sends nothing for nothing', async () => {
    await enqueue('alerts', []);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(0);
  });
});

describe('the EventBridge Scheduler timer adapter', () => {
  it('creates a one-time schedule at the due minute (Scheduler fires within it), deleting itself, with the payload, the due time and a dead-letter queue', async () => {
    scheduler.on(CreateScheduleCommand).resolves({ ScheduleArn: 'arn' });
    await timers().start('ack-timeout', 'inc1-1', new Date('2026-11-23T03:00:59.250Z'), {
      incidentId: 'inc1',
      n: 1,
    });
    const input = scheduler.commandCalls(CreateScheduleCommand)[0]!.args[0].input;
    expect(input).toMatchObject({
      Name: 'ack-timeout-inc1-1',
      GroupName: 'sehatkota-ack-timeout',
      ScheduleExpression: 'at(2026-11-23T03:00:00)',
      ScheduleExpressionTimezone: 'UTC',
      FlexibleTimeWindow: { Mode: 'OFF' },
      ActionAfterCompletion: 'DELETE',
      Target: {
        Arn: 'arn:aws:lambda:ap-southeast-3:123456789012:function:ack',
        RoleArn: 'arn:aws:iam::123456789012:role/timers',
        DeadLetterConfig: { Arn: 'arn:aws:sqs:ap-southeast-3:123456789012:timer-dlq' },
      },
    });
    expect(JSON.parse(input.Target!.Input!)).toEqual({
      incidentId: 'inc1',
      n: 1,
      dueAt: '2026-11-23T03:00:59.250Z',
    });
  });

  it('has the handler wait for the due second when Scheduler fires early in the minute, and not at all when late', async () => {
    vi.useFakeTimers();
    try {
      const now = Date.parse('2026-11-23T03:00:05Z');
      let done = false;
      const waiting = waitUntilDue({ dueAt: '2026-11-23T03:00:59.250Z' }, now).then(() => {
        done = true;
      });
      await vi.advanceTimersByTimeAsync(54_000);
      expect(done).toBe(false);
      await vi.advanceTimersByTimeAsync(300);
      await waiting;
      expect(done).toBe(true);
      let late = false;
      await waitUntilDue({ dueAt: '2026-11-23T03:00:00Z' }, now).then(() => {
        late = true;
      });
      expect(late).toBe(true);
    } finally {
      vi.useRealTimers();
    }
  });

  it('treats the same timer started twice (a retried request) as started', async () => {
    scheduler
      .on(CreateScheduleCommand)
      .rejects(new ConflictException({ message: 'exists', Message: 'exists', $metadata: {} }));
    await expect(timers().start('ack-timeout', 'inc1-1', new Date(), {})).resolves.toBeUndefined();
  });

  it('passes on any other failure: a window without a timer must not go unnoticed', async () => {
    scheduler.on(CreateScheduleCommand).rejects(new Error('AccessDenied'));
    await expect(timers().start('ack-timeout', 'inc1-1', new Date(), {})).rejects.toThrow('AccessDenied');
  });

  it('cancels by deleting the schedule, quietly when it is already gone', async () => {
    scheduler
      .on(DeleteScheduleCommand)
      .rejectsOnce(new ResourceNotFoundException({ message: 'gone', Message: 'gone', $metadata: {} }));
    await expect(timers().cancel('ack-timeout', 'inc1-1')).resolves.toBeUndefined();
    expect(scheduler.commandCalls(DeleteScheduleCommand)[0]!.args[0].input).toEqual({
      Name: 'ack-timeout-inc1-1',
      GroupName: 'sehatkota-ack-timeout',
    });
  });
});
