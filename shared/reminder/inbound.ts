// Inbound SMS (two-way SMS, delivered by SNS): what a citizen's reply does. STOP, BERHENTI and the like put the
// number on the opt-out list at once, MULAI takes it off again; each change is written with its audit record and
// a marker of the inbound message in one transaction, so a message SNS delivers twice counts once.
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { city } from '#shared/city/regions.ts';
import { auditPut } from '#shared/platform/audit.ts';
import { conditionFailed, ddb, transact } from '#shared/platform/dynamo.ts';
import { ValidationError } from '#shared/platform/errors.ts';
import { toIssues } from '#shared/platform/http.ts';
import { logger } from '#shared/platform/logger.ts';
import { notifier } from '#shared/platform/notifier.ts';
import { fitsOneSms } from '#shared/platform/sms-text.ts';
import { normalisePhone } from '#shared/registry/phone.ts';
import { optOutKey, T } from './keys.ts';
import type { OptOutSource } from './opt-outs.ts';

/** The message End User Messaging (two-way SMS) publishes to the inbound topic for each SMS received. */
export const twoWaySmsSchema = z.object({
  originationNumber: z.string().check(z.minLength(1)),
  destinationNumber: z.optional(z.string()),
  messageKeyword: z.optional(z.string()),
  messageBody: z.string(),
  // Always there from AWS; a developer posting by hand in local mode may leave it out.
  inboundMessageId: z.optional(z.string().check(z.minLength(1), z.maxLength(200))),
  previousPublishedMessageId: z.optional(z.string()),
});
export type TwoWaySms = z.infer<typeof twoWaySmsSchema>;

/** The two-way SMS, or a 400 naming the field (under `prefix`: the envelope's Message). */
export function parseTwoWaySms(input: unknown, prefix?: string): TwoWaySms {
  const result = z.safeParse(twoWaySmsSchema, input);
  if (!result.success) throw new ValidationError(toIssues(result.error, prefix));
  return result.data;
}

/**
 * Words that opt out: STOP and BERHENTI (the issue), UNREG (how Indonesians leave any SMS service), and the
 * opt-out words AWS itself honours by default — we list them too, as AWS stops our messages to such a number.
 */
export const OPT_OUT_KEYWORDS: ReadonlySet<string> = new Set([
  'STOP',
  'BERHENTI',
  'UNREG',
  'STOPALL',
  'UNSUBSCRIBE',
  'CANCEL',
  'END',
  'QUIT',
  'OPTOUT',
  'REMOVE',
]);
/** Words that opt back in. */
export const OPT_IN_KEYWORDS: ReadonlySet<string> = new Set(['MULAI', 'START', 'UNSTOP']);

export type Intent = 'OPT_OUT' | 'OPT_IN';
export type InboundAction = 'OPTED_OUT' | 'OPTED_IN' | 'IGNORED';

/** The first word of the body, upper case, without punctuation ("Stop!" → STOP), and what it asks for. */
export function intentOf(body: string): { keyword: string; intent?: Intent } {
  const first = body.trim().split(/\s+/)[0] ?? '';
  // OPT-OUT and OPTOUT alike; the cut keeps a long first word out of the logs and the audit.
  const keyword = first
    .toUpperCase()
    .replace(/[^A-Z0-9]/g, '')
    .slice(0, 20);
  if (OPT_OUT_KEYWORDS.has(keyword)) return { keyword, intent: 'OPT_OUT' };
  if (OPT_IN_KEYWORDS.has(keyword)) return { keyword, intent: 'OPT_IN' };
  return { keyword };
}

/**
 * The audit entity of a number's opt-out: its SHA-256, not the number. The audit table keeps records for good
 * and more roles read it than the opt-out list; the hash still finds a number's trail (hash it, Query).
 */
export const optOutEntity = (phone: string) =>
  `OPTOUT#${createHash('sha256').update(phone).digest('base64url')}`;

/** The reply to MULAI: one GSM-7 SMS. */
export function optInConfirmationSms(): string {
  const text = `${city().name}: Anda kembali menerima SMS pengingat kesehatan. Balas BERHENTI untuk berhenti.`;
  return fitsOneSms(text)
    ? text
    : 'SehatKota: Anda kembali menerima SMS pengingat kesehatan. Balas BERHENTI untuk berhenti.';
}

