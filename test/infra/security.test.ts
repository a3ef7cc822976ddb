// Security and data safety of the synthesized app (issue 7), one CDK assertion per promise: least-privilege IAM per
// function, customer-managed keys for tables, topics, queues, buckets and logs, the private versioned receipts
// bucket, WAF in front of the API and on the user pool, per-route throttling, MFA for city_admin and social_verifier,
// no secrets in environments, point-in-time recovery, deletion protection, retention and AWS Backup for every table,
// TTL only on what is meant to expire, and a dead-letter queue for everything invoked asynchronously.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type CfnElement, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { CachePolicy, OriginRequestPolicy } from 'aws-cdk-lib/aws-cloudfront';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#infra/app.ts';
import { REPO_ROOT } from '#infra/bundling.ts';
import { AppFunction } from '#infra/constructs/app-function.ts';
import { smsOptOutsOf } from '#infra/constructs/capability-stack.ts';
import { DAILY_RETENTION_DAYS, MONTHLY_RETENTION_DAYS } from '#infra/constructs/table-backups.ts';
import { RATE_LIMIT_PER_5_MINUTES } from '#infra/constructs/web-acl.ts';
import { MFA_TRIGGER_HANDLER, type SehatKotaStack } from '#infra/stack.ts';
import { MFA_CLAIM } from '#shared/platform/auth.ts';
import { EVENT_RULES } from '#shared/platform/event-rules.ts';
import { LOG_SUBSCRIPTIONS } from '#shared/platform/log-subscriptions.ts';
import { QUEUES } from '#shared/platform/queues.ts';
import {
  DEFAULT_ROUTE_THROTTLE,
  type Grants,
  ROUTES,
  routeKey,
  STAFF_TOPICS,
} from '#shared/platform/routes.ts';
import { SCHEDULES } from '#shared/platform/schedules.ts';
import { TABLES, type TableName } from '#shared/platform/tables.ts';
import { TIMERS } from '#shared/platform/timers.ts';

// biome-ignore lint/suspicious/noExplicitAny: template JSON is untyped; the assertions below are the types.
type Json = any;
type Resource = {
  Type: string;
  Properties: Record<string, Json>;
  DeletionPolicy?: string;
  UpdateReplacePolicy?: string;
  DependsOn?: string[];
};
type Statement = { Effect: string; Action: string | string[]; Resource: Json; Condition?: Json };

let stack: SehatKotaStack;
/** Every stack of the app (the main one, its nested stacks, the edge stack) with its template. */
const templates = new Map<Stack, Record<string, Resource>>();

