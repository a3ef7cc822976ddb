// AWS on-demand unit rates for the monthly bill model, for the stack's region ap-southeast-3 (Asia Pacific, Jakarta).
// Compiled 2026-12-03 from stored public sources only (no live fetch). Rates change: each entry names its source
// and the date that source states. `region` is the region a figure is really for; where Jakarta's own figure was
// not found, `region` says so and `note` tells which way Jakarta's likely differs.
//
// Refresh: the AWS Price List Bulk API serves one file per service and region (pattern shown by AWS's
// 2017-04-20 What's New post, "Use the Enhanced AWS Price List API to Access AWS Service- and Region-Specific
// Product and Pricing Information"):
//   https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws/<Service>/current/ap-southeast-3/index.json
// Services: AWSLambda, AmazonApiGateway, AmazonDynamoDB, AWSEvents (EventBridge and Scheduler), AWSQueueService,
// AmazonS3, awskms, AmazonCloudWatch, AWSXRay, AmazonCognito; awswaf and AmazonCloudFront (global, see their
// entries). Jakarta's usage types carry the prefix APS4- (e.g. APS4-TimedStorage-ByteHrs); the first-tier
// OnDemand priceDimension of the matching usagetype is the rate. SMS per-country prices are on the AWS End User
// Messaging pricing page; SNS delivery-status logs also record each message's price.

export interface Rate {
  usd: number;
  unit: string;
  source: string;
  asOf: string;
  region: string;
  note?: string;
}

export const PRICE_REGION = 'ap-southeast-3';

const PL = 'https://pricing.us-east-1.amazonaws.com/offers/v1.0/aws';
/** Figures read from a price-list file by a public project's cost note, not fetched here. */
const QUOTED = 'quoted from this price-list file by a public cost note';

const jakartaLambda = {
  source: `${PL}/AWSLambda/current/ap-southeast-3/index.json`,
  asOf: '2026-08-11',
  region: 'ap-southeast-3',
  note: `Jakarta, arm64; ${QUOTED} (verified against it 2026-08-11). Same figure as us-east-1.`,
};
const jakartaS3 = {
  source: `${PL}/AmazonS3/current/ap-southeast-3/index.json`,
  asOf: '2026-09-18',
  region: 'ap-southeast-3',
};
const jakartaLogs = `${PL}/AmazonCloudWatch/20260831092148/ap-southeast-3/index.json`;
const usWest2Dynamo = `${PL}/AmazonDynamoDB/20260831092153/us-west-2/index.json`;
const usWest2Note = `${QUOTED} dated 2026-08-08 (us-west-2 stack cost analysis)`;

