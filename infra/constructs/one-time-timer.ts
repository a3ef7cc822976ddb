// One timer of shared/platform/timers.ts: the schedule group its one-time schedules are created in and the role
// EventBridge Scheduler invokes its target with. The schedules themselves are made at run time by functions
// granted the timer (AppFunction.allowTimer), and delete themselves once they have fired.
import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { ScheduleGroup } from 'aws-cdk-lib/aws-scheduler';
import { Construct } from 'constructs';
import {
  TIMER_GROUP_ENV,
  TIMER_ROLE_ENV,
  type TimerDef,
  timerTargetEnvVar,
} from '#shared/platform/timers.ts';
import type { AppFunction, TimerAccess } from './app-function.ts';

export class OneTimeTimer extends Construct {
  readonly group: ScheduleGroup;
  readonly role: Role;
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
    this.access = {
      name: def.name,
      groupName: this.group.scheduleGroupName,
      targetArn: target.functionArn,
      role: this.role,
      env: { target: timerTargetEnvVar(def.name), role: TIMER_ROLE_ENV, group: TIMER_GROUP_ENV },
    };
  }
}