beforeAll(() => {
  // Bundling is bundling.test.ts's business; CDK's own template validation only warns and takes seconds.
  stack = createApp({
    context: { 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  }).stack;
  for (const s of [stack, stack.edge!, ...stack.capabilities.values()]) {
    templates.set(s, Template.fromStack(s).toJSON().Resources);
  }
}, 120_000);

const idOf = (construct: IConstruct) =>
  Stack.of(construct).getLogicalId((construct.node.defaultChild ?? construct) as CfnElement);
const resourceOf = (construct: IConstruct) => templates.get(Stack.of(construct))![idOf(construct)]!;
const arnOf = (construct: IConstruct) => ({ 'Fn::GetAtt': [idOf(construct), 'Arn'] });
const json = (value: unknown) => JSON.stringify(value);
const actions = (s: Statement) => [s.Action].flat();

/** Resources of a type in every stack, with the stack they are in. */
function all(type: string): { owner: Stack; id: string; resource: Resource }[] {
  return [...templates].flatMap(([owner, resources]) =>
    Object.entries(resources)
      .filter(([, r]) => r.Type === type)
      .map(([id, resource]) => ({ owner, id, resource })),
  );
}

/** The IAM statements of a role, from every policy attached to it in its stack. */
function statementsOf(role: IConstruct): Statement[] {
  const roleId = idOf(role);
  return Object.values(templates.get(Stack.of(role))!)
    .filter((r) => r.Type === 'AWS::IAM::Policy' && json(r.Properties.Roles).includes(`"${roleId}"`))
    .flatMap((r) => r.Properties.PolicyDocument.Statement as Statement[]);
}

/**
 * What a value in a nested stack stands for: a parameter the parent fills (a reference to the parent's resources)
 * is replaced by what the parent passes.
 */
function fromParent(owner: Stack, value: Json): Json {
  if (owner === stack || !owner.nestedStackResource) return value;
  const parameters = templates.get(stack)![idOf(owner.nestedStackResource)]!.Properties.Parameters;
  return JSON.parse(json(value), (_, v) =>
    v && typeof v === 'object' && 'Ref' in v && v.Ref in parameters ? parameters[v.Ref] : v,
  );
}

/** Every function of the app, with its contract entry's grants (the MFA trigger has none). */
function functions() {
  const defs = [...ROUTES, ...EVENT_RULES, ...SCHEDULES, ...QUEUES, ...TIMERS, ...LOG_SUBSCRIPTIONS];
  return stack.node
    .findAll()
    .filter((c): c is AppFunction => c instanceof AppFunction)
    .map((fn) => {
      const grants: Grants = defs.find((d) => d.handler === fn.handler)?.grants ?? {};
      const statements = statementsOf(fn.role).map((s) => fromParent(Stack.of(fn), s) as Statement);
      const resource = resourceOf(fn.function);
      return { fn, grants, statements, resource, env: resource.Properties.Environment?.Variables ?? {} };
    });
}

describe('least privilege, per function', () => {
  const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
  const WRITE = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ConditionCheckItem'].map(
    (a) => `dynamodb:${a}`,
  );
  /** The table actions each grant means (shared/platform/routes.ts Grants), by table. */
  const tableActions = (grants: Grants): Partial<Record<TableName, string[]>> => {
    const wanted: Partial<Record<TableName, string[]>> = {};
    for (const name of ['registry', 'attestations', 'funds', 'incidents', 'reminders', 'homecare'] as const) {
      const access = grants[name];
      if (access) wanted[name] = access === 'read' ? READ : [...READ, ...WRITE];
    }
    if (grants.audit) {
      wanted.audit = { write: ['dynamodb:PutItem'], read: READ, readWrite: [...READ, 'dynamodb:PutItem'] }[
        grants.audit
      ];
    }
    if (grants.idempotency) {
      wanted.idempotency = [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:UpdateItem',
        'dynamodb:DeleteItem',
      ];
    }
    return wanted;
  };

  it('touches only the tables it is granted, with exactly the actions of its access (read, write, append)', () => {
    // Every contract entry's function, and the user pool's MFA trigger.
    expect(functions()).toHaveLength(
      ROUTES.length +
        EVENT_RULES.length +
        SCHEDULES.length +
        QUEUES.length +
        TIMERS.length +
        LOG_SUBSCRIPTIONS.length +
        1,
    );
    for (const { fn, grants, statements } of functions()) {
      const wanted = tableActions(grants);
      for (const name of Object.keys(TABLES) as TableName[]) {
        const tableId = idOf(stack.tables[name]);
        const onTable = statements.filter(
          (s) => json(s.Resource).includes(tableId) && actions(s).some((a) => a.startsWith('dynamodb:')),
        );
        const got = onTable.flatMap(actions).sort();
        expect(got, `${fn.handler} on ${name}`).toEqual([...(wanted[name] ?? [])].sort());
        // On the table and its named indexes only when it queries; never index/*.
        for (const s of onTable) {
          const resources = [s.Resource].flat().map(json);
          expect(resources[0], fn.handler).toBe(json(arnOf(stack.tables[name])));
          expect(resources.join(), fn.handler).not.toContain('index/*');
          const queries = actions(s).includes('dynamodb:Query');
          expect(resources.length - 1, `${fn.handler} ${name} indexes`).toBe(
            queries ? TABLES[name].indexes.length : 0,
          );
        }
      }
    }
  });

  it('uses the tables key only through DynamoDB, and decrypts only where it only reads', () => {
    const dataKey = stack.tables.registry.encryptionKey!;
    for (const { fn, grants, statements } of functions()) {
      const onKey = statements.filter((s) => json(s.Resource) === json(arnOf(dataKey)));
      const wanted = tableActions(grants);
      if (!Object.keys(wanted).length) {
        expect(onKey, fn.handler).toEqual([]);
        continue;
      }
      for (const s of onKey) {
        expect(s.Condition, fn.handler).toEqual({
          StringEquals: { 'kms:ViaService': `dynamodb.${stack.region}.amazonaws.com` },
        });
      }
      const writes = Object.values(wanted).some((a) => a.some((x) => WRITE.includes(x)));
      expect(
        onKey.flatMap(actions).some((a) => a === 'kms:GenerateDataKey'),
        fn.handler,
      ).toBe(writes);
    }
  });

  it('manages staff accounts only where granted: exactly its Cognito actions, on the user pool only', () => {
    const ACCOUNT_ACTIONS = {
      create: ['cognito-idp:AdminAddUserToGroup', 'cognito-idp:AdminCreateUser', 'cognito-idp:AdminGetUser'],
      disable: ['cognito-idp:AdminDisableUser', 'cognito-idp:AdminUserGlobalSignOut'],
      enable: ['cognito-idp:AdminEnableUser'],
    };
    const pool = json(arnOf(stack.userPool));
    let granted = 0;
    for (const { fn, grants, statements, env } of functions()) {
      const onPool = statements.filter((s) => actions(s).some((a) => a.startsWith('cognito-idp:')));
      const wanted = (grants.accounts ?? []).flatMap((use) => ACCOUNT_ACTIONS[use]).sort();
      if (fn === stack.mfaTrigger) continue;
      expect(onPool.flatMap(actions).sort(), fn.handler).toEqual(wanted);
      for (const st of onPool) expect(json(st.Resource), fn.handler).toBe(pool);
      expect('USER_POOL_ID' in env, fn.handler).toBe(wanted.length > 0);
      if (wanted.length) granted++;
    }
    expect(granted).toBe(3);
  });

  it('publishes to exactly the topics it is granted, and to phone numbers only when it sends SMS', () => {
    for (const { fn, grants, statements } of functions()) {
      const publishes = statements.filter((s) => actions(s).includes('sns:Publish')).map((s) => s.Resource);
      const topics = publishes
        .filter((r) => r !== '*')
        .map(json)
        .sort();
      expect(topics, fn.handler).toEqual(
        (grants.topics ?? []).map((t) => json({ Ref: idOf(stack.topics[t]) })).sort(),
      );
      expect(publishes.includes('*'), fn.handler).toBe(!!grants.notify);
      const onTopicsKey = statements.filter((s) => json(s.Resource) === json(arnOf(stack.topicsKey)));
      expect(onTopicsKey.length > 0, fn.handler).toBe(!!grants.topics?.length);
    }
    expect(STAFF_TOPICS.length).toBeGreaterThan(0);
  });

  it('names Resource "*" only for actions IAM has no resource for: X-Ray, SMS to a number, the opt-out list', () => {
    const XRAY = ['xray:PutTraceSegments', 'xray:PutTelemetryRecords'];
    for (const { fn, grants, statements } of functions()) {
      const star = statements.filter((s) => [s.Resource].flat().includes('*')).flatMap(actions);
      const allowed = [
        ...XRAY,
        ...(grants.notify ? ['sns:Publish'] : []),
        ...smsOptOutsOf(grants).map((u) =>
          u === 'list' ? 'sns:ListPhoneNumbersOptedOut' : 'sns:OptInPhoneNumber',
        ),
      ];
      expect(star.sort(), fn.handler).toEqual(allowed.sort());
    }
  });

  it('no wildcard actions, no key without its name, no IAM beyond passing the timer role to Scheduler', () => {
    for (const { fn, grants, statements } of functions()) {
      expect(
        statements.flatMap(actions).filter((a) => a.includes('*')),
        fn.handler,
      ).toEqual([]);
      for (const s of statements.filter((s) => actions(s).some((a) => a.startsWith('kms:')))) {
        expect([s.Resource].flat(), fn.handler).not.toContain('*');
      }
      const iam = statements.flatMap(actions).filter((a) => a.startsWith('iam:'));
      expect(iam, fn.handler).toEqual(grants.timers?.length ? ['iam:PassRole'] : []);
      expect(
        statements.every((s) => s.Effect === 'Allow'),
        fn.handler,
      ).toBe(true);
    }
  });

  it('every function traces actively and may write its traces', () => {
    for (const { fn, resource, statements } of functions()) {
      expect(resource.Properties.TracingConfig, fn.handler).toEqual({ Mode: 'Active' });
      expect(statements.flatMap(actions), fn.handler).toEqual(
        expect.arrayContaining(['xray:PutTraceSegments', 'xray:PutTelemetryRecords']),
      );
    }
  });
});

