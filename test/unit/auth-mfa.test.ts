// city_admin and social_verifier count only with MFA: the `mfa` claim Cognito's pre token generation trigger adds
// for users with an authenticator app. Without it those roles admit nothing and no handler sees them.
import { describe, expect, it } from 'vitest';
import {
  authorize,
  hasRole,
  MFA_REQUIRED,
  MFA_ROLES,
  principalFromEvent,
} from '../../shared/platform/auth.ts';
import { ROUTES, routeKey } from '../../shared/platform/routes.ts';
import { httpEvent } from '../support/events.ts';

const event = (routeKey: string, groups: string[], mfa: boolean) => httpEvent({ routeKey, groups, mfa });

describe('MFA for city_admin and social_verifier', () => {
  it('are the roles that need it', () => {
    expect([...MFA_ROLES].sort()).toEqual(['city_admin', 'social_verifier']);
  });

  it('admits a city_admin or social_verifier whose token carries mfa', () => {
    expect(authorize(event('GET /uhc', ['city_admin'], true))?.roles).toEqual(['city_admin']);
    expect(authorize(event('POST /attestations/{id}/decision', ['social_verifier'], true))?.roles).toEqual([
      'social_verifier',
    ]);
  });

  it('refuses them without it, with 403 and what to do', () => {
    for (const [key, role] of [
      ['GET /uhc', 'city_admin'],
      ['POST /residents', 'city_admin'],
      ['POST /attestations/{id}/decision', 'social_verifier'],
      ['GET /attestations/counts', 'social_verifier'],
    ] as const) {
      const refused = () => authorize(event(key, [role], false));
      expect(refused, `${key} ${role}`).toThrow(MFA_REQUIRED);
      try {
        refused();
      } catch (error) {
        expect((error as { status: number }).status).toBe(403);
      }
    }
    expect(MFA_REQUIRED).toBe('city_admin and social_verifier need MFA: set up an authenticator app');
  });

  it('takes the claim as HTTP API passes it (the string "true") and as a boolean; nothing else', () => {
    const withClaim = (mfa: unknown) => {
      const e = httpEvent({ routeKey: 'GET /uhc', groups: ['city_admin'], mfa: false });
      (e.requestContext.authorizer.jwt.claims as Record<string, unknown>).mfa = mfa;
      return e;
    };
    expect(authorize(withClaim('true'))?.roles).toEqual(['city_admin']);
    expect(authorize(withClaim(true))?.roles).toEqual(['city_admin']);
    for (const bad of ['false', 'TRUE', '1', 1, '', 'yes']) {
      expect(() => authorize(withClaim(bad)), String(bad)).toThrow(MFA_REQUIRED);
    }
  });

  it('admits by another role the route admits: the caller acts as that role only', () => {
    // An RT chair who is also a city_admin, without MFA, reads the RT's residents as its chair.
    const e = httpEvent({
      routeKey: 'GET /rts/{rt}/residents',
      pathParameters: { rt: '1571011012-003-012' },
      groups: ['rt_chair', 'city_admin'],
      rt: '1571011012-003-012',
      mfa: false,
    });
    const principal = authorize(e);
    expect(principal?.roles).toEqual(['rt_chair']);
    // A handler asking for the admin role does not get it.
    expect(hasRole(principal, 'city_admin')).toBe(false);
    expect(hasRole(principalFromEvent(e), 'city_admin')).toBe(false);
    // With MFA the same user is both.
    const both = authorize(
      httpEvent({ routeKey: 'GET /rts/{rt}/residents', groups: ['rt_chair', 'city_admin'], mfa: true }),
    );
    expect(both?.roles).toEqual(['rt_chair', 'city_admin']);
  });

  it('a route only an MFA role admits refuses such a user without MFA, saying why', () => {
    const e = httpEvent({ routeKey: 'GET /uhc', groups: ['rt_chair', 'city_admin'], mfa: false });
    expect(() => authorize(e)).toThrow(MFA_REQUIRED);
  });

  it('other roles need no claim, and a role the route never admits is told the roles it needs', () => {
    expect(authorize(event('GET /coverage/{nik}', ['clinic'], false))?.roles).toEqual(['clinic']);
    expect(authorize(event('POST /incidents', ['operator'], false))?.roles).toEqual(['operator']);
    expect(() => authorize(event('GET /uhc', ['clinic'], false))).toThrow(/one of the roles: city_admin/);
    // A social_verifier without MFA on a route for city_admin only: the role would not admit them anyway.
    expect(() => authorize(event('GET /uhc', ['social_verifier'], false))).toThrow(
      /one of the roles: city_admin/,
    );
  });

  it('every route an MFA role alone admits refuses it without the claim', () => {
    for (const route of ROUTES) {
      if (route.roles === 'public') continue;
      for (const role of MFA_ROLES.filter((r) => (route.roles as readonly string[]).includes(r))) {
        const key = routeKey(route);
        expect(() => authorize(event(key, [role], false)), `${key} ${role}`).toThrow(MFA_REQUIRED);
        expect(authorize(event(key, [role], true))?.roles, `${key} ${role}`).toEqual([role]);
      }
    }
  });

  it('public routes ignore the claim', () => {
    expect(authorize(httpEvent({ routeKey: 'GET /verify/{code}' }))).toBeNull();
  });
});
