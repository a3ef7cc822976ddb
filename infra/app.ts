// The CDK app: the SehatKota stack in its region and, with a deploy config (context `deploy`), the pipeline that
// deploys it to dev and prod; all checked against cdk-nag's packs on every synth.
// `npx cdk synth` runs this file; tests call createApp() to get the very same app.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks, HIPAASecurityChecks, ServerlessChecks } from 'cdk-nag';
import * as z from 'zod/mini';
import { DEFAULT_SETTINGS, settingsSchema } from '#shared/platform/config.ts';
import {
  AUTH_DOMAIN_PREFIX_RULE,
  FIRST_ADMIN,
  type FirstAdmin,
  isAuthDomainPrefix,
  readDeployConfig,
} from './pipeline/config.ts';
import { PIPELINE_STACK_ID, SehatKotaPipelineStack } from './pipeline/pipeline-stack.ts';
import { LOCATION_MAP_REGIONS, SehatKotaStack, type Settings } from './stack.ts';

export const DEFAULT_REGION = 'ap-southeast-3';

/** Tests pass context (e.g. to skip bundling) and may turn off CDK's slow built-in template validation. */
export function createApp(options: Pick<AppProps, 'context' | 'builtinCloudFormationValidation'> = {}) {
  const app = new App(options);
  // No account and no lookups: the template is the same wherever it is synthesized.
  const region = app.node.tryGetContext('region') ?? process.env.CDK_DEPLOY_REGION ?? DEFAULT_REGION;
  const stack = new SehatKotaStack(app, 'SehatKota', {
    env: { region },
    description: "SehatKota: a city's community health programme",
    settings: readSettings(app.node.tryGetContext('settings')),
    authDomainPrefix: readDomainPrefix(app.node.tryGetContext('authDomainPrefix')),
    firstAdmin: readFirstAdmin(app.node.tryGetContext('firstAdmin')),
    mapRegion: readMapRegion(app.node.tryGetContext('mapRegion')),
  });
  // The pipeline only with a deploy config: without one, `cdk synth` builds the one stack above, as ever.
  const deploy = readDeployConfig(app.node.tryGetContext('deploy'));
  const pipeline = deploy && new SehatKotaPipelineStack(app, PIPELINE_STACK_ID, { config: deploy });
  // Three packs, every finding fixed or acknowledged with its reason: AWS Solutions, HIPAA Security, Serverless.
  Validations.of(app).addPlugins(
    new AwsSolutionsChecks(app),
    new HIPAASecurityChecks(app),
    new ServerlessChecks(app),
  );
  return { app, stack, pipeline };
}

/** Settings from context `settings` (an object in cdk.json, or JSON with -c), checked as the functions check them. */
function readSettings(raw: unknown): Partial<Settings> {
  if (raw === undefined) return {};
  const given = (typeof raw === 'string' ? JSON.parse(raw) : raw) as Record<string, unknown>;
  const unknown = Object.keys(given).filter((k) => !(k in DEFAULT_SETTINGS));
  if (unknown.length) throw new Error(`context settings: unknown setting(s) ${unknown.join(', ')}`);
  const checked = z.safeParse(settingsSchema, { ...DEFAULT_SETTINGS, ...given });
  if (!checked.success) {
    const issues = checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`context settings: ${issues}`);
  }
  return checked.data;
}

/** The city's first administrator (context `firstAdmin`: {username, name, email}), checked as the deploy config is. */
function readFirstAdmin(raw: unknown): FirstAdmin | undefined {
  if (raw === undefined) return undefined;
  const checked = z.safeParse(FIRST_ADMIN, typeof raw === 'string' ? JSON.parse(raw) : raw);
  if (!checked.success) {
    const issues = checked.error.issues
      .map((i) => `${i.path.join('.') || 'firstAdmin'}: ${i.message}`)
      .join('; ');
    throw new Error(`context firstAdmin: ${issues}`);
  }
  return checked.data;
}

/** The Cognito sign-in domain's prefix (context `authDomainPrefix`): lower-case letters, digits and hyphens. */
function readDomainPrefix(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (!isAuthDomainPrefix(raw)) throw new Error(`context authDomainPrefix: ${AUTH_DOMAIN_PREFIX_RULE}`);
  return raw;
}

/** Where the console's map key is made (context `mapRegion`): a region with Amazon Location's maps. */
function readMapRegion(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (typeof raw !== 'string' || !LOCATION_MAP_REGIONS.includes(raw)) {
    throw new Error(
      `context mapRegion: must be a region with Amazon Location maps: ${LOCATION_MAP_REGIONS.join(', ')}`,
    );
  }
  return raw;
}

// Run by the CDK CLI (npx tsx infra/app.ts): the App synthesizes itself on exit.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) createApp();
