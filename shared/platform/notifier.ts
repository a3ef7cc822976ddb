// Sends SMS to citizens and messages to staff topics, and reads and changes SNS's own SMS opt-out list: SNS in
// AWS; local mode swaps in the dev outbox (readable at GET /dev/outbox).
import {
  ListPhoneNumbersOptedOutCommand,
  OptInPhoneNumberCommand,
  PublishCommand,
  SNSClient,
} from '@aws-sdk/client-sns';
import type { StaffTopic } from './routes.ts';

export interface SmsMessage {
  /** E.164, +628… */
  phone: string;
  text: string;
  /** Why it was sent, for the outbox and delivery records (never the NIK). */
  purpose: string;
}

export interface StaffMessage {
  topic: StaffTopic;
  /** E-mail subject (≤ 100 characters). */
  subject: string;
  text: string;
}

export interface Notifier {
  sendSms(message: SmsMessage): Promise<{ messageId: string }>;
  notifyStaff(message: StaffMessage): Promise<{ messageId: string }>;
  /** One page of the numbers the carrier side (SNS) holds opted out, E.164; pass the last page's token on. */
  listOptedOut(nextToken?: string): Promise<{ phones: string[]; nextToken?: string }>;
  /** Takes a number off SNS's opt-out list (SNS allows it once per number per 30 days; it throws otherwise). */
  optIn(phone: string): Promise<void>;
}

/** The environment variable that carries a staff topic's ARN: verifiers → TOPIC_VERIFIERS_ARN. */
export const topicEnvVar = (topic: StaffTopic) => `TOPIC_${topic.toUpperCase()}_ARN`;

let client: SNSClient | undefined;

const sns: Notifier = {
  async sendSms(message) {
    client ??= new SNSClient({});
    const out = await client.send(
      new PublishCommand({
        PhoneNumber: message.phone,
        Message: message.text,
        MessageAttributes: {
          'AWS.SNS.SMS.SMSType': { DataType: 'String', StringValue: process.env.SMS_TYPE ?? 'Transactional' },
          ...(process.env.SMS_SENDER_ID
            ? { 'AWS.SNS.SMS.SenderID': { DataType: 'String', StringValue: process.env.SMS_SENDER_ID } }
            : {}),
        },
      }),
    );
    return { messageId: out.MessageId ?? '' };
  },
  async notifyStaff(message) {
    const arn = process.env[topicEnvVar(message.topic)];
    if (!arn) throw new Error(`${topicEnvVar(message.topic)} is not set`);
    client ??= new SNSClient({});
    const out = await client.send(
      new PublishCommand({ TopicArn: arn, Subject: message.subject.slice(0, 100), Message: message.text }),
    );
    return { messageId: out.MessageId ?? '' };
  },
  async listOptedOut(nextToken) {
    client ??= new SNSClient({});
    const out = await client.send(new ListPhoneNumbersOptedOutCommand(nextToken ? { nextToken } : {}));
    return { phones: out.phoneNumbers ?? [], ...(out.nextToken ? { nextToken: out.nextToken } : {}) };
  },
  async optIn(phone) {
    client ??= new SNSClient({});
    await client.send(new OptInPhoneNumberCommand({ phoneNumber: phone }));
  },
};

let override: Notifier | undefined;

export function setNotifier(notifier: Notifier | undefined): void {
  override = notifier;
}

export function notifier(): Notifier {
  return override ?? sns;
}
