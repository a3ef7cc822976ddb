// One log subscription of shared/platform/log-subscriptions.ts: the log groups an AWS service reports to (SNS's SMS
// delivery status: sns/<region>/<account>/DirectPublishToPhoneNumber[/Failure]), made here so they have a retention,
// and a subscription filter on each that hands every record to the handler.
import { Stack } from 'aws-cdk-lib';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, LogGroup, SubscriptionFilter } from 'aws-cdk-lib/aws-logs';
import { LambdaDestination } from 'aws-cdk-lib/aws-logs-destinations';
import { Construct } from 'constructs';
import type { LogSubscriptionDef } from '#shared/platform/log-subscriptions.ts';
import { type AppFunction, LOG_RETENTION } from './app-function.ts';

/** Where SNS writes SMS delivery records of this account and region: sns/<region>/<account>/<name>. */
export const snsSmsLogGroupName = (scope: Construct, name: string) =>
  `sns/${Stack.of(scope).region}/${Stack.of(scope).account}/${name}`;

export class LogSubscription extends Construct {
  /** The SNS SMS delivery-status log groups, by the name after sns/<region>/<account>/. */
  readonly snsSmsLogGroups = new Map<string, LogGroup>();

  /** `logsKey` encrypts the log groups: CloudWatch Logs encrypts what SNS writes, SNS needs no key access. */
  constructor(scope: Construct, id: string, def: LogSubscriptionDef, target: AppFunction, logsKey: IKey) {
    super(scope, id);
    const destination = new LambdaDestination(target.function);
    def.snsSmsLogGroups.forEach((name, i) => {
      // SNS would make the group itself on its first record, without a retention; this one keeps 90 days.
      const group = new LogGroup(this, `SnsSmsLogs${i}`, {
        logGroupName: snsSmsLogGroupName(this, name),
        retention: LOG_RETENTION,
        encryptionKey: logsKey,
      });
      new SubscriptionFilter(this, `SnsSmsSubscription${i}`, {
        logGroup: group,
        destination,
        filterPattern: FilterPattern.allEvents(),
      });
      this.snsSmsLogGroups.set(name, group);
    });
  }
}
