// The operations view (infra/constructs/observability.ts) on the app as `cdk synth` builds it: each alarm's metric,
// threshold and action (the operations topic), an errors alarm on every function and an alarm on every dead-letter
// queue of every stack, the dashboard's widgets for the API, the functions, the queues and every business metric of
// shared/platform/metrics.ts, and the functions that emit those metrics running with the `service` the dashboard
// reads. Synthesizes the app once, unbundled.

import type { CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#infra/app.ts';
import { OBSERVABILITY_THRESHOLDS, Observability } from '#infra/constructs/observability.ts';
import type { SehatKotaStack } from '#infra/stack.ts';
import { PRIORITIES } from '#shared/incident/schemas.ts';
import { METRICS, METRICS_NAMESPACE, PRIORITY_VALUES, serviceOf } from '#shared/platform/metrics.ts';
import { logicalId } from '../support/cdk.ts';

// biome-ignore lint/suspicious/noExplicitAny: template JSON is untyped; the assertions below are the types.
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json> };

// Skip bundling and CDK's own template validation: these tests read templates, not code.
const QUICK = { context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false };
/** AwsCustomResource's provider (its logical id is fixed): it runs only while the stack deploys. */
const CUSTOM_RESOURCE_PROVIDER = /^AWS679f53fac002430cb0da5b7982bd2287/;

let stack: SehatKotaStack;
let obs: Observability;
let parent: Record<string, Resource>;
/** Each nested stack's template, by the logical id of its AWS::CloudFormation::Stack resource in the parent. */
const nested = new Map<string, { stack: Stack; template: Json }>();

beforeAll(() => {
  stack = createApp(QUICK).stack;
  // The stack may already build it (infra/stack.ts); otherwise it is added here exactly as the stack would.
  obs =
    stack.node.findAll().find((c): c is Observability => c instanceof Observability) ??
    new Observability(stack, 'Observability', {
      api: stack.api,
      capabilities: stack.capabilities,
      topic: stack.topics.operations,
    });
  parent = Template.fromStack(stack).toJSON().Resources;
  for (const c of stack.capabilities.values()) {
    nested.set(stack.getLogicalId(c.nestedStackResource as CfnElement), {
      stack: c,
      template: Template.fromStack(c).toJSON(),
    });
  }
}, 120_000);

/**
 * Where a value of the parent template points: a nested stack's output becomes `<nested stack id>/<resource id>`
 * (what the output refers to), a resource of the parent its own id.
 */
function target(value: Json): string {
  const getAtt = value?.['Fn::GetAtt'];
  if (getAtt && String(getAtt[1]).startsWith('Outputs.')) {
    const child = nested.get(getAtt[0]);
    const out = child?.template.Outputs?.[String(getAtt[1]).slice('Outputs.'.length)]?.Value;
    if (!child || !out) throw new Error(`no such nested output: ${JSON.stringify(value)}`);
    return `${getAtt[0]}/${out.Ref ?? out['Fn::GetAtt']?.[0]}`;
  }
  if (value?.Ref) return value.Ref;
  if (getAtt) return getAtt[0];
  throw new Error(`not a reference: ${JSON.stringify(value)}`);
}
const nestedId = (c: Stack) => stack.getLogicalId((c as Json).nestedStackResource as CfnElement);

/**
 * Every Lambda function of the app but the custom resource provider (AWS's code, run only while the stack deploys):
 * the parent's by logical id, a nested stack's as `<nested stack id>/<function id>`.
 */
function allFunctions(): string[] {
  const of = (resources: Record<string, Resource>, prefix: string) =>
    Object.entries(resources)
      .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && !CUSTOM_RESOURCE_PROVIDER.test(id))
      .map(([id]) => `${prefix}${id}`);
  return [
    ...of(parent, ''),
    ...[...nested].flatMap(([nid, n]) => of(n.template.Resources, `${nid}/`)),
  ].sort();
}

const alarmsOf = () => Object.values(parent).filter((r) => r.Type === 'AWS::CloudWatch::Alarm');
const propsOf = (alarm: { node: { defaultChild?: unknown } }) => parent[logicalId(stack, alarm)]!.Properties;
const dimension = (props: Json, name: string) =>
  (props.Dimensions as { Name: string; Value: Json }[]).find((d) => d.Name === name)?.Value;
