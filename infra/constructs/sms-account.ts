// The account's SMS settings in SNS (SetSMSAttributes: they belong to the account and region, not to a resource):
// transactional by default, the monthly spend limit, and delivery-status logging of every SMS through a role SNS
// assumes to write the sns/<region>/<account>/DirectPublishToPhoneNumber[/Failure] log groups.
import { Duration, Stack, Validations } from 'aws-cdk-lib';
import { PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import type { IKey } from 'aws-cdk-lib/aws-kms';
import { type ILogGroup, LogGroup } from 'aws-cdk-lib/aws-logs';
import { AwsCustomResource, AwsCustomResourcePolicy, PhysicalResourceId } from 'aws-cdk-lib/custom-resources';
import { Construct } from 'constructs';
import { LOG_RETENTION } from './app-function.ts';

export interface SmsAccountSettingsProps {
  /** The delivery-status log groups SNS writes to (they exist already: SNS only adds streams and records). */
  deliveryLogGroups: readonly ILogGroup[];
  /** SNS stops sending SMS from the account once a month's spend would pass this (US dollars, whole). */
  monthlySpendLimitUsd: number;
  /** The key the provider's log group is encrypted with. */
  logsKey: IKey;
}

/** The logical id AwsCustomResource's provider Lambda gets in the stack (one per stack, shared by every call). */
const PROVIDER_ID = `AWS${AwsCustomResource.PROVIDER_FUNCTION_UUID.replace(/-/g, '')}`;

/** The attributes SetSMSAttributes is called with: strings, as SNS takes them. */
export interface SmsAttributes {
  DefaultSMSType: 'Transactional';
  MonthlySpendLimit: string;
  DeliveryStatusIAMRole: string;
  DeliveryStatusSuccessSamplingRate: string;
}

export class SmsAccountSettings extends Construct {
  /** The role SNS assumes to write SMS delivery records. */
  readonly deliveryStatusRole: Role;
  readonly attributes: SmsAttributes;
  readonly resource: AwsCustomResource;
  /** The custom resource's provider function: its role and its log group. */
  readonly providerRole: Role;
  readonly providerLogs: LogGroup;

  constructor(scope: Construct, id: string, props: SmsAccountSettingsProps) {
    super(scope, id);
    // No aws:SourceAccount condition: SNS's documented delivery-status role has none, and a condition SNS does not
    // send would stop the logs without a word. Only someone who may pass the role (iam:PassRole, in this account)
    // can name it to SNS.
    this.deliveryStatusRole = new Role(this, 'DeliveryStatusRole', {
      assumedBy: new ServicePrincipal('sns.amazonaws.com'),
      description:
        'SNS writes the delivery status of each SMS the account sends to its CloudWatch log groups',
    });
    // The actions SNS asks for; on the two log groups (and their streams) only, never on every group.
    this.deliveryStatusRole.addToPrincipalPolicy(
      new PolicyStatement({
        actions: [
          'logs:CreateLogGroup',
          'logs:CreateLogStream',
          'logs:PutLogEvents',
          'logs:PutMetricFilter',
          'logs:PutRetentionPolicy',
        ],
        resources: props.deliveryLogGroups.map((group) => group.logGroupArn),
      }),
    );
    this.attributes = {
      DefaultSMSType: 'Transactional',
      MonthlySpendLimit: String(Math.ceil(props.monthlySpendLimitUsd)),
      DeliveryStatusIAMRole: this.deliveryStatusRole.roleArn,
      // Every delivered SMS, not a sample: each one settles a reminder's state.
      DeliveryStatusSuccessSamplingRate: '100',
    };

    // The provider Lambda's own role and log group, rather than AWSLambdaBasicExecutionRole and a group without
    // retention.
    this.providerLogs = new LogGroup(this, 'ProviderLogs', {
      retention: LOG_RETENTION,
      encryptionKey: props.logsKey,
    });
    this.providerRole = new Role(this, 'ProviderRole', {
      assumedBy: new ServicePrincipal('lambda.amazonaws.com'),
      description: "Sets the account's SMS attributes in SNS (SetSMSAttributes) when the stack is deployed",
    });
    this.providerLogs.grantWrite(this.providerRole);
    const call = {
      service: 'SNS',
      action: 'setSMSAttributes',
      parameters: { attributes: this.attributes },
      // One set of attributes per account and region: the same resource whatever changes.
      physicalResourceId: PhysicalResourceId.of('sehatkota-sms-attributes'),
    };
    this.resource = new AwsCustomResource(this, 'Attributes', {
      resourceType: 'Custom::SmsAttributes',
      onCreate: call,
      onUpdate: call,
      // No onDelete: SNS has no way to unset these, so deleting the stack leaves them as last set.
      policy: AwsCustomResourcePolicy.fromStatements([
        new PolicyStatement({ actions: ['sns:SetSMSAttributes'], resources: ['*'] }),
        // SNS checks that whoever names DeliveryStatusIAMRole may pass it.
        new PolicyStatement({
          actions: ['iam:PassRole'],
          resources: [this.deliveryStatusRole.roleArn],
          conditions: { StringEquals: { 'iam:PassedToService': 'sns.amazonaws.com' } },
        }),
      ]),
      role: this.providerRole,
      logGroup: this.providerLogs,
      // The SDK in the Lambda runtime has SetSMSAttributes; installing the latest one at deploy time would only
      // add a download from npm and a way for the deployment to fail.
      installLatestAwsSdk: false,
      timeout: Duration.minutes(2),
      // Set, not Lambda's 128 MB default (which the Serverless pack flags as unconsidered): one SDK call, started fast.
      memorySize: 256,
    });
    // The finding is on the policy AwsCustomResource makes from the statements above, inside it.
    Validations.of(this.resource).acknowledge(
      {
        id: 'AwsSolutions-IAM5[Resource::*]',
        reason:
          'sns:SetSMSAttributes sets account-wide SMS settings and has no resource ARN, so IAM only accepts ' +
          'Resource "*"; the statement allows that one action and nothing else.',
      },
      {
        id: 'HIPAA.Security-IAMNoInlinePolicy',
        reason:
          'The inline policy is the provider role’s least privilege for this one call (SetSMSAttributes and ' +
          'passing the delivery-status role to SNS); no other role would share it.',
      },
    );
    Validations.of(this.deliveryStatusRole).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        'The inline policy lets SNS write to the two SMS delivery-status log groups and nothing else; no other ' +
        'role would share it.',
    });
    Validations.of(this.providerRole).acknowledge({
      id: 'HIPAA.Security-IAMNoInlinePolicy',
      reason:
        'The inline policy lets the provider write to its own log group and nothing else; no other role would ' +
        'share it.',
    });
    this.acknowledgeProvider();
  }

  /**
   * The provider Lambda AwsCustomResource adds to the stack: AWS's code, run by CloudFormation once per deployment
   * that changes the attributes, which reports its outcome in the stack's events.
   */
  private acknowledgeProvider(): void {
    const provider = Stack.of(this).node.findChild(PROVIDER_ID);
    const once =
      'It is the custom resource provider CloudFormation runs once per deployment to call SetSMSAttributes; ';
    Validations.of(provider).acknowledge(
      {
        id: 'HIPAA.Security-LambdaDLQ',
        reason: `${once}a failure fails the deployment and shows in the stack's events, so nothing is lost.`,
      },
      {
        id: 'Serverless-LambdaDLQ',
        reason: `${once}a failure fails the deployment and shows in the stack's events, so nothing is lost.`,
      },
      {
        id: 'HIPAA.Security-LambdaInsideVPC',
        reason: `${once}it reaches only the SNS API, over TLS with its own role; a VPC would narrow nothing.`,
      },
      {
        id: 'HIPAA.Security-LambdaConcurrency',
        reason: `${once}it never runs twice at once, so reserving concurrency for it would only idle capacity.`,
      },
      {
        id: 'Serverless-LambdaTracing',
        reason: `${once}there is no request to trace across services, and its log group records each call.`,
      },
    );
  }
}
