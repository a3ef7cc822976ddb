// The registry's input and output shapes, as zod schemas; the types come from them.
import { z } from 'zod';
import { parseNik } from './nik.ts';
import { normalisePhone } from './phone.ts';
import { RT_CODE } from './regions.ts';

export const SCHEMES = ['PBI_APBN', 'PBI_APBD', 'PBPU', 'PPU', 'BP'] as const;
export const COVERAGE_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type Scheme = (typeof SCHEMES)[number];
export type CoverageStatus = (typeof COVERAGE_STATUSES)[number];

/** A string field whose missing and mistyped cases say so plainly. */
export const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });

export const nikSchema = text().superRefine((value, ctx) => {
  const parsed = parseNik(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `NIK ${parsed.reason}` });
});

export const kkSchema = text().regex(/^\d{16}$/, 'KK number must be exactly 16 digits');

export const isoDate = text()
  .regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD')
  .refine((s) => {
    const d = new Date(`${s}T00:00:00Z`);
    return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
  }, 'is not a real calendar date');

export const birthDateSchema = isoDate
  .refine((s) => s >= '1900-01-01', 'is before 1900')
  .refine((s) => s <= new Date().toISOString().slice(0, 10), 'is in the future');

export const phoneSchema = z.string().transform((value, ctx) => {
  const e164 = normalisePhone(value);
  if (!e164) {
    ctx.addIssue({ code: 'custom', message: 'must be an Indonesian mobile number, e.g. +6281234567890 or 081234567890' });
    return z.NEVER;
  }
  return e164;
});

export const rtSchema = text()
  .regex(RT_CODE, 'must be an RT code <kelurahan>-<RW>-<RT>, e.g. 1571011012-003-012');

export const nameSchema = text()
  .trim()
  .min(2, 'must be at least 2 characters')
  .max(100, 'must be at most 100 characters');

export const newResidentSchema = z.object({
  nik: nikSchema,
  kk: kkSchema,
  name: nameSchema,
  birthDate: birthDateSchema,
  sex: z.enum(['M', 'F'], { error: 'must be M or F' }),
  phone: phoneSchema.nullish(),
  rt: rtSchema,
  lowIncome: z.boolean({ error: 'must be true or false' }).optional(),
  smsConsent: z.boolean({ error: 'must be true or false' }).optional(),
});
export type NewResident = z.infer<typeof newResidentSchema>;

export const coverageChangeSchema = z.object({
  scheme: z.enum(SCHEMES, { error: `must be one of ${SCHEMES.join(', ')}` }),
  status: z.enum(COVERAGE_STATUSES, { error: 'must be ACTIVE or INACTIVE' }),
  reason: text().trim().min(3, 'must say why, in at least 3 characters').max(500),
});
export type CoverageChange = z.infer<typeof coverageChangeSchema>;

export interface CurrentCoverage {
  scheme: Scheme;
  status: CoverageStatus;
  /** ISO instant the current period began */
  since: string;
  /** What opened the period: MANUAL, IMPORT, ATTESTATION, SEED */
  source: string;
  /** Sort key of the period item */
  periodSk: string;
  reason?: string;
}

export interface Resident {
  nik: string;
  kk: string;
  name: string;
  birthDate: string;
  sex: 'M' | 'F';
  phone?: string;
  rt: string;
  kelurahan: string;
  lowIncome: boolean;
  smsConsent: boolean;
  coverage: CurrentCoverage | null;
  version: number;
  createdAt: string;
  updatedAt: string;
  /** Last month (YYYY-MM) a city-paid active period ended; keeps the premium count from counting twice. */
  apbdLastEnd?: string;
}

export interface CoveragePeriod {
  scheme: Scheme;
  status: CoverageStatus;
  validFrom: string;
  validTo?: string;
  source: string;
  reason?: string;
  actor?: string;
}
