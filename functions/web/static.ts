// Serves the RT chair's web form (functions/web/rt/) from the API's own origin: a fixed allow-list of files
// read and gzipped once at cold start, ETag/304, cache and security headers, and /rt/config.json from the env.
// Public routes: no token, so none of the API middleware (http.ts) is used here.
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';

export type Result = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> };

/** The only files ever served; a request for anything else is a 404, so no path reaches the disk. */
export const FILES: Readonly<Record<string, string>> = {
  'index.html': 'text/html; charset=utf-8',
  'app.css': 'text/css; charset=utf-8',
  'app.js': 'text/javascript; charset=utf-8',
  'lib.js': 'text/javascript; charset=utf-8',
  'fund.js': 'text/javascript; charset=utf-8',
  'homecare.js': 'text/javascript; charset=utf-8',
  'kader.js': 'text/javascript; charset=utf-8',
  'sw.js': 'text/javascript; charset=utf-8',
  'icon.svg': 'image/svg+xml',
};

// The shell, the service worker and the script modules must be revalidated (a 304 by ETag is cheap) so a deploy
// reaches phones whole: an old lib.js under a new app.js would break the form. The rest may wait 5 minutes.
const NO_CACHE = new Set(['index.html', 'sw.js', 'app.js', 'lib.js', 'fund.js', 'homecare.js', 'kader.js']);

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

export interface Site {
  /** The response for one allow-listed file name (anything else: 404). */
  serve(event: APIGatewayProxyEventV2, name: string): Result;
  /** Gzip sizes in bytes, for the size budget. */
  gzipSizes(): Record<string, number>;
}

const tag = (data: string | Buffer) =>
  `"${createHash('sha256').update(data).digest('base64url').slice(0, 22)}"`;

/** Reads every allow-listed file from `rt/` beside the calling module (in Lambda: beside the bundle). */
export function loadSite(moduleUrl: string): Site {
  const assets = new Map<string, Asset>();
  for (const [name, type] of Object.entries(FILES)) {
    const body = readFileSync(new URL(`./rt/${name}`, moduleUrl));
    assets.set(name, { type, body, gzip: gzipSync(body, { level: 9 }), etag: tag(body) });
  }
  return {
    serve(event, name) {
      const asset = Object.hasOwn(FILES, name) ? assets.get(name) : undefined;
      if (!asset) return notFound();
      const cache = NO_CACHE.has(name) ? 'no-cache' : 'public, max-age=300';
      return respond(event, asset, cache);
    },
    gzipSizes: () => Object.fromEntries([...assets].map(([name, a]) => [name, a.gzip.length])),
  };
}

/** GET /rt/config.json: how the form signs in, from AUTH_MODE, COGNITO_DOMAIN and COGNITO_CLIENT_ID. */
export function config(event: APIGatewayProxyEventV2): Result {
  const auth = authConfig();
  if (!auth) return text(500, 'Sign-in is not configured (AUTH_MODE, COGNITO_DOMAIN, COGNITO_CLIENT_ID)');
  const body = Buffer.from(JSON.stringify(auth));
  return respond(
    event,
    { type: 'application/json; charset=utf-8', body, gzip: body, etag: tag(body) },
    'no-cache',
  );
}

export function redirect(location: string): Result {
  return { statusCode: 301, headers: { location, ...securityHeaders() }, body: '', isBase64Encoded: false };
}

export function notFound(): Result {
  return text(404, 'Not Found');
}

type AuthConfig = { auth: 'local' } | { auth: 'cognito'; domain: string; clientId: string };

function authConfig(): AuthConfig | undefined {
  const mode = process.env.AUTH_MODE || 'local';
  if (mode === 'local') return { auth: 'local' };
  const domain = cognitoOrigin();
  const clientId = process.env.COGNITO_CLIENT_ID ?? '';
  if (mode !== 'cognito' || !domain || !/^[\w-]+$/.test(clientId)) return undefined;
  return { auth: 'cognito', domain, clientId };
}

/** An environment variable's URL as a bare https origin, so nothing else can slip into the CSP. */
function httpsOrigin(name: string): string | undefined {
  try {
    const url = new URL(process.env[name] ?? '');
    return url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

const cognitoOrigin = () => httpsOrigin('COGNITO_DOMAIN');

function securityHeaders(): Record<string, string> {
  const cognito = process.env.AUTH_MODE === 'cognito' ? cognitoOrigin() : undefined;
  // Receipts go straight from the phone to the receipts bucket (a presigned PUT); locally to 'self'.
  const uploads = httpsOrigin('UPLOAD_ORIGIN');
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    // The printable letter (the API's own HTML, shown as a blob: frame) inherits this policy and has a <style>.
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    `connect-src ${["'self'", cognito, uploads].filter(Boolean).join(' ')}`,
    'frame-src blob:',
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'self'",
  ].join('; ');
  return {
    'content-security-policy': csp,
    'x-content-type-options': 'nosniff',
    'referrer-policy': 'no-referrer',
  };
}

function respond(event: APIGatewayProxyEventV2, asset: Asset, cache: string): Result {
  const gzip = asset.gzip !== asset.body && acceptsGzip(event.headers?.['accept-encoding']);
  // Each encoding is its own representation, so each has its own ETag.
  const etag = gzip ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag;
  const headers: Record<string, string> = {
    'content-type': asset.type,
    'cache-control': cache,
    etag,
    vary: 'accept-encoding',
    ...securityHeaders(),
  };
  if (matches(event.headers?.['if-none-match'], etag)) {
    return { statusCode: 304, headers, body: '', isBase64Encoded: false };
  }
  if (gzip) {
    headers['content-encoding'] = 'gzip';
    return { statusCode: 200, headers, body: asset.gzip.toString('base64'), isBase64Encoded: true };
  }
  return { statusCode: 200, headers, body: asset.body.toString('base64'), isBase64Encoded: true };
}

function acceptsGzip(header: string | undefined): boolean {
  return (header ?? '').split(',').some((part) => {
    const [coding, ...params] = part.trim().toLowerCase().split(';');
    const q = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    return coding?.trim() === 'gzip' && (q === undefined || Number(q.slice(2)) > 0);
  });
}

function matches(ifNoneMatch: string | undefined, etag: string): boolean {
  if (!ifNoneMatch) return false;
  if (ifNoneMatch.trim() === '*') return true;
  // Weak comparison, as If-None-Match asks for.
  return ifNoneMatch.split(',').some((t) => t.trim().replace(/^W\//, '') === etag);
}

function text(statusCode: number, body: string): Result {
  return {
    statusCode,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      ...securityHeaders(),
    },
    body,
    isBase64Encoded: false,
  };
}
