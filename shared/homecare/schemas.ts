// Homecare's inputs (zod mini) and stored shapes: requests for a home visit, the visits, the trips of Jemput Sakit
// Antar Sehat, and each request's timeline.
import * as z from 'zod/mini';
import { type Location, locationSchema } from '#shared/incident/schemas.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { isoDate, line, nikSchema, reasonSchema, text } from '#shared/registry/fields.ts';

export const NEEDS = [
  'ELDERLY_IMMOBILE',
  'DISABILITY',
  'CHRONIC_IMMOBILE',
  'MALNUTRITION',
  'HIGH_RISK_PREGNANCY',
] as const;
export type Need = (typeof NEEDS)[number];

export const STATUSES = ['REQUESTED', 'SCHEDULED', 'VISITED', 'CLOSED', 'DECLINED'] as const;
export type RequestStatus = (typeof STATUSES)[number];

export { type Location, locationSchema };

const noteSchema = text().check(
  z.trim(),
  z.minLength(3, 'must say something, in at least 3 characters'),
  z.maxLength(1000, 'must be at most 1,000 characters'),
);
const addressSchema = line().check(
  z.trim(),
  z.minLength(5, 'must be at least 5 characters'),
  z.maxLength(200, 'must be at most 200 characters'),
);

export const newRequestSchema = z.object({
  nik: nikSchema,
  need: z.enum(NEEDS, { error: `must be one of ${NEEDS.join(', ')}` }),
  note: noteSchema,
  address: z.optional(addressSchema),
  location: z.optional(locationSchema),
});
export type NewRequest = z.infer<typeof newRequestSchema>;

const teamMember = line().check(
  z.trim(),
  z.minLength(2, 'must be a name of at least 2 characters'),
  z.maxLength(60, 'must be at most 60 characters'),
);
/** How far ahead a visit may be planned. */
export const MAX_DAYS_AHEAD = 180;

/** A visit's day: from today (WIB) to MAX_DAYS_AHEAD days ahead. */
export const visitDaySchema = () =>
  isoDate().check(
    z.refine((s) => s >= todayWib(), { error: () => `is before today (${todayWib()})`, abort: true }),
    z.refine(
      (s) =>
        Date.parse(`${s}T00:00:00Z`) - Date.parse(`${todayWib()}T00:00:00Z`) <= MAX_DAYS_AHEAD * 86_400_000,
      `is more than ${MAX_DAYS_AHEAD} days ahead`,
    ),
  );

export const newVisitSchema = z.object({
  date: visitDaySchema(),
  team: z
    .array(teamMember, { error: 'must be a list of the names of who visits' })
    .check(z.minLength(1, 'must name at least one person'), z.maxLength(8, 'must name at most 8 people')),
});
export type NewVisit = z.infer<typeof newVisitSchema>;

export const outcomeSchema = z
  .object({
    done: z.boolean({ error: 'must be true (the visit took place) or false' }),
    note: noteSchema,
    /** The next visit's day (monthly care); for a visit not done, its new day. */
    nextVisit: z.optional(visitDaySchema()),
    /** A visit not done and not rescheduled closes the request: why. */
    closeReason: z.optional(reasonSchema()),
  })
  .check(
    z.refine((o) => o.done || o.nextVisit !== undefined || o.closeReason !== undefined, {
      path: ['nextVisit'],
      message:
        'or closeReason is required when the visit did not take place: reschedule it or close the request',
    }),
    z.refine((o) => !(o.nextVisit !== undefined && o.closeReason !== undefined), {
      path: ['closeReason'],
      message: 'cannot go with nextVisit: a request is either visited again or closed',
    }),
  );
export type Outcome = z.infer<typeof outcomeSchema>;

export const statusChangeSchema = z.object({
  status: z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` }),
  reason: reasonSchema(),
});

export const tripSchema = z.object({
  pickupAt: text().check(
    z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
      error: 'must be a date and time with its offset, e.g. 2026-12-10T08:30:00+07:00',
      abort: true,
    }),
    z.refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date and time'),
  ),
  destination: line().check(
    z.trim(),
    z.minLength(3, 'must be at least 3 characters'),
    z.maxLength(120, 'must be at most 120 characters'),
  ),
  /** Also bring the patient home: the return's pickup time (from the destination). */
  returnTrip: z.optional(
    z.object({
      pickupAt: text().check(
        z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/, {
          error: 'must be a date and time with its offset, e.g. 2026-12-10T12:00:00+07:00',
          abort: true,
        }),
        z.refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date and time'),
      ),
    }),
  ),
});
export type NewTrip = z.infer<typeof tripSchema>;

export interface Actor {
  sub: string;
  roles: string[];
  rt?: string;
  puskesmas?: string;
}

export interface TimelineEntry {
  at: string;
  action: string;
  /** Who: a role and account (never a name or NIK of the resident). */
  actor: string;
  from?: RequestStatus;
  to?: RequestStatus;
  /** A reason or a short fact (a visit's day); never a clinical note. */
  detail?: string;
}

export interface HomecareRequest {
  id: string;
  nik: string;
  /** The resident's name when requested (the visit SMS and the lists use it). */
  name: string;
  rt: string;
  kelurahan: string;
  need: Need;
  /** Why the visit is asked for: staff (clinic, city_admin) only. */
  note: string;
  address?: string;
  location?: Location;
  puskesmas: { code: string; name: string };
  /** The resident's JKN coverage when the request was made. */
  coverage: { covered: boolean; status: string; scheme: string | null };
  status: RequestStatus;
  statusAt: string;
  requestedAt: string;
  requestedBy: { sub: string; role: string };
  /** The visit scheduled and not yet done, if any. */
  nextVisit?: { id: string; date: string };
  /** The day of the first visit that took place. */
  firstVisitOn?: string;
  visitsDone: number;
  trips: number;
  reason?: string;
  version: number;
}

export type VisitStatus = 'SCHEDULED' | 'DONE' | 'NOT_DONE';

export interface Visit {
  id: string;
  requestId: string;
  puskesmas: string;
  date: string;
  team: string[];
  status: VisitStatus;
  scheduledAt: string;
  scheduledBy: string;
  outcome?: { done: boolean; note: string; at: string; by: string };
  /** The day-before reminder went to the household. */
  remindedAt?: string;
}

export type TripStatus = 'BOOKED' | 'NO_UNIT' | 'CANCELLED';

export interface Trip {
  id: string;
  requestId: string;
  puskesmas: string;
  leg: 'OUTBOUND' | 'RETURN';
  pickupAt: string;
  /** Start of the unit's slot the trip holds (ISO, UTC). */
  slot: string;
  destination: string;
  unitId: string | null;
  status: TripStatus;
  bookedAt: string;
  bookedBy: string;
  /** The other leg of the same booking. */
  pairedWith?: string;
  /** Units the trip moved off because a 112 incident took them. */
  movedFrom?: string[];
}
