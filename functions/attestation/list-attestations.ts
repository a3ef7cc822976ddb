// GET /attestations?status=&rt=&order=&limit=&cursor= — letters by RT or by review status, a page at a time
// (social_verifier, city_admin; an rt_chair sees only its own RT's).
import * as z from 'zod/mini';
import { listAttestations, type PageKey } from '#shared/attestation/repository.ts';
import { ATTESTATION_STATUSES } from '#shared/attestation/schemas.ts';
import { attestationView } from '#shared/attestation/views.ts';
import { hasRole } from '#shared/platform/auth.ts';
import { openCursor, sealCursor } from '#shared/platform/cursor.ts';
import { Forbidden } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { rtSchema, text } from '#shared/registry/fields.ts';

const query = z.object({
  status: z.optional(
    z.enum(ATTESTATION_STATUSES, { error: `must be one of ${ATTESTATION_STATUSES.join(', ')}` }),
  ),
  rt: z.optional(rtSchema),
  order: z._default(z.enum(['newest', 'oldest'], { error: 'must be newest or oldest' }), 'newest'),
  limit: z._default(
    z.coerce.number().check(z.int('must be a whole number'), z.minimum(1), z.maximum(100)),
    25,
  ),
  cursor: z.optional(text()),
});

export const handler = httpHandler({ query }, async ({ query: q, principal }) => {
  const chairOnly = !hasRole(principal, 'social_verifier') && !hasRole(principal, 'city_admin');
  if (chairOnly) {
    if (!principal?.rt) throw new Forbidden('Your account is not linked to an RT');
    if (q.rt && q.rt !== principal.rt) throw new Forbidden('You can only see your own RT’s letters');
  }
  const rt = chairOnly ? principal!.rt : q.rt;
  // A cursor goes on with the list it came from only: one RT's letters, or one review status across RTs.
  const scope = rt ? `attestations:rt:${rt}` : `attestations:status:${q.status ?? 'PENDING_REVIEW'}`;
  const after = q.cursor ? ((await openCursor(scope, q.cursor)) as PageKey) : undefined;
  const page = await listAttestations({
    status: q.status,
    order: q.order,
    limit: q.limit,
    ...(rt ? { rt } : {}),
    ...(after ? { after } : {}),
  });
  return {
    status: 200,
    body: {
      items: page.items.map(attestationView),
      cursor: page.next ? await sealCursor(scope, page.next) : null,
    },
  };
});
