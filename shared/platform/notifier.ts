// Sends SMS: SNS in AWS; local mode swaps in the dev outbox (readable at GET /dev/outbox).
import { PublishCommand, SNSClient } from '@aws-sdk/client-sns';

export interface SmsMessage {
  /** E.164, +628… */
  phone: string;
  text: string;
  /** Why it was sent, for the outbox and delivery records (never the NIK). */
  purpose: string;
}

export interface Notifier {
  sendSms(message: SmsMessage): Promise<{ messageId: string }>;
}

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
};

let override: Notifier | undefined;

export function setNotifier(notifier: Notifier | undefined): void {
  override = notifier;
}

export function notifier(): Notifier {
  return override ?? sns;
}
