// A city's month on AWS: a usage profile (how many of each operation a month, configurable) times what one of each
// used in the city bench (meter.ts, measured on this machine), priced at the rates of prices.ts. Lambda's GB-seconds
// come from the measured durations and each function's configured memory (the same definitions the stack reads).
// What the bench cannot meter is estimated, and says so: logs (~1 KB an invocation), traces (X-Ray's default
// sampling), DynamoDB storage; the fixed monthly items (keys, web ACLs, alarms) are counted in the synthesized stack.
import { EVENT_RULES } from '#shared/platform/event-rules.ts';
import { LOG_SUBSCRIPTIONS } from '#shared/platform/log-subscriptions.ts';
import { QUEUES } from '#shared/platform/queues.ts';
import { ROUTES } from '#shared/platform/routes.ts';
import { SCHEDULES } from '#shared/platform/schedules.ts';
import { TIMERS } from '#shared/platform/timers.ts';
import { PRICE_REGION, PRICES, type Rate } from '../cost/prices.ts';
import { round } from '../stats.ts';
import type { Usage } from './meter.ts';

/** A function's memory when its definition names none (infra/constructs/app-function.ts). */
const DEFAULT_MEMORY_MB = 512;

/** Each handler's configured memory, from the definitions the stack is built from. */
export function memoryOf(handler: string): number {
  const defs: { handler: string; memoryMb?: number }[] = [
    ...ROUTES,
    ...EVENT_RULES,
    ...SCHEDULES,
    ...QUEUES,
    ...TIMERS,
    ...LOG_SUBSCRIPTIONS,
  ];
  return defs.find((d) => d.handler === handler && d.memoryMb)?.memoryMb ?? DEFAULT_MEMORY_MB;
}

/**
 * A city's month (Kota Jambi's size). Sourced: 112 takes 5–10 reports a day (PRODUCT.md; the top of it here), BPJS
 * bills the city-paid list monthly (its rows: the city's PBI APBD residents, measured). Assumed, no source here:
 * the rest, each a plain number to change for another city.
 */
export interface UsageProfile {
  /** Clinic and hospital desks checking a NIK (GET /coverage): about 2,000 a day over the city's facilities. */
  clinicChecks: number;
  /** RT chairs' letters: one per RT a month. */
  letters: number;
  /** Fund expenses: six per RT a month. */
  expenses: number;
  /** 112 reports through dispatch, acknowledgement and close. */
  incidents: number;
  /** Residents' list rows imported a month (the month's changes: 2% of the city). */
  importRows: number;
  /** BPJS's monthly invoice rows. */
  reconciliationRows: number;
  /** Reminder SMS a month (the campaigns' due residents, from the busy day measured: see bill()). */
  reminderSms: number;
  /** Staff who sign in in a month (Cognito monthly active users): the chairs and the city's staff. */
  staffSignedIn: number;
}

export function cityProfile(m: {
  rts: number;
  residents: number;
  cityPaid: number;
  reminderSmsPerMonth: number;
}) {
  return {
    clinicChecks: 2_000 * 30,
    letters: m.rts,
    expenses: 6 * m.rts,
    incidents: 10 * 30,
    importRows: Math.round(m.residents * 0.02),
    reconciliationRows: m.cityPaid,
    reminderSms: m.reminderSmsPerMonth,
    staffSignedIn: m.rts + 150,
  } satisfies UsageProfile;
}

/** Which measured operation each profile line is priced by. */
const PRICED_BY: Record<keyof Omit<UsageProfile, 'staffSignedIn'>, string> = {
  clinicChecks: 'clinicCheck',
  letters: 'letter',
  expenses: 'expense',
  incidents: 'incident',
  importRows: 'importRow',
  reconciliationRows: 'reconciliationRow',
  reminderSms: 'reminderSms',
};

export interface BillLine {
  service: string;
  quantity: number;
  unit: string;
  usd: number;
  rate: Rate;
  estimated?: boolean;
}

export interface Bill {
  region: string;
  profile: UsageProfile;
  residents: number;
  lines: BillLine[];
  byService: { service: string; usd: number; pct: number }[];
  totalUsd: number;
  perResidentUsd: number;
  /** The service that costs most, and its share. */
  dominant: { service: string; pct: number };
  /** Per operation: what one costs (USD) and the month's count. */
  perOperation: { operation: string; count: number; unitUsd: number; monthUsd: number }[];
  assumptions: string[];
}

const SECONDS_A_MONTH = 30 * 86_400;
const LOG_BYTES_PER_INVOCATION = 1024;
/** X-Ray's default rule: the first request each second, then 5% of the rest. */
const XRAY_RATE = 0.05;

