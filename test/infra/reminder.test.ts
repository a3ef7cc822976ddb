// The SMS reminders' infrastructure against its contracts: the sms work queue (one sender at a time, a dead-letter
// queue it may also write to itself), the daily jobs on WIB, SNS's delivery-status log groups feeding the delivery
// function, the account's SMS attributes (a custom resource), the alarms that tell the city's admins, and the
// inbound SMS topic delivering to the public /sms/inbound route. Synthesizes the app once, unbundled.

import { App, type CfnElement } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#infra/app.ts';
import type { AppFunction } from '#infra/constructs/app-function.ts';
import type { CapabilityStack } from '#infra/constructs/capability-stack.ts';
import { capabilityOf, SehatKotaStack, SMS_INBOUND_TOPIC_ENV } from '#infra/stack.ts';
import { LOG_SUBSCRIPTIONS, type LogSubscriptionDef } from '#shared/platform/log-subscriptions.ts';
import { deadLetterEnvVar, QUEUES, queueEnvVar } from '#shared/platform/queues.ts';
import { type Grants, ROUTES, type RouteDef } from '#shared/platform/routes.ts';
import { SCHEDULES } from '#shared/platform/schedules.ts';
import { arnOf, logicalId, ref } from '../support/cdk.ts';

// biome-ignore lint/suspicious/noExplicitAny: template JSON is untyped; the assertions below are the types.
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json>; DependsOn?: string[] };
type Statement = {
  Action: string | string[];
  Resource: Json;
  Condition?: Json;
  Effect: string;
  Principal?: Json;
};

// Skip bundling and CDK's own template validation: these tests read templates, not code.
const QUICK = { context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false };

const SMS = QUEUES.find((q) => q.name === 'sms')!;
const DELIVERY = LOG_SUBSCRIPTIONS.find((s) => s.name === 'sms-delivery-status')!;
const INBOUND = ROUTES.find((r) => r.method === 'POST' && r.path === '/sms/inbound')!;

let stack: SehatKotaStack;
let parent: Template;
let reminder: CapabilityStack;
let resources: Record<string, Resource>;

beforeAll(() => {
  stack = createApp(QUICK).stack;
  parent = Template.fromStack(stack);
  reminder = stack.capabilities.get('reminder')!;
  resources = Template.fromStack(reminder).toJSON().Resources;
}, 120_000);

const resourceOf = (construct: { node: { defaultChild?: unknown } }) =>
  resources[logicalId(reminder, construct)]!;

/** The IAM statements of a role in the reminder stack. */
function statementsOf(role: { node: { defaultChild?: unknown } }): Statement[] {
  const roleId = logicalId(reminder, role);
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
}
const withAction = (statements: Statement[], action: string) =>
  statements.filter((s) => [s.Action].flat().includes(action));
const envOf = (fn: AppFunction) => resourceOf(fn.function).Properties.Environment.Variables;

/** What the parent passes for a parameter of the reminder stack (shared resources arrive as parameters). */
function fromParent(value: { Ref: string }): unknown {
  const id = stack.getLogicalId(reminder.nestedStackResource as CfnElement);
  return parent.toJSON().Resources[id].Properties.Parameters[value.Ref];
}

const sendSms = () => reminder.queueFunctions.get('sms')!;
const smsQueue = () => reminder.queues.get('sms')!;
const deliveryFn = () => reminder.logSubscriptionFunctions.get(DELIVERY.name)!;
const smsAccount = () => reminder.smsAccount!;

