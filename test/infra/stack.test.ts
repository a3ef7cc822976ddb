// The CDK stack against its contracts: one function per route, event rule, schedule, queue, timer and log
// subscription, authorizer on every non-public route, tables, user pool, logs and least-privilege grants.
// Synthesizes the real app once, without bundling.

import type { CfnElement } from 'aws-cdk-lib';
import { Token } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#infra/app.ts';
import type { AppFunction } from '#infra/constructs/app-function.ts';
import { type CapabilityStack, smsOptOutsOf } from '#infra/constructs/capability-stack.ts';
import { cityRegionsFromPackage } from '#infra/regions.ts';
import { capabilityOf, DEFAULT_SETTINGS, type SehatKotaStack } from '#infra/stack.ts';
import { EVENT_RULES } from '#shared/platform/event-rules.ts';
import { LOG_SUBSCRIPTIONS } from '#shared/platform/log-subscriptions.ts';
import { deadLetterEnvVar, QUEUES, queueEnvVar } from '#shared/platform/queues.ts';
import { ROLES } from '#shared/platform/roles.ts';
import { ROUTES, routeKey, STAFF_TOPICS } from '#shared/platform/routes.ts';
import { SCHEDULES } from '#shared/platform/schedules.ts';
import { TABLES, type TableName } from '#shared/platform/tables.ts';
import { TIMER_GROUP_ENV, TIMER_ROLE_ENV, TIMERS, timerTargetEnvVar } from '#shared/platform/timers.ts';
import { logicalId } from '../support/cdk.ts';

// biome-ignore lint/suspicious/noExplicitAny: template JSON is untyped; the assertions below are the types.
type Json = any;
type Resource = { Type: string; Properties: Record<string, Json>; DeletionPolicy?: string };

let stack: SehatKotaStack;
let parent: Template;
/** Every capability's nested template, by capability. */
const nested = new Map<string, Template>();

beforeAll(() => {
  // Bundling is checked in bundling.test.ts; here it would cost a second or more per function. CDK's built-in
  // template validation only warns, and takes seconds.
  const created = createApp({
    context: { 'aws:cdk:bundling-stacks': [] },
    builtinCloudFormationValidation: false,
  });
  stack = created.stack;
  parent = Template.fromStack(stack);
  for (const [capability, capabilityStack] of stack.capabilities) {
    nested.set(capability, Template.fromStack(capabilityStack));
  }
}, 120_000);

/** Resources of a type across the nested stacks. */
function nestedResources(type: string): [string, Resource][] {
  return [...nested.values()].flatMap((t) =>
    Object.entries(t.findResources(type) as Record<string, Resource>),
  );
}

/** The Lambda AwsCustomResource brings along (the account's SMS attributes): AWS's code, not ours. */
const CUSTOM_RESOURCE_PROVIDER = /^AWS679f53fac002430cb0da5b7982bd2287/;
/** Our functions: one per contract entry. */
const appFunctions = () =>
  nestedResources('AWS::Lambda::Function').filter(([id]) => !CUSTOM_RESOURCE_PROVIDER.test(id));

type Def =
  | (typeof ROUTES)[number]
  | (typeof EVENT_RULES)[number]
  | (typeof SCHEDULES)[number]
  | (typeof QUEUES)[number]
  | (typeof TIMERS)[number]
  | (typeof LOG_SUBSCRIPTIONS)[number];
type Kind = 'route' | 'rule' | 'schedule' | 'queue' | 'timer' | 'logSubscription';
const ALL_DEFS: Def[] = [...ROUTES, ...EVENT_RULES, ...SCHEDULES, ...QUEUES, ...TIMERS, ...LOG_SUBSCRIPTIONS];

/** Every function with its contract entry, its CloudFormation resource and the IAM statements of its role. */
function functions() {
  const defs: { key: string; def: Def; kind: Kind }[] = [
    ...ROUTES.map((def) => ({ key: routeKey(def), def, kind: 'route' as const })),
    ...EVENT_RULES.map((def) => ({ key: def.name, def, kind: 'rule' as const })),
    ...SCHEDULES.map((def) => ({ key: def.name, def, kind: 'schedule' as const })),
    ...QUEUES.map((def) => ({ key: def.name, def, kind: 'queue' as const })),
    ...TIMERS.map((def) => ({ key: def.name, def, kind: 'timer' as const })),
    ...LOG_SUBSCRIPTIONS.map((def) => ({ key: def.name, def, kind: 'logSubscription' as const })),
  ];
  return defs.map(({ key, def, kind }) => {
    const [capability, capabilityStack, fn] = findFunction(kind, key);
    const resources = nested.get(capability)!.toJSON().Resources as Record<string, Resource>;
    const roleId = logicalId(capabilityStack, fn.role);
    const statements = Object.values(resources)
      .filter((r) => r.Type === 'AWS::IAM::Policy')
      .filter((r) => JSON.stringify(r.Properties.Roles).includes(`"${roleId}"`))
      .flatMap(
        (r) => r.Properties.PolicyDocument.Statement as { Action: string | string[]; Resource: unknown }[],
      );
    const actions = new Set(statements.flatMap((s) => [s.Action].flat()));
    const resource = resources[logicalId(capabilityStack, fn.function)]!;
    const env = resource.Properties.Environment.Variables;
    return { key, kind, def, grants: def.grants, actions, statements, resource, env, capabilityStack, fn };
  });
}

