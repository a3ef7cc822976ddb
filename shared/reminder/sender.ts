// The reminder sender: turns one queued SmsJob into at most one SMS. It waits for the send hour and the end of
// quiet hours (the message is deferred, not dropped), never texts a number that opted out, claims the fire so a
// redelivered message sends nothing twice, keeps the month within its budget by a conditional ADD (over it, the
// message goes to the dead-letter queue and the city's admins are told once), keeps to the account's SMS rate,
// and records each outcome on the fire and the day's counters. Phones and NIKs never reach the logs.
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { config } from '#shared/platform/config.ts';
import { conditionFailed, ddb, transact } from '#shared/platform/dynamo.ts';
import { logger } from '#shared/platform/logger.ts';
import { recordMetric } from '#shared/platform/metrics.ts';
import { notifier } from '#shared/platform/notifier.ts';
import { deadLetter, deferMessage, MAX_DEFER_SECONDS } from '#shared/platform/queues.ts';
import { quietUntil } from '#shared/platform/quiet-hours.ts';
import {
  type Clock,
  perSecondLimiter,
  SMS_WINDOW_MARGIN_MS,
  setSmsRateLimiter,
  smsRateLimiter,
} from '#shared/platform/rate-limit.ts';
import { monthWib } from '#shared/platform/wib.ts';
import { budgetKey, dayCounts, fireKey, messageKey, type SmsJob, T } from './keys.ts';
import { isOptedOut } from './opt-outs.ts';

/** A SENDING claim older than this was left by an invocation that died mid-send (the function times out at 20 s). */
export const STALE_CLAIM_MS = 60_000;
/** How long a sent message's id leads back to its fire: SNS reports delivery within hours, at most 72. */
const MESSAGE_TTL_SECONDS = 30 * 86_400;
const MICRO = 1_000_000;

/** What became of one queued reminder. DEFERRED and RETRY leave the message on the queue; the rest finish it. */
export type SendOutcome =
  | 'SENT'
  | 'DEFERRED'
  | 'RETRY'
  | 'FAILED'
  | 'OPTED_OUT'
  | 'OVER_BUDGET'
  /** Sent, or being sent, or finished otherwise by an earlier delivery of the same message. */
  | 'ALREADY_HANDLED'
  /** Not a reminder job at all; dead-lettered as it came. */
  | 'INVALID';

const smsJobSchema = z.object({
  nik: z.string().check(z.minLength(1)),
  fireId: z.string().check(z.minLength(1)),
  phone: z.string().check(z.regex(/^\+\d{8,15}$/)),
  text: z.string().check(z.minLength(1)),
  parts: z.number().check(z.int(), z.positive()),
  date: z.string().check(z.regex(/^\d{4}-\d{2}-\d{2}$/)),
  sendAt: z.string().check(z.refine((s) => !Number.isNaN(Date.parse(s)), 'not an instant')),
  campaignId: z.string().check(z.minLength(1)),
  version: z.number().check(z.int(), z.positive()),
});

/** The SQS body as a job, or the reason it is not one (field names only: the body carries a phone). */
export function parseSmsJob(body: string): { job: SmsJob } | { error: string } {
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    return { error: 'the body is not JSON' };
  }
  const out = z.safeParse(smsJobSchema, json);
  if (out.success) return { job: out.data };
  return { error: `bad fields: ${[...new Set(out.error.issues.map((i) => i.path.join('.')))].join(', ')}` };
}

/** An error as it may be stored and logged: any run of digits long enough to be a phone or a NIK is hidden. */
export const safeError = (error: unknown): string =>
  (error instanceof Error ? `${error.name}: ${error.message}` : String(error))
    .replace(/\+?\d[\d\s-]{4,}\d/g, '****')
    .slice(0, 200);

/** A price in whole micro-dollars, so sums over a month stay exact. */
export const costMicroUsd = (parts: number, pricePerPartUsd = config().SMS_PRICE_USD_PER_PART) =>
  parts * Math.round(pricePerPartUsd * MICRO);

/** The first instant the reminder may go: not before its send time, and never inside quiet hours. */
export function sendableAt(sendAt: string, now: string, quietHours = config().SMS_QUIET_HOURS_WIB): string {
  const earliest = new Date(Math.max(Date.parse(now), Date.parse(sendAt))).toISOString();
  return quietUntil(earliest, quietHours) ?? earliest;
}

