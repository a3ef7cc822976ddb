// One capability's functions, HTTP routes, event rules, schedules, work queues, timers and log subscriptions
// (capability = the folder in functions/<capability>/), in a nested stack of its own so each stays far below
// CloudFormation's 500-resource limit as routes are added. A queue or timer lives with its handler; whoever uses it
// must live there too. The alarms on its functions and queues live here as well.
import { basename, extname } from 'node:path';
import {
  ArnFormat,
  CfnParameter,
  Duration,
  NestedStack,
  RemovalPolicy,
  Stack,
  Validations,
} from 'aws-cdk-lib';
import {
  HttpMethod,
  HttpNoneAuthorizer,
  HttpRoute,
  HttpRouteKey,
  type IHttpApi,
} from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpLambdaIntegration } from 'aws-cdk-lib/aws-apigatewayv2-integrations';
import { Alarm, ComparisonOperator, TreatMissingData } from 'aws-cdk-lib/aws-cloudwatch';
import { SnsAction } from 'aws-cdk-lib/aws-cloudwatch-actions';
import type { IUserPool } from 'aws-cdk-lib/aws-cognito';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import { type EventPattern, type IEventBus, Rule } from 'aws-cdk-lib/aws-events';
import { LambdaFunction } from 'aws-cdk-lib/aws-events-targets';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { FilterPattern, MetricFilter } from 'aws-cdk-lib/aws-logs';
import { Bucket, type IBucket } from 'aws-cdk-lib/aws-s3';
import { CfnSchedule } from 'aws-cdk-lib/aws-scheduler';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { CityRegions } from '#shared/city/regions.ts';
import type { EventRuleDef } from '#shared/platform/event-rules.ts';
import type { LogSubscriptionDef } from '#shared/platform/log-subscriptions.ts';
import { topicEnvVar } from '#shared/platform/notifier.ts';
import type { BucketName } from '#shared/platform/object-store.ts';
import { deadLetterEnvVar, type QueueDef, type QueueName, queueEnvVar } from '#shared/platform/queues.ts';
import { type Grants, type RouteDef, routeKey, type StaffTopic } from '#shared/platform/routes.ts';
import type { ScheduleDef } from '#shared/platform/schedules.ts';
import { TABLES, type TableName } from '#shared/platform/tables.ts';
import { TIMER_GROUP_ENV, TIMER_ROLE_ENV, type TimerDef, type TimerName } from '#shared/platform/timers.ts';
import {
  AppFunction,
  DEFAULT_TIMEOUT_SECONDS,
  type Invocation,
  type SmsOptOutAction,
  type TableAccess,
} from './app-function.ts';
import { LogSubscription } from './log-subscription.ts';
import { OneTimeTimer } from './one-time-timer.ts';
import { SmsAccountSettings } from './sms-account.ts';
import { WorkQueue } from './work-queue.ts';

/** Where import uploads land in the imports bucket; the handlers write `imports/<jobId>.csv`. */
export const IMPORTS_PREFIX = 'imports/';
/** Where receipts land in the receipts bucket: `receipts/<rt>/<year>/<entryId>.<ext>`. */
export const RECEIPTS_PREFIX = 'receipts/';

/** The upload buckets, each with the parameter that brings its name in, its env var and its key prefix. */
const BUCKETS: Record<BucketName, { parameter: string; envVar: string; prefix: string }> = {
  imports: { parameter: 'ImportsBucketName', envVar: 'IMPORTS_BUCKET', prefix: IMPORTS_PREFIX },
  receipts: { parameter: 'ReceiptsBucketName', envVar: 'RECEIPTS_BUCKET', prefix: RECEIPTS_PREFIX },
};