const operations = () => ({ Ref: logicalId(stack, stack.topics.operations) });

describe('every alarm', () => {
  it('tells the operations topic when it goes off and when it clears, and nothing else', () => {
    expect(obs.alarms.length).toBeGreaterThan(0);
    for (const alarm of obs.alarms) {
      const props = propsOf(alarm);
      expect(props.AlarmActions, alarm.node.path).toEqual([operations()]);
      expect(props.OKActions, alarm.node.path).toEqual([operations()]);
      expect(props.AlarmDescription.length, alarm.node.path).toBeGreaterThan(40);
      expect(props.EvaluationPeriods).toBe(1);
      expect(props.ComparisonOperator).toBe('GreaterThanOrEqualToThreshold');
    }
  });

  it('is one of the parent stack: none is left out of the list the dashboard shows', () => {
    const ours = alarmsOf().filter((a) =>
      a.Properties.AlarmActions?.some((x: Json) => x.Ref === operations().Ref),
    );
    expect(ours).toHaveLength(obs.alarms.length);
  });
});

describe('the API 5xx rate', () => {
  it(`alarms at ${OBSERVABILITY_THRESHOLDS.api5xxPercent}% of requests over 5 minutes, from ${OBSERVABILITY_THRESHOLDS.api5xxMinRequests} requests on`, () => {
    const props = propsOf(obs.api5xxRate);
    expect(props.Threshold).toBe(1);
    expect(props.TreatMissingData).toBe('notBreaching');
    const queries = props.Metrics as Json[];
    const expression = queries.find((q) => q.Expression);
    expect(expression).toMatchObject({ ReturnData: true });
    expect(expression.Expression).toBe('IF(requests >= 10, 100 * errors / requests, 0)');
    const stat = (id: string) => queries.find((q) => q.Id === id).MetricStat;
    for (const [id, name] of [
      ['requests', 'Count'],
      ['errors', '5xx'],
    ]) {
      expect(stat(id!)).toMatchObject({
        Metric: { Namespace: 'AWS/ApiGateway', MetricName: name },
        Period: 300,
        Stat: 'Sum',
      });
      expect(target(dimension(stat(id!).Metric, 'ApiId'))).toBe(logicalId(stack, stack.api));
      expect(queries.find((q) => q.Id === id).ReturnData).toBe(false);
    }
  });
});

describe('function errors', () => {
  it("every function of every stack, the parent's too, has an errors alarm of its own: AWS/Lambda Errors, Sum over 5 minutes ≥ 1", () => {
    const functions = allFunctions();
    expect(functions.length).toBeGreaterThan(40);
    const watched = alarmsOf()
      .map((a) => a.Properties)
      .filter((p) => p.Namespace === 'AWS/Lambda' && p.MetricName === 'Errors');
    for (const p of watched) {
      expect(p).toMatchObject({
        Statistic: 'Sum',
        Period: 300,
        Threshold: OBSERVABILITY_THRESHOLDS.functionErrors,
      });
    }
    expect(watched.map((p) => target(dimension(p, 'FunctionName'))).sort()).toEqual(functions);
  });

  it('is kept by handler file, naming it in its description', () => {
    for (const c of stack.capabilities.values()) {
      for (const fn of [
        ...c.routeFunctions.values(),
        ...c.queueFunctions.values(),
        ...c.timerFunctions.values(),
      ]) {
        const alarm = obs.functionErrors.get(fn.handler);
        expect(alarm, fn.handler).toBeDefined();
        expect(propsOf(alarm!).AlarmDescription).toContain(fn.handler);
        expect(target(dimension(propsOf(alarm!), 'FunctionName'))).toBe(
          `${nestedId(c)}/${logicalId(c, fn.function)}`,
        );
      }
    }
  });
});