function findFunction(kind: Kind, key: string): [string, CapabilityStack, AppFunction] {
  for (const [capability, capabilityStack] of stack.capabilities) {
    const byKind: Record<Kind, ReadonlyMap<string, AppFunction>> = {
      route: capabilityStack.routeFunctions,
      rule: capabilityStack.ruleFunctions,
      schedule: capabilityStack.scheduleFunctions,
      queue: capabilityStack.queueFunctions,
      timer: capabilityStack.timerFunctions,
      logSubscription: capabilityStack.logSubscriptionFunctions,
    };
    const fn = byKind[kind].get(key);
    if (fn) return [capability, capabilityStack, fn];
  }
  throw new Error(`no function for ${key}`);
}

/** The parameters the parent passes to a capability's nested stack. */
function nestedParameters(capability: string): Record<string, unknown> {
  const nestedStack = stack.capabilities.get(capability)!;
  const id = logicalId(stack, { node: { defaultChild: nestedStack.nestedStackResource } });
  return parent.toJSON().Resources[id].Properties.Parameters;
}

describe('functions', () => {
  it('one function per route, event rule, schedule, queue, timer and log subscription, in nested stacks only', () => {
    expect(appFunctions()).toHaveLength(ALL_DEFS.length);
    // In the parent only the user pool's MFA trigger, and the provider of the custom resources that make the console
    // map's Amazon Location key (in the map region) and read its value: no other Lambda sneaks in.
    const parentFunctions = Object.keys(parent.findResources('AWS::Lambda::Function'));
    expect(parentFunctions.filter((id) => !CUSTOM_RESOURCE_PROVIDER.test(id))).toEqual([
      logicalId(stack, stack.mfaTrigger.function),
    ]);
    expect(parentFunctions.filter((id) => CUSTOM_RESOURCE_PROVIDER.test(id))).toHaveLength(1);
  });

  it("besides them, only the SMS attributes' custom-resource provider, once, beside the SMS delivery logs", () => {
    const providers = [...stack.capabilities].flatMap(([capability]) =>
      Object.keys(nested.get(capability)!.findResources('AWS::Lambda::Function'))
        .filter((id) => CUSTOM_RESOURCE_PROVIDER.test(id))
        .map(() => capability),
    );
    const withLogs = [...stack.capabilities].filter(([, c]) => c.smsAccount).map(([name]) => name);
    expect(withLogs).toEqual([capabilityOf(LOG_SUBSCRIPTIONS[0]!.handler)]);
    expect(providers).toEqual(withLogs);
  });

  it('all run nodejs24.x on arm64 with the handler module as its entry', () => {
    for (const [, fn] of appFunctions()) {
      expect(fn.Properties).toMatchObject({
        Runtime: 'nodejs24.x',
        Architectures: ['arm64'],
        Handler: 'index.handler',
      });
    }
  });

  it('routes and rules get the timeout and memory they declare', () => {
    for (const fn of functions()) {
      expect(fn.resource.Properties.Timeout, fn.key).toBe(fn.def.timeoutSeconds ?? 10);
      expect(fn.resource.Properties.MemorySize, fn.key).toBe(fn.def.memoryMb ?? 512);
    }
  });

  it('each capability is its own nested stack', () => {
    const capabilities = new Set(ALL_DEFS.map((d) => capabilityOf(d.handler)));
    expect(new Set(stack.capabilities.keys())).toEqual(capabilities);
    parent.resourceCountIs('AWS::CloudFormation::Stack', capabilities.size);
  });

  it('every function has its capability as service name, the log level and the settings', () => {
    for (const fn of functions()) {
      expect(fn.env, fn.key).toMatchObject({
        POWERTOOLS_SERVICE_NAME: `sehatkota-${capabilityOf(fn.def.handler)}`,
        POWERTOOLS_LOG_LEVEL: 'INFO',
        ...Object.fromEntries(Object.entries(DEFAULT_SETTINGS).map(([k, v]) => [k, String(v)])),
      });
    }
  });
});

