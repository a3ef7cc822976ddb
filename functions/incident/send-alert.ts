// The alerts queue's consumer: publishes each 112 alert (the unit's SMS, a topic message) and records its
// delivery state on the alert's item, which the operator sees. A publish is tried three times within the
// invocation; if it still fails the record is reported failed and SQS delivers it again later, then to the
// dead-letter queue. An alert already SENT is never sent again, however often SQS delivers it.
import { UpdateCommand } from '@aws-sdk/lib-dynamodb';
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { AlertMessage } from '#shared/incident/alerts.ts';
import { incidentPk, T } from '#shared/incident/repository.ts';
import { ddb } from '#shared/platform/dynamo.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';
import { notifier } from '#shared/platform/notifier.ts';
import type { StaffTopic } from '#shared/platform/routes.ts';

const TRIES = 3;
const BACKOFF_MS = [0, 200, 1000];
/** A SENDING claim older than this was left by an invocation that died mid-send. */
const STALE_MS = 30_000;

const key = (m: AlertMessage) => ({ pk: incidentPk(m.incidentId), sk: `A#${m.alertId}` });

/** Error text for the operator, with any phone-like digit run hidden (SNS errors may quote the number). */
const safeError = (error: unknown) =>
  `${(error as Error).name}: ${(error as Error).message}`
    .replace(/\+?\d[\d\s-]{6,}\d/g, '****')
    .slice(0, 200);

/** Claims the alert for this delivery; false when it was already sent (or another delivery is sending it). */
async function claim(m: AlertMessage, now: string): Promise<boolean> {
  try {
    await ddb().send(
      new UpdateCommand({
        TableName: T(),
        Key: key(m),
        UpdateExpression: 'SET #s = :sending, claimedAt = :now',
        ConditionExpression:
          'attribute_exists(pk) AND (#s IN (:pending, :failed) OR (#s = :sending AND claimedAt < :stale))',
        ExpressionAttributeNames: { '#s': 'state' },
        ExpressionAttributeValues: {
          ':sending': 'SENDING',
          ':pending': 'PENDING',
          ':failed': 'FAILED',
          ':now': now,
          ':stale': new Date(Date.parse(now) - STALE_MS).toISOString(),
        },
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

async function publish(m: AlertMessage): Promise<string> {
  if (m.sms) return (await notifier().sendSms({ ...m.sms, purpose: m.purpose })).messageId;
  if (m.topic) {
    return (await notifier().notifyStaff({ ...m.topic, topic: m.topic.topic as StaffTopic })).messageId;
  }
  throw new Error('an alert with neither sms nor topic');
}

async function record(m: AlertMessage, tries: number, outcome: { messageId: string } | { error: string }) {
  const sent = 'messageId' in outcome;
  await ddb().send(
    new UpdateCommand({
      TableName: T(),
      Key: key(m),
      UpdateExpression: sent
        ? 'SET #s = :state, sentAt = :now, messageId = :detail ADD attempts :tries'
        : 'SET #s = :state, lastError = :detail, failedAt = :now ADD attempts :tries',
      ExpressionAttributeNames: { '#s': 'state' },
      ExpressionAttributeValues: {
        ':state': sent ? 'SENT' : 'FAILED',
        ':now': new Date().toISOString(),
        ':detail': sent ? outcome.messageId : outcome.error,
        ':tries': tries,
      },
    }),
  );
}

/** One alert: true when it is done (sent now or before), false to have SQS deliver it again. */
export async function deliver(m: AlertMessage): Promise<boolean> {
  if (!(await claim(m, new Date().toISOString()))) {
    logger.info('alert already sent or being sent', { purpose: m.purpose });
    return true;
  }
  let lastError = '';
  for (let t = 0; t < TRIES; t++) {
    if (BACKOFF_MS[t]) await new Promise((r) => setTimeout(r, BACKOFF_MS[t]));
    try {
      const messageId = await publish(m);
      await record(m, t + 1, { messageId });
      logger.info('alert sent', { purpose: m.purpose, messageId, tries: t + 1 });
      return true;
    } catch (error) {
      lastError = safeError(error);
      logger.warn('alert publish failed', { purpose: m.purpose, attempt: t + 1, error: lastError });
    }
  }
  await record(m, TRIES, { error: lastError });
  return false;
}

export const handler = eventHandler(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failed = await Promise.all(
    event.Records.map(async (r: SQSRecord) => {
      try {
        return (await deliver(JSON.parse(r.body) as AlertMessage)) ? undefined : r.messageId;
      } catch (error) {
        logger.error('alert not delivered', { error: safeError(error) });
        return r.messageId;
      }
    }),
  );
  return {
    batchItemFailures: failed.filter((id): id is string => !!id).map((id) => ({ itemIdentifier: id })),
  };
});