/** The parent stack's pieces a capability's functions may be granted. */
export interface SharedResources {
  api: IHttpApi;
  bus: IEventBus;
  /** The upload buckets, with the customer-managed key each is encrypted with. */
  buckets: Record<BucketName, IBucket>;
  tables: Record<TableName, ITable>;
  /** The key every log group is encrypted with. */
  logsKey: IKey;
  /** Staff topics (e-mail/HTTPS subscribers), by name. */
  topics: Record<StaffTopic, ITopic>;
  /** The key the staff topics are encrypted with. */
  topicsKey: IKey;
  /** The KMS HMAC key verification codes are derived with. */
  verifyMacKey: IKey;
  cursorKey: IKey;
  /** The staff user pool, for the functions that manage its accounts. */
  userPool: IUserPool;
  /** The configured city's regions, bundled into every function. */
  city: CityRegions;
  /** Runtime settings (shared/platform/config.ts) every function gets. */
  settings: Record<string, string>;
  /** Extra environment for particular handlers (the web form's sign-in settings), by handler file. */
  handlerEnvironment?: Record<string, Record<string, string>>;
  /**
   * The address people reach the API at (the CloudFront distribution with the web ACL, or the city's domain): links
   * in SMS and the QR codes on letters point there (PUBLIC_BASE_URL), never at what a request's Host header says.
   */
  publicBaseUrl: string;
}

/** An alarm on one message a function logs at ERROR (its handler file), told to a staff topic. */
export interface LogAlarmDef {
  handler: string;
  /** The log line's `message`, exactly (the logger's JSON). */
  message: string;
  topic: StaffTopic;
  description: string;
}

/** Who is told when something needs a person: a queue's dead letters, a function's error lines. */
export interface AlarmDefs {
  /** A message in the queue's dead-letter queue tells this topic. */
  deadLetters?: Partial<Record<QueueName, StaffTopic>>;
  logs?: readonly LogAlarmDef[];
}

/** The CloudWatch metrics the stack's log alarms count, under this namespace. */
export const METRIC_NAMESPACE = 'SehatKota';

export interface CapabilityStackProps {
  capability: string;
  routes: readonly RouteDef[];
  eventRules: readonly EventRuleDef[];
  schedules: readonly ScheduleDef[];
  /** The queues whose consumer is in this capability; their producers must be in it too. */
  queues?: readonly QueueDef[];
  /** The timers whose handler is in this capability; whoever starts them must be in it too. */
  timers?: readonly TimerDef[];
  /** The log subscriptions whose handler is in this capability. */
  logSubscriptions?: readonly LogSubscriptionDef[];
  /** Alarms; those on queues and handlers of other capabilities are left to their stacks. */
  alarms?: AlarmDefs;
  shared: SharedResources;
}

type Def = RouteDef | EventRuleDef | ScheduleDef | QueueDef | TimerDef | LogSubscriptionDef;

export class CapabilityStack extends NestedStack {
  /** Each route's function by route key ('GET /residents/{nik}'), each event rule's by rule name. */
  readonly routeFunctions = new Map<string, AppFunction>();
  readonly ruleFunctions = new Map<string, AppFunction>();
  readonly scheduleFunctions = new Map<string, AppFunction>();
  /** Each queue's consumer and each timer's target, by queue or timer name. */
  readonly queueFunctions = new Map<QueueName, AppFunction>();
  readonly timerFunctions = new Map<TimerName, AppFunction>();
  /** Each log subscription's function and its subscription (log groups and filters), by subscription name. */
  readonly logSubscriptionFunctions = new Map<string, AppFunction>();
  readonly logSubscriptions = new Map<string, LogSubscription>();
  readonly queues = new Map<QueueName, WorkQueue>();
  readonly timers = new Map<TimerName, OneTimeTimer>();
  /** The account's SMS settings, made by the stack that reads SNS's SMS delivery-status logs. */
  readonly smsAccount?: SmsAccountSettings;
  /** The alarms, by the queue (`<queue> dead letters`) or log message they watch. */
  readonly alarms = new Map<string, Alarm>();
  /**
   * The key of the dead-letter queues of the asynchronously invoked functions (event rules, schedules, log
   * subscriptions), made with the first of them.
   */
  failedEventsKey?: Key;
  private readonly shared: SharedResources;
  /** Whether the failed-events key already lets EventBridge put undeliverable events on its queues. */
  private eventBridgeMayUseKey = false;
  /** The upload buckets this capability uses, imported by name. */
  private readonly buckets: Partial<Record<BucketName, IBucket>> = {};

