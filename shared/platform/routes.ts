// The one route table: every HTTP route once, with its handler file and the roles it admits.
// The CDK stack builds one function per route from it, the local server serves it, and the auth
// middleware reads each route's roles from it by routeKey — so the three cannot drift.
import type { QueueName } from './queues.ts';
import { ROLES, type Role } from './roles.ts';
import type { TimerName } from './timers.ts';

export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** What a function may touch; the CDK stack grants exactly this and nothing else. */
export interface Grants {
  registry?: 'read' | 'readWrite';
  attestations?: 'read' | 'readWrite';
  funds?: 'read' | 'readWrite';
  incidents?: 'read' | 'readWrite';
  reminders?: 'read' | 'readWrite';
  homecare?: 'read' | 'readWrite';
  /** Append records (in transactions), or also read an entity's trail. */
  audit?: 'write' | 'read' | 'readWrite';
  idempotency?: true;
  /** Put events on the application bus. */
  bus?: true;
  /** Send SMS / publish to topics. */
  notify?: true;
  /** Resident import uploads bucket. */
  imports?: 'presignPut' | 'read';
  /** Receipts of RT fund expenses (private bucket): presigned PUTs only. */
  receipts?: 'presignPut';
  /** SNS topics for staff (e-mail/HTTPS subscribers), by name. */
  topics?: readonly StaffTopic[];
  /** The KMS HMAC key that derives attestation verification codes. */
  verifyMac?: true;
  /** The KMS HMAC key that seals page cursors (shared/platform/cursor.ts). */
  cursors?: true;
  /** Send messages to these queues (shared/platform/queues.ts). */
  queues?: readonly QueueName[];
  /** Start and cancel these one-time timers (shared/platform/timers.ts). */
  timers?: readonly TimerName[];
  /** SNS's SMS opt-out list (the account's): 'list' reads it (ListPhoneNumbersOptedOut), 'optIn' takes a number off it (OptInPhoneNumber). */
  smsOptOuts?: readonly ('list' | 'optIn')[];
  /** Static files copied beside the bundle (folder relative to the repository root). */
  assets?: string;
  /** Staff sign-in accounts (the Cognito user pool): create (and group), disable (and sign out), enable. */
  accounts?: readonly ('create' | 'disable' | 'enable')[];
}

/** Staff topics: each is an SNS topic in AWS and a channel of the dev outbox locally. */
export const STAFF_TOPICS = [
  'verifiers',
  // The 112 call centre: supervisors (misses, no unit responding) and one topic of responders per unit kind.
  'supervisors',
  'responders_ambulance',
  'responders_fire',
  'responders_police',
  'responders_rescue',
  // The city health office's reminder administrators (the monthly SMS budget reached).
  'city_admins',
  // Whoever runs the system: alarms (5xx, function errors, dead letters, SMS spend, unacknowledged P1s).
  'operations',
] as const;
export type StaffTopic = (typeof STAFF_TOPICS)[number];

/** API Gateway route throttling, across all callers: steady requests per second, and the burst above it. */
export interface Throttle {
  rate: number;
  burst: number;
}

/**
 * Every route's limit unless it names its own: many times the city's busiest hour (a few hundred clinics and 1,650
 * RT chairs), yet a flood is turned away with 429 before it runs up Lambda and DynamoDB.
 */
export const DEFAULT_ROUTE_THROTTLE: Throttle = { rate: 50, burst: 100 };
/** Routes anyone may call (no account): a QR scan, a link tap, a public page are a person's pace, not a script's. */
const PUBLIC_THROTTLE: Throttle = { rate: 10, burst: 20 };
/** Routes that work for up to 29 s on thousands of items: one caller at a time is all they ever need. */
const HEAVY_THROTTLE: Throttle = { rate: 1, burst: 2 };
/** The web form's files (public): a page load fetches a handful, and the phone caches them after. */
const WEB_FORM_THROTTLE: Throttle = { rate: 20, burst: 50 };

export interface RouteDef {
  method: Method;
  /** API Gateway path syntax: /residents/{nik} */
  path: string;
  /** Handler module, relative to the repository root; it exports `handler`. */
  handler: string;
  /** Roles admitted; 'public' routes have no authorizer. */
  roles: readonly Role[] | 'public';
  grants: Grants;
  timeoutSeconds?: number;
  memoryMb?: number;
  /** This route's throttling; DEFAULT_ROUTE_THROTTLE when unset. */
  throttle?: Throttle;
}

