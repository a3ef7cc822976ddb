// Serves the web apps from the API's own origin — the RT chair's form (functions/web/rt/) and the staff console
// (functions/web/console/): per site a fixed allow-list of files read and gzipped once at cold start, third-party
// files from node_modules under vendor/ (read on first request), ETag/304, cache and security headers, and
// config.json from the env. Public routes: no token, so none of the API middleware (http.ts) is used here.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { gzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { acceptsGzip, matches } from './http-cache.ts';
import { COMMON_FILES, CONSOLE_VENDOR, type VendorFile } from './vendor.ts';

export type Result = APIGatewayProxyStructuredResultV2 & { headers: Record<string, string> };

const JS = 'text/javascript; charset=utf-8';

/** One web app: its folder beside the handler, what may be served from it, and what its pages may reach. */
export interface SiteDef {
  /** The folder beside the calling module (in Lambda: beside the bundle, see infra/bundling.ts). */
  folder: string;
  /** The only files ever served (name → content type); a request for anything else is a 404, so no path reaches the disk. */
  files: Readonly<Record<string, string>>;
  /** Files revalidated on every load (no-cache; a 304 by ETag is cheap); the rest may wait 5 minutes. */
  noCache: readonly string[];
  /** Files of `files` kept in functions/web/common/ (shared by both apps; in Lambda copied into the folder). */
  common?: readonly string[];
  /** Third-party files, served as `vendor/<name>` (may be cached 5 minutes). */
  vendor?: readonly VendorFile[];
  /** What config.json says besides how to sign in. */
  config?: () => Record<string, unknown>;
  /** Origins beyond 'self' (each a clean https origin, or nothing) per CSP directive. */
  origins?: () => { connect?: (string | undefined)[]; img?: (string | undefined)[] };
}

/** The RT chair's form. */
export const RT_SITE: SiteDef = {
  folder: 'rt',
  files: {
    'index.html': 'text/html; charset=utf-8',
    'app.css': 'text/css; charset=utf-8',
    'app.js': JS,
    'lib.js': JS,
    'cognito.js': JS,
    'fund.js': JS,
    'homecare.js': JS,
    'kader.js': JS,
    'sw.js': JS,
    'icon.svg': 'image/svg+xml',
  },
  // The shell, the service worker and the script modules must be revalidated so a deploy reaches phones whole: an
  // old lib.js under a new app.js would break the form.
  noCache: ['index.html', 'sw.js', 'app.js', 'lib.js', 'cognito.js', 'fund.js', 'homecare.js', 'kader.js'],
  common: COMMON_FILES,
  // Receipts go straight from the phone to the receipts bucket (a presigned PUT); locally to 'self'.
  origins: () => ({ connect: [httpsOrigin('UPLOAD_ORIGIN')] }),
};

/** The staff console (desk screens): one module per role's pages, the charts and the map from node_modules. */
export const CONSOLE_SITE: SiteDef = {
  folder: 'console',
  files: {
    'index.html': 'text/html; charset=utf-8',
    'app.css': 'text/css; charset=utf-8',
    'app.js': JS,
    'lib.js': JS,
    'cognito.js': JS,
    'operator.js': JS,
    'verifier.js': JS,
    'admin.js': JS,
    'clinic.js': JS,
    'icon.svg': 'image/svg+xml',
  },
  noCache: [
    'index.html',
    'app.js',
    'lib.js',
    'cognito.js',
    'operator.js',
    'verifier.js',
    'admin.js',
    'clinic.js',
  ],
  common: COMMON_FILES,
  vendor: CONSOLE_VENDOR,
  config: () => ({
    map: mapConfig(),
    reviewDays: intSetting('ATTESTATION_REVIEW_DAYS', 14, 1),
    // The operator's board and call form: the acknowledgement window and when a repeat caller is linked.
    ackTimeoutSeconds: intSetting('ACK_TIMEOUT_SECONDS', 60, 1),
    incidentLinkMinutes: intSetting('INCIDENT_LINK_MINUTES', 10, 0),
    incidentLinkMeters: intSetting('INCIDENT_LINK_METERS', 300, 0),
  }),
  // The operator's map: its style, tiles and glyphs from one configured origin.
  origins: () => ({ connect: [httpsOrigin('MAP_ORIGIN')], img: [httpsOrigin('MAP_ORIGIN')] }),
};

/** The RT form's allow-list (kept under its first name). */
export const FILES = RT_SITE.files;

interface Asset {
  type: string;
  body: Buffer;
  gzip: Buffer;
  etag: string;
}

export interface Site {
  /** The response for one allow-listed file name, or `vendor/<name>` (anything else: 404). */
  serve(event: APIGatewayProxyEventV2, name: string): Result;
  /** GET <site>/config.json: how the app signs in (and the site's own settings). */
  config(event: APIGatewayProxyEventV2): Result;
  /** A redirect with the site's security headers. */
  redirect(location: string): Result;
  notFound(): Result;
  /** Gzip sizes in bytes of the site's own files (not the vendor files), for the size budget. */
  gzipSizes(): Record<string, number>;
}

const tag = (data: string | Buffer) =>
  `"${createHash('sha256').update(data).digest('base64url').slice(0, 22)}"`;

const asset = (type: string, body: Buffer): Asset => ({
  type,
  body,
  gzip: gzipSync(body, { level: 9 }),
  etag: tag(body),
});

