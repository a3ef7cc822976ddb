// The homecare routes' shared request pieces: the path's request id, the optional Idempotency-Key, the context.
import * as z from 'zod/mini';
import type { OpContext } from '#shared/homecare/requests.ts';
import type { Principal } from '#shared/platform/auth.ts';
import { idempotencyId, optionalIdempotencyKey, requestHash } from '#shared/platform/idempotency.ts';

export const requestParams = z.object({
  id: z.string().check(z.regex(/^[0-9a-z]{9}-[0-9a-f]{12}$/, 'is not a homecare request id')),
});

/** The operation's context, with the Idempotency-Key's record when the caller sent one (optional on these routes). */
export function opContext(
  req: {
    principal: Principal | null;
    requestId: string;
    headers: Record<string, string | undefined>;
    body?: unknown;
  },
  operation: string,
): OpContext {
  const key = optionalIdempotencyKey(req.headers);
  return {
    actor: req.principal!,
    requestId: req.requestId,
    now: new Date().toISOString(),
    ...(key
      ? {
          idempotency: {
            id: idempotencyId(`homecare-${operation}`, req.principal!, key),
            requestHash: requestHash(req.body),
          },
        }
      : {}),
  };
}
