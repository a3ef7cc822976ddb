// The delivery pipeline (CDK Pipelines on CodePipeline): the source from the deploy config, a synth step that runs
// the README's tests and `cdk synth`, the pipeline updating itself, the assets, then dev, and prod after a manual
// approval. Artifacts are encrypted with the pipeline's own key, which the stage accounts' deploy roles are granted
// (and, in the other regions a stage deploys to, with CDK's replication keys); every build logs to one encrypted,
// retained log group. cdk-nag's findings on what CDK Pipelines makes itself are acknowledged here, each with why.
import {
  ArnFormat,
  type CfnElement,
  Duration,
  RemovalPolicy,
  Stack,
  type StackProps,
  Stage,
  Validations,
} from 'aws-cdk-lib';
import { ComputeType, LinuxBuildImage } from 'aws-cdk-lib/aws-codebuild';
import { Repository } from 'aws-cdk-lib/aws-codecommit';
import { PipelineType } from 'aws-cdk-lib/aws-codepipeline';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup, RetentionDays } from 'aws-cdk-lib/aws-logs';
import { Bucket, BucketEncryption, type IBucket } from 'aws-cdk-lib/aws-s3';
import { CodePipeline, CodePipelineSource, ManualApprovalStep, ShellStep } from 'aws-cdk-lib/pipelines';
import type { Construct, IConstruct } from 'constructs';
import { LOCKED_BUCKET } from '../constructs/locked-bucket.ts';
import { type DeployConfig, type StageName, sourceOf } from './config.ts';
import { SehatKotaStage } from './stage.ts';

export const PIPELINE_STACK_ID = 'SehatKotaPipeline';

/**
 * Every build's image: Debian with Node 24, the functions' runtime. The synth step runs `.ci/run`, which apt-installs
 * Java and Debian's Chromium (CodeBuild's Ubuntu standard images ship Chromium as a snap only); self-mutation and
 * asset publishing run the CDK CLI on the same Node, so no build in the pipeline runs on another major.
 */
export const BUILD_IMAGE = 'public.ecr.aws/docker/library/node:24-bookworm';

/** The synth step's commands: the README's test command through .ci/run, then the cloud assembly. */
export const SYNTH_COMMANDS = [
  // Installs Java (DynamoDB Local) and Chromium (the web form's tests) if missing, then `npm ci && npm test`.
  'bash .ci/run',
  'npx cdk synth -q',
  // The stages come from the deploy config committed in cdk.json: without it the assembly has no pipeline and the
  // pipeline would fail later, at self-mutation, with a less helpful message.
  `test -f cdk.out/${PIPELINE_STACK_ID}.template.json || { echo 'cdk.json has no "deploy" config: commit it (README: Deploy to AWS)'; exit 1; }`,
];

export interface SehatKotaPipelineStackProps extends Omit<StackProps, 'env'> {
  config: DeployConfig;
}

export class SehatKotaPipelineStack extends Stack {
  readonly pipeline: CodePipeline;
  /** Built as siblings of this stack (not inside it): each is its own cloud assembly, deployed by the pipeline. */
  readonly stages: Record<StageName, SehatKotaStage>;
  /** CDK's support stacks (one per other region a stage deploys to), each with a replication bucket. */
  readonly supportStacks: Stack[];
  readonly artifactsBucket: Bucket;
  readonly artifactsKey: Key;
  readonly accessLogsBucket: Bucket;
  /** Every CodeBuild project's log. */
  readonly buildLogs: LogGroup;