describe('customer-managed keys', () => {
  /** A value is the ARN (or id) of a KMS key of ours, in its own stack or passed down from the parent. */
  const isOurKey = (owner: Stack, value: Json) => {
    const resolved = fromParent(owner, value);
    const [id] = resolved?.['Fn::GetAtt'] ?? [resolved?.Ref];
    const where = json(resolved) === json(value) ? owner : stack;
    return templates.get(where)![id]?.Type === 'AWS::KMS::Key';
  };

  it('encrypts every table with the data key', () => {
    for (const name of Object.keys(TABLES) as TableName[]) {
      const sse = resourceOf(stack.tables[name]).Properties.SSESpecification;
      expect(sse, name).toMatchObject({ SSEEnabled: true, SSEType: 'KMS' });
      expect(isOurKey(stack, sse.KMSMasterKeyId), name).toBe(true);
    }
  });

  it('encrypts every topic and every queue with a key of ours (never the AWS-managed one)', () => {
    const topics = all('AWS::SNS::Topic');
    expect(topics.length).toBe(STAFF_TOPICS.length + 1);
    for (const { owner, id, resource } of topics) {
      expect(isOurKey(owner, resource.Properties.KmsMasterKeyId), id).toBe(true);
    }
    const queues = all('AWS::SQS::Queue');
    expect(queues.length).toBeGreaterThan(QUEUES.length * 2);
    for (const { owner, id, resource } of queues) {
      expect(resource.Properties.SqsManagedSseEnabled, id).toBeUndefined();
      expect(isOurKey(owner, resource.Properties.KmsMasterKeyId), id).toBe(true);
    }
  });

  it('encrypts both upload buckets with a key each (S3 bucket keys), and the access log bucket as S3 requires', () => {
    for (const bucket of [stack.importsBucket, stack.receiptsBucket]) {
      const [rule] = resourceOf(bucket).Properties.BucketEncryption.ServerSideEncryptionConfiguration;
      expect(rule.ServerSideEncryptionByDefault.SSEAlgorithm).toBe('aws:kms');
      expect(rule.ServerSideEncryptionByDefault.KMSMasterKeyID).toEqual(arnOf(bucket.encryptionKey!));
      expect(rule.BucketKeyEnabled).toBe(true);
    }
    expect(stack.importsBucket.encryptionKey).not.toBe(stack.receiptsBucket.encryptionKey);
    // S3 delivers server access logs only to SSE-S3 buckets: the one bucket without a key of ours.
    const logs = all('AWS::S3::Bucket').filter(
      ({ id }) => ![idOf(stack.importsBucket), idOf(stack.receiptsBucket)].includes(id),
    );
    expect(logs).toHaveLength(1);
    expect(
      logs[0]!.resource.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0]
        .ServerSideEncryptionByDefault,
    ).toEqual({ SSEAlgorithm: 'AES256' });
  });

  it('encrypts every log group, in every stack (the edge stack too), and keeps each 90 days', () => {
    const groups = all('AWS::Logs::LogGroup');
    expect(groups.some(({ owner }) => owner === stack.edge)).toBe(true);
    for (const { owner, id, resource } of groups) {
      expect(isOurKey(owner, resource.Properties.KmsKeyId), id).toBe(true);
      expect(resource.Properties.RetentionInDays, id).toBe(90);
    }
  });

  it('lets CloudWatch Logs of this account and region use the logs key, for log groups only', () => {
    const statements = resourceOf(stack.logsKey).Properties.KeyPolicy.Statement as Statement[];
    const logs = statements.filter((s) => json(s).includes(`logs.${stack.region}.amazonaws.com`));
    expect(logs).toHaveLength(1);
    expect(json(logs[0]!.Condition.ArnLike['kms:EncryptionContext:aws:logs:arn'])).toContain(
      `:logs:${stack.region}:`,
    );
  });

  it('every key rotates (but the HMAC key, which KMS cannot rotate) and outlives the stack', () => {
    const keys = all('AWS::KMS::Key');
    expect(keys.length).toBeGreaterThan(8);
    for (const { id, resource } of keys) {
      expect(resource.DeletionPolicy, id).toBe('Retain');
      const hmac = resource.Properties.KeySpec === 'HMAC_256';
      expect(resource.Properties.EnableKeyRotation ?? false, id).toBe(!hmac);
    }
  });
});

