// The deploy config (context `deploy`) and the pipeline it builds: the config's checks name every problem by its
// path; the pipeline stack synthesizes offline from a sample config (a CodeStar connection or CodeCommit), runs the
// README's tests and `cdk synth`, deploys dev then prod after an approval, carries each stage's settings and people,
// and comes out of cdk-nag's three packs clean. Bundling is skipped: these tests read templates, not code.
import { readFileSync } from 'node:fs';
import { App, Stack, Stage } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { CodePipeline, CodePipelineSource, ShellStep } from 'aws-cdk-lib/pipelines';
import { AwsSolutionsChecks, HIPAASecurityChecks, ServerlessChecks } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createApp } from '#infra/app.ts';
import { DeployConfigError, readDeployConfig, STAGES, type StageName } from '#infra/pipeline/config.ts';
import { BUILD_IMAGE, PIPELINE_STACK_ID, SehatKotaPipelineStack } from '#infra/pipeline/pipeline-stack.ts';
import type { SehatKotaStack } from '#infra/stack.ts';
import { acknowledgments } from '../support/nag.ts';

// biome-ignore lint/suspicious/noExplicitAny: template JSON is untyped; the assertions below are the types.
type Json = any;

const QUICK = { 'aws:cdk:bundling-stacks': [] };
const CONNECTION_ARN =
  'arn:aws:codeconnections:ap-southeast-3:333333333333:connection/0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0';

/** A sample config: dev and prod in their own accounts, a tooling account for the pipeline. */
const sample = () => ({
  source: { connectionArn: CONNECTION_ARN, repository: 'kota-jambi/sehatkota', branch: 'main' },
  pipelineAccount: '333333333333',
  stages: {
    dev: {
      account: '111111111111',
      region: 'ap-southeast-3',
      settings: { SMS_RATE_PER_SECOND: 2, ACK_TIMEOUT_SECONDS: 120 },
      supervisorPhones: ['+6281000000001'],
      operationsEmails: ['dev-ops@example.go.id'],
    },
    prod: {
      account: '222222222222',
      region: 'ap-southeast-3',
      authDomainPrefix: 'sehatkota-jambi',
      settings: { SMS_RATE_PER_SECOND: 30, UHC_COVERED_PCT: 95, PREMIUM_PER_PERSON: 42_000 },
      supervisorPhones: ['+6281000000002', '+6281000000003'],
      operationsEmails: ['ops@example.go.id', 'oncall@example.go.id'],
    },
  },
});

/** The problems a config is refused with. */
function problemsOf(config: unknown): string[] {
  try {
    readDeployConfig(config);
  } catch (error) {
    if (error instanceof DeployConfigError) return error.problems;
    throw error;
  }
  throw new Error('the config was accepted');
}

/** The pipeline stack (and its stages) on an app of its own: no standalone app stack, no nag plugins to run. */
function pipelineOf(config: unknown): SehatKotaPipelineStack {
  const app = new App({ context: QUICK });
  return new SehatKotaPipelineStack(app, PIPELINE_STACK_ID, { config: readDeployConfig(config)! });
}

