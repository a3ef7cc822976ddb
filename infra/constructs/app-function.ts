// One Lambda function with the project's defaults — runtime, architecture, bundling, active tracing, its own
// encrypted log group and its own role — and the grants a function may ask for. A function gets nothing it did not
// ask for. The cdk-nag findings every function shares are acknowledged here, once, each with its reason.
import { join } from 'node:path';
import { ArnFormat, Duration, Names, Stack, Validations } from 'aws-cdk-lib';
import type { ITable } from 'aws-cdk-lib/aws-dynamodb';
import type { IEventBus } from 'aws-cdk-lib/aws-events';
import { type IRole, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { Architecture, type CfnFunction, Runtime, Tracing } from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction } from 'aws-cdk-lib/aws-lambda-nodejs';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import type { IBucket } from 'aws-cdk-lib/aws-s3';
import type { ITopic } from 'aws-cdk-lib/aws-sns';
import type { IQueue } from 'aws-cdk-lib/aws-sqs';
import { flattenCfnReference } from 'cdk-nag/lib/utils/flatten-cfn-reference.js';
import { Construct } from 'constructs';
import type { CityRegions } from '#shared/city/regions.ts';
import { USER_POOL_ENV } from '#shared/platform/accounts.ts';
import { cdkBundling, REPO_ROOT } from '../bundling.ts';

export const LOG_RETENTION = RetentionDays.THREE_MONTHS;
export const DEFAULT_TIMEOUT_SECONDS = 10;

/**
 * How a function is invoked, which decides where a failed invocation ends up:
 * - 'request': synchronously (an HTTP route, a Cognito trigger): the caller gets the error and decides;
 * - 'queue': by an SQS event source: the queue retries and its redrive policy dead-letters;
 * - 'event': asynchronously (an event rule, a schedule, a timer, a log subscription): nobody waits, so what still
 *   fails after Lambda's two retries must go to a dead-letter queue (deadLetterFailedEvents) or be lost.
 */
export type Invocation = 'request' | 'queue' | 'event';

export interface AppFunctionProps {
  /** Handler module relative to the repository root; it exports `handler`. */
  handler: string;
  description: string;
  invocation: Invocation;
  /** The customer-managed key every log group is encrypted with (its logs hold request ids, errors, routes). */
  logsKey: IKey;
  timeoutSeconds?: number;
  memoryMb?: number;
  environment: Record<string, string>;
  /** A folder (relative to the repository root) copied beside the bundle under its own name: web assets. */
  assets?: string;
  /** The configured city's regions, bundled in (shared/city/regions.ts reads them); functions that name no area need none. */
  city?: CityRegions;
  /** Instances at most (Lambda reserved concurrency); unset = the account's unreserved pool. */
  reservedConcurrency?: number;
  /**
   * Give the function a name fixed at synthesis, so its ARN is known without referring to the function: a
   * timer's target starts timers on itself, and its own ARN in its environment would be a circular reference.
   */
  named?: boolean;
}

/** A one-time timer a function may start and cancel: its schedule group, its target and the role that invokes it. */
export interface TimerAccess {
  name: string;
  groupName: string;
  targetArn: string;
  role: IRole;
  /** The timers' dead-letter queue, named on each schedule. */
  deadLettersArn: string;
  /** The environment variables of shared/platform/timers.ts: the target's ARN, the role's ARN, the group, the DLQ. */
  env: { target: string; role: string; group: string; deadLetters: string };
}

/** A work queue a function may send to: the queue, its dead-letter queue and the env vars naming their URLs. */
export interface QueueAccess {
  queue: IQueue;
  deadLetters: IQueue;
  env: { queue: string; deadLetters: string };
}

/** How a function may touch a table. */
export type TableAccess = 'read' | 'readWrite' | 'append' | 'records';

// No Scan anywhere: a request path never scans (STYLE.md), so no function may.
const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
const WRITE = [
  'dynamodb:PutItem',
  'dynamodb:UpdateItem',
  'dynamodb:DeleteItem',
  'dynamodb:BatchWriteItem',
  'dynamodb:ConditionCheckItem',
];
const TABLE_ACTIONS: Record<TableAccess, string[]> = {
  read: READ,
  readWrite: [...READ, ...WRITE],
  // The audit trail is append-only: records are Put (in the same transaction as the change), never changed.
  append: ['dynamodb:PutItem'],
  // Idempotency records are read and written by key; nothing is queried.
  records: ['dynamodb:GetItem', 'dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem'],
};
const KMS_READ = ['kms:Decrypt', 'kms:DescribeKey'];
const KMS_WRITE = [...KMS_READ, 'kms:Encrypt', 'kms:GenerateDataKey'];
/** What a function may do with SNS's SMS opt-out list: read it, or take a number off it (the citizen sent MULAI). */
export type SmsOptOutAction = 'list' | 'optIn';
const SMS_OPT_OUT_ACTIONS: Record<SmsOptOutAction, string> = {
  list: 'sns:ListPhoneNumbersOptedOut',
  optIn: 'sns:OptInPhoneNumber',
};

