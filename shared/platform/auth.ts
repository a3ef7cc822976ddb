// Who is calling: the principal built from the JWT claims API Gateway's authorizer (or the local
// server, which verifies the same token the same way) puts on the event.
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { Forbidden, Unauthorized } from './errors.ts';
import { isRole, type Role } from './roles.ts';
import { findRoute } from './routes.ts';

export interface Principal {
  sub: string;
  roles: Role[];
  /** The RT an rt_chair answers for (`custom:rt`). */
  rt?: string;
  /** The unit a responder crews (`custom:unit`). */
  unit?: string;
}

/** HTTP API flattens array claims into "[a b]"; Cognito sends them as arrays elsewhere. */
export function parseGroups(claim: unknown): string[] {
  if (Array.isArray(claim)) return claim.map(String);
  if (typeof claim !== 'string' || claim.trim() === '') return [];
  const text = claim.trim();
  if (text.startsWith('[') && text.endsWith(']')) {
    const inner = text.slice(1, -1);
    try {
      const parsed: unknown = JSON.parse(text);
      if (Array.isArray(parsed)) return parsed.map(String);
    } catch {
      // not JSON: the space- or comma-separated form API Gateway produces
    }
    return inner.split(/[\s,]+/).filter(Boolean);
  }
  return text.split(/[\s,]+/).filter(Boolean);
}

export function principalFromEvent(
  event: Partial<APIGatewayProxyEventV2WithJWTAuthorizer>,
): Principal | null {
  const claims = event.requestContext?.authorizer?.jwt?.claims;
  if (!claims || typeof claims.sub !== 'string') return null;
  const roles = parseGroups(claims['cognito:groups']).filter(isRole);
  const rt = claims['custom:rt'];
  const unit = claims['custom:unit'];
  return {
    sub: claims.sub,
    roles,
    ...(typeof rt === 'string' && rt ? { rt } : {}),
    ...(typeof unit === 'string' && unit ? { unit } : {}),
  };
}

/** Checks the caller against the route table's roles for this routeKey; returns the principal. */
export function authorize(event: Partial<APIGatewayProxyEventV2WithJWTAuthorizer>): Principal | null {
  const route = event.routeKey ? findRoute(event.routeKey) : undefined;
  if (!route) throw new Error(`route ${event.routeKey} is not in the route table`);
  if (route.roles === 'public') return principalFromEvent(event);
  const principal = principalFromEvent(event);
  if (!principal) throw new Unauthorized();
  if (!principal.roles.some((r) => route.roles.includes(r))) {
    throw new Forbidden(`This needs one of the roles: ${route.roles.join(', ')}`);
  }
  return principal;
}

export function hasRole(principal: Principal | null, role: Role): boolean {
  return principal?.roles.includes(role) ?? false;
}
