// What the people who run SehatKota watch: one CloudWatch dashboard (the API, every function, every dead-letter
// queue, the business metrics of shared/platform/metrics.ts and the SMS spend), and the alarms that tell the
// operations topic — the API's 5xx rate, any function's errors, any dead-letter queue not empty, the month's SMS
// spend at 80% of its budget, and a P1 incident unacknowledged 2 minutes after it became P1. Built in the parent
// stack from what the capability stacks made, so a function, queue or timer added there is watched without a line
// here. The staff alarms of capability-stack.ts (dead letters to supervisors and city_admins) stay as they are.
import { basename, extname } from 'node:path';
import { Duration, Stack } from 'aws-cdk-lib';
import type { IHttpApi } from 'aws-cdk-lib/aws-apigatewayv2';
import {
  Alarm,
  AlarmStatusWidget,
  ComparisonOperator,
  Dashboard,
  GraphWidget,
  type HorizontalAnnotation,
  type IMetric,
  MathExpression,
  Metric,
  Shading,
  TextWidget,
  TreatMissingData,
} from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { type IQueue, Queue } from 'aws-cdk-lib/aws-sqs';
import { Construct, type IConstruct } from 'constructs';
import {
  METRICS,
  METRICS_NAMESPACE,
  type MetricName,
  PRIORITY_VALUES,
  serviceOf,
} from '#shared/platform/metrics.ts';
import { AppFunction } from './app-function.ts';
import { type CapabilityStack, pascalCase } from './capability-stack.ts';

/** When each alarm goes off. */
export const OBSERVABILITY_THRESHOLDS = {
  /** The API's 5xx replies as a share of its requests, in per cent, over five minutes… */
  api5xxPercent: 1,
  /** …counted only from this many requests on: two failures among the night's five calls are no outage. */
  api5xxMinRequests: 10,
  /** A function's unhandled errors (crashes, timeouts) in five minutes; HTTP 500 replies are the API's alarm. */
  functionErrors: 1,
  /** The month's reminder SMS spend, in per cent of SMS_MONTHLY_BUDGET_USD. */
  smsBudgetPercent: 80,
};

const FIVE_MINUTES = Duration.minutes(5);
const ONE_MINUTE = Duration.minutes(1);

export interface ObservabilityProps {
  /** The HTTP API (its metrics are by ApiId). */
  api: IHttpApi;
  /**
   * The capability stacks by capability (SehatKotaStack.capabilities): their work queues and timers are named by
   * them. Every function and every dead-letter queue of the whole stack is watched, in them or not.
   */
  capabilities: ReadonlyMap<string, CapabilityStack>;
  /** Where every alarm goes (and comes back to OK): the operations staff topic. */
  topic: ITopic;
}

/** A dead-letter queue with a name for people: `<capability> <what>`. */
interface DeadLetterQueue {
  name: string;
  id: string;
  queue: IQueue;
}

/** A function with its capability, for alarm names and the dashboard's sums. */
interface WatchedFunction {
  capability: string;
  fn: AppFunction;
  id: string;
}

export class Observability extends Construct {
  readonly dashboard: Dashboard;
  readonly api5xxRate: Alarm;
  /** One per function, by handler file. */
  readonly functionErrors = new Map<string, Alarm>();
  /** One per dead-letter queue, by `<capability> <what>` ('incident alerts queue', 'incident ack-timeout timer'). */
  readonly deadLetters = new Map<string, Alarm>();
  readonly smsBudget: Alarm;
  readonly p1Unacknowledged: Alarm;
  private readonly action: SnsAction;

