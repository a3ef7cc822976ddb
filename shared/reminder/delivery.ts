// Delivery reports of reminder SMS: SNS writes one record per SMS to CloudWatch Logs, a subscription hands them
// over (shared/platform/log-subscriptions.ts), and each is matched to its fire by the SNS message id. Delivered →
// DELIVERED; failed → queued again while tries remain, else FAILED and dead-lettered with the carrier's reason.
// Every change is conditional on the fire still being SENT with that message id, so a redelivered report changes
// nothing. SMS that are not reminders (112 alerts, letters) share the log groups and are passed over.
import { randomUUID } from 'node:crypto';
import { gunzipSync, gzipSync } from 'node:zlib';
import { GetCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { CloudWatchLogsDecodedData, CloudWatchLogsEvent } from 'aws-lambda';
import * as z from 'zod/mini';
import { config } from '#shared/platform/config.ts';
import { conditionFailed, ddb, transact } from '#shared/platform/dynamo.ts';
import { logger } from '#shared/platform/logger.ts';
import { recordMetric } from '#shared/platform/metrics.ts';
import { deadLetter, enqueue } from '#shared/platform/queues.ts';
import { dayCounts, fireKey, messageKey, type SmsJob, T } from './keys.ts';
import { safeError } from './sender.ts';

/** One SMS delivery record as SNS logs it (the fields read here; SNS writes a few more). */
export interface SmsDeliveryRecord {
  notification: { messageId: string; timestamp: string };
  delivery: {
    /** The number, E.164: never logged. */
    destination: string;
    smsType?: string;
    providerResponse?: string;
    dwellTimeMs?: number;
    priceInUSD?: number;
    numberOfMessageParts?: number;
    mcc?: number;
    mnc?: number;
    phoneCarrier?: string;
  };
  status: 'SUCCESS' | 'FAILURE';
}

const recordSchema = z.object({
  notification: z.object({ messageId: z.string().check(z.minLength(1)) }),
  delivery: z.object({ providerResponse: z.optional(z.string()) }),
  status: z.enum(['SUCCESS', 'FAILURE']),
});
/** What the handler reads of a delivery record. */
export type DeliveryReport = z.infer<typeof recordSchema>;

export type DeliveryOutcome = 'DELIVERED' | 'RETRIED' | 'FAILED' | 'ALREADY_RECORDED' | 'NOT_A_REMINDER';

/** SNS's log groups are named after the account and region: sns/<region>/<account>/DirectPublishToPhoneNumber. */
const SUCCESS_GROUP = 'DirectPublishToPhoneNumber';
const FAILURE_GROUP = 'DirectPublishToPhoneNumber/Failure';

/** SNS's timestamp format: "2026-11-23 01:00:00.123" (UTC). */
const snsTimestamp = (iso: string) => iso.replace('T', ' ').replace('Z', '');

/** A delivery record as SNS would write it for an SMS (tests; local mode's stand-in for SNS's report). */
export function smsDeliveryRecord(opts: {
  messageId: string;
  phone: string;
  status: 'SUCCESS' | 'FAILURE';
  parts?: number;
  providerResponse?: string;
  at?: string;
}): SmsDeliveryRecord {
  const parts = opts.parts ?? 1;
  return {
    notification: { messageId: opts.messageId, timestamp: snsTimestamp(opts.at ?? new Date().toISOString()) },
    delivery: {
      destination: opts.phone,
      smsType: 'Transactional',
      providerResponse:
        opts.providerResponse ??
        (opts.status === 'SUCCESS'
          ? 'Message has been accepted by phone'
          : 'Unknown error attempting to reach phone'),
      dwellTimeMs: 1200,
      priceInUSD: opts.status === 'SUCCESS' ? config().SMS_PRICE_USD_PER_PART * parts : 0,
      numberOfMessageParts: parts,
    },
    status: opts.status,
  };
}

/**
 * The event a CloudWatch Logs subscription hands a function for these records: base64 of the gzipped log events,
 * each message one record's JSON. All in one log group: the failure group when every record failed.
 */
export function deliveryLogEvent(
  records: SmsDeliveryRecord[],
  opts: { region?: string; account?: string } = {},
): CloudWatchLogsEvent {
  const region = opts.region ?? process.env.AWS_REGION ?? 'ap-southeast-3';
  const account = opts.account ?? '000000000000';
  const failed = records.length > 0 && records.every((r) => r.status === 'FAILURE');
  const data: CloudWatchLogsDecodedData = {
    messageType: 'DATA_MESSAGE',
    owner: account,
    logGroup: `sns/${region}/${account}/${failed ? FAILURE_GROUP : SUCCESS_GROUP}`,
    logStream: randomUUID(),
    subscriptionFilters: ['sms-delivery-status'],
    logEvents: records.map((r) => ({
      id: randomUUID(),
      timestamp: Date.parse(`${r.notification.timestamp.replace(' ', 'T')}Z`) || Date.now(),
      message: JSON.stringify(r),
    })),
  };
  return { awslogs: { data: gzipSync(JSON.stringify(data)).toString('base64') } };
}

/** The delivery records in a subscription event; lines that are not one are logged and passed over. */
export function decodeDeliveryLogEvent(event: CloudWatchLogsEvent): DeliveryReport[] {
  const data = JSON.parse(
    gunzipSync(Buffer.from(event.awslogs.data, 'base64')).toString('utf8'),
  ) as CloudWatchLogsDecodedData;
  // CloudWatch Logs checks that the subscription reaches the function with a control message: nothing in it.
  if (data.messageType !== 'DATA_MESSAGE') return [];
  const records: DeliveryReport[] = [];
  for (const e of data.logEvents ?? []) {
    let json: unknown;
    try {
      json = JSON.parse(e.message);
    } catch {
      json = undefined;
    }
    const out = z.safeParse(recordSchema, json);
    if (out.success) records.push(out.data);
    else logger.warn('not an SMS delivery record', { logGroup: data.logGroup, id: e.id });
  }
  return records;
}

/** The job that queued a fire, rebuilt from the fire item (which keeps everything the job had). */
function jobOf(item: Record<string, unknown>): SmsJob {
  return {
    nik: String(item.pk).slice('FIRE#'.length),
    fireId: String(item.sk),
    phone: String(item.phone),
    text: String(item.text),
    parts: Number(item.parts),
    date: String(item.date),
    sendAt: String(item.sendAt),
    campaignId: String(item.campaignId),
    version: Number(item.version),
  };
}

/** The fire may change only while it is SENT by this very message (not since re-sent, not recorded already). */
const STILL_SENT = '#s = :sent AND messageId = :id';

/** Records one delivery report on its fire and the day's counters. */
export async function recordDelivery(
  record: DeliveryReport,
  now = new Date().toISOString(),
): Promise<DeliveryOutcome> {
  const messageId = record.notification.messageId;
  const ref = (
    await ddb().send(new GetCommand({ TableName: T(), Key: messageKey(messageId), ConsistentRead: true }))
  ).Item;
  if (!ref) return 'NOT_A_REMINDER';
  const key = fireKey(String(ref.nik), String(ref.fireId));
  const item = (await ddb().send(new GetCommand({ TableName: T(), Key: key, ConsistentRead: true }))).Item;
  // A report for a fire settled already (a redelivered batch) or sent again since: nothing to do.
  if (item?.status !== 'SENT' || item.messageId !== messageId) return 'ALREADY_RECORDED';
  const fields = { campaignId: item.campaignId, version: item.version, date: item.date, messageId };
  const date = String(item.date);
  const response = safeError(record.delivery.providerResponse ?? '').trim();
  const values = { ':sent': 'SENT', ':id': messageId, ':now': now, ':response': response };

  if (record.status === 'SUCCESS') {
    const ok = await settle(key, date, 'delivered', {
      UpdateExpression: 'SET #s = :status, deliveredAt = :now, providerResponse = :response',
      ExpressionAttributeValues: { ...values, ':status': 'DELIVERED' },
    });
    if (ok) {
      recordMetric('SmsDelivered', 1);
      logger.info('reminder delivered', fields);
    }
    return ok ? 'DELIVERED' : 'ALREADY_RECORDED';
  }

  const reason = response || 'SMS not delivered';
  const job = jobOf(item);
  const attempts = Number(item.attempts ?? 0);
  if (attempts < config().SMS_MAX_ATTEMPTS) {
    // Queued first: a crash before the update leaves a spare message (the claim lets one send), never none.
    await enqueue('sms', [job]);
    try {
      await ddb().send(
        new UpdateCommand({
          TableName: T(),
          Key: key,
          UpdateExpression:
            'SET #s = :queued, lastError = :reason, deliveryFailedAt = :now, providerResponse = :response',
          ConditionExpression: STILL_SENT,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ...values, ':queued': 'QUEUED', ':reason': reason },
        }),
      );
    } catch (error) {
      if ((error as Error).name === 'ConditionalCheckFailedException') return 'ALREADY_RECORDED';
      throw error;
    }
    recordMetric('SmsFailed', 1);
    logger.warn('reminder SMS not delivered; queued again', { ...fields, attempts, reason });
    return 'RETRIED';
  }
  // Dead-lettered first: a crash after it leaves a duplicate in the dead-letter queue, never a lost reminder.
  await deadLetter('sms', job, reason);
  const ok = await settle(key, date, 'failed', {
    UpdateExpression: 'SET #s = :status, failedAt = :now, lastError = :reason, providerResponse = :response',
    ExpressionAttributeValues: { ...values, ':status': 'FAILED', ':reason': reason },
  });
  if (ok) {
    recordMetric('SmsFailed', 1);
    logger.error('reminder SMS not delivered; dead-lettered', { ...fields, attempts, reason });
  }
  return ok ? 'FAILED' : 'ALREADY_RECORDED';
}