describe('HTTP API', () => {
  it('has exactly one route per ROUTES entry', () => {
    const routes = nestedResources('AWS::ApiGatewayV2::Route').map(([, r]) => r.Properties.RouteKey);
    expect(routes.sort()).toEqual(ROUTES.map(routeKey).sort());
  });

  it('every non-public route uses the Cognito JWT authorizer; public ones none', () => {
    const [authorizerId] = Object.keys(parent.findResources('AWS::ApiGatewayV2::Authorizer'));
    parent.resourceCountIs('AWS::ApiGatewayV2::Authorizer', 1);
    parent.hasResourceProperties('AWS::ApiGatewayV2::Authorizer', {
      AuthorizerType: 'JWT',
      IdentitySource: ['$request.header.Authorization'],
      JwtConfiguration: {
        Audience: [
          { Ref: logicalId(stack, stack.userPoolClient) },
          { Ref: logicalId(stack, stack.webFormClient) },
        ],
        Issuer: {
          'Fn::Join': [
            '',
            [Match.stringLikeRegexp('cognito-idp'), { Ref: logicalId(stack, stack.userPool) }],
          ],
        },
      },
    });
    const routes = new Map(
      nestedResources('AWS::ApiGatewayV2::Route').map(([, r]) => [r.Properties.RouteKey, r]),
    );
    for (const route of ROUTES) {
      const props = routes.get(routeKey(route))!.Properties;
      if (route.roles === 'public') {
        expect(props.AuthorizerId).toBeUndefined();
        expect(props.AuthorizationType ?? 'NONE').toBe('NONE');
      } else {
        expect(props.AuthorizationType).toBe('JWT');
        // In the nested stack the authorizer arrives as a parameter the parent fills with its Ref.
        const capability = capabilityOf(route.handler);
        expect(nestedParameters(capability)[props.AuthorizerId.Ref]).toEqual({ Ref: authorizerId });
      }
    }
  });

  it('the $default stage auto-deploys and writes JSON access logs without paths', () => {
    parent.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      StageName: '$default',
      AutoDeploy: true,
      AccessLogSettings: {
        DestinationArn: { 'Fn::GetAtt': [Match.anyValue(), 'Arn'] },
        Format: Match.stringLikeRegexp('\\$context.requestId'),
      },
    });
    const [stageResource] = Object.values(parent.findResources('AWS::ApiGatewayV2::Stage'));
    expect(stageResource!.Properties.AccessLogSettings.Format).not.toContain('$context.path');
  });

  it('outputs the API URL, user pool id and client id', () => {
    parent.hasOutput('ApiUrl', {});
    parent.hasOutput('UserPoolId', { Value: { Ref: logicalId(stack, stack.userPool) } });
    parent.hasOutput('UserPoolClientId', { Value: { Ref: logicalId(stack, stack.userPoolClient) } });
  });
});

describe('tables', () => {
  it.each(Object.keys(TABLES) as TableName[])(
    '%s: on-demand, PITR, deletion protection, KMS, retained',
    (name) => {
      const def = TABLES[name];
      const table = parent.toJSON().Resources[logicalId(stack, stack.tables[name])] as Resource;
      expect(table.DeletionPolicy).toBe('Retain');
      expect(table.Properties).toMatchObject({
        BillingMode: 'PAY_PER_REQUEST',
        PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
        DeletionProtectionEnabled: true,
        SSESpecification: { SSEEnabled: true, SSEType: 'KMS', KMSMasterKeyId: expect.anything() },
      });
      expect(table.Properties.TableName).toBeUndefined();
      const keys = [{ AttributeName: def.partitionKey.name, KeyType: 'HASH' }];
      if ('sortKey' in def) keys.push({ AttributeName: def.sortKey.name, KeyType: 'RANGE' });
      expect(table.Properties.KeySchema).toEqual(keys);
      const ttl = 'ttlAttribute' in def ? { AttributeName: def.ttlAttribute, Enabled: true } : undefined;
      expect(table.Properties.TimeToLiveSpecification).toEqual(ttl);
      const indexes = (table.Properties.GlobalSecondaryIndexes ?? []).map(
        (i: { IndexName: string }) => i.IndexName,
      );
      expect(indexes).toEqual(def.indexes.map((i) => i.name));
    },
  );

  it('the table key rotates and is retained', () => {
    parent.hasResource('AWS::KMS::Key', {
      Properties: { EnableKeyRotation: true },
      DeletionPolicy: 'Retain',
    });
  });
});