export const PRICES = {
  lambdaRequest: { usd: 0.0000002, unit: '1 request', ...jakartaLambda },
  lambdaGbSecondArm: { usd: 0.0000133334, unit: '1 GB-second (arm64, first tier)', ...jakartaLambda },
  apiGatewayHttpRequest: {
    usd: 0.000001,
    unit: '1 request (HTTP API, first 300M a month)',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    asOf: '2026-08-04',
    region: 'us-east-1',
    note:
      "Jakarta's own figure was not found in the stored sources. Not uniform across regions: London's price list " +
      '(2026-08-31) has $1.16/M, so Jakarta may be above $1.00/M. Page read 2026-08-04, quoted by a public design doc.',
  },
  dynamoWriteRequestUnit: {
    usd: 0.000000625,
    unit: '1 write request unit (on-demand, Standard table class)',
    source: `${usWest2Dynamo} (SKU 4G4G98VBTENWGY5R)`,
    asOf: '2026-08-31',
    region: 'us-west-2',
    note:
      "Jakarta's own figure was not found in the stored sources; likely higher (Sydney's list, 2026-08-13, has " +
      `$0.71/M, ~14% above). ${QUOTED}.`,
  },
  dynamoReadRequestUnit: {
    usd: 0.000000125,
    unit: '1 read request unit (on-demand, Standard table class)',
    source: `${usWest2Dynamo} (SKU K6UMRY3TVDVCBP56)`,
    asOf: '2026-08-31',
    region: 'us-west-2',
    note: `Jakarta's own figure was not found; likely higher (Sydney: $0.1425/M). ${QUOTED}.`,
  },
  dynamoStorageGbMonth: {
    usd: 0.25,
    unit: '1 GB-month (Standard table class, beyond the first 25 GB)',
    source: `${usWest2Dynamo} (SKU UNCJFSHZ2ZQGDPJV)`,
    asOf: '2026-08-31',
    region: 'us-west-2',
    note: `Jakarta's own figure was not found; likely higher (Sydney: $0.285). ${QUOTED}.`,
  },
  dynamoPitrGbMonth: {
    usd: 0.2,
    unit: '1 GB-month of point-in-time-recovery (continuous backup) storage',
    source: `${PL}/AmazonDynamoDB/current/us-west-2/index.json`,
    asOf: '2026-08-08',
    region: 'us-west-2',
    note: `Jakarta's own figure was not found; likely higher (Sydney: $0.228). ${usWest2Note}.`,
  },
  snsSmsIndonesia: {
    usd: Number.NaN,
    unit: '1 SMS part to an Indonesian number (transactional)',
    source: 'NOT FOUND: https://aws.amazon.com/end-user-messaging/pricing/ (not in the stored sources)',
    asOf: '2026-12-03',
    region: 'destination ID (Indonesia)',
    note:
      'No AWS price for SMS to Indonesia (nor any carrier fee) was found in the stored sources, so none is given. ' +
      'Fill it from the pricing page or from SNS delivery-status logs (price per message) before billing SMS.',
  },
  eventBridgeCustomEvent: {
    usd: 0.000001,
    unit: '1 custom event published (each 64 KB chunk)',
    source: 'https://cloudburn.io/blog/amazon-eventbridge-pricing (states us-east-1, as of March 2026)',
    asOf: '2026-03-13',
    region: 'us-east-1',
    note:
      "Jakarta's own figure was not found; the official page's stored copy shows no figures. The article says " +
      'prices are consistent across most commercial regions.',
  },
  schedulerInvocation: {
    usd: 0.000001,
    unit: '1 scheduled invocation beyond 14 million a month',
    source: `${PL}/AWSEvents/current/us-east-1/index.json`,
    asOf: '2026-05-29',
    region: 'us-east-1',
    note:
      "Jakarta's own figure was not found; may be higher (Tokyo's list has $1.25/M). Publication date of the " +
      `file as ${QUOTED} (read 2026-08-04).`,
  },
  sqsRequest: {
    usd: 0.0000004,
    unit: '1 request (standard queue, each 64 KB chunk)',
    source: `${PL}/AWSQueueService/20250828200713/ap-southeast-3/index.json (SKU 3FFU2JU83EB5H7UP)`,
    asOf: '2025-08-28',
    region: 'ap-southeast-3',
    note: `Jakarta; ${QUOTED} (still the version in force when read, 2026-09-03).`,
  },
  s3PutRequest: {
    usd: 0.000005,
    unit: '1 PUT, COPY, POST or LIST request (S3 Standard)',
    ...jakartaS3,
    note: `Jakarta; "$0.005 per 1,000" ${QUOTED} (offer published 2026-09-18).`,
  },
  s3GetRequest: {
    usd: 0.0000004,
    unit: '1 GET or other request (S3 Standard)',
    ...jakartaS3,
    note: `Jakarta; "$0.004 per 10,000" ${QUOTED} (offer published 2026-09-18).`,
  },
  s3StorageGbMonth: {
    usd: 0.025,
    unit: '1 GB-month (S3 Standard, first 50 TB)',
    ...jakartaS3,
    note: `Jakarta (us-east-1 is $0.023); ${QUOTED} (offer published 2026-09-18).`,
  },
  kmsRequest: {
    usd: 0.000003,
    unit: '1 symmetric or HMAC API request (beyond 20,000 free a month)',
    source: `${PL}/awskms/current/us-west-2/index.json`,
    asOf: '2026-08-08',
    region: 'us-west-2',
    note:
      "Jakarta's own figure was not found; likely the same (Tokyo's list, 2026-09-28, also has $0.03/10,000). " +
      `${usWest2Note}.`,
  },
  kmsKeyMonth: {
    usd: 1,
    unit: '1 customer managed key (key version) per month',
    source: `${PL}/awskms/current/us-west-2/index.json`,
    asOf: '2026-08-08',
    region: 'us-west-2',
    note:
      "Jakarta's own figure was not found; likely the same (Tokyo: $1). Automatic rotation adds $1/month per " +
      `rotation, capped at the second (KMS pricing page). ${usWest2Note}.`,
  },
  logsIngestGb: {
    usd: 0.7,
    unit: '1 GB ingested (CloudWatch Logs, Standard class)',
    source: `${jakartaLogs} (SKU 9S6BM6E4HCB59BFR)`,
    asOf: '2026-08-31',
    region: 'ap-southeast-3',
    note: `Jakarta (us-east-1 and us-west-2 are $0.50); ${QUOTED} (read 2026-09-03).`,
  },
  logsStorageGbMonth: {
    usd: 0.03,
    unit: '1 GB-month stored (CloudWatch Logs)',
    source: `${jakartaLogs} (SKU RAZY9E76R9JUCNQK)`,
    asOf: '2026-08-31',
    region: 'ap-southeast-3',
    note: `Jakarta; ${QUOTED} (read 2026-09-03).`,
  },
  xrayTraceRecorded: {
    usd: 0.000005,
    unit: '1 trace recorded (beyond 100,000 free a month)',
    source: `${PL}/AWSXRay/current/us-west-2/index.json`,
    asOf: '2026-08-08',
    region: 'us-west-2',
    note: `Jakarta's own figure was not found; may be higher, as most Jakarta rates here are. ${usWest2Note}.`,
  },
  cloudwatchAlarmMonth: {
    usd: 0.1,
    unit: '1 standard-resolution metric alarm per month',
    source: 'https://c3x.dev/resources/aws/aws_cloudwatch_metric_alarm (third-party cost note)',
    asOf: '2026-12-03',
    region: 'us-east-1',
    note:
      "A third-party note's figure ($0.10 per standard alarm-month), read 2026-12-03; AWS's own Jakarta figure was " +
      'not found in the stored sources and may be higher, as most Jakarta rates here are.',
  },
  wafWebAclMonth: {
    usd: 5,
    unit: '1 web ACL per month',
    source: `${PL}/awswaf/current/us-east-1/index.json`,
    asOf: '2026-01-07',
    region: 'us-east-1',
    note:
      "The API's web ACL is CLOUDFRONT scope and lives in us-east-1 (infra/constructs/edge.ts), so this rate is " +
      "its own; the Cognito pool's REGIONAL ACL is in Jakarta, whose WAF rates were not found in the stored " +
      `sources. ${QUOTED} (read 2026-08-04).`,
  },
  wafRuleMonth: {
    usd: 1,
    unit: '1 rule (or rule group) per web ACL per month',
    source: `${PL}/awswaf/current/us-east-1/index.json`,
    asOf: '2026-01-07',
    region: 'us-east-1',
    note: `See wafWebAclMonth on which ACL this fits. ${QUOTED} (read 2026-08-04).`,
  },
  wafRequest: {
    usd: 0.0000006,
    unit: '1 web request inspected',
    source: `${PL}/awswaf/current/us-east-1/index.json`,
    asOf: '2026-01-07',
    region: 'us-east-1',
    note: `See wafWebAclMonth on which ACL this fits. ${QUOTED} (read 2026-08-04).`,
  },
  cloudfrontRequestHttps: {
    usd: 0.0000012,
    unit: '1 HTTPS request (beyond the always-free 10 million a month)',
    source: `${PL}/AmazonCloudFront/current/index.json (usagetype AP-Requests-Tier2-HTTPS)`,
    asOf: '2026-10-01',
    region: 'CloudFront Asia Pacific edge group (includes Indonesia)',
    note:
      '"$0.012 per 10,000 HTTPS Requests"; the pricing page (https://aws.amazon.com/cloudfront/pricing/) puts ' +
      `Indonesia in this group. ${QUOTED} (read 2026-10-01).`,
  },
  cognitoMau: {
    usd: 0.02,
    unit: '1 monthly active user (Plus tier, which has no free tier)',
    source: `${PL}/AmazonCognito/current/us-west-2/index.json`,
    asOf: '2026-08-08',
    region: 'us-west-2',
    note:
      'Plus, because the stack sets FeaturePlan.PLUS (infra/stack.ts). Essentials is $0.015 and Lite $0.0055 ' +
      `per MAU beyond 10,000 free. Jakarta's own figure was not found. ${usWest2Note}.`,
  },
} satisfies Record<string, Rate>;