  constructor(scope: Construct, id: string, props: ObservabilityProps) {
    super(scope, id);
    this.action = new SnsAction(props.topic);
    const functions = functionsOf(Stack.of(this));
    const queues = deadLetterQueuesOf(props.capabilities, functions, Stack.of(this));

    this.api5xxRate = this.alarm('Api5xxRate', {
      description:
        `The API answered ${OBSERVABILITY_THRESHOLDS.api5xxPercent}% or more of its requests with a 5xx in five ` +
        `minutes (from ${OBSERVABILITY_THRESHOLDS.api5xxMinRequests} requests on): see the functions' error lines ` +
        "(level ERROR, 'unhandled error') and the API's access log by request id",
      metric: api5xxRate(props.api),
      threshold: OBSERVABILITY_THRESHOLDS.api5xxPercent,
    });
    for (const w of functions) {
      this.functionErrors.set(
        w.fn.handler,
        this.alarm(`${w.id}Errors`, {
          description:
            `${w.fn.handler} (${w.capability}) failed: an invocation crashed or timed out. Its log group has the ` +
            'lines, by request_id',
          metric: w.fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' }),
          threshold: OBSERVABILITY_THRESHOLDS.functionErrors,
        }),
      );
    }
    for (const q of queues) {
      this.deadLetters.set(
        q.name,
        this.alarm(`${q.id}DeadLetters`, {
          description:
            `Messages wait in a dead-letter queue (${q.name}): they were never done. Read why (each one ` +
            'carries its reason or its event), mend the cause, then redrive them',
          metric: q.queue.metricApproximateNumberOfMessagesVisible({
            period: FIVE_MINUTES,
            statistic: 'Maximum',
          }),
          threshold: 1,
        }),
      );
    }
    this.smsBudget = this.alarm('SmsBudget', {
      description:
        `Reminder SMS have spent ${OBSERVABILITY_THRESHOLDS.smsBudgetPercent}% or more of the month's budget ` +
        '(SMS_MONTHLY_BUDGET_USD): at 100% reminders stop until next month; raise the budget or let them wait',
      metric: businessMetric('SmsBudgetUsedPercent', 'Maximum', FIVE_MINUTES),
      threshold: OBSERVABILITY_THRESHOLDS.smsBudgetPercent,
      // The spend only moves when an SMS is sent: between sends the alarm keeps its state, so it tells once a
      // month and clears when a new month's first reminder reports a low share.
      missing: TreatMissingData.IGNORE,
    });
    this.p1Unacknowledged = this.alarm('P1Unacknowledged', {
      description:
        'A P1 incident is still unacknowledged 2 minutes after it became P1 (its log line says which): check that ' +
        "units' alert SMS and topic messages go out (send-alert, the alerts dead-letter queue) and that units are " +
        'AVAILABLE',
      metric: businessMetric('P1Unacknowledged', 'Sum', ONE_MINUTE),
      threshold: 1,
    });

    this.dashboard = new Dashboard(this, 'Dashboard', {
      // A shift's worth of the API, the functions and the 112 figures.
      defaultInterval: Duration.hours(6),
    });
    this.dashboard.addWidgets(
      new TextWidget({
        markdown:
          '# SehatKota\nThe API, every function and dead-letter queue, the programme in numbers, and the SMS ' +
          'spend. Alarms tell the operations topic.',
        width: 24,
        height: 2,
      }),
    );
    this.dashboard.addWidgets(...this.apiWidgets(props.api));
    this.dashboard.addWidgets(...functionWidgets(functions));
    this.dashboard.addWidgets(deadLetterWidget(queues));
    this.dashboard.addWidgets(...businessWidgets());
    this.dashboard.addWidgets(...this.smsWidgets());
    this.dashboard.addWidgets(...this.alarmWidgets());
  }

  /** Every alarm this construct made. */
  get alarms(): Alarm[] {
    return [
      this.api5xxRate,
      this.smsBudget,
      this.p1Unacknowledged,
      ...this.deadLetters.values(),
      ...this.functionErrors.values(),
    ];
  }

  /** An alarm at or above `threshold`, judged on one period, telling the operations topic when it starts and ends. */
  private alarm(
    id: string,
    p: { description: string; metric: IMetric; threshold: number; missing?: TreatMissingData },
  ): Alarm {
    const alarm = new Alarm(this, id, {
      alarmDescription: p.description,
      metric: p.metric,
      threshold: p.threshold,
      comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: p.missing ?? TreatMissingData.NOT_BREACHING,
    });
    alarm.addAlarmAction(this.action);
    // The all-clear too, so whoever answered the first message knows it is over.
    alarm.addOkAction(this.action);
    return alarm;
  }