/** Tests: forget the rate limiter's grants (and run it on their clock). */
export function resetSender(opts: { clock?: Clock } = {}): void {
  const { SMS_RATE_PER_SECOND, SMS_SENDER_CONCURRENCY } = config();
  setSmsRateLimiter(
    opts.clock
      ? perSecondLimiter(SMS_RATE_PER_SECOND / SMS_SENDER_CONCURRENCY, opts.clock, SMS_WINDOW_MARGIN_MS)
      : undefined,
  );
}

const fire = (job: SmsJob) => fireKey(job.nik, job.fireId);
const logFields = (job: SmsJob) => ({ campaignId: job.campaignId, version: job.version, date: job.date });

/**
 * A fire this delivery may take: queued, or over budget (its message redriven from the dead-letter queue once the
 * budget is raised), or claimed by an invocation that died. Never one sent, delivered, opted out or failed: FAILED
 * is final, so a stray copy of its message sends nothing.
 */
const CLAIMABLE =
  'attribute_exists(pk) AND (#s IN (:queued, :overBudget) OR (#s = :sending AND claimedAt < :stale))';
const claimableValues = (now: string) => ({
  ':queued': 'QUEUED',
  ':overBudget': 'OVER_BUDGET',
  ':sending': 'SENDING',
  ':stale': new Date(Date.parse(now) - STALE_CLAIM_MS).toISOString(),
});

/**
 * One delivery of a queued reminder. `receiptHandle` is the SQS message's, for deferring it; `now` is when the
 * delivery started.
 */
export async function sendReminder(
  job: SmsJob,
  receiptHandle: string,
  now = new Date().toISOString(),
): Promise<SendOutcome> {
  const settings = config();
  const fields = logFields(job);

  const at = sendableAt(job.sendAt, now, settings.SMS_QUIET_HOURS_WIB);
  const waitSeconds = Math.ceil((Date.parse(at) - Date.parse(now)) / 1000);
  if (waitSeconds > 0) {
    // SQS hides a message for 12 hours at most; one due later is deferred again when it comes back.
    const seconds = Math.min(waitSeconds, MAX_DEFER_SECONDS);
    await deferMessage('sms', receiptHandle, seconds);
    logger.info('reminder deferred', { ...fields, until: at, seconds });
    return 'DEFERRED';
  }

  // Checked again here: the number may have opted out since the job picked it.
  if (await isOptedOut(job.phone)) {
    const marked = await settle(job, now, 'OPTED_OUT', 'optedOut', { condition: CLAIMABLE });
    logger.info('reminder not sent: the number opted out', { ...fields, recorded: marked });
    return marked ? 'OPTED_OUT' : 'ALREADY_HANDLED';
  }

  const claim = await claimFire(job, now);
  if (!claim.claimed) {
    logger.info('reminder already handled', { ...fields, status: claim.status });
    return 'ALREADY_HANDLED';
  }

  const month = monthWib(now);
  const cost = costMicroUsd(job.parts, settings.SMS_PRICE_USD_PER_PART);
  if (!(await reserveBudget(month, job.parts, cost, settings.SMS_MONTHLY_BUDGET_USD))) {
    // A redriven reminder refused again was counted the first time.
    await overBudget(job, month, now, settings.SMS_MONTHLY_BUDGET_USD, claim.previous !== 'OVER_BUDGET');
    return 'OVER_BUDGET';
  }

  let messageId: string;
  try {
    await smsRateLimiter().acquire();
    ({ messageId } = await notifier().sendSms({
      phone: job.phone,
      text: job.text,
      purpose: `reminder ${job.campaignId}`,
    }));
  } catch (error) {
    recordMetric('SmsFailed', 1);
    return failedTry(job, claim.attempts + 1, month, cost, safeError(error), now);
  }
  recordMetric('SmsSent', 1);
  recordMetric('SmsCostMicroUsd', cost);

  try {
    await recordSent(job, messageId, cost);
  } catch (error) {
    // The SMS is out: retrying the message would text the resident again, so the record is given up instead.
    logger.error('reminder sent but not recorded', { ...fields, messageId, error: safeError(error) });
    return 'SENT';
  }
  logger.info('reminder sent', { ...fields, messageId, attempt: claim.attempts + 1 });
  return 'SENT';
}