describe('user pool', () => {
  it('has a group per role', () => {
    const groups = Object.values(parent.findResources('AWS::Cognito::UserPoolGroup')).map(
      (g) => g.Properties.GroupName,
    );
    expect(groups.sort()).toEqual([...ROLES].sort());
  });

  it('has the mutable custom rt attribute, which the app client cannot write', () => {
    parent.hasResourceProperties('AWS::Cognito::UserPool', {
      Schema: Match.arrayWith([
        {
          Name: 'rt',
          AttributeDataType: 'String',
          Mutable: true,
          StringAttributeConstraints: Match.anyValue(),
        },
      ]),
      Policies: {
        PasswordPolicy: Match.objectLike({ MinimumLength: Match.anyValue(), RequireSymbols: true }),
      },
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
    });
    const clients = Object.values(parent.findResources('AWS::Cognito::UserPoolClient'));
    expect(clients).toHaveLength(2);
    for (const client of clients) {
      expect(client.Properties.WriteAttributes).toBeDefined();
      expect(client.Properties.WriteAttributes).not.toContain('custom:rt');
      expect(client.Properties.WriteAttributes).not.toContain('custom:unit');
      expect(client.Properties.GenerateSecret).toBe(false);
    }
  });

  it("the web form signs in by authorization code (PKCE, no secret) and returns to the public address's /rt/", () => {
    const client = parent.toJSON().Resources[logicalId(stack, stack.webFormClient)].Properties;
    expect(client.AllowedOAuthFlows).toEqual(['code']);
    expect(client.AllowedOAuthFlowsUserPoolClient).toBe(true);
    expect(client.AllowedOAuthScopes).toEqual(expect.arrayContaining(['openid']));
    const callback = JSON.stringify(client.CallbackURLs);
    // CloudFront's address, behind the web ACL; not the API's own endpoint.
    expect(callback).toContain(logicalId(stack, stack.distribution!.distribution));
    expect(callback).not.toContain(logicalId(stack, stack.api));
    expect(callback).toContain('rt/');
    expect(callback).not.toContain('localhost');
    parent.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: Match.anyValue() });
  });

  it('the web apps (RT form, staff console) know the Cognito domain and client; no other function does', () => {
    for (const fn of functions()) {
      // The public fund pages (functions/web/dana-*) sign nobody in.
      const web = /^functions\/web\/(rt|console)-/.test(fn.def.handler);
      expect(fn.env.AUTH_MODE, fn.key).toBe(web ? 'cognito' : undefined);
      expect('COGNITO_CLIENT_ID' in fn.env, fn.key).toBe(web);
      expect('COGNITO_DOMAIN' in fn.env, fn.key).toBe(web);
    }
  });
});

describe('logs', () => {
  // One per function, the API's access logs, SNS's SMS delivery-status groups, the SMS attributes' provider's,
  // the MFA trigger's and the user pool web ACL's (the API's web ACL logs in the us-east-1 stack).
  const snsSmsLogGroups = LOG_SUBSCRIPTIONS.flatMap((def) => def.snsSmsLogGroups).length;

  it('every log group has a retention', () => {
    const groups = [
      ...nestedResources('AWS::Logs::LogGroup'),
      ...Object.entries(parent.findResources('AWS::Logs::LogGroup')),
    ];
    // + the map key's custom-resource provider's own group (encrypted, 90 days).
    expect(groups.length).toBe(ALL_DEFS.length + 1 + snsSmsLogGroups + 1 + 3);
    for (const [, group] of groups) expect(group.Properties.RetentionInDays).toBe(90);
  });

  it('every function logs to its own log group; the others are the SNS SMS delivery-status groups', () => {
    const functions = nestedResources('AWS::Lambda::Function');
    const used = functions.map(([, fn]) => fn.Properties.LoggingConfig.LogGroup.Ref);
    expect(new Set(used).size).toBe(functions.length);
    const rest = nestedResources('AWS::Logs::LogGroup').filter(([id]) => !used.includes(id));
    expect(rest).toHaveLength(snsSmsLogGroups);
    for (const [, group] of rest) {
      expect(JSON.stringify(group.Properties.LogGroupName)).toMatch(/"sns\/ap-southeast-3\/"/);
    }
  });
});

