// The reminder sender and SNS's delivery reports against DynamoDB Local, with the dev outbox as SNS: fires
// written as the daily job writes them; each sent once however often SQS delivers it; an opted-out number never
// texted; the month's budget never passed (the rest dead-lettered, the admins told once); delivery reports
// turning fires DELIVERED, or into another try and at last a dead letter with the carrier's reason; the day's
// counters matching. Then local mode's queue: a deferred message comes back by itself.

import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { handler as sendSms } from '../../functions/reminder/send-sms.ts';
import { handler as deliveryStatus } from '../../functions/reminder/sms-delivery-status.ts';
import { Outbox, type SmsEntry } from '../../infra/local/outbox.ts';
import { InProcessQueue, sqsRecord } from '../../infra/local/queue.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import { type SmsMessage, setNotifier } from '../../shared/platform/notifier.ts';
import { type Queue, type QueueName, setQueue } from '../../shared/platform/queues.ts';
import { monthWib } from '../../shared/platform/wib.ts';
import { deliveryLogEvent, smsDeliveryRecord } from '../../shared/reminder/delivery.ts';
import {
  budgetKey,
  DAY_SEND_SHARDS,
  daySendKey,
  fireExpiry,
  fireId,
  fireKey,
  messageKey,
  type SmsJob,
  T,
} from '../../shared/reminder/keys.ts';
import { resetSender } from '../../shared/reminder/sender.ts';
import { givenOptedOut } from '../support/opt-outs.ts';
import { useFreshTables } from '../support/tables.ts';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const PRICE = 41_400; // micro-dollars per part at the default USD 0.0414

class FakeQueue implements Queue {
  sent: unknown[] = [];
  deferred: { receiptHandle: string; seconds: number }[] = [];
  dead: { queue: QueueName; body: unknown; reason: string }[] = [];
  async send(_queue: QueueName, bodies: unknown[]) {
    this.sent.push(...bodies);
  }
  async defer(_queue: QueueName, receiptHandle: string, seconds: number) {
    this.deferred.push({ receiptHandle, seconds });
  }
  async deadLetter(queue: QueueName, body: unknown, reason: string) {
    this.dead.push({ queue, body, reason });
  }
}

let outbox: Outbox;
let queue: FakeQueue;
let seq = 0;