describe('buckets', () => {
  const policyOf = (bucket: IConstruct) =>
    all('AWS::S3::BucketPolicy').find(
      ({ resource }) => json(resource.Properties.Bucket) === json({ Ref: idOf(bucket) }),
    )!.resource.Properties.PolicyDocument.Statement as Statement[];

  it('the receipts bucket is private, TLS only, versioned, encrypted with its key and retained', () => {
    const bucket = resourceOf(stack.receiptsBucket);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.UpdateReplacePolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
    });
    expect(policyOf(stack.receiptsBucket)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Effect: 'Deny',
          Action: 's3:*',
          Principal: { AWS: '*' },
          Condition: { Bool: { 'aws:SecureTransport': 'false' } },
        }),
      ]),
    );
    // Nothing in its policy allows anyone in: access is by IAM grants (presigned by the functions) alone.
    expect(policyOf(stack.receiptsBucket).filter((s) => s.Effect === 'Allow')).toEqual([]);
  });

  it('the imports bucket is as locked, and keeps an overwritten or expired NIK list one day at most', () => {
    const bucket = resourceOf(stack.importsBucket);
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.PublicAccessBlockConfiguration.RestrictPublicBuckets).toBe(true);
    expect(bucket.Properties.LifecycleConfiguration.Rules).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          Prefix: 'imports/',
          ExpirationInDays: 30,
          NoncurrentVersionExpiration: { NoncurrentDays: 1 },
        }),
      ]),
    );
    expect(policyOf(stack.importsBucket)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
      ]),
    );
  });

  it("a presigning function may use its bucket's key only for what its object action needs, through S3", () => {
    const presigners = functions().filter(({ grants }) => grants.imports || grants.receipts);
    expect(presigners.length).toBeGreaterThanOrEqual(3);
    for (const { fn, grants, statements } of presigners) {
      const bucket = grants.imports ? stack.importsBucket : stack.receiptsBucket;
      const other = grants.imports ? stack.receiptsBucket : stack.importsBucket;
      const access = grants.imports ?? grants.receipts;
      const onKey = statements.filter((s) => json(s.Resource) === json(arnOf(bucket.encryptionKey!)));
      expect(onKey, fn.handler).toEqual([
        {
          Effect: 'Allow',
          Action: access === 'presignPut' ? 'kms:GenerateDataKey' : 'kms:Decrypt',
          Resource: arnOf(bucket.encryptionKey!),
          Condition: { StringEquals: { 'kms:ViaService': `s3.${stack.region}.amazonaws.com` } },
        },
      ]);
      expect(json(statements), fn.handler).not.toContain(idOf(other.encryptionKey!));
    }
    // Nobody else may use the bucket keys.
    for (const { fn, grants, statements } of functions().filter(
      (f) => !f.grants.imports && !f.grants.receipts,
    )) {
      for (const bucket of [stack.importsBucket, stack.receiptsBucket]) {
        expect(json(statements), `${fn.handler} ${json(grants)}`).not.toContain(idOf(bucket.encryptionKey!));
      }
    }
  });
});

