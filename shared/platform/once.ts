// Side effects done once per subject however often an event is delivered (EventBridge delivers at least
// once, and a failed invocation is retried): a marker in the idempotency table is claimed before sending,
// and released if the send fails so the retry can send.
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from './dynamo.ts';
import { logger } from './logger.ts';
import { notifier, type SmsMessage } from './notifier.ts';
import { tableName } from './tables.ts';

const KEEP_DAYS = 30;

/** Claims `marker` for this run: false when it was claimed before (the effect is done, or being done). */
export async function claimOnce(marker: string): Promise<boolean> {
  try {
    await ddb().send(
      new PutCommand({
        TableName: tableName('idempotency'),
        Item: {
          id: marker,
          status: 'SENDING',
          expiration: Math.floor(Date.now() / 1000) + KEEP_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Gives a claim back when its effect failed, so a retry can do it. */
export async function releaseOnce(marker: string): Promise<void> {
  await ddb().send(new DeleteCommand({ TableName: tableName('idempotency'), Key: { id: marker } }));
}

/** One effect, done once per marker; released when it throws, so the retry does it. */
export async function doOnce(marker: string, effect: () => Promise<unknown>): Promise<boolean> {
  if (!(await claimOnce(marker))) return false;
  try {
    await effect();
    return true;
  } catch (error) {
    await releaseOnce(marker);
    throw error;
  }
}

export async function sendOnce(marker: string, sms: SmsMessage): Promise<boolean> {
  const sent = await doOnce(marker, async () => {
    const { messageId } = await notifier().sendSms(sms);
    logger.info('SMS sent', { messageId, purpose: sms.purpose });
  });
  if (!sent) logger.info('already sent', { purpose: sms.purpose });
  return sent;
}
