// The 112 call centre's inputs (zod mini) and stored shapes: units, incidents, each unit's assignment to an
// incident (its own status, apart from the incident's, as TicketsCAD keeps them), the timeline, the alerts.
import * as z from 'zod/mini';
import { placeOf } from '#shared/city/regions.ts';
import { nikSchema, text } from '#shared/registry/fields.ts';
import { phoneSchema } from '#shared/registry/schemas.ts';

export const UNIT_KINDS = ['AMBULANCE', 'FIRE', 'POLICE', 'RESCUE'] as const;
export type UnitKind = (typeof UNIT_KINDS)[number];
export const UNIT_STATUSES = ['AVAILABLE', 'BUSY', 'OFFLINE'] as const;
export type UnitStatus = (typeof UNIT_STATUSES)[number];
export const INCIDENT_TYPES = ['MEDICAL', 'FIRE', 'ACCIDENT', 'DISASTER', 'CRIME', 'OTHER'] as const;
export type IncidentType = (typeof INCIDENT_TYPES)[number];
export const PRIORITIES = ['P1', 'P2', 'P3'] as const;
export type Priority = (typeof PRIORITIES)[number];
export const INCIDENT_STATUSES = [
  'RECEIVED',
  'DISPATCHED',
  'ACKNOWLEDGED',
  'EN_ROUTE',
  'ON_SCENE',
  'TRANSPORTING',
  'AT_FACILITY',
  'RESOLVED',
  'CANCELLED',
] as const;
export type IncidentStatus = (typeof INCIDENT_STATUSES)[number];
/** An assignment: sent, taken up by its crew, not answered in time, or over (incident closed). */
export type AssignmentStatus = 'DISPATCHED' | 'ACKNOWLEDGED' | 'MISSED' | 'CLEARED';

const oneOf = <T extends readonly [string, ...string[]]>(values: T) =>
  z.enum(values, { error: `must be one of ${values.join(', ')}` });
const prose = (min: number, max: number) =>
  text().check(
    z.trim(),
    z.minLength(min, `must be at least ${min} characters`),
    z.maxLength(max, `must be at most ${max} characters`),
  );
/**
 * Degrees kept to 7 decimals (about a centimetre, finer than any phone's GPS): a value such as 5e-324 passes the range
 * but is below what DynamoDB can store (1e-130), and rounds to 0 here.
 */
const degrees = (max: number) =>
  z.number({ error: 'must be a number of degrees' }).check(
    z.minimum(-max, `must be between -${max} and ${max}`),
    z.maximum(max, `must be between -${max} and ${max}`),
    z.overwrite((n) => Math.round(n * 1e7) / 1e7 + 0),
  );

export const locationSchema = z.object({ lat: degrees(90), lon: degrees(180) });
export type Location = z.infer<typeof locationSchema>;

export const unitIdSchema = text().check(
  z.regex(/^[A-Za-z0-9-]{2,40}$/, 'must be 2 to 40 letters, digits or hyphens, such as AMB-01'),
);

/** Pure, to the last call: a function that never registers a unit does not carry the city for its kelurahan check. */
export const newUnitSchema = /* @__PURE__ */ z.object({
  id: unitIdSchema,
  name: /* @__PURE__ */ prose(2, 80),
  kind: /* @__PURE__ */ oneOf(UNIT_KINDS),
  phone: phoneSchema,
  location: locationSchema,
  kelurahan: /* @__PURE__ */ text().check(
    /* @__PURE__ */ z.superRefine((code, ctx) => {
      const message = !/^\d{2}\.\d{2}\.\d{2}\.\d{4}$/.test(code)
        ? 'must be a kelurahan code such as 15.71.01.1012'
        : placeOf(code)
          ? undefined
          : 'is not a kelurahan of the city (GET /regions lists them)';
      if (message) ctx.addIssue({ code: 'custom', message, input: code });
    }),
  ),
});
export type NewUnit = z.infer<typeof newUnitSchema>;

export const unitStatusSchema = z.object({
  status: oneOf(UNIT_STATUSES),
  location: z.optional(locationSchema),
});