  constructor(scope: Construct, id: string, props: CapabilityStackProps) {
    const queues = props.queues ?? [];
    const timers = props.timers ?? [];
    const logSubscriptions = props.logSubscriptions ?? [];
    const defs: Def[] = [
      ...props.routes,
      ...props.eventRules,
      ...props.schedules,
      ...queues,
      ...timers,
      ...logSubscriptions,
    ];
    const used = (Object.keys(BUCKETS) as BucketName[]).filter((b) =>
      defs.some((def) => def.grants[b] || ('bucket' in def && def.bucket === b)),
    );
    super(scope, id, {
      description: `SehatKota ${props.capability}: functions, routes, event rules, queues, timers and alarms`,
      // By name rather than as a cross-stack token, so the template (and cdk-nag's finding) names it plainly.
      parameters: used.length
        ? Object.fromEntries(used.map((b) => [BUCKETS[b].parameter, props.shared.buckets[b].bucketName]))
        : undefined,
    });
    this.shared = props.shared;
    for (const b of used) {
      const name = new CfnParameter(this, BUCKETS[b].parameter, { type: 'String' });
      // With its key, so the functions that presign for it get the key's one action the object action needs.
      this.buckets[b] = Bucket.fromBucketAttributes(this, `${pascalCase(b)}Bucket`, {
        bucketName: name.valueAsString,
        encryptionKey: props.shared.buckets[b].encryptionKey,
      });
    }
    const service = {
      POWERTOOLS_SERVICE_NAME: `sehatkota-${props.capability}`,
      POWERTOOLS_LOG_LEVEL: 'INFO',
    };
    const environment = {
      ...service,
      ...props.shared.settings,
      PUBLIC_BASE_URL: props.shared.publicBaseUrl,
    };
    const envFor = (handler: string) => ({ ...environment, ...props.shared.handlerEnvironment?.[handler] });
    const ids = new Set<string>();
    const idOf = (handler: string) => {
      const id = pascalCase(basename(handler, extname(handler)));
      if (ids.has(id)) {
        throw new Error(
          `${handler}: one handler file per route, event rule, schedule, queue or timer (${id} is taken)`,
        );
      }
      ids.add(id);
      return id;
    };
    const fnProps = (def: Def, invocation: Invocation, description: string) => ({
      ...runtimeOf(def),
      description,
      invocation,
      logsKey: props.shared.logsKey,
      environment: envFor(def.handler),
      city: props.shared.city,
    });

    // Queues and timers first: the functions below may be granted them. A timer's target may start timers
    // itself, so it is bound once every timer exists.
    for (const def of queues) {
      // Lambda refuses an SQS source whose visibility timeout is shorter than the function's timeout.
      const timeoutSeconds = def.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS;
      if (def.retryAfterSeconds < timeoutSeconds) {
        throw new Error(
          `queue ${def.name}: retryAfterSeconds (${def.retryAfterSeconds}) must be at least its consumer's ` +
            `timeout (${timeoutSeconds} s)`,
        );
      }
      this.queues.set(def.name, new WorkQueue(this, `${pascalCase(def.name)}Queue`, def));
    }
    for (const def of timers) {
      // EventBridge Scheduler invokes a timer's target asynchronously; the timer's dead-letter queue takes what fails.
      const fn = new AppFunction(this, idOf(def.handler), {
        ...fnProps(def, 'event', def.description),
        named: true,
      });
      this.timers.set(def.name, new OneTimeTimer(this, `${pascalCase(def.name)}Timer`, def, fn));
      this.timerFunctions.set(def.name, fn);
    }
    for (const def of timers) this.bind(this.timerFunctions.get(def.name)!, def.grants, def.handler);

    for (const route of props.routes) {
      const key = routeKey(route);
      const id = idOf(route.handler);
      const fn = new AppFunction(this, id, {
        ...fnProps(route, 'request', key),
        ...(route.grants.assets ? { assets: route.grants.assets } : {}),
      });
      this.bind(fn, route.grants, route.handler);
      const httpRoute = new HttpRoute(this, `${id}Route`, {
        httpApi: props.shared.api,
        routeKey: HttpRouteKey.with(route.path, HttpMethod[route.method]),
        integration: new HttpLambdaIntegration(`${id}Integration`, fn.function),
        // Every other route keeps the API's default JWT authorizer; roles are checked in the handler.
        ...(route.roles === 'public' ? { authorizer: new HttpNoneAuthorizer() } : {}),
      });
      if (route.roles === 'public') {
        Validations.of(httpRoute).acknowledge({
          id: 'AwsSolutions-APIG4',
          reason: `${key} is declared public in shared/platform/routes.ts: it serves callers without an account.`,
        });
      }
      this.routeFunctions.set(key, fn);
    }

    for (const rule of props.eventRules) {
      const id = idOf(rule.handler);
      const fn = new AppFunction(this, id, fnProps(rule, 'event', rule.description));
      this.bind(fn, rule.grants, rule.handler);
      const failed = this.failedEvents(id, fn);
      this.allowEventBridge(failed);
      new Rule(this, `${id}Rule`, {
        description: rule.description,
        eventBus: rule.bus === 'app' ? props.shared.bus : undefined,
        eventPattern: this.eventPattern(rule),
        // An event EventBridge cannot hand to Lambda (throttled past its 24 hours of retries, or refused) lands in
        // the same queue as one the function failed three times: either way, an event nobody handled.
        targets: [new LambdaFunction(fn.function, { deadLetterQueue: failed })],
      });
      this.ruleFunctions.set(rule.name, fn);
    }

    for (const def of props.schedules) {
      const id = idOf(def.handler);
      const fn = new AppFunction(this, id, fnProps(def, 'event', def.description));
      this.bind(fn, def.grants, def.handler);
      const failed = this.failedEvents(id, fn);
      // Its own role, allowed to invoke this function and no version or alias of it (nothing is published), and
      // to put a run it could not start on the function's dead-letter queue.
      const role = new Role(this, `${id}SchedulerRole`, {
        assumedBy: new ServicePrincipal('scheduler.amazonaws.com', {
          conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
        }),
      });
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [fn.function.functionArn] }),
      );
      role.addToPrincipalPolicy(
        new PolicyStatement({ actions: ['sqs:SendMessage'], resources: [failed.queueArn] }),
      );
      role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [this.failedEventsKey!.keyArn],
        }),
      );
      Validations.of(role).acknowledge({
        id: 'HIPAA.Security-IAMNoInlinePolicy',
        reason:
          `The inline policy is this one schedule's least privilege: invoke ${def.handler} and put a run it could ` +
          'not start on that function’s dead-letter queue; no other role would share it.',
      });
      new CfnSchedule(this, `${id}Schedule`, {
        description: def.description,
        // The city's clock: cron fields are WIB, whatever UTC says.
        scheduleExpression: `cron(${def.cronWib})`,
        scheduleExpressionTimezone: 'Asia/Jakarta',
        flexibleTimeWindow: { mode: 'OFF' },
        target: {
          arn: fn.function.functionArn,
          roleArn: role.roleArn,
          input: JSON.stringify({ job: def.name }),
          retryPolicy: { maximumRetryAttempts: 2, maximumEventAgeInSeconds: 3600 },
          deadLetterConfig: { arn: failed.queueArn },
        },
      });
      this.scheduleFunctions.set(def.name, fn);
    }

    for (const def of queues) {
      const concurrency = def.concurrencySetting
        ? Number(props.shared.settings[def.concurrencySetting])
        : undefined;
      const fn = new AppFunction(this, idOf(def.handler), {
        ...fnProps(def, 'queue', def.description),
        ...(concurrency ? { reservedConcurrency: concurrency } : {}),
      });
      this.bind(fn, def.grants, def.handler);
      this.queues.get(def.name)!.consumeWith(fn, concurrency);
      this.queueFunctions.set(def.name, fn);
    }

    const smsLogGroups = new Map<string, string>();
    for (const def of logSubscriptions) {
      for (const group of def.snsSmsLogGroups) {
        const taken = smsLogGroups.get(group);
        if (taken) {
          throw new Error(`${def.handler}: log group ${group} is subscribed by ${taken} already (one each)`);
        }
        smsLogGroups.set(group, def.handler);
      }
      const id = idOf(def.handler);
      // CloudWatch Logs invokes the function asynchronously: records it fails on three times are dead-lettered.
      const fn = new AppFunction(this, id, fnProps(def, 'event', def.description));
      this.bind(fn, def.grants, def.handler);
      this.failedEvents(id, fn);
      this.logSubscriptions.set(
        def.name,
        new LogSubscription(this, `${id}Subscription`, def, fn, props.shared.logsKey),
      );
      this.logSubscriptionFunctions.set(def.name, fn);
    }
    // SNS writes SMS delivery records only once the account's SMS attributes name a role for it.
    const deliveryLogGroups = [...this.logSubscriptions.values()].flatMap((s) => [
      ...s.snsSmsLogGroups.values(),
    ]);
    if (deliveryLogGroups.length) {
      // The account's limit covers every SMS; it stays above the reminders' budget, so that reminders spending
      // theirs never leaves the 112 alerts without.
      const accountLimit = Number(props.shared.settings.SMS_ACCOUNT_SPEND_LIMIT_USD);
      const reminderBudget = Number(props.shared.settings.SMS_MONTHLY_BUDGET_USD);
      if (!(accountLimit > reminderBudget)) {
        throw new Error(
          `settings: SMS_ACCOUNT_SPEND_LIMIT_USD (${accountLimit}) must be above SMS_MONTHLY_BUDGET_USD ` +
            `(${reminderBudget}): the account's limit covers 112 alerts too`,
        );
      }
      this.smsAccount = new SmsAccountSettings(this, 'SmsAccount', {
        deliveryLogGroups,
        monthlySpendLimitUsd: accountLimit,
        logsKey: props.shared.logsKey,
      });
    }

    this.addAlarms(props.alarms ?? {}, [...defs]);
  }

  /**
   * The dead-letter queue of an asynchronously invoked function: the events it failed on (after Lambda's two
   * retries) or that never reached it, kept 14 days with their error, encrypted with the capability's key.
   */
  private failedEvents(id: string, fn: AppFunction): Queue {
    this.failedEventsKey ??= new Key(this, 'FailedEventsKey', {
      description: `Encrypts the dead-letter queues of the SehatKota ${this.node.id} functions invoked by events`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const queue = new Queue(this, `${id}FailedEvents`, {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.failedEventsKey,
      enforceSSL: true,
      // SQS's longest: time to find out why, fix it, and send the events again.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: `This is the dead-letter queue of ${fn.handler}'s failed events; its messages are kept, not consumed.`,
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason: `This is the dead-letter queue of ${fn.handler}'s failed events: the end of the line, it redrives nowhere.`,
      },
    );
    fn.deadLetterFailedEvents(queue);
    return queue;
  }

  /**
   * EventBridge puts an event it could not deliver on the rule's dead-letter queue itself: it needs the queue key
   * for that (the queue's own policy names the rule). Rules of this account only.
   */
  private allowEventBridge(queue: Queue): void {
    if (this.eventBridgeMayUseKey) return;
    this.eventBridgeMayUseKey = true;
    queue.encryptionMasterKey!.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('events.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: {
          StringEquals: { 'aws:SourceAccount': Stack.of(this).account },
          ArnLike: {
            'aws:SourceArn': Stack.of(this).formatArn({
              service: 'events',
              resource: 'rule',
              resourceName: '*',
              arnFormat: ArnFormat.SLASH_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
  }

  /**
   * A queue's dead letters and a function's error lines that someone must act on, each an alarm that tells its
   * staff topic once, when it starts.
   */
  private addAlarms(alarms: AlarmDefs, defs: Def[]): void {
    const topic = (name: StaffTopic) => new SnsAction(this.shared.topics[name]);
    for (const [name, queue] of this.queues) {
      const to = alarms.deadLetters?.[name];
      if (!to) continue;
      const alarm = new Alarm(this, `${pascalCase(name)}DeadLettersAlarm`, {
        alarmDescription:
          `The ${name} queue's dead-letter queue holds messages that were never done: ` +
          'see why, then send them again',
        metric: queue.deadLetters.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 0,
        comparisonOperator: ComparisonOperator.GREATER_THAN_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(topic(to));
      this.alarms.set(`${name} dead letters`, alarm);
    }
    for (const def of alarms.logs ?? []) {
      const fn = this.functionOf(def.handler, defs);
      if (!fn) continue;
      const id = pascalCase(def.message);
      const filter = new MetricFilter(this, `${id}Filter`, {
        logGroup: fn.logGroup,
        filterPattern: FilterPattern.all(
          FilterPattern.stringValue('$.level', '=', 'ERROR'),
          FilterPattern.stringValue('$.message', '=', def.message),
        ),
        metricNamespace: METRIC_NAMESPACE,
        metricName: def.message,
        metricValue: '1',
      });
      const alarm = new Alarm(this, `${id}Alarm`, {
        alarmDescription: def.description,
        metric: filter.metric({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: TreatMissingData.NOT_BREACHING,
      });
      alarm.addAlarmAction(topic(def.topic));
      this.alarms.set(def.message, alarm);
    }
  }

  /** The function built for a handler file of this stack, if it has one. */
  private functionOf(handler: string, defs: Def[]): AppFunction | undefined {
    if (!defs.some((def) => def.handler === handler)) return undefined;
    const all = [
      ...this.routeFunctions.values(),
      ...this.ruleFunctions.values(),
      ...this.scheduleFunctions.values(),
      ...this.queueFunctions.values(),
      ...this.timerFunctions.values(),
      ...this.logSubscriptionFunctions.values(),
    ];
    return all.find((fn) => fn.handler === handler);
  }

  /**
   * Exactly the grants a route, rule, schedule, queue consumer or timer target declares, each with the
   * environment variable that names its resource.
   */
  private bind(fn: AppFunction, grants: Grants, handler: string): void {
    const { tables, bus } = this.shared;
    const table = (name: TableName, access: TableAccess) =>
      fn.bindTable(
        tables[name],
        TABLES[name].envVar,
        access,
        TABLES[name].indexes.map((index) => index.name),
      );
    for (const name of ['registry', 'attestations', 'funds', 'incidents', 'reminders', 'homecare'] as const) {
      const access = grants[name];
      if (access) table(name, access);
    }
    // The audit trail is appended to in transactions; reading it back never needs more than a Query.
    if (grants.audit) table('audit', grants.audit === 'write' ? 'append' : grants.audit);
    if (grants.idempotency) table('idempotency', 'records');
    if (grants.bus) fn.bindBus(bus);
    if (grants.notify) fn.allowSms();
    const optOuts = smsOptOutsOf(grants);
    if (optOuts.length) fn.allowSmsOptOuts(optOuts);
    for (const topic of grants.topics ?? []) {
      fn.allowPublish(this.shared.topics[topic], this.shared.topicsKey, topicEnvVar(topic));
    }
    if (grants.verifyMac) fn.allowMac(this.shared.verifyMacKey, 'VERIFY_MAC_KEY_ID');
    if (grants.cursors) fn.allowMac(this.shared.cursorKey, 'CURSOR_KEY_ID');
    if (grants.accounts?.length) {
      fn.allowAccounts(this.shared.userPool.userPoolArn, this.shared.userPool.userPoolId, grants.accounts);
    }
    for (const b of Object.keys(BUCKETS) as BucketName[]) {
      const access = grants[b];
      const bucket = this.buckets[b];
      if (!access || !bucket) continue;
      const action = access === 'presignPut' ? 's3:PutObject' : 's3:GetObject';
      fn.bindObjects(bucket, BUCKETS[b].envVar, action, BUCKETS[b].prefix);
    }
    for (const name of grants.queues ?? []) {
      const queue = this.queues.get(name);
      if (!queue) throw new Error(`${handler}: queue ${name} is not in this capability's stack`);
      fn.allowSend({
        queue: queue.queue,
        deadLetters: queue.deadLetters,
        env: { queue: queueEnvVar(name), deadLetters: deadLetterEnvVar(name) },
      });
    }
    // shared/platform/timers.ts gives a function one TIMER_ROLE_ARN and one TIMER_GROUP, so one timer each.
    if ((grants.timers?.length ?? 0) > 1) {
      throw new Error(
        `${handler}: granted timers ${grants.timers!.join(', ')}, but a function has one ${TIMER_ROLE_ENV} ` +
          `and one ${TIMER_GROUP_ENV} (shared/platform/timers.ts), so it may start one timer only`,
      );
    }
    for (const name of grants.timers ?? []) {
      const timer = this.timers.get(name);
      if (!timer) throw new Error(`${handler}: timer ${name} is not in this capability's stack`);
      fn.allowTimer(timer.access);
    }
  }

  private eventPattern(rule: EventRuleDef): EventPattern {
    const { source, 'detail-type': detailType, detail } = rule.pattern;
    // S3 events reach the default bus from every EventBridge-enabled bucket in the account; only ours may start a job.
    const fromS3 = rule.bus === 'default' && source.includes('aws.s3');
    const which = rule.bucket ?? 'imports';
    const bucket = this.buckets[which] ?? this.shared.buckets[which];
    const bucketFilter = fromS3 ? { bucket: { name: [bucket.bucketName] } } : undefined;
    const merged = bucketFilter || detail ? { ...detail, ...bucketFilter } : undefined;
    return { source, ...(detailType ? { detailType } : {}), ...(merged ? { detail: merged } : {}) };
  }
}

/**
 * The SNS SMS opt-out list grant (`smsOptOuts: ['list' | 'optIn', ...]`), read as an optional property until
 * shared/platform/routes.ts declares it in Grants.
 */
export function smsOptOutsOf(grants: Grants): SmsOptOutAction[] {
  const uses = (grants as Grants & { smsOptOuts?: unknown }).smsOptOuts;
  if (uses === undefined) return [];
  if (!Array.isArray(uses) || uses.some((use) => use !== 'list' && use !== 'optIn')) {
    throw new Error(`grants.smsOptOuts: a list of 'list' and 'optIn', not ${JSON.stringify(uses)}`);
  }
  return uses as SmsOptOutAction[];
}

const runtimeOf = ({ handler, timeoutSeconds, memoryMb }: Def) => ({
  handler,
  timeoutSeconds,
  memoryMb,
});

export function pascalCase(name: string): string {
  return name
    .split(/[^a-zA-Z0-9]+/)
    .filter(Boolean)
    .map((word) => word[0]!.toUpperCase() + word.slice(1))
    .join('');
}
