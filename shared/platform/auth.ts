// Who is calling: the principal built from the JWT claims API Gateway's authorizer (or the local
// server, which verifies the same token the same way) puts on the event. Roles that see and change every
// resident's data count only when the token says the user signs in with an authenticator app (MFA).
import type { APIGatewayProxyEventV2WithJWTAuthorizer } from 'aws-lambda';
import { Forbidden, Unauthorized } from './errors.ts';
import { isRole, type Role } from './roles.ts';
import { findRoute, type RouteDef } from './routes.ts';

/** Roles a user holds only with MFA: city-wide access to residents' data and to coverage decisions. */
export const MFA_ROLES: readonly Role[] = ['city_admin', 'social_verifier'];
/**
 * The claim the user pool's pre token generation trigger (functions/auth/pre-token-generation.ts) adds, as
 * "true", to the tokens of a user who has an authenticator app (TOTP) set up, so signs in with it.
 */
export const MFA_CLAIM = 'mfa';
export const MFA_REQUIRED = 'city_admin and social_verifier need MFA: set up an authenticator app';

type Claims = Record<string, unknown>;

const claimsOf = (event: Partial<APIGatewayProxyEventV2WithJWTAuthorizer>): Claims | undefined =>
  event.requestContext?.authorizer?.jwt?.claims;

/** HTTP API hands claims to the function as strings; the local server and tests may pass them as they are. */
const hasMfa = (claims: Claims) => claims[MFA_CLAIM] === 'true' || claims[MFA_CLAIM] === true;

const claimedRoles = (claims: Claims) => parseGroups(claims['cognito:groups']).filter(isRole);

export interface Principal {
  sub: string;
  roles: Role[];
  /** The account's user name (`cognito:username`): its staff record's key. */
  username?: string;
  /** The RT an rt_chair answers for (`custom:rt`). */
  rt?: string;
  /** The unit a responder crews (`custom:unit`). */
  unit?: string;
  /** The puskesmas a clinic account works at (`custom:puskesmas`). */
  puskesmas?: string;
  /** A kader's own NIK (`custom:nik`): the register's key, whose activities they record. */
  nik?: string;
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
  const claims = claimsOf(event);
  if (!claims || typeof claims.sub !== 'string') return null;
  // Without MFA a city_admin or social_verifier group grants nothing: no route admits by it, and no handler
  // that asks hasRole() sees it.
  const mfa = hasMfa(claims);
  const roles = claimedRoles(claims).filter((r) => mfa || !MFA_ROLES.includes(r));
  const text = (name: string) => {
    const v = claims[name];
    return typeof v === 'string' && v ? v : undefined;
  };
  const [username, rt, unit, puskesmas, nik] = [
    'cognito:username',
    'custom:rt',
    'custom:unit',
    'custom:puskesmas',
    'custom:nik',
  ].map(text);
  return {
    sub: claims.sub,
    roles,
    ...(username ? { username } : {}),
    ...(rt ? { rt } : {}),
    ...(unit ? { unit } : {}),
    ...(puskesmas ? { puskesmas } : {}),
    ...(nik ? { nik } : {}),
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
    // A role that would admit the caller but for MFA: say what to do about it.
    const withheld = claimedRoles(claimsOf(event) ?? {}).filter((r) => !principal.roles.includes(r));
    if (withheld.some((r) => route.roles.includes(r))) throw new Forbidden(MFA_REQUIRED);
    throw new Forbidden(`This needs one of the roles: ${route.roles.join(', ')}`);
  }
  // Before anything reads the body: a chair acting on another RT's path is refused whatever it sends.
  const rt = event.pathParameters?.rt;
  if (actsAsChair(principal, route) && route.path.includes('{rt}') && rt !== principal.rt) {
    throw new Forbidden(`An RT chair acts for their own RT only (${principal.rt ?? 'none on this account'})`);
  }
  return principal;
}

/** The route admits the caller only as an RT chair (no other role of theirs would do). */
export function actsAsChair(principal: Principal | null, route: RouteDef): principal is Principal {
  if (!principal || route.roles === 'public' || !principal.roles.includes('rt_chair')) return false;
  if (!route.roles.includes('rt_chair')) return false;
  return !principal.roles.some((r) => r !== 'rt_chair' && route.roles.includes(r));
}

export function hasRole(principal: Principal | null, role: Role): boolean {
  return principal?.roles.includes(role) ?? false;
}