/** Who the audit names: the citizen, by their SMS (the entity says which number). */
export const SMS_ACTOR = { sub: 'sms-inbound', roles: [] as string[] };

// Long enough to cover every SNS redelivery of a message.
const MARKER_DAYS = 30;
const markerKey = (inboundMessageId: string) => ({ pk: `INBOUND#${inboundMessageId}`, sk: 'INBOUND' });

export interface InboundResult {
  action: InboundAction;
  /** The message was handled before (an SNS redelivery): nothing written or sent again. */
  duplicate: boolean;
}

/** Acts on one inbound SMS; `requestId` stands in for a hand-posted message's missing inboundMessageId. */
export async function handleInboundSms(
  sms: TwoWaySms,
  ctx: { requestId: string; now: string },
): Promise<InboundResult> {
  const { keyword, intent } = intentOf(sms.messageBody);
  const messageId = sms.inboundMessageId ?? ctx.requestId;
  if (!intent) {
    // Replies are not read by anyone; the text and the number stay out of the logs.
    logger.info('inbound SMS ignored: not a keyword', { inboundMessageId: messageId });
    return { action: 'IGNORED', duplicate: false };
  }
  const phone = normalisePhone(sms.originationNumber);
  if (!phone) {
    // We only ever send to Indonesian mobiles, so there is nothing to stop for any other number.
    logger.info('inbound SMS ignored: not an Indonesian mobile', { inboundMessageId: messageId, keyword });
    return { action: 'IGNORED', duplicate: false };
  }
  const action: InboundAction = intent === 'OPT_OUT' ? 'OPTED_OUT' : 'OPTED_IN';
  const current = await ddb().send(
    new GetCommand({ TableName: T(), Key: optOutKey(phone), ConsistentRead: true }),
  );
  const before = current.Item
    ? { optedOut: true, source: current.Item.source as OptOutSource }
    : { optedOut: false };
  const marker = {
    Put: {
      TableName: T(),
      Item: {
        ...markerKey(messageId),
        action,
        at: ctx.now,
        expiresAt: Math.floor(Date.parse(ctx.now) / 1000) + MARKER_DAYS * 86_400,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
  const change =
    intent === 'OPT_OUT'
      ? {
          // The same item optOut() writes; the citizen's own word makes it source SMS, so the SNS sync never
          // takes it off, while the first opt-out time is kept.
          Update: {
            TableName: T(),
            Key: optOutKey(phone),
            UpdateExpression: 'SET #at = if_not_exists(#at, :at), #source = :source, #keyword = :keyword',
            ExpressionAttributeNames: { '#at': 'at', '#source': 'source', '#keyword': 'keyword' },
            ExpressionAttributeValues: { ':at': ctx.now, ':source': 'SMS', ':keyword': keyword },
          },
        }
      : { Delete: { TableName: T(), Key: optOutKey(phone) } };
  try {
    await transact([
      marker,
      change,
      auditPut({
        entity: optOutEntity(phone),
        action: intent === 'OPT_OUT' ? 'SMS_OPT_OUT' : 'SMS_OPT_IN',
        actor: SMS_ACTOR,
        at: ctx.now,
        requestId: messageId,
        reason: keyword,
        before,
        after: intent === 'OPT_OUT' ? { optedOut: true, source: 'SMS' } : { optedOut: false },
      }),
    ]);
  } catch (error) {
    if (conditionFailed(error, 0)) {
      logger.info('inbound SMS already handled', { inboundMessageId: messageId, action });
      return { action, duplicate: true };
    }
    throw error;
  }
  logger.info('inbound SMS handled', { inboundMessageId: messageId, action, keyword, was: before });
  if (intent === 'OPT_IN') await afterOptIn(phone, messageId);
  return { action, duplicate: false };
}

/** SNS keeps its own opt-out list: the number comes off it too, then gets one SMS saying so. */
async function afterOptIn(phone: string, inboundMessageId: string): Promise<void> {
  try {
    await notifier().optIn(phone);
  } catch (error) {
    // SNS allows this once per 30 days; our own list is already right, so the reply is only logged.
    logger.warn('SNS opt-in refused', { inboundMessageId, error: (error as Error).name });
  }
  try {
    await notifier().sendSms({ phone, text: optInConfirmationSms(), purpose: 'sms-opt-in' });
  } catch (error) {
    logger.warn('opt-in confirmation SMS not sent', { inboundMessageId, error: (error as Error).name });
  }
}