describe('WAF and CloudFront in front of the API', () => {
  const edge = () => templates.get(stack.edge!)!;
  const acl = () => resourceOf(stack.edge!.webAcl.acl);
  const distribution = () => resourceOf(stack.distribution!.distribution).Properties.DistributionConfig;

  it("the API's web ACL lives in us-east-1 (CloudFront's), with a per-IP rate limit answered 429", () => {
    expect(stack.edge!.region).toBe('us-east-1');
    expect(acl().Properties.Scope).toBe('CLOUDFRONT');
    expect(acl().Properties.DefaultAction).toEqual({ Allow: {} });
    expect(acl().Properties.Rules[0]).toMatchObject({
      Name: 'RateLimitPerIp',
      Priority: 0,
      Statement: {
        RateBasedStatement: {
          Limit: RATE_LIMIT_PER_5_MINUTES,
          AggregateKeyType: 'IP',
          EvaluationWindowSec: 300,
        },
      },
      Action: { Block: { CustomResponse: { ResponseCode: 429 } } },
    });
    expect(RATE_LIMIT_PER_5_MINUTES).toBe(1000);
  });

  it('and AWS managed rules: IP reputation, known bad inputs, the common rule set (large CSV bodies counted)', () => {
    const managed = acl()
      .Properties.Rules.filter((r: Json) => r.Statement.ManagedRuleGroupStatement)
      .map((r: Json) => r.Statement.ManagedRuleGroupStatement);
    expect(managed.map((m: Json) => m.Name)).toEqual([
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesKnownBadInputsRuleSet',
      'AWSManagedRulesCommonRuleSet',
    ]);
    expect(managed[2].RuleActionOverrides).toEqual([
      { Name: 'SizeRestrictions_BODY', ActionToUse: { Count: {} } },
    ]);
  });

  it('logs what it refuses to its own encrypted group, with tokens, paths (NIKs) and query strings redacted', () => {
    const [logging] = Object.values(edge()).filter((r) => r.Type === 'AWS::WAFv2::LoggingConfiguration');
    expect(logging!.Properties.ResourceArn).toEqual(arnOf(stack.edge!.webAcl.acl));
    expect(json(logging!.Properties.LogDestinationConfigs)).toContain(':log-group:aws-waf-logs-');
    expect(logging!.Properties.RedactedFields).toEqual(
      expect.arrayContaining([
        { SingleHeader: { Name: 'authorization' } },
        { UriPath: {} },
        { QueryString: {} },
      ]),
    );
    expect(logging!.Properties.LoggingFilter.DefaultBehavior).toBe('DROP');
  });

  it('CloudFront carries the ACL, read from the us-east-1 stack without an account or a lookup', () => {
    const outputs = Template.fromStack(stack.edge!).toJSON().Outputs;
    const [outputName] = Object.entries(outputs).find(
      ([, o]: [string, Json]) => json(o.Value) === json(arnOf(stack.edge!.webAcl.acl)),
    )!;
    expect(distribution().WebACLId).toEqual({
      'Fn::GetStackOutput': { StackName: stack.edge!.stackName, Region: 'us-east-1', OutputName: outputName },
    });
    expect(stack.dependencies).toContain(stack.edge);
  });

  it('passes everything but Host to the API over TLS 1.2, caches nothing, and sends viewers to HTTPS', () => {
    const config = distribution();
    const [origin] = config.Origins;
    expect(json(origin.DomainName)).toContain(idOf(stack.api));
    expect(json(origin.DomainName)).toContain('.execute-api.');
    expect(origin.CustomOriginConfig).toMatchObject({
      OriginProtocolPolicy: 'https-only',
      OriginSSLProtocols: ['TLSv1.2'],
    });
    expect(config.DefaultCacheBehavior).toMatchObject({
      ViewerProtocolPolicy: 'redirect-to-https',
      CachePolicyId: CachePolicy.CACHING_DISABLED.cachePolicyId,
      OriginRequestPolicyId: OriginRequestPolicy.ALL_VIEWER_EXCEPT_HOST_HEADER.originRequestPolicyId,
    });
    expect(config.DefaultCacheBehavior.AllowedMethods).toEqual(
      expect.arrayContaining(['POST', 'PUT', 'DELETE']),
    );
  });

  it('links in SMS and QR codes, the web form and its sign-in all use the address behind the ACL', () => {
    const url = json({
      'Fn::Join': [
        '',
        ['https://', { 'Fn::GetAtt': [idOf(stack.distribution!.distribution), 'DomainName'] }],
      ],
    });
    for (const { fn, env } of functions().filter((f) => f.fn.handler !== MFA_TRIGGER_HANDLER)) {
      expect(json(fromParent(Stack.of(fn), env.PUBLIC_BASE_URL)), fn.handler).toBe(url);
    }
    const outputs = Template.fromStack(stack).toJSON().Outputs;
    expect(json(outputs.PublicUrl.Value)).toBe(url);
    expect(json(outputs.RtWebFormUrl.Value)).toContain(idOf(stack.distribution!.distribution));
    expect(json(resourceOf(stack.webFormClient).Properties.CallbackURLs)).toContain(
      idOf(stack.distribution!.distribution),
    );
  });

  it("SNS delivers inbound SMS to the API's own endpoint, not through the per-IP limit", () => {
    const [subscription] = all('AWS::SNS::Subscription').map((s) => s.resource);
    expect(subscription!.Properties.Protocol).toBe('https');
    expect(json(subscription!.Properties.Endpoint)).toContain('.execute-api.');
  });

  it('the user pool has a regional web ACL of its own: the rate limit and the IP reputation list, logged', () => {
    const pool = resourceOf(stack.userPoolWebAcl.acl);
    expect(pool.Properties.Scope).toBe('REGIONAL');
    expect(pool.Properties.Rules.map((r: Json) => r.Name)).toEqual([
      'RateLimitPerIp',
      'AWSManagedRulesAmazonIpReputationList',
      'AWSManagedRulesKnownBadInputsRuleSet',
    ]);
    const [association] = all('AWS::WAFv2::WebACLAssociation').map((a) => a.resource);
    expect(association!.Properties).toEqual({
      ResourceArn: arnOf(stack.userPool),
      WebACLArn: arnOf(stack.userPoolWebAcl.acl),
    });
    const logging = all('AWS::WAFv2::LoggingConfiguration').filter(({ owner }) => owner === stack);
    expect(logging.map((l) => l.resource.Properties.ResourceArn)).toEqual([arnOf(stack.userPoolWebAcl.acl)]);
  });
});