/**
 * Reads every allow-listed file from the site's folder beside the calling module (in Lambda: beside the bundle).
 * Vendor files are read on their first request (MapLibre is 1.7 MB: no cold start should pay for it): from
 * `<folder>/vendor/` where the bundling copied them, else from node_modules (locally).
 */
export function loadSite(moduleUrl: string, site: SiteDef = RT_SITE): Site {
  const assets = new Map<string, Asset>();
  for (const [name, type] of Object.entries(site.files)) {
    // A common module is in the site's folder in Lambda (the bundling copies it there), in common/ locally.
    const beside = new URL(`./${site.folder}/${name}`, moduleUrl);
    const path =
      site.common?.includes(name) && !existsSync(beside) ? new URL(`./common/${name}`, moduleUrl) : beside;
    assets.set(name, asset(type, readFileSync(path)));
  }
  const vendor = new Map((site.vendor ?? []).map((v) => [`vendor/${v.name}`, v]));
  const noCache = new Set(site.noCache);
  const vendorAsset = (name: string): Asset | undefined => {
    const file = vendor.get(name);
    if (!file) return undefined;
    let found = assets.get(name);
    if (!found) {
      const beside = new URL(`./${site.folder}/${name}`, moduleUrl);
      const path = existsSync(beside) ? beside : createRequire(moduleUrl).resolve(file.from);
      found = asset(file.type, readFileSync(path));
      assets.set(name, found);
    }
    return found;
  };
  return {
    serve(event, name) {
      const found = Object.hasOwn(site.files, name)
        ? assets.get(name)
        : vendor.has(name)
          ? vendorAsset(name)
          : undefined;
      if (!found) return notFound(site);
      return respond(event, site, found, noCache.has(name) ? 'no-cache' : 'public, max-age=300');
    },
    config: (event) => siteConfig(event, site),
    redirect: (location) => redirect(location, site),
    notFound: () => notFound(site),
    gzipSizes: () =>
      Object.fromEntries(
        [...assets].filter(([name]) => !vendor.has(name)).map(([name, a]) => [name, a.gzip.length]),
      ),
  };
}

/** GET /rt/config.json: how the form signs in, from AUTH_MODE, COGNITO_DOMAIN and COGNITO_CLIENT_ID. */
export function config(event: APIGatewayProxyEventV2): Result {
  return siteConfig(event, RT_SITE);
}

function siteConfig(event: APIGatewayProxyEventV2, site: SiteDef): Result {
  const auth = authConfig();
  if (!auth)
    return text(500, 'Sign-in is not configured (AUTH_MODE, COGNITO_DOMAIN, COGNITO_CLIENT_ID)', site);
  const body = Buffer.from(JSON.stringify({ ...auth, ...site.config?.() }));
  return respond(
    event,
    site,
    { type: 'application/json; charset=utf-8', body, gzip: body, etag: tag(body) },
    'no-cache',
  );
}

export function redirect(location: string, site: SiteDef = RT_SITE): Result {
  return {
    statusCode: 301,
    headers: { location, ...securityHeaders(site) },
    body: '',
    isBase64Encoded: false,
  };
}

export function notFound(site: SiteDef = RT_SITE): Result {
  return text(404, 'Not Found', site);
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

/** The operator's map style (MAP_STYLE_URL, an https URL), or null: no map configured. */
function mapConfig(): { styleUrl: string } | null {
  try {
    const url = new URL(process.env.MAP_STYLE_URL ?? '');
    return url.protocol === 'https:' ? { styleUrl: url.href } : null;
  } catch {
    return null;
  }
}

/**
 * A whole-number setting of shared/platform/config.ts (which every function gets in its environment), read without
 * its schema so the file server carries none; its default when unset or below `min`.
 */
function intSetting(name: string, fallback: number, min: number): number {
  const raw = process.env[name];
  const n = raw ? Number(raw) : Number.NaN;
  return Number.isInteger(n) && n >= min ? n : fallback;
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

function securityHeaders(site: SiteDef): Record<string, string> {
  const cognito = process.env.AUTH_MODE === 'cognito' ? cognitoOrigin() : undefined;
  const origins = site.origins?.() ?? {};
  const sources = (...extra: (string | undefined)[]) => [...new Set(extra.filter(Boolean))].join(' ');
  const csp = [
    "default-src 'self'",
    "script-src 'self'",
    // The printable letter (the API's own HTML, shown as a blob: frame) inherits this policy and has a <style>.
    "style-src 'self' 'unsafe-inline'",
    `img-src ${sources("'self'", 'data:', 'blob:', ...(origins.img ?? []))}`,
    `connect-src ${sources("'self'", cognito, ...(origins.connect ?? []))}`,
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

function respond(event: APIGatewayProxyEventV2, site: SiteDef, asset: Asset, cache: string): Result {
  const gzip = asset.gzip !== asset.body && acceptsGzip(event.headers?.['accept-encoding']);
  // Each encoding is its own representation, so each has its own ETag.
  const etag = gzip ? `${asset.etag.slice(0, -1)}-gz"` : asset.etag;
  const headers: Record<string, string> = {
    'content-type': asset.type,
    'cache-control': cache,
    etag,
    vary: 'accept-encoding',
    ...securityHeaders(site),
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

function text(statusCode: number, body: string, site: SiteDef): Result {
  return {
    statusCode,
    headers: {
      'content-type': 'text/plain; charset=utf-8',
      'cache-control': 'no-store',
      ...securityHeaders(site),
    },
    body,
    isBase64Encoded: false,
  };
}