describe('the sms queue', () => {
  it('lives in the reminder stack, beside send-sms', () => {
    expect(capabilityOf(SMS.handler)).toBe('reminder');
    expect(SMS.handler).toBe('functions/reminder/send-sms.ts');
  });

  it('has at most SMS_SENDER_CONCURRENCY senders (2): reserved concurrency, and SQS polls for no more', () => {
    expect(SMS.concurrencySetting).toBe('SMS_SENDER_CONCURRENCY');
    expect(resourceOf(sendSms().function).Properties.ReservedConcurrentExecutions).toBe(2);
    const { stack: other } = createApp({
      ...QUICK,
      context: { ...QUICK.context, settings: { SMS_SENDER_CONCURRENCY: 4 } },
    });
    const fn = other.capabilities.get('reminder')!.queueFunctions.get('sms')!;
    const template = Template.fromStack(other.capabilities.get('reminder')!);
    expect(
      template.toJSON().Resources[logicalId(other.capabilities.get('reminder')!, fn.function)].Properties,
    ).toMatchObject({ ReservedConcurrentExecutions: 4 });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      ScalingConfig: { MaximumConcurrency: 4 },
    });
  });

  it('no other function reserves concurrency', () => {
    for (const capability of stack.capabilities.values()) {
      const functions = Template.fromStack(capability).findResources('AWS::Lambda::Function');
      for (const [id, fn] of Object.entries(functions)) {
        if (id === logicalId(reminder, sendSms().function)) continue;
        expect(fn.Properties.ReservedConcurrentExecutions, id).toBeUndefined();
      }
    }
  });

  it('redrives to an encrypted dead-letter queue after maxReceiveCount deliveries', () => {
    const queue = resourceOf(smsQueue().queue).Properties;
    expect(queue.RedrivePolicy).toEqual({
      deadLetterTargetArn: arnOf(reminder, smsQueue().deadLetters),
      maxReceiveCount: SMS.maxReceiveCount,
    });
    expect(queue.VisibilityTimeout).toBe(SMS.retryAfterSeconds);
    const dlq = resourceOf(smsQueue().deadLetters).Properties;
    expect(dlq.KmsMasterKeyId).toEqual(arnOf(reminder, smsQueue().key));
    expect(dlq.MessageRetentionPeriod).toBe(14 * 86_400);
  });

  it('feeds send-sms in batches, which reports the failed records alone', () => {
    const mappings = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mappings.map((m) => m.Properties)).toEqual([
      {
        EventSourceArn: arnOf(reminder, smsQueue().queue),
        FunctionName: ref(reminder, sendSms().function),
        BatchSize: SMS.batchSize,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
        ScalingConfig: { MaximumConcurrency: 2 },
      },
    ]);
  });

  it('send-sms may defer a message (ChangeMessageVisibility) on its own queue only', () => {
    const defer = withAction(statementsOf(sendSms().role), 'sqs:ChangeMessageVisibility');
    expect(defer.map((s) => s.Resource)).toEqual([arnOf(reminder, smsQueue().queue)]);
  });

  it('send-sms and the delivery-status function may dead-letter: SendMessage on the DLQ, and its URL', () => {
    for (const fn of [sendSms(), deliveryFn()]) {
      // Besides the delivery-status function's own dead-letter queue (CloudWatch Logs invokes it asynchronously).
      const sends = withAction(statementsOf(fn.role), 'sqs:SendMessage').filter(
        (s) =>
          !fn.deadLetters || JSON.stringify(s.Resource) !== JSON.stringify(arnOf(reminder, fn.deadLetters)),
      );
      expect(sends.map((s) => s.Resource)).toEqual([
        [arnOf(reminder, smsQueue().queue), arnOf(reminder, smsQueue().deadLetters)],
      ]);
      // Sending needs a data key, through SQS only (a consumer may also Decrypt what it receives).
      const keys = withAction(statementsOf(fn.role), 'kms:GenerateDataKey').filter(
        (s) => JSON.stringify(s.Resource) === JSON.stringify(arnOf(reminder, smsQueue().key)),
      );
      expect(keys).toEqual([
        expect.objectContaining({
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Condition: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
        }),
      ]);
      expect(envOf(fn)[queueEnvVar('sms')]).toEqual(ref(reminder, smsQueue().queue));
      expect(envOf(fn)[deadLetterEnvVar('sms')]).toEqual(ref(reminder, smsQueue().deadLetters));
    }
  });
});

describe('the daily jobs', () => {
  const schedule = (name: string) => {
    const def = SCHEDULES.find((s) => s.name === name)!;
    return Object.values(resources).find(
      (r) => r.Type === 'AWS::Scheduler::Schedule' && r.Properties.Description === def.description,
    )!.Properties;
  };

  it('reminders: 07:00 WIB every day, on the Asia/Jakarta clock', () => {
    expect(schedule('reminders')).toMatchObject({
      ScheduleExpression: 'cron(0 7 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Jakarta',
      FlexibleTimeWindow: { Mode: 'OFF' },
    });
    expect(JSON.parse(schedule('reminders').Target.Input)).toEqual({ job: 'reminders' });
    const fn = reminder.scheduleFunctions.get('reminders')!;
    expect(schedule('reminders').Target.Arn).toEqual(arnOf(reminder, fn.function));
  });

  it('sms-opt-outs: 05:00 WIB, before the reminders go out', () => {
    expect(schedule('sms-opt-outs')).toMatchObject({
      ScheduleExpression: 'cron(0 5 * * ? *)',
      ScheduleExpressionTimezone: 'Asia/Jakarta',
    });
  });
});

