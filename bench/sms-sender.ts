// Section: the reminder sender against a simulated SNS — 2,000 queued reminders through the real send-sms handler
// (claim, budget, the account's rate limiter, the send, the record) in SQS-sized batches of 10, as many
// invocations at a time as the queue's concurrency allows, with SNS answering after 20–80 ms. Figure: the rate
// achieved between the first and the last publish (target within 5% of SMS_RATE_PER_SECOND), and the most
// publishes seen in any one second (SNS's quota is per second). Runs on the bench's own tables (reminders.ts).

import { randomUUID } from 'node:crypto';
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse } from 'aws-lambda';
import { sqsRecord } from '#infra/local/queue.ts';
import { config, resetConfig } from '#shared/platform/config.ts';
import { ddb } from '#shared/platform/dynamo.ts';
import { type Notifier, setNotifier } from '#shared/platform/notifier.ts';
import {
  perSecondLimiter,
  realClock,
  SMS_WINDOW_MARGIN_MS,
  setSmsRateLimiter,
} from '#shared/platform/rate-limit.ts';
import { fireKey, type SmsJob, T } from '#shared/reminder/keys.ts';
import { resetSender } from '#shared/reminder/sender.ts';
import { handler } from '../functions/reminder/send-sms.ts';
import { round } from './stats.ts';

export const MAX_RATE_DEVIATION = 0.05;

export interface SmsSenderSection {
  messages: number;
  configuredPerSecond: number;
  achievedPerSecond: number;
  deviation: number;
  /** The most publishes that started within any one second. */
  maxInOneSecond: number;
  seconds: number;
  invocations: number;
  /** Sender instances (SMS_SENDER_CONCURRENCY), each taking batches of 10 one after another. */
  instances: number;
  pass: boolean;
}

/** Needs the bench's reminders table in place (TABLE_REMINDERS set) and restores the notifier it is given. */
export async function benchSmsSender(messages: number, restoreNotifier: Notifier): Promise<SmsSenderSection> {
  const saved = {
    SMS_QUIET_HOURS_WIB: process.env.SMS_QUIET_HOURS_WIB,
    SMS_MONTHLY_BUDGET_USD: process.env.SMS_MONTHLY_BUDGET_USD,
    SMS_SENDER_CONCURRENCY: process.env.SMS_SENDER_CONCURRENCY,
  };
  // Whatever the hour the bench runs at; and a budget that does not stop it.
  process.env.SMS_QUIET_HOURS_WIB = 'off';
  process.env.SMS_MONTHLY_BUDGET_USD = '100000';
  resetConfig();
  // In Lambda each of the SMS_SENDER_CONCURRENCY instances has its own limiter at its share of the rate. One
  // process holds one module, so here the instances (as many loops, each sending its batches one after another)
  // share one limiter at the whole rate: the same sum, through the same handler.
  const instances = config().SMS_SENDER_CONCURRENCY;
  setSmsRateLimiter(perSecondLimiter(config().SMS_RATE_PER_SECOND, realClock, SMS_WINDOW_MARGIN_MS));
  const starts: number[] = [];
  const sns: Notifier = {
    ...restoreNotifier,
    async sendSms() {
      starts.push(performance.now());
      await new Promise((r) => setTimeout(r, 20 + Math.random() * 60));
      return { messageId: randomUUID() };
    },
  };
  setNotifier(sns);
  try {
    const now = new Date().toISOString();
    const jobs: SmsJob[] = Array.from({ length: messages }, (_, i) => ({
      nik: `1571014101909${String(i).padStart(3, '0')}`,
      fireId: `bench-sender#v1#0#2027-02-28#${i}`,
      phone: `+6281200${String(i).padStart(6, '0')}`,
      text: 'Halo Warga, ultah Anda 28 Feb 2027. Ayo Cek Kesehatan Gratis di puskesmas terdekat.',
      parts: 1,
      date: '2027-02-28',
      sendAt: now,
      campaignId: 'bench-sender',
      version: 1,
    }));
    for (let i = 0; i < jobs.length; i += 25) {
      await ddb().send(
        new BatchWriteCommand({
          RequestItems: {
            [T()]: jobs.slice(i, i + 25).map((j) => ({
              PutRequest: {
                Item: {
                  ...fireKey(j.nik, j.fireId),
                  status: 'QUEUED',
                  phone: j.phone,
                  text: j.text,
                  parts: 1,
                  date: j.date,
                  sendAt: j.sendAt,
                  campaignId: j.campaignId,
                  version: 1,
                  offset: 0,
                  eventDate: j.date,
                  attempts: 0,
                  queuedAt: now,
                },
              },
            })),
          },
        }),
      );
    }
    const pending = jobs.map((j, i) => sqsRecord('sms', { id: `m-${i}`, body: j }, `r-${i}-${randomUUID()}`));
    let invocations = 0;
    const instance = async () => {
      while (pending.length) {
        const batch = pending.splice(0, 10);
        const out = (await handler({ Records: batch })) as SQSBatchResponse;
        invocations++;
        const again = new Set(out.batchItemFailures.map((f) => f.itemIdentifier));
        pending.push(...batch.filter((r) => again.has(r.messageId)));
      }
    };
    await Promise.all(Array.from({ length: instances }, instance));
    const seconds = (starts.at(-1)! - starts[0]!) / 1000;
    const achieved = (starts.length - 1) / seconds;
    let maxInOneSecond = 0;
    for (let i = 0, j = 0; i < starts.length; i++) {
      while (starts[i]! - starts[j]! >= 1000) j++;
      maxInOneSecond = Math.max(maxInOneSecond, i - j + 1);
    }
    const configured = config().SMS_RATE_PER_SECOND;
    const deviation = Math.abs(achieved - configured) / configured;
    return {
      messages: starts.length,
      configuredPerSecond: configured,
      achievedPerSecond: round(achieved, 3),
      deviation: round(deviation, 4),
      maxInOneSecond,
      seconds: round(seconds, 1),
      invocations,
      instances,
      pass: starts.length === messages && deviation <= MAX_RATE_DEVIATION && maxInOneSecond <= configured,
    };
  } finally {
    setNotifier(restoreNotifier);
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    resetConfig();
    resetSender();
  }
}
