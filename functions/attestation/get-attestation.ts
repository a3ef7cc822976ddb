// GET /attestations/{id} — one letter with its audit trail (social_verifier, city_admin; rt_chair: its RT's).
import * as z from 'zod/mini';
import { auditTrail, getAttestation } from '#shared/attestation/repository.ts';
import { attestationIdSchema } from '#shared/attestation/schemas.ts';
import { attestationView } from '#shared/attestation/views.ts';
import { hasRole } from '#shared/platform/auth.ts';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';

export const handler = httpHandler(
  { params: z.object({ id: attestationIdSchema }) },
  async ({ params, principal }) => {
    const attestation = await getAttestation(params.id);
    const staff = hasRole(principal, 'social_verifier') || hasRole(principal, 'city_admin');
    // Another RT's letter is answered as unknown: a chair learns nothing of other RTs' residents.
    if (!attestation || (!staff && attestation.rt !== principal?.rt))
      throw new NotFound('No attestation with this id');
    const audit = await auditTrail(params.id);
    return { status: 200, body: { ...attestationView(attestation), audit } };
  },
);