describe("SNS's SMS delivery-status logs", () => {
  const groups = () => [...reminder.logSubscriptions.get(DELIVERY.name)!.snsSmsLogGroups];

  it('are the two log groups SNS writes to, made here with a retention', () => {
    expect(groups().map(([name]) => name)).toEqual([
      'DirectPublishToPhoneNumber',
      'DirectPublishToPhoneNumber/Failure',
    ]);
    for (const [name, group] of groups()) {
      expect(resourceOf(group).Properties).toEqual({
        LogGroupName: {
          'Fn::Join': ['', [`sns/${stack.region}/`, { Ref: 'AWS::AccountId' }, `/${name}`]],
        },
        RetentionInDays: 90,
        // Encrypted with the stack's logs key (CloudWatch Logs encrypts what SNS writes).
        KmsKeyId: expect.objectContaining({ Ref: expect.stringContaining('LogsKey') }),
      });
    }
  });

  it('each feeds every record to the delivery-status function, which logs.amazonaws.com may invoke for it', () => {
    const filters = Object.values(resources).filter((r) => r.Type === 'AWS::Logs::SubscriptionFilter');
    expect(filters).toHaveLength(groups().length);
    for (const [, group] of groups()) {
      const filter = filters.find(
        (f) => JSON.stringify(f.Properties.LogGroupName) === JSON.stringify(ref(reminder, group)),
      )!;
      expect(filter.Properties).toMatchObject({
        DestinationArn: arnOf(reminder, deliveryFn().function),
        FilterPattern: '',
      });
      const permission = resources[filter.DependsOn![0]!]!;
      expect(permission.Properties).toEqual({
        Action: 'lambda:InvokeFunction',
        FunctionName: arnOf(reminder, deliveryFn().function),
        Principal: 'logs.amazonaws.com',
        SourceArn: arnOf(reminder, group),
      });
    }
  });

  it('the delivery-status function runs sms-delivery-status.ts as the reminder capability', () => {
    expect(DELIVERY.handler).toBe('functions/reminder/sms-delivery-status.ts');
    expect(envOf(deliveryFn()).POWERTOOLS_SERVICE_NAME).toBe('sehatkota-reminder');
  });

  it('a log group subscribed twice is refused', () => {
    const twice: LogSubscriptionDef = {
      ...DELIVERY,
      name: 'again',
      handler: 'functions/reminder/send-sms.ts',
    };
    expect(
      () =>
        new SehatKotaStack(new App(QUICK), 'Probe', {
          routes: [],
          eventRules: [],
          schedules: [],
          queues: [],
          timers: [],
          logSubscriptions: [
            { ...DELIVERY, grants: {} },
            { ...twice, grants: {} },
          ],
        }),
    ).toThrow(/log group DirectPublishToPhoneNumber is subscribed by .*sms-delivery-status\.ts already/);
  });
});

