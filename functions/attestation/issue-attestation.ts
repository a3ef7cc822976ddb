// POST /attestations — the RT chair's letter: the resident's coverage is ACTIVE the moment this answers 201
// (rt_chair; Idempotency-Key required: a replay answers the same, another body with the key is a 422).
import { verifyUrl } from '#shared/attestation/codes.ts';
import { issueAttestation } from '#shared/attestation/issue.ts';
import { newAttestationSchema } from '#shared/attestation/schemas.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { idempotencyId, requestHash, requireIdempotencyKey } from '#shared/platform/idempotency.ts';
import { publicBaseUrl } from '#shared/platform/public-url.ts';
import { nikWarnings } from '#shared/registry/nik.ts';

export const handler = httpHandler(
  { body: newAttestationSchema },
  async ({ body, principal, headers, requestId }) => {
    const key = requireIdempotencyKey(headers);
    // Where the letter's QR code points is known before anything is written (a missing setting fails here).
    const base = publicBaseUrl();
    const { result, code, replayed } = await issueAttestation(
      principal!,
      {
        input: body,
        requestHash: requestHash(body),
        idempotencyId: idempotencyId('attestation', principal!, key),
      },
      { actor: principal!, requestId, now: new Date().toISOString() },
    );
    return {
      status: 201,
      // A birth date or sex that disagrees with the NIK is a warning, never a refusal (the NIK is as issued).
      body: {
        ...result,
        verifyUrl: verifyUrl(code, base),
        warnings: nikWarnings(body.nik, body.birthDate, body.sex),
      },
      ...(replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
    };
  },
);
