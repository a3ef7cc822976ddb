// The CDK app: the SehatKota stack in its region, checked against cdk-nag's AwsSolutions pack on every synth.
// `npx cdk synth` runs this file; tests call createApp() to get the very same app.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, type AppProps, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import * as z from 'zod/mini';
import { DEFAULT_SETTINGS, settingsSchema } from '#shared/platform/config.ts';
import { SehatKotaStack, type Settings } from './stack.ts';

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
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
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

/** The Cognito sign-in domain's prefix (context `authDomainPrefix`): lower-case letters, digits and hyphens. */
function readDomainPrefix(raw: unknown): string | undefined {
  if (raw === undefined) return undefined;
  if (
    typeof raw !== 'string' ||
    !/^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(raw) ||
    /aws|amazon|cognito/.test(raw)
  ) {
    throw new Error(
      'context authDomainPrefix: use 1-63 lower-case letters, digits and hyphens, without aws, amazon or cognito',
    );
  }
  return raw;
}

// Run by the CDK CLI (npx tsx infra/app.ts): the App synthesizes itself on exit.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) createApp();