/** Any phone a 112 call comes from (mobile or fixed line), kept as +62… digits. */
export const callerPhoneSchema = z.pipe(
  text(),
  z.transform((value: string, ctx) => {
    const digits = value.replace(/[\s().-]/g, '');
    const national = /^\+62/.test(digits) ? digits.slice(3) : /^0/.test(digits) ? digits.slice(1) : undefined;
    if (national === undefined || !/^[1-9]\d{6,12}$/.test(national)) {
      ctx.issues.push({
        code: 'custom',
        message: 'must be an Indonesian phone number, e.g. 081234567890, 0741 123456 or +6281234567890',
        input: value,
      });
      return z.NEVER;
    }
    return `+62${national}`;
  }),
);

export const reportSchema = z.object({
  callerPhone: callerPhoneSchema,
  type: oneOf(INCIDENT_TYPES),
  description: prose(3, 1000),
  location: z.object({
    lat: degrees(90),
    lon: degrees(180),
    address: z.optional(prose(2, 200)),
  }),
  patientNik: z.optional(nikSchema),
  priority: z.optional(oneOf(PRIORITIES)),
});
export type Report = z.infer<typeof reportSchema>;

export const dispatchSchema = z.object({
  /** The kind of unit to send; the incident type's kind when absent. */
  kind: z.optional(oneOf(UNIT_KINDS)),
  /** A particular unit the operator chose; the nearest available when absent. */
  unitId: z.optional(unitIdSchema),
});

export const statusChangeSchema = z.object({
  status: oneOf(INCIDENT_STATUSES),
  note: z.optional(prose(2, 500)),
});

export interface Actor {
  sub: string;
  roles: string[];
  unit?: string;
}

export interface Unit {
  id: string;
  name: string;
  kind: UnitKind;
  phone: string;
  location: Location;
  kelurahan: string;
  status: UnitStatus;
  statusAt: string;
  /** The incident this unit is working, while it is. */
  assignment?: { incidentId: string; n: number };
  createdAt: string;
}

export interface Incident {
  id: string;
  /** 112-2026-000123 */
  number: string;
  type: IncidentType;
  priority: Priority;
  /** Which triage rule gave the priority (or OPERATOR when given). */
  triage: string;
  description: string;
  location: Location & { address?: string };
  callerPhone: string;
  patientNik?: string;
  /** The patient's coverage when reported, as the alert carries it. */
  patientCoverage?: { status: string; scheme?: string } | { status: 'NOT_REGISTERED' };
  status: IncidentStatus;
  reportedAt: string;
  reportedBy: string;
  /** Reports linked to this one (the first included). */
  reports: number;
  /** Assignments made so far; the next one is n = assignments + 1. */
  assignments: number;
  misses: number;
  /** Origin of the API the report came in on: acknowledgement links point there. */
  linkBase: string;
  dispatchedAt?: string;
  acknowledgedAt?: string;
  enRouteAt?: string;
  onSceneAt?: string;
  transportingAt?: string;
  atFacilityAt?: string;
  resolvedAt?: string;
  cancelledAt?: string;
  version: number;
}

export interface Assignment {
  incidentId: string;
  n: number;
  unitId: string;
  unitName: string;
  kind: UnitKind;
  distanceM: number;
  status: AssignmentStatus;
  dispatchedAt: string;
  dispatchedBy: string;
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  missedAt?: string;
  clearedAt?: string;
}

export interface TimelineEntry {
  at: string;
  action: string;
  actor: string;
  status?: IncidentStatus;
  unitId?: string;
  note?: string;
  /** Orders entries of the same instant. */
  seq?: number;
}

export type AlertChannel = 'sms' | 'topic';
export type AlertState = 'PENDING' | 'SENDING' | 'SENT' | 'FAILED';

export interface Alert {
  alertId: string;
  incidentId: string;
  channel: AlertChannel;
  /** A unit id (SMS) or a topic name. */
  to: string;
  purpose: string;
  state: AlertState;
  attempts: number;
  createdAt: string;
  sentAt?: string;
  lastError?: string;
}