const DEFINED: readonly RouteDef[] = [
  {
    method: 'POST',
    path: '/residents',
    handler: 'functions/registry/create-resident.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write', bus: true },
  },
  {
    method: 'GET',
    path: '/residents/{nik}',
    handler: 'functions/registry/get-resident.ts',
    roles: ['city_admin', 'rt_chair'],
    grants: { registry: 'read' },
  },
  {
    method: 'PUT',
    path: '/residents/{nik}/coverage',
    handler: 'functions/registry/change-coverage.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write', bus: true },
  },
  {
    method: 'POST',
    path: '/residents/{nik}/death',
    handler: 'functions/registry/record-death.ts',
    roles: ['city_admin', 'rt_chair'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'POST',
    path: '/residents/{nik}/move',
    handler: 'functions/registry/record-move.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'POST',
    path: '/births',
    handler: 'functions/registry/record-birth.ts',
    roles: ['clinic', 'city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'GET',
    path: '/births/{id}',
    handler: 'functions/registry/get-birth.ts',
    roles: ['clinic', 'city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'PUT',
    path: '/births/{id}/nik',
    handler: 'functions/registry/assign-birth-nik.ts',
    roles: ['clinic', 'city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'POST',
    path: '/civil-events/import',
    handler: 'functions/registry/import-civil-events.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
    timeoutSeconds: 29,
    memoryMb: 1024,
    throttle: HEAVY_THROTTLE,
  },
  {
    method: 'POST',
    path: '/civil-events/import/uploads',
    handler: 'functions/registry/create-civil-events-upload.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', imports: 'presignPut' },
    throttle: HEAVY_THROTTLE,
  },
  {
    method: 'GET',
    path: '/civil-events/import/{jobId}',
    handler: 'functions/registry/get-civil-events-job.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/deaths/reports',
    handler: 'functions/registry/list-death-reports.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'POST',
    path: '/residents/import',
    handler: 'functions/registry/import-residents.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
    timeoutSeconds: 29,
    memoryMb: 1024,
    throttle: HEAVY_THROTTLE,
  },
  {
    method: 'POST',
    path: '/residents/import/uploads',
    handler: 'functions/registry/create-import-upload.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', imports: 'presignPut' },
    throttle: HEAVY_THROTTLE,
  },
  {
    method: 'GET',
    path: '/residents/import/{jobId}',
    handler: 'functions/registry/get-import-job.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/coverage/{nik}',
    handler: 'functions/registry/get-coverage.ts',
    roles: ['clinic', 'city_admin', 'operator'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/uhc',
    handler: 'functions/registry/get-uhc.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/premiums/{month}',
    handler: 'functions/registry/get-premiums.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  // BPJS Ketenagakerjaan (BPU) for RT activity workers, the city's second paid scheme (kader: the kader register).
  {
    method: 'POST',
    path: '/residents/{nik}/employment-cover',
    handler: 'functions/registry/enrol-employment-cover.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'POST',
    path: '/residents/{nik}/employment-cover/end',
    handler: 'functions/registry/end-employment-cover.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'GET',
    path: '/residents/{nik}/employment-cover',
    handler: 'functions/registry/get-employment-cover.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'POST',
    path: '/premiums/{month}/reconciliation',
    handler: 'functions/registry/reconcile-premiums.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
    timeoutSeconds: 29,
    memoryMb: 1024,
    throttle: HEAVY_THROTTLE,
  },
  {
    method: 'GET',
    path: '/premiums/{month}/reconciliation',
    handler: 'functions/registry/list-reconciliations.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'POST',
    path: '/premiums/{month}/reconciliation/uploads',
    handler: 'functions/registry/create-reconciliation-upload.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', imports: 'presignPut' },
    throttle: HEAVY_THROTTLE,
  },
  {
    method: 'GET',
    path: '/premiums/{month}/reconciliation/jobs/{jobId}',
    handler: 'functions/registry/get-reconciliation-job.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/premiums/{month}/reconciliation/{id}',
    handler: 'functions/registry/get-reconciliation.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
    memoryMb: 1024,
  },
  {
    method: 'GET',
    path: '/premiums/{month}/reconciliation/{id}/letter.csv',
    handler: 'functions/registry/reconciliation-letter.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
    memoryMb: 1024,
  },
  {
    method: 'GET',
    path: '/rts/{rt}/residents',
    handler: 'functions/registry/list-rt-residents.ts',
    roles: ['rt_chair', 'city_admin', 'social_verifier'],
    grants: { registry: 'read', cursors: true },
  },
  // Attestations: the RT chair's letter that activates coverage at once, checked by Dinas Sosial afterwards.
  {
    method: 'POST',
    path: '/attestations',
    handler: 'functions/attestation/issue-attestation.ts',
    roles: ['rt_chair'],
    grants: {
      registry: 'readWrite',
      attestations: 'readWrite',
      audit: 'write',
      idempotency: true,
      bus: true,
      verifyMac: true,
    },
  },
  {
    method: 'GET',
    path: '/attestations',
    handler: 'functions/attestation/list-attestations.ts',
    roles: ['social_verifier', 'city_admin', 'rt_chair'],
    grants: { attestations: 'read', cursors: true },
  },
  {
    method: 'GET',
    path: '/attestations/counts',
    handler: 'functions/attestation/get-attestation-counts.ts',
    roles: ['social_verifier', 'city_admin'],
    grants: { attestations: 'read' },
  },
  {
    method: 'GET',
    path: '/attestations/{id}',
    handler: 'functions/attestation/get-attestation.ts',
    roles: ['social_verifier', 'city_admin', 'rt_chair'],
    grants: { attestations: 'read', audit: 'read' },
  },
  {
    method: 'POST',
    path: '/attestations/{id}/decision',
    handler: 'functions/attestation/decide-attestation.ts',
    roles: ['social_verifier'],
    grants: { registry: 'readWrite', attestations: 'readWrite', audit: 'write', bus: true },
  },
  {
    method: 'GET',
    path: '/attestations/{id}/letter',
    handler: 'functions/attestation/get-attestation-letter.ts',
    roles: ['rt_chair', 'social_verifier', 'city_admin'],
    grants: { attestations: 'read', verifyMac: true },
  },
  {
    method: 'GET',
    path: '/verify/{code}',
    handler: 'functions/attestation/verify-attestation.ts',
    roles: 'public',
    grants: { attestations: 'read' },
    throttle: PUBLIC_THROTTLE,
  },
  // The RT fund ledger (Kampung Bahagia): allocations, expenses, reversals; public accounts.
  {
    method: 'POST',
    path: '/funds/{rt}/{year}/allocations',
    handler: 'functions/fund/allocate.ts',
    roles: ['city_admin'],
    grants: { registry: 'read', funds: 'readWrite', audit: 'write', idempotency: true, bus: true },
  },
  {
    method: 'POST',
    path: '/funds/{year}/allocations',
    handler: 'functions/fund/allocate-area.ts',
    roles: ['city_admin'],
    grants: { registry: 'read', funds: 'readWrite', audit: 'write', idempotency: true, bus: true },
    timeoutSeconds: 29,
    throttle: HEAVY_THROTTLE,
  },
  {
    method: 'POST',
    path: '/funds/{rt}/{year}/expenses',
    handler: 'functions/fund/record-expense.ts',
    roles: ['rt_chair'],
    grants: { funds: 'readWrite', audit: 'write', idempotency: true, bus: true },
  },
  {
    method: 'POST',
    path: '/funds/{rt}/{year}/entries/{entryId}/reversal',
    handler: 'functions/fund/reverse-entry.ts',
    roles: ['city_admin', 'rt_chair'],
    grants: { funds: 'readWrite', audit: 'write', idempotency: true, bus: true },
  },
  {
    method: 'POST',
    path: '/funds/{rt}/{year}/entries/{entryId}/receipt',
    handler: 'functions/fund/create-receipt-upload.ts',
    roles: ['rt_chair', 'city_admin'],
    grants: { funds: 'read', receipts: 'presignPut' },
  },
  {
    method: 'GET',
    path: '/funds/{rt}/{year}',
    handler: 'functions/fund/get-fund.ts',
    roles: 'public',
    grants: { funds: 'read' },
    throttle: PUBLIC_THROTTLE,
  },
  {
    method: 'GET',
    path: '/funds/{rt}/{year}/export.csv',
    handler: 'functions/fund/export-fund.ts',
    roles: 'public',
    grants: { funds: 'read' },
    throttle: PUBLIC_THROTTLE,
  },
  {
    method: 'GET',
    path: '/funds',
    handler: 'functions/fund/list-funds.ts',
    roles: ['city_admin'],
    grants: { funds: 'read' },
  },
  // The 112 call centre: units, incidents, nearest-unit dispatch, acknowledgement, the lifecycle, statistics.
  {
    method: 'POST',
    path: '/units',
    handler: 'functions/incident/create-unit.ts',
    roles: ['city_admin'],
    grants: { incidents: 'readWrite', audit: 'write' },
  },
  {
    method: 'GET',
    path: '/units',
    handler: 'functions/incident/list-units.ts',
    roles: ['operator', 'city_admin'],
    grants: { incidents: 'read' },
  },
  {
    method: 'PUT',
    path: '/units/{id}/status',
    handler: 'functions/incident/set-unit-status.ts',
    roles: ['operator', 'responder'],
    grants: {
      bus: true,
      incidents: 'readWrite',
      audit: 'write',
      queues: ['alerts'],
      timers: ['ack-timeout'],
    },
  },
  {
    method: 'POST',
    path: '/incidents',
    handler: 'functions/incident/report-incident.ts',
    roles: ['operator'],
    grants: {
      bus: true,
      incidents: 'readWrite',
      registry: 'read',
      idempotency: true,
      queues: ['alerts'],
      timers: ['ack-timeout'],
    },
  },
  {
    method: 'GET',
    path: '/incidents',
    handler: 'functions/incident/list-incidents.ts',
    roles: ['operator', 'city_admin'],
    grants: { incidents: 'read' },
  },
  // The triage a report would get, shown while the operator takes the call (the console's new-incident form).
  {
    method: 'POST',
    path: '/incidents/triage',
    handler: 'functions/incident/triage-preview.ts',
    roles: ['operator'],
    grants: {},
  },
  {
    method: 'GET',
    path: '/incidents/stats',
    handler: 'functions/incident/incident-stats.ts',
    roles: ['operator', 'city_admin'],
    grants: { incidents: 'read' },
  },
  {
    method: 'GET',
    path: '/incidents/{id}',
    handler: 'functions/incident/get-incident.ts',
    roles: ['operator', 'city_admin', 'responder'],
    grants: { incidents: 'read' },
  },
  {
    method: 'POST',
    path: '/incidents/{id}/dispatch',
    handler: 'functions/incident/dispatch-incident.ts',
    roles: ['operator'],
    grants: {
      bus: true,
      incidents: 'readWrite',
      registry: 'read',
      queues: ['alerts'],
      timers: ['ack-timeout'],
    },
  },
  {
    method: 'POST',
    path: '/incidents/{id}/ack',
    handler: 'functions/incident/ack-incident.ts',
    roles: ['responder'],
    grants: { incidents: 'readWrite' },
  },
  {
    method: 'POST',
    path: '/incidents/{id}/status',
    handler: 'functions/incident/change-incident-status.ts',
    roles: ['operator', 'responder'],
    grants: {
      bus: true,
      incidents: 'readWrite',
      queues: ['alerts'],
      timers: ['ack-timeout'],
    },
  },
  {
    method: 'GET',
    path: '/a/{token}',
    handler: 'functions/incident/ack-page.ts',
    roles: 'public',
    grants: { incidents: 'read' },
    throttle: PUBLIC_THROTTLE,
  },
  {
    method: 'POST',
    path: '/a/{token}',
    handler: 'functions/incident/ack-by-link.ts',
    roles: 'public',
    grants: { incidents: 'readWrite' },
    throttle: PUBLIC_THROTTLE,
  },
  // SMS reminders: campaigns relative to a date, each change a new version.
  {
    method: 'POST',
    path: '/campaigns',
    handler: 'functions/reminder/create-campaign.ts',
    roles: ['city_admin'],
    grants: { reminders: 'readWrite', audit: 'write' },
  },
  {
    method: 'GET',
    path: '/campaigns',
    handler: 'functions/reminder/list-campaigns.ts',
    roles: ['city_admin'],
    grants: { reminders: 'read' },
  },
  {
    method: 'POST',
    path: '/jobs/reminders/run',
    handler: 'functions/reminder/run-reminders-now.ts',
    roles: ['city_admin'],
    grants: { registry: 'read', reminders: 'readWrite', queues: ['sms'] },
    timeoutSeconds: 29,
    memoryMb: 1024,
    throttle: { rate: 1, burst: 1 },
  },
  {
    method: 'GET',
    path: '/reminders/stats',
    handler: 'functions/reminder/reminder-stats.ts',
    roles: ['city_admin'],
    grants: { reminders: 'read' },
  },
  {
    // SNS delivers the inbound SMS topic's messages here (an HTTPS subscription, signature checked).
    method: 'POST',
    path: '/sms/inbound',
    handler: 'functions/reminder/sms-inbound.ts',
    roles: 'public',
    grants: { reminders: 'readWrite', audit: 'write', notify: true, smsOptOuts: ['optIn'] },
    // SNS's deliveries: replies to a broadcast come in waves; SNS retries what is throttled (429).
    throttle: { rate: 20, burst: 50 },
  },
  {
    // A clinic records a resident's free health check (CKG); the year's CKG reminders then stop.
    method: 'POST',
    path: '/residents/{nik}/checks',
    handler: 'functions/registry/record-check.ts',
    roles: ['clinic', 'city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  // City master data, managed by the city itself: its regions (idn-area-data), the RT directory, staff accounts.
  {
    method: 'GET',
    path: '/regions',
    handler: 'functions/city/get-regions.ts',
    roles: ROLES,
    grants: {},
  },
  {
    method: 'POST',
    path: '/rts',
    handler: 'functions/city/create-rt.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'GET',
    path: '/rts',
    handler: 'functions/city/list-rts.ts',
    roles: ['city_admin', 'social_verifier'],
    grants: { registry: 'read' },
  },
  {
    method: 'POST',
    path: '/rts/import',
    handler: 'functions/city/import-rts.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
    timeoutSeconds: 29,
    memoryMb: 1024,
    throttle: HEAVY_THROTTLE,
  },
  {
    method: 'GET',
    path: '/rts/{rt}',
    handler: 'functions/city/get-rt.ts',
    roles: ['city_admin', 'social_verifier', 'rt_chair'],
    grants: { registry: 'read' },
  },
  {
    method: 'PUT',
    path: '/rts/{rt}',
    handler: 'functions/city/change-rt.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'POST',
    path: '/staff',
    handler: 'functions/city/create-staff.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write', incidents: 'read', accounts: ['create'] },
  },
  {
    method: 'GET',
    path: '/staff',
    handler: 'functions/city/list-staff.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'POST',
    path: '/staff/{username}/disable',
    handler: 'functions/city/disable-staff.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write', accounts: ['disable'] },
  },
  {
    method: 'POST',
    path: '/staff/{username}/enable',
    handler: 'functions/city/enable-staff.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write', accounts: ['enable'] },
  },
  // The city's puskesmas and the kelurahan each serves (city master data, entered by the city).
  {
    method: 'POST',
    path: '/puskesmas',
    handler: 'functions/city/create-puskesmas.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'GET',
    path: '/puskesmas',
    handler: 'functions/city/list-puskesmas.ts',
    roles: ROLES,
    grants: { registry: 'read' },
  },
  {
    method: 'PUT',
    path: '/puskesmas/{code}',
    handler: 'functions/city/change-puskesmas.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  // The kader (community health cadres): the register, their activities, their monthly incentive.
  {
    method: 'POST',
    path: '/kader',
    handler: 'functions/kader/create-kader.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'GET',
    path: '/kader',
    handler: 'functions/kader/list-kader.ts',
    roles: ['city_admin', 'clinic'],
    grants: { registry: 'read', cursors: true },
  },
  {
    method: 'POST',
    path: '/kader/incentives/{month}',
    handler: 'functions/kader/run-incentives.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write', bus: true },
    timeoutSeconds: 29,
    memoryMb: 1024,
    throttle: HEAVY_THROTTLE,
  },
  {
    method: 'GET',
    path: '/kader/incentives',
    handler: 'functions/kader/year-incentives.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/kader/incentives/{month}',
    handler: 'functions/kader/get-incentives.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/kader/incentives/{month}/export.csv',
    handler: 'functions/kader/export-incentives.ts',
    roles: ['city_admin'],
    grants: { registry: 'read' },
  },
  {
    method: 'POST',
    path: '/kader/incentives/{month}/reversals',
    handler: 'functions/kader/reverse-incentive.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'GET',
    path: '/kader/{nik}',
    handler: 'functions/kader/get-kader.ts',
    roles: ['city_admin', 'clinic', 'kader'],
    grants: { registry: 'read' },
  },
  {
    method: 'PUT',
    path: '/kader/{nik}',
    handler: 'functions/kader/change-kader.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'POST',
    path: '/kader/{nik}/retire',
    handler: 'functions/kader/retire-kader.ts',
    roles: ['city_admin'],
    grants: { registry: 'readWrite', audit: 'write' },
  },
  {
    method: 'POST',
    path: '/kader/{nik}/activities',
    handler: 'functions/kader/record-activity.ts',
    roles: ['kader', 'clinic', 'city_admin'],
    grants: { registry: 'readWrite', homecare: 'read', idempotency: true },
  },
  {
    method: 'GET',
    path: '/kader/{nik}/activities',
    handler: 'functions/kader/list-activities.ts',
    roles: ['kader', 'clinic', 'city_admin'],
    grants: { registry: 'read' },
  },
  // Layanan Homecare: the puskesmas visit those who cannot come; Jemput Sakit Antar Sehat takes them by ambulance.
  {
    method: 'POST',
    path: '/homecare/requests',
    handler: 'functions/homecare/create-request.ts',
    roles: ['rt_chair', 'clinic', 'city_admin'],
    grants: { registry: 'read', homecare: 'readWrite', audit: 'write', idempotency: true },
  },
  {
    method: 'GET',
    path: '/homecare/requests',
    handler: 'functions/homecare/list-requests.ts',
    roles: ['clinic', 'city_admin', 'rt_chair'],
    grants: { homecare: 'read', cursors: true },
  },
  {
    method: 'GET',
    path: '/homecare/requests/{id}',
    handler: 'functions/homecare/get-request.ts',
    roles: ['clinic', 'city_admin', 'rt_chair'],
    grants: { homecare: 'read' },
  },
  {
    method: 'POST',
    path: '/homecare/requests/{id}/status',
    handler: 'functions/homecare/change-status.ts',
    roles: ['clinic', 'city_admin'],
    grants: { homecare: 'readWrite', incidents: 'read', audit: 'write', idempotency: true, notify: true },
  },
  {
    method: 'POST',
    path: '/homecare/requests/{id}/visits',
    handler: 'functions/homecare/schedule-visit.ts',
    roles: ['clinic'],
    grants: { registry: 'read', homecare: 'readWrite', audit: 'write', idempotency: true, notify: true },
  },
  {
    method: 'POST',
    path: '/homecare/requests/{id}/visits/{visitId}/outcome',
    handler: 'functions/homecare/record-outcome.ts',
    roles: ['clinic'],
    grants: {
      registry: 'read',
      homecare: 'readWrite',
      incidents: 'read',
      audit: 'write',
      idempotency: true,
      notify: true,
    },
  },
  {
    method: 'POST',
    path: '/homecare/requests/{id}/transport',
    handler: 'functions/homecare/book-transport.ts',
    roles: ['clinic'],
    grants: {
      registry: 'read',
      homecare: 'readWrite',
      incidents: 'read',
      audit: 'write',
      idempotency: true,
      notify: true,
    },
  },
  {
    method: 'POST',
    path: '/homecare/requests/{id}/transport/{tripId}/cancel',
    handler: 'functions/homecare/cancel-transport.ts',
    roles: ['clinic', 'city_admin'],
    grants: { homecare: 'readWrite', incidents: 'read', audit: 'write', idempotency: true, notify: true },
  },
  {
    method: 'GET',
    path: '/homecare/stats',
    handler: 'functions/homecare/homecare-stats.ts',
    roles: ['city_admin', 'clinic'],
    grants: { homecare: 'read' },
  },
  // FHIR R4 for clinics' systems (SATUSEHAT's conventions): a read-only facade over the registry (shared/fhir/).
  {
    method: 'GET',
    path: '/fhir/metadata',
    handler: 'functions/fhir/metadata.ts',
    roles: 'public',
    grants: {},
    throttle: PUBLIC_THROTTLE,
  },
  {
    method: 'GET',
    path: '/fhir/Patient',
    handler: 'functions/fhir/search-patient.ts',
    roles: ['clinic', 'city_admin', 'rt_chair'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/fhir/Patient/{id}',
    handler: 'functions/fhir/read-patient.ts',
    roles: ['clinic', 'city_admin', 'rt_chair'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/fhir/Coverage',
    handler: 'functions/fhir/search-coverage.ts',
    roles: ['clinic', 'city_admin', 'rt_chair'],
    grants: { registry: 'read' },
  },
  {
    method: 'GET',
    path: '/fhir/Coverage/{id}',
    handler: 'functions/fhir/read-coverage.ts',
    roles: ['clinic', 'city_admin', 'rt_chair'],
    grants: { registry: 'read' },
  },
  {
    method: 'POST',
    path: '/fhir/CoverageEligibilityRequest',
    handler: 'functions/fhir/check-eligibility.ts',
    roles: ['clinic', 'city_admin'],
    grants: { registry: 'read' },
  },
  // The public fund pages (no sign-in): every RT's Kampung Bahagia fund, server-rendered for phones.
  {
    method: 'GET',
    path: '/dana',
    handler: 'functions/web/dana-index.ts',
    roles: 'public',
    grants: { funds: 'read', registry: 'read' },
    throttle: PUBLIC_THROTTLE,
  },
  {
    method: 'GET',
    path: '/dana/{proxy+}',
    handler: 'functions/web/dana-pages.ts',
    roles: 'public',
    grants: { funds: 'read', registry: 'read' },
    throttle: PUBLIC_THROTTLE,
  },
  // The staff console (desk screens: operators, verifiers, the city's administrators, clinics), served likewise.
  {
    method: 'GET',
    path: '/console',
    handler: 'functions/web/console-index.ts',
    roles: 'public',
    grants: { assets: 'functions/web/console' },
    throttle: WEB_FORM_THROTTLE,
  },
  {
    method: 'GET',
    path: '/console/{proxy+}',
    handler: 'functions/web/console-assets.ts',
    roles: 'public',
    grants: { assets: 'functions/web/console' },
    throttle: WEB_FORM_THROTTLE,
  },
  // The RT chair's web form, served from the API's own origin.
  {
    method: 'GET',
    path: '/rt',
    handler: 'functions/web/rt-index.ts',
    roles: 'public',
    grants: { assets: 'functions/web/rt' },
    throttle: WEB_FORM_THROTTLE,
  },
  {
    method: 'GET',
    path: '/rt/{proxy+}',
    handler: 'functions/web/rt-assets.ts',
    roles: 'public',
    grants: { assets: 'functions/web/rt' },
    throttle: WEB_FORM_THROTTLE,
  },
];

/**
 * Every route that admits RT chairs reads the RT directory and the chair's staff record on each of their requests
 * (shared/city/access.ts), so it may read the registry table.
 */
export const ROUTES: readonly RouteDef[] = /* @__PURE__ */ DEFINED.map((route) =>
  route.roles !== 'public' && route.roles.includes('rt_chair') && !route.grants.registry
    ? { ...route, grants: { ...route.grants, registry: 'read' } }
    : route,
);

export function routeKey(route: Pick<RouteDef, 'method' | 'path'>): string {
  return `${route.method} ${route.path}`;
}

// Pure: a function that only needs STAFF_TOPICS (a schedule, an event handler) does not carry the route table.
const byKey = /* @__PURE__ */ new Map(/* @__PURE__ */ ROUTES.map((r) => [routeKey(r), r]));

export function findRoute(key: string): RouteDef | undefined {
  return byKey.get(key);
}