describe("the account's SMS attributes", () => {
  /** The SDK call of a custom resource property, with the tokens in it replaced by `<token>`. */
  const call = (value: Json) => {
    const parts = value['Fn::Join'][1] as Json[];
    const tokens = parts.filter((p) => typeof p !== 'string');
    const text = parts.map((p) => (typeof p === 'string' ? p : '<token>')).join('');
    return { call: JSON.parse(text), tokens };
  };
  const customResource = () => resourceOf(smsAccount().resource);

  it('are set by SetSMSAttributes on create and update, under one fixed physical id', () => {
    const { Type, Properties } = customResource();
    expect(Type).toBe('Custom::SmsAttributes');
    for (const which of ['Create', 'Update']) {
      const { call: sdk, tokens } = call(Properties[which]);
      expect(sdk).toEqual({
        service: 'SNS',
        action: 'setSMSAttributes',
        parameters: {
          attributes: {
            DefaultSMSType: 'Transactional',
            MonthlySpendLimit: '300',
            DeliveryStatusIAMRole: '<token>',
            DeliveryStatusSuccessSamplingRate: '100',
          },
        },
        physicalResourceId: { id: 'sehatkota-sms-attributes' },
      });
      expect(tokens).toEqual([arnOf(reminder, smsAccount().deliveryStatusRole)]);
    }
    expect(Properties.Delete).toBeUndefined();
    expect(Properties.InstallLatestAwsSdk).toBe(false);
  });

  it("the account's spend limit is SMS_ACCOUNT_SPEND_LIMIT_USD rounded up, and must stay above the reminders' budget", () => {
    const { stack: other } = createApp({
      ...QUICK,
      context: {
        ...QUICK.context,
        settings: { SMS_ACCOUNT_SPEND_LIMIT_USD: 150.2, SMS_MONTHLY_BUDGET_USD: 100 },
      },
    });
    expect(other.capabilities.get('reminder')!.smsAccount!.attributes.MonthlySpendLimit).toBe('151');
    expect(() =>
      createApp({
        ...QUICK,
        context: {
          ...QUICK.context,
          settings: { SMS_ACCOUNT_SPEND_LIMIT_USD: 100, SMS_MONTHLY_BUDGET_USD: 100 },
        },
      }),
    ).toThrow(/SMS_ACCOUNT_SPEND_LIMIT_USD \(100\) must be above SMS_MONTHLY_BUDGET_USD/);
  });

  it('SNS assumes the delivery-status role, which may write to the two log groups only', () => {
    const role = resourceOf(smsAccount().deliveryStatusRole);
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      { Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'sns.amazonaws.com' } },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    const groups = [...reminder.logSubscriptions.get(DELIVERY.name)!.snsSmsLogGroups.values()];
    expect(statementsOf(smsAccount().deliveryStatusRole)).toEqual([
      {
        Effect: 'Allow',
        Action: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:PutMetricFilter',
          'logs:PutRetentionPolicy',
        ],
        Resource: groups.map((g) => arnOf(reminder, g)),
      },
    ]);
  });

  it('the provider Lambda has its own role: its logs, SetSMSAttributes, and passing that role to SNS only', () => {
    const role = resourceOf(smsAccount().providerRole);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(statementsOf(smsAccount().providerRole)).toEqual([
      {
        Effect: 'Allow',
        Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        Resource: arnOf(reminder, smsAccount().providerLogs),
      },
      { Effect: 'Allow', Action: 'sns:SetSMSAttributes', Resource: '*' },
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: arnOf(reminder, smsAccount().deliveryStatusRole),
        Condition: { StringEquals: { 'iam:PassedToService': 'sns.amazonaws.com' } },
      },
    ]);
    const [provider] = Object.entries(resources).filter(
      ([id, r]) => r.Type === 'AWS::Lambda::Function' && id.startsWith('AWS679f53fac002430cb0da5b7982bd2287'),
    );
    expect(provider![1].Properties.Role).toEqual(arnOf(reminder, smsAccount().providerRole));
    expect(provider![1].Properties.LoggingConfig).toEqual({
      LogGroup: ref(reminder, smsAccount().providerLogs),
    });
    expect(resourceOf(smsAccount().providerLogs).Properties.RetentionInDays).toBe(90);
  });
});

