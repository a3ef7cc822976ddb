// Builds the API Gateway HTTP API (payload 2.0) events and Lambda contexts handlers get in AWS.
import { randomUUID } from 'node:crypto';
import type { APIGatewayProxyEventV2WithJWTAuthorizer, Context } from 'aws-lambda';
import { MFA_CLAIM, MFA_ROLES } from '../../shared/platform/auth.ts';

export function httpEvent(opts: {
  routeKey: string;
  pathParameters?: Record<string, string>;
  query?: Record<string, string>;
  body?: unknown;
  groups?: string[];
  rt?: string;
  sub?: string;
  contentType?: string;
  /**
   * The `mfa` claim Cognito's trigger adds for a user with an authenticator app; by default present for
   * city_admin and social_verifier (who must have one), absent for the other roles.
   */
  mfa?: boolean;
}): APIGatewayProxyEventV2WithJWTAuthorizer {
  const [method, path] = opts.routeKey.split(' ') as [string, string];
  const claims = opts.groups
    ? {
        sub: opts.sub ?? 'user-1',
        // HTTP API hands array claims to the function flattened like this.
        'cognito:groups': `[${opts.groups.join(' ')}]`,
        ...(opts.rt ? { 'custom:rt': opts.rt } : {}),
        ...((opts.mfa ?? opts.groups.some((g) => (MFA_ROLES as readonly string[]).includes(g)))
          ? { [MFA_CLAIM]: 'true' }
          : {}),
      }
    : undefined;
  return {
    version: '2.0',
    routeKey: opts.routeKey,
    rawPath: path,
    rawQueryString: '',
    headers: { 'content-type': opts.contentType ?? 'application/json' },
    ...(opts.query ? { queryStringParameters: opts.query } : {}),
    ...(opts.pathParameters ? { pathParameters: opts.pathParameters } : {}),
    requestContext: {
      http: { method, path, protocol: 'HTTP/1.1', sourceIp: '127.0.0.1', userAgent: 'test' },
      requestId: randomUUID(),
      routeKey: opts.routeKey,
      stage: '$default',
      ...(claims ? { authorizer: { jwt: { claims, scopes: [] } } } : {}),
    },
    ...(opts.body !== undefined
      ? { body: typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body) }
      : {}),
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2WithJWTAuthorizer;
}

export function context(): Context {
  return {
    awsRequestId: randomUUID(),
    functionName: 'test',
    getRemainingTimeInMillis: () => 10_000,
  } as unknown as Context;
}

export function json(result: unknown): { status: number; body: Record<string, unknown> } {
  const r = result as { statusCode: number; body: string };
  return { status: r.statusCode, body: r.body ? JSON.parse(r.body) : undefined };
}