describe('IAM: exactly the declared grants', () => {
  const has = (actions: Set<string>, prefix: string) => [...actions].some((a) => a.startsWith(prefix));
  const READ = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query'];
  const WRITES = ['PutItem', 'UpdateItem', 'DeleteItem', 'BatchWriteItem', 'ConditionCheckItem'].map(
    (a) => `dynamodb:${a}`,
  );

  it('a read-only route may only read the registry table', () => {
    const fn = functions().find((f) => f.key === 'GET /residents/{nik}')!;
    expect([...fn.actions].sort()).toEqual(
      [
        'logs:CreateLogStream',
        'logs:PutLogEvents',
        // Active tracing.
        'xray:PutTraceSegments',
        'xray:PutTelemetryRecords',
        'dynamodb:GetItem',
        'dynamodb:BatchGetItem',
        'dynamodb:Query',
        'kms:Decrypt',
        'kms:DescribeKey',
      ].sort(),
    );
  });

  it('no function reads a table it was not granted, scans, or writes where it may only read', () => {
    for (const fn of functions()) {
      expect(fn.actions.has('dynamodb:Scan'), fn.key).toBe(false);
      expect(
        [...fn.actions].filter((a) => a.includes('*')),
        fn.key,
      ).toEqual([]);
      const tableWrites =
        (!!fn.grants.audit && fn.grants.audit !== 'read') ||
        !!fn.grants.idempotency ||
        fn.grants.registry === 'readWrite' ||
        fn.grants.attestations === 'readWrite' ||
        fn.grants.funds === 'readWrite' ||
        fn.grants.incidents === 'readWrite' ||
        fn.grants.reminders === 'readWrite';
      if (!tableWrites)
        expect(
          WRITES.filter((a) => fn.actions.has(a)),
          fn.key,
        ).toEqual([]);
      for (const [name, def] of Object.entries(TABLES)) {
        expect(def.envVar in fn.env, `${fn.key} ${def.envVar}`).toBe(name in fn.grants);
      }
    }
  });

  it('the audit trail is append-only: records are put, read back by Query, never changed', () => {
    for (const fn of functions().filter((f) => f.grants.audit)) {
      const onAudit = fn.statements.filter((s) => JSON.stringify(s.Resource).includes('AuditTable'));
      const actions = onAudit.flatMap((s) => [s.Action].flat());
      const want = { write: ['dynamodb:PutItem'], read: READ, readWrite: [...READ, 'dynamodb:PutItem'] }[
        fn.grants.audit!
      ];
      expect(actions.sort(), fn.key).toEqual([...want].sort());
    }
  });

  it('verification codes: kms:GenerateMac on the HMAC key only where declared', () => {
    parent.hasResourceProperties('AWS::KMS::Key', {
      KeySpec: 'HMAC_256',
      KeyUsage: 'GENERATE_VERIFY_MAC',
    });
    for (const fn of functions()) {
      const macOn = (name: string) =>
        fn.statements.some(
          (s) => [s.Action].flat().includes('kms:GenerateMac') && JSON.stringify(s.Resource).includes(name),
        );
      expect(macOn('VerifyMacKey'), fn.key).toBe(!!fn.grants.verifyMac);
      expect(macOn('CursorKey'), fn.key).toBe(!!fn.grants.cursors);
      expect(fn.actions.has('kms:GenerateMac'), fn.key).toBe(!!fn.grants.verifyMac || !!fn.grants.cursors);
      expect('VERIFY_MAC_KEY_ID' in fn.env, fn.key).toBe(!!fn.grants.verifyMac);
    }
  });

  it('page cursors: a key of their own, granted (and named) only to the lists that seal cursors', () => {
    const macKeys = Object.keys(
      parent.findResources('AWS::KMS::Key', { Properties: { KeySpec: 'HMAC_256' } }),
    );
    expect(macKeys).toHaveLength(2);
    const sealing = functions().filter((fn) => fn.grants.cursors);
    expect(sealing.map((fn) => fn.key).sort()).toEqual([
      'GET /attestations',
      'GET /homecare/requests',
      'GET /kader',
      'GET /rts/{rt}/residents',
    ]);
    for (const fn of functions()) expect('CURSOR_KEY_ID' in fn.env, fn.key).toBe(!!fn.grants.cursors);
  });

  it('staff topics: KMS-encrypted, TLS only, published to only where declared', () => {
    for (const topic of STAFF_TOPICS) {
      const id = logicalId(stack, stack.topics[topic]);
      expect(parent.toJSON().Resources[id].Properties.KmsMasterKeyId).toBeDefined();
    }
    parent.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
    for (const fn of functions()) {
      for (const topic of STAFF_TOPICS) {
        const granted = fn.grants.topics?.includes(topic) ?? false;
        expect(`TOPIC_${topic.toUpperCase()}_ARN` in fn.env, fn.key).toBe(granted);
      }
    }
  });

  it('queues: sqs:SendMessage only where declared, on the declared queue and its DLQ only, with their URLs', () => {
    for (const fn of functions()) {
      // Besides an asynchronously invoked function's own dead-letter queue (security.test.ts checks those).
      const ownDeadLetters = fn.fn.deadLetters
        ? JSON.stringify({ 'Fn::GetAtt': [logicalId(fn.capabilityStack, fn.fn.deadLetters), 'Arn'] })
        : undefined;
      const sends = fn.statements.filter(
        (s) => [s.Action].flat().includes('sqs:SendMessage') && JSON.stringify(s.Resource) !== ownDeadLetters,
      );
      const granted = fn.grants.queues ?? [];
      const queueArns = granted.map((q) => {
        const { queue, deadLetters } = fn.capabilityStack.queues.get(q)!;
        return [queue, deadLetters].map((x) => ({
          'Fn::GetAtt': [logicalId(fn.capabilityStack, x), 'Arn'],
        }));
      });
      expect(
        sends.map((s) => s.Resource),
        fn.key,
      ).toEqual(queueArns);
      for (const q of QUEUES) {
        expect(queueEnvVar(q.name) in fn.env, fn.key).toBe(granted.includes(q.name));
        expect(deadLetterEnvVar(q.name) in fn.env, fn.key).toBe(granted.includes(q.name));
      }
      // Only a queue's consumer receives from it.
      expect(fn.actions.has('sqs:ReceiveMessage'), fn.key).toBe(fn.kind === 'queue');
    }
  });

  it('timers: schedules, PassRole and the timer env only where declared', () => {
    for (const fn of functions()) {
      const granted = (fn.grants.timers ?? []).length > 0;
      expect(fn.actions.has('scheduler:CreateSchedule'), fn.key).toBe(granted);
      expect(fn.actions.has('scheduler:DeleteSchedule'), fn.key).toBe(granted);
      expect(fn.actions.has('iam:PassRole'), fn.key).toBe(granted);
      expect(TIMER_ROLE_ENV in fn.env, fn.key).toBe(granted);
      expect(TIMER_GROUP_ENV in fn.env, fn.key).toBe(granted);
      for (const t of TIMERS) {
        expect(timerTargetEnvVar(t.name) in fn.env, fn.key).toBe(!!fn.grants.timers?.includes(t.name));
      }
    }
  });

  it('bus, SMS and bucket access only where declared, each with its env var', () => {
    for (const fn of functions()) {
      expect(has(fn.actions, 'events:'), fn.key).toBe(!!fn.grants.bus);
      expect('EVENT_BUS_NAME' in fn.env, fn.key).toBe(!!fn.grants.bus);
      const optOuts = smsOptOutsOf(fn.grants);
      expect(has(fn.actions, 'sns:'), fn.key).toBe(
        !!fn.grants.notify || !!fn.grants.topics?.length || optOuts.length > 0,
      );
      expect(fn.actions.has('sns:ListPhoneNumbersOptedOut'), fn.key).toBe(optOuts.includes('list'));
      expect(fn.actions.has('sns:OptInPhoneNumber'), fn.key).toBe(optOuts.includes('optIn'));
      expect(fn.env.SMS_TYPE, fn.key).toBe(fn.grants.notify ? 'Transactional' : undefined);
      expect('IMPORTS_BUCKET' in fn.env, fn.key).toBe(!!fn.grants.imports);
      expect('RECEIPTS_BUCKET' in fn.env, fn.key).toBe(!!fn.grants.receipts);
      const s3 = [...fn.actions].filter((a) => a.startsWith('s3:'));
      const access = fn.grants.imports ?? fn.grants.receipts ?? 'none';
      const want = { presignPut: ['s3:PutObject'], read: ['s3:GetObject'], none: [] }[access];
      expect(s3, fn.key).toEqual(want);
    }
  });

  it('object grants are limited to imports/* or receipts/*, as granted', () => {
    for (const fn of functions().filter((f) => f.grants.imports || f.grants.receipts)) {
      const s3 = fn.statements.filter((s) => [s.Action].flat().some((a) => a.startsWith('s3:')));
      const prefix = fn.grants.imports ? /\/imports\/\*"/ : /\/receipts\/\*"/;
      for (const s of s3) expect(JSON.stringify(s.Resource), fn.key).toMatch(prefix);
    }
  });

  it('the receipts bucket is private, versioned, TLS only, retained, and takes PUTs from the public origin only', () => {
    const bucket = parent.toJSON().Resources[logicalId(stack, stack.receiptsBucket)] as Resource;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: {
        BlockPublicAcls: true,
        BlockPublicPolicy: true,
        IgnorePublicAcls: true,
        RestrictPublicBuckets: true,
      },
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
    const [rule] = bucket.Properties.CorsConfiguration.CorsRules;
    expect(rule.AllowedMethods).toEqual(['PUT']);
    // The web form's origin: the public address it is served at.
    expect(rule.AllowedOrigins).toHaveLength(1);
    expect(JSON.stringify(rule.AllowedOrigins)).toContain(logicalId(stack, stack.distribution!.distribution));
  });
});

