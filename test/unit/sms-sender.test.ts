// The reminder sender's rules without DynamoDB Local: the rate limiter in simulated time (no second ever holds
// more than the rate, callers served in order), quiet hours and the send hour (a message deferred, never dropped),
// and SNS failures (the real SNS notifier against a mocked client) retried, then dead-lettered with a reason that
// quotes no number. DynamoDB is a mocked client; the queue a fake that records what it is asked.

import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';
import {
  DynamoDBDocumentClient,
  GetCommand,
  TransactWriteCommand,
  UpdateCommand,
} from '@aws-sdk/lib-dynamodb';
import { mockClient } from 'aws-sdk-client-mock';
import { afterAll, afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { handler } from '../../functions/reminder/send-sms.ts';
import { sqsRecord } from '../../infra/local/queue.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { setDdb } from '../../shared/platform/dynamo.ts';
import { setNotifier } from '../../shared/platform/notifier.ts';
import { type Queue, type QueueName, setQueue } from '../../shared/platform/queues.ts';
import { parseQuietHours, quietUntil } from '../../shared/platform/quiet-hours.ts';
import {
  type Clock,
  perSecondLimiter,
  RateLimiter,
  smsRateLimiter,
} from '../../shared/platform/rate-limit.ts';
import {
  DAY_SEND_SHARDS,
  dayCounts,
  daySendKey,
  daySendShard,
  type SmsJob,
} from '../../shared/reminder/keys.ts';
import {
  costMicroUsd,
  parseSmsJob,
  resetSender,
  safeError,
  sendableAt,
} from '../../shared/reminder/sender.ts';

const ddb = mockClient(DynamoDBDocumentClient);
const sns = mockClient(SNSClient);

/** Simulated time: sleeping moves the clock, at once. */
class SimClock implements Clock {
  t = 0;
  now() {
    return this.t;
  }
  async sleep(ms: number) {
    this.t += ms;
  }
}

/** The most grants any window of `windowMs` holds (a window starting at each grant is the worst case). */
function busiestWindow(times: number[], windowMs = 1000): number {
  let most = 0;
  for (let i = 0, j = 0; i < times.length; i++) {
    while (times[j]! <= times[i]! - windowMs) j++;
    most = Math.max(most, i - j + 1);
  }
  return most;
}

class FakeQueue implements Queue {
  sent: { queue: QueueName; body: unknown }[] = [];
  deferred: { queue: QueueName; receiptHandle: string; seconds: number }[] = [];
  dead: { queue: QueueName; body: unknown; reason: string }[] = [];
  async send(queue: QueueName, bodies: unknown[]) {
    for (const body of bodies) this.sent.push({ queue, body });
  }
  async defer(queue: QueueName, receiptHandle: string, seconds: number) {
    this.deferred.push({ queue, receiptHandle, seconds });
  }
  async deadLetter(queue: QueueName, body: unknown, reason: string) {
    this.dead.push({ queue, body, reason });
  }
}

const PHONE = '+6281234567890';
const NIK = '1571015506900002';

function job(over: Partial<SmsJob> = {}): SmsJob {
  return {
    nik: NIK,
    fireId: 'imunisasi#v1#-3#2026-11-26',
    phone: PHONE,
    text: 'Posyandu Melati: imunisasi anak Anda 26/11 pukul 08.00. Balas STOP untuk berhenti.',
    parts: 1,
    date: '2026-11-23',
    sendAt: '2026-11-23T01:00:00.000Z',
    campaignId: 'imunisasi',
    version: 1,
    ...over,
  };
}

const sqsEvent = (jobs: SmsJob[]) => ({
  Records: jobs.map((j, i) => sqsRecord('sms', { id: `m${i}`, body: j }, `rh${i}`)),
});

/** DynamoDB as the sender sees it for one fire: not opted out, claimable, counting its tries. */
function fakeFire() {
  const state = { attempts: 0 };
  ddb.on(GetCommand).resolves({});
  ddb.on(UpdateCommand).callsFake((input: { ReturnValues?: string; UpdateExpression?: string }) => {
    // The claim answers the fire as it was.
    if (input.ReturnValues === 'ALL_OLD')
      return { Attributes: { attempts: state.attempts, status: 'QUEUED' } };
    if (input.UpdateExpression?.includes('ADD attempts')) state.attempts++;
    return {};
  });
  ddb
    .on(TransactWriteCommand)
    .callsFake((input: { TransactItems: { Update?: { UpdateExpression?: string } }[] }) => {
      if (input.TransactItems.some((i) => i.Update?.UpdateExpression?.includes('ADD attempts')))
        state.attempts++;
      return {};
    });
  return state;
}

let queue: FakeQueue;

beforeEach(() => {
  delete process.env.DYNAMODB_ENDPOINT;
  delete process.env.SMS_QUIET_HOURS_WIB;
  delete process.env.SMS_RATE_PER_SECOND;
  delete process.env.SMS_SENDER_CONCURRENCY;
  resetConfig();
  setDdb(undefined);
  setNotifier(undefined);
  ddb.reset();
  sns.reset();
  queue = new FakeQueue();
  setQueue(queue);
  resetSender();
  // Only the wall clock is fake: the limiter's own clock (performance.now) and timers stay real.
  vi.useFakeTimers({ toFake: ['Date'] });
  vi.setSystemTime(new Date('2026-11-23T03:00:00Z')); // 10:00 WIB
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
  setQueue(undefined);
});
afterAll(() => {
  ddb.restore();
  sns.restore();
});

describe('the rate limiter', () => {
  it('lets 200 callers through at 20 a second in 9–10 simulated seconds, in order, never 21 in one second', async () => {
    const clock = new SimClock();
    const limiter = new RateLimiter(20, 1000, clock);
    const times: number[] = [];
    const order: number[] = [];
    await Promise.all(
      Array.from({ length: 200 }, (_, i) =>
        limiter.acquire().then(() => {
          times.push(clock.now());
          order.push(i);
        }),
      ),
    );
    expect(order).toEqual(Array.from({ length: 200 }, (_, i) => i));
    expect(clock.now()).toBeGreaterThanOrEqual(9000);
    expect(clock.now()).toBeLessThan(10_000);
    expect(busiestWindow(times)).toBe(20);
  });

  it('slides: callers arriving late in one second and early in the next still share one second’s 20', async () => {
    const clock = new SimClock();
    const limiter = new RateLimiter(20, 1000, clock);
    const times: number[] = [];
    const take = async (n: number) => {
      for (let i = 0; i < n; i++) {
        await limiter.acquire();
        times.push(clock.now());
      }
    };
    await take(5);
    clock.t = 900;
    await take(15);
    clock.t = 1100;
    // A fixed window would let 20 more go at 1.1 s; the sliding one lets the 5 from t=0 go, then waits for 1.9 s.
    await take(20);
    expect(busiestWindow(times)).toBe(20);
    expect(times.filter((t) => t >= 1100 && t < 1900)).toHaveLength(5);
    expect(times.at(-1)).toBe(1900);
  });

  it('serves callers in order even while one of them is still waiting, on a real clock', async () => {
    const limiter = new RateLimiter(2, 50);
    const order: number[] = [];
    const started = performance.now();
    await Promise.all([0, 1, 2, 3, 4].map((i) => limiter.acquire().then(() => order.push(i))));
    expect(order).toEqual([0, 1, 2, 3, 4]);
    // Grants 2–3 wait one window, grant 4 two.
    expect(performance.now() - started).toBeGreaterThanOrEqual(95);
  });

  it("gives each sender instance its share of the account's rate, rounded down; below one a second, one per n seconds", () => {
    process.env.SMS_RATE_PER_SECOND = '20';
    process.env.SMS_SENDER_CONCURRENCY = '3';
    resetConfig();
    resetSender();
    expect(smsRateLimiter().limit).toBe(6);
    // A second and a margin, so SNS never counts one more than the rate however late a publish arrives.
    expect(smsRateLimiter().windowMs).toBe(1020);
    const slow = perSecondLimiter(1 / 3);
    expect([slow.limit, slow.windowMs]).toEqual([1, 3000]);
    expect(() => new RateLimiter(0)).toThrow();
  });

  it('holds a whole batch of reminders, sent concurrently, to the rate', async () => {
    const clock = new SimClock();
    resetSender({ clock });
    fakeFire();
    const publishedAt: number[] = [];
    sns.on(PublishCommand).callsFake(() => {
      publishedAt.push(clock.now());
      return { MessageId: `sns-${publishedAt.length}` };
    });
    const jobs = Array.from({ length: 50 }, (_, i) => job({ fireId: `imunisasi#v1#-3#2026-11-${i}` }));
    const out = await handler(sqsEvent(jobs));
    expect(out.batchItemFailures).toEqual([]);
    expect(publishedAt).toHaveLength(50);
    // This instance's share: 20/s over the default 2 sender instances.
    expect(busiestWindow(publishedAt)).toBe(10);
    expect(clock.now()).toBe(4 * 1020);
  });
});

describe('quiet hours', () => {
  it('"21-6" is quiet from 21:00 WIB until 06:00 WIB the next morning, and not at 06:00', () => {
    // 21:00 WIB = 14:00 UTC; 06:00 WIB = 23:00 UTC the day before.
    expect(quietUntil('2026-11-23T13:59:59.999Z', '21-6')).toBeUndefined();
    expect(quietUntil('2026-11-23T14:00:00.000Z', '21-6')).toBe('2026-11-23T23:00:00.000Z');
    expect(quietUntil('2026-11-23T17:00:00.000Z', '21-6')).toBe('2026-11-23T23:00:00.000Z'); // 00:00 WIB
    expect(quietUntil('2026-11-23T22:59:59.000Z', '21-6')).toBe('2026-11-23T23:00:00.000Z');
    expect(quietUntil('2026-11-23T23:00:00.000Z', '21-6')).toBeUndefined();
  });

  it('takes a window inside one day, "off", and an empty window', () => {
    expect(quietUntil('2026-11-23T19:00:00.000Z', '1-5')).toBe('2026-11-23T22:00:00.000Z'); // 02:00 WIB
    expect(quietUntil('2026-11-23T23:00:00.000Z', '1-5')).toBeUndefined(); // 06:00 WIB
    expect(quietUntil('2026-11-23T15:00:00.000Z', 'off')).toBeUndefined();
    expect(parseQuietHours('6-6')).toBeUndefined();
    expect(() => parseQuietHours('21-24')).toThrow();
  });

  it('sends at the later of the send hour and the end of quiet hours', () => {
    // Now 20:00 WIB, due 22:00 WIB: not at 22:00 but at 06:00.
    expect(sendableAt('2026-11-23T15:00:00Z', '2026-11-23T13:00:00Z', '21-6')).toBe(
      '2026-11-23T23:00:00.000Z',
    );
    expect(sendableAt('2026-11-23T01:00:00Z', '2026-11-23T03:00:00Z', '21-6')).toBe(
      '2026-11-23T03:00:00.000Z',
    );
    expect(sendableAt('2026-11-23T04:00:00Z', '2026-11-23T03:00:00Z', '21-6')).toBe(
      '2026-11-23T04:00:00.000Z',
    );
  });

  it('defers a reminder received at 22:30 WIB to 06:00 WIB: reported failed for SQS to keep, not sent, not dropped', async () => {
    vi.setSystemTime(new Date('2026-11-23T15:30:00Z'));
    const out = await handler(sqsEvent([job()]));
    expect(out.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(queue.deferred).toEqual([{ queue: 'sms', receiptHandle: 'rh0', seconds: 7.5 * 3600 }]);
    expect(queue.dead).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(0);
    // Not even the opt-out list is read: that is checked when it is sent.
    expect(ddb.calls()).toHaveLength(0);
  });

  it('defers one due later today to its hour, and one due after SQS’s 12 hours by 12 hours', async () => {
    const out = await handler(
      sqsEvent([job({ sendAt: '2026-11-23T04:00:00Z' }), job({ sendAt: '2026-11-25T03:00:00Z' })]),
    );
    expect(out.batchItemFailures).toHaveLength(2);
    expect(queue.deferred.map((d) => d.seconds)).toEqual([3600, 12 * 3600]);
  });

  it('sends at night when quiet hours are off', async () => {
    process.env.SMS_QUIET_HOURS_WIB = 'off';
    resetConfig();
    vi.setSystemTime(new Date('2026-11-23T15:30:00Z'));
    fakeFire();
    sns.on(PublishCommand).resolves({ MessageId: 'sns-1' });
    expect((await handler(sqsEvent([job()]))).batchItemFailures).toEqual([]);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('sending through SNS', () => {
  it('publishes to the number, then records SENT, the message id and the day’s counts in one transaction', async () => {
    fakeFire();
    sns.on(PublishCommand).resolves({ MessageId: 'sns-42' });
    expect((await handler(sqsEvent([job({ parts: 2 })]))).batchItemFailures).toEqual([]);
    const publish = sns.commandCalls(PublishCommand)[0]!.args[0].input;
    expect(publish).toMatchObject({ PhoneNumber: PHONE, Message: job().text });
    const claim = ddb.commandCalls(UpdateCommand)[0]!.args[0].input;
    expect(claim.ConditionExpression).toContain(':queued');
    const budget = ddb.commandCalls(UpdateCommand)[1]!.args[0].input;
    expect(budget.ExpressionAttributeValues).toMatchObject({ ':cost': 2 * 41_400, ':limit': 200_000_000 });
    const items = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(items[0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':sent': 'SENT', ':id': 'sns-42' });
    expect(items[1]!.Put!.Item).toMatchObject({ pk: 'MSG#sns-42', nik: NIK, date: '2026-11-23' });
    expect(items[2]).toEqual(
      dayCounts('2026-11-23', job().fireId, { sent: 1, parts: 2, costMicroUsd: 82_800 }),
    );
    // The fire's own shard of the day's counters, the same for its delivery report.
    expect(items[2]!.Update!.Key).toEqual(daySendKey('2026-11-23', daySendShard(job().fireId)));
  });

  it('tries a failed publish again on each delivery, then dead-letters it with a reason that quotes no number', async () => {
    const fire = fakeFire();
    sns
      .on(PublishCommand)
      .rejects(Object.assign(new Error(`Throttled sending to ${PHONE}`), { name: 'ThrottledException' }));
    const logged: string[] = [];
    for (const level of ['log', 'info', 'warn', 'error'] as const) {
      vi.spyOn(console, level).mockImplementation((...args: unknown[]) => {
        logged.push(args.map(String).join(' '));
      });
    }

    const first = await handler(sqsEvent([job()]));
    const second = await handler(sqsEvent([job()]));
    expect(first.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(second.batchItemFailures).toEqual([{ itemIdentifier: 'm0' }]);
    expect(queue.dead).toEqual([]);
    const third = await handler(sqsEvent([job()]));
    expect(third.batchItemFailures).toEqual([]);

    expect(sns.commandCalls(PublishCommand)).toHaveLength(3);
    expect(fire.attempts).toBe(3);
    expect(queue.dead).toHaveLength(1);
    expect(queue.dead[0]!.body).toEqual(job());
    expect(queue.dead[0]!.reason).toMatch(
      /^SMS not sent after 3 tries: ThrottledException: Throttled sending to \*\*\*\*$/,
    );
    // Each failed try gave its reservation back.
    const refunds = ddb
      .commandCalls(UpdateCommand)
      .filter((c) => (c.args[0].input.ExpressionAttributeValues?.[':cost'] as number) < 0);
    expect(refunds).toHaveLength(3);
    const failed = ddb.commandCalls(TransactWriteCommand).at(-1)!.args[0].input.TransactItems!;
    expect(failed[0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':status': 'FAILED' });
    expect(failed[1]).toEqual(dayCounts('2026-11-23', job().fireId, { failed: 1 }));
    const lastErrors = ddb
      .commandCalls(UpdateCommand)
      .map((c) => c.args[0].input.ExpressionAttributeValues?.[':error'])
      .filter(Boolean);
    expect(lastErrors).toEqual(['ThrottledException: Throttled sending to ****', expect.any(String)]);
    expect(logged.join('\n')).not.toMatch(/81234567890|1571015506900002/);
    expect(logged.join('\n')).toContain('imunisasi');
  });

  it('sends on the second try when SNS recovers', async () => {
    const fire = fakeFire();
    sns.on(PublishCommand).rejectsOnce(new Error('InternalError')).resolves({ MessageId: 'sns-2' });
    expect((await handler(sqsEvent([job()]))).batchItemFailures).toHaveLength(1);
    expect((await handler(sqsEvent([job()]))).batchItemFailures).toEqual([]);
    expect(fire.attempts).toBe(2);
    const sent = ddb.commandCalls(TransactWriteCommand)[0]!.args[0].input.TransactItems!;
    expect(sent[0]!.Update!.ExpressionAttributeValues).toMatchObject({ ':sent': 'SENT', ':id': 'sns-2' });
    expect(queue.dead).toEqual([]);
  });

  it('dead-letters a body that is not a reminder job, naming the fields but not their values', async () => {
    const event = sqsEvent([job()]);
    event.Records[0]!.body = JSON.stringify({ ...job(), phone: '0812 3456 7890', parts: 0 });
    expect((await handler(event)).batchItemFailures).toEqual([]);
    expect(queue.dead[0]!.reason).toBe('not a reminder job: bad fields: phone, parts');
    expect(parseSmsJob('{')).toEqual({ error: 'the body is not JSON' });
  });

  it('retries a record whose handling broke (DynamoDB down) without touching the others', async () => {
    fakeFire();
    ddb.on(GetCommand).rejectsOnce(new Error('ServiceUnavailable')).resolves({});
    sns.on(PublishCommand).resolves({ MessageId: 'sns-3' });
    const out = await handler(sqsEvent([job(), job({ fireId: 'other' })]));
    expect(out.batchItemFailures).toHaveLength(1);
    expect(sns.commandCalls(PublishCommand)).toHaveLength(1);
  });
});

describe('helpers', () => {
  it('prices parts in whole micro-dollars and hides digit runs in errors', () => {
    expect(costMicroUsd(3, 0.0414)).toBe(124_200);
    expect(safeError(new Error('bad number 0812-3456-7890 for 1571015506900002'))).toBe(
      'Error: bad number **** for ****',
    );
  });
});

describe("the day's sending counters", () => {
  it('spread a day of fires over every shard, evenly enough that no shard takes a quarter', () => {
    const counts = new Array(DAY_SEND_SHARDS).fill(0);
    for (let i = 0; i < 10_000; i++) counts[daySendShard(`ckg-ulang-tahun#v1#-7#2027-02-${i}`)]++;
    expect(Math.min(...counts)).toBeGreaterThan(500);
    expect(Math.max(...counts)).toBeLessThan(2500);
    // One fire, one shard: its send and its delivery report add to the same item.
    expect(daySendShard('imunisasi#v1#-3#2026-11-26')).toBe(daySendShard('imunisasi#v1#-3#2026-11-26'));
  });
});
