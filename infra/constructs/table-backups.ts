// AWS Backup of every table, beside point-in-time recovery (35 days of any second): a daily backup kept 35 days
// and a monthly one kept a year, in a vault encrypted with its own key, retained with the stack gone, from which no
// one may delete a backup by hand (only its lifecycle ends it).
import { Duration, RemovalPolicy, Stack, TimeZone, Validations } from 'aws-cdk-lib';
import { BackupPlan, BackupPlanRule, BackupResource, BackupVault } from 'aws-cdk-lib/aws-backup';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { Schedule } from 'aws-cdk-lib/aws-events';
import { Key } from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';

export const DAILY_RETENTION_DAYS = 35;
export const MONTHLY_RETENTION_DAYS = 365;

export class TableBackups extends Construct {
  readonly key: Key;
  readonly vault: BackupVault;
  readonly plan: BackupPlan;

  constructor(scope: Construct, id: string, tables: readonly ITable[]) {
    super(scope, id);
    this.key = new Key(this, 'Key', {
      description: 'Encrypts the SehatKota backup vault (DynamoDB table backups)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.vault = new BackupVault(this, 'Vault', {
      encryptionKey: this.key,
      blockRecoveryPointDeletion: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // Times on the city's clock: after midnight WIB, when nobody registers residents or writes letters.
    const at = (hour: string, day?: string) => Schedule.cron({ minute: '0', hour, ...(day ? { day } : {}) });
    this.plan = new BackupPlan(this, 'Plan', {
      // Named after the stack: two copies of the app (staging, production) in one account keep apart.
      backupPlanName: `${Stack.of(this).stackName}-tables`,
      backupVault: this.vault,
      backupPlanRules: [
        new BackupPlanRule({
          ruleName: 'Daily',
          scheduleExpression: at('1'),
          scheduleExpressionTimezone: TimeZone.ASIA_JAKARTA,
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(4),
          deleteAfter: Duration.days(DAILY_RETENTION_DAYS),
        }),
        new BackupPlanRule({
          ruleName: 'Monthly',
          scheduleExpression: at('2', '1'),
          scheduleExpressionTimezone: TimeZone.ASIA_JAKARTA,
          startWindow: Duration.hours(1),
          completionWindow: Duration.hours(4),
          // A year of month ends: the premium bills and fund accounts are reconciled yearly.
          deleteAfter: Duration.days(MONTHLY_RETENTION_DAYS),
        }),
      ],
    });
    const selection = this.plan.addSelection('Tables', {
      resources: tables.map((t) => BackupResource.fromDynamoDbTable(t)),
      // Restores are done by a person with their own rights, into a new table; the plan only takes backups.
      allowRestores: false,
    });
    Validations.of(selection).acknowledge({
      id: 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      reason:
        "AWS Backup's own service-role policy, which AWS keeps in step with what taking a backup of each " +
        'resource type needs; the role is assumed by AWS Backup only and used for this selection only.',
    });
  }
}