describe('event rules', () => {
  const rules = () => nestedResources('AWS::Events::Rule').map(([, r]) => r.Properties);

  it('one rule per EVENT_RULES entry, on the bus it names', () => {
    expect(rules()).toHaveLength(EVENT_RULES.length);
    for (const def of EVENT_RULES) {
      const rule = rules().find((r) => r.Description === def.description)!;
      expect(rule.EventPattern.source).toEqual(def.pattern.source);
      if (def.bus === 'app') expect(rule.EventBusName).toBeDefined();
      else expect(rule.EventBusName).toBeUndefined();
    }
    parent.hasResourceProperties('AWS::Events::EventBus', { Name: 'sehatkota' });
  });

  it('the receipts rule only matches receipts/ objects of the receipts bucket', () => {
    const def = EVENT_RULES.find((r) => r.bucket === 'receipts')!;
    const rule = rules().find((r) => r.Description === def.description)!;
    expect(rule.EventPattern.detail.object).toEqual({ key: [{ prefix: 'receipts/' }] });
    const param = rule.EventPattern.detail.bucket.name[0].Ref as string;
    expect(nestedParameters(capabilityOf(def.handler))[param]).toEqual({
      Ref: logicalId(stack, stack.receiptsBucket),
    });
  });

  it('the upload rules only match their own uploads in the imports bucket, which sends events to EventBridge', () => {
    const defs = EVENT_RULES.filter((r) => r.bucket === 'imports');
    expect(defs.map((d) => d.name).sort()).toEqual([
      'CivilEventsUploaded',
      'ReconciliationUploaded',
      'ResidentImportUploaded',
    ]);
    const prefixes = new Set<string>();
    for (const def of defs) {
      const rule = rules().find((r) => r.Description === def.description)!;
      const [{ prefix }] = rule.EventPattern.detail.object.key;
      // Under imports/ (what the workers may read, and what the bucket's lifecycle expires), one prefix each.
      expect(prefix).toMatch(/^imports\/[a-z-]+\/$/);
      prefixes.add(prefix);
      const param = rule.EventPattern.detail.bucket.name[0].Ref as string;
      const capability = capabilityOf(def.handler);
      expect(nestedParameters(capability)[param]).toEqual({ Ref: logicalId(stack, stack.importsBucket) });
    }
    expect(prefixes.size).toBe(defs.length);
    parent.hasResourceProperties('AWS::S3::Bucket', {
      NotificationConfiguration: { EventBridgeConfiguration: { EventBridgeEnabled: true } },
    });
  });
});

