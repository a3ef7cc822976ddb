// cdk-nag's AwsSolutions, HIPAA Security and Serverless packs over the whole app (the main stack, its nested stacks
// and the us-east-1 edge stack): no unacknowledged finding, and every acknowledgment deliberate and explained.
// Bundling is skipped: the checks read templates, not code.
import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { type CfnFunction, Code, Function as LambdaFunction, Runtime } from 'aws-cdk-lib/aws-lambda';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks, HIPAASecurityChecks, ServerlessChecks } from 'cdk-nag';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#infra/app.ts';
import { AppFunction } from '#infra/constructs/app-function.ts';
import { smsOptOutsOf } from '#infra/constructs/capability-stack.ts';
import { capabilityOf, SehatKotaStack } from '#infra/stack.ts';
import { EVENT_RULES } from '#shared/platform/event-rules.ts';
import { LOG_SUBSCRIPTIONS } from '#shared/platform/log-subscriptions.ts';
import { QUEUES } from '#shared/platform/queues.ts';
import { ROUTES, type RouteDef, routeKey } from '#shared/platform/routes.ts';
import { SCHEDULES } from '#shared/platform/schedules.ts';
import { TIMERS } from '#shared/platform/timers.ts';
import { acknowledgments } from '../support/nag.ts';

// Skip bundling and CDK's own template validation (slow, and it only warns): cdk-nag reads the construct tree.
const QUICK = { context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false };

/** The packs infra/app.ts registers. */
const PACKS = () => [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new ServerlessChecks()];

/** What cdk-nag's three packs report for an app, after synthesis (acknowledged findings are left out). */
function findings(app: App) {
  return PACKS().flatMap((pack) =>
    pack.validateScope(app).violations.map((v) => ({
      rule: v.ruleName,
      severity: v.severity,
      at: v.violatingResources.map((r) => ('constructPath' in r ? r.constructPath : r.resourceLogicalId)),
    })),
  );
}

let app: App;
let stack: SehatKotaStack;
let synthError: unknown;

beforeAll(() => {
  ({ app, stack } = createApp(QUICK));
  try {
    // Synthesis runs the three packs app.ts registers and fails on any finding.
    app.synth();
  } catch (error) {
    synthError = error;
  }
}, 60_000);