  constructor(scope: Construct, id: string, props: SehatKotaPipelineStackProps) {
    const { config, ...stackProps } = props;
    const { dev, prod } = config.stages;
    // CDK Pipelines needs a concrete environment.
    super(scope, id, {
      description: 'SehatKota delivery pipeline: source, tests and synth, dev, approval, prod',
      ...stackProps,
      env: { account: config.pipelineAccount ?? dev.account, region: config.pipelineRegion ?? dev.region },
    });
    // Access logs delivered by bucket policy, not ACL (ACLs are off on every bucket here), as in the app stack.
    this.node.setContext('@aws-cdk/aws-s3:serverAccessLogsUseBucketPolicy', true);

    [this.artifactsBucket, this.artifactsKey, this.accessLogsBucket] = this.artifactStore();
    this.buildLogs = this.buildLogGroup();

    const source = sourceOf(config);
    const input =
      source.kind === 'connection'
        ? CodePipelineSource.connection(source.repository, source.branch, {
            connectionArn: source.connectionArn,
          })
        : CodePipelineSource.codeCommit(
            Repository.fromRepositoryName(this, 'Repository', source.repository),
            source.branch,
          );

    this.pipeline = new CodePipeline(this, 'Pipeline', {
      pipelineName: 'SehatKota',
      pipelineType: PipelineType.V2,
      synth: new ShellStep('Synth', {
        input,
        commands: SYNTH_COMMANDS,
        primaryOutputDirectory: 'cdk.out',
      }),
      // In the pipeline's region, an encrypted bucket of our own (key, access logs, versions) rather than CDK's.
      // Other regions a stage deploys to (the app's us-east-1 edge stack) get CDK's replication bucket, each in a
      // support stack with its own rotating key, so that the stage accounts' deploy roles can read artifacts there.
      crossRegionReplicationBuckets: { [this.region]: this.artifactsBucket },
      crossAccountKeys: true,
      enableKeyRotation: true,
      selfMutation: true,
      // One publisher for every file asset: the functions' bundles, one CodeBuild project rather than one each.
      publishAssetsInParallel: false,
      codeBuildDefaults: {
        buildEnvironment: {
          buildImage: LinuxBuildImage.fromDockerRegistry(BUILD_IMAGE),
          computeType: ComputeType.SMALL,
        },
        logging: { cloudWatch: { logGroup: this.buildLogs } },
        timeout: Duration.minutes(30),
      },
      synthCodeBuildDefaults: {
        buildEnvironment: {
          buildImage: LinuxBuildImage.fromDockerRegistry(BUILD_IMAGE),
          // DynamoDB Local, Chromium and Vitest's workers side by side: 4 vCPUs, 7 GB.
          computeType: ComputeType.MEDIUM,
        },
        timeout: Duration.minutes(60),
      },
    });

    // Siblings of this stack in its app (or stage), each deployed into its own account.
    const parent = Stage.of(this) ?? this;
    this.stages = {
      dev: new SehatKotaStage(parent, 'dev', { config: dev }),
      prod: new SehatKotaStage(parent, 'prod', { config: prod }),
    };
    this.pipeline.addStage(this.stages.dev);
    this.pipeline.addStage(this.stages.prod, {
      pre: [
        new ManualApprovalStep('PromoteToProd', {
          comment:
            'Promote this build to prod once it works in dev: sign in to the RT form, check a NIK, and an ' +
            'SMS reached a supervisor.',
        }),
      ],
    });
    // Built now, not at synth, so the resources CDK Pipelines makes exist for the acknowledgements below.
    this.pipeline.buildPipeline();
    const support = Object.entries(this.pipeline.pipeline.crossRegionSupport).filter(
      ([r]) => r !== this.region,
    );
    this.supportStacks = support.map(([, s]) => s.stack);
    this.acknowledgeCdkPipelines();
    for (const [region, { replicationBucket }] of support)
      this.acknowledgeReplication(region, replicationBucket);
  }