describe('schedules', () => {
  it('one schedule per SCHEDULES entry, on WIB, invoking its function with the job name', () => {
    const schedules = nestedResources('AWS::Scheduler::Schedule').map(([, r]) => r.Properties);
    expect(schedules).toHaveLength(SCHEDULES.length);
    for (const def of SCHEDULES) {
      const schedule = schedules.find((s) => s.Description === def.description)!;
      expect(schedule).toMatchObject({
        ScheduleExpression: `cron(${def.cronWib})`,
        ScheduleExpressionTimezone: 'Asia/Jakarta',
        FlexibleTimeWindow: { Mode: 'OFF' },
      });
      expect(JSON.parse(schedule.Target.Input)).toEqual({ job: def.name });
    }
  });

  it("the scheduler's role may invoke exactly its function, and dead-letter a run it could not start", () => {
    for (const fn of functions().filter((f) => SCHEDULES.includes(f.def as (typeof SCHEDULES)[number]))) {
      const resources = nested.get(capabilityOf(fn.def.handler))!.toJSON().Resources as Record<
        string,
        Resource
      >;
      const schedule = Object.values(resources).find(
        (r) =>
          r.Type === 'AWS::Scheduler::Schedule' &&
          r.Properties.Description === (fn.def as (typeof SCHEDULES)[number]).description,
      );
      const roleId = schedule!.Properties.Target.RoleArn['Fn::GetAtt'][0];
      const statements = Object.values(resources)
        .filter((r) => r.Type === 'AWS::IAM::Policy' && JSON.stringify(r.Properties.Roles).includes(roleId))
        .flatMap((r) => r.Properties.PolicyDocument.Statement);
      const functionId = logicalId(fn.capabilityStack, fn.fn.function);
      const deadLetters = fn.fn.deadLetters!;
      expect(schedule!.Properties.Target.DeadLetterConfig).toEqual({
        Arn: { 'Fn::GetAtt': [logicalId(fn.capabilityStack, deadLetters), 'Arn'] },
      });
      // Invoke the function; put a run it could not start on the function's dead-letter queue (and its key).
      expect(statements).toEqual([
        expect.objectContaining({
          Action: 'lambda:InvokeFunction',
          Resource: { 'Fn::GetAtt': [functionId, 'Arn'] },
        }),
        expect.objectContaining({
          Action: 'sqs:SendMessage',
          Resource: { 'Fn::GetAtt': [logicalId(fn.capabilityStack, deadLetters), 'Arn'] },
        }),
        expect.objectContaining({
          Action: ['kms:GenerateDataKey', 'kms:Decrypt'],
          Resource: {
            'Fn::GetAtt': [logicalId(fn.capabilityStack, fn.capabilityStack.failedEventsKey!), 'Arn'],
          },
        }),
      ]);
    }
  });
});

describe('app', () => {
  it('is region-bound without an account', () => {
    expect(stack.region).toBe('ap-southeast-3');
    expect(Token.isUnresolved(stack.account)).toBe(true);
  });
});

