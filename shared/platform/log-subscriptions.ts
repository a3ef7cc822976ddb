// The one set of CloudWatch Logs subscriptions: AWS services that report only to a log group (SNS's SMS delivery
// status) reach a handler through a subscription filter in AWS; local mode calls the same handler module with the
// same event shape (CloudWatchLogsEvent: base64 gzip of the log events).
import type { Grants } from './routes.ts';

export interface LogSubscriptionDef {
  name: string;
  description: string;
  /**
   * The log groups, by the part after `sns/<region>/<account>/`: SNS writes SMS delivery records to
   * DirectPublishToPhoneNumber (delivered) and DirectPublishToPhoneNumber/Failure (failed).
   */
  snsSmsLogGroups: readonly string[];
  handler: string;
  grants: Grants;
  timeoutSeconds?: number;
  memoryMb?: number;
}

export const LOG_SUBSCRIPTIONS: readonly LogSubscriptionDef[] = [
  {
    name: 'sms-delivery-status',
    description:
      "Record each reminder SMS's delivery status; a failed delivery is tried again, then dead-lettered",
    snsSmsLogGroups: ['DirectPublishToPhoneNumber', 'DirectPublishToPhoneNumber/Failure'],
    handler: 'functions/reminder/sms-delivery-status.ts',
    grants: { reminders: 'readWrite', queues: ['sms'] },
  },
];