describe('alarms to the city admins', () => {
  const alarm = (key: string) => resourceOf(reminder.alarms.get(key)!).Properties;
  const cityAdmins = () => ref(stack, stack.topics.city_admins);

  it("SmsBudgetReached: a metric of send-sms's ERROR lines with that message", () => {
    const filters = Object.values(resources).filter((r) => r.Type === 'AWS::Logs::MetricFilter');
    expect(filters.map((f) => f.Properties)).toEqual([
      {
        LogGroupName: ref(reminder, sendSms().logGroup),
        FilterPattern: '{ ($.level = "ERROR") && ($.message = "SmsBudgetReached") }',
        MetricTransformations: [
          { MetricNamespace: 'SehatKota', MetricName: 'SmsBudgetReached', MetricValue: '1' },
        ],
      },
    ]);
  });

  it('the budget alarm goes off on the first such line and tells city_admins', () => {
    const props = alarm('SmsBudgetReached');
    expect(props).toMatchObject({
      Namespace: 'SehatKota',
      MetricName: 'SmsBudgetReached',
      Statistic: 'Sum',
      Threshold: 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold',
      EvaluationPeriods: 1,
      TreatMissingData: 'notBreaching',
    });
    expect(props.AlarmActions.map(fromParent)).toEqual([cityAdmins()]);
  });

  it("a message in the sms queue's dead-letter queue tells city_admins", () => {
    const props = alarm('sms dead letters');
    expect(props).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(reminder, smsQueue().deadLetters), 'QueueName'] },
        },
      ],
      Statistic: 'Maximum',
      Threshold: 0,
      ComparisonOperator: 'GreaterThanThreshold',
      TreatMissingData: 'notBreaching',
    });
    expect(props.AlarmActions.map(fromParent)).toEqual([cityAdmins()]);
  });

  it('CloudWatch alarms of this account may publish to city_admins and supervisors, and use the topics key', () => {
    const fromAlarms = {
      StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
      ArnLike: {
        'aws:SourceArn': {
          'Fn::Join': [
            '',
            [
              'arn:',
              { Ref: 'AWS::Partition' },
              `:cloudwatch:${stack.region}:`,
              { Ref: 'AWS::AccountId' },
              ':alarm:*',
            ],
          ],
        },
      },
    };
    const policies = Object.values(parent.findResources('AWS::SNS::TopicPolicy'));
    for (const topic of ['city_admins', 'supervisors'] as const) {
      const policy = policies.find(
        (p) => JSON.stringify(p.Properties.Topics) === JSON.stringify([ref(stack, stack.topics[topic])]),
      )!;
      expect(policy.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Allow',
            Principal: { Service: 'cloudwatch.amazonaws.com' },
            Action: 'sns:Publish',
            Resource: ref(stack, stack.topics[topic]),
            Condition: fromAlarms,
          }),
        ]),
      );
    }
    const verifiers = policies.find(
      (p) => JSON.stringify(p.Properties.Topics) === JSON.stringify([ref(stack, stack.topics.verifiers)]),
    )!;
    expect(JSON.stringify(verifiers.Properties.PolicyDocument)).not.toContain('cloudwatch');
    const key = parent.toJSON().Resources[logicalId(stack, stack.topicsKey)].Properties.KeyPolicy.Statement;
    expect(key).toEqual(
      expect.arrayContaining([
        {
          Effect: 'Allow',
          Principal: { Service: 'cloudwatch.amazonaws.com' },
          Action: ['kms:GenerateDataKey*', 'kms:Decrypt'],
          Resource: '*',
          Condition: fromAlarms,
        },
      ]),
    );
  });

  it('city_admins is a staff topic like the others: encrypted with the topics key, its ARN an output', () => {
    const topic = parent.toJSON().Resources[logicalId(stack, stack.topics.city_admins)];
    expect(topic.Properties.KmsMasterKeyId).toEqual(arnOf(stack, stack.topicsKey));
    parent.hasOutput('CityAdminsTopicArn', { Value: ref(stack, stack.topics.city_admins) });
  });
});