describe('the sign-in domain prefix (context authDomainPrefix)', () => {
  const QUICK = { 'aws:cdk:bundling-stacks': [] };

  it('names the Cognito domain', () => {
    const { stack: s } = createApp({
      context: { ...QUICK, authDomainPrefix: 'jambi-sehat' },
      builtinCloudFormationValidation: false,
    });
    const domain = s.authDomain.node.defaultChild as CfnElement & { domain: string };
    expect(domain.domain).toBe('jambi-sehat');
  });

  it('refuses a prefix Cognito would refuse, saying what is allowed', () => {
    for (const bad of ['Jambi_Sehat', 'my-cognito-app', '-jambi']) {
      expect(() =>
        createApp({ context: { ...QUICK, authDomainPrefix: bad }, builtinCloudFormationValidation: false }),
      ).toThrow(/authDomainPrefix: use 1-63 lower-case letters/);
    }
  });
});

describe("the console map's Amazon Location key", () => {
  const QUICK = { 'aws:cdk:bundling-stacks': [] };
  const keyOf = (s: typeof stack) => {
    const [key] = Object.values(Template.fromStack(s).findResources('Custom::LocationApiKey'));
    return key!.Properties.Create as Json;
  };

  it('may fetch only map tiles, only for the console, in a region with Location maps (not Jakarta)', () => {
    const create = keyOf(stack);
    // The create call is one string of JSON with CloudFormation references in it.
    const text = JSON.stringify(create);
    expect(text).toContain('"service\\":\\"Location\\"');
    expect(text).toContain('"region\\":\\"ap-south-1\\"');
    expect(text).toContain('geo-maps:GetTile');
    expect(text).not.toMatch(/geo-maps:Get(?!Tile)|geo:\*|geo-places|geo-routes/);
    expect(text).toContain('::provider/default');
    expect(text).toContain('/console/*');
    // The style and its origin reach the console's functions, and no others.
    for (const fn of functions()) {
      const console = /^functions\/web\/console-/.test(fn.def.handler);
      expect('MAP_STYLE_URL' in fn.env, fn.key).toBe(console);
      expect('MAP_ORIGIN' in fn.env, fn.key).toBe(console);
    }
  });

  it('takes its region from context mapRegion, and refuses one without Location maps', () => {
    const { stack: s } = createApp({
      context: { ...QUICK, mapRegion: 'ap-southeast-2' },
      builtinCloudFormationValidation: false,
    });
    expect(JSON.stringify(keyOf(s))).toContain('"region\\":\\"ap-southeast-2\\"');
    expect(() =>
      createApp({
        context: { ...QUICK, mapRegion: 'ap-southeast-3' },
        builtinCloudFormationValidation: false,
      }),
    ).toThrow(/context mapRegion: must be a region with Amazon Location maps/);
  });
});

describe('the city and its first administrator', () => {
  const QUICK = { 'aws:cdk:bundling-stacks': [] };

  it('makes the first city_admin in its group, Cognito e-mailing the invitation', () => {
    const { stack: s } = createApp({
      context: {
        ...QUICK,
        firstAdmin: { username: 'admin.kota', name: 'Admin Kota', email: 'admin@example.go.id' },
      },
      builtinCloudFormationValidation: false,
    });
    const t = Template.fromStack(s);
    t.hasResourceProperties('AWS::Cognito::UserPoolUser', {
      Username: 'admin.kota',
      DesiredDeliveryMediums: ['EMAIL'],
      UserAttributes: Match.arrayWith([
        { Name: 'email', Value: 'admin@example.go.id' },
        { Name: 'email_verified', Value: 'true' },
      ]),
    });
    t.hasResourceProperties('AWS::Cognito::UserPoolUserToGroupAttachment', {
      Username: 'admin.kota',
      GroupName: 'city_admin',
    });
    // Without one, none: the stack deployed by hand before this keeps its users as they are.
    expect(parent.findResources('AWS::Cognito::UserPoolUser')).toEqual({});
  });

  it('refuses a first admin without an e-mail address, and a city idn-area-data does not list', () => {
    expect(() =>
      createApp({ context: { ...QUICK, firstAdmin: { username: 'admin.kota', name: 'Admin' } } }),
    ).toThrow(/context firstAdmin: email/);
    expect(() => createApp({ context: { ...QUICK, settings: { CITY_CODE: '15.99' } } })).toThrow(
      /CITY_CODE 15.99 is not a city or regency in idn-area-data/,
    );
  });

  it('carries the city in every function that names an area: CITY_CODE, and the same city bundled', () => {
    const { stack: s } = createApp({
      context: { ...QUICK, settings: { CITY_CODE: '21.72' } },
      builtinCloudFormationValidation: false,
    });
    expect(s.city).toEqual(cityRegionsFromPackage('21.72').city);
    const functions = Template.fromStack(s.capabilities.get('city')!).findResources('AWS::Lambda::Function');
    expect(Object.keys(functions).length).toBeGreaterThan(0);
    for (const fn of Object.values(functions)) {
      expect(
        (fn as { Properties: { Environment: { Variables: Record<string, string> } } }).Properties.Environment
          .Variables.CITY_CODE,
      ).toBe('21.72');
    }
  });
});
