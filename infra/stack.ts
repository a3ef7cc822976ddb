// The SehatKota stack: what every capability shares (tables and their backups, event bus, user pool, HTTP API and
// the CloudFront distribution with the web ACL in front of it, upload buckets, staff topics, the inbound SMS topic),
// and one nested stack per capability with its functions, routes, event rules, schedules, queues, timers, log
// subscriptions and alarms, all built from the contracts in shared/platform (ROUTES, EVENT_RULES, SCHEDULES, QUEUES,
// TIMERS, LOG_SUBSCRIPTIONS, TABLES, ROLES). The API's web ACL lives in a small us-east-1 stack beside this one.
import {
  ArnFormat,
  CfnOutput,
  type CfnResource,
  CrossStackReferences,
  Duration,
  ReferenceStrength,
  RemovalPolicy,
  Stack,
  type StackProps,
  Token,
  Validations,
} from 'aws-cdk-lib';
import { AccessLogFormat } from 'aws-cdk-lib/aws-apigateway';
import { type CfnStage, HttpApi, type HttpStage, LogGroupLogDestination } from 'aws-cdk-lib/aws-apigatewayv2';
import { HttpUserPoolAuthorizer } from 'aws-cdk-lib/aws-apigatewayv2-authorizers';
import {
  AccountRecovery,
  type CfnUserPoolClient,
  CfnUserPoolUser,
  CfnUserPoolUserToGroupAttachment,
  ClientAttributes,
  FeaturePlan,
  LambdaVersion,
  Mfa,
  OAuthScope,
  StandardThreatProtectionMode,
  StringAttribute,
  UserPool,
  type UserPoolClient,
  type UserPoolDomain,
  UserPoolOperation,
} from 'aws-cdk-lib/aws-cognito';
import { AttributeType, BillingMode, ProjectionType, Table, TableEncryption } from 'aws-cdk-lib/aws-dynamodb';
import { EventBus } from 'aws-cdk-lib/aws-events';
import { Policy, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key, KeySpec, KeyUsage } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { Bucket, BucketEncryption, type CfnBucket, HttpMethods } from 'aws-cdk-lib/aws-s3';
import { SubscriptionProtocol, Topic } from 'aws-cdk-lib/aws-sns';
import { UrlSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { CfnWebACLAssociation } from 'aws-cdk-lib/aws-wafv2';
import {
  AwsCustomResource,
  AwsCustomResourcePolicy,
  Logging,
  PhysicalResourceId,
} from 'aws-cdk-lib/custom-resources';
import type { Construct } from 'constructs';
import type { Region } from '#shared/city/regions.ts';
import { type Config, DEFAULT_SETTINGS } from '#shared/platform/config.ts';
import { EVENT_RULES, type EventRuleDef } from '#shared/platform/event-rules.ts';
import { LOG_SUBSCRIPTIONS, type LogSubscriptionDef } from '#shared/platform/log-subscriptions.ts';
import { QUEUES, type QueueDef } from '#shared/platform/queues.ts';
import { ROLES } from '#shared/platform/roles.ts';
import {
  DEFAULT_ROUTE_THROTTLE,
  type Grants,
  ROUTES,
  type RouteDef,
  routeKey,
  STAFF_TOPICS,
  type StaffTopic,
  type Throttle,
} from '#shared/platform/routes.ts';
import { SCHEDULES, type ScheduleDef } from '#shared/platform/schedules.ts';
import { type KeyDef, TABLES, type TableDef, type TableName } from '#shared/platform/tables.ts';
import { TIMERS, type TimerDef } from '#shared/platform/timers.ts';
import { AppFunction, LOG_RETENTION } from './constructs/app-function.ts';
import {
  type AlarmDefs,
  CapabilityStack,
  IMPORTS_PREFIX,
  pascalCase,
} from './constructs/capability-stack.ts';
import { ApiDistribution, EdgeStack } from './constructs/edge.ts';
import { LOCKED_BUCKET } from './constructs/locked-bucket.ts';
import { Observability } from './constructs/observability.ts';
import { TableBackups } from './constructs/table-backups.ts';
import { allowLogsToUse, WebAcl } from './constructs/web-acl.ts';
import type { FirstAdmin } from './pipeline/config.ts';
import { cityRegionsFromPackage } from './regions.ts';

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
  /** The city's first administrator, made with the user pool (the others through POST /staff). */
  firstAdmin?: FirstAdmin;
  /** Where the console's base map comes from (an Amazon Location Service region); mapRegionFor() by default. */
  mapRegion?: string;
}