export function bill(
  perOperation: Record<string, { sample: number; usage: Usage }>,
  profile: UsageProfile,
  residents: number,
  storageGb: number,
  /** The SMS part's price (report.ts smsRate: prices.ts has none for Indonesia). */
  sms: Rate,
): Bill {
  const month = {
    invocations: 0,
    gbSeconds: 0,
    api: 0,
    rru: 0,
    wru: 0,
    smsParts: 0,
    events: 0,
    sqs: 0,
    puts: 0,
    gets: 0,
    kms: 0,
    schedulerFires: 0,
  };
  const timerHandlers = new Set(TIMERS.map((t) => t.handler));
  const ops: Bill['perOperation'] = [];
  const costOf = (u: Usage) => {
    let invocations = 0;
    let gbSeconds = 0;
    let fires = 0;
    for (const [h, f] of Object.entries(u.functions)) {
      invocations += f.invocations;
      gbSeconds += (f.ms / 1000) * (memoryOf(h) / 1024);
      if (timerHandlers.has(h)) fires += f.invocations;
    }
    return { invocations, gbSeconds, fires };
  };
  for (const [line, op] of Object.entries(PRICED_BY) as [keyof typeof PRICED_BY, string][]) {
    const measured = perOperation[op];
    if (!measured) continue;
    const n = profile[line] / measured.sample;
    const u = measured.usage;
    const c = costOf(u);
    const add = {
      invocations: c.invocations * n,
      gbSeconds: c.gbSeconds * n,
      api: u.apiRequests * n,
      rru: u.dynamo.readUnits * n,
      wru: u.dynamo.writeUnits * n,
      smsParts: u.sms.parts * n,
      events: u.events * n,
      sqs: u.sqsMessages * 3 * n,
      puts: u.s3.puts * n,
      gets: u.s3.gets * n,
      kms: u.kmsRequests * n,
      schedulerFires: c.fires * n,
    };
    for (const k of Object.keys(month) as (keyof typeof month)[]) month[k] += add[k];
    const usd =
      add.invocations * PRICES.lambdaRequest.usd +
      add.gbSeconds * PRICES.lambdaGbSecondArm.usd +
      add.api * PRICES.apiGatewayHttpRequest.usd +
      add.rru * PRICES.dynamoReadRequestUnit.usd +
      add.wru * PRICES.dynamoWriteRequestUnit.usd +
      add.smsParts * sms.usd +
      add.events * PRICES.eventBridgeCustomEvent.usd +
      add.sqs * PRICES.sqsRequest.usd +
      add.puts * PRICES.s3PutRequest.usd +
      add.gets * PRICES.s3GetRequest.usd +
      add.kms * PRICES.kmsRequest.usd +
      add.schedulerFires * PRICES.schedulerInvocation.usd;
    ops.push({
      operation: line,
      count: profile[line],
      unitUsd: usd / Math.max(1, profile[line]),
      monthUsd: usd,
    });
  }
  // The scheduled jobs: each fires once a day.
  month.schedulerFires += SCHEDULES.length * 30;
  const traces =
    Math.min(month.invocations, SECONDS_A_MONTH) +
    XRAY_RATE * Math.max(0, month.invocations - SECONDS_A_MONTH);
  const lines: BillLine[] = [
    { service: 'Lambda', quantity: month.invocations, unit: 'requests', usd: 0, rate: PRICES.lambdaRequest },
    {
      service: 'Lambda',
      quantity: month.gbSeconds,
      unit: 'GB-seconds (arm64)',
      usd: 0,
      rate: PRICES.lambdaGbSecondArm,
    },
    {
      service: 'API Gateway',
      quantity: month.api,
      unit: 'HTTP API requests',
      usd: 0,
      rate: PRICES.apiGatewayHttpRequest,
    },
    {
      service: 'CloudFront',
      quantity: month.api,
      unit: 'HTTPS requests',
      usd: 0,
      rate: PRICES.cloudfrontRequestHttps,
    },
    { service: 'WAF', quantity: month.api, unit: 'requests', usd: 0, rate: PRICES.wafRequest },
    {
      service: 'DynamoDB',
      quantity: month.rru,
      unit: 'read request units',
      usd: 0,
      rate: PRICES.dynamoReadRequestUnit,
    },
    {
      service: 'DynamoDB',
      quantity: month.wru,
      unit: 'write request units',
      usd: 0,
      rate: PRICES.dynamoWriteRequestUnit,
    },
    {
      service: 'DynamoDB',
      quantity: storageGb,
      unit: 'GB stored',
      usd: 0,
      rate: PRICES.dynamoStorageGbMonth,
      estimated: true,
    },
    {
      service: 'DynamoDB',
      quantity: storageGb,
      unit: 'GB continuous backup',
      usd: 0,
      rate: PRICES.dynamoPitrGbMonth,
      estimated: true,
    },
    { service: 'SNS SMS', quantity: month.smsParts, unit: 'SMS parts to +62', usd: 0, rate: sms },
    {
      service: 'EventBridge',
      quantity: month.events,
      unit: 'custom events',
      usd: 0,
      rate: PRICES.eventBridgeCustomEvent,
    },
    {
      service: 'EventBridge Scheduler',
      quantity: month.schedulerFires,
      unit: 'invocations',
      usd: 0,
      rate: PRICES.schedulerInvocation,
    },
    {
      service: 'SQS',
      quantity: month.sqs,
      unit: 'requests (send, receive, delete)',
      usd: 0,
      rate: PRICES.sqsRequest,
    },
    { service: 'S3', quantity: month.puts, unit: 'PUT requests', usd: 0, rate: PRICES.s3PutRequest },
    { service: 'S3', quantity: month.gets, unit: 'GET requests', usd: 0, rate: PRICES.s3GetRequest },
    { service: 'KMS', quantity: month.kms, unit: 'requests (HMAC)', usd: 0, rate: PRICES.kmsRequest },
    {
      service: 'KMS',
      quantity: KMS_KEYS,
      unit: 'customer managed keys',
      usd: 0,
      rate: PRICES.kmsKeyMonth,
      estimated: true,
    },
    {
      service: 'CloudWatch Logs',
      quantity: (month.invocations * LOG_BYTES_PER_INVOCATION) / 1024 ** 3,
      unit: 'GB ingested',
      usd: 0,
      rate: PRICES.logsIngestGb,
      estimated: true,
    },
    {
      service: 'X-Ray',
      quantity: traces,
      unit: 'traces recorded',
      usd: 0,
      rate: PRICES.xrayTraceRecorded,
      estimated: true,
    },
    { service: 'WAF', quantity: WEB_ACLS, unit: 'web ACLs', usd: 0, rate: PRICES.wafWebAclMonth },
    { service: 'WAF', quantity: WAF_RULES, unit: 'rules', usd: 0, rate: PRICES.wafRuleMonth },
    { service: 'CloudWatch', quantity: ALARMS, unit: 'alarms', usd: 0, rate: PRICES.cloudwatchAlarmMonth },
    {
      service: 'Cognito',
      quantity: profile.staffSignedIn,
      unit: 'monthly active users',
      usd: 0,
      rate: PRICES.cognitoMau,
    },
  ];
  for (const l of lines) l.usd = l.quantity * l.rate.usd;
  const total = lines.reduce((s, l) => s + l.usd, 0);
  const services = new Map<string, number>();
  for (const l of lines) services.set(l.service, (services.get(l.service) ?? 0) + l.usd);
  const byService = [...services]
    .map(([service, usd]) => ({ service, usd: round(usd, 2), pct: round((usd / total) * 100, 1) }))
    .sort((a, b) => b.usd - a.usd);
  return {
    region: PRICE_REGION,
    profile,
    residents,
    lines: lines.map((l) => ({ ...l, quantity: round(l.quantity, 2), usd: round(l.usd, 2) })),
    byService,
    totalUsd: round(total, 2),
    perResidentUsd: round(total / residents, 5),
    dominant: { service: byService[0]!.service, pct: byService[0]!.pct },
    perOperation: ops.map((o) => ({ ...o, unitUsd: round(o.unitUsd, 6), monthUsd: round(o.monthUsd, 2) })),
    assumptions: [
      'Free tiers are not subtracted (a city account may share them with other workloads).',
      `Logs: ${LOG_BYTES_PER_INVOCATION} bytes ingested per invocation (Lambda's START/END/REPORT lines and one of ours).`,
      'X-Ray: the default sampling rule, the first request each second then 5%, counted as if every second had one.',
      'SQS: three requests per message (send, receive, delete); empty long polls left out.',
      `Fixed: ${KMS_KEYS} KMS keys, ${WEB_ACLS} web ACLs with ${WAF_RULES} rules, ${ALARMS} alarms, as synthesized on ${COUNTED_ON}; the dashboard is not priced.`,
      'DynamoDB storage: the resident items and periods as the import writes them, with their index copies.',
      'Lambda durations are this machine with DynamoDB Local; in AWS DynamoDB answers faster, so GB-seconds are an upper bound.',
    ],
  };
}

/**
 * The stack's fixed monthly items, as `npx cdk synth` makes them (test/infra/synth.test.ts checks these counts): its
 * customer managed keys, web ACLs (the API's at the edge, the user pool's) and their rules, and alarms.
 */
export const KMS_KEYS = 19;
export const WEB_ACLS = 2;
export const WAF_RULES = 7;
export const ALARMS = 150;
const COUNTED_ON = '2026-12-03';
