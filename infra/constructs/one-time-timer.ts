// One timer of shared/platform/timers.ts: the schedule group its one-time schedules are created in and the role
// EventBridge Scheduler invokes its target with. The schedules themselves are made at run time by functions
// granted the timer (AppFunction.allowTimer), and delete themselves once they have fired.
import { Duration, RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import {
  TIMER_DLQ_ENV,
  TIMER_GROUP_ENV,
  TIMER_ROLE_ENV,
  type TimerDef,
  timerTargetEnvVar,
} from '#shared/platform/timers.ts';
import type { AppFunction, TimerAccess } from './app-function.ts';

export class OneTimeTimer extends Construct {
  readonly group: ScheduleGroup;
  readonly role: Role;
  /** Where a timer whose target still fails after Scheduler's retries is kept, rather than lost. */
  readonly deadLetters: Queue;
  /** What a function granted this timer gets (AppFunction.allowTimer). */
  readonly access: TimerAccess;

  constructor(scope: Construct, id: string, def: TimerDef, target: AppFunction) {
    super(scope, id);
    this.group = new ScheduleGroup(this, 'Group', {
      // It only ever holds timers still pending, minutes long, which mean nothing without this stack.
      removalPolicy: RemovalPolicy.DESTROY,
    });
    // Allowed to invoke the target and no version or alias of it (nothing is published).
    this.role = new Role(this, 'SchedulerRole', {
      assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
        conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
      }),
      description: `EventBridge Scheduler invokes ${def.handler} when a ${def.name} timer fires`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [target.function.functionArn] }),
    );
    const key = new Key(this, 'DeadLettersKey', {
      description: `Encrypts the dead-letter queue of the SehatKota ${def.name} timers`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.deadLetters = new Queue(this, 'DeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: `This is the dead-letter queue of the ${def.name} timers; its messages are not consumed, only kept.`,
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: `This is the dead-letter queue of the ${def.name} timers: the end of the line, it redrives nowhere.`,
      },
    );
    // Scheduler invokes the target asynchronously: a fire the target still fails on after Lambda's two retries is
    // kept here too, beside the fires Scheduler could not deliver. Either way, a timer nobody handled.
    target.deadLetterFailedEvents(this.deadLetters);
    // Exactly what putting one message there takes (grantSendMessages would add wildcard KMS actions).
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [this.deadLetters.queueArn] }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
    );
    Validations.of(this.role).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        `The inline policy is this one timer role's least privilege: invoke ${def.handler} and put a fire it ` +
        'could not deliver on the timer dead-letter queue; no other role would share it.',
    });
    this.access = {
      name: def.name,
      groupName: this.group.scheduleGroupName,
      targetArn: target.functionArn,
      role: this.role,
      deadLettersArn: this.deadLetters.queueArn,
      env: {
        target: timerTargetEnvVar(def.name),
        role: TIMER_ROLE_ENV,
        group: TIMER_GROUP_ENV,
        deadLetters: TIMER_DLQ_ENV,
      },
    };
  }
}