describe('the deploy config', () => {
  it('takes the sample, as an object (cdk.json) or as JSON (-c deploy=...)', () => {
    const config = readDeployConfig(sample())!;
    expect(config.stages.prod.supervisorPhones).toEqual(['+6281000000002', '+6281000000003']);
    expect(readDeployConfig(JSON.stringify(sample()))).toEqual(config);
    // Settings not given keep the defaults the functions read.
    expect(config.stages.dev.settings).toMatchObject({ SMS_RATE_PER_SECOND: 2, PREMIUM_PER_PERSON: 42_000 });
  });

  it("takes cdk.json's worked example (deployExample), which does not switch the pipeline on", () => {
    const context = JSON.parse(readFileSync('cdk.json', 'utf8')).context;
    expect(context.deploy).toBeUndefined();
    expect(readDeployConfig(context.deployExample)).toBeDefined();
  });

  it('is optional: without it, no pipeline', () => {
    expect(readDeployConfig(undefined)).toBeUndefined();
  });

  const mistakes: [string, (c: Json) => void, string][] = [
    [
      'a setting out of range',
      (c) => {
        c.stages.prod.settings.SMS_RATE_PER_SECOND = 5000;
      },
      'deploy.stages.prod.settings.SMS_RATE_PER_SECOND: must be at most 1000',
    ],
    [
      'a setting of the wrong type',
      (c) => {
        c.stages.dev.settings.ACK_TIMEOUT_SECONDS = 2.5;
      },
      'deploy.stages.dev.settings.ACK_TIMEOUT_SECONDS: must be a whole number',
    ],
    [
      'an unknown setting',
      (c) => {
        c.stages.dev.settings.SMS_RATE = 5;
      },
      'deploy.stages.dev.settings: unknown setting(s) SMS_RATE: the settings are those of shared/platform/config.ts',
    ],
    [
      'an account spend limit under the reminders budget',
      (c) => {
        c.stages.prod.settings.SMS_ACCOUNT_SPEND_LIMIT_USD = 150;
      },
      "deploy.stages.prod.settings.SMS_ACCOUNT_SPEND_LIMIT_USD: must be above SMS_MONTHLY_BUDGET_USD (200): the account's limit covers the 112 alerts too",
    ],
    [
      'an account id as a number',
      (c) => {
        c.stages.dev.account = 111111111111;
      },
      'deploy.stages.dev.account: must be a string (in quotes)',
    ],
    [
      'a short account id',
      (c) => {
        c.pipelineAccount = '3333';
      },
      'deploy.pipelineAccount: must be a 12-digit AWS account id, in quotes',
    ],
    [
      'a phone not in E.164',
      (c) => {
        c.stages.prod.supervisorPhones = ['0812-3456-7890'];
      },
      'deploy.stages.prod.supervisorPhones[0]: must be an Indonesian mobile number in E.164 form, like +6281234567890',
    ],
    [
      'a phone twice',
      (c) => {
        c.stages.prod.supervisorPhones.push('+6281000000002');
      },
      'deploy.stages.prod.supervisorPhones[2]: repeats +6281000000002',
    ],
    [
      'prod without supervisors',
      (c) => {
        delete c.stages.prod.supervisorPhones;
      },
      "deploy.stages.prod.supervisorPhones: must list at least one phone: prod's missed acknowledgements and unanswered incidents go to them",
    ],
    [
      'a bad e-mail',
      (c) => {
        c.stages.dev.operationsEmails = ['ops at example'];
      },
      'deploy.stages.dev.operationsEmails[0]: must be an e-mail address',
    ],
    [
      'a bad sign-in domain prefix',
      (c) => {
        c.stages.prod.authDomainPrefix = 'Cognito-Jambi';
      },
      'deploy.stages.prod.authDomainPrefix: must be a domain prefix: use 1-63 lower-case letters, digits and hyphens, without aws, amazon or cognito',
    ],
    [
      'dev and prod in one account',
      (c) => {
        c.stages.prod.account = '111111111111';
      },
      "deploy.stages.prod.account: must not be dev's account: a stage sets the account's SMS settings and owns its event bus and SNS log groups",
    ],
    [
      'a pipeline region that is not one',
      (c) => {
        c.pipelineRegion = 'Jakarta';
      },
      'deploy.pipelineRegion: must be an AWS region such as ap-southeast-3',
    ],
    [
      'a region that is not one',
      (c) => {
        c.stages.dev.region = 'jakarta';
      },
      'deploy.stages.dev.region: must be an AWS region such as ap-southeast-3',
    ],
    [
      'both kinds of source',
      (c) => {
        c.source.codeCommitRepository = 'sehatkota';
      },
      'deploy.source: give either connectionArn and repository (a CodeStar connection to GitHub, GitLab or Bitbucket) or codeCommitRepository, with branch',
    ],
    [
      'a connection without its repository',
      (c) => {
        delete c.source.repository;
      },
      'deploy.source.repository: is required with connectionArn: owner/repository on the Git host',
    ],
    [
      'a bad connection ARN',
      (c) => {
        c.source.connectionArn = 'arn:aws:codestar:ap-southeast-3:333333333333:project/x';
      },
      'deploy.source.connectionArn: must be a connection ARN: arn:aws:codeconnections:<region>:<account>:connection/<id> (Developer Tools > Settings > Connections)',
    ],
    [
      'no branch',
      (c) => {
        delete c.source.branch;
      },
      'deploy.source.branch: is required',
    ],
    [
      'a stage missing',
      (c) => {
        delete c.stages.prod;
      },
      'deploy.stages.prod: is required',
    ],
    [
      'a city idn-area-data does not list',
      (c) => {
        c.stages.dev.settings.CITY_CODE = '15.99';
      },
      'deploy.stages.dev.settings.CITY_CODE: is not a city or regency in idn-area-data (e.g. 15.71)',
    ],
    [
      'a first admin without an e-mail address',
      (c) => {
        c.stages.prod.firstAdmin = { username: 'admin.kota', name: 'Admin Kota' };
      },
      'deploy.stages.prod.firstAdmin.email: must be an e-mail address',
    ],
    [
      'an unknown key (a typo)',
      (c) => {
        c.stages.dev.supervisorPhone = ['+6281000000001'];
      },
      'deploy.stages.dev: unknown key(s) supervisorPhone',
    ],
  ];

  it.each(mistakes)('refuses %s, naming its path', (_, mistake, problem) => {
    const config = sample();
    mistake(config);
    expect(problemsOf(config)).toEqual([problem]);
  });

  it('lists every problem of a config at once, cross-field ones included', () => {
    const config: Json = sample();
    for (const [, mistake] of mistakes.slice(0, 3)) mistake(config);
    config.stages.prod.account = config.stages.dev.account;
    const problems = problemsOf(config);
    expect(problems).toEqual(
      expect.arrayContaining([
        ...mistakes.slice(0, 3).map(([, , problem]) => problem),
        expect.stringMatching(/^deploy\.stages\.prod\.account: must not be dev's account/),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it('says what is wrong with JSON that does not parse', () => {
    expect(problemsOf('{"source":')).toEqual([expect.stringMatching(/^deploy: is not JSON/)]);
  });

  it('stops the synth with the problems', () => {
    const config: Json = sample();
    config.stages.prod.settings.SMS_RATE_PER_SECOND = 0;
    expect(() => createApp({ context: { ...QUICK, deploy: config } })).toThrow(
      /deploy\.stages\.prod\.settings\.SMS_RATE_PER_SECOND: must be at least 1/,
    );
  });
});

describe('the app', () => {
  /** What createApp puts in the app besides the SehatKota stack (and its us-east-1 edge stack). */
  const added = (app: App, stack: SehatKotaStack) =>
    app.node.children.filter((c) => c !== stack && c !== stack.edge);

  it('builds no pipeline and no stage without a deploy config', () => {
    const { app, stack, pipeline } = createApp({ context: QUICK });
    expect(pipeline).toBeUndefined();
    expect(added(app, stack).map((c) => c.node.id)).toEqual([]);
  });

  it('adds the pipeline and its two stages with one, the pipeline in its account and region', () => {
    const { app, stack, pipeline } = createApp({ context: { ...QUICK, deploy: sample() } });
    expect(stack.node.id).toBe('SehatKota');
    expect(pipeline).toBeInstanceOf(SehatKotaPipelineStack);
    expect(added(app, stack).map((c) => c.node.id)).toEqual([
      PIPELINE_STACK_ID,
      'dev',
      'prod',
      // CDK's support stack for the stages' us-east-1 edge stacks.
      ...pipeline!.supportStacks.map((s) => s.node.id),
    ]);
    expect([pipeline!.account, pipeline!.region]).toEqual(['333333333333', 'ap-southeast-3']);
  });

  it("synthesizes offline with the deploy config, the plugins' three packs passing on every stack", () => {
    const { app } = createApp({
      context: { ...QUICK, deploy: sample() },
      builtinCloudFormationValidation: false,
    });
    const assembly = app.synth();
    expect(assembly.stacks.map((s) => s.stackName)).toEqual(
      expect.arrayContaining(['SehatKota', PIPELINE_STACK_ID]),
    );
    expect(assembly.getNestedAssembly('assembly-prod').stacks.map((s) => s.stackName)).toEqual(
      expect.arrayContaining(['SehatKota', 'prod-SehatKotaEdge']),
    );
  }, 120_000);

  it("puts the pipeline in dev's account and region unless told otherwise", () => {
    const config: Json = sample();
    delete config.pipelineAccount;
    const stack = pipelineOf(config);
    expect([stack.account, stack.region]).toEqual(['111111111111', 'ap-southeast-3']);
    config.pipelineRegion = 'ap-southeast-1';
    expect(pipelineOf(config).region).toBe('ap-southeast-1');
  });
});

describe('the pipeline (a CodeStar connection)', () => {
  let stack: SehatKotaPipelineStack;
  let template: Template;
  let pipeline: Json;
  const stageTemplates = new Map<StageName, Template>();
  /** Every capability's nested template, per stage. */
  const nestedTemplates = new Map<StageName, Template[]>();

  beforeAll(() => {
    stack = pipelineOf(sample());
    template = Template.fromStack(stack);
    pipeline = Object.values(template.findResources('AWS::CodePipeline::Pipeline'))[0];
    for (const name of STAGES) {
      const appStack = stack.stages[name].stack;
      stageTemplates.set(name, Template.fromStack(appStack));
      nestedTemplates.set(
        name,
        [...appStack.capabilities.values()].map((c) => Template.fromStack(c)),
      );
    }
  }, 120_000);

  const stageNames = () => pipeline.Properties.Stages.map((s: Json) => s.Name);
  const actionsOf = (name: string) =>
    pipeline.Properties.Stages.find((s: Json) => s.Name === name).Actions as Json[];
  const projects = () => Object.values(template.findResources('AWS::CodeBuild::Project')) as Json[];
  const synthProject = () => projects().find((p) => p.Properties.Source.BuildSpec.includes('.ci/run'));

  it('takes the source from the connection, the repository and branch, on every push', () => {
    const [source] = actionsOf('Source');
    expect(source.ActionTypeId).toMatchObject({
      Owner: 'AWS',
      Category: 'Source',
      Provider: 'CodeStarSourceConnection',
    });
    expect(source.Configuration).toMatchObject({
      ConnectionArn: CONNECTION_ARN,
      FullRepositoryId: 'kota-jambi/sehatkota',
      BranchName: 'main',
    });
    expect(source.Configuration.DetectChanges ?? true).toBe(true);
  });

  it('synthesizes after running the README test command through .ci/run, into cdk.out', () => {
    const spec = JSON.parse(synthProject().Properties.Source.BuildSpec);
    const commands: string[] = spec.phases.build.commands;
    expect(commands[0]).toBe('bash .ci/run');
    expect(commands[1]).toBe('npx cdk synth -q');
    expect(spec.artifacts['base-directory']).toBe('cdk.out');
    // .ci/run ends in the README's test command, npm ci included.
    const readmeTest = /## Test it\s+```sh\n(.+)\n```/.exec(readFileSync('README.md', 'utf8'))![1]!;
    expect(readmeTest).toBe('npm ci && npm test');
    expect(readFileSync('.ci/run', 'utf8')).toContain(`\n${readmeTest}\n`);
    // The stages come from the committed cdk.json: the build fails when the assembly has no pipeline.
    expect(commands[2]).toContain(`test -f cdk.out/${PIPELINE_STACK_ID}.template.json`);
  });

  it('runs every build on Node 24 (Debian): the synth with room for the tests, self-mutation and assets small', () => {
    expect(BUILD_IMAGE).toMatch(/\/node:24-bookworm$/);
    expect(synthProject().Properties.Environment).toMatchObject({
      Image: BUILD_IMAGE,
      ComputeType: 'BUILD_GENERAL1_MEDIUM',
    });
    const others = projects().filter((p) => p !== synthProject());
    expect(others).toHaveLength(2);
    for (const p of others) {
      expect(p.Properties.Environment).toMatchObject({
        Image: BUILD_IMAGE,
        ComputeType: 'BUILD_GENERAL1_SMALL',
      });
      // Nothing in a build spec picks another Node (CodeBuild's runtime-versions apply to its own images only).
      expect(p.Properties.Source.BuildSpec).not.toMatch(/runtime-versions|nodejs/);
    }
  });

  it("updates itself, publishes assets, then deploys dev, then prod, each with its account's deploy role", () => {
    expect(stageNames()).toEqual(['Source', 'Build', 'UpdatePipeline', 'Assets', 'dev', 'prod']);
    for (const [name, account] of [
      ['dev', '111111111111'],
      ['prod', '222222222222'],
    ] as const) {
      const deploys = actionsOf(name).filter((a) => a.ActionTypeId.Provider === 'CloudFormation');
      // Every stack of the stage (SehatKota, and its edge stack in us-east-1), prepared then executed.
      const stacks = stack.stages[name].node.findAll().filter((c) => Stack.isStack(c) && !c.nested);
      expect(deploys).toHaveLength(2 * stacks.length);
      expect(deploys.map((a) => a.Configuration.StackName)).toContain('SehatKota');
      for (const a of deploys) {
        expect(a.RoleArn['Fn::Join'][1].join('')).toContain(
          `:iam::${account}:role/cdk-hnb659fds-deploy-role-`,
        );
        // The change set's execution role (on the Prepare actions) is the account's too.
        const execution = a.Configuration.RoleArn?.['Fn::Join'][1].join('') ?? `:iam::${account}:role/`;
        expect(execution).toContain(`:iam::${account}:role/`);
      }
    }
  });

  it('asks for a manual approval before prod, and nowhere else', () => {
    const approvals = pipeline.Properties.Stages.flatMap((s: Json) =>
      s.Actions.filter((a: Json) => a.ActionTypeId.Category === 'Approval').map((a: Json) => [s.Name, a]),
    );
    expect(approvals.map(([stage, a]: Json) => [stage, a.Name])).toEqual([['prod', 'PromoteToProd']]);
    const prod = actionsOf('prod');
    const first = Math.min(
      ...prod.filter((a) => a.ActionTypeId.Category === 'Deploy').map((a) => a.RunOrder as number),
    );
    expect(approvals[0][1].RunOrder).toBeLessThan(first);
  });

  it('keeps artifacts in its own bucket: its rotating key, TLS only, versioned, access-logged', () => {
    // In its region; the us-east-1 store is CDK's replication bucket (its support stack, checked below).
    const home = pipeline.Properties.ArtifactStores.find((s: Json) => s.Region === 'ap-southeast-3');
    expect(home.ArtifactStore).toMatchObject({
      Type: 'S3',
      Location: { Ref: stack.getLogicalId(stack.artifactsBucket.node.defaultChild as Json) },
      EncryptionKey: {
        Type: 'KMS',
        Id: { 'Fn::GetAtt': [stack.getLogicalId(stack.artifactsKey.node.defaultChild as Json), 'Arn'] },
      },
    });
    template.hasResourceProperties('AWS::KMS::Key', { EnableKeyRotation: true });
    const bucketId = stack.getLogicalId(stack.artifactsBucket.node.defaultChild as Json);
    const bucket = template.toJSON().Resources[bucketId];
    expect(bucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: expect.anything() },
      BucketEncryption: {
        ServerSideEncryptionConfiguration: [
          { ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms' }, BucketKeyEnabled: true },
        ],
      },
    });
    // Every CodeBuild project encrypts its output with that key and logs to the encrypted BuildLogs group.
    for (const p of projects()) {
      expect(p.Properties.EncryptionKey).toEqual({
        'Fn::GetAtt': [expect.stringMatching(/^ArtifactsKey/), 'Arn'],
      });
      expect(p.Properties.LogsConfig.CloudWatchLogs).toMatchObject({
        Status: 'ENABLED',
        GroupName: { Ref: expect.stringMatching(/^BuildLogs/) },
      });
    }
    template.hasResourceProperties('AWS::Logs::LogGroup', {
      KmsKeyId: Match.anyValue(),
      RetentionInDays: 365,
    });
  });

  it('deploys each stage as the stack SehatKota in its own account and region', () => {
    for (const [name, account] of [
      ['dev', '111111111111'],
      ['prod', '222222222222'],
    ] as const) {
      const appStack = stack.stages[name].stack;
      expect([appStack.stackName, appStack.account, appStack.region]).toEqual([
        'SehatKota',
        account,
        'ap-southeast-3',
      ]);
    }
  });

  it("gives each stage's functions that stage's settings, the rest at their defaults", () => {
    const envs = (name: StageName) =>
      nestedTemplates
        .get(name)!
        .flatMap((t) => Object.values(t.findResources('AWS::Lambda::Function')) as Json[])
        .map((fn) => fn.Properties.Environment?.Variables)
        .filter((env) => env?.SMS_RATE_PER_SECOND !== undefined);
    const dev = envs('dev');
    const prod = envs('prod');
    expect(dev.length).toBeGreaterThan(0);
    expect(prod).toHaveLength(dev.length);
    for (const env of dev) {
      expect(env).toMatchObject({
        SMS_RATE_PER_SECOND: '2',
        ACK_TIMEOUT_SECONDS: '120',
        UHC_COVERED_PCT: '98',
      });
    }
    for (const env of prod) {
      expect(env).toMatchObject({
        SMS_RATE_PER_SECOND: '30',
        ACK_TIMEOUT_SECONDS: '60',
        UHC_COVERED_PCT: '95',
      });
    }
  });

  it("signs each stage in through its domain: the config's prefix, or sehatkota-<account>", () => {
    const prefix = (name: StageName) =>
      Object.values(stageTemplates.get(name)!.findResources('AWS::Cognito::UserPoolDomain')).map(
        (d: Json) => d.Properties.Domain,
      );
    expect(prefix('dev')).toEqual(['sehatkota-111111111111']);
    expect(prefix('prod')).toEqual(['sehatkota-jambi']);
  });

  it("subscribes each stage's supervisors by SMS and its engineers by e-mail, and nobody else", () => {
    const topicId = (name: StageName, topic: 'supervisors' | 'operations') => {
      const appStack = stack.stages[name].stack;
      return appStack.getLogicalId(appStack.topics[topic].node.defaultChild as Json);
    };
    const subscriptions = (name: StageName) =>
      (Object.values(stageTemplates.get(name)!.findResources('AWS::SNS::Subscription')) as Json[])
        .filter((s) => ['sms', 'email'].includes(s.Properties.Protocol))
        .map((s) => [s.Properties.TopicArn.Ref, s.Properties.Protocol, s.Properties.Endpoint])
        .sort();
    expect(subscriptions('dev')).toEqual(
      [
        [topicId('dev', 'supervisors'), 'sms', '+6281000000001'],
        [topicId('dev', 'operations'), 'email', 'dev-ops@example.go.id'],
      ].sort(),
    );
    expect(subscriptions('prod')).toEqual(
      [
        [topicId('prod', 'supervisors'), 'sms', '+6281000000002'],
        [topicId('prod', 'supervisors'), 'sms', '+6281000000003'],
        [topicId('prod', 'operations'), 'email', 'ops@example.go.id'],
        [topicId('prod', 'operations'), 'email', 'oncall@example.go.id'],
      ].sort(),
    );
  });

  describe('cdk-nag', () => {
    const packs = () => [new AwsSolutionsChecks(), new HIPAASecurityChecks(), new ServerlessChecks()];
    const findings = (scope: IConstruct) =>
      packs().flatMap((pack) =>
        pack
          .validateScope(scope)
          .violations.flatMap((v) =>
            v.violatingResources.map(
              (r) => `${v.ruleName} at ${'constructPath' in r ? r.constructPath : '?'}`,
            ),
          ),
      );
    it('finds nothing unacknowledged on the pipeline stack or its support stacks, in any of the three packs', () => {
      expect(stack.supportStacks.map((s) => s.region)).toEqual(['us-east-1']);
      for (const scope of [stack, ...stack.supportStacks]) expect(findings(scope)).toEqual([]);
    });

    it("finds nothing on the stages' subscriptions, which the stage adds to the app stack", () => {
      const subscriptions = STAGES.flatMap((name) => [
        ...stack.stages[name].supervisorSubscriptions.values(),
        ...stack.stages[name].operationsSubscriptions.values(),
      ]);
      expect(subscriptions).toHaveLength(6);
      expect(subscriptions.flatMap((s) => findings(s))).toEqual([]);
    });

    it("is really checking: a bare CDK Pipeline, nothing acknowledged, has CDK Pipelines' findings", () => {
      const probe = new Stack(new App({ context: QUICK }), 'Probe', {
        env: { account: '333333333333', region: 'ap-southeast-3' },
      });
      const bare = new CodePipeline(probe, 'Pipeline', {
        synth: new ShellStep('Synth', {
          input: CodePipelineSource.connection('kota-jambi/sehatkota', 'main', {
            connectionArn: CONNECTION_ARN,
          }),
          commands: ['npx cdk synth'],
        }),
      });
      bare.buildPipeline();
      const rules = new Set(findings(probe).map((f) => f.split(' at ')[0]));
      expect([...rules]).toEqual(
        expect.arrayContaining([
          'AwsSolutions-IAM5[Resource::*]',
          'AwsSolutions-S1',
          'HIPAA.Security-IAMNoInlinePolicy',
          'HIPAA.Security-CodeBuildProjectSourceRepoUrl',
        ]),
      );
    });

    it('gives every acknowledgment a reason of a sentence or more', () => {
      const all = [
        ...acknowledgments(stack),
        ...stack.supportStacks.flatMap(acknowledgments),
        ...STAGES.flatMap((n) =>
          [...stack.stages[n].supervisorSubscriptions.values()].flatMap(acknowledgments),
        ),
      ];
      expect(all.length).toBeGreaterThan(0);
      for (const ack of all) {
        expect(ack.reason.split(/\s+/).length, `${ack.id} at ${ack.path}`).toBeGreaterThanOrEqual(12);
      }
    });

    it('acknowledges only these rules on the pipeline stack', () => {
      const ids = new Set(acknowledgments(stack).map((a) => a.id));
      const region = 'ap-southeast-3:333333333333';
      const ref = (c: IConstruct) => stack.getLogicalId(c.node.defaultChild as Json);
      const { synthProject, selfMutationProject } = stack.pipeline;
      const support = stack.pipeline.pipeline.crossRegionSupport['us-east-1']!;
      const replicationBucket = stack.resolve(support.replicationBucket.bucketName);
      expect([...ids].sort()).toEqual(
        [
          'AwsSolutions-CB5',
          'HIPAA.Security-CodeBuildProjectSourceRepoUrl',
          'HIPAA.Security-IAMNoInlinePolicy',
          'HIPAA.Security-S3BucketReplicationEnabled',
          'HIPAA.Security-S3DefaultEncryptionKMS',
          'AwsSolutions-IAM5[Action::s3:GetObject*]',
          'AwsSolutions-IAM5[Action::s3:GetBucket*]',
          'AwsSolutions-IAM5[Action::s3:List*]',
          'AwsSolutions-IAM5[Action::s3:DeleteObject*]',
          'AwsSolutions-IAM5[Action::s3:Abort*]',
          'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
          'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
          `AwsSolutions-IAM5[Resource::<${ref(stack.artifactsBucket)}.Arn>/*]`,
          ...[synthProject, selfMutationProject].flatMap((p) => [
            `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${region}:log-group:/aws/codebuild/<${ref(p)}>:*]`,
            `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:${region}:report-group/<${ref(p)}>-*]`,
          ]),
          'AwsSolutions-IAM5[Resource::arn:*:iam::333333333333:role/*]',
          'AwsSolutions-IAM5[Resource::*]',
          // The replication bucket in us-east-1, which the pipeline role reads and writes.
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${replicationBucket}/*]`,
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${region}:log-group:/aws/codebuild/*]`,
          `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:${region}:report-group/*]`,
        ].sort(),
      );
    });

    it("acknowledges on CDK's replication bucket only what a transit copy of the artifacts lacks", () => {
      expect(new Set(stack.supportStacks.flatMap(acknowledgments).map((a) => a.id))).toEqual(
        new Set([
          'AwsSolutions-S1',
          'HIPAA.Security-S3BucketLoggingEnabled',
          'HIPAA.Security-S3BucketVersioningEnabled',
          'HIPAA.Security-S3BucketReplicationEnabled',
        ]),
      );
    });

    it("acknowledges the custom build image on the pipeline's three kinds of build only", () => {
      const cb5 = acknowledgments(stack).filter((a) => a.id === 'AwsSolutions-CB5');
      expect(cb5.map((a) => a.path)).toEqual([
        stack.pipeline.synthProject.node.path,
        stack.pipeline.selfMutationProject.node.path,
        `${stack.pipeline.node.path}/Assets`,
      ]);
    });
  });
});

describe('the pipeline (CodeCommit)', () => {
  it('takes the source from the CodeCommit repository of its account and region', () => {
    const config: Json = sample();
    config.source = { codeCommitRepository: 'sehatkota', branch: 'release' };
    const stack = pipelineOf(config);
    const pipeline: Json = Object.values(
      Template.fromStack(stack).findResources('AWS::CodePipeline::Pipeline'),
    )[0];
    const [source] = pipeline.Properties.Stages[0].Actions;
    expect(source.ActionTypeId).toMatchObject({ Category: 'Source', Provider: 'CodeCommit' });
    expect(source.Configuration).toMatchObject({ RepositoryName: 'sehatkota', BranchName: 'release' });
    // A stage in another stage's app would be a mistake: both stages sit beside the pipeline.
    expect(Stage.of(stack.stages.dev)).toBe(Stage.of(stack));
  }, 60_000);
});
