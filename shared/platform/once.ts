// Side effects done once per subject however often an event is delivered (EventBridge delivers at least
// once, and a failed invocation is retried): a marker in the idempotency table is claimed before sending,
// and released if the send fails so the retry can send.
import { DeleteCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from './dynamo.ts';
import { logger } from './logger.ts';
import { notifier, type SmsMessage } from './notifier.ts';
import { tableName } from './tables.ts';

const KEEP_DAYS = 30;

export async function sendOnce(marker: string, sms: SmsMessage): Promise<boolean> {
  const table = tableName('idempotency');
  try {
    await ddb().send(
      new PutCommand({
        TableName: table,
        Item: {
          id: marker,
          status: 'SENDING',
          expiration: Math.floor(Date.now() / 1000) + KEEP_DAYS * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(id)',
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') {
      logger.info('already sent', { purpose: sms.purpose });
      return false;
    }
    throw error;
  }
  try {
    const { messageId } = await notifier().sendSms(sms);
    logger.info('SMS sent', { messageId, purpose: sms.purpose });
    return true;
  } catch (error) {
    await ddb().send(new DeleteCommand({ TableName: table, Key: { id: marker } }));
    throw error;
  }
}