describe('inbound SMS', () => {
  const topic = () => stack.inboundSmsTopic!;
  const fn = () => reminder.routeFunctions.get('POST /sms/inbound')!;

  it('POST /sms/inbound is public: SNS calls it without a token (it checks the signature itself)', () => {
    expect(INBOUND.roles).toBe('public');
    const route = Object.values(resources).find(
      (r) => r.Type === 'AWS::ApiGatewayV2::Route' && r.Properties.RouteKey === 'POST /sms/inbound',
    )!;
    expect(route.Properties.AuthorizationType).toBe('NONE');
    expect(route.Properties.AuthorizerId).toBeUndefined();
  });

  it('the topic is encrypted with the topics key and refuses requests without TLS', () => {
    const props = parent.toJSON().Resources[logicalId(stack, topic())].Properties;
    expect(props).toMatchObject({
      DisplayName: 'SehatKota inbound SMS',
      KmsMasterKeyId: arnOf(stack, stack.topicsKey),
    });
    const policy = Object.values(parent.findResources('AWS::SNS::TopicPolicy')).find(
      (p) => JSON.stringify(p.Properties.Topics) === JSON.stringify([ref(stack, topic())]),
    )!;
    const statements = policy.Properties.PolicyDocument.Statement as Statement[];
    expect(statements).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    );
    // Two-way SMS (AWS End User Messaging SMS) of this account publishes to it, and uses the key for that.
    const smsVoice = statements.filter((s) => JSON.stringify(s.Principal).includes('sms-voice'));
    expect(smsVoice).toEqual([
      expect.objectContaining({
        Effect: 'Allow',
        Action: 'sns:Publish',
        Resource: ref(stack, topic()),
        Condition: expect.objectContaining({
          StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        }),
      }),
    ]);
    const key = parent.toJSON().Resources[logicalId(stack, stack.topicsKey)].Properties.KeyPolicy
      .Statement as Statement[];
    expect(key.filter((s) => JSON.stringify(s.Principal).includes('sms-voice'))).toEqual([
      expect.objectContaining({ Action: ['kms:GenerateDataKey*', 'kms:Decrypt'] }),
    ]);
  });

  it("delivers over HTTPS to the API's /sms/inbound, subscribed once the route's stack is there", () => {
    const subscriptions = Object.values(parent.findResources('AWS::SNS::Subscription'));
    expect(subscriptions).toHaveLength(1);
    const [subscription] = subscriptions;
    expect(subscription!.Properties).toMatchObject({ Protocol: 'https', TopicArn: ref(stack, topic()) });
    expect(subscription!.Properties.RawMessageDelivery).toBeUndefined();
    const endpoint = JSON.stringify(subscription!.Properties.Endpoint);
    expect(endpoint).toContain(logicalId(stack, stack.api));
    expect(endpoint).toMatch(/\/sms\/inbound"/);
    expect(subscription!.DependsOn).toContain(stack.getLogicalId(reminder.nestedStackResource as CfnElement));
  });

  it('only the route function knows the topic (to check each message came from it)', () => {
    expect(fromParent(envOf(fn())[SMS_INBOUND_TOPIC_ENV])).toEqual(ref(stack, topic()));
    for (const capability of stack.capabilities.values()) {
      const functions = Template.fromStack(capability).findResources('AWS::Lambda::Function');
      const knowing = Object.entries(functions).filter(
        ([, f]) => f.Properties.Environment?.Variables?.[SMS_INBOUND_TOPIC_ENV],
      );
      const expected = capability === reminder ? [logicalId(reminder, fn().function)] : [];
      expect(knowing.map(([id]) => id)).toEqual(expected);
    }
  });

  it('outputs the topic ARN, to set as the origination number’s two-way destination', () => {
    parent.hasOutput('InboundSmsTopicArn', { Value: ref(stack, topic()) });
  });
});

describe("SNS's opt-out list (grants.smsOptOuts)", () => {
  // The contract's flag, as shared/platform/routes.ts is to declare it: given here to two functions.
  const withOptOuts = (grants: Grants, uses: string[]) => ({ ...grants, smsOptOuts: uses }) as Grants;
  let probe: SehatKotaStack;

  beforeAll(() => {
    probe = new SehatKotaStack(new App(QUICK), 'OptOutProbe', {
      routes: ROUTES.map((r) => (r === INBOUND ? { ...r, grants: withOptOuts(r.grants, ['optIn']) } : r)),
      schedules: SCHEDULES.map((s) =>
        s.name === 'sms-opt-outs' ? { ...s, grants: withOptOuts(s.grants, ['list']) } : s,
      ),
    });
  }, 60_000);

  const actions = (fn: AppFunction) => {
    const owner = probe.capabilities.get('reminder')!;
    const roleId = logicalId(owner, fn.role);
    return Object.values(Template.fromStack(owner).toJSON().Resources as Record<string, Resource>)
      .filter(
        (r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`),
      )
      .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[])
      .filter((s) => [s.Action].flat().some((a) => /OptIn|OptedOut/.test(a)));
  };

  it('optIn: OptInPhoneNumber only; list: ListPhoneNumbersOptedOut only (no resource ARN exists)', () => {
    const owner = probe.capabilities.get('reminder')!;
    expect(actions(owner.routeFunctions.get('POST /sms/inbound')!)).toEqual([
      { Effect: 'Allow', Action: 'sns:OptInPhoneNumber', Resource: '*' },
    ]);
    expect(actions(owner.scheduleFunctions.get('sms-opt-outs')!)).toEqual([
      { Effect: 'Allow', Action: 'sns:ListPhoneNumbersOptedOut', Resource: '*' },
    ]);
    expect(actions(owner.queueFunctions.get('sms')!)).toEqual([]);
  });

  it('anything else is refused', () => {
    const route: RouteDef = { ...INBOUND, grants: withOptOuts(INBOUND.grants, ['delete']) };
    expect(() => new SehatKotaStack(new App(QUICK), 'Bad', { routes: [route] })).toThrow(
      /grants\.smsOptOuts: a list of 'list' and 'optIn'/,
    );
  });
});