  private apiWidgets(api: IHttpApi): GraphWidget[] {
    const sum = { period: FIVE_MINUTES, statistic: 'Sum' };
    return [
      new GraphWidget({
        title: 'API requests, 4xx and 5xx',
        left: [
          api.metricCount({ ...sum, label: 'requests' }),
          api.metricClientError({ ...sum, label: '4xx' }),
          api.metricServerError({ ...sum, label: '5xx' }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: 'API 5xx rate (%)',
        left: [this.api5xxRate.metric],
        leftAnnotations: [this.api5xxRate.toAnnotation()],
        width: 8,
      }),
      new GraphWidget({
        title: 'API latency (ms)',
        left: ['p50', 'p90', 'p99'].map((statistic) =>
          api.metricLatency({ period: FIVE_MINUTES, statistic, label: statistic }),
        ),
        width: 8,
      }),
    ];
  }

  private smsWidgets(): GraphWidget[] {
    return [
      new GraphWidget({
        title: 'Reminder SMS: sent, delivered, failed',
        left: (['SmsSent', 'SmsDelivered', 'SmsFailed'] as const).map((name) =>
          businessMetric(name, 'Sum', Duration.hours(1)),
        ),
        width: 8,
      }),
      new GraphWidget({
        title: 'Reminder SMS spend (USD per hour)',
        left: [
          new MathExpression({
            expression: 'cost / 1000000',
            usingMetrics: { cost: businessMetric('SmsCostMicroUsd', 'Sum', Duration.hours(1)) },
            label: 'USD',
            period: Duration.hours(1),
          }),
        ],
        width: 8,
      }),
      new GraphWidget({
        title: "The month's SMS budget used (%)",
        left: [this.smsBudget.metric],
        leftAnnotations: [this.smsBudget.toAnnotation()],
        leftYAxis: { min: 0, max: 100 },
        width: 8,
      }),
    ];
  }

  /** Every alarm's state, the API's and the business ones first; a widget shows 100 alarms at most. */
  private alarmWidgets(): AlarmStatusWidget[] {
    const all = this.alarms;
    const widgets: AlarmStatusWidget[] = [];
    for (let i = 0; i < all.length; i += 100) {
      widgets.push(
        new AlarmStatusWidget({
          title: i === 0 ? 'Alarms' : `Alarms (${i + 1}–)`,
          alarms: all.slice(i, i + 100),
          width: 24,
          height: 6,
        }),
      );
    }
    return widgets;
  }
}

/** The constructs of the stack and its nested stacks (not of a stack beside it, in another region). */
function within(stack: Stack): IConstruct[] {
  const home = (c: IConstruct): boolean => {
    for (let s: Stack | undefined = Stack.of(c); s; s = s.nestedStackParent) if (s === stack) return true;
    return false;
  };
  return stack.node.findAll().filter(home);
}

/**
 * Every function of the stack, whatever built it: a capability's route, rule, schedule, queue, timer or log
 * subscription, or one of the stack's own (the Cognito trigger). Its capability is its handler's folder.
 */
function functionsOf(stack: Stack): WatchedFunction[] {
  return within(stack)
    .filter((c): c is AppFunction => c instanceof AppFunction)
    .map((fn) => {
      const capability = /^functions\/([^/]+)\//.exec(fn.handler)?.[1] ?? 'platform';
      const id = `${pascalCase(capability)}${pascalCase(basename(fn.handler, extname(fn.handler)))}`;
      return { capability, fn, id };
    });
}

/**
 * Every dead-letter queue: each work queue's, each timer's, each asynchronously invoked function's (event rules,
 * schedules, log subscriptions: where Lambda puts an event it failed after its retries), and any other queue of the
 * stack that nothing consumes (a subscription's, say) — a queue here is consumed by a function or holds failures.
 */
function deadLetterQueuesOf(
  capabilities: ReadonlyMap<string, CapabilityStack>,
  functions: WatchedFunction[],
  stack: Stack,
): DeadLetterQueue[] {
  const seen = new Set<IQueue>();
  const out: DeadLetterQueue[] = [];
  const add = (capability: string, what: string, queue: IQueue | undefined) => {
    if (!queue || seen.has(queue)) return;
    seen.add(queue);
    out.push({ name: `${capability} ${what}`, id: pascalCase(`${capability} ${what}`), queue });
  };
  for (const [capability, c] of capabilities) {
    for (const [name, q] of c.queues) add(capability, `${name} queue`, q.deadLetters);
    for (const [name, t] of c.timers) add(capability, `${name} timer`, t.deadLetters);
  }
  for (const { capability, fn } of functions) {
    // Read as an optional property: only functions invoked asynchronously have one.
    const failed = (fn as AppFunction & { deadLetters?: IQueue }).deadLetters;
    add(capability, `${basename(fn.handler, extname(fn.handler))} failed events`, failed);
  }
  const consumed = new Set<IQueue>(
    [...capabilities.values()].flatMap((c) => [...c.queues.values()].map((q) => q.queue)),
  );
  for (const queue of within(stack).filter((c): c is Queue => c instanceof Queue)) {
    if (consumed.has(queue) || seen.has(queue)) continue;
    seen.add(queue);
    const path = queue.node.path.split('/').slice(1).join(' ');
    out.push({ name: path, id: pascalCase(path), queue });
  }
  return out;
}

/** The API's 5xx replies as a share (%) of its requests, zero below the minimum count of requests. */
function api5xxRate(api: IHttpApi): MathExpression {
  const sum = { period: FIVE_MINUTES, statistic: 'Sum' };
  return new MathExpression({
    expression: `IF(requests >= ${OBSERVABILITY_THRESHOLDS.api5xxMinRequests}, 100 * errors / requests, 0)`,
    usingMetrics: { requests: api.metricCount(sum), errors: api.metricServerError(sum) },
    label: '5xx (% of requests)',
    period: FIVE_MINUTES,
  });
}

/**
 * One business metric as CloudWatch has it: namespace SehatKota, by the `service` of each capability that emits
 * it (summed when several do), and by `priority` when given.
 */
export function businessMetric(
  name: MetricName,
  statistic: string,
  period: Duration,
  priority?: (typeof PRIORITY_VALUES)[number],
): IMetric {
  const def = METRICS[name];
  const one = (capability: string) =>
    new Metric({
      namespace: METRICS_NAMESPACE,
      metricName: name,
      dimensionsMap: { service: serviceOf(capability), ...(priority ? { priority } : {}) },
      statistic,
      period,
      // A label only where lines would look alike: an alarm on a labelled metric is rendered as metric math.
      ...(priority ? { label: `${name} ${priority}` } : {}),
    });
  if (def.capabilities.length === 1) return one(def.capabilities[0]!);
  const using = Object.fromEntries(def.capabilities.map((c, i) => [`${name.toLowerCase()}${i}`, one(c)]));
  return new MathExpression({
    // A capability that emitted nothing in a period counts as zero rather than blanking the sum.
    expression: Object.keys(using)
      .map((k) => `FILL(${k}, 0)`)
      .join(' + '),
    usingMetrics: using,
    label: name,
    period,
  });
}

/** Errors and throttles, summed per capability (the alarms name the function). */
function functionWidgets(functions: WatchedFunction[]): GraphWidget[] {
  const byCapability = new Map<string, WatchedFunction[]>();
  for (const w of functions) byCapability.set(w.capability, [...(byCapability.get(w.capability) ?? []), w]);
  const sums = (kind: 'errors' | 'throttles') =>
    [...byCapability].map(([capability, ws]) => {
      const using = Object.fromEntries(
        ws.map((w, i) => [
          `${kind[0]}${capability.replace(/\W/g, '')}${i}`,
          kind === 'errors'
            ? w.fn.function.metricErrors({ period: FIVE_MINUTES, statistic: 'Sum' })
            : w.fn.function.metricThrottles({ period: FIVE_MINUTES, statistic: 'Sum' }),
        ]),
      );
      return new MathExpression({
        expression: `SUM([${Object.keys(using).join(', ')}])`,
        usingMetrics: using,
        label: `${capability} (${ws.length} functions)`,
        period: FIVE_MINUTES,
      });
    });
  return [
    new GraphWidget({ title: 'Function errors, by capability', left: sums('errors'), width: 12 }),
    new GraphWidget({ title: 'Function throttles, by capability', left: sums('throttles'), width: 12 }),
  ];
}

function deadLetterWidget(queues: DeadLetterQueue[]): GraphWidget {
  return new GraphWidget({
    title: 'Dead-letter queues: messages waiting (anything above 0 alarms)',
    left: queues.map((q) =>
      q.queue.metricApproximateNumberOfMessagesVisible({
        period: FIVE_MINUTES,
        statistic: 'Maximum',
        label: q.name,
      }),
    ),
    leftAnnotations: [{ value: 1, label: 'alarm', fill: Shading.ABOVE } satisfies HorizontalAnnotation],
    width: 24,
  });
}

/** The programme in numbers: letters and coverage, 112 incidents by priority and their response times. */
function businessWidgets(): GraphWidget[] {
  const hour = Duration.hours(1);
  const latency = (name: 'ReportToDispatchMs' | 'DispatchToAckMs') =>
    PRIORITY_VALUES.flatMap((priority) =>
      ['p50', 'p90'].map((statistic) => {
        const m = businessMetric(name, statistic, FIVE_MINUTES, priority) as Metric;
        return m.with({ label: `${priority} ${statistic}` });
      }),
    );
  return [
    new GraphWidget({
      title: 'Letters issued and coverage activated',
      left: [
        businessMetric('AttestationIssued', 'Sum', hour),
        businessMetric('CoverageActivated', 'Sum', hour),
      ],
      width: 8,
    }),
    new GraphWidget({
      title: '112 incidents reported, by priority',
      left: PRIORITY_VALUES.map((p) => businessMetric('IncidentReported', 'Sum', hour, p)),
      right: [businessMetric('P1Unacknowledged', 'Sum', hour)],
      width: 8,
    }),
    new GraphWidget({
      title: 'Report → dispatch (ms)',
      left: latency('ReportToDispatchMs'),
      width: 8,
    }),
    new GraphWidget({
      title: 'Dispatch → acknowledgement (ms)',
      left: latency('DispatchToAckMs'),
      width: 8,
    }),
  ];
}
