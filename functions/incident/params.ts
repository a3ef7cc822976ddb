// What the incident routes share: the incident id in the path, and the operation context from the request.
import * as z from 'zod/mini';
import type { OpContext } from '#shared/incident/dispatch.ts';
import type { Principal } from '#shared/platform/auth.ts';

export const incidentParams = z.object({
  id: z.string().check(z.regex(/^[0-9a-z]{9}-[0-9a-f]{12}$/, 'is not an incident id')),
});

export function opContext(req: { principal: Principal | null; requestId: string }): OpContext {
  const p = req.principal!;
  return {
    actor: { sub: p.sub, roles: [...p.roles], ...(p.unit ? { unit: p.unit } : {}) },
    requestId: req.requestId,
    now: new Date().toISOString(),
  };
}

/** The acknowledgement link's token (alerts.ts newAckToken). */
export const tokenParams = z.object({
  token: z.string().check(z.regex(/^[A-Za-z0-9_-]{12}$/, 'is not a link')),
});
