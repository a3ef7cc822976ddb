// The attestation's input (zod mini) and stored shape: the RT chair's letter (surat keterangan) that
// activates a poor resident's coverage at once, checked by Dinas Sosial afterwards.
import * as z from 'zod/mini';
import {
  birthDateSchema,
  boolSchema,
  kkSchema,
  line,
  nameSchema,
  nikSchema,
  phoneSchema,
  sexSchema,
  text,
} from '#shared/registry/schemas.ts';

export const ATTESTATION_STATUSES = ['PENDING_REVIEW', 'APPROVED', 'REJECTED'] as const;
export type AttestationStatus = (typeof ATTESTATION_STATUSES)[number];
export const DECISIONS = ['APPROVED', 'REJECTED'] as const;
export type Decision = (typeof DECISIONS)[number];

const prose = (min: number, max: number, what: string) =>
  text().check(
    z.trim(),
    z.minLength(min, `must ${what}, in at least ${min} characters`),
    z.maxLength(max, `must be at most ${max} characters`),
  );

export const newAttestationSchema = z.object({
  nik: nikSchema,
  name: nameSchema,
  kk: z.optional(kkSchema),
  birthDate: birthDateSchema,
  sex: sexSchema,
  phone: z.nullish(phoneSchema),
  reason: prose(3, 500, 'say why the resident needs care'),
  facility: z.optional(
    line().check(
      z.trim(),
      z.minLength(2, 'must name the clinic or hospital'),
      z.maxLength(120, 'is too long'),
    ),
  ),
  /** The resident agreed to health reminders by SMS (the confirmation SMS is sent regardless). */
  smsConsent: z.optional(boolSchema),
});
export type NewAttestation = z.infer<typeof newAttestationSchema>;

export const decisionSchema = z.object({
  decision: z.enum(DECISIONS, { error: 'must be APPROVED or REJECTED' }),
  note: prose(3, 1000, 'say what was checked'),
});
export type DecisionInput = z.infer<typeof decisionSchema>;

export const attestationIdSchema = text().check(
  z.regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'is not an attestation id'),
);

export interface DecisionRecord {
  decision: Decision;
  note: string;
  by: string;
  at: string;
}

export interface Attestation {
  id: string;
  status: AttestationStatus;
  rt: string;
  kelurahan: string;
  /** The resident as the chair attested them, kept as issued (the letter reprints it). */
  resident: { nik: string; name: string; birthDate: string; sex: 'M' | 'F'; kk?: string };
  reason: string;
  facility?: string;
  issuedAt: string;
  /** The chair (Cognito sub). */
  issuedBy: string;
  /** Whether the letter registered the resident. */
  registered: boolean;
  /** The coverage period the letter opened; rejecting closes it only while it is still the current one. */
  periodSk: string;
  /** SHA-256 of the verification code (the code itself is never stored). */
  codeHash: string;
  decision?: DecisionRecord;
}
