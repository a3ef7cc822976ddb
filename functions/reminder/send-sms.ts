// The sms queue's consumer: sends each queued reminder (shared/reminder/sender.ts). The records of a batch go
// concurrently, each through the account's SMS rate limiter; a deferred record (send hour, quiet hours) or a
// failed try is reported failed, so SQS delivers it again when its time or its visibility timeout is up.
import type { SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';
import { deadLetter } from '#shared/platform/queues.ts';
import { parseSmsJob, type SendOutcome, safeError, sendReminder } from '#shared/reminder/sender.ts';

/** Outcomes that leave the message on the queue. */
const AGAIN: ReadonlySet<SendOutcome> = new Set(['DEFERRED', 'RETRY']);

async function one(record: SQSRecord): Promise<SendOutcome> {
  const parsed = parseSmsJob(record.body);
  if ('error' in parsed) {
    // Retrying cannot mend a malformed job; the dead-letter queue keeps it for a person to look at.
    logger.error('not a reminder job; dead-lettered', { error: parsed.error });
    await deadLetter('sms', record.body, `not a reminder job: ${parsed.error}`);
    return 'INVALID';
  }
  return sendReminder(parsed.job, record.receiptHandle);
}

export const handler = eventHandler(async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const again = await Promise.all(
    event.Records.map(async (record) => {
      try {
        return AGAIN.has(await one(record)) ? record.messageId : undefined;
      } catch (error) {
        logger.error('reminder not handled; SQS will deliver it again', { error: safeError(error) });
        return record.messageId;
      }
    }),
  );
  return {
    batchItemFailures: again.filter((id): id is string => !!id).map((id) => ({ itemIdentifier: id })),
  };
});
