// The deploy configuration: where the pipeline takes the code from, which accounts it deploys to, and each stage's
// settings, people and sign-in domain. One zod schema, read from context `deploy` (cdk.json, or -c deploy=<json>)
// and checked at synth time, so a mistake stops `cdk synth` with every problem and its path, not a deploy halfway.
import * as z from 'zod/mini';
import { type Config, DEFAULT_SETTINGS, settingsSchema } from '#shared/platform/config.ts';
import { normalisePhone } from '#shared/registry/phone.ts';
import { regencies } from '../regions.ts';

export const STAGES = ['dev', 'prod'] as const;
export type StageName = (typeof STAGES)[number];

/** The Cognito sign-in domain's prefix: also what `-c authDomainPrefix` takes for the stack deployed by hand. */
export const AUTH_DOMAIN_PREFIX_RULE =
  'use 1-63 lower-case letters, digits and hyphens, without aws, amazon or cognito';
export const isAuthDomainPrefix = (value: unknown): value is string =>
  typeof value === 'string' &&
  /^[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?$/.test(value) &&
  !/aws|amazon|cognito/.test(value);

const ACCOUNT = z.string().check(z.regex(/^\d{12}$/, 'must be a 12-digit AWS account id, in quotes'));
const REGION = z
  .string()
  .check(
    z.regex(/^[a-z]{2}(-gov|-iso[a-z]?)?-[a-z]+-\d{1,2}$/, 'must be an AWS region such as ap-southeast-3'),
  );
// Staff get their alerts by SMS from SNS, which sends to Indonesian mobiles only in this app (shared/registry/phone.ts).
const PHONE = z
  .string()
  .check(
    z.refine(
      (phone) => normalisePhone(phone) === phone,
      'must be an Indonesian mobile number in E.164 form, like +6281234567890',
    ),
  );
const EMAIL = z.email('must be an e-mail address');
const BRANCH = z
  .string()
  .check(
    z.regex(
      /^(?!\/|.*\/\/|.*\.\.|.*@\{|.*\/$|.*\.lock$|.*\.$)[^\s~^:?*[\\]+$/,
      'must be a Git branch name such as main',
    ),
  );
// CodeConnections ARNs (codeconnections) and those made before the rename (codestar-connections) both work.
const CONNECTION_ARN = z
  .string()
  .check(
    z.regex(
      /^arn:aws[a-z-]*:(codeconnections|codestar-connections):[a-z0-9-]+:\d{12}:connection\/[0-9a-f-]{36}$/,
      'must be a connection ARN: arn:aws:codeconnections:<region>:<account>:connection/<id> (Developer Tools ' +
        '> Settings > Connections)',
    ),
  );

/** A list without repeats: a phone or address twice would subscribe it twice (and clash in CloudFormation). */
const distinct = <T extends z.ZodMiniType<string>>(item: T) =>
  z.array(item).check(
    z.superRefine((list, ctx) => {
      list.forEach((value, i) => {
        if (list.indexOf(value) !== i) {
          ctx.addIssue({ code: 'custom', message: `repeats ${value}`, path: [i], input: value });
        }
      });
    }),
  );

/**
 * The runtime settings of shared/platform/config.ts, any of them, checked as the functions check them; the rest
 * keep their defaults.
 */
const SETTINGS = z.partial(
  z.strictObject(settingsSchema.shape, {
    error: (issue) =>
      issue.code === 'unrecognized_keys'
        ? `unknown setting(s) ${issue.keys.join(', ')}: the settings are those of shared/platform/config.ts`
        : undefined,
  }),
);

/**
 * The city's first administrator: the stack makes the account (Cognito e-mails the invitation with a temporary
 * password) in the city_admin group; every other staff account is then made through POST /staff.
 */
export const FIRST_ADMIN = z.strictObject({
  username: z
    .string()
    .check(
      z.regex(
        /^[a-z0-9][a-z0-9._-]{2,63}$/,
        'must be 3 to 64 lower-case letters, digits, dots, hyphens or _',
      ),
    ),
  name: z.string().check(z.minLength(2), z.maxLength(100)),
  email: EMAIL,
});
export type FirstAdmin = z.infer<typeof FIRST_ADMIN>;

const STAGE = z.strictObject({
  account: ACCOUNT,
  region: REGION,
  settings: z.optional(SETTINGS),
  /** Told of missed acknowledgements and of incidents no unit responds to (the `supervisors` topic). */
  supervisorPhones: z._default(distinct(PHONE), []),
  /** The engineers who run SehatKota: its alarms (the `operations` topic). */
  operationsEmails: z._default(distinct(EMAIL), []),
  /** <prefix>.auth.<region>.amazoncognito.com; sehatkota-<account> when not given. */
  authDomainPrefix: z.optional(
    z.string().check(z.refine(isAuthDomainPrefix, `must be a domain prefix: ${AUTH_DOMAIN_PREFIX_RULE}`)),
  ),
  /** The first city_admin, made by the stack; the others through POST /staff. */
  firstAdmin: z.optional(FIRST_ADMIN),
});

/** Either a connection and repository, or a CodeCommit repository (crossChecks says which is missing). */
const SOURCE = z.strictObject({
  /** A CodeStar connection (CodeConnections) to GitHub, GitLab or Bitbucket, approved in the console. */
  connectionArn: z.optional(CONNECTION_ARN),
  /** owner/repository on that Git host. */
  repository: z.optional(
    z.string().check(z.regex(/^[\w.-]+(\/[\w.-]+)+$/, 'must be owner/repository as on the Git host')),
  ),
  /** Or a CodeCommit repository of the pipeline's account and region, by name. */
  codeCommitRepository: z.optional(
    z.string().check(z.regex(/^[\w.-]{1,100}$/, 'must be a CodeCommit repository name')),
  ),
  branch: BRANCH,
});

/** The deploy configuration, as cdk.json's `deploy` holds it. */
export const deployConfigSchema = z
  .strictObject({
    source: SOURCE,
    /** The account the pipeline lives in (best a tooling account of its own); dev's account when not given. */
    pipelineAccount: z.optional(ACCOUNT),
    /** The pipeline's region; dev's region when not given. */
    pipelineRegion: z.optional(REGION),
    stages: z.strictObject({ dev: STAGE, prod: STAGE }),
  })
  .check(
    // The rules across fields, once every field has passed (readDeployConfig runs them otherwise too).
    z.superRefine((config, ctx) => {
      for (const issue of crossChecks(config)) ctx.addIssue({ code: 'custom', input: undefined, ...issue });
    }),
  );

export type Source =
  | { kind: 'connection'; connectionArn: string; repository: string; branch: string }
  | { kind: 'codeCommit'; repository: string; branch: string };

/** Where the pipeline takes the code from, as one of its two kinds. */
export function sourceOf({ source }: DeployConfig): Source {
  if (source.codeCommitRepository) {
    return { kind: 'codeCommit', repository: source.codeCommitRepository, branch: source.branch };
  }
  // crossChecks has made sure both are there.
  return {
    kind: 'connection',
    connectionArn: source.connectionArn!,
    repository: source.repository!,
    branch: source.branch,
  };
}
export type StageConfig = z.infer<typeof STAGE>;
export type DeployConfig = z.infer<typeof deployConfigSchema>;

/** What the cross-field rules read: the input as parsed so far, any field possibly missing or wrong. */
type Loose = {
  source?: Record<string, unknown>;
  stages?: Partial<Record<StageName, Record<string, unknown> | undefined>>;
};
type Problem = { path: PropertyKey[]; message: string };

/**
 * The rules across fields, on the input as given: the schema runs them once its fields pass, and readDeployConfig
 * runs them on the raw input when a field fails (zod skips refinements then), so one synth lists every problem.
 */
function crossChecks(input: unknown): Problem[] {
  const problems: Problem[] = [];
  const issue = (path: PropertyKey[], message: string) => problems.push({ path, message });
  const config = (typeof input === 'object' && input ? input : {}) as Loose;
  const source = typeof config.source === 'object' && config.source ? config.source : undefined;
  if (source) {
    const byConnection = source.connectionArn !== undefined || source.repository !== undefined;
    const byCodeCommit = source.codeCommitRepository !== undefined;
    const either =
      'give either connectionArn and repository (a CodeStar connection to GitHub, GitLab or Bitbucket) or ' +
      'codeCommitRepository, with branch';
    if (byConnection === byCodeCommit) issue(['source'], either);
    else if (byConnection && source.connectionArn === undefined) {
      issue(['source', 'connectionArn'], 'is required with repository: the connection that reaches it');
    } else if (byConnection && source.repository === undefined) {
      issue(['source', 'repository'], 'is required with connectionArn: owner/repository on the Git host');
    }
  }
  const dev = config.stages?.dev;
  const prod = config.stages?.prod;
  for (const name of STAGES) {
    const stage = config.stages?.[name];
    const settings = stage?.settings;
    if (typeof settings !== 'object' || !settings) continue;
    // The account's SMS limit covers the 112 alerts too, so it must leave room above the reminders' budget.
    const merged = { ...DEFAULT_SETTINGS, ...settings } as Record<keyof Config, unknown>;
    // The city's regions come from idn-area-data: its code must be one the package lists.
    const city = merged.CITY_CODE;
    if (typeof city === 'string' && /^\d{2}\.\d{2}$/.test(city) && !regencies().has(city)) {
      issue(
        ['stages', name, 'settings', 'CITY_CODE'],
        'is not a city or regency in idn-area-data (e.g. 15.71)',
      );
    }
    const limit = Number(merged.SMS_ACCOUNT_SPEND_LIMIT_USD);
    const budget = Number(merged.SMS_MONTHLY_BUDGET_USD);
    if (Number.isFinite(limit) && Number.isFinite(budget) && !(limit > budget)) {
      issue(
        ['stages', name, 'settings', 'SMS_ACCOUNT_SPEND_LIMIT_USD'],
        `must be above SMS_MONTHLY_BUDGET_USD (${budget}): the account's limit covers the 112 alerts too`,
      );
    }
  }
  // Missing, the list defaults to empty; prod's 112 escalations must reach someone.
  const prodPhones = typeof prod === 'object' && prod ? (prod.supervisorPhones ?? []) : undefined;
  if (Array.isArray(prodPhones) && prodPhones.length === 0) {
    issue(
      ['stages', 'prod', 'supervisorPhones'],
      "must list at least one phone: prod's missed acknowledgements and unanswered incidents go to them",
    );
  }
  if (!dev || !prod) return problems;
  // Each stage owns account-wide things (the SNS SMS settings, the event bus, SNS's SMS log groups).
  if (typeof dev.account === 'string' && dev.account === prod.account) {
    issue(
      ['stages', 'prod', 'account'],
      "must not be dev's account: a stage sets the account's SMS settings and owns its event bus and SNS log groups",
    );
  }
  return problems;
}

/** A configuration that does not pass, with every problem as `deploy.<path>: <what is wrong>`. */
export class DeployConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `context deploy (cdk.json, or -c deploy=<json>): ${problems.length} problem(s)\n` +
        problems.map((p) => `  ${p}`).join('\n'),
    );
    this.name = 'DeployConfigError';
  }
}

