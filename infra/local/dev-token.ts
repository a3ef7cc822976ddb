// Local mode's Cognito: issues dev tokens with the same claims Cognito puts in an ID token (`cognito:groups`,
// `cognito:username`, `custom:rt`, `custom:unit`, `custom:puskesmas`, and `mfa` from the pre token generation trigger)
// and verifies them as API Gateway's JWT authorizer does (issuer, audience, expiry, signature), then flattens the
// claims the way HTTP API hands them to a function. A token is for a staff account (by username, as POST /staff made
// it) or, for trying things out, for a role (an RT chair's RT must be in the directory: the server checks it).

import { createHash } from 'node:crypto';
import { jwtVerify, SignJWT } from 'jose';
import * as z from 'zod/mini';
import { RT_CODE } from '#shared/city/regions.ts';
import { MFA_CLAIM, MFA_ROLES } from '#shared/platform/auth.ts';
import { ROLES } from '#shared/platform/roles.ts';

export const DEV_ISSUER = 'https://cognito-idp.local/sehatkota-dev';
export const DEV_AUDIENCE = 'sehatkota-local-client';

export const devTokenRequest = z
  .object({
    role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
    rt: z.optional(z.string().check(z.regex(RT_CODE, 'must be an RT code such as 1571011012-003-012'))),
    unit: z.optional(z.string().check(z.regex(/^[A-Za-z0-9-]{2,40}$/, 'must be a unit id such as AMB-01'))),
    /** A kader's NIK (POST /kader): whose activities the token records. */
    nik: z.optional(z.string().check(z.regex(/^\d{16}$/, 'must be a NIK of 16 digits'))),
    /** A clinic's puskesmas (POST /puskesmas code): its homecare requests are the ones the token sees. */
    puskesmas: z.optional(
      z.string().check(z.regex(/^[A-Za-z0-9.-]{2,40}$/, 'must be a puskesmas code such as DEMO-15.71.01')),
    ),
    sub: z.optional(z.string().check(z.minLength(1), z.maxLength(64))),
    /** A staff account's username: the token is that account's (its role, RT, unit, puskesmas). */
    username: z.optional(
      z.string().check(z.regex(/^[a-z0-9][a-z0-9._-]{2,63}$/, 'must be a staff username')),
    ),
  })
  .check(
    z.refine((r) => !!r.username || r.role !== 'rt_chair' || !!r.rt, {
      path: ['rt'],
      message: 'is required for the rt_chair role',
    }),
    z.refine((r) => !!r.username || r.role !== 'kader' || !!r.nik, {
      path: ['nik'],
      message: 'is required for the kader role',
    }),
    z.refine((r) => !!r.username || r.role !== 'responder' || !!r.unit, {
      path: ['unit'],
      message: 'is required for the responder role',
    }),
  );

/** What a dev token says: the request, or a staff account's record. */
export interface DevTokenClaims {
  role: z.infer<typeof devTokenRequest>['role'];
  rt?: string;
  unit?: string;
  puskesmas?: string;
  nik?: string;
  sub?: string;
  username?: string;
  name?: string;
}

export class DevTokens {
  private readonly key: Uint8Array;

  constructor(secret: string) {
    this.key = new TextEncoder().encode(secret);
  }

  async issue(req: DevTokenClaims): Promise<string> {
    // A kader's sub names a digest of the NIK, never the NIK (subs reach logs and audit records).
    const kader = req.nik ? `-${createHash('sha256').update(req.nik).digest('hex').slice(0, 12)}` : '';
    const sub =
      req.sub ?? `dev-${req.role}${req.rt ? `-${req.rt}` : ''}${req.unit ? `-${req.unit}` : ''}${kader}`;
    return new SignJWT({
      'cognito:groups': [req.role],
      ...(req.rt ? { 'custom:rt': req.rt } : {}),
      ...(req.unit ? { 'custom:unit': req.unit } : {}),
      ...(req.puskesmas ? { 'custom:puskesmas': req.puskesmas } : {}),
      ...(req.nik ? { 'custom:nik': req.nik } : {}),
      ...(req.name ? { name: req.name } : {}),
      // Local admins and verifiers stand for users who set up an authenticator app, as AWS requires of them.
      ...(MFA_ROLES.includes(req.role) ? { [MFA_CLAIM]: 'true' } : {}),
      token_use: 'id',
      'cognito:username': req.username ?? sub,
    })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .setSubject(sub)
      .setIssuer(DEV_ISSUER)
      .setAudience(DEV_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('12h')
      .sign(this.key);
  }

  /** Signs a token built elsewhere with the local key: tests make expired or foreign-issuer ones. */
  sign(jwt: SignJWT): Promise<string> {
    return jwt.sign(this.key);
  }

  /** The claims as HTTP API passes them to a function, or undefined when the token is not valid. */
  async verify(authorization: string | undefined): Promise<Record<string, string> | undefined> {
    const token = /^Bearer\s+(.+)$/i.exec(authorization ?? '')?.[1];
    if (!token) return undefined;
    try {
      const { payload } = await jwtVerify(token, this.key, { issuer: DEV_ISSUER, audience: DEV_AUDIENCE });
      return Object.fromEntries(
        Object.entries(payload).map(([k, v]) => [k, Array.isArray(v) ? `[${v.join(' ')}]` : String(v)]),
      );
    } catch {
      return undefined;
    }
  }
}