/** Cognito's pre token generation trigger: the `mfa` claim city_admin and social_verifier are admitted by. */
export const MFA_TRIGGER_HANDLER = 'functions/auth/pre-token-generation.ts';

/** The web apps' sign-in settings go to the functions that serve them (functions/web/): the RT form, the console. */
const WEB_HANDLERS = [
  'functions/web/rt-index.ts',
  'functions/web/rt-assets.ts',
  'functions/web/console-index.ts',
  'functions/web/console-assets.ts',
];

/** The staff console's handlers: config.json names the map's style, and the pages' CSP admits the map's origin. */
export const CONSOLE_MAP_HANDLERS = ['functions/web/console-index.ts', 'functions/web/console-assets.ts'];
/**
 * The regions with Amazon Location Service's current Maps API (geo-maps), as its developer guide lists them. Jakarta
 * (ap-southeast-3) is not one, and Singapore and Malaysia only have the previous one: a stack there takes its map
 * from Mumbai, the nearest to Indonesia of those that do.
 */
export const LOCATION_MAP_REGIONS = [
  'us-east-1',
  'us-east-2',
  'us-west-2',
  'ap-south-1',
  'ap-southeast-2',
  'ap-northeast-1',
  'ca-central-1',
  'eu-central-1',
  'eu-west-1',
  'eu-west-2',
  'eu-south-2',
  'eu-north-1',
  'sa-east-1',
];
export const DEFAULT_MAP_REGION = 'ap-south-1';
/** The stack's own region when Amazon Location's maps are there, else DEFAULT_MAP_REGION. */
export const mapRegionFor = (region: string) =>
  LOCATION_MAP_REGIONS.includes(region) ? region : DEFAULT_MAP_REGION;

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
  /** Encrypts every log group of the stack and its nested stacks. */
  readonly logsKey: Key;
  readonly tables: Record<TableName, Table>;
  readonly backups: TableBackups;
  readonly bus: EventBus;
  readonly importsBucket: Bucket;
  /** Receipts of RT fund expenses: private, versioned, TLS only, its own key; the form PUTs to it from its origin. */
  readonly receiptsBucket: Bucket;
  readonly userPool: UserPool;
  /** Adds the `mfa` claim to the tokens of users with an authenticator app (shared/platform/auth.ts reads it). */
  readonly mfaTrigger: AppFunction;
  /** The user pool's own web ACL (regional): a per-IP limit on sign-in attempts, and AWS's IP reputation list. */
  readonly userPoolWebAcl: WebAcl;
  readonly userPoolClient: UserPoolClient;
  /** The RT chair's web form's client: authorization code with PKCE through the Cognito domain. */
  readonly webFormClient: UserPoolClient;
  readonly authDomain: UserPoolDomain;
  readonly topics: Record<StaffTopic, Topic>;
  readonly topicsKey: Key;
  /** Where two-way SMS publishes what citizens send back (STOP, MULAI); delivered to the API's /sms/inbound. */
  readonly inboundSmsTopic?: Topic;
  readonly verifyMacKey: Key;
  readonly cursorKey: Key;
  readonly api: HttpApi;
  readonly apiStage: HttpStage;
  /**
   * The us-east-1 stack holding the API's web ACL, and CloudFront in front of the API with it; absent when the
   * stack has no explicit region (a region-agnostic stack cannot name one in another region).
   */
  readonly edge?: EdgeStack;
  readonly distribution?: ApiDistribution;
  /** Where people reach the API, without a trailing slash: CloudFront's address, or the API's own without it. */
  readonly publicUrl: string;
  /** Where SNS puts an inbound SMS it could not deliver to /sms/inbound after its retries. */
  readonly inboundSmsDeadLetters?: Queue;
  /** One nested stack per capability, by capability name ('registry'). */
  readonly capabilities = new Map<string, CapabilityStack>();
  /** The city it is deployed for (CITY_CODE), as idn-area-data names it. */
  readonly city: Region;

  constructor(scope: Construct, id: string, props: SehatKotaStackProps = {}) {
    super(scope, id, props);
    // The one reference into this stack from another top-level stack is the edge stack's web ACL ARN, read with
    // Fn::GetStackOutput: no export, no custom resource (and CDK's warning about an unset default answered).
    CrossStackReferences.of(this).consume(ReferenceStrength.WEAK);
    // Access logs delivered by bucket policy, not ACL: ACLs are off (BUCKET_OWNER_ENFORCED) on every bucket here.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);
    const settings: Settings = { ...DEFAULT_SETTINGS, ...props.settings };
    // The city's regions from idn-area-data, bundled into every function; an unknown CITY_CODE stops the synth here.
    const city = cityRegionsFromPackage(settings.CITY_CODE);
    this.city = city.city;

    this.logsKey = new Key(this, 'LogsKey', {
      description: 'Encrypts the SehatKota log groups (functions, API access logs, SMS delivery status, WAF)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    allowLogsToUse(this.logsKey);
    const dataKey = new Key(this, 'DataKey', {
      description: 'Encrypts the SehatKota DynamoDB tables (residents, audit trail, idempotency records)',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const tableDefs = Object.entries(TABLES) as [TableName, TableDef][];
    this.tables = Object.fromEntries(
      tableDefs.map(([name, def]) => [name, this.table(name, def, dataKey)]),
    ) as Record<TableName, Table>;
    this.backups = new TableBackups(this, 'Backups', Object.values(this.tables));

    this.bus = new EventBus(this, 'Bus', {
      eventBusName: EVENT_BUS_NAME,
      description: 'SehatKota application events between capabilities',
    });
    [this.userPool, this.userPoolClient, this.webFormClient] = this.users();
    this.mfaTrigger = this.mfaClaim(this.userPool);
    if (props.firstAdmin) this.makeFirstAdmin(this.userPool, props.firstAdmin);
    this.userPoolWebAcl = new WebAcl(this, 'UsersWebAcl', {
      scope: 'REGIONAL',
      name: 'Users',
      // Sign-in bodies are Cognito's own; the rate limit and the reputation list are what a sign-in page needs.
      commonRuleSet: false,
      logsKey: this.logsKey,
    });
    new CfnWebACLAssociation(this, 'UsersWebAclAssociation', {
      resourceArn: this.userPool.userPoolArn,
      webAclArn: this.userPoolWebAcl.acl.attrArn,
    });
    [this.api, this.apiStage] = this.httpApi();
    if (Token.isUnresolved(this.region)) {
      Validations.of(this).addWarning(
        'SehatKota::NoEdge',
        'No region: the stack is built without CloudFront and its web ACL, which need the region to name theirs ' +
          'in us-east-1. Deploy with an explicit region (infra/app.ts does).',
      );
      this.publicUrl = this.apiStage.url.replace(/\/$/, '');
    } else {
      this.edge = new EdgeStack(scope, `${id}Edge`, {
        description:
          "SehatKota's edge: the web ACL in front of the API (CloudFront's web ACLs live in us-east-1)",
        ...(props.env?.account ? { env: { account: props.env.account } } : {}),
      });
      this.distribution = new ApiDistribution(this, 'PublicEndpoint', {
        api: this.api,
        webAclArn: this.edge.webAcl.acl.attrArn,
      });
      this.publicUrl = this.distribution.url;
    }
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

    this.cursorKey = new Key(this, 'CursorKey', {
      description: 'Seals the page cursors of SehatKota list routes (HMAC; never exported)',
      keySpec: KeySpec.HMAC_256,
      keyUsage: KeyUsage.GENERATE_VERIFY_MAC,
      // Kept like every key of ours; a new one would only make cursors already handed out stale (a 400).
      removalPolicy: RemovalPolicy.RETAIN,
    });
    Validations.of(this.cursorKey).acknowledge({
      id: 'AwsSolutions-KMS5',
      reason:
        'KMS does not rotate HMAC keys; a replaced key only makes page cursors already handed out stale.',
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
    // The staff console's map (functions/web/console/operator.js): Amazon Location's style and its origin.
    const consoleMap = CONSOLE_MAP_HANDLERS.filter((h) => routes.some((r) => r.handler === h));
    if (consoleMap.length) {
      const map = this.consoleMap(props.mapRegion ?? mapRegionFor(this.region));
      for (const h of consoleMap) handlerEnvironment[h] = { ...handlerEnvironment[h], ...map };
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
          logsKey: this.logsKey,
          topics: this.topics,
          topicsKey: this.topicsKey,
          verifyMacKey: this.verifyMacKey,
          cursorKey: this.cursorKey,
          userPool: this.userPool,
          city,
          settings: Object.fromEntries(Object.entries(settings).map(([k, v]) => [k, String(v)])),
          handlerEnvironment,
          publicBaseUrl: this.publicUrl,
        },
      });
      this.capabilities.set(capability, nested);
    }
    this.throttleRoutes(routes);
    if (inboundRoute && this.inboundSmsTopic) {
      this.inboundSmsDeadLetters = this.inboundSmsDeadLetterQueue(this.inboundSmsTopic);
      // Subscribed once the route is there: SNS sends the confirmation request the moment it subscribes. Straight
      // to the API's endpoint, not through CloudFront: SNS's few addresses would meet the web ACL's per-IP limit
      // after a broadcast; the route checks each message's signature and has its own throttling.
      const subscription = this.inboundSmsTopic.addSubscription(
        new UrlSubscription(`${this.apiStage.url}${inboundRoute.path.slice(1)}`, {
          protocol: SubscriptionProtocol.HTTPS,
          deadLetterQueue: this.inboundSmsDeadLetters,
        }),
      );
      subscription.node.addDependency(this.capabilities.get(capabilityOf(inboundRoute.handler))!);
    }
    // Last: it watches every function, queue and timer made above.
    new Observability(this, 'Observability', {
      api: this.api,
      capabilities: this.capabilities,
      topic: this.topics.operations,
    });

    new CfnOutput(this, 'ApiUrl', {
      value: this.apiStage.url,
      description:
        "The HTTP API's own endpoint (SNS delivers inbound SMS here); people and clients use PublicUrl",
    });
    new CfnOutput(this, 'PublicUrl', {
      value: this.publicUrl,
      description: 'Where people and clients reach the API: CloudFront, behind the AWS WAF web ACL',
    });
    new CfnOutput(this, 'UserPoolId', { value: this.userPool.userPoolId });
    new CfnOutput(this, 'UserPoolClientId', { value: this.userPoolClient.userPoolClientId });
    new CfnOutput(this, 'RtWebFormUrl', {
      value: `${this.publicUrl}/rt/`,
      description: "The RT chairs' web form",
    });
    new CfnOutput(this, 'FhirBaseUrl', {
      value: `${this.publicUrl}/fhir`,
      description:
        "The FHIR R4 facade's base, for clinics' systems (GET /fhir/metadata says what it supports)",
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
   * The staff console's base map: an Amazon Location Service API key that may fetch only the tiles of AWS's provider
   * maps (geo-maps:GetTile), and only for the console's pages (the Referer that operator.js sends to the map's
   * origin alone). Made through the Location API by a custom resource rather than as an AWS::Location::APIKey: that
   * resource exists only in Location's regions (not in Jakarta), and CloudFormation never returns a key's value.
   * A second call (DescribeKey, once) reads the value for the console functions' MAP_STYLE_URL; the key is not a
   * secret (every map request carries it), its restrictions are what protect it.
   */
  private consoleMap(mapRegion: string): { MAP_STYLE_URL: string; MAP_ORIGIN: string } {
    const keyName = `${this.stackName}-console-map`;
    const keyArn = `arn:${this.partition}:geo:${mapRegion}:${this.account}:api-key/${keyName}`;
    const restrictions = {
      AllowActions: ['geo-maps:GetTile'],
      AllowResources: [`arn:${this.partition}:geo-maps:${mapRegion}::provider/default`],
      // The console's shell (/console/) and the map's worker (/console/vendor/…): the pages that ask for tiles.
      AllowReferers: [`${this.publicUrl}/console/`, `${this.publicUrl}/console/*`],
    };
    const logGroup = new LogGroup(this, 'ConsoleMapKeyLogs', {
      retention: LOG_RETENTION,
      encryptionKey: this.logsKey,
    });
    const role = new Role(this, 'ConsoleMapKeyRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: "Makes and reads the staff console's Amazon Location API key when the stack is deployed",
    });
    logGroup.grantWrite(role);
    const onKey = (actions: string[]) =>
      AwsCustomResourcePolicy.fromStatements([new PolicyStatement({ actions, resources: [keyArn] })]);
    const provider = {
      role,
      logGroup,
      installLatestAwsSdk: false,
      timeout: Duration.minutes(2),
      memorySize: 256,
    };
    const id = PhysicalResourceId.of(keyName);
    const key = new AwsCustomResource(this, 'ConsoleMapKey', {
      resourceType: 'Custom::LocationApiKey',
      onCreate: {
        service: 'Location',
        action: 'createKey',
        region: mapRegion,
        parameters: {
          KeyName: keyName,
          Restrictions: restrictions,
          NoExpiry: true,
          Description: 'SehatKota staff console map',
        },
        physicalResourceId: id,
        outputPaths: ['KeyArn'],
        logging: Logging.withDataHidden(),
      },
      onUpdate: {
        service: 'Location',
        action: 'updateKey',
        region: mapRegion,
        // ForceUpdate: a key used in the last 7 days (every working day's map) is updated only with it.
        parameters: { KeyName: keyName, Restrictions: restrictions, NoExpiry: true, ForceUpdate: true },
        physicalResourceId: id,
      },
      onDelete: {
        service: 'Location',
        action: 'deleteKey',
        region: mapRegion,
        parameters: { KeyName: keyName, ForceDelete: true },
      },
      policy: onKey(['geo:CreateKey', 'geo:UpdateKey', 'geo:DeleteKey']),
      ...provider,
    });
    const read = {
      service: 'Location',
      action: 'describeKey',
      region: mapRegion,
      parameters: { KeyName: keyName },
      physicalResourceId: id,
      outputPaths: ['Key'],
      // The value stays out of the provider's log.
      logging: Logging.withDataHidden(),
    };
    const value = new AwsCustomResource(this, 'ConsoleMapKeyValue', {
      resourceType: 'Custom::LocationApiKeyValue',
      onCreate: read,
      onUpdate: read,
      policy: onKey(['geo:DescribeKey']),
      ...provider,
    });
    value.node.addDependency(key);
    const inline = (what: string) => ({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason: `The inline policy lets the provider ${what} the console's map key and nothing else; no other role would share it.`,
    });
    Validations.of(key).acknowledge(inline('create, update and delete'));
    Validations.of(value).acknowledge(inline('read'));
    Validations.of(role).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        'The inline policy lets the provider write to its own log group and nothing else; no other role would share it.',
    });
    const once =
      'It is the custom resource provider CloudFormation runs when a deployment changes the map key; ';
    Validations.of(
      this.node.findChild(`AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`),
    ).acknowledge(
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason: `${once}a failure fails the deployment and shows in the stack's events.`,
      },
      {
        id: 'Serverless-LambdaDLQ',
        reason: `${once}a failure fails the deployment and shows in the stack's events.`,
      },
      {
        id: 'HIPAA.Security-LambdaInsideVPC',
        reason: `${once}it reaches only the Location API, over TLS with its own role.`,
      },
      {
        id: 'HIPAA.Security-LambdaConcurrency',
        reason: `${once}it never runs twice at once, so reserving concurrency would idle.`,
      },
      {
        id: 'Serverless-LambdaTracing',
        reason: `${once}there is no request to trace, and its log group records each call.`,
      },
    );
    const origin = `https://maps.geo.${mapRegion}.${this.urlSuffix}`;
    return {
      MAP_STYLE_URL: `${origin}/v2/styles/Standard/descriptor?key=${value.getResponseField('Key')}`,
      MAP_ORIGIN: origin,
    };
  }

  /**
   * The first city_admin: Cognito e-mails the invitation (a temporary password, valid 3 days) when the user is made.
   * Like every city_admin, they set up an authenticator app before their role grants anything (MFA).
   */
  private makeFirstAdmin(pool: UserPool, admin: FirstAdmin): void {
    const user = new CfnUserPoolUser(this, 'FirstAdmin', {
      userPoolId: pool.userPoolId,
      username: admin.username,
      desiredDeliveryMediums: ['EMAIL'],
      userAttributes: [
        { name: 'name', value: admin.name },
        { name: 'email', value: admin.email },
        { name: 'email_verified', value: 'true' },
      ],
    });
    const member = new CfnUserPoolUserToGroupAttachment(this, 'FirstAdminGroup', {
      userPoolId: pool.userPoolId,
      username: admin.username,
      groupName: 'city_admin',
    });
    member.addDependency(user);
    const group = pool.node.findChild(`${pascalCase('city_admin')}Group`).node.defaultChild as CfnResource;
    member.addDependency(group);
  }

  /**
   * Per-route throttling on the stage: each route's own limit (shared/platform/routes.ts), the default for the
   * rest. The stage names route keys, so it is deployed once the capability stacks have made the routes.
   */
  private throttleRoutes(routes: readonly RouteDef[]): void {
    const stage = this.apiStage.node.defaultChild as CfnStage;
    const settings = (t: Throttle) => ({ ThrottlingRateLimit: t.rate, ThrottlingBurstLimit: t.burst });
    stage.routeSettings = Object.fromEntries(
      routes.filter((r) => r.throttle).map((r) => [routeKey(r), settings(r.throttle!)]),
    );
    for (const nested of this.capabilities.values()) this.apiStage.node.addDependency(nested);
  }

  /**
   * The pre token generation trigger (event V2_0, so the access token gets the claim too: the feature plan is
   * PLUS) and the one call it makes, AdminGetUser on this pool. The grant is a policy of its own, not the role's
   * default one, which the function depends on: the pool names the function, so the function cannot wait for a
   * policy that names the pool.
   */
  private mfaClaim(pool: UserPool): AppFunction {
    const fn = new AppFunction(this, 'PreTokenGeneration', {
      handler: MFA_TRIGGER_HANDLER,
      description: 'Adds the mfa claim to the tokens of users with an authenticator app',
      invocation: 'request',
      logsKey: this.logsKey,
      // Cognito waits 5 s for a trigger, then fails the sign-in.
      timeoutSeconds: 5,
      environment: { POWERTOOLS_SERVICE_NAME: 'sehatkota-auth', POWERTOOLS_LOG_LEVEL: 'INFO' },
    });
    pool.addTrigger(UserPoolOperation.PRE_TOKEN_GENERATION_CONFIG, fn.function, LambdaVersion.V2_0);
    const policy = new Policy(this, 'PreTokenGenerationPolicy', {
      roles: [fn.role],
      statements: [
        new PolicyStatement({ actions: ['cognito-idp:AdminGetUser'], resources: [pool.userPoolArn] }),
      ],
    });
    Validations.of(policy).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        "The trigger's one grant (cognito-idp:AdminGetUser on this pool), apart from its role's default policy " +
        'only to break the pool → function → policy → pool cycle; no other role would share it.',
    });
    return fn;
  }

  /**
   * Where SNS puts an inbound SMS (a STOP among them) it could not deliver to /sms/inbound after its retries,
   * rather than dropping it: encrypted with a key SNS may use for this topic only.
   */
  private inboundSmsDeadLetterQueue(topic: Topic): Queue {
    const key = new Key(this, 'InboundSmsDeadLettersKey', {
      description: 'Encrypts the dead-letter queue of inbound SMS SNS could not deliver to the API',
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal('sns.amazonaws.com')],
        actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
        resources: ['*'],
        conditions: { ArnEquals: { 'aws:SourceArn': topic.topicArn } },
      }),
    );
    const queue = new Queue(this, 'InboundSmsDeadLetters', {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: key,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
    });
    Validations.of(queue).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason:
          'This is the dead-letter queue of the inbound SMS subscription; its messages are kept, not consumed.',
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          'This is the dead-letter queue of the inbound SMS subscription: the end of the line, it redrives nowhere.',
      },
    );
    return queue;
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
      // The operations view's alarms (infra/constructs/observability.ts) tell the engineers who run the system.
      'operations',
      ...Object.values(alarms.deadLetters ?? {}),
      ...(alarms.logs ?? []).map((a) => a.topic),
    ]);
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
   * The Cognito domain the web apps sign in through, and their addresses (the RT form's, the staff console's) as the
   * client's callbacks: the API's URL is only known once the API exists, so they are set on the client after the fact.
   */
  private webSignIn(prefix: string): UserPoolDomain {
    const domain = this.userPool.addDomain('SignInDomain', { cognitoDomain: { domainPrefix: prefix } });
    // Only the public address: the form served from the API's own endpoint cannot sign in, so people use the one
    // behind the web ACL. The staff console signs in through the same client.
    const appUrls = [`${this.publicUrl}/rt/`, `${this.publicUrl}/console/`];
    const client = this.webFormClient.node.defaultChild as CfnUserPoolClient;
    client.callbackUrLs = appUrls;
    client.logoutUrLs = appUrls;
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
        ...(index.include
          ? { projectionType: ProjectionType.INCLUDE, nonKeyAttributes: index.include }
          : { projectionType: ProjectionType.ALL }),
      });
    }
    return table;
  }

  /**
   * The upload buckets, with server access logs kept beside them: resident lists for import (they carry NIKs)
   * and receipts of RT fund expenses (kept as financial records). Each is private, TLS only, versioned and
   * encrypted with its own customer-managed key, which the functions presigning for it may use through S3 only.
   */
  private uploadBuckets(): [Bucket, Bucket] {
    const withKey = (name: string, description: string) => {
      const encryptionKey = new Key(this, `${name}Key`, {
        description,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
      // A bucket key: S3 asks KMS once per bucket and period, not once per object.
      return { encryption: BucketEncryption.KMS, encryptionKey, bucketKeyEnabled: true };
    };
    const notReplicated = (what: string) => ({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        `${what}; a second copy in another region would be one more place a resident's data lives. S3 is ` +
        'already durable across availability zones, and versioning keeps every overwritten or deleted object.',
    });
    const accessLogs = new Bucket(this, 'AccessLogsBucket', {
      ...LOCKED_BUCKET,
      // S3 delivers server access logs only to a bucket encrypted with S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      lifecycleRules: [
        { expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) },
        { expiredObjectDeleteMarker: true },
      ],
    });
    Validations.of(accessLogs).acknowledge(
      {
        id: 'AwsSolutions-S1',
        reason:
          'This bucket is the server access log destination itself; logging it would only log its own log writes.',
      },
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason:
          'S3 delivers server access logs only to a bucket with S3-managed encryption (SSE-S3), not SSE-KMS; ' +
          'the logs hold request metadata, not the uploaded files.',
      },
      notReplicated('Server access logs, kept a year for investigations'),
    );
    const imports = new Bucket(this, 'ImportsBucket', {
      ...LOCKED_BUCKET,
      ...withKey('ImportsBucket', 'Encrypts the resident lists uploaded for import (they carry NIKs)'),
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'imports-bucket/',
      lifecycleRules: [
        // An upload is read once by its import job; keeping NIK lists longer than a re-run needs is only a risk,
        // and an overwritten or expired version goes a day later.
        {
          prefix: IMPORTS_PREFIX,
          expiration: Duration.days(30),
          noncurrentVersionExpiration: Duration.days(1),
        },
        { expiredObjectDeleteMarker: true },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    Validations.of(imports).acknowledge(
      notReplicated('Resident lists live here only until their import job has run (30 days at most)'),
    );
    const receipts = new Bucket(this, 'ReceiptsBucket', {
      ...LOCKED_BUCKET,
      ...withKey('ReceiptsBucket', 'Encrypts the receipts of RT fund expenses'),
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'receipts-bucket/',
      lifecycleRules: [{ abortIncompleteMultipartUploadAfter: Duration.days(1) }],
      // The chair's phone PUTs the photo straight to S3 from the web form, served at the public address.
      cors: [
        {
          allowedMethods: [HttpMethods.PUT],
          allowedOrigins: [this.publicUrl],
          allowedHeaders: ['content-type'],
          maxAge: 3600,
        },
      ],
    });
    Validations.of(receipts).acknowledge(
      notReplicated('Receipts of RT fund expenses, kept as financial records with every version'),
    );
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
        puskesmas: new StringAttribute({ minLen: 1, maxLen: 64, mutable: true }),
        // A kader's own NIK: the register's key (set by admins only, like the others).
        nik: new StringAttribute({ minLen: 16, maxLen: 16, mutable: true }),
      },
      // POST /staff invites by SMS too (a chair may have no e-mail): Cognito sends it through SNS with this role.
      enableSmsRole: true,
      userInvitation: {
        emailSubject: 'Akun SehatKota Anda',
        emailBody:
          'Akun SehatKota Anda sudah dibuat. Nama pengguna: {username}. Kata sandi sementara: {####}. ' +
          'Masuk dalam 3 hari lalu buat kata sandi baru.',
        smsMessage:
          'SehatKota: akun {username}, kata sandi sementara {####}. Masuk dalam 3 hari & ganti sandi.',
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
        'MFA is optional in the pool (TOTP) so RT chairs, clinics and responders on basic phones can sign in; ' +
        'city_admin and social_verifier are required to use it: the pre token generation trigger marks tokens ' +
        'of users with an authenticator app (mfa claim), and the API refuses those roles without it.',
    });
    // The role Cognito sends invitation SMS with (POST /staff for a chair with a phone only).
    Validations.of(pool.node.findChild('smsRole')).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Cognito publishes invitation SMS straight to phone numbers, which have no ARN: sns:Publish on "*" is the ' +
          'only grant that works, and the role is assumable by Cognito for this pool only (external id).',
      },
      {
        id: 'HIPAA.Security-IAMNoInlinePolicy',
        reason:
          "CDK's role for the user pool's SMS, with its one statement (sns:Publish); no other role shares it.",
      },
    );
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
    const accessLogs = new LogGroup(this, 'ApiAccessLogs', {
      retention: LOG_RETENTION,
      encryptionKey: this.logsKey,
    });
    const stage = api.addStage('DefaultStage', {
      stageName: '$default',
      autoDeploy: true,
      // Every route's limit unless it names its own (throttleRoutes); the account's 10,000 per second otherwise.
      throttle: { rateLimit: DEFAULT_ROUTE_THROTTLE.rate, burstLimit: DEFAULT_ROUTE_THROTTLE.burst },
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
  operations:
    'Subscribe the engineers who run SehatKota: its alarms (API errors, function errors, dead letters, SMS spend)',
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
