// Event contracts the attestation capability publishes (zod), with a sample of each. No phone numbers:
// a consumer that must reach the resident reads the registry.
import * as z from 'zod/mini';

export const ATTESTATION_SOURCE = 'sehatkota.attestation';

/** An RT chair's letter was issued and the resident's coverage is active from `at`. */
export const AttestationIssued = z.object({
  id: z.string(),
  nik: z.string().check(z.length(16)),
  rt: z.string(),
  kelurahan: z.string(),
  /** The chair (Cognito sub). */
  issuedBy: z.string(),
  at: z.string(),
  /** Whether the resident was registered by this letter. */
  registered: z.boolean(),
  coverage: z.object({ scheme: z.literal('PBI_APBD'), status: z.literal('ACTIVE'), since: z.string() }),
});
export type AttestationIssued = z.infer<typeof AttestationIssued>;
export const ATTESTATION_ISSUED = 'AttestationIssued';

/** Dinas Sosial decided on a letter; REJECTED closes the coverage it opened (`coverageClosed`). */
export const AttestationDecided = z.object({
  id: z.string(),
  nik: z.string().check(z.length(16)),
  rt: z.string(),
  decision: z.enum(['APPROVED', 'REJECTED']),
  decidedBy: z.string(),
  at: z.string(),
  coverageClosed: z.boolean(),
});
export type AttestationDecided = z.infer<typeof AttestationDecided>;
export const ATTESTATION_DECIDED = 'AttestationDecided';

export const sampleAttestationIssued: AttestationIssued = {
  id: '01JD2Q7Z8X9Y0A1B2C3D4E5F6G',
  nik: '1571015506900002',
  rt: '1571011012-003-012',
  kelurahan: '15.71.01.1012',
  issuedBy: 'chair-sub-1',
  at: '2026-11-23T03:00:00.000Z',
  registered: true,
  coverage: { scheme: 'PBI_APBD', status: 'ACTIVE', since: '2026-11-23T03:00:00.000Z' },
};

export const sampleAttestationDecided: AttestationDecided = {
  id: '01JD2Q7Z8X9Y0A1B2C3D4E5F6G',
  nik: '1571015506900002',
  rt: '1571011012-003-012',
  decision: 'REJECTED',
  decidedBy: 'verifier-sub-1',
  at: '2026-11-30T02:00:00.000Z',
  coverageClosed: true,
};