describe('throttling', () => {
  const stage = () => resourceOf(stack.apiStage);

  it('every route has a default limit on the stage', () => {
    expect(stage().Properties.DefaultRouteSettings).toEqual({
      ThrottlingRateLimit: DEFAULT_ROUTE_THROTTLE.rate,
      ThrottlingBurstLimit: DEFAULT_ROUTE_THROTTLE.burst,
    });
  });

  it('routes with their own limit get it, by route key', () => {
    const settings = stage().Properties.RouteSettings;
    const own = ROUTES.filter((r) => r.throttle);
    expect(Object.keys(settings).sort()).toEqual(own.map(routeKey).sort());
    for (const route of own) {
      expect(settings[routeKey(route)], routeKey(route)).toEqual({
        ThrottlingRateLimit: route.throttle!.rate,
        ThrottlingBurstLimit: route.throttle!.burst,
      });
    }
  });

  it('public routes and the heavy ones are held tighter than the default', () => {
    const publicRoutes = ROUTES.filter((r) => r.roles === 'public');
    expect(publicRoutes.map(routeKey)).toEqual(
      expect.arrayContaining([
        'GET /verify/{code}',
        'POST /sms/inbound',
        'GET /a/{token}',
        'POST /a/{token}',
      ]),
    );
    for (const route of publicRoutes) {
      expect(route.throttle, routeKey(route)).toBeDefined();
      expect(route.throttle!.rate, routeKey(route)).toBeLessThan(DEFAULT_ROUTE_THROTTLE.rate);
    }
    // The imports, the area allocation and the reminders job: up to 29 s each, one caller at a time.
    const heavy = ROUTES.filter((r) => (r.timeoutSeconds ?? 10) > 10 || r.grants.imports === 'presignPut');
    expect(heavy.map(routeKey)).toEqual(
      expect.arrayContaining(['POST /residents/import', 'POST /jobs/reminders/run']),
    );
    for (const route of heavy) {
      expect(route.throttle!.rate, routeKey(route)).toBeLessThanOrEqual(1);
      expect(route.throttle!.burst, routeKey(route)).toBeLessThanOrEqual(2);
    }
  });

  it('the stage is deployed after the capability stacks that make its routes', () => {
    for (const nested of stack.capabilities.values()) {
      expect(stage().DependsOn, nested.node.id).toContain(idOf(nested.nestedStackResource!));
    }
  });
});

describe('MFA for city_admin and social_verifier', () => {
  const pool = () => resourceOf(stack.userPool).Properties;

  it('the pool offers TOTP (optional, so basic phones still sign in) on the PLUS plan', () => {
    expect(pool().MfaConfiguration).toBe('OPTIONAL');
    expect(pool().EnabledMfas).toEqual(['SOFTWARE_TOKEN_MFA']);
    expect(pool().UserPoolTier).toBe('PLUS');
  });

  it('runs the pre token generation trigger on event V2_0, so access tokens get the claim too', () => {
    expect(pool().LambdaConfig.PreTokenGenerationConfig).toEqual({
      LambdaArn: arnOf(stack.mfaTrigger.function),
      LambdaVersion: 'V2_0',
    });
    expect(stack.mfaTrigger.handler).toBe(MFA_TRIGGER_HANDLER);
    expect(MFA_CLAIM).toBe('mfa');
    const permission = all('AWS::Lambda::Permission').find(
      ({ resource }) => json(resource.Properties.FunctionName) === json(arnOf(stack.mfaTrigger.function)),
    )!;
    expect(permission.resource.Properties).toMatchObject({
      Principal: 'cognito-idp.amazonaws.com',
      SourceArn: arnOf(stack.userPool),
    });
  });

  it('the trigger may read users of this pool (AdminGetUser) and nothing else', () => {
    const statements = statementsOf(stack.mfaTrigger.role);
    const own = statements.filter(
      (s) => !actions(s).some((a) => a.startsWith('logs:') || a.startsWith('xray:')),
    );
    expect(own).toEqual([
      { Effect: 'Allow', Action: 'cognito-idp:AdminGetUser', Resource: arnOf(stack.userPool) },
    ]);
    expect(resourceOf(stack.mfaTrigger.function).Properties.Timeout).toBe(5);
  });
});

describe('secrets', () => {
  const SECRET_NAME = /SECRET|PASSWORD|PASSWD|TOKEN|PRIVATE|API_?KEY|CREDENTIAL|ACCESS_KEY/i;

  it('no function environment holds a secret: any variable named like one carries a reference, never a value', () => {
    const offending = functions().flatMap(({ fn, env }) =>
      Object.entries(env as Record<string, Json>)
        .filter(([name, value]) => SECRET_NAME.test(name) && typeof value === 'string')
        .map(([name]) => `${fn.handler}: ${name}`),
    );
    expect(offending).toEqual([]);
  });

  it('no app client has a client secret (browsers and scripts hold none), and no template a parameter with one', () => {
    for (const { resource } of all('AWS::Cognito::UserPoolClient')) {
      expect(resource.Properties.GenerateSecret).toBe(false);
    }
    // A secret would live in Secrets Manager or SSM SecureString and reach a function by name: a plain SSM
    // parameter is for configuration only.
    for (const { id, resource } of all('AWS::SSM::Parameter')) {
      expect(SECRET_NAME.test(json(resource.Properties.Name ?? id)), id).toBe(false);
    }
  });
});

