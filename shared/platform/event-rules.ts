// The one set of event rules: the CDK stack makes an EventBridge rule of each, and local mode's
// in-process bus routes by the very same patterns to the very same handler modules.
import type { Grants } from './routes.ts';

export const APP_SOURCE_PREFIX = 'sehatkota.';

export interface EventPattern {
  source: string[];
  'detail-type'?: string[];
  /** Exact-value matches on top-level detail fields (or nested, one level). */
  detail?: Record<string, string[] | Record<string, string[] | { prefix: string }[]>>;
}

export interface EventRuleDef {
  name: string;
  description: string;
  /** 'app' = the application's own bus; 'default' = the account's default bus (AWS service events). */
  bus: 'app' | 'default';
  pattern: EventPattern;
  handler: string;
  grants: Grants;
  /** For S3 events: the bucket whose objects the rule is about (the stack filters on its name). */
  bucket?: 'imports' | 'receipts';
  timeoutSeconds?: number;
  memoryMb?: number;
}

export const EVENT_RULES: readonly EventRuleDef[] = [
  {
    name: 'CoverageActivatedSms',
    description: 'Tell a resident by SMS that their coverage is active',
    bus: 'app',
    pattern: { source: ['sehatkota.registry'], 'detail-type': ['CoverageChanged'] },
    handler: 'functions/registry/notify-coverage-changed.ts',
    grants: { registry: 'read', notify: true },
  },
  {
    name: 'AttestationIssuedSms',
    description: "Tell a resident by SMS that the RT chair's letter made their coverage active",
    bus: 'app',
    pattern: { source: ['sehatkota.attestation'], 'detail-type': ['AttestationIssued'] },
    handler: 'functions/attestation/notify-attestation-issued.ts',
    grants: { registry: 'read', idempotency: true, notify: true },
  },
  {
    name: 'AttestationRejectedSms',
    description: 'Tell a resident by SMS that Dinas Sosial rejected the letter and coverage ended',
    bus: 'app',
    pattern: {
      source: ['sehatkota.attestation'],
      'detail-type': ['AttestationDecided'],
      detail: { decision: ['REJECTED'] },
    },
    handler: 'functions/attestation/notify-attestation-rejected.ts',
    grants: { registry: 'read', idempotency: true, notify: true },
  },
  {
    name: 'AmbulanceTakenFromTrips',
    description:
      'An ambulance sent to a 112 incident leaves its homecare trips (Jemput Sakit Antar Sehat) to the next free unit',
    bus: 'app',
    pattern: {
      source: ['sehatkota.incident'],
      'detail-type': ['UnitDispatched'],
      detail: { kind: ['AMBULANCE'] },
    },
    handler: 'functions/homecare/unit-dispatched.ts',
    grants: {
      homecare: 'readWrite',
      incidents: 'read',
      registry: 'read',
      audit: 'write',
      idempotency: true,
      notify: true,
    },
  },
  {
    name: 'KaderIncentiveSms',
    description: "Tell each kader paid in a month's incentive run by SMS, once each",
    bus: 'app',
    pattern: { source: ['sehatkota.kader'], 'detail-type': ['KaderIncentivesPaid'] },
    handler: 'functions/kader/notify-incentives.ts',
    grants: { registry: 'read', idempotency: true, notify: true },
    timeoutSeconds: 300,
  },
  {
    name: 'ResidentImportUploaded',
    description: 'Run a resident import job when its CSV lands in the imports bucket',
    bus: 'default',
    pattern: {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { object: { key: [{ prefix: 'imports/residents/' }] } },
    },
    bucket: 'imports',
    handler: 'functions/registry/import-worker.ts',
    grants: { registry: 'readWrite', audit: 'write', imports: 'read' },
    timeoutSeconds: 900,
    memoryMb: 1769,
  },
  {
    name: 'CivilEventsUploaded',
    description: 'Run a Dukcapil civil events job when its CSV lands in the imports bucket',
    bus: 'default',
    pattern: {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { object: { key: [{ prefix: 'imports/civil-events/' }] } },
    },
    bucket: 'imports',
    handler: 'functions/registry/civil-events-worker.ts',
    grants: { registry: 'readWrite', audit: 'write', imports: 'read' },
    timeoutSeconds: 900,
    memoryMb: 1769,
  },
  {
    name: 'ReconciliationUploaded',
    description: "Check BPJS's invoice of a month name by name when its CSV lands in the imports bucket",
    bus: 'default',
    pattern: {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { object: { key: [{ prefix: 'imports/reconciliations/' }] } },
    },
    bucket: 'imports',
    handler: 'functions/registry/reconciliation-worker.ts',
    grants: { registry: 'readWrite', audit: 'write', imports: 'read' },
    timeoutSeconds: 900,
    memoryMb: 1769,
  },
  {
    name: 'FundReceiptUploaded',
    description: 'Mark an RT fund entry as having its receipt once the file lands in the receipts bucket',
    bus: 'default',
    pattern: {
      source: ['aws.s3'],
      'detail-type': ['Object Created'],
      detail: { object: { key: [{ prefix: 'receipts/' }] } },
    },
    bucket: 'receipts',
    handler: 'functions/fund/receipt-uploaded.ts',
    grants: { funds: 'readWrite' },
  },
];

/** Does an event match a rule's pattern? The same subset of EventBridge matching the rules above use. */
export function matches(
  pattern: EventPattern,
  event: { source: string; 'detail-type': string; detail: Record<string, unknown> },
): boolean {
  if (!pattern.source.includes(event.source)) return false;
  if (pattern['detail-type'] && !pattern['detail-type'].includes(event['detail-type'])) return false;
  for (const [field, want] of Object.entries(pattern.detail ?? {})) {
    const have = event.detail[field];
    if (Array.isArray(want)) {
      if (!want.includes(String(have))) return false;
      continue;
    }
    if (typeof have !== 'object' || have === null) return false;
    for (const [sub, options] of Object.entries(want)) {
      const value = String((have as Record<string, unknown>)[sub] ?? '');
      const ok = options.some((o) => (typeof o === 'string' ? o === value : value.startsWith(o.prefix)));
      if (!ok) return false;
    }
  }
  return true;
}