describe('cdk-nag: AwsSolutions, HIPAA Security and Serverless', () => {
  it('synthesizes with the plugins registered in app.ts', () => {
    expect(synthError).toBeUndefined();
  });

  it('finds nothing unacknowledged, errors or warnings, in any stack', () => {
    expect(findings(app)).toEqual([]);
  });

  it('checks the us-east-1 edge stack too', () => {
    expect(stack.edge?.region).toBe('us-east-1');
    expect(stack.edge!.node.root).toBe(app);
  });

  it('is really checking, with every pack: an unguarded bucket and a bare function are reported', () => {
    const probe = new App(QUICK);
    const probeStack = new Stack(probe, 'Probe');
    new Bucket(probeStack, 'Open');
    new LambdaFunction(probeStack, 'Bare', {
      runtime: Runtime.NODEJS_24_X,
      handler: 'index.handler',
      code: Code.fromInline('exports.handler = async () => {}'),
    });
    const rules = findings(probe).map((f) => f.rule);
    expect(rules).toEqual(
      expect.arrayContaining([
        'AwsSolutions-S1',
        'AwsSolutions-S10',
        'HIPAA.Security-S3DefaultEncryptionKMS',
        'HIPAA.Security-LambdaDLQ',
        'Serverless-LambdaTracing',
        'Serverless-LambdaDLQ',
      ]),
    );
  });

  it('every acknowledgment gives a reason of a sentence or more', () => {
    const all = acknowledgments(app);
    expect(all.length).toBeGreaterThan(0);
    for (const ack of all) {
      expect(ack.reason.split(/\s+/).length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(8);
    }
  });

  it('acknowledges only these rules', () => {
    const ids = new Set(acknowledgments(app).map((a) => a.id));
    // One-time timers are schedules named <timer>-<id> in the timer's own group (its name is generated).
    const timerSchedules = TIMERS.map((t) => {
      const group = stack.capabilities.get(capabilityOf(t.handler))!.timers.get(t.name)!
        .group.scheduleGroupName;
      return `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:scheduler:${stack.region}:<AWS::AccountId>:schedule/${group}/${t.name}-*]`;
    });
    expect([...ids].sort()).toEqual(
      [
        // the public routes: /verify/{code}, the web form, the public fund pages, ack links, inbound SMS
        'AwsSolutions-APIG4',
        // CloudFront: no geo restriction, no standard logs (URLs carry NIKs), the default certificate's TLS
        'AwsSolutions-CFR1',
        'AwsSolutions-CFR3',
        'AwsSolutions-CFR4',
        // MFA optional in the pool, required of city_admin and social_verifier by the API
        'AwsSolutions-COG2',
        // AWS Backup's own service-role policy
        'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
        // the HMAC key of verification codes (KMS does not rotate HMAC keys)
        'AwsSolutions-KMS5',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<ImportsBucketName>/imports/*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<ReceiptsBucketName>/receipts/*]',
        'AwsSolutions-S1',
        // dead-letter queues: of each work queue, timer, event-invoked function, the inbound SMS subscription
        'AwsSolutions-SQS3',
        'HIPAA.Security-IAMNoInlinePolicy',
        'HIPAA.Security-LambdaConcurrency',
        'HIPAA.Security-LambdaDLQ',
        'HIPAA.Security-LambdaInsideVPC',
        'HIPAA.Security-S3BucketReplicationEnabled',
        // the server access log bucket (S3 delivers those logs to SSE-S3 buckets only)
        'HIPAA.Security-S3DefaultEncryptionKMS',
        'Serverless-LambdaDLQ',
        'Serverless-LambdaEventSourceMappingDestination',
        // the SMS attributes' custom-resource provider only
        'Serverless-LambdaTracing',
        'Serverless-SQSRedrivePolicy',
        ...timerSchedules,
      ].sort(),
    );
  });

  it('acknowledges Resource "*" once per function (X-Ray), once per SMS or opt-out grant, SetSMSAttributes and the user pool\'s SMS role', () => {
    const defs = [...ROUTES, ...EVENT_RULES, ...SCHEDULES, ...QUEUES, ...TIMERS, ...LOG_SUBSCRIPTIONS];
    const sms = defs
      .map(({ grants: g }) => Number(!!g.notify) + Number(smsOptOutsOf(g).length > 0))
      .reduce((a, b) => a + b, 0);
    const star = acknowledgments(app).filter((a) => a.id === 'AwsSolutions-IAM5[Resource::*]');
    const functions = appFunctions();
    // Every function (and the MFA trigger) for X-Ray, on its role; security.test.ts checks which actions use "*".
    const onRoles = star.filter((a) => functions.some((fn) => fn.role.node.path === a.path));
    expect(onRoles).toHaveLength(functions.length);
    for (const ack of onRoles) expect(ack.reason).toMatch(/xray:PutTraceSegments/);
    // SetSMSAttributes, and Cognito's role for the invitation SMS of POST /staff.
    expect(star.filter((a) => /\/Users\/smsRole(\/Resource)?$/.test(a.path))).toHaveLength(1);
    expect(star).toHaveLength(functions.length + sms + 2);
  });

  it('acknowledges object prefixes and schedule names once per bucket grant and timer grant', () => {
    const defs = [...ROUTES, ...EVENT_RULES, ...SCHEDULES, ...QUEUES, ...TIMERS, ...LOG_SUBSCRIPTIONS];
    const granted = defs
      .map(({ grants: g }) => Number(!!g.imports) + Number(!!g.receipts) + (g.timers?.length ?? 0))
      .reduce((a, b) => a + b, 0);
    const named = acknowledgments(app).filter(
      (a) => a.id.startsWith('AwsSolutions-IAM5') && a.id !== 'AwsSolutions-IAM5[Resource::*]',
    );
    expect(named).toHaveLength(granted);
  });

  it("acknowledges SetSMSAttributes' wildcard on that custom resource only; inline policies on its roles", () => {
    const smsAccount = [...stack.capabilities.values()].find((c) => c.smsAccount)!.smsAccount!;
    const acks = acknowledgments(smsAccount);
    expect(acks.filter((a) => a.id.startsWith('AwsSolutions-IAM5')).map((a) => [a.id, a.path])).toEqual([
      ['AwsSolutions-IAM5[Resource::*]', smsAccount.resource.node.path],
    ]);
    expect(acks.find((a) => a.id.startsWith('AwsSolutions-IAM5'))!.reason).toMatch(/sns:SetSMSAttributes/);
    expect(acks.filter((a) => !a.id.startsWith('AwsSolutions-IAM5')).map((a) => [a.id, a.path])).toEqual(
      expect.arrayContaining([
        ['HIPAA.Security-IAMNoInlinePolicy', smsAccount.resource.node.path],
        ['HIPAA.Security-IAMNoInlinePolicy', smsAccount.deliveryStatusRole.node.path],
        ['HIPAA.Security-IAMNoInlinePolicy', smsAccount.providerRole.node.path],
      ]),
    );
    expect(acks).toHaveLength(4);
  });

  it('acknowledges SQS3 and SQSRedrivePolicy on dead-letter queues only', () => {
    const deadLetters = new Set([
      ...[...stack.capabilities.values()].flatMap((c) =>
        [...c.queues.values(), ...c.timers.values()].map((q) => q.deadLetters.node.path),
      ),
      ...appFunctions().flatMap((fn) => (fn.deadLetters ? [fn.deadLetters.node.path] : [])),
      stack.inboundSmsDeadLetters!.node.path,
    ]);
    for (const id of ['AwsSolutions-SQS3', 'Serverless-SQSRedrivePolicy']) {
      const at = acknowledgments(app).filter((a) => a.id === id);
      expect(at.map((a) => a.path).sort(), id).toEqual([...deadLetters].sort());
    }
  });

  it('acknowledges a missing Lambda dead-letter queue only on functions nobody invokes asynchronously', () => {
    for (const id of ['HIPAA.Security-LambdaDLQ', 'Serverless-LambdaDLQ']) {
      const at = new Set(
        acknowledgments(app)
          .filter((a) => a.id === id)
          .map((a) => a.path),
      );
      for (const fn of appFunctions()) {
        expect(at.has(fn.function.node.path), `${id} ${fn.handler}`).toBe(fn.invocation !== 'event');
        // Those invoked by events have one instead.
        expect(!!fn.deadLetters, fn.handler).toBe(fn.invocation === 'event');
      }
    }
  });

  it('acknowledges unreserved concurrency only on functions without a reserved concurrency', () => {
    const at = new Set(
      acknowledgments(app)
        .filter((a) => a.id === 'HIPAA.Security-LambdaConcurrency')
        .map((a) => a.path),
    );
    const resource = (fn: AppFunction) => fn.function.node.defaultChild as CfnFunction;
    for (const fn of appFunctions()) {
      const reserved = resource(fn).reservedConcurrentExecutions !== undefined;
      expect(at.has(fn.function.node.path), fn.handler).toBe(!reserved);
    }
  });
});

/** Every AppFunction of the app: the contracts' functions and the user pool's MFA trigger. */
function appFunctions(): AppFunction[] {
  return app.node.findAll().filter((c): c is AppFunction => c instanceof AppFunction);
}

describe('a public route', () => {
  // Make one more route public to check the opt-out follows the contract.
  const publicRoute = (r: RouteDef): RouteDef => (r.path === '/uhc' ? { ...r, roles: 'public' } : r);
  let probe: App;
  let stack: SehatKotaStack;

  beforeAll(() => {
    probe = new App(QUICK);
    stack = new SehatKotaStack(probe, 'PublicProbe', { routes: ROUTES.map(publicRoute) });
    probe.synth();
  }, 60_000);

  it('has no authorizer, while the others keep it', () => {
    const routes = Object.values(
      Template.fromStack(stack.capabilities.get('registry')!).findResources('AWS::ApiGatewayV2::Route'),
    );
    for (const route of routes) {
      const isPublic = route.Properties.RouteKey === 'GET /uhc';
      expect(route.Properties.AuthorizationType, route.Properties.RouteKey).toBe(isPublic ? 'NONE' : 'JWT');
      expect(route.Properties.AuthorizerId === undefined, route.Properties.RouteKey).toBe(isPublic);
    }
  });

  it('passes cdk-nag with APIG4 acknowledged on that route only', () => {
    expect(findings(probe)).toEqual([]);
    const apig4 = acknowledgments(probe).filter((a) => a.id === 'AwsSolutions-APIG4');
    const publicKeys = ROUTES.map(publicRoute)
      .filter((r) => r.roles === 'public')
      .map(routeKey);
    expect(publicKeys).toContain('GET /uhc');
    // One acknowledgment per public route, each naming its route.
    expect(apig4).toHaveLength(publicKeys.length);
    for (const key of publicKeys) expect(apig4.filter((a) => a.reason.includes(`${key} is`))).toHaveLength(1);
  });
});