/** The fire's change and the day's counter in one transaction, if the fire is still SENT by this message. */
async function settle(
  key: ReturnType<typeof fireKey>,
  date: string,
  counter: 'delivered' | 'failed',
  update: { UpdateExpression: string; ExpressionAttributeValues: Record<string, unknown> },
): Promise<boolean> {
  try {
    await transact([
      {
        Update: {
          TableName: T(),
          Key: key,
          ...update,
          ConditionExpression: STILL_SENT,
          ExpressionAttributeNames: { '#s': 'status' },
        },
      },
      dayCounts(date, key.sk, { [counter]: 1 }),
    ]);
    return true;
  } catch (error) {
    if (conditionFailed(error, 0)) return false;
    throw error;
  }
}

/** Reports handled at once: enough to keep up with SNS's rate, few enough to spare DynamoDB's partitions. */
const CONCURRENCY = 16;

/**
 * Every report in a subscription event. One that fails does not stop the others; the event then fails as a
 * whole, and Lambda's retry of it finds the recorded ones recorded.
 */
export async function recordDeliveries(event: CloudWatchLogsEvent): Promise<Record<DeliveryOutcome, number>> {
  const records = decodeDeliveryLogEvent(event);
  const counts: Record<DeliveryOutcome, number> = {
    DELIVERED: 0,
    RETRIED: 0,
    FAILED: 0,
    ALREADY_RECORDED: 0,
    NOT_A_REMINDER: 0,
  };
  const errors: string[] = [];
  for (let i = 0; i < records.length; i += CONCURRENCY) {
    const settled = await Promise.allSettled(records.slice(i, i + CONCURRENCY).map((r) => recordDelivery(r)));
    for (const s of settled) {
      if (s.status === 'fulfilled') counts[s.value]++;
      else errors.push(safeError(s.reason));
    }
  }
  if (errors.length) {
    logger.error('delivery reports not recorded', { failed: errors.length, error: errors[0] });
    throw new Error(`${errors.length} of ${records.length} delivery reports not recorded: ${errors[0]}`);
  }
  return counts;
}
