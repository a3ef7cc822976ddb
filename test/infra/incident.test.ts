// The 112 call centre's infrastructure against its contracts: the incidents table, the alerts work queue with its
// dead-letter queue and consumer, the ack-timeout timer, the responders' and supervisors' topics and the
// responder's unit on the user — and the wiring the stack refuses to build. Synthesizes the app once, unbundled.

import { App, type CfnElement } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#infra/app.ts';
import type { AppFunction } from '#infra/constructs/app-function.ts';
import type { CapabilityStack } from '#infra/constructs/capability-stack.ts';
import { pascalCase } from '#infra/constructs/capability-stack.ts';
import { capabilityOf, SehatKotaStack } from '#infra/stack.ts';
import { topicEnvVar } from '#shared/platform/notifier.ts';
import { deadLetterEnvVar, QUEUES, type QueueDef, queueEnvVar } from '#shared/platform/queues.ts';
import { ROUTES, type RouteDef, STAFF_TOPICS, type StaffTopic } from '#shared/platform/routes.ts';
import {
  TIMER_DLQ_ENV,
  TIMER_GROUP_ENV,
  TIMER_ROLE_ENV,
  TIMERS,
  type TimerDef,
  type TimerName,
  timerTargetEnvVar,
} from '#shared/platform/timers.ts';
import { arnOf, logicalId, ref } from '../support/cdk.ts';

// biome-ignore lint/suspicious/noExplicitAny: template JSON is untyped; the assertions below are the types.
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json>; DeletionPolicy?: string };
type Statement = { Action: string | string[]; Resource: Json; Condition?: Json; Effect: string };

// Skip bundling and CDK's own template validation: these tests read templates, not code.
const QUICK = { context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false };

const NEW_TOPICS: StaffTopic[] = [
  'supervisors',
  'responders_ambulance',
  'responders_fire',
  'responders_police',
  'responders_rescue',
];

let stack: SehatKotaStack;
let parent: Template;
let incident: CapabilityStack;
let resources: Record<string, Resource>;

beforeAll(() => {
  stack = createApp(QUICK).stack;
  parent = Template.fromStack(stack);
  incident = stack.capabilities.get('incident')!;
  resources = Template.fromStack(incident).toJSON().Resources;
}, 120_000);