/** The deploy configuration in context `deploy` (an object in cdk.json, or JSON with -c), or undefined without one. */
export function readDeployConfig(raw: unknown): DeployConfig | undefined {
  if (raw === undefined) return undefined;
  let given = raw;
  if (typeof raw === 'string') {
    try {
      given = JSON.parse(raw);
    } catch (error) {
      throw new DeployConfigError([`deploy: is not JSON (${(error as Error).message})`]);
    }
  }
  const parsed = z.safeParse(deployConfigSchema, given, { error: plainMessage });
  if (parsed.success) return parsed.data;
  const problems = [...parsed.error.issues, ...crossChecks(given)].map(
    (i) => `${pathOf(['deploy', ...i.path])}: ${i.message}`,
  );
  throw new DeployConfigError([...new Set(problems)]);
}

/** deploy.stages.prod.supervisorPhones[1] */
function pathOf(path: PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : `${i ? '.' : ''}${String(p)}`)).join('');
}

/** zod/mini carries no messages of its own ("Invalid input"): say what is wanted, as the other errors here do. */
function plainMessage(issue: z.core.$ZodRawIssue): string | undefined {
  switch (issue.code) {
    case 'invalid_type':
      if (issue.input === undefined) return 'is required';
      return `must be ${TYPE_NAMES[issue.expected] ?? issue.expected}`;
    case 'too_big':
      if (issue.origin === 'array') return `must list at most ${issue.maximum}`;
      if (issue.origin === 'string') return `must be at most ${issue.maximum} characters`;
      return `must be ${issue.inclusive ? 'at most' : 'below'} ${issue.maximum}`;
    case 'too_small':
      if (issue.origin === 'array') return `must list at least ${issue.minimum}`;
      if (issue.origin === 'string') return `must be at least ${issue.minimum} characters`;
      return `must be ${issue.inclusive ? 'at least' : 'above'} ${issue.minimum}`;
    case 'unrecognized_keys':
      return `unknown key(s) ${issue.keys.join(', ')}`;
    case 'invalid_value':
      return `must be one of ${issue.values.map((v) => JSON.stringify(v)).join(', ')}`;
    default:
      return undefined;
  }
}

const TYPE_NAMES: Record<string, string> = {
  string: 'a string (in quotes)',
  number: 'a number',
  int: 'a whole number',
  boolean: 'true or false',
  array: 'a list',
  object: 'an object',
};