describe('dead-letter queues', () => {
  /** Every SQS queue of the app, `<nested id>/<queue id>` or the parent's id, less those a function consumes. */
  function unconsumedQueues(): string[] {
    const out: string[] = [];
    for (const [id, r] of Object.entries(parent)) if (r.Type === 'AWS::SQS::Queue') out.push(id);
    for (const [nid, n] of nested) {
      const resources = n.template.Resources as Record<string, Resource>;
      const consumed = new Set(
        Object.values(resources)
          .filter((r) => r.Type === 'AWS::Lambda::EventSourceMapping')
          .map((r) => r.Properties.EventSourceArn['Fn::GetAtt'][0]),
      );
      for (const [qid, r] of Object.entries(resources)) {
        if (r.Type === 'AWS::SQS::Queue' && !consumed.has(qid)) out.push(`${nid}/${qid}`);
      }
    }
    return out.sort();
  }

  it('every queue that no function consumes (a dead-letter queue) has an alarm at one message', () => {
    const queues = unconsumedQueues();
    const watched = alarmsOf()
      .map((a) => a.Properties)
      .filter((p) => p.Namespace === 'AWS/SQS' && p.AlarmActions?.[0]?.Ref === operations().Ref);
    for (const p of watched) {
      expect(p).toMatchObject({
        MetricName: 'ApproximateNumberOfMessagesVisible',
        Statistic: 'Maximum',
        Period: 300,
        Threshold: 1,
        TreatMissingData: 'notBreaching',
      });
    }
    expect(watched.map((p) => target(dimension(p, 'QueueName'))).sort()).toEqual(queues);
  });

  it("includes each work queue's, each one-time timer's and each asynchronously invoked function's", () => {
    const incident = stack.capabilities.get('incident')!;
    const reminder = stack.capabilities.get('reminder')!;
    const of = (name: string) => target(dimension(propsOf(obs.deadLetters.get(name)!), 'QueueName'));
    expect(of('incident alerts queue')).toBe(
      `${nestedId(incident)}/${logicalId(incident, incident.queues.get('alerts')!.deadLetters)}`,
    );
    expect(of('reminder sms queue')).toBe(
      `${nestedId(reminder)}/${logicalId(reminder, reminder.queues.get('sms')!.deadLetters)}`,
    );
    expect(of('incident ack-timeout timer')).toBe(
      `${nestedId(incident)}/${logicalId(incident, incident.timers.get('ack-timeout')!.deadLetters)}`,
    );
    // Event rules, schedules and log subscriptions are invoked asynchronously: Lambda keeps what it failed.
    const asynchronous = [...stack.capabilities.values()].flatMap((c) => [
      ...c.ruleFunctions.values(),
      ...c.scheduleFunctions.values(),
      ...c.logSubscriptionFunctions.values(),
    ]);
    const withQueue = asynchronous.filter((fn) => (fn as { deadLetters?: unknown }).deadLetters);
    expect([...obs.deadLetters.keys()].filter((k) => k.endsWith(' failed events'))).toHaveLength(
      withQueue.length,
    );
  });
});

describe('the SMS budget', () => {
  it(`alarms when the month's reminder spend reaches ${OBSERVABILITY_THRESHOLDS.smsBudgetPercent}% of the budget, and keeps its state between sends`, () => {
    const props = propsOf(obs.smsBudget);
    expect(props).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: 'SmsBudgetUsedPercent',
      Dimensions: [{ Name: 'service', Value: serviceOf('reminder') }],
      Statistic: 'Maximum',
      Period: 300,
      Threshold: 80,
      TreatMissingData: 'ignore',
    });
    expect(METRICS.SmsBudgetUsedPercent).toMatchObject({ unit: 'Percent', capabilities: ['reminder'] });
  });
});

describe('a P1 incident unacknowledged', () => {
  it('alarms on the first P1Unacknowledged within the minute', () => {
    expect(propsOf(obs.p1Unacknowledged)).toMatchObject({
      Namespace: METRICS_NAMESPACE,
      MetricName: 'P1Unacknowledged',
      Dimensions: [{ Name: 'service', Value: serviceOf('incident') }],
      Statistic: 'Sum',
      Period: 60,
      Threshold: 1,
      TreatMissingData: 'notBreaching',
    });
  });
});