  /**
   * cdk-nag's findings on what CDK Pipelines builds and sets itself (roles, their inline policies, the CodeBuild
   * projects), each acknowledged where it arises, with why it stays.
   */
  private acknowledgeCdkPipelines(): void {
    const ack = (scope: IConstruct, reason: string, ...ids: string[]) =>
      Validations.of(scope).acknowledge(...ids.map((id) => ({ id, reason })));
    const ref = (construct: IConstruct) => this.getLogicalId(construct.node.defaultChild as CfnElement);
    const arn = `${this.region}:${this.account}`;

    // Every role CDK Pipelines makes (pipeline, source action, synth, self-mutation, assets) reads or writes the
    // artifacts through Bucket.grantReadWrite/grantRead and Key grants.
    ack(
      this.pipeline,
      "CDK Pipelines' grants on the pipeline's own artifacts bucket and key: the wildcards are S3 and KMS action " +
        "families (GetObject*, List*, GenerateDataKey*...) and that one bucket's objects, named per execution.",
      ...['s3:GetObject*', 's3:GetBucket*', 's3:List*', 's3:DeleteObject*', 's3:Abort*'].map(
        (action) => `AwsSolutions-IAM5[Action::${action}]`,
      ),
      'AwsSolutions-IAM5[Action::kms:ReEncrypt*]',
      'AwsSolutions-IAM5[Action::kms:GenerateDataKey*]',
      `AwsSolutions-IAM5[Resource::<${ref(this.artifactsBucket)}.Arn>/*]`,
    );
    ack(
      this.pipeline,
      'CDK Pipelines creates these roles with default policies generated from this code on every synth, one per ' +
        'role and deleted with it; no person or other role shares or edits them.',
      'HIPAA.Security-IAMNoInlinePolicy',
    );
    ack(
      this.pipeline,
      "Source type CODEPIPELINE: each project reads the pipeline's artifact from S3 and never reaches a Git host " +
        'itself; the CodeStar connection (or CodeCommit) holds the access to the repository.',
      'HIPAA.Security-CodeBuildProjectSourceRepoUrl',
    );

    // A CodeBuild project always grants its role its default log group and report groups (named after it).
    for (const project of [this.pipeline.synthProject, this.pipeline.selfMutationProject]) {
      ack(
        project.role!,
        "CodeBuild's own grant to its project: streams of the project's default log group and report groups " +
          'named after the project (builds log to the BuildLogs group; the name is fixed by CodeBuild).',
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${arn}:log-group:/aws/codebuild/<${ref(project)}>:*]`,
        `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:${arn}:report-group/<${ref(project)}>-*]`,
      );
    }
    ack(
      this.pipeline.selfMutationProject.role!,
      "Self-mutation runs `cdk deploy` of this stack: it assumes the account's CDK bootstrap roles (only those " +
        'tagged aws-cdk:bootstrap-role deploy, file-publishing or image-publishing), and looks up stacks ' +
        '(cloudformation:DescribeStacks) and the bootstrap bucket (s3:ListBucket), which have no name before.',
      `AwsSolutions-IAM5[Resource::arn:*:iam::${this.account}:role/*]`,
      'AwsSolutions-IAM5[Resource::*]',
    );
    const assetsRole = this.pipeline.node.tryFindChild('Assets')?.node.tryFindChild('FileRole');
    if (!assetsRole)
      throw new Error('CDK Pipelines has moved its asset publishing role: update the acknowledgements');
    ack(
      assetsRole,
      'CDK Pipelines shares this role among asset publishing projects it creates per asset, before they exist: ' +
        'it grants their log groups, report groups and builds by pattern (its cross-account part is only the ' +
        "stage accounts' file-publishing roles).",
      'AwsSolutions-IAM5[Resource::*]',
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:logs:${arn}:log-group:/aws/codebuild/*]`,
      `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:codebuild:${arn}:report-group/*]`,
    );
    ack(
      this.pipeline.synthProject,
      ".ci/run (the README's test command) apt-installs Java and Debian's Chromium: CodeBuild's standard images are " +
        "Ubuntu, which ships Chromium only as a snap that cannot run in a build container; this is Docker's " +
        'official Node 24 image on Debian 12, from its ECR Public mirror.',
      'AwsSolutions-CB5',
    );
    // Self-mutation and asset publishing (the asset projects are made per asset: acknowledged where they live).
    const assets = this.pipeline.node.tryFindChild('Assets');
    if (!assets) throw new Error('CDK Pipelines has moved its asset publishing: update the acknowledgements');
    for (const scope of [this.pipeline.selfMutationProject, assets]) {
      ack(
        scope,
        "The synth step's image (Docker's official Node 24 image on Debian 12, from its ECR Public mirror), so that " +
          'the CDK CLI runs on the Node the functions run on: a CodeBuild standard image would bring its own ' +
          'default Node, which changes with the image.',
        'AwsSolutions-CB5',
      );
    }
  }

  /**
   * A region other than the pipeline's: CDK's replication bucket there (KMS with a rotating key of its own, TLS
   * only), and the pipeline role's grants on it, which CDK cannot name across regions.
   */
  private acknowledgeReplication(region: string, bucket: IBucket): void {
    const transit =
      `CodePipeline's transit copy of the artifacts for the stacks a stage deploys in ${region} (such as the ` +
      "us-east-1 edge stack), made by CDK Pipelines; the artifacts bucket in the pipeline's region";
    Validations.of(bucket).acknowledge(
      {
        id: 'AwsSolutions-S1',
        reason: `${transit}, access-logged, holds the same objects, and a log bucket per region would log copies.`,
      },
      {
        id: 'HIPAA.Security-S3BucketLoggingEnabled',
        reason: `${transit}, access-logged, holds the same objects, and a log bucket per region would log copies.`,
      },
      {
        id: 'HIPAA.Security-S3BucketVersioningEnabled',
        reason: `${transit}, versioned, keeps the history; each execution writes new objects here, never over old ones.`,
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason: `${transit} is the original: this bucket is itself the replica, rebuilt by any new execution.`,
      },
    );
    const name = this.resolve(bucket.bucketName) as string;
    Validations.of(this.pipeline.pipeline.role).acknowledge(
      {
        id: `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:s3:::${name}/*]`,
        reason: `CodePipeline reads and writes the objects of its replication bucket in ${region}, named per execution.`,
      },
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          "KMS actions for the replication buckets' keys in other regions, which CDK cannot name across regions: " +
          "each key's own policy decides, so in a pipeline account of its own this reaches only pipeline keys.",
      },
    );
  }

  /** The artifacts bucket (KMS, TLS only, versioned, access-logged) and its key, and the access logs' bucket. */
  private artifactStore(): [Bucket, Key, Bucket] {
    const key = new Key(this, 'ArtifactsKey', {
      description:
        "Encrypts the SehatKota pipeline's artifacts (the stage accounts' deploy roles decrypt them)",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const accessLogs = new Bucket(this, 'AccessLogsBucket', {
      ...LOCKED_BUCKET,
      // S3 delivers server access logs only to buckets encrypted with S3-managed keys.
      encryption: BucketEncryption.S3_MANAGED,
      lifecycleRules: [{ expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) }],
    });
    const artifacts = new Bucket(this, 'ArtifactsBucket', {
      ...LOCKED_BUCKET,
      encryption: BucketEncryption.KMS,
      encryptionKey: key,
      bucketKeyEnabled: true,
      serverAccessLogsBucket: accessLogs,
      serverAccessLogsPrefix: 'artifacts-bucket/',
      // A year of builds: CodePipeline's rollback redeploys an earlier execution's artifacts.
      lifecycleRules: [
        { expiration: Duration.days(365), noncurrentVersionExpiration: Duration.days(30) },
        { abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
    });
    Validations.of(accessLogs).acknowledge(
      {
        id: 'HIPAA.Security-S3DefaultEncryptionKMS',
        reason:
          'S3 delivers server access logs only to buckets whose default encryption is SSE-S3 (S3-managed keys); ' +
          'SSE-KMS is not supported on a log destination bucket.',
      },
      {
        id: 'HIPAA.Security-S3BucketReplicationEnabled',
        reason:
          "Access logs of the artifacts bucket, kept a year in the pipeline's region: an audit trail of builds, " +
          'not records SehatKota needs to run, so a second region would hold a copy of nothing needed.',
      },
    );
    Validations.of(artifacts).acknowledge({
      id: 'HIPAA.Security-S3BucketReplicationEnabled',
      reason:
        'Build artifacts are rebuilt from the Git repository by any new execution; versions are kept, and a ' +
        'copy in another region would only hold the same cloud assembly twice.',
    });
    return [artifacts, key, accessLogs];
  }

  /** One log group for every build, encrypted with its own key and kept a year. */
  private buildLogGroup(): LogGroup {
    const key = new Key(this, 'BuildLogsKey', {
      description: "Encrypts the SehatKota pipeline's build logs",
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    // CloudWatch Logs encrypts with the key only for this account's log groups.
    key.addToResourcePolicy(
      new PolicyStatement({
        principals: [new ServicePrincipal(`logs.${this.region}.amazonaws.com`)],
        actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
        resources: ['*'],
        conditions: {
          ArnLike: {
            'kms:EncryptionContext:aws:logs:arn': this.formatArn({
              service: 'logs',
              resource: 'log-group',
              resourceName: '*',
              arnFormat: ArnFormat.COLON_RESOURCE_NAME,
            }),
          },
        },
      }),
    );
    return new LogGroup(this, 'BuildLogs', {
      encryptionKey: key,
      retention: RetentionDays.ONE_YEAR,
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