describe('data safety', () => {
  it.each(Object.keys(TABLES) as TableName[])(
    '%s: point-in-time recovery, deletion protection, retained on delete and on replacement',
    (name) => {
      const table = resourceOf(stack.tables[name]);
      expect(table.Properties.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
      expect(table.Properties.DeletionProtectionEnabled).toBe(true);
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.UpdateReplacePolicy).toBe('Retain');
    },
  );

  it('AWS Backup backs up every table: daily kept 35 days, monthly kept a year', () => {
    const [selection] = all('AWS::Backup::BackupSelection').map((s) => s.resource);
    expect(selection!.Properties.BackupSelection.Resources.map(json).sort()).toEqual(
      (Object.keys(TABLES) as TableName[]).map((n) => json(arnOf(stack.tables[n]))).sort(),
    );
    const plan = resourceOf(stack.backups.plan).Properties.BackupPlan;
    expect(
      plan.BackupPlanRule.map((r: Json) => [r.RuleName, r.ScheduleExpressionTimezone, r.Lifecycle]),
    ).toEqual([
      ['Daily', 'Asia/Jakarta', { DeleteAfterDays: DAILY_RETENTION_DAYS }],
      ['Monthly', 'Asia/Jakarta', { DeleteAfterDays: MONTHLY_RETENTION_DAYS }],
    ]);
    expect([DAILY_RETENTION_DAYS, MONTHLY_RETENTION_DAYS]).toEqual([35, 365]);
    for (const rule of plan.BackupPlanRule) {
      expect(rule.TargetBackupVault).toEqual({
        'Fn::GetAtt': [idOf(stack.backups.vault), 'BackupVaultName'],
      });
    }
  });

  it('into a vault encrypted with its own key, retained, from which nobody deletes a backup by hand', () => {
    const vault = resourceOf(stack.backups.vault);
    expect(vault.DeletionPolicy).toBe('Retain');
    expect(vault.Properties.EncryptionKeyArn).toEqual(arnOf(stack.backups.key));
    expect(vault.Properties.AccessPolicy.Statement).toEqual([
      expect.objectContaining({
        Effect: 'Deny',
        Principal: { AWS: '*' },
        Action: expect.arrayContaining(['backup:DeleteRecoveryPoint']),
      }),
    ]);
  });

  it("with AWS Backup's own role, which may take backups but not restore them", () => {
    const [selection] = all('AWS::Backup::BackupSelection').map((s) => s.resource);
    const roleId = selection!.Properties.BackupSelection.IamRoleArn['Fn::GetAtt'][0];
    const role = templates.get(stack)![roleId]!;
    expect(role.Properties.AssumeRolePolicyDocument.Statement[0].Principal).toEqual({
      Service: 'backup.amazonaws.com',
    });
    expect(json(role.Properties.ManagedPolicyArns)).toContain('AWSBackupServiceRolePolicyForBackup');
    expect(json(role.Properties.ManagedPolicyArns)).not.toContain('Restores');
  });
});

describe('TTL only on data meant to expire', () => {
  /**
   * Every place that writes a TTL attribute, and what it expires: markers, dedup keys, leases, links and
   * idempotency records. Residents, coverage, letters, ledger entries, audit records and opt-outs never carry one.
   */
  const EXPIRING: Record<string, string> = {
    'shared/platform/idempotency.ts': 'idempotency records (30 days: a phone may be without signal for days)',
    'shared/platform/once.ts': 'once-only markers of side effects (one SMS per event)',
    'shared/registry/batch.ts': "an import chunk's once-only marker (7 days)",
    'shared/registry/import-jobs.ts': 'the one-import-at-a-time lease (its lease time)',
    'shared/attestation/issue.ts': "a chair's daily issue count (the daily limit)",
    'shared/attestation/repository.ts': 'the once-a-day review reminder marker (90 days)',
    'shared/incident/repository.ts':
      "a caller's recent reports (1 day) and acknowledgement links (their hours)",
    'shared/reminder/job.ts': "a reminder's fire: the de-duplication key, kept a little over a year",
    'shared/reminder/sender.ts': "a sent message's id, leading its delivery report back to the fire",
    'shared/reminder/inbound.ts': 'an inbound SMS handled once (its marker)',
  };
  const TTL_WRITE = /\b(expiresAt|expiration)\s*:|SET[^'`]*\bexpiresAt\b/;

  function sources(dir: string): string[] {
    return readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      if (statSync(path).isDirectory()) return sources(path);
      return name.endsWith('.ts') ? [path] : [];
    });
  }

  it('is enabled on exactly the tables whose definition names a TTL attribute; never on the ledger or audit trail', () => {
    for (const name of Object.keys(TABLES) as TableName[]) {
      const def = TABLES[name] as { ttlAttribute?: string };
      const ttl = resourceOf(stack.tables[name]).Properties.TimeToLiveSpecification;
      expect(ttl, name).toEqual(
        def.ttlAttribute ? { AttributeName: def.ttlAttribute, Enabled: true } : undefined,
      );
    }
    expect('ttlAttribute' in TABLES.audit).toBe(false);
    expect('ttlAttribute' in TABLES.funds).toBe(false);
  });

  it('every table with TTL lists which of its items expire, beside its access patterns', () => {
    const text = readFileSync(join(REPO_ROOT, 'shared/platform/tables.ts'), 'utf8');
    for (const name of Object.keys(TABLES) as TableName[]) {
      const def = TABLES[name] as { ttlAttribute?: string };
      // The comment block above `<name>: {` marks its expiring items "(TTL)" or says "Expires by TTL".
      const at = text.indexOf(`  ${name}: {`);
      const block = text.slice(text.lastIndexOf('/**', at), at);
      expect(/\(TTL\)|Expires by TTL/.test(block), name).toBe(!!def.ttlAttribute);
    }
  });

  it('is written only by the code that writes items meant to expire', () => {
    const writers = sources(join(REPO_ROOT, 'shared'))
      .filter((path) => !path.endsWith('tables.ts'))
      .filter((path) => TTL_WRITE.test(readFileSync(path, 'utf8')))
      .map((path) => relative(REPO_ROOT, path));
    expect(writers.sort()).toEqual(Object.keys(EXPIRING).sort());
  });
});