describe('the operations topic', () => {
  it('accepts what CloudWatch alarms of this account publish, and its key lets them encrypt', () => {
    const topicPolicy = Object.values(parent).find(
      (r) =>
        r.Type === 'AWS::SNS::TopicPolicy' &&
        r.Properties.Topics.some((t: Json) => t.Ref === operations().Ref),
    );
    expect(topicPolicy, 'the operations topic has a policy').toBeDefined();
    const publish = (topicPolicy!.Properties.PolicyDocument.Statement as Json[]).find(
      (s) => s.Principal?.Service === 'cloudwatch.amazonaws.com',
    );
    expect(publish, 'infra/stack.ts allowAlarms must include the operations topic').toMatchObject({
      Effect: 'Allow',
      Action: 'sns:Publish',
      Resource: operations(),
    });
    const key = parent[logicalId(stack, stack.topicsKey)]!.Properties.KeyPolicy.Statement as Json[];
    expect(key.some((s) => s.Principal?.Service === 'cloudwatch.amazonaws.com')).toBe(true);
  });
});

describe('the dashboard', () => {
  let widgets: Json[];
  /** Each metric line of every widget: [namespace, name, ...dimension pairs] with references as `<target>`. */
  let lines: string[][];

  beforeAll(() => {
    const dashboard = Object.values(parent).find((r) => r.Type === 'AWS::CloudWatch::Dashboard')!;
    const body = dashboard.Properties.DashboardBody;
    const parts: Json[] = body['Fn::Join'] ? body['Fn::Join'][1] : [body];
    // References stand in as `<target>` inside the JSON strings they are joined into.
    const text = parts.map((p) => (typeof p === 'string' ? p : `<${target(p)}>`)).join('');
    widgets = JSON.parse(text).widgets;
    lines = widgets.flatMap((w) =>
      (w.properties?.metrics ?? []).map((m: Json[]) => m.filter((x) => typeof x === 'string')),
    );
  });

  const has = (...want: string[]) => lines.some((l) => want.every((w) => l.includes(w)));

  it("shows the API's requests, 4xx, 5xx, latency and its 5xx rate", () => {
    const api = `<${logicalId(stack, stack.api)}>`;
    for (const name of ['Count', '4xx', '5xx', 'Latency'])
      expect(has('AWS/ApiGateway', name, api), name).toBe(true);
    expect(JSON.stringify(widgets)).toContain('100 * errors / requests');
  });

  it("shows every function's errors and throttles", () => {
    for (const fn of allFunctions()) {
      for (const name of ['Errors', 'Throttles']) expect(has('AWS/Lambda', name, `<${fn}>`), fn).toBe(true);
    }
  });

  it('shows every dead-letter queue', () => {
    for (const alarm of obs.deadLetters.values()) {
      const queue = `<${target(dimension(propsOf(alarm), 'QueueName'))}>`;
      expect(has('AWS/SQS', 'ApproximateNumberOfMessagesVisible', queue), queue).toBe(true);
    }
  });

  it('shows every business metric, from every service that emits it, and by priority where it has one', () => {
    for (const [name, def] of Object.entries(METRICS)) {
      for (const capability of def.capabilities) {
        const priorities = 'dimensions' in def ? def.dimensions.priority : [undefined];
        for (const p of priorities) {
          const want = [
            METRICS_NAMESPACE,
            name,
            'service',
            serviceOf(capability),
            ...(p ? ['priority', p] : []),
          ];
          expect(has(...want), want.join(' ')).toBe(true);
        }
      }
    }
  });

  it("shows every alarm's state", () => {
    const shown = widgets.filter((w) => w.type === 'alarm').flatMap((w) => w.properties.alarms as string[]);
    expect(shown).toHaveLength(obs.alarms.length);
  });
});

describe('the business metrics', () => {
  it('are emitted by functions that run with the `service` their widgets and alarms read (POWERTOOLS_SERVICE_NAME)', () => {
    const capabilities = new Set(Object.values(METRICS).flatMap((d) => d.capabilities));
    for (const capability of capabilities) {
      const c = stack.capabilities.get(capability);
      expect(c, capability).toBeDefined();
      const functions = Object.values(Template.fromStack(c!).findResources('AWS::Lambda::Function')).filter(
        (f) => f.Properties.Environment,
      );
      expect(functions.length).toBeGreaterThan(0);
      for (const f of functions) {
        expect(f.Properties.Environment.Variables.POWERTOOLS_SERVICE_NAME).toBe(serviceOf(capability));
      }
    }
  });

  it('take the priorities incidents have', () => {
    expect([...PRIORITY_VALUES]).toEqual([...PRIORITIES]);
  });
});
