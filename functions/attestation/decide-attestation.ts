// POST /attestations/{id}/decision — Dinas Sosial approves or rejects a letter, once (social_verifier);
// rejecting closes the coverage the letter opened.
import * as z from 'zod/mini';
import { decideAttestation } from '#shared/attestation/decide.ts';
import { attestationIdSchema, decisionSchema } from '#shared/attestation/schemas.ts';
import { attestationView } from '#shared/attestation/views.ts';
import { httpHandler } from '#shared/platform/http.ts';

export const handler = httpHandler(
  { params: z.object({ id: attestationIdSchema }), body: decisionSchema },
  async ({ params, body, principal, requestId }) => {
    const out = await decideAttestation(params.id, body, {
      actor: principal!,
      requestId,
      now: new Date().toISOString(),
    });
    return {
      status: 200,
      body: {
        ...attestationView(out.attestation),
        coverageClosed: out.coverageClosed,
        coverage: out.coverage,
      },
    };
  },
);