export type AccountAction = 'create' | 'disable' | 'enable';
const ACCOUNT_ACTIONS: Record<AccountAction, string[]> = {
  create: ['cognito-idp:AdminCreateUser', 'cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminGetUser'],
  disable: ['cognito-idp:AdminDisableUser', 'cognito-idp:AdminUserGlobalSignOut'],
  enable: ['cognito-idp:AdminEnableUser'],
};

export class AppFunction extends Construct {
  /** The handler module it runs, relative to the repository root. */
  readonly handler: string;
  readonly function: NodejsFunction;
  readonly role: Role;
  readonly logGroup: LogGroup;
  /** The function's ARN; for a named function, built from its name rather than referring to the function. */
  readonly functionArn: string;
  readonly invocation: Invocation;
  /** Where its failed asynchronous invocations go ('event' functions, once deadLetterFailedEvents is called). */
  deadLetters?: IQueue;
  /** The queues it may send to already (ARN tokens), so a dead-letter queue among them is not granted twice. */
  private readonly sendsTo = new Set<string>();

  constructor(scope: Construct, id: string, props: AppFunctionProps) {
    super(scope, id);
    this.handler = props.handler;
    this.invocation = props.invocation;
    this.logGroup = new LogGroup(this, 'Logs', { retention: LOG_RETENTION, encryptionKey: props.logsKey });
    // An own role instead of AWSLambdaBasicExecutionRole: it may write to this log group and nowhere else.
    this.role = new Role(this, 'Role', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: `${props.handler}: ${props.description}`.slice(0, 1000),
    });
    this.logGroup.grantWrite(this.role);

