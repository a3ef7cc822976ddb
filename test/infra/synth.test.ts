// `npx cdk synth` as the city engineer runs it: offline, no account, no Docker, every function bundled,
// cdk-nag's three packs applied — and the templates hold a function for every route, event rule, schedule, queue,
// timer and log subscription and the user pool's MFA trigger, besides the provider of the custom resource that sets
// the account's SMS attributes; and the us-east-1 edge stack with the API's web ACL.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { EVENT_RULES } from '#shared/platform/event-rules.ts';
import { LOG_SUBSCRIPTIONS } from '#shared/platform/log-subscriptions.ts';
import { QUEUES } from '#shared/platform/queues.ts';
import { ROUTES } from '#shared/platform/routes.ts';
import { SCHEDULES } from '#shared/platform/schedules.ts';
import { TIMERS } from '#shared/platform/timers.ts';
import { ALARMS, KMS_KEYS, WAF_RULES, WEB_ACLS } from '../../bench/city/bill.ts';

/** One per contract entry, and Cognito's pre token generation trigger (functions/auth/). */
const FUNCTIONS =
  ROUTES.length +
  EVENT_RULES.length +
  SCHEDULES.length +
  QUEUES.length +
  TIMERS.length +
  LOG_SUBSCRIPTIONS.length +
  1;
/** AwsCustomResource's provider (its logical id is fixed): AWS's code, on the runtime AWS picks for it. */
const CUSTOM_RESOURCE_PROVIDER = /^AWS679f53fac002430cb0da5b7982bd2287/;

const out = mkdtempSync(join(tmpdir(), 'sehatkota-synth-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe('npx cdk synth', () => {
  it('synthesizes the whole app offline with every function bundled', { timeout: 300_000 }, () => {
    execFileSync('npx', ['cdk', 'synth', '-q', '-o', out], {
      stdio: 'pipe',
      env: { ...process.env, CDK_DISABLE_VERSION_CHECK: '1', CDK_CLI_NOTICES: 'false' },
    });
    const templates = readdirSync(out).filter((f) => f.endsWith('.template.json'));
    // The main stack in its region and the edge stack in us-east-1 (CloudFront's web ACLs live there).
    const manifest = JSON.parse(readFileSync(join(out, 'manifest.json'), 'utf8')) as {
      artifacts: Record<string, { type: string; environment?: string }>;
    };
    const stacks = Object.entries(manifest.artifacts)
      .filter(([, a]) => a.type === 'aws:cloudformation:stack')
      .map(([name, a]) => [name, a.environment]);
    expect(stacks).toEqual(
      expect.arrayContaining([
        ['SehatKota', 'aws://unknown-account/ap-southeast-3'],
        ['SehatKotaEdge', 'aws://unknown-account/us-east-1'],
      ]),
    );
    const edge = JSON.parse(readFileSync(join(out, 'SehatKotaEdge.template.json'), 'utf8')) as {
      Resources: Record<string, { Type: string; Properties: { Scope?: string } }>;
    };
    expect(Object.values(edge.Resources).filter((r) => r.Type === 'AWS::WAFv2::WebACL')).toEqual([
      expect.objectContaining({ Properties: expect.objectContaining({ Scope: 'CLOUDFRONT' }) }),
    ]);
    const functions = templates.flatMap((f) => {
      const t = JSON.parse(readFileSync(join(out, f), 'utf8')) as {
        Resources: Record<
          string,
          { Type: string; Properties: { Runtime?: string; Architectures?: string[] } }
        >;
      };
      return Object.entries(t.Resources)
        .filter(([id, r]) => r.Type === 'AWS::Lambda::Function' && !CUSTOM_RESOURCE_PROVIDER.test(id))
        .map(([, r]) => r);
    });
    expect(functions).toHaveLength(FUNCTIONS);
    // The month's bill (bench/city/bill.ts) prices the stack's fixed items by these counts.
    const resources = templates.flatMap((f) =>
      Object.values(
        (
          JSON.parse(readFileSync(join(out, f), 'utf8')) as {
            Resources: Record<string, { Type: string; Properties: { Rules?: unknown[] } }>;
          }
        ).Resources,
      ),
    );
    const ofType = (type: string) => resources.filter((r) => r.Type === type);
    const acls = ofType('AWS::WAFv2::WebACL');
    expect({
      keys: ofType('AWS::KMS::Key').length,
      webAcls: acls.length,
      rules: acls.reduce((n, a) => n + (a.Properties.Rules ?? []).length, 0),
      alarms: ofType('AWS::CloudWatch::Alarm').length,
    }).toEqual({ keys: KMS_KEYS, webAcls: WEB_ACLS, rules: WAF_RULES, alarms: ALARMS });
    for (const fn of functions) {
      expect(fn.Properties.Runtime).toBe('nodejs24.x');
      expect(fn.Properties.Architectures).toEqual(['arm64']);
    }
    const bundles = readdirSync(out).filter((d) => d.startsWith('asset.'));
    const mjs = bundles.filter((d) => readdirSync(join(out, d)).includes('index.mjs'));
    expect(mjs.length).toBe(FUNCTIONS);
    // The web apps' files travel beside the bundles of the functions that serve them (the RT form's, the console's
    // with its vendored libraries), and the sign-in module both share (functions/web/common/).
    for (const folder of ['rt', 'console']) {
      const withAssets = ROUTES.filter((r) => r.grants.assets?.endsWith(`/${folder}`)).length;
      expect(withAssets, folder).toBeGreaterThan(0);
      const webBundles = mjs.filter((d) => readdirSync(join(out, d)).includes(folder));
      expect(webBundles, folder).toHaveLength(withAssets);
      for (const d of webBundles) {
        expect(readdirSync(join(out, d, folder))).toEqual(
          expect.arrayContaining(['index.html', 'app.js', 'app.css', 'lib.js', 'cognito.js']),
        );
        if (folder === 'console') {
          expect(readdirSync(join(out, d, folder, 'vendor'))).toEqual(
            expect.arrayContaining(['uPlot.esm.js', 'maplibre-gl.mjs', 'maplibre-gl-worker.mjs']),
          );
        }
      }
    }
  });
});