/** The IAM statements of a role in the incident stack. */
function statementsOf(role: { node: { defaultChild?: unknown } }): Statement[] {
  const roleId = logicalId(incident, role);
  return Object.values(resources)
    .filter((r) => r.Type === 'AWS::IAM::Policy')
    .filter((r) => JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
}
const withAction = (statements: Statement[], action: string) =>
  statements.filter((s) => [s.Action].flat().includes(action));
const actionsOf = (statements: Statement[]) => new Set(statements.flatMap((s) => [s.Action].flat()));

function functionResource(fn: AppFunction): Resource {
  return resources[logicalId(incident, fn.function)]!;
}
const envOf = (fn: AppFunction) => functionResource(fn).Properties.Environment.Variables;

/** What the parent passes for a parameter of the incident stack (shared resources arrive as parameters). */
function fromParent(value: { Ref: string }): unknown {
  const id = stack.getLogicalId(incident.nestedStackResource as CfnElement);
  return parent.toJSON().Resources[id].Properties.Parameters[value.Ref];
}

const routeFunction = (handler: string) => {
  const route = ROUTES.find((r) => r.handler === handler)!;
  return incident.routeFunctions.get(`${route.method} ${route.path}`)!;
};
const alerts = () => incident.queues.get('alerts')!;
const ackTimeout = () => incident.timers.get('ack-timeout')!;

describe('the incidents table', () => {
  it('has pk/sk, gsi1 and gsi2 (all projected), TTL on expiresAt, PITR, deletion protection and the CMK', () => {
    const table = parent.toJSON().Resources[logicalId(stack, stack.tables.incidents)] as Resource;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      GlobalSecondaryIndexes: [
        {
          IndexName: 'gsi1',
          KeySchema: [
            { AttributeName: 'gsi1pk', KeyType: 'HASH' },
            { AttributeName: 'gsi1sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
        {
          IndexName: 'gsi2',
          KeySchema: [
            { AttributeName: 'gsi2pk', KeyType: 'HASH' },
            { AttributeName: 'gsi2sk', KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      DeletionProtectionEnabled: true,
      SSESpecification: {
        SSEEnabled: true,
        SSEType: 'KMS',
        KMSMasterKeyId: arnOf(stack, stack.tables.incidents.encryptionKey!),
      },
    });
  });
});

describe.each(QUEUES.map((def) => [def.name, def] as const))('the %s queue', (name, def) => {
  it('lives beside its consumer', () => {
    expect(stack.capabilities.get(capabilityOf(def.handler))!.queues.has(name)).toBe(true);
  });

  it('redrives to its dead-letter queue after maxReceiveCount deliveries, and retries after retryAfterSeconds', () => {
    const { queue, deadLetters } = stack.capabilities.get(capabilityOf(def.handler))!.queues.get(name)!;
    const owner = stack.capabilities.get(capabilityOf(def.handler))!;
    const props = Template.fromStack(owner).toJSON().Resources[logicalId(owner, queue)].Properties;
    expect(props.RedrivePolicy).toEqual({
      deadLetterTargetArn: arnOf(owner, deadLetters),
      maxReceiveCount: def.maxReceiveCount,
    });
    expect(props.VisibilityTimeout).toBe(def.retryAfterSeconds);
  });
});

describe('the alerts queue', () => {
  it('sends a message to the dead-letter queue after 5 deliveries', () => {
    const props = resources[logicalId(incident, alerts().queue)]!.Properties;
    expect(props.RedrivePolicy.maxReceiveCount).toBe(5);
  });

  it('keeps dead letters 14 days; neither queue redrives further', () => {
    const props = resources[logicalId(incident, alerts().deadLetters)]!.Properties;
    expect(props.MessageRetentionPeriod).toBe(14 * 24 * 3600);
    expect(props.RedrivePolicy).toBeUndefined();
  });

  it('both queues are encrypted with the queue key, which rotates and is retained', () => {
    const key = arnOf(incident, alerts().key);
    for (const q of [alerts().queue, alerts().deadLetters]) {
      expect(resources[logicalId(incident, q)]!.Properties.KmsMasterKeyId).toEqual(key);
    }
    const keyResource = resources[logicalId(incident, alerts().key)]!;
    expect(keyResource.Properties.EnableKeyRotation).toBe(true);
    expect(keyResource.DeletionPolicy).toBe('Retain');
  });

  it('both queues refuse requests without TLS', () => {
    for (const q of [alerts().queue, alerts().deadLetters]) {
      const policies = Object.values(resources).filter(
        (r) =>
          r.Type === 'AWS::SQS::QueuePolicy' &&
          JSON.stringify(r.Properties.Queues) === JSON.stringify([ref(incident, q)]),
      );
      expect(policies).toHaveLength(1);
      expect(policies[0]!.Properties.PolicyDocument.Statement).toEqual(
        expect.arrayContaining([
          expect.objectContaining({
            Effect: 'Deny',
            Action: 'sqs:*',
            Principal: { AWS: '*' },
            Condition: { Bool: { 'aws:SecureTransport': 'false' } },
            Resource: arnOf(incident, q),
          }),
        ]),
      );
    }
  });

  it('feeds send-alert in batches of 10, which reports the failed records alone', () => {
    const mappings = Object.values(resources).filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping');
    expect(mappings.map((m) => m.Properties)).toEqual([
      {
        EventSourceArn: arnOf(incident, alerts().queue),
        FunctionName: ref(incident, incident.queueFunctions.get('alerts')!.function),
        BatchSize: 10,
        FunctionResponseTypes: ['ReportBatchItemFailures'],
      },
    ]);
    expect(QUEUES.find((q) => q.name === 'alerts')!.handler).toBe('functions/incident/send-alert.ts');
  });
});

describe("the alerts queue's dead letters", () => {
  it('tell the supervisors: an alarm when the dead-letter queue holds a message', () => {
    const alarm = resources[logicalId(incident, incident.alarms.get('alerts dead letters')!)]!.Properties;
    expect(alarm).toMatchObject({
      Namespace: 'AWS/SQS',
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [
        {
          Name: 'QueueName',
          Value: { 'Fn::GetAtt': [logicalId(incident, alerts().deadLetters), 'QueueName'] },
        },
      ],
      ComparisonOperator: 'GreaterThanThreshold',
      Threshold: 0,
      TreatMissingData: 'notBreaching',
    });
    expect(alarm.AlarmActions).toHaveLength(1);
    expect(fromParent(alarm.AlarmActions[0])).toEqual(ref(stack, stack.topics.supervisors));
  });
});

describe('send-alert', () => {
  const sendAlert = () => incident.queueFunctions.get('alerts')!;

  it('runs as its capability, within the queue retry window', () => {
    const fn = functionResource(sendAlert());
    expect(fn.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe('sehatkota-incident');
    expect(fn.Properties.Timeout).toBeLessThanOrEqual(
      resources[logicalId(incident, alerts().queue)]!.Properties.VisibilityTimeout,
    );
  });

  it('may publish to the supervisors and each responders topic, and SMS', () => {
    const publishes = withAction(statementsOf(sendAlert().role), 'sns:Publish').map((s) => s.Resource);
    const topics = publishes.filter((r) => r !== '*').map((r) => fromParent(r));
    expect(topics).toEqual(expect.arrayContaining(NEW_TOPICS.map((t) => ref(stack, stack.topics[t]))));
    expect(topics).toHaveLength(NEW_TOPICS.length);
    // SMS to a phone number has no ARN.
    expect(publishes).toContain('*');
    const env = envOf(sendAlert());
    for (const t of NEW_TOPICS) expect(env[topicEnvVar(t)], t).toBeDefined();
    expect(env.TOPIC_VERIFIERS_ARN).toBeUndefined();
    expect(env.SMS_TYPE).toBe('Transactional');
  });

  it('receives from the alerts queue and sends to no queue, starts no timer', () => {
    const statements = statementsOf(sendAlert().role);
    const actions = actionsOf(statements);
    expect(actions.has('sqs:SendMessage')).toBe(false);
    expect([...actions].filter((a) => a.startsWith('scheduler:') || a === 'iam:PassRole')).toEqual([]);
    for (const s of statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('sqs:')))) {
      expect(s.Resource).toEqual(arnOf(incident, alerts().queue));
    }
    expect(actions.has('sqs:ReceiveMessage')).toBe(true);
    expect(
      Object.keys(envOf(sendAlert())).filter((k) => k.startsWith('QUEUE_') || k.startsWith('TIMER_')),
    ).toEqual([]);
  });
});

describe('report-incident', () => {
  const fn = () => routeFunction('functions/incident/report-incident.ts');

  it('may send to the alerts queue (and its dead-letter queue) only, with the queue key through SQS only', () => {
    const statements = statementsOf(fn().role);
    expect(withAction(statements, 'sqs:SendMessage')).toEqual([
      expect.objectContaining({
        Action: 'sqs:SendMessage',
        Resource: [arnOf(incident, alerts().queue), arnOf(incident, alerts().deadLetters)],
      }),
    ]);
    expect([...actionsOf(statements)].filter((a) => a.startsWith('sqs:'))).toEqual(['sqs:SendMessage']);
    const onQueueKey = statements.filter(
      (s) => JSON.stringify(s.Resource) === JSON.stringify(arnOf(incident, alerts().key)),
    );
    expect(onQueueKey).toEqual([
      expect.objectContaining({
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Condition: { StringEquals: { 'kms:ViaService': `sqs.${stack.region}.amazonaws.com` } },
      }),
    ]);
    expect(envOf(fn())[queueEnvVar('alerts')]).toEqual(ref(incident, alerts().queue));
    expect(envOf(fn())[deadLetterEnvVar('alerts')]).toEqual(ref(incident, alerts().deadLetters));
  });

  it('may create and delete ack-timeout-* schedules in the timer group only', () => {
    const statements = withAction(statementsOf(fn().role), 'scheduler:CreateSchedule');
    expect(statements).toHaveLength(1);
    expect(statements[0]!.Action).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
    const group = ackTimeout().group.scheduleGroupName;
    expect(statements[0]!.Resource).toEqual({
      'Fn::Join': [
        '',
        [
          'arn:',
          { Ref: 'AWS::Partition' },
          `:scheduler:${stack.region}:`,
          { Ref: 'AWS::AccountId' },
          `:schedule/${group}/ack-timeout-*`,
        ],
      ],
    });
    const scheduler = [...actionsOf(statementsOf(fn().role))].filter((a) => a.startsWith('scheduler:'));
    expect(scheduler.sort()).toEqual(['scheduler:CreateSchedule', 'scheduler:DeleteSchedule']);
  });

  it('may pass the timer role, to EventBridge Scheduler only, and no other role', () => {
    expect(withAction(statementsOf(fn().role), 'iam:PassRole')).toEqual([
      {
        Effect: 'Allow',
        Action: 'iam:PassRole',
        Resource: arnOf(incident, ackTimeout().role),
        Condition: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      },
    ]);
  });

  it('knows the timer target, role and group', () => {
    const env = envOf(fn());
    const targetName = functionResource(incident.timerFunctions.get('ack-timeout')!).Properties.FunctionName;
    expect(JSON.stringify(env[timerTargetEnvVar('ack-timeout')])).toContain(`:function:${targetName}"`);
    expect(env[TIMER_ROLE_ENV]).toEqual(arnOf(incident, ackTimeout().role));
    expect(env[TIMER_GROUP_ENV]).toBe(ackTimeout().group.scheduleGroupName);
  });
});

describe.each(TIMERS.map((def) => [def.name, def] as const))('the %s timer', (name, def) => {
  const owner = () => stack.capabilities.get(capabilityOf(def.handler))!;

  it('has its own schedule group', () => {
    const timer = owner().timers.get(name)!;
    const group = Template.fromStack(owner()).toJSON().Resources[logicalId(owner(), timer.group)];
    expect(group.Type).toBe('AWS::Scheduler::ScheduleGroup');
    expect(group.Properties.Name).toBe(timer.group.scheduleGroupName);
  });

  it('its role is assumed by EventBridge Scheduler of this account and may invoke only its target', () => {
    const timer = owner().timers.get(name)!;
    const template = Template.fromStack(owner()).toJSON().Resources;
    const role = template[logicalId(owner(), timer.role)];
    expect(role.Properties.AssumeRolePolicyDocument.Statement).toEqual([
      {
        Action: 'sts:AssumeRole',
        Effect: 'Allow',
        Principal: { Service: 'scheduler.amazonaws.com' },
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      },
    ]);
    expect(role.Properties.ManagedPolicyArns).toBeUndefined();
    expect(role.Properties.Policies).toBeUndefined();
    const target = owner().timerFunctions.get(name)!;
    const statements = statementsOf(timer.role);
    expect(statements.filter((st) => JSON.stringify(st.Action).includes('lambda:'))).toEqual([
      { Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: arnOf(owner(), target.function) },
    ]);
    // Besides invoking, only putting a failed timer on its dead-letter queue (and the queue key's use for it).
    const rest = statements.filter((st) => !JSON.stringify(st.Action).includes('lambda:'));
    expect(rest.flatMap((st) => [st.Action].flat()).sort()).toEqual([
      'kms:Decrypt',
      'kms:GenerateDataKey',
      'sqs:SendMessage',
    ]);
    const sqs = rest.find((st) => [st.Action].flat().includes('sqs:SendMessage'))!;
    expect(sqs.Resource).toEqual(arnOf(owner(), timer.deadLetters));
  });

  it('keeps a timer whose target keeps failing in an encrypted dead-letter queue that every starter names', () => {
    const timer = owner().timers.get(name)!;
    const queue = Template.fromStack(owner()).toJSON().Resources[logicalId(owner(), timer.deadLetters)];
    expect(queue.Properties.KmsMasterKeyId).toBeDefined();
    expect(queue.Properties.MessageRetentionPeriod).toBe(14 * 86_400);
    const starters = [...owner().routeFunctions.values(), ...owner().timerFunctions.values()].filter(
      (fn) => timerTargetEnvVar(name) in envOf(fn),
    );
    expect(starters.length).toBeGreaterThan(1);
    for (const fn of starters) expect(envOf(fn)[TIMER_DLQ_ENV]).toEqual(arnOf(owner(), timer.deadLetters));
  });

  it('its target has a fixed name, so functions (itself included) know its ARN without a cycle', () => {
    const target = owner().timerFunctions.get(name)!;
    const props = functionResource(target).Properties;
    expect(props.FunctionName).toMatch(/^[A-Za-z0-9-]{1,64}$/);
    const starters = [...owner().routeFunctions.values(), ...owner().timerFunctions.values()].filter(
      (fn) => timerTargetEnvVar(name) in envOf(fn),
    );
    expect(starters).toContain(target);
    for (const fn of starters) {
      const arn = JSON.stringify(envOf(fn)[timerTargetEnvVar(name)]);
      expect(arn).toContain(`:function:${props.FunctionName}"`);
      expect(arn).not.toContain('Fn::GetAtt');
    }
  });
});

describe('staff topics of the 112 call centre', () => {
  it.each(NEW_TOPICS)('%s: exists, encrypted with the topics key, its ARN an output', (topic) => {
    const resource = parent.toJSON().Resources[logicalId(stack, stack.topics[topic])] as Resource;
    expect(resource.Type).toBe('AWS::SNS::Topic');
    expect(resource.Properties.KmsMasterKeyId).toEqual(arnOf(stack, stack.topicsKey));
    parent.hasOutput(`${pascalCase(topic)}TopicArn`, {
      Value: ref(stack, stack.topics[topic]),
      Description: Match.stringLikeRegexp('Subscribe'),
    });
  });

  it('every staff topic has an output', () => {
    for (const topic of STAFF_TOPICS) parent.hasOutput(`${pascalCase(topic)}TopicArn`, {});
  });
});

describe('the user pool', () => {
  it("has the mutable custom unit attribute (a responder's unit), which no client can write", () => {
    parent.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        {
          Name: 'unit',
          AttributeDataType: 'String',
          Mutable: true,
          StringAttributeConstraints: { MinLength: '1', MaxLength: '64' },
        },
      ]),
    });
    for (const client of Object.values(parent.findResources('AWS::Cognito::UserPoolClient'))) {
      expect(client.Properties.WriteAttributes).not.toContain('custom:unit');
    }
  });
});

describe('wiring the stack refuses', () => {
  const build = (props: ConstructorParameters<typeof SehatKotaStack>[2]) => () =>
    new SehatKotaStack(new App(QUICK), 'Probe', {
      routes: [],
      eventRules: [],
      schedules: [],
      queues: [],
      timers: [],
      logSubscriptions: [],
      ...props,
    });
  const registryRoute = ROUTES.find((r) => r.handler === 'functions/registry/get-uhc.ts')!;

  it('a queue used from another capability than its consumer', () => {
    const route: RouteDef = { ...registryRoute, grants: { ...registryRoute.grants, queues: ['alerts'] } };
    expect(build({ routes: [route], queues: QUEUES })).toThrow(
      /get-uhc\.ts: granted queue alerts, which lives in the incident capability/,
    );
  });

  it('a timer started from another capability than its handler', () => {
    const route: RouteDef = {
      ...registryRoute,
      grants: { ...registryRoute.grants, timers: ['ack-timeout'] },
    };
    expect(build({ routes: [route], timers: TIMERS, queues: QUEUES })).toThrow(
      /get-uhc\.ts: granted timer ack-timeout, which lives in the incident capability/,
    );
  });

  it('a queue or timer nobody defines', () => {
    const route: RouteDef = { ...registryRoute, grants: { queues: ['alerts'] } };
    expect(build({ routes: [route] })).toThrow(/granted queue alerts, which is not defined/);
  });

  it('two timers on one function (it has one TIMER_ROLE_ARN and one TIMER_GROUP)', () => {
    const other = 'ack-reminder' as TimerName;
    const timers: TimerDef[] = [
      { name: 'ack-timeout', description: 'one', handler: TIMERS[0]!.handler, grants: {} },
      { name: other, description: 'two', handler: 'functions/incident/send-alert.ts', grants: {} },
    ];
    const route = ROUTES.find((r) => r.handler === 'functions/incident/ack-incident.ts')!;
    const both: RouteDef = { ...route, grants: { timers: ['ack-timeout', other] } };
    expect(build({ routes: [both], timers })).toThrow(/may start one timer only/);
  });

  it('a queue that redelivers before its consumer may have finished', () => {
    const def: QueueDef = { ...QUEUES[0]!, grants: {}, retryAfterSeconds: 5, timeoutSeconds: 10 };
    expect(build({ queues: [def] })).toThrow(/retryAfterSeconds \(5\) must be at least/);
  });
});
