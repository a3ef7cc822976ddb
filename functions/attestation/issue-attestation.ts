// POST /attestations — the RT chair's letter: the resident's coverage is ACTIVE the moment this answers 201
// (rt_chair; Idempotency-Key required: a replay answers the same, another body with the key is a 422).

import { requestOrigin, verifyUrl } from '#shared/attestation/codes.ts';
import { issueAttestation } from '#shared/attestation/repository.ts';
import { newAttestationSchema } from '#shared/attestation/schemas.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { idempotencyId, requestHash, requireIdempotencyKey } from '#shared/platform/idempotency.ts';

export const handler = httpHandler(
  { body: newAttestationSchema },
  async ({ body, principal, headers, requestId, event }) => {
    const key = requireIdempotencyKey(headers);
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
      body: { ...result, verifyUrl: verifyUrl(requestOrigin(event), code) },
      ...(replayed ? { headers: { 'idempotent-replayed': 'true' } } : {}),
    };
  },
);
