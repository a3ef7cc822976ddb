// The business metrics: CloudWatch Embedded Metric Format lines on stdout, written by Powertools Metrics — no API
// call and no AWS client in the bundle; CloudWatch turns the function's log lines into metrics. Namespace SehatKota,
// dimension `service` (POWERTOOLS_SERVICE_NAME, sehatkota-<capability>), and `priority` on the incident metrics.
// METRICS is the contract the dashboard and alarms (infra/constructs/observability.ts) are built from, as ROUTES is
// for the API. Values are buffered and flushed once per invocation by the handler wrappers (invocation.ts).
// Off under POWERTOOLS_DEV (tests, local mode: nothing printed) or POWERTOOLS_METRICS_DISABLED=true.
// Nothing here runs at import: a bundle that never records a metric drops this module and Powertools Metrics.
import { Metrics } from '@aws-lambda-powertools/metrics';
import type { MetricUnit } from '@aws-lambda-powertools/metrics/types';
import { atInvocationEnd } from './invocation.ts';
import { logger } from './logger.ts';

export const METRICS_NAMESPACE = 'SehatKota';

/** The `service` dimension of a capability's functions: the POWERTOOLS_SERVICE_NAME its stack gives them. */
export const serviceOf = (capability: string) => `sehatkota-${capability}`;

/** The incident priorities, as the `priority` dimension takes them (shared/incident/schemas.ts PRIORITIES). */
export const PRIORITY_VALUES = ['P1', 'P2', 'P3'] as const;

export interface MetricDef {
  unit: 'Count' | 'Milliseconds' | 'Percent' | 'None';
  /** The capabilities whose functions emit it (its `service` values); the dashboard sums over them. */
  capabilities: readonly string[];
  /** Dimensions besides `service`, with every value they take. */
  dimensions?: { priority: typeof PRIORITY_VALUES };
  description: string;
}

export const METRICS = {
  AttestationIssued: {
    unit: 'Count',
    capabilities: ['attestation'],
    description: "RT chairs' letters issued (a replayed request is not counted again)",
  },
  CoverageActivated: {
    unit: 'Count',
    // An admin's change and an import (registry), an RT chair's letter (attestation).
    capabilities: ['registry', 'attestation'],
    description:
      'Residents whose coverage became ACTIVE (from none or any other status), once it is committed',
  },
  SmsSent: {
    unit: 'Count',
    capabilities: ['reminder'],
    description: 'Reminder SMS handed to SNS (each try that SNS accepted)',
  },
  SmsDelivered: {
    unit: 'Count',
    capabilities: ['reminder'],
    description: "Reminder SMS the carrier delivered (SNS's delivery reports)",
  },
  SmsFailed: {
    unit: 'Count',
    capabilities: ['reminder'],
    description:
      'Reminder SMS that did not reach the phone: a publish SNS refused, or a delivery report of failure',
  },
  SmsCostMicroUsd: {
    unit: 'None',
    capabilities: ['reminder'],
    description:
      'What the SMS sent cost, in micro-dollars (parts × SMS_PRICE_USD_PER_PART), as the budget counts it',
  },
  SmsBudgetUsedPercent: {
    unit: 'Percent',
    capabilities: ['reminder'],
    description:
      "The month's reminder SMS spend as a share of SMS_MONTHLY_BUDGET_USD, after each reservation",
  },
  IncidentReported: {
    unit: 'Count',
    capabilities: ['incident'],
    dimensions: { priority: PRIORITY_VALUES },
    description:
      '112 incidents created, by triaged priority (a repeat call linked to an open one is not counted)',
  },
  ReportToDispatchMs: {
    unit: 'Milliseconds',
    capabilities: ['incident'],
    dimensions: { priority: PRIORITY_VALUES },
    description: "From an incident's report to its first unit dispatched (committed)",
  },
  DispatchToAckMs: {
    unit: 'Milliseconds',
    capabilities: ['incident'],
    dimensions: { priority: PRIORITY_VALUES },
    description: "From a unit's dispatch to its crew's acknowledgement",
  },
  P1Unacknowledged: {
    unit: 'Count',
    capabilities: ['incident'],
    description:
      'P1 incidents still open and unacknowledged 2 minutes after they became P1 (their watch timer)',
  },
} as const satisfies Record<string, MetricDef>;

export type MetricName = keyof typeof METRICS;
type Defs = typeof METRICS;
/** The dimension values a metric needs besides `service`: `{ priority }` for the incident metrics, none otherwise. */
export type DimensionsOf<N extends MetricName> = Defs[N] extends { dimensions: infer D }
  ? { [K in keyof D]: D[K] extends readonly (infer V)[] ? V : never }
  : never;

let buffer: Metrics | undefined;

/** The invocation's buffer, made on first use (so the environment it reads is the invocation's). */
function metrics(): Metrics {
  if (!buffer) {
    buffer = new Metrics({
      namespace: METRICS_NAMESPACE,
      serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sehatkota',
    });
    atInvocationEnd(flushMetrics);
  }
  return buffer;
}

/**
 * Records one value. A metric with dimensions of its own (the incident's priority) is written at once as a line of
 * its own, since a buffered EMF line shares one set of dimensions; the others wait for the end of the invocation.
 * Never throws: a metric lost is better than a request failed for it.
 */
export function recordMetric<N extends MetricName>(
  name: N,
  value: number,
  ...dimensions: DimensionsOf<N> extends never ? [] : [DimensionsOf<N>]
): void {
  try {
    if (!Number.isFinite(value)) throw new RangeError(`not a finite number: ${value}`);
    // EMF's unit names, which MetricUnit's values are (importing MetricUnit would keep its module in every bundle).
    const unit = METRICS[name].unit as MetricUnit;
    const own = dimensions[0] as Record<string, string> | undefined;
    if (own) {
      const single = metrics().singleMetric();
      for (const [key, v] of Object.entries(own)) single.addDimension(key, v);
      single.addMetric(name, unit, value);
    } else {
      metrics().addMetric(name, unit, value);
    }
  } catch (error) {
    logger.warn('metric not recorded', { metric: name, error });
  }
}

/** Writes what the invocation recorded (nothing when it recorded nothing: no empty-metrics warning either). */
export function flushMetrics(): void {
  if (buffer?.hasStoredMetrics()) buffer.publishStoredMetrics();
}

/** Tests: forget the buffer, so the next metric reads the environment again (POWERTOOLS_METRICS_DISABLED). */
export function resetMetrics(): void {
  buffer = undefined;
}