/** A fire as the daily job writes it (conditional put, day counters), and the SQS body it queues. */
async function queueFire(
  opts: { date?: string; parts?: number; sendAt?: string; campaignId?: string } = {},
): Promise<SmsJob> {
  const n = ++seq;
  const nik = `1571015506${String(900000 + n).padStart(6, '0')}`;
  const phone = `+62812${String(10_000_000 + n)}`;
  const campaignId = opts.campaignId ?? 'imunisasi';
  const ref = { campaignId, version: 1, offset: -3, eventDate: '2026-11-26' };
  const date = opts.date ?? '2026-11-23';
  const job: SmsJob = {
    nik,
    fireId: fireId(ref),
    phone,
    text: `Posyandu Melati: imunisasi anak Anda 26/11 pukul 08.00 (${n}). Balas STOP untuk berhenti.`,
    parts: opts.parts ?? 1,
    date,
    sendAt: opts.sendAt ?? '2026-01-01T01:00:00.000Z',
    campaignId,
    version: 1,
  };
  await ddb().send(
    new PutCommand({
      TableName: T(),
      Item: {
        ...fireKey(nik, job.fireId),
        ...ref,
        status: 'QUEUED',
        phone,
        text: job.text,
        parts: job.parts,
        date,
        sendAt: job.sendAt,
        attempts: 0,
        queuedAt: new Date().toISOString(),
        expiresAt: fireExpiry(ref.eventDate),
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    }),
  );
  await ddb().send(
    new UpdateCommand({
      TableName: T(),
      Key: daySendKey(date),
      UpdateExpression: 'ADD queued :one',
      ExpressionAttributeValues: { ':one': 1 },
    }),
  );
  return job;
}

let messageNo = 0;
const sqsEvent = (jobs: SmsJob[]) => ({
  Records: jobs.map((j) => sqsRecord('sms', { id: `m${++messageNo}`, body: j })),
});

const get = async (key: { pk: string; sk: string }) =>
  (await ddb().send(new GetCommand({ TableName: T(), Key: key, ConsistentRead: true }))).Item;
const fireOf = (job: SmsJob) => get(fireKey(job.nik, job.fireId));
/** The day's sending counters, summed over its shards (and the unsharded item, which the fixtures write). */
const dayOf = async (date: string) => {
  const counters: Record<string, number> = {};
  for (const shard of [undefined, ...Array.from({ length: DAY_SEND_SHARDS }, (_, i) => i)]) {
    const { pk: _pk, sk: _sk, ...item } = (await get(daySendKey(date, shard))) ?? {};
    for (const [k, v] of Object.entries(item)) counters[k] = (counters[k] ?? 0) + Number(v);
  }
  return counters;
};
const smsTo = (phone: string) =>
  outbox.list(10_000).filter((e): e is SmsEntry => e.channel === 'sms' && e.phone === phone);
const topics = () => outbox.list(10_000).filter((e) => e.channel === 'topic');

function setEnv(vars: Record<string, string | undefined>) {
  for (const [k, v] of Object.entries(vars)) {
    if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  resetConfig();
  resetSender();
}

beforeAll(async () => {
  await useFreshTables();
  outbox = new Outbox(undefined, false);
  setNotifier(outbox);
});
beforeEach(() => {
  // The tests run at any hour; quiet hours have their own unit tests.
  setEnv({ SMS_QUIET_HOURS_WIB: 'off', SMS_MONTHLY_BUDGET_USD: undefined, SMS_MAX_ATTEMPTS: undefined });
  queue = new FakeQueue();
  setQueue(queue);
  setNotifier(outbox);
});
afterAll(() => {
  setQueue(undefined);
  setNotifier(undefined);
});

describe('sending', () => {
  it('sends a fire once, however often (and however concurrently) SQS delivers its message', async () => {
    const job = await queueFire({ date: '2026-02-01', parts: 2 });
    const once = await sendSms(sqsEvent([job]));
    const again = await Promise.all([sendSms(sqsEvent([job, job])), sendSms(sqsEvent([job]))]);
    expect([once, ...again].flatMap((o) => o.batchItemFailures)).toEqual([]);

    const sms = smsTo(job.phone);
    expect(sms).toHaveLength(1);
    expect(sms[0]).toMatchObject({ text: job.text, purpose: 'reminder imunisasi' });
    const fire = await fireOf(job);
    expect(fire).toMatchObject({
      status: 'SENT',
      messageId: sms[0]!.id,
      attempts: 1,
      costMicroUsd: 2 * PRICE,
    });
    expect(await get(messageKey(sms[0]!.id))).toMatchObject({
      nik: job.nik,
      fireId: job.fireId,
      date: job.date,
    });
    expect(await dayOf('2026-02-01')).toEqual({ queued: 1, sent: 1, parts: 2, costMicroUsd: 2 * PRICE });
  });

  it('never texts a number that opted out after the job picked it, and counts it once', async () => {
    const job = await queueFire({ date: '2026-02-02' });
    await givenOptedOut({
      phone: job.phone,
      at: new Date().toISOString(),
      source: 'SMS',
      keyword: 'BERHENTI',
    });
    await sendSms(sqsEvent([job]));
    await sendSms(sqsEvent([job]));
    expect(smsTo(job.phone)).toEqual([]);
    expect(await fireOf(job)).toMatchObject({ status: 'OPTED_OUT', attempts: 0 });
    expect(await dayOf('2026-02-02')).toEqual({ queued: 1, optedOut: 1 });
  });

  it('gives the budget back and queues the fire again when SNS refuses, hiding the number in the error', async () => {
    const job = await queueFire({ date: '2026-02-03' });
    const month = monthWib(new Date().toISOString());
    const spent = Number((await get(budgetKey(month)))?.costMicroUsd ?? 0);
    // SNS as the outbox, but refusing the number (and quoting it, as SNS's errors may).
    class Refusing extends Outbox {
      override async sendSms(m: SmsMessage): Promise<{ messageId: string }> {
        throw Object.assign(new Error(`Invalid parameter: PhoneNumber ${m.phone}`), {
          name: 'InvalidParameter',
        });
      }
    }
    setNotifier(new Refusing(undefined, false));
    const out = await sendSms(sqsEvent([job]));
    expect(out.batchItemFailures).toHaveLength(1);
    const fire = await fireOf(job);
    expect(fire).toMatchObject({ status: 'QUEUED', attempts: 1 });
    expect(fire!.lastError).toBe('InvalidParameter: Invalid parameter: PhoneNumber ****');
    expect(Number((await get(budgetKey(month)))?.costMicroUsd ?? 0)).toBe(spent);
    expect(await dayOf('2026-02-03')).toEqual({ queued: 1 });
  });
});

describe('delivery reports', () => {
  it('marks a delivered reminder DELIVERED, once however often the report comes, and passes over other SMS', async () => {
    const job = await queueFire({ date: '2026-02-04' });
    await sendSms(sqsEvent([job]));
    const [sms] = smsTo(job.phone);
    const report = deliveryLogEvent([
      smsDeliveryRecord({ messageId: sms!.id, phone: job.phone, status: 'SUCCESS' }),
      smsDeliveryRecord({ messageId: 'an-112-alert', phone: '+6281300000000', status: 'SUCCESS' }),
    ]);
    expect(await deliveryStatus(report)).toMatchObject({ DELIVERED: 1, NOT_A_REMINDER: 1 });
    expect(await deliveryStatus(report)).toMatchObject({ DELIVERED: 0, ALREADY_RECORDED: 1 });
    expect(await fireOf(job)).toMatchObject({ status: 'DELIVERED', providerResponse: expect.any(String) });
    expect(await dayOf('2026-02-04')).toEqual({
      queued: 1,
      sent: 1,
      parts: 1,
      costMicroUsd: PRICE,
      delivered: 1,
    });
  });

  it('sends a reminder SNS could not deliver again, and after the last try dead-letters it with the reason', async () => {
    const job = await queueFire({ date: '2026-02-05' });
    const reason = 'Phone carrier has blocked this message';
    const fail = async () => {
      const latest = smsTo(job.phone)[0]!;
      const record = smsDeliveryRecord({
        messageId: latest.id,
        phone: job.phone,
        status: 'FAILURE',
        providerResponse: reason,
      });
      return deliveryStatus(deliveryLogEvent([record]));
    };

    await sendSms(sqsEvent([job]));
    expect(await fail()).toMatchObject({ RETRIED: 1 });
    expect(await fireOf(job)).toMatchObject({ status: 'QUEUED', attempts: 1, lastError: reason });
    // The job queued again is the one the daily job queued, rebuilt from the fire.
    expect(queue.sent).toEqual([job]);

    await sendSms(sqsEvent([queue.sent[0] as SmsJob]));
    expect(await fail()).toMatchObject({ RETRIED: 1 });
    await sendSms(sqsEvent([queue.sent[1] as SmsJob]));
    expect(queue.dead).toEqual([]);
    const last = await fail();
    expect(last).toMatchObject({ FAILED: 1 });
    expect(await fail()).toMatchObject({ ALREADY_RECORDED: 1 });

    expect(smsTo(job.phone)).toHaveLength(3);
    expect(queue.sent).toHaveLength(2);
    expect(queue.dead).toEqual([{ queue: 'sms', body: job, reason }]);
    expect(await fireOf(job)).toMatchObject({ status: 'FAILED', attempts: 3, lastError: reason });
    expect(await dayOf('2026-02-05')).toEqual({
      queued: 1,
      sent: 3,
      parts: 3,
      costMicroUsd: 3 * PRICE,
      failed: 1,
    });
    // A stray copy of the message sends nothing more.
    await sendSms(sqsEvent([job]));
    expect(smsTo(job.phone)).toHaveLength(3);
  });
});

describe("the month's budget", () => {
  beforeAll(async () => {
    // A table set of its own: this month's spend starts at nothing.
    await useFreshTables();
  });

  it('sends what the budget pays for, dead-letters the rest as OVER_BUDGET and tells the admins once', async () => {
    // Two single-part SMS: USD 0.0828.
    setEnv({ SMS_MONTHLY_BUDGET_USD: String((2 * PRICE) / 1e6) });
    const jobs = await Promise.all([1, 2, 3, 4].map(() => queueFire({ date: '2026-03-01' })));
    const out = await sendSms(sqsEvent(jobs));
    expect(out.batchItemFailures).toEqual([]);
    const late = await queueFire({ date: '2026-03-01' });
    await sendSms(sqsEvent([late]));

    const statuses = await Promise.all([...jobs, late].map(async (j) => (await fireOf(j))!.status));
    expect(statuses.filter((s) => s === 'SENT')).toHaveLength(2);
    expect(statuses.filter((s) => s === 'OVER_BUDGET')).toHaveLength(3);
    expect(statuses[4]).toBe('OVER_BUDGET');
    expect(queue.dead).toHaveLength(3);
    for (const d of queue.dead) expect(d.reason).toBe('monthly SMS budget of USD 0.0828 reached');
    const month = monthWib(new Date().toISOString());
    expect(await get(budgetKey(month))).toMatchObject({ costMicroUsd: 2 * PRICE, parts: 2 });
    const alarms = topics();
    expect(alarms).toHaveLength(1);
    expect(alarms[0]).toMatchObject({ topic: 'city_admins', subject: expect.stringContaining(month) });
    expect(await dayOf('2026-03-01')).toEqual({
      queued: 5,
      sent: 2,
      parts: 2,
      costMicroUsd: 2 * PRICE,
      overBudget: 3,
    });
  });

  it('sends a reminder redriven from the dead-letter queue once the budget is raised, counting it over budget once', async () => {
    setEnv({ SMS_MONTHLY_BUDGET_USD: '0' });
    const job = await queueFire({ date: '2026-03-02' });
    await sendSms(sqsEvent([job]));
    expect(await fireOf(job)).toMatchObject({ status: 'OVER_BUDGET' });
    const redriven = queue.dead[0]!.body as SmsJob;
    expect(redriven).toEqual(job);
    // Redriven too soon: refused again, dead-lettered again, not counted again.
    await sendSms(sqsEvent([redriven]));
    expect(queue.dead).toHaveLength(2);
    expect(await dayOf('2026-03-02')).toEqual({ queued: 1, overBudget: 1 });

    setEnv({ SMS_MONTHLY_BUDGET_USD: '1' });
    await sendSms(sqsEvent([redriven]));
    expect(await fireOf(job)).toMatchObject({ status: 'SENT', attempts: 1 });
    expect(smsTo(job.phone)).toHaveLength(1);
    expect(await dayOf('2026-03-02')).toEqual({
      queued: 1,
      overBudget: 1,
      sent: 1,
      parts: 1,
      costMicroUsd: PRICE,
    });
    // The month's alarm went out once, with the first refusal (previous test).
    expect(topics()).toHaveLength(1);
  });
});

describe("local mode's queue", () => {
  it('delivers a deferred message again by itself when its time is up, and keeps one due hours away waiting', async () => {
    const local = new InProcessQueue(ROOT, () => undefined, 10);
    setQueue(local);
    try {
      const soon = await queueFire({ date: '2026-04-01', sendAt: new Date(Date.now() + 1000).toISOString() });
      const later = await queueFire({
        date: '2026-04-01',
        sendAt: new Date(Date.now() + 5 * 3600_000).toISOString(),
      });
      await local.send('sms', [soon, later]);
      await local.drain();
      expect(local.deferred().map((d) => d.body)).toEqual([soon, later]);
      expect(smsTo(soon.phone)).toEqual([]);

      for (let i = 0; i < 50 && (await fireOf(soon))?.status !== 'SENT'; i++) {
        await new Promise((r) => setTimeout(r, 100));
        await local.drain();
      }
      expect(smsTo(soon.phone)).toHaveLength(1);
      expect(local.deferred().map((d) => d.body)).toEqual([later]);
      expect(local.deferred()[0]!.until.getTime()).toBeGreaterThan(Date.now() + 4 * 3600_000);
      expect(local.deadLetters).toEqual([]);

      // A consumer's own dead letter keeps its reason.
      setEnv({ SMS_QUIET_HOURS_WIB: 'off', SMS_MONTHLY_BUDGET_USD: '0' });
      expect(local.releaseDeferred(Date.now())).toBe(0);
      const over = await queueFire({ date: '2026-04-01' });
      await local.send('sms', [over]);
      await local.drain();
      expect(local.deadLetters).toEqual([
        expect.objectContaining({ queue: 'sms', body: over, reason: 'monthly SMS budget of USD 0 reached' }),
      ]);
    } finally {
      local.stop();
      setQueue(queue);
    }
  });
});
