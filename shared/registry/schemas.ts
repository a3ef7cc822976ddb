// The registry's resident input (with the phone rule, which needs libphonenumber) and its stored shapes.
import * as z from 'zod/mini';
import type { DeathSource } from './civil-schemas.ts';
import {
  birthDateSchema,
  boolSchema,
  type CoverageStatus,
  kkSchema,
  nameSchema,
  nikSchema,
  rtSchema,
  type Scheme,
  sexSchema,
  text,
} from './fields.ts';
import { normalisePhone } from './phone.ts';

export type { BirthInput, DeathInput, DeathSource, MoveInput } from './civil-schemas.ts';
export * from './fields.ts';

export const phoneSchema = z.pipe(
  text(),
  z.transform((value: string, ctx) => {
    const e164 = normalisePhone(value);
    if (!e164) {
      ctx.issues.push({
        code: 'custom',
        message: 'must be an Indonesian mobile number, e.g. +6281234567890 or 081234567890',
        input: value,
      });
      return z.NEVER;
    }
    return e164;
  }),
);

/** Pure, to the last call: a function that imports a field schema from here does not carry the city for `rt`. */
export const newResidentSchema = /* @__PURE__ */ z.object({
  nik: nikSchema,
  kk: kkSchema,
  name: nameSchema,
  birthDate: birthDateSchema,
  sex: sexSchema,
  phone: /* @__PURE__ */ z.nullish(phoneSchema),
  rt: rtSchema,
  lowIncome: /* @__PURE__ */ z.optional(boolSchema),
  smsConsent: /* @__PURE__ */ z.optional(boolSchema),
});
export type NewResident = z.infer<typeof newResidentSchema>;

export interface CurrentCoverage {
  scheme: Scheme;
  status: CoverageStatus;
  /** ISO instant the current period began */
  since: string;
  /** What opened the period: MANUAL, IMPORT, ATTESTATION */
  source: string;
  /** Sort key of the period item */
  periodSk: string;
  reason?: string;
  /** Who opened the period (kept here so closing it can rewrite the row unchanged but for validTo). */
  actor?: string;
  /** The RT chair's letter (attestation id) that opened it, when one did. */
  letter?: string;
}

export interface Resident {
  nik: string;
  /** Missing for a resident an RT chair registered without a family card at hand. */
  kk?: string;
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
  /** The last free health check (CKG) a clinic recorded, YYYY-MM-DD (the CKG reminders skip the year). */
  lastCheckDate?: string;
  /** Last month (YYYY-MM) a city-paid active period ended; keeps the premium count from counting twice. */
  apbdLastEnd?: string;
  /**
   * Set when the resident has died or moved out of the city (kept, never deleted): no letter or reminder any more,
   * and nothing the city pays.
   */
  civilStatus?: 'DECEASED' | 'MOVED_OUT';
  death?: Death;
  movedOut?: MovedOut;
  /** An RT chair's report of the death, waiting for a city_admin or Dukcapil to confirm it. */
  deathReport?: DeathReport;
}

export interface MovedOut {
  /** The day of the move, YYYY-MM-DD (WIB). */
  date: string;
  /** The region moved to (Kemendagri code, outside the city). */
  to: string;
  reference?: string;
  recordedAt: string;
}

export interface DeathReport {
  date: string;
  reference?: string;
  reportedAt: string;
  reportedBy: string;
}

export interface Death {
  /** The day of death, YYYY-MM-DD (WIB). */
  date: string;
  source: DeathSource;
  reference?: string;
  /** When it was recorded (the actor is in the audit record). */
  recordedAt: string;
}

export interface CoveragePeriod {
  scheme: Scheme;
  status: CoverageStatus;
  validFrom: string;
  validTo?: string;
  source: string;
  reason?: string;
  actor?: string;
  /** The RT chair's letter (attestation id) that opened it, when one did. */
  letter?: string;
}