describe('nothing invoked asynchronously fails silently', () => {
  const eventFunctions = () => functions().filter(({ fn }) => fn.invocation === 'event');

  it('every function invoked by an event, schedule, timer or log subscription has an encrypted dead-letter queue', () => {
    expect(eventFunctions()).toHaveLength(
      EVENT_RULES.length + SCHEDULES.length + TIMERS.length + LOG_SUBSCRIPTIONS.length,
    );
    for (const { fn, resource, statements } of eventFunctions()) {
      const queue = fn.deadLetters!;
      expect(resource.Properties.DeadLetterConfig, fn.handler).toEqual({ TargetArn: arnOf(queue) });
      const props = resourceOf(queue).Properties;
      expect(props.KmsMasterKeyId, fn.handler).toBeDefined();
      expect(props.MessageRetentionPeriod, fn.handler).toBe(14 * 86_400);
      expect(
        statements.some(
          (s) => actions(s).includes('sqs:SendMessage') && json(s.Resource).includes(idOf(queue)),
        ),
        fn.handler,
      ).toBe(true);
    }
  });

  it("a timer's target dead-letters into the timer's queue, beside the fires Scheduler could not deliver", () => {
    for (const capability of stack.capabilities.values()) {
      for (const [name, timer] of capability.timers) {
        expect(capability.timerFunctions.get(name)!.deadLetters).toBe(timer.deadLetters);
      }
    }
  });

  it("an event rule's target and a schedule put what they cannot deliver on the function's queue", () => {
    for (const capability of stack.capabilities.values()) {
      const resources = templates.get(capability)!;
      for (const [name, fn] of capability.ruleFunctions) {
        const rule = Object.values(resources).find(
          (r) => r.Type === 'AWS::Events::Rule' && json(r.Properties.Targets).includes(idOf(fn.function)),
        )!;
        expect(rule.Properties.Targets[0].DeadLetterConfig, name).toEqual({ Arn: arnOf(fn.deadLetters!) });
      }
      for (const [name, fn] of capability.scheduleFunctions) {
        const schedule = Object.values(resources).find(
          (r) =>
            r.Type === 'AWS::Scheduler::Schedule' &&
            json(r.Properties.Target.Arn).includes(idOf(fn.function)),
        )!;
        expect(schedule.Properties.Target.DeadLetterConfig, name).toEqual({ Arn: arnOf(fn.deadLetters!) });
      }
    }
  });

  it('EventBridge may use the dead-letter key for rules of this account only', () => {
    for (const capability of [...stack.capabilities.values()].filter((c) => c.ruleFunctions.size)) {
      const statements = resourceOf(capability.failedEventsKey!).Properties.KeyPolicy
        .Statement as Statement[];
      const events = statements.filter((s) => json(s).includes('events.amazonaws.com'));
      expect(events).toHaveLength(1);
      expect(events[0]!.Condition.StringEquals).toEqual({ 'aws:SourceAccount': { Ref: 'AWS::AccountId' } });
      expect(json(events[0]!.Condition.ArnLike['aws:SourceArn'])).toContain(':rule/*');
    }
  });

  it('an inbound SMS SNS could not deliver to the API goes to an encrypted dead-letter queue', () => {
    const [subscription] = all('AWS::SNS::Subscription').map((s) => s.resource);
    expect(subscription!.Properties.RedrivePolicy).toEqual({
      deadLetterTargetArn: arnOf(stack.inboundSmsDeadLetters!),
    });
    const key = stack.inboundSmsDeadLetters!.encryptionMasterKey!;
    const statements = resourceOf(key).Properties.KeyPolicy.Statement as Statement[];
    expect(statements.filter((s) => json(s).includes('sns.amazonaws.com'))).toEqual([
      expect.objectContaining({
        Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
        Condition: { ArnEquals: { 'aws:SourceArn': { Ref: idOf(stack.inboundSmsTopic!) } } },
      }),
    ]);
  });

  it('functions called synchronously or by a queue have none: the caller or the queue keeps the failure', () => {
    for (const { fn, resource } of functions().filter((f) => f.fn.invocation !== 'event')) {
      expect(resource.Properties.DeadLetterConfig, fn.handler).toBeUndefined();
    }
    for (const capability of stack.capabilities.values()) {
      for (const [name, queue] of capability.queues) {
        expect(resourceOf(queue.queue).Properties.RedrivePolicy, name).toMatchObject({
          deadLetterTargetArn: arnOf(queue.deadLetters),
        });
      }
    }
  });
});
