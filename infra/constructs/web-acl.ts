// An AWS WAF web ACL: a per-IP rate limit, AWS's IP reputation list and known-bad-input rules, and — in front of the
// API — AWS's common rule set; each request it blocks or counts logged to an encrypted log group, with the
// Authorization header, the path (NIKs travel in paths: /residents/{nik}) and the query string redacted.
import { ArnFormat, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { PolicyStatement, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { type IKey, Key } from 'aws-cdk-lib/aws-kms';
import { LogGroup } from 'aws-cdk-lib/aws-logs';
import { CfnLoggingConfiguration, CfnWebACL } from 'aws-cdk-lib/aws-wafv2';
import { Construct } from 'constructs';
import { LOG_RETENTION } from './app-function.ts';

/**
 * Requests one IP address may make in five minutes before the rest are answered 429: an RT chair's busiest page
 * makes a dozen; a clinic's desk checking a patient a minute, five. Generous for a puskesmas or a city office
 * behind one NAT address, and far below what a flood from one address sends.
 */
export const RATE_LIMIT_PER_5_MINUTES = 1000;

/** The AWS managed rule groups every web ACL has, by rule name; the API's also has the common rule set. */
const MANAGED = ['AWSManagedRulesAmazonIpReputationList', 'AWSManagedRulesKnownBadInputsRuleSet'] as const;
const COMMON = 'AWSManagedRulesCommonRuleSet';

export interface WebAclProps {
  /** CLOUDFRONT (the ACL must then live in us-east-1) or REGIONAL (the Cognito user pool's). */
  scope: 'CLOUDFRONT' | 'REGIONAL';
  /** What it protects, for its description and metric names. */
  name: string;
  /** Add AWS's common rule set (OWASP-style checks): for the API, whose bodies and paths it understands. */
  commonRuleSet: boolean;
  /** Encrypts the log group; made here when not given (one in each region the ACLs live in). */
  logsKey?: IKey;
}

export class WebAcl extends Construct {
  readonly acl: CfnWebACL;
  readonly logGroup: LogGroup;
  readonly logsKey: IKey;

  constructor(scope: Construct, id: string, props: WebAclProps) {
    super(scope, id);
    const stack = Stack.of(this);
    const metric = (name: string) => ({
      cloudWatchMetricsEnabled: true,
      sampledRequestsEnabled: true,
      metricName: `SehatKota${props.name}${name}`,
    });
    const managed = [...MANAGED, ...(props.commonRuleSet ? [COMMON] : [])];
    this.acl = new CfnWebACL(this, 'Acl', {
      scope: props.scope,
      description: `SehatKota ${props.name}: per-IP rate limit and AWS managed rules`,
      defaultAction: { allow: {} },
      visibilityConfig: metric('Acl'),
      rules: [
        {
          name: 'RateLimitPerIp',
          priority: 0,
          statement: {
            rateBasedStatement: {
              limit: RATE_LIMIT_PER_5_MINUTES,
              aggregateKeyType: 'IP',
              evaluationWindowSec: 300,
            },
          },
          // 429, as API Gateway's own throttling answers: a client (and SNS) retries later instead of giving up.
          action: { block: { customResponse: { responseCode: 429 } } },
          visibilityConfig: metric('RateLimitPerIp'),
        },
        ...managed.map((name, i) => ({
          name,
          priority: i + 1,
          statement: {
            managedRuleGroupStatement: {
              vendorName: 'AWS',
              name,
              // A CSV import (up to 10,000 rows) is a body far over the 8 KB this rule allows; the API limits
              // body sizes itself (10 MB, and 413 from the handlers).
              ...(name === COMMON
                ? { ruleActionOverrides: [{ name: 'SizeRestrictions_BODY', actionToUse: { count: {} } }] }
                : {}),
            },
          },
          overrideAction: { none: {} },
          visibilityConfig: metric(name),
        })),
      ],
    });

    this.logsKey =
      props.logsKey ??
      new Key(this, 'LogsKey', {
        description: `Encrypts the SehatKota ${props.name} web ACL's logs`,
        enableKeyRotation: true,
        removalPolicy: RemovalPolicy.RETAIN,
      });
    if (!props.logsKey) allowLogsToUse(this.logsKey as Key);
    // WAF only logs to groups whose names start with aws-waf-logs-; the stack's name keeps two copies of the app
    // (a staging and a production stage) in one account apart.
    const logGroupName = `aws-waf-logs-${stack.stackName}-${props.name}`.toLowerCase();
    this.logGroup = new LogGroup(this, 'Logs', {
      logGroupName,
      retention: LOG_RETENTION,
      encryptionKey: this.logsKey,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const logging = new CfnLoggingConfiguration(this, 'Logging', {
      resourceArn: this.acl.attrArn,
      // The group's ARN without the ":*" CloudWatch Logs adds for its streams: WAF refuses that form.
      logDestinationConfigs: [
        stack.formatArn({
          service: 'logs',
          resource: 'log-group',
          resourceName: logGroupName,
          arnFormat: ArnFormat.COLON_RESOURCE_NAME,
        }),
      ],
      redactedFields: [
        { singleHeader: { Name: 'authorization' } },
        { singleHeader: { Name: 'cookie' } },
        { uriPath: {} },
        { queryString: {} },
      ],
      // What was refused or would have been (count): enough to tune the rules; allowed traffic is in the API's
      // access log already.
      loggingFilter: {
        DefaultBehavior: 'DROP',
        Filters: [
          {
            Behavior: 'KEEP',
            Requirement: 'MEETS_ANY',
            Conditions: [{ ActionCondition: { Action: 'BLOCK' } }, { ActionCondition: { Action: 'COUNT' } }],
          },
        ],
      },
    });
    logging.node.addDependency(this.logGroup);
  }
}

/**
 * CloudWatch Logs of this account and region may encrypt and decrypt log groups with the key (CloudWatch Logs does
 * the encryption, so whoever writes to a group needs no access to the key).
 */
export function allowLogsToUse(key: Key): void {
  const stack = Stack.of(key);
  key.addToResourcePolicy(
    new PolicyStatement({
      principals: [new ServicePrincipal(`logs.${stack.region}.amazonaws.com`)],
      actions: ['kms:Encrypt*', 'kms:Decrypt*', 'kms:ReEncrypt*', 'kms:GenerateDataKey*', 'kms:Describe*'],
      resources: ['*'],
      conditions: {
        ArnLike: {
          'kms:EncryptionContext:aws:logs:arn': stack.formatArn({
            service: 'logs',
            resource: 'log-group',
            resourceName: '*',
            arnFormat: ArnFormat.COLON_RESOURCE_NAME,
          }),
        },
      },
    }),
  );
}
