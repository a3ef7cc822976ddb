// The SehatKota stack: what every capability shares (tables, event bus, user pool, HTTP API, upload buckets, staff
// topics, the inbound SMS topic), and one nested stack per capability with its functions, routes, event rules,
// schedules, queues, timers, log subscriptions and alarms, all built from the contracts in shared/platform (ROUTES,
// EVENT_RULES, SCHEDULES, QUEUES, TIMERS, LOG_SUBSCRIPTIONS, TABLES, ROLES).
import {
  ArnFormat,
  CfnOutput,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { HttpApi, type HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  ClientAttributes,
  FeaturePlan,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  type CfnBucket,
  HttpMethods,
  ObjectOwnership,
} from 'aws-cdk-lib/aws-s3';
import { SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { type Config, DEFAULT_SETTINGS } from '#shared/platform/config.ts';
import { EVENT_RULES, type EventRuleDef } from '#shared/platform/event-rules.ts';
import { LOG_SUBSCRIPTIONS, type LogSubscriptionDef } from '#shared/platform/log-subscriptions.ts';
import { QUEUES, type QueueDef } from '#shared/platform/queues.ts';
import { ROLES } from '#shared/platform/roles.ts';
import {
  type Grants,
  ROUTES,
  type RouteDef,
  routeKey,
  STAFF_TOPICS,
  type StaffTopic,
} from '#shared/platform/routes.ts';
import { SCHEDULES, type ScheduleDef } from '#shared/platform/schedules.ts';
import { type KeyDef, TABLES, type TableDef, type TableName } from '#shared/platform/tables.ts';
import { TIMERS, type TimerDef } from '#shared/platform/timers.ts';
import { LOG_RETENTION } from './constructs/app-function.ts';
import {
  type AlarmDefs,
  CapabilityStack,
  IMPORTS_PREFIX,
  pascalCase,
} from './constructs/capability-stack.ts';

/** The runtime settings of shared/platform/config.ts, keyed by the environment variable each function gets. */
export type Settings = Config;
export { DEFAULT_SETTINGS };

export interface SehatKotaStackProps extends StackProps {
  settings?: Partial<Settings>;
  /** The contracts by default; tests pass variations. */
  routes?: readonly RouteDef[];
  eventRules?: readonly EventRuleDef[];
  schedules?: readonly ScheduleDef[];
  queues?: readonly QueueDef[];
  timers?: readonly TimerDef[];
  logSubscriptions?: readonly LogSubscriptionDef[];
  /** Who is told of dead letters and of error lines someone must act on; ALARMS by default. */
  alarms?: AlarmDefs;
  /** Prefix of the Cognito sign-in domain (<prefix>.auth.<region>.amazoncognito.com), unique per region. */
  authDomainPrefix?: string;
}

/** The web form's sign-in settings go to the functions that serve it (functions/web/). */
const WEB_HANDLERS = ['functions/web/rt-index.ts', 'functions/web/rt-assets.ts'];

export const EVENT_BUS_NAME = 'sehatkota';

/** The route SNS delivers inbound SMS to (an HTTPS subscription of the inbound SMS topic). */
export const SMS_INBOUND_ROUTE = 'POST /sms/inbound';
/** The inbound SMS topic's ARN, for the route's function to check each message came from it. */
export const SMS_INBOUND_TOPIC_ENV = 'SMS_INBOUND_TOPIC_ARN';

/** What needs a person, and whom it tells. */
export const ALARMS: AlarmDefs = {
  deadLetters: { alerts: 'supervisors', sms: 'city_admins' },
  logs: [
    {
      handler: 'functions/reminder/send-sms.ts',
      message: 'SmsBudgetReached',
      topic: 'city_admins',
      description:
        "The month's reminder SMS budget (SMS_MONTHLY_BUDGET_USD) is spent: reminders wait until next month " +
        'or a larger budget',
    },
  ],
};

export class SehatKotaStack extends Stack {
  readonly tables: Record<TableName, Table>;
  readonly bus: EventBus;
  readonly importsBucket: Bucket;
  /** Receipts of RT fund expenses: private, versioned, TLS only; the web form PUTs to it from the API's origin. */
  readonly receiptsBucket: Bucket;
  readonly userPool: UserPool;
  readonly userPoolClient: UserPoolClient;
  /** The RT chair's web form's client: authorization code with PKCE through the Cognito domain. */
  readonly webFormClient: UserPoolClient;
  readonly authDomain: UserPoolDomain;
  readonly topics: Record<StaffTopic, Topic>;
  readonly topicsKey: Key;
  /** Where two-way SMS publishes what citizens send back (STOP, MULAI); delivered to the API's /sms/inbound. */
  readonly inboundSmsTopic?: Topic;
  readonly verifyMacKey: Key;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  /** One nested stack per capability, by capability name ('registry'). */
  readonly capabilities = new Map<string, CapabilityStack>();

  constructor(scope: Construct, id: string, props: SehatKotaStackProps = {}) {
    super(scope, id, props);
    // Access logs delivered by bucket policy, not ACL: ACLs are off (BUCKET_OWNER_ENFORCED) on every bucket here.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const settings: Settings = { ...DEFAULT_SETTINGS, ...props.settings };

    const dataKey = new Key(this, 'DataKey', {
      description: 'Encrypts the SehatKota DynamoDB tables (residents, audit trail, idempotency records)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const tableDefs = Object.entries(TABLES) as [TableName, TableDef][];
    this.tables = Object.fromEntries(
      tableDefs.map(([name, def]) => [name, this.table(name, def, dataKey)]),
    ) as Record<TableName, Table>;

    this.bus = new EventBus(this, 'Bus', {
      eventBusName: EVENT_BUS_NAME,
      description: 'SehatKota application events between capabilities',
    });
    [this.userPool, this.userPoolClient, this.webFormClient] = this.users();
    [this.api, this.apiStage] = this.httpApi();
    [this.importsBucket, this.receiptsBucket] = this.uploadBuckets();
    this.authDomain = this.webSignIn(props.authDomainPrefix ?? `sehatkota-${this.account}`);
    this.topicsKey = new Key(this, 'TopicsKey', {
      description: 'Encrypts the SehatKota staff notification topics',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    this.topics = this.staffTopics(this.topicsKey);
    this.verifyMacKey = new Key(this, 'VerifyMacKey', {
      description:
        "Derives the verification codes printed as QR codes on RT chairs' letters (HMAC; never exported)",
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      // A new key would invalidate every letter already printed.
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.verifyMacKey).acknowledge({
      id: 'AwsSolutions-KMS5',
      reason:
        'KMS does not rotate HMAC keys; a rotated key would also break the QR codes on letters already printed.',
    });

    const routes = props.routes ?? ROUTES;
    const eventRules = props.eventRules ?? EVENT_RULES;
    const schedules = props.schedules ?? SCHEDULES;
    const queues = props.queues ?? QUEUES;
    const timers = props.timers ?? TIMERS;
    const logSubscriptions = props.logSubscriptions ?? LOG_SUBSCRIPTIONS;
    const alarms = props.alarms ?? ALARMS;
    this.allowAlarms(alarms);
    const inboundRoute = routes.find((r) => routeKey(r) === SMS_INBOUND_ROUTE);
    if (inboundRoute) this.inboundSmsTopic = this.inboundSms();
    const webEnvironment = {
      AUTH_MODE: 'cognito',
      COGNITO_DOMAIN: this.authDomain.baseUrl(),
      COGNITO_CLIENT_ID: this.webFormClient.userPoolClientId,
      // The receipts' presigned PUTs go to the bucket's regional endpoint: the form's CSP must allow it.
      UPLOAD_ORIGIN: `https://${this.receiptsBucket.bucketRegionalDomainName}`,
    };
    const handlerEnvironment: Record<string, Record<string, string>> = Object.fromEntries(
      WEB_HANDLERS.map((h) => [h, webEnvironment]),
    );
    if (inboundRoute && this.inboundSmsTopic) {
      handlerEnvironment[inboundRoute.handler] = {
        ...handlerEnvironment[inboundRoute.handler],
        [SMS_INBOUND_TOPIC_ENV]: this.inboundSmsTopic.topicArn,
      };
    }
    const defs = [...routes, ...eventRules, ...schedules, ...queues, ...timers, ...logSubscriptions];
    checkQueuesAndTimers(defs, queues, timers);
    const names = new Set(defs.map((def) => capabilityOf(def.handler)));
    for (const capability of names) {
      const ofCapability = (def: { handler: string }) => capabilityOf(def.handler) === capability;
      const nested = new CapabilityStack(this, pascalCase(capability), {
        capability,
        routes: routes.filter(ofCapability),
        eventRules: eventRules.filter(ofCapability),
        schedules: schedules.filter(ofCapability),
        queues: queues.filter(ofCapability),
        timers: timers.filter(ofCapability),
        logSubscriptions: logSubscriptions.filter(ofCapability),
        alarms,
        shared: {
          api: this.api,
          bus: this.bus,
          buckets: { imports: this.importsBucket, receipts: this.receiptsBucket },
          tables: this.tables,
          topics: this.topics,
          topicsKey: this.topicsKey,
          verifyMacKey: this.verifyMacKey,
          settings: Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
          handlerEnvironment,
        },
      });
      this.capabilities.set(capability, nested);
    }
    if (inboundRoute && this.inboundSmsTopic) {
      // Subscribed once the route is there: SNS sends the confirmation request the moment it subscribes.
      const subscription = this.inboundSmsTopic.addSubscription(
        new UrlSubscription(`${this.apiStage.url}${inboundRoute.path.slice(1)}`, {
          protocol: SubscriptionProtocol.HTTPS,
        }),
      );
      subscription.node.addDependency(this.capabilities.get(capabilityOf(inboundRoute.handler))!);
    }

    new CfnOutput(this, 'ApiUrl', { value: this.apiStage.url, description: 'Base URL of the HTTP API' });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'RtWebFormUrl', {
      value: `${this.apiStage.url}rt/`,
      description: "The RT chairs' web form",
    });
    for (const topic of STAFF_TOPICS) {
      new CfnOutput(this, `${pascalCase(topic)}TopicArn`, {
        value: this.topics[topic].topicArn,
        description: TOPIC_SUBSCRIBERS[topic],
      });
    }
    if (this.inboundSmsTopic) {
      new CfnOutput(this, 'InboundSmsTopicArn', {
        value: this.inboundSmsTopic.topicArn,
        description:
          "Set as the two-way SMS destination of the city's origination number (AWS End User Messaging SMS)",
      });
    }
  }

  /**
   * The topic two-way SMS publishes inbound messages to: encrypted with the topics key, TLS only, published to by
   * AWS End User Messaging SMS of this account only (and the key used by it for that).
   */
  private inboundSms(): Topic {
    const topic = new Topic(this, 'InboundSmsTopic', {
      displayName: 'SehatKota inbound SMS',
      masterKey: this.topicsKey,
      enforceSSL: true,
    });
    const fromSmsVoice = {
      StringEquals: { 'aws:SourceAccount': this.account },
      ArnLike: {
        'aws:SourceArn': this.formatArn({
          service: 'sms-voice',
          resource: '*',
          arnFormat: ArnFormat.NO_RESOURCE_NAME,
        }),
      },
    };
    topic.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['sns:Publish'],
        resources: [topic.topicArn],
        conditions: fromSmsVoice,
      }),
    );
    this.topicsKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('sms-voice.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: fromSmsVoice,
      }),
    );
    return topic;
  }

  /**
   * CloudWatch alarms may publish to the topics they tell, and use the topics key for it. The topics' own policy
   * (TLS only) replaces SNS's default one, which is what lets an alarm of the account publish.
   */
  private allowAlarms(alarms: AlarmDefs): void {
    const told = new Set<StaffTopic>([
      ...Object.values(alarms.deadLetters ?? {}),
      ...(alarms.logs ?? []).map((a) => a.topic),
    ]);
    if (!told.size) return;
    const fromAlarms = {
      StringEquals: { 'aws:SourceAccount': this.account },
      ArnLike: {
        'aws:SourceArn': this.formatArn({
          service: 'cloudwatch',
          resource: 'alarm',
          resourceName: '*',
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      },
    };
    for (const name of told) {
      this.topics[name].addToResourcePolicy(
        new PolicyStatement({
          principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
          actions: ['sns:Publish'],
          resources: [this.topics[name].topicArn],
          conditions: fromAlarms,
        }),
      );
    }
    this.topicsKey.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('cloudwatch.amazonaws.com')],
        actions: ['kms:GenerateDataKey*', 'kms:Decrypt'],
        resources: ['*'],
        conditions: fromAlarms,
      }),
    );
  }

  /** Staff topics, encrypted with their own key, published to over TLS only. */
  private staffTopics(key: Key): Record<StaffTopic, Topic> {
    return Object.fromEntries(
      STAFF_TOPICS.map((name) => [
        name,
        new Topic(this, `${pascalCase(name)}Topic`, {
          displayName: `SehatKota ${name}`,
          masterKey: key,
          enforceSSL: true,
        }),
      ]),
    ) as Record<StaffTopic, Topic>;
  }

  /**
   * The Cognito domain the web form signs in through, and the form's address as the client's callback: the
   * API's URL is only known once the API exists, so it is set on the client after the fact.
   */
  private webSignIn(prefix: string): UserPoolDomain {
    const domain = this.userPool.addDomain('SignInDomain', { cognitoDomain: { domainPrefix: prefix } });
    const formUrl = `${this.apiStage.url}rt/`;
    const client = this.webFormClient.node.defaultChild as CfnUserPoolClient;
    client.callbackUrLs = [formUrl];
    client.logoutUrLs = [formUrl];
    return domain;
  }

  private table(name: TableName, def: TableDef, key: Key): Table {
    const table = new Table(this, `${pascalCase(name)}Table`, {
      partitionKey: attribute(def.partitionKey),
      sortKey: def.sortKey && attribute(def.sortKey),
      billingMode: BillingMode.PAY_PER_REQUEST,
      pointInTimeRecoverySpecification: { pointInTimeRecoveryEnabled: true },
      deletionProtection: true,
      encryption: TableEncryption.CUSTOMER_MANAGED,
      encryptionKey: key,
      timeToLiveAttribute: def.ttlAttribute,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    for (const index of def.indexes) {
      table.addGlobalSecondaryIndex({
        indexName: index.name,
        partitionKey: attribute(index.partitionKey),
        sortKey: index.sortKey && attribute(index.sortKey),
        projectionType: ProjectionType.ALL,
      });
    }
    return table;
  }

  /**
   * The upload buckets, with server access logs kept beside them: resident lists for import (they carry NIKs)
   * and receipts of RT fund expenses (kept as financial records: versioned, retained).
   */
  private uploadBuckets(): [Bucket, Bucket] {
    const locked = {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      removalPolicy: RemovalPolicy.RETAIN,
    };
    const accessLogs = new Bucket(this, 'AccessLogsBucket', {
      ...locked,
      lifecycleRules: [{ expiration: Duration.days(365) }],
    });
    Validations.of(accessLogs).acknowledge({
      id: 'AwsSolutions-S1',
      reason:
        'This bucket is the server access log destination itself; logging it would only log its own log writes.',
    });
    const imports = new Bucket(this, 'ImportsBucket', {
      ...locked,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'imports-bucket/',
      lifecycleRules: [
        // An upload is read once by its import job; keeping NIK lists longer than a re-run needs is only a risk.
        { prefix: IMPORTS_PREFIX, expiration: Duration.days(30) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    const receipts = new Bucket(this, 'ReceiptsBucket', {
      ...locked,
      versioned: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'receipts-bucket/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      // The chair's phone PUTs the photo straight to S3 from the web form, which the API itself serves.
      cors: [
        {
          allowedMethods: [HttpMethods.PUT],
          allowedOrigins: [this.api.apiEndpoint],
          allowedHeaders: ['content-type'],
          maxAge: 3600,
        },
      ],
    });
    // Set on the template directly: Bucket's eventBridgeEnabled would add a custom-resource Lambda for it.
    for (const bucket of [imports, receipts]) {
      (bucket.node.defaultChild as CfnBucket).notificationConfiguration = {
        eventBridgeConfiguration: { eventBridgeEnabled: true },
      };
    }
    return [imports, receipts];
  }

  /**
   * Staff accounts (no self sign-up): one group per role, `custom:rt` for an RT chair's RT and `custom:unit`
   * for a responder's unit, both set by admins only.
   */
  private users(): [UserPool, UserPoolClient, UserPoolClient] {
    const pool = new UserPool(this, 'Users', {
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      customAttributes: {
        rt: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        unit: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
      },
      passwordPolicy: {
        minLength: 12,
        requireLowercase: true,
        requireUppercase: true,
        requireDigits: true,
        requireSymbols: true,
        tempPasswordValidity: Duration.days(3),
      },
      mfa: Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      accountRecovery: AccountRecovery.EMAIL_ONLY,
      // Threat protection (compromised credentials, risky sign-ins) on accounts that read residents' health data.
      featurePlan: FeaturePlan.PLUS,
      standardThreatProtectionMode: StandardThreatProtectionMode.FULL_FUNCTION,
      deletionProtection: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(pool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional (TOTP) for this first release so RT chairs on basic phones can sign in; a later ' +
        'issue makes MFA mandatory for city_admin.',
    });
    for (const role of ROLES) pool.addGroup(`${pascalCase(role)}Group`, { groupName: role });

    const client = pool.addClient('WebClient', {
      authFlows: { userSrp: true },
      disableOAuth: true,
      generateSecret: false,
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(30),
      // Users must not change their own custom:rt or custom:unit (they decide whose residents a user sees and
      // which incidents a responder may acknowledge); only admins set them.
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });
    // A browser app holds no secret: the authorization code flow with PKCE, tokens for one working day.
    const webForm = pool.addClient('RtWebFormClient', {
      generateSecret: false,
      authFlows: {},
      oAuth: {
        flows: { authorizationCodeGrant: true },
        scopes: [OAuthScope.OPENID, OAuthScope.PROFILE, OAuthScope.EMAIL],
        // Replaced by the form's URL once the API exists (webSignIn).
        callbackUrls: ['https://localhost/rt/'],
        logoutUrls: ['https://localhost/rt/'],
      },
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.days(7),
      writeAttributes: new ClientAttributes().withStandardAttributes({ fullname: true }),
    });
    return [pool, client, webForm];
  }

  /** The HTTP API: JWT-authorized by default (public routes opt out), JSON access logs without paths or NIKs. */
  private httpApi(): [HttpApi, HttpStage] {
    const api = new HttpApi(this, 'Api', {
      description: 'SehatKota HTTP API',
      createDefaultStage: false,
      defaultAuthorizer: new HttpUserPoolAuthorizer('CognitoJwt', this.userPool, {
        userPoolClients: [this.userPoolClient, this.webFormClient],
      }),
    });
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', { retention: LOG_RETENTION });
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      accessLogSettings: {
        destination: new LogGroupLogDestination(accessLogs),
        // routeKey, not path: paths carry NIKs (/residents/{nik}), which must never reach a log.
        format: AccessLogFormat.custom(
          JSON.stringify({
            requestId: '$context.requestId',
            time: '$context.requestTimeEpoch',
            routeKey: '$context.routeKey',
            status: '$context.status',
            latencyMs: '$context.responseLatency',
            integrationLatencyMs: '$context.integration.latency',
            integrationError: '$context.integration.error',
            authorizerError: '$context.authorizer.error',
            sub: '$context.authorizer.claims.sub',
            sourceIp: '$context.identity.sourceIp',
            responseLength: '$context.responseLength',
          }),
        ),
      },
    });
    return [api, stage];
  }
}

/** Who each staff topic's subscribers are, for the stack's outputs. */
const TOPIC_SUBSCRIBERS: Record<StaffTopic, string> = {
  verifiers: 'Subscribe the Dinas Sosial verifiers (e-mail) to their daily review reminder',
  supervisors:
    'Subscribe the 112 supervisors: missed acknowledgements, and incidents no unit is responding to',
  responders_ambulance: 'Subscribe the ambulance crews to their 112 alerts',
  responders_fire: 'Subscribe the fire brigade to its 112 alerts',
  responders_police: 'Subscribe the police units to their 112 alerts',
  responders_rescue: 'Subscribe the rescue teams to their 112 alerts',
  city_admins:
    "Subscribe the city health office's reminder administrators: the SMS budget spent, reminders dead-lettered",
};

/**
 * A queue and a timer are built in the nested stack of their handler's capability, and their producers are
 * wired to them there: each function granted one must be of that capability (no cross-stack wiring yet).
 */
function checkQueuesAndTimers(
  defs: readonly { handler: string; grants: Grants }[],
  queues: readonly QueueDef[],
  timers: readonly TimerDef[],
): void {
  for (const def of defs) {
    const uses = [
      ...(def.grants.queues ?? []).map(
        (name) => ['queue', name, queues.find((q) => q.name === name)] as const,
      ),
      ...(def.grants.timers ?? []).map(
        (name) => ['timer', name, timers.find((t) => t.name === name)] as const,
      ),
    ];
    for (const [kind, name, found] of uses) {
      if (!found) throw new Error(`${def.handler}: granted ${kind} ${name}, which is not defined`);
      const home = capabilityOf(found.handler);
      if (home !== capabilityOf(def.handler)) {
        throw new Error(
          `${def.handler}: granted ${kind} ${name}, which lives in the ${home} capability (beside ` +
            `${found.handler}); only functions of that capability may use it (cross-stack wiring is not built)`,
        );
      }
    }
  }
}

/** The capability a handler belongs to: the folder in functions/<capability>/. */
export function capabilityOf(handler: string): string {
  const capability = /^functions\/([^/]+)\//.exec(handler)?.[1];
  if (!capability) throw new Error(`${handler}: handlers live in functions/<capability>/`);
  return capability;
}

const attribute = (key: KeyDef) => ({
  name: key.name,
  type: key.type === 'S' ? AttributeType.STRING : AttributeType.NUMBER,
});
