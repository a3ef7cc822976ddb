// cdk-nag's AwsSolutions pack over the whole app (parent and nested stacks): no unacknowledged finding, and
// every acknowledgment deliberate and explained. Bundling is skipped: the checks read templates, not code.
import { App, Stack, Validations } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { Bucket } from 'aws-cdk-lib/aws-s3';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#infra/app.ts';
import { smsOptOutsOf } from '#infra/constructs/capability-stack.ts';
import { capabilityOf, SehatKotaStack } from '#infra/stack.ts';
import { EVENT_RULES } from '#shared/platform/event-rules.ts';
import { LOG_SUBSCRIPTIONS } from '#shared/platform/log-subscriptions.ts';
import { QUEUES } from '#shared/platform/queues.ts';
import { ROUTES, type RouteDef, routeKey } from '#shared/platform/routes.ts';
import { SCHEDULES } from '#shared/platform/schedules.ts';
import { TIMERS } from '#shared/platform/timers.ts';

// Skip bundling and CDK's own template validation (slow, and it only warns): cdk-nag reads the construct tree.
const QUICK = { context: { 'aws:cdk:bundling-stacks': [] }, builtinCloudFormationValidation: false };

/** What cdk-nag reports for an app, after synthesis (acknowledged findings are left out). */
function findings(app: App) {
  return new AwsSolutionsChecks().validateScope(app).violations.map((v) => ({
    rule: v.ruleName,
    severity: v.severity,
    at: v.violatingResources.map((r) => ('constructPath' in r ? r.constructPath : r.resourceLogicalId)),
  }));
}

/** Every acknowledgment in the tree: rule id, the construct it sits on, and its reason. */
function acknowledgments(root: IConstruct) {
  return root.node.findAll().flatMap((c) =>
    c.node.metadata
      .filter((m) => m.type === Validations.ACKNOWLEDGED_RULES_METADATA_KEY)
      .flatMap((m) =>
        Object.entries(m.data as Record<string, string>).map(([id, reason]) => ({
          id: id.replace(/^annotation::/i, ''),
          path: c.node.path,
          reason,
        })),
      ),
  );
}

let app: App;
let stack: SehatKotaStack;
let synthError: unknown;

beforeAll(() => {
  ({ app, stack } = createApp(QUICK));
  try {
    // Synthesis runs the AwsSolutions plugin that app.ts registers and fails on any finding.
    app.synth();
  } catch (error) {
    synthError = error;
  }
}, 60_000);

describe('cdk-nag AwsSolutions', () => {
  it('synthesizes with the plugin registered in app.ts', () => {
    expect(synthError).toBeUndefined();
  });

  it('finds nothing unacknowledged, errors or warnings, in any stack', () => {
    expect(findings(app)).toEqual([]);
  });

  it('is really checking: an unguarded bucket is reported', () => {
    const probe = new App(QUICK);
    new Bucket(new Stack(probe, 'Probe'), 'Open');
    const rules = findings(probe).map((f) => f.rule);
    expect(rules).toEqual(expect.arrayContaining(['AwsSolutions-S1', 'AwsSolutions-S10']));
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
        // the public routes: /verify/{code}, the web form
        'AwsSolutions-APIG4',
        'AwsSolutions-COG2',
        // the HMAC key of verification codes (KMS does not rotate HMAC keys)
        'AwsSolutions-KMS5',
        'AwsSolutions-IAM5[Resource::*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<ImportsBucketName>/imports/*]',
        'AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::<ReceiptsBucketName>/receipts/*]',
        'AwsSolutions-L1',
        'AwsSolutions-S1',
        // the dead-letter queue of each work queue and of each timer
        'AwsSolutions-SQS3',
        ...timerSchedules,
      ].sort(),
    );
  });

  it('acknowledges wildcard resources only on functions granted SMS, the opt-out list, an upload bucket or a timer', () => {
    const granted = [...ROUTES, ...EVENT_RULES, ...SCHEDULES, ...QUEUES, ...TIMERS, ...LOG_SUBSCRIPTIONS]
      .map(
        ({ grants: g }) =>
          Number(!!g.notify) +
          Number(smsOptOutsOf(g).length > 0) +
          Number(!!g.imports) +
          Number(!!g.receipts) +
          (g.timers?.length ?? 0),
      )
      .reduce((a, b) => a + b, 0);
    const wildcards = acknowledgments(app).filter((a) => a.id.startsWith('AwsSolutions-IAM5'));
    // And the one call that sets the account's SMS attributes (SetSMSAttributes has no resource ARN).
    expect(wildcards).toHaveLength(granted + 1);
  });

  it("acknowledges SetSMSAttributes' wildcard on that custom resource only, and nothing else on it", () => {
    const smsAccount = [...stack.capabilities.values()].find((c) => c.smsAccount)!.smsAccount!;
    const acks = acknowledgments(smsAccount);
    expect(acks.map((a) => [a.id, a.path])).toEqual([
      ['AwsSolutions-IAM5[Resource::*]', smsAccount.resource.node.path],
    ]);
    expect(acks[0]!.reason).toMatch(/sns:SetSMSAttributes/);
  });

  it('acknowledges SQS3 on dead-letter queues only, one per work queue and one per timer', () => {
    const sqs3 = acknowledgments(app).filter((a) => a.id === 'AwsSolutions-SQS3');
    expect(sqs3.map((a) => a.path).sort()).toEqual(
      [...stack.capabilities.values()]
        .flatMap((c) => [...c.queues.values(), ...c.timers.values()])
        .map((q) => q.deadLetters.node.path)
        .sort(),
    );
  });
});

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