/** Takes the fire for this delivery: its tries so far and the status it had, or the status that refused it. */
async function claimFire(
  job: SmsJob,
  now: string,
): Promise<{ claimed: true; attempts: number; previous: string } | { claimed: false; status: string }> {
  try {
    const out = await ddb().send(
      new UpdateCommand({
        TableName: T(),
        Key: fire(job),
        UpdateExpression: 'SET #s = :sendingNow, claimedAt = :now',
        ConditionExpression: CLAIMABLE,
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ...claimableValues(now), ':sendingNow': 'SENDING', ':now': now },
        ReturnValues: 'ALL_OLD',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    return {
      claimed: true,
      attempts: Number(out.Attributes?.attempts ?? 0),
      previous: String(out.Attributes?.status),
    };
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    // The item as it was, in DynamoDB's own form; none when the fire does not exist (expired, never written).
    const item = (error as { Item?: { status?: { S?: string } } }).Item;
    return { claimed: false, status: item ? (item.status?.S ?? 'UNKNOWN') : 'NO_FIRE' };
  }
}

/** The fire is still this delivery's claim. */
const SENDING = '#s = :sending';

/**
 * Moves a fire to a final status and counts it on the day (unless `counter` is undefined), in one transaction,
 * when `condition` holds; false when it did not (an earlier delivery settled it), so no count is added twice.
 */
async function settle(
  job: SmsJob,
  now: string,
  status: 'OPTED_OUT' | 'OVER_BUDGET' | 'FAILED',
  counter: 'optedOut' | 'overBudget' | 'failed' | undefined,
  opts: { condition: string; reason?: string; attempt?: boolean },
): Promise<boolean> {
  const usesClaimable = opts.condition === CLAIMABLE;
  try {
    await transact([
      {
        Update: {
          TableName: T(),
          Key: fire(job),
          UpdateExpression:
            `SET #s = :status, settledAt = :now${opts.reason ? ', lastError = :reason' : ''}` +
            (opts.attempt ? ' ADD attempts :one' : ''),
          ConditionExpression: opts.condition,
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: {
            ...(usesClaimable ? claimableValues(now) : { ':sending': 'SENDING' }),
            ':status': status,
            ':now': now,
            ...(opts.reason ? { ':reason': opts.reason } : {}),
            ...(opts.attempt ? { ':one': 1 } : {}),
          },
        },
      },
      ...(counter ? [dayCounts(job.date, job.fireId, { [counter]: 1 })] : []),
    ]);
    return true;
  } catch (error) {
    if (conditionFailed(error, 0)) return false;
    throw error;
  }
}

/**
 * Adds the reminder's cost to the month's spend unless that would pass the budget: the condition is DynamoDB's,
 * so concurrent senders can never overspend between them.
 */
async function reserveBudget(
  month: string,
  parts: number,
  cost: number,
  budgetUsd: number,
): Promise<boolean> {
  const limit = Math.round(budgetUsd * MICRO);
  if (cost > limit) return false;
  try {
    const out = await ddb().send(
      new UpdateCommand({
        TableName: T(),
        Key: budgetKey(month),
        UpdateExpression: 'ADD costMicroUsd :cost, parts :parts SET budgetMicroUsd = :limit',
        ConditionExpression: 'attribute_not_exists(costMicroUsd) OR costMicroUsd <= :most',
        ExpressionAttributeValues: { ':cost': cost, ':parts': parts, ':limit': limit, ':most': limit - cost },
        // The month's spend comes back with the write (or with its refusal), so the budget metric costs no read.
        ReturnValues: 'UPDATED_NEW',
        ReturnValuesOnConditionCheckFailure: 'ALL_OLD',
      }),
    );
    budgetUsed(out.Attributes?.costMicroUsd, limit);
    return true;
  } catch (error) {
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
    // Refused: the spend that refused it, from DynamoDB's own form of the item.
    const item = (error as { Item?: { costMicroUsd?: { N?: string } } }).Item;
    budgetUsed(item?.costMicroUsd?.N, limit);
    return false;
  }
}

/** The month's spend as a share of the budget: the metric the operations alarm watches at 80%. */
function budgetUsed(spentMicroUsd: unknown, limitMicroUsd: number): void {
  const spent = Number(spentMicroUsd);
  if (spentMicroUsd === undefined || !Number.isFinite(spent) || limitMicroUsd <= 0) return;
  recordMetric('SmsBudgetUsedPercent', Math.round((spent / limitMicroUsd) * 10_000) / 100);
}

/** Gives back a reservation for an SMS that did not go out. */
async function refundBudget(month: string, parts: number, cost: number): Promise<void> {
  await ddb().send(
    new UpdateCommand({
      TableName: T(),
      Key: budgetKey(month),
      UpdateExpression: 'ADD costMicroUsd :cost, parts :parts',
      ExpressionAttributeValues: { ':cost': -cost, ':parts': -parts },
    }),
  );
}

/** Marks the month's alarm as raised: the first refusal of the month tells the admins, later ones do not. */
const budgetAlarmKey = (month: string) => ({ pk: budgetKey(month).pk, sk: `${month}#ALARM` });

async function overBudget(
  job: SmsJob,
  month: string,
  now: string,
  budgetUsd: number,
  count: boolean,
): Promise<void> {
  const reason = `monthly SMS budget of USD ${budgetUsd} reached`;
  // The metric filter behind the budget alarm counts this exact message.
  logger.error('SmsBudgetReached', { ...logFields(job), month, budgetUsd });
  // Dead-lettered first: a crash after it leaves a duplicate in the dead-letter queue, never a lost reminder.
  await deadLetter('sms', job, reason);
  await settle(job, now, 'OVER_BUDGET', count ? 'overBudget' : undefined, { condition: SENDING, reason });
  await raiseBudgetAlarm(month, now, budgetUsd);
}

async function raiseBudgetAlarm(month: string, now: string, budgetUsd: number): Promise<void> {
  try {
    await ddb().send(
      new PutCommand({
        TableName: T(),
        Item: { ...budgetAlarmKey(month), raisedAt: now },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return;
    throw error;
  }
  try {
    await notifier().notifyStaff({
      topic: 'city_admins',
      subject: `SMS reminders stopped: the budget for ${month} is spent`,
      text:
        `The monthly SMS budget of USD ${budgetUsd} for ${month} (WIB) has been reached. Reminders are no ` +
        "longer sent this month; each one waits in the 'sms' dead-letter queue. To send them, raise " +
        'SMS_MONTHLY_BUDGET_USD and redrive the dead-letter queue; otherwise they can be left to expire.',
    });
  } catch (error) {
    // Unmark it, so the next refusal tries again rather than the admins never hearing of it.
    await ddb().send(new DeleteCommand({ TableName: T(), Key: budgetAlarmKey(month) }));
    logger.error('SMS budget alarm not sent', { month, error: safeError(error) });
  }
}

async function failedTry(
  job: SmsJob,
  attempt: number,
  month: string,
  cost: number,
  error: string,
  now: string,
): Promise<SendOutcome> {
  const fields = logFields(job);
  try {
    await refundBudget(month, job.parts, cost);
  } catch (refund) {
    // Over-counted spend errs on the safe side: the budget stops sending early, never late.
    logger.error('SMS budget not refunded', { ...fields, month, error: safeError(refund) });
  }
  if (attempt < config().SMS_MAX_ATTEMPTS) {
    await ddb().send(
      new UpdateCommand({
        TableName: T(),
        Key: fire(job),
        UpdateExpression: 'SET #s = :queued, lastError = :error, lastErrorAt = :now ADD attempts :one',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':queued': 'QUEUED', ':error': error, ':now': now, ':one': 1 },
      }),
    );
    logger.warn('reminder SMS not sent; SQS will deliver it again', { ...fields, attempt, error });
    return 'RETRY';
  }
  const reason = `SMS not sent after ${attempt} tries: ${error}`;
  await deadLetter('sms', job, reason);
  await settle(job, now, 'FAILED', 'failed', { condition: SENDING, reason, attempt: true });
  logger.error('reminder SMS failed; dead-lettered', { ...fields, attempt, error });
  return 'FAILED';
}

/** The fire SENT, the message id leading back to it (for the delivery report) and the day's counts, at once. */
async function recordSent(job: SmsJob, messageId: string, cost: number): Promise<void> {
  const sentAt = new Date().toISOString();
  await transact([
    {
      Update: {
        TableName: T(),
        Key: fire(job),
        UpdateExpression:
          'SET #s = :sent, messageId = :id, sentAt = :at, costMicroUsd = :cost ADD attempts :one',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':sent': 'SENT',
          ':id': messageId,
          ':at': sentAt,
          ':cost': cost,
          ':one': 1,
        },
      },
    },
    // SNS always answers a message id; without one there is nothing a delivery report could be matched to.
    ...(messageId
      ? [
          {
            Put: {
              TableName: T(),
              Item: {
                ...messageKey(messageId),
                nik: job.nik,
                fireId: job.fireId,
                date: job.date,
                expiresAt: Math.floor(Date.parse(sentAt) / 1000) + MESSAGE_TTL_SECONDS,
              },
            },
          },
        ]
      : []),
    dayCounts(job.date, job.fireId, { sent: 1, parts: job.parts, costMicroUsd: cost }),
  ]);
}