    const functionName = props.named
      ? Names.uniqueResourceName(this, { maxLength: 64, separator: '-' })
      : undefined;
    this.function = new NodejsFunction(this, 'Function', {
      ...(functionName ? { functionName } : {}),
      entry: join(REPO_ROOT, props.handler),
      handler: 'handler',
      description: props.description,
      runtime: Runtime.NODEJS_24_X,
      architecture: Architecture.ARM_64,
      // One trace per request across API Gateway, Lambda and the AWS calls: where the time of a 112 report goes.
      tracing: Tracing.ACTIVE,
      // More memory also buys CPU, which shortens cold starts; the bill difference is negligible at this volume.
      memorySize: props.memoryMb ?? 512,
      timeout: Duration.seconds(props.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS),
      ...(props.reservedConcurrency !== undefined
        ? { reservedConcurrentExecutions: props.reservedConcurrency }
        : {}),
      role: this.role,
      logGroup: this.logGroup,
      environment: props.environment,
      projectRoot: REPO_ROOT,
      depsLockFilePath: join(REPO_ROOT, 'package-lock.json'),
      bundling: cdkBundling(props.assets, props.city, props.handler),
    });
    this.functionArn = functionName
      ? Stack.of(this).formatArn({
          service: 'lambda',
          resource: 'function',
          resourceName: functionName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        })
      : this.function.functionArn;
    this.acknowledgeShared(props);
    if (props.invocation === 'event') {
      this.node.addValidation({
        validate: () =>
          this.deadLetters
            ? []
            : [
                `${props.handler} is invoked asynchronously but has no dead-letter queue (deadLetterFailedEvents)`,
              ],
      });
    }
  }

  /** What every function shares and cdk-nag reports, acknowledged where the function is made. */
  private acknowledgeShared(props: AppFunctionProps): void {
    Validations.of(this.function).acknowledge({
      id: 'HIPAA.Security-LambdaInsideVPC',
      reason:
        'The functions reach only AWS APIs (DynamoDB, SNS, SQS, EventBridge, KMS, S3), over TLS and signed with ' +
        'their own least-privilege role; a VPC would add NAT gateways or endpoints and cold-start time without ' +
        'narrowing what any function can reach.',
    });
    if (props.reservedConcurrency === undefined) {
      Validations.of(this.function).acknowledge({
        id: 'HIPAA.Security-LambdaConcurrency',
        reason:
          "Reserving concurrency for every function would carve up the account's pool and starve the 112 " +
          'functions in a burst; only a function that must be held to a rate (the SMS sender) reserves it, and ' +
          "API Gateway's stage and route throttling bound the rest.",
      });
    }
    if (props.invocation !== 'event') {
      const reason =
        props.invocation === 'request'
          ? 'Invoked synchronously (an HTTP route or a Cognito trigger): the caller receives the error and ' +
            'retries or reports it; a Lambda dead-letter queue only ever receives asynchronous invocations.'
          : "Invoked by an SQS event source: the queue's redrive policy moves a message that keeps failing to " +
            'its dead-letter queue; a Lambda dead-letter queue only ever receives asynchronous invocations.';
      Validations.of(this.function).acknowledge(
        { id: 'HIPAA.Security-LambdaDLQ', reason },
        { id: 'Serverless-LambdaDLQ', reason },
      );
    }
    Validations.of(this.role).acknowledge(
      {
        id: 'HIPAA.Security-IAMNoInlinePolicy',
        reason:
          "The role's inline policy is this one function's least-privilege grants (its tables, topics, queues, " +
          'keys), made from its declared grants; a managed policy would hold the same statements for this one ' +
          'role, adding a resource without narrowing anything.',
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'Active tracing: xray:PutTraceSegments and xray:PutTelemetryRecords have no resource-level ' +
          'permissions, so IAM only accepts Resource "*" for them.',
      },
    );
  }

  /**
   * Where an asynchronous invocation that still fails after Lambda's two retries goes, with the error, instead of
   * being dropped: sqs:SendMessage on that queue (and its key, through SQS only) unless the function may already.
   */
  deadLetterFailedEvents(queue: IQueue): void {
    if (this.invocation !== 'event') {
      throw new Error(
        `${this.handler}: only an asynchronously invoked function has failed events to dead-letter`,
      );
    }
    (this.function.node.defaultChild as CfnFunction).deadLetterConfig = { targetArn: queue.queueArn };
    this.grantSend([queue]);
    this.deadLetters = queue;
  }

  /** sqs:SendMessage on queues it may not send to yet, and the KMS actions sending needs, through SQS only. */
  private grantSend(queues: readonly IQueue[]): void {
    const fresh = queues.filter((q) => !this.sendsTo.has(q.queueArn));
    if (!fresh.length) return;
    for (const q of fresh) this.sendsTo.add(q.queueArn);
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sqs:SendMessage'], resources: fresh.map((q) => q.queueArn) }),
    );
    const keys = new Set(fresh.flatMap((q) => (q.encryptionMasterKey ? [q.encryptionMasterKey.keyArn] : [])));
    if (keys.size) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: ['kms:GenerateDataKey', 'kms:Decrypt'],
          resources: [...keys],
          conditions: { StringEquals: { 'kms:ViaService': `sqs.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
  }

  /** Table access, on the table and its named indexes (never `index/*`), plus its KMS key via DynamoDB only. */
  bindTable(table: ITable, envVar: string, access: TableAccess, indexNames: readonly string[] = []): void {
    const queries = TABLE_ACTIONS[access].includes('dynamodb:Query');
    const indexArns = queries ? indexNames.map((name) => `${table.tableArn}/index/${name}`) : [];
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: TABLE_ACTIONS[access], resources: [table.tableArn, ...indexArns] }),
    );
    if (table.encryptionKey) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: access === 'read' ? KMS_READ : KMS_WRITE,
          resources: [table.encryptionKey.keyArn],
          conditions: {
            StringEquals: { 'kms:ViaService': `dynamodb.${Stack.of(this).region}.amazonaws.com` },
          },
        }),
      );
    }
    this.function.addEnvironment(envVar, table.tableName);
  }

  /** events:PutEvents on this bus only. */
  bindBus(bus: IEventBus): void {
    bus.grantPutEventsTo(this.role);
    this.function.addEnvironment('EVENT_BUS_NAME', bus.eventBusName);
  }

  /** SMS straight to phone numbers (SNS Publish with PhoneNumber). */
  allowSms(): void {
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: ['sns:Publish'], resources: ['*'] }));
    this.function.addEnvironment('SMS_TYPE', 'Transactional');
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        'SNS Publish to a phone number has no resource ARN to name, so IAM only accepts Resource "*" here; ' +
        'the statement allows sns:Publish and nothing else.',
    });
  }

  /** sns:Publish to one topic, with exactly the KMS actions publishing to its encrypted topic needs. */
  allowPublish(topic: ITopic, key: IKey, envVar: string): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['sns:Publish'], resources: [topic.topicArn] }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:GenerateDataKey', 'kms:Decrypt'], resources: [key.keyArn] }),
    );
    this.function.addEnvironment(envVar, topic.topicArn);
  }

  /** kms:GenerateMac with one HMAC key (derives values such as verification codes; the key never leaves KMS). */
  allowMac(key: IKey, envVar: string): void {
    this.role.addToPrincipalPolicy(
      new PolicyStatement({ actions: ['kms:GenerateMac'], resources: [key.keyArn] }),
    );
    this.function.addEnvironment(envVar, key.keyArn);
  }

  /**
   * Staff accounts in the user pool: create (AdminCreateUser, AdminAddUserToGroup, and AdminGetUser for a retry),
   * disable (AdminDisableUser, AdminUserGlobalSignOut), enable (AdminEnableUser); on that pool only.
   */
  allowAccounts(poolArn: string, poolId: string, uses: readonly AccountAction[]): void {
    const actions = [...new Set(uses.flatMap((use) => ACCOUNT_ACTIONS[use]))];
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: [poolArn] }));
    this.function.addEnvironment(USER_POOL_ENV, poolId);
  }

  /** SNS's SMS opt-out list (the account's, with no resource ARN): list it, or opt a number back in. */
  allowSmsOptOuts(uses: readonly SmsOptOutAction[]): void {
    const actions = [...new Set(uses)].map((use) => SMS_OPT_OUT_ACTIONS[use]);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions, resources: ['*'] }));
    Validations.of(this).acknowledge({
      id: 'AwsSolutions-IAM5[Resource::*]',
      reason:
        "SNS's SMS opt-out list belongs to the account and has no resource ARN, so IAM only accepts Resource " +
        `"*" for ${actions.join(' and ')}; the statement allows nothing else.`,
    });
  }

  /**
   * sqs:SendMessage (SendMessageBatch included) on one queue and on its dead-letter queue (a message that can
   * never be done is put there with its reason), and the KMS actions sending to them needs, through SQS only.
   */
  allowSend(queue: QueueAccess): void {
    this.grantSend([queue.queue, queue.deadLetters]);
    this.function.addEnvironment(queue.env.queue, queue.queue.queueUrl);
    this.function.addEnvironment(queue.env.deadLetters, queue.deadLetters.queueUrl);
  }

  /**
   * Start and cancel one timer: create and delete schedules named `<timer>-*` in its group only, and pass its
   * role (which may invoke its target and nothing else) to EventBridge Scheduler only.
   */
  allowTimer(timer: TimerAccess): void {
    const schedules = Stack.of(this).formatArn({
      service: 'scheduler',
      resource: 'schedule',
      resourceName: `${timer.groupName}/${timer.name}-*`,
    });
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['scheduler:CreateSchedule', 'scheduler:DeleteSchedule'],
        resources: [schedules],
      }),
    );
    this.role.addToPrincipalPolicy(
      new PolicyStatement({
        actions: ['iam:PassRole'],
        resources: [timer.role.roleArn],
        conditions: { StringEquals: { 'iam:PassedToService': 'scheduler.amazonaws.com' } },
      }),
    );
    this.function.addEnvironment(timer.env.target, timer.targetArn);
    this.function.addEnvironment(timer.env.role, timer.role.roleArn);
    this.function.addEnvironment(timer.env.group, timer.groupName);
    this.function.addEnvironment(timer.env.deadLetters, timer.deadLettersArn);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(this).resolve(schedules))}]`,
      reason:
        `Each ${timer.name} timer is a one-time schedule named after what it times (${timer.name}-<id>), so ` +
        `the grant names the prefix; it allows creating and deleting schedules only, in the ${timer.name} ` +
        'group only.',
    });
  }

  /**
   * One object action under one key prefix of a bucket, e.g. s3:PutObject on imports/*, and the bucket key's one
   * action that object action needs (a data key to encrypt a PUT, Decrypt for a GET), through S3 only. A presigned
   * URL carries the function's own credentials, so the uploading phone needs exactly this. The bucket must belong
   * to this function's stack (imported by name is fine): cdk-nag names the finding after the resource exactly as
   * the template writes it, which a token from another stack only settles at synthesis.
   */
  bindObjects(
    bucket: IBucket,
    envVar: string,
    action: 's3:PutObject' | 's3:GetObject',
    prefix: string,
  ): void {
    const objects = bucket.arnForObjects(`${prefix}*`);
    this.role.addToPrincipalPolicy(new PolicyStatement({ actions: [action], resources: [objects] }));
    if (bucket.encryptionKey) {
      this.role.addToPrincipalPolicy(
        new PolicyStatement({
          actions: [action === 's3:PutObject' ? 'kms:GenerateDataKey' : 'kms:Decrypt'],
          resources: [bucket.encryptionKey.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `s3.${Stack.of(this).region}.amazonaws.com` } },
        }),
      );
    }
    this.function.addEnvironment(envVar, bucket.bucketName);
    Validations.of(this).acknowledge({
      id: `AwsSolutions-IAM5[Resource::${flattenCfnReference(Stack.of(this).resolve(objects))}]`,
      reason:
        `Object keys are generated per upload (${prefix}<jobId>.csv), so the grant names the ${prefix} prefix; ` +
        `it allows ${action} only and only under that prefix of this one bucket.`,
    });
  }
}