export interface Allowance {
  amount: number;
  unit: string;
  source: string;
  asOf: string;
  region: string;
  note?: string;
}

/** Monthly free allowances, to subtract before applying PRICES. */
export const FREE_TIER = {
  lambdaRequests: {
    amount: 1_000_000,
    unit: 'requests a month',
    source: 'https://aws.amazon.com/lambda/pricing/',
    asOf: '2026-09-20',
    region: 'all commercial regions',
    note:
      'Page text "one million requests and 400,000 GB-seconds per month", read 2026-09-20 by a public transcription; ' +
      "sources differ on whether an account's free-tier plan affects it, so check the account.",
  },
  lambdaGbSeconds: {
    amount: 400_000,
    unit: 'GB-seconds a month (x86 and arm64 together)',
    source: 'https://aws.amazon.com/lambda/pricing/',
    asOf: '2026-09-20',
    region: 'all commercial regions',
  },
  apiGatewayHttpRequests: {
    amount: 1_000_000,
    unit: 'HTTP API calls a month',
    source: 'https://aws.amazon.com/api-gateway/pricing/',
    asOf: '2026-12-03',
    region: 'all regions',
    note:
      'Only for new customers, for their first 12 months: leave it out for a long-running account. The stored ' +
      'copy of the page is undated, so asOf is the day it was read.',
  },
  sqsRequests: {
    amount: 1_000_000,
    unit: 'requests a month',
    source: `${PL}/AWSQueueService/current/us-west-2/index.json`,
    asOf: '2026-08-08',
    region: 'us-west-2',
    note: usWest2Note,
  },
  dynamoStorageGb: {
    amount: 25,
    unit: 'GB of table storage',
    source: `${PL}/AmazonDynamoDB/current/us-west-2/index.json`,
    asOf: '2026-08-08',
    region: 'us-west-2',
    note: usWest2Note,
  },
  schedulerInvocations: {
    amount: 14_000_000,
    unit: 'scheduled invocations a month',
    source: `${PL}/AWSEvents/current/us-east-1/index.json`,
    asOf: '2026-05-29',
    region: 'us-east-1',
    note: 'Tokyo has the same 14 million in its list, so likely every region.',
  },
  kmsRequests: {
    amount: 20_000,
    unit: 'requests a month',
    source: `${PL}/awskms/current/us-west-2/index.json`,
    asOf: '2026-08-08',
    region: 'us-west-2',
    note: usWest2Note,
  },
  logsGb: {
    amount: 5,
    unit: 'GB of CloudWatch Logs a month',
    source: `${PL}/AmazonCloudWatch/current/us-west-2/index.json`,
    asOf: '2026-08-08',
    region: 'us-west-2',
    note: usWest2Note,
  },
  xrayTraces: {
    amount: 100_000,
    unit: 'traces recorded a month',
    source: `${PL}/AWSXRay/current/us-west-2/index.json`,
    asOf: '2026-08-08',
    region: 'us-west-2',
    note: usWest2Note,
  },
  cloudfrontRequests: {
    amount: 10_000_000,
    unit: 'HTTP(S) requests a month (always free)',
    source: 'https://aws.amazon.com/cloudfront/pricing/pay-as-you-go/',
    asOf: '2026-10-01',
    region: 'global',
    note: 'Also 1 TB of data transfer out a month.',
  },
  cognitoMau: {
    amount: 0,
    unit: 'monthly active users (Plus tier)',
    source: 'https://aws.amazon.com/cognito/pricing/',
    asOf: '2026-08-08',
    region: 'all regions',
    note: '"There is no free tier for the Plus tier"; Lite and Essentials have 10,000 MAU free.',
  },
} satisfies Record<string, Allowance>;
