// The CDK app: the SehatKota stack in its region, checked against cdk-nag's AwsSolutions pack on every synth.
// `npx cdk synth` runs this file; tests call createApp() to get the very same app.
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { App, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { DEFAULT_SETTINGS, SehatKotaStack, type Settings } from './stack.ts';

export const DEFAULT_REGION = 'ap-southeast-3';

export function createApp(options: { context?: Record<string, unknown> } = {}) {
  const app = new App({ context: options.context });
  // No account and no lookups: the template is the same wherever it is synthesized.
  const region = app.node.tryGetContext('region') ?? process.env.CDK_DEPLOY_REGION ?? DEFAULT_REGION;
  const stack = new SehatKotaStack(app, 'SehatKota', {
    env: { region },
    description: "SehatKota: a city's community health programme",
    settings: readSettings(app.node.tryGetContext('settings')),
  });
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, stack };
}

/** Settings from context `settings` (an object in cdk.json, or JSON with -c), checked against the defaults. */
function readSettings(raw: unknown): Partial<Settings> {
  if (raw === undefined) return {};
  const given = typeof raw === 'string' ? JSON.parse(raw) : raw;
  for (const [key, value] of Object.entries(given as object)) {
    if (!(key in DEFAULT_SETTINGS)) throw new Error(`context settings: unknown setting ${key}`);
    const want = typeof DEFAULT_SETTINGS[key as keyof Settings];
    if (typeof value !== want) throw new Error(`context settings: ${key} must be a ${want}`);
  }
  return given as Partial<Settings>;
}

// Run by the CDK CLI (npx tsx infra/app.ts): the App synthesizes itself on exit.
if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) createApp();
