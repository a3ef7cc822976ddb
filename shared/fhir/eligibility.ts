// CoverageEligibilityRequest → CoverageEligibilityResponse, as openIMIS answers it: is this patient (named by NIK)
// covered on the day of service? `outcome: complete`, one insurance entry for the coverage period that day (or the
// latest before it), `inforce` and its benefit period. The request is read as a CoverageEligibilityRequest must be
// written; the answer comes from one consistent read (records.ts).
import type {
  CoverageEligibilityResponse,
  CoverageEligibilityResponseInsurance,
  Reference,
} from 'fhir/r4.js';
import * as z from 'zod/mini';
import { ValidationError } from '#shared/platform/errors.ts';
import { startOfDayWib, todayWib } from '#shared/platform/wib.ts';
import { addDays } from '#shared/registry/rules.ts';
import { patientReference } from './base.ts';
import { coverageId, inForce } from './coverage.ts';
import type { ResidentRecord } from './records.ts';
import { nikToken, patientReferenceNik } from './search.ts';

const PURPOSES = ['auth-requirements', 'benefits', 'discovery', 'validation'] as const;
const STATUSES = ['active', 'cancelled', 'draft', 'entered-in-error'] as const;
const str = (what: string) => z.string({ error: `must be ${what}` });

/** The parts of a CoverageEligibilityRequest the answer reads; the rest of a valid request is let through. */
export const eligibilityRequestSchema = z.looseObject({
  resourceType: z.literal('CoverageEligibilityRequest', {
    error: 'must be CoverageEligibilityRequest',
  }),
  identifier: z.optional(
    z.array(z.looseObject({ system: z.optional(str('a URI')), value: z.optional(str('a string')) })),
  ),
  status: z.enum(STATUSES, { error: `must be one of ${STATUSES.join(', ')}` }),
  purpose: z
    .array(z.enum(PURPOSES, { error: `must be one of ${PURPOSES.join(', ')}` }))
    .check(z.minLength(1, 'must name at least one purpose, e.g. validation')),
  patient: z.looseObject(
    {
      reference: z.optional(str('a reference such as Patient/<NIK>')),
      identifier: z.optional(z.looseObject({ system: z.optional(str('a URI')), value: str('the NIK') })),
    },
    { error: 'must name the patient: {identifier: {system, value}} or {reference: Patient/<NIK>}' },
  ),
  servicedDate: z.optional(
    str('a date YYYY-MM-DD').check(z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date YYYY-MM-DD')),
  ),
  created: str('a date and time'),
  insurer: z.looseObject({}, { error: 'must name the insurer, e.g. {display: "BPJS Kesehatan"}' }),
});
export type EligibilityRequest = z.infer<typeof eligibilityRequestSchema>;

/** The NIK the request names, by identifier (SATUSEHAT's NIK system) or by reference. */
export function requestedNik(req: EligibilityRequest): string {
  const { identifier, reference } = req.patient;
  if (identifier) {
    const token = identifier.system ? `${identifier.system}|${identifier.value}` : identifier.value;
    return nikToken('patient.identifier', token);
  }
  if (reference) return patientReferenceNik('patient.reference', reference);
  throw ValidationError.field('patient', 'must name the patient by identifier (NIK) or reference');
}

/** The day asked about: servicedDate, else today (WIB); a day to come cannot be answered yet. */
export function serviceDay(req: EligibilityRequest): string {
  const today = todayWib();
  const day = req.servicedDate ?? today;
  const d = new Date(`${day}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.toISOString().slice(0, 10) !== day)
    throw ValidationError.field('servicedDate', 'is not a real calendar date');
  if (day > today) throw ValidationError.field('servicedDate', `must not be after today (${today})`);
  return day;
}

export function eligibilityResponse(
  req: EligibilityRequest,
  record: ResidentRecord,
  day: string,
  now: string,
): CoverageEligibilityResponse {
  const { resident: r, periods } = record;
  const from = startOfDayWib(day);
  const to = startOfDayWib(addDays(day, 1));
  const today = day === todayWib();
  const died = r.civilStatus === 'DECEASED' && (!r.death || r.death.date < day || today);
  // Today: the coverage as it is now (the open period). A past day: among the periods that overlap it, an active one
  // if any, else the latest; else the latest before it.
  const overlapping = periods.filter((p) => p.validFrom < to && (!p.validTo || p.validTo > from));
  const period = today
    ? (periods.findLast((p) => !p.validTo) ?? periods.at(-1))
    : (overlapping.findLast((p) => p.status === 'ACTIVE') ??
      overlapping.at(-1) ??
      periods.findLast((p) => p.validFrom < to));
  const covered = !!period && !died && (today ? inForce(period, r) : period.status === 'ACTIVE');
  const insurance: CoverageEligibilityResponseInsurance[] = period
    ? [
        {
          coverage: { reference: `Coverage/${coverageId(r.nik, period.version)}`, type: 'Coverage' },
          inforce: covered && (today || overlapping.includes(period)),
          benefitPeriod: { start: period.validFrom, ...(period.validTo ? { end: period.validTo } : {}) },
        },
      ]
    : [];
  const inforce = insurance[0]?.inforce ?? false;
  // The request is not stored: it is referred to by the identifier it carried, else described.
  const own = req.identifier?.find((i) => i.value);
  const request: Reference = own
    ? {
        type: 'CoverageEligibilityRequest',
        identifier: { ...(own.system ? { system: own.system } : {}), value: own.value },
      }
    : { type: 'CoverageEligibilityRequest', display: `CoverageEligibilityRequest of ${req.created}` };
  return {
    resourceType: 'CoverageEligibilityResponse',
    status: 'active',
    purpose: req.purpose,
    patient: patientReference(r.nik),
    ...(req.servicedDate ? { servicedDate: req.servicedDate } : {}),
    created: now,
    request,
    outcome: 'complete',
    disposition: died
      ? `Meninggal dunia${r.death ? ` ${r.death.date}` : ''}: tidak dijamin`
      : inforce
        ? `JKN aktif pada ${day}`
        : period
          ? `JKN tidak aktif pada ${day}`
          : 'Tidak terdaftar sebagai peserta JKN',
    insurer: { type: 'Organization', display: 'BPJS Kesehatan' },
    insurance,
  };
}
