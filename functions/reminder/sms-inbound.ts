// POST /sms/inbound — public, called by SNS (an HTTPS subscription to the two-way SMS topic, raw message delivery
// off so the envelope and its signature arrive): checks the message is SNS's for that topic, confirms the
// subscription, or acts on the citizen's STOP / BERHENTI / MULAI. Replies `{action}`; 403 when it does not verify.
// SMS_INBOUND_VERIFY=off (local mode) skips the checks and also takes the bare two-way SMS JSON.
import { Forbidden, ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { logger } from '#shared/platform/logger.ts';
import {
  confirmSubscription,
  isSnsEnvelope,
  parseSnsEnvelope,
  verifySnsMessage,
} from '#shared/platform/sns-message.ts';
import { handleInboundSms, parseTwoWaySms, type TwoWaySms } from '#shared/reminder/inbound.ts';

type Action = 'OPTED_OUT' | 'OPTED_IN' | 'IGNORED' | 'CONFIRMED';

function parseJson(text: string, field: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    throw ValidationError.field(field, 'Not valid JSON');
  }
}

// SNS posts its JSON as text/plain, so the body is taken as text and parsed here.
export const handler = httpHandler({ body: 'text' }, async ({ body, requestId }) => {
  const verify = process.env.SMS_INBOUND_VERIFY !== 'off';
  const input = parseJson(body, 'body');
  const done = (action: Action) => ({ status: 200, body: { action } });
  let sms: TwoWaySms;
  if (isSnsEnvelope(input)) {
    const envelope = parseSnsEnvelope(input);
    if (verify) {
      const topicArn = process.env.SMS_INBOUND_TOPIC_ARN;
      // Fail closed: a deployment without its topic must not take messages from anyone's topic.
      if (!topicArn) throw new Error('SMS_INBOUND_TOPIC_ARN is not set');
      await verifySnsMessage(envelope, { topicArn });
    }
    if (envelope.Type === 'SubscriptionConfirmation') {
      // Unverified, the SubscribeURL is anyone's to choose: it is never visited.
      if (!verify) return done('IGNORED');
      await confirmSubscription(envelope);
      logger.info('inbound SMS topic subscription confirmed', { topicArn: envelope.TopicArn });
      return done('CONFIRMED');
    }
    if (envelope.Type === 'UnsubscribeConfirmation') {
      // Someone unsubscribed this endpoint: not undone here, but it must be seen.
      logger.warn('inbound SMS topic unsubscribed this endpoint', { topicArn: envelope.TopicArn });
      return done('IGNORED');
    }
    sms = parseTwoWaySms(parseJson(envelope.Message, 'Message'), 'Message');
  } else {
    if (verify) throw new Forbidden('Only signed SNS messages are accepted');
    sms = parseTwoWaySms(input);
  }
  const { action } = await handleInboundSms(sms, { requestId, now: new Date().toISOString() });
  return done(action);
});
