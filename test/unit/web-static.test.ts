// The RT chair's form as the two public handlers serve it: redirect, gzip, ETag/304, the allow-list (404,
// no traversal), config.json in both sign-in modes, security headers, and the 60 KB first-load budget. Then the
// staff console, served by the same code as a second site: its allow-list, the vendor files from node_modules (or
// beside the bundle), its CSP with the map's origin, its config.json, and its shell's budget.
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler as consoleAssets } from '../../functions/web/console-assets.ts';
import { handler as consoleIndex } from '../../functions/web/console-index.ts';
import { handler as assets } from '../../functions/web/rt-assets.ts';
import { handler as index } from '../../functions/web/rt-index.ts';
import { CONSOLE_SITE, FILES, loadSite, RT_SITE } from '../../functions/web/static.ts';
import { COMMON_FILES, CONSOLE_VENDOR, VENDOR_BY_FOLDER } from '../../functions/web/vendor.ts';

const RT_DIR = new URL('../../functions/web/rt/', import.meta.url);
const COMMON_DIR = new URL('../../functions/web/common/', import.meta.url);
const BUDGET = 60 * 1024;

function event(path: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  const [rawPath, rawQueryString = ''] = path.split('?') as [string, string?];
  const proxy = rawPath.startsWith('/rt/') ? rawPath.slice('/rt/'.length) : undefined;
  const routeKey = proxy ? 'GET /rt/{proxy+}' : 'GET /rt';
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    ...(proxy ? { pathParameters: { proxy } } : {}),
    requestContext: { http: { method: 'GET', path: rawPath }, routeKey },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

const bodyOf = (r: { body?: string; isBase64Encoded?: boolean; headers: Record<string, string> }) => {
  const raw = r.isBase64Encoded ? Buffer.from(r.body ?? '', 'base64') : Buffer.from(r.body ?? '');
  return (r.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw).toString('utf8');
};
/** A file the form serves: its own, or one both apps share from functions/web/common/. */
const file = (name: string) =>
  readFileSync(new URL(name, COMMON_FILES.includes(name) ? COMMON_DIR : RT_DIR), 'utf8');

/**
 * Every file the form fetches before any user action, read from the files themselves: what index.html links
 * and loads, the modules those import (statically, transitively; a dynamic import() is not first load), and the
 * service worker app.js registers.
 */
function firstLoad(): string[] {
  const found = new Set<string>();
  const next = ['index.html'];
  while (next.length) {
    const name = next.shift()!.replace(/^\.\//, '');
    if (found.has(name)) continue;
    found.add(name);
    const text = file(name);
    const refs =
      name === 'index.html'
        ? text.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)
        : name.endsWith('.js')
          ? [
              ...text.matchAll(/\b(?:from|import)\s*['"](\.\/[^'"]+)['"]/g),
              ...text.matchAll(/serviceWorker\??\.register\(\s*['"]([^'"]+)['"]/g),
            ]
          : [];
    for (const m of refs) next.push(m[1]!);
  }
  return [...found].sort();
}

const ENV = ['AUTH_MODE', 'COGNITO_DOMAIN', 'COGNITO_CLIENT_ID'] as const;
const saved = Object.fromEntries(ENV.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of ENV) {
    if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
});

describe('GET /rt and /rt/', () => {
  it('redirects /rt to /rt/ (keeping the query), so relative URLs and the worker scope resolve', async () => {
    const r = await index(event('/rt'));
    expect(r.statusCode).toBe(301);
    expect(r.headers.location).toBe('/rt/');
    expect((await index(event('/rt?code=abc&state=x'))).headers.location).toBe('/rt/?code=abc&state=x');
  });

  it('serves the shell at /rt/, also when API Gateway routes /rt/ to the proxy route', async () => {
    for (const r of [await index(event('/rt/')), await assets(event('/rt/index.html'))]) {
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(r.headers['cache-control']).toBe('no-cache');
      expect(bodyOf(r)).toBe(file('index.html'));
    }
    const empty = await assets({ ...event('/rt/'), pathParameters: { proxy: '' } });
    expect(bodyOf(empty)).toBe(file('index.html'));
  });

  it('sends a strict CSP and the other security headers', async () => {
    const r = await index(event('/rt/'));
    const csp = r.headers['content-security-policy']!;
    expect(csp).toContain("default-src 'self'");
    expect(csp).toContain("script-src 'self'");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).toContain("img-src 'self' data: blob:");
    expect(csp).toContain("connect-src 'self';");
    expect(csp).toContain('frame-src blob:');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
    // No inline script in the page itself: all of it is in app.js.
    expect(file('index.html')).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(file('index.html')).not.toMatch(/\son[a-z]+=/i);
  });
});

describe('GET /rt/{file}', () => {
  it.each([
    ['app.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['lib.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['fund.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['homecare.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['kader.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['app.css', 'text/css; charset=utf-8', 'public, max-age=300'],
    ['sw.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['icon.svg', 'image/svg+xml', 'public, max-age=300'],
  ])('%s: its type, cache rule and bytes', async (name, type, cache) => {
    const r = await assets(event(`/rt/${name}`));
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe(type);
    expect(r.headers['cache-control']).toBe(cache);
    expect(r.headers['content-encoding']).toBeUndefined();
    expect(bodyOf(r)).toBe(file(name));
  });

  it('gzips for a client that accepts it, and not for one that refuses it', async () => {
    const gz = await assets(event('/rt/app.js', { 'accept-encoding': 'br, gzip, deflate' }));
    expect(gz.headers['content-encoding']).toBe('gzip');
    expect(gz.headers.vary).toBe('accept-encoding');
    expect(gz.isBase64Encoded).toBe(true);
    expect(bodyOf(gz)).toBe(file('app.js'));
    expect(Buffer.from(gz.body!, 'base64').length).toBeLessThan(Buffer.byteLength(file('app.js')));
    const refused = await assets(event('/rt/app.js', { 'accept-encoding': 'gzip;q=0, identity' }));
    expect(refused.headers['content-encoding']).toBeUndefined();
  });

  it('answers 304 to a matching If-None-Match, per encoding', async () => {
    const gzip = { 'accept-encoding': 'gzip' };
    const first = await assets(event('/rt/app.css', gzip));
    const etag = first.headers.etag!;
    expect(etag).toMatch(/^"[\w-]+"$/);
    const again = await assets(event('/rt/app.css', { ...gzip, 'if-none-match': etag }));
    expect(again.statusCode).toBe(304);
    expect(again.body).toBe('');
    expect(again.headers.etag).toBe(etag);
    expect((await assets(event('/rt/app.css', { ...gzip, 'if-none-match': `W/${etag}` }))).statusCode).toBe(
      304,
    );
    // The plain representation has its own tag.
    const plain = await assets(event('/rt/app.css', { 'if-none-match': etag }));
    expect(plain.statusCode).toBe(200);
    expect(plain.headers.etag).not.toBe(etag);
    expect((await assets(event('/rt/app.css', { 'if-none-match': '"other"' }))).statusCode).toBe(200);
  });

  it('answers 404 for any file not on the allow-list, including traversal attempts', async () => {
    for (const proxy of [
      'nope.js',
      '../static.ts',
      '../../package.json',
      '..%2Fstatic.ts',
      '/etc/passwd',
      'rt/app.js',
      'app.js/',
      'APP.JS',
      'constructor',
      '__proto__',
      'hasOwnProperty',
    ]) {
      const r = await assets({ ...event('/rt/x'), pathParameters: { proxy } });
      expect(r.statusCode, proxy).toBe(404);
      expect(r.body).toBe('Not Found');
    }
  });
});

describe('GET /rt/config.json', () => {
  it('says local sign-in by default, and is never cached', async () => {
    delete process.env.AUTH_MODE;
    const r = await assets(event('/rt/config.json'));
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(JSON.parse(bodyOf(r))).toEqual({ auth: 'local' });
  });

  it('gives the Cognito domain and client, and opens connect-src to that domain only', async () => {
    process.env.AUTH_MODE = 'cognito';
    process.env.COGNITO_DOMAIN = 'https://sehatkota.auth.ap-southeast-3.amazoncognito.com/';
    process.env.COGNITO_CLIENT_ID = '4abc123def456ghi789jkl0mno';
    const r = await assets(event('/rt/config.json', { 'accept-encoding': 'gzip' }));
    expect(JSON.parse(bodyOf(r))).toEqual({
      auth: 'cognito',
      domain: 'https://sehatkota.auth.ap-southeast-3.amazoncognito.com',
      clientId: '4abc123def456ghi789jkl0mno',
    });
    const csp = (await index(event('/rt/'))).headers['content-security-policy'];
    expect(csp).toContain("connect-src 'self' https://sehatkota.auth.ap-southeast-3.amazoncognito.com;");
  });

  it('lets the form PUT receipts to the receipts bucket, and to nothing else', async () => {
    process.env.UPLOAD_ORIGIN = 'https://receipts-bucket.s3.ap-southeast-3.amazonaws.com';
    try {
      const csp = (await index(event('/rt/'))).headers['content-security-policy'];
      expect(csp).toContain("connect-src 'self' https://receipts-bucket.s3.ap-southeast-3.amazonaws.com;");
      process.env.UPLOAD_ORIGIN = "https://x.example.com; script-src 'unsafe-inline'";
      expect((await index(event('/rt/'))).headers['content-security-policy']).toContain(
        "connect-src 'self';",
      );
    } finally {
      delete process.env.UPLOAD_ORIGIN;
    }
  });

  it('refuses a half-configured or non-https Cognito set-up rather than guess', async () => {
    process.env.AUTH_MODE = 'cognito';
    process.env.COGNITO_CLIENT_ID = 'abc';
    for (const domain of [
      '',
      'http://plain.example.com',
      "https://x.example.com; script-src 'unsafe-inline'",
    ]) {
      process.env.COGNITO_DOMAIN = domain;
      expect((await assets(event('/rt/config.json'))).statusCode, domain).toBe(500);
      // Nothing but a clean https origin ever reaches the policy.
      expect((await index(event('/rt/'))).headers['content-security-policy']).toContain(
        "connect-src 'self';",
      );
    }
  });
});

describe('size budget', () => {
  it("finds every first-load file, each on the allow-list and in the service worker's shell", () => {
    const first = firstLoad();
    expect(first).toEqual([
      'app.css',
      'app.js',
      'cognito.js',
      'fund.js',
      'homecare.js',
      'icon.svg',
      'index.html',
      'kader.js',
      'lib.js',
      'sw.js',
    ]);
    for (const name of first) expect(Object.hasOwn(FILES, name), name).toBe(true);
    // Without signal the form opens from the worker's cache: everything it loads must be in it.
    const shell = /const SHELL = \[([^\]]*)\]/.exec(file('sw.js'))![1]!;
    for (const name of first.filter((n) => n !== 'sw.js')) expect(shell, name).toContain(`'${name}'`);
  });

  it('first load (every file fetched before any user action, gzip) stays within 60 KB', () => {
    const sizes = loadSite(new URL('../../functions/web/rt-index.ts', import.meta.url).href).gzipSizes();
    const first = firstLoad();
    const total = first.reduce((sum, n) => sum + sizes[n]!, 0);
    console.log(
      `RT form first load, gzip: ${first.map((n) => `${n} ${sizes[n]} B`).join(' + ')} = ${total} B (budget ${BUDGET} B)`,
    );
    expect(total).toBeLessThanOrEqual(BUDGET);
  });
});

// ---------- the staff console: the same server, a second site with vendor files from node_modules

const CONSOLE_DIR = new URL('../../functions/web/console/', import.meta.url);
const consoleFile = (name: string) => readFileSync(new URL(name, CONSOLE_DIR), 'utf8');
const nodeModule = (path: string) => readFileSync(createRequire(import.meta.url).resolve(path));

function consoleEvent(path: string, headers: Record<string, string> = {}): APIGatewayProxyEventV2 {
  const [rawPath, rawQueryString = ''] = path.split('?') as [string, string?];
  const proxy = rawPath.startsWith('/console/') ? rawPath.slice('/console/'.length) : undefined;
  const routeKey = proxy !== undefined ? 'GET /console/{proxy+}' : 'GET /console';
  return {
    version: '2.0',
    routeKey,
    rawPath,
    rawQueryString,
    headers,
    ...(proxy !== undefined ? { pathParameters: { proxy } } : {}),
    requestContext: { http: { method: 'GET', path: rawPath }, routeKey },
    isBase64Encoded: false,
  } as unknown as APIGatewayProxyEventV2;
}

const MAP_ENV = ['MAP_ORIGIN', 'MAP_STYLE_URL', 'ATTESTATION_REVIEW_DAYS'] as const;
const savedMap = Object.fromEntries(MAP_ENV.map((k) => [k, process.env[k]]));
afterEach(() => {
  for (const k of MAP_ENV) {
    if (savedMap[k] === undefined) delete process.env[k];
    else process.env[k] = savedMap[k];
  }
});

describe('GET /console and /console/{file}', () => {
  it('redirects /console to /console/ (keeping the query) and serves the shell there', async () => {
    const r = await consoleIndex(consoleEvent('/console?as=operator'));
    expect(r.statusCode).toBe(301);
    expect(r.headers.location).toBe('/console/?as=operator');
    for (const shell of [
      await consoleIndex(consoleEvent('/console/')),
      await consoleAssets(consoleEvent('/console/index.html')),
      await consoleAssets(consoleEvent('/console/')),
    ]) {
      expect(shell.statusCode).toBe(200);
      expect(shell.headers['content-type']).toBe('text/html; charset=utf-8');
      expect(shell.headers['cache-control']).toBe('no-cache');
      expect(bodyOf(shell)).toBe(consoleFile('index.html'));
    }
    // No inline script and no inline handler in the shell: all of it is in app.js.
    expect(consoleFile('index.html')).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    expect(consoleFile('index.html')).not.toMatch(/\son[a-z]+=/i);
  });

  it.each([
    ['app.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['lib.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['verifier.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['operator.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['admin.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['clinic.js', 'text/javascript; charset=utf-8', 'no-cache'],
    ['app.css', 'text/css; charset=utf-8', 'public, max-age=300'],
    ['icon.svg', 'image/svg+xml', 'public, max-age=300'],
  ])('%s: its type, cache rule and bytes', async (name, type, cache) => {
    const r = await consoleAssets(consoleEvent(`/console/${name}`));
    expect(r.statusCode).toBe(200);
    expect(r.headers['content-type']).toBe(type);
    expect(r.headers['cache-control']).toBe(cache);
    expect(bodyOf(r)).toBe(consoleFile(name));
  });

  it.each(CONSOLE_VENDOR.map((v) => [v.name, v.from, v.type] as const))(
    'vendor/%s: the published file from node_modules (%s), gzipped and cacheable',
    async (name, from, type) => {
      const r = await consoleAssets(consoleEvent(`/console/vendor/${name}`, { 'accept-encoding': 'gzip' }));
      expect(r.statusCode).toBe(200);
      expect(r.headers['content-type']).toBe(type);
      expect(r.headers['cache-control']).toBe('public, max-age=300');
      expect(r.headers['content-encoding']).toBe('gzip');
      expect(gunzipSync(Buffer.from(r.body!, 'base64')).equals(nodeModule(from))).toBe(true);
      expect(r.headers['content-security-policy']).toContain("script-src 'self'");
      // Read once: the second answer is the same representation (and a 304 to its tag).
      const again = await consoleAssets(
        consoleEvent(`/console/vendor/${name}`, {
          'accept-encoding': 'gzip',
          'if-none-match': r.headers.etag!,
        }),
      );
      expect(again.statusCode).toBe(304);
    },
  );

  it('lists each vendor file once, for both the handler and the bundling', () => {
    expect(VENDOR_BY_FOLDER['functions/web/console']).toBe(CONSOLE_VENDOR);
    expect(CONSOLE_SITE.vendor).toBe(CONSOLE_VENDOR);
    expect(CONSOLE_VENDOR.map((v) => v.name)).toEqual([
      'uPlot.esm.js',
      'uPlot.min.css',
      'maplibre-gl.mjs',
      'maplibre-gl-worker.mjs',
      'maplibre-gl.css',
    ]);
    // The RT form carries none.
    expect(RT_SITE.vendor).toBeUndefined();
  });

  it('answers 404 for anything off either list: other files, other vendor paths, the RT form’s files, traversal', async () => {
    for (const proxy of [
      'nope.js',
      'fund.js',
      'sw.js',
      'vendor/',
      'vendor',
      'vendor/uPlot.cjs.js',
      'vendor/maplibre-gl-dev.mjs',
      'vendor/../app.js',
      'vendor/../../static.ts',
      '../rt/app.js',
      'VENDOR/uPlot.esm.js',
      'vendor/constructor',
      'vendor/__proto__',
      '__proto__',
      'hasOwnProperty',
    ]) {
      const r = await consoleAssets({ ...consoleEvent('/console/x'), pathParameters: { proxy } });
      expect(r.statusCode, proxy).toBe(404);
      expect(r.body).toBe('Not Found');
    }
    // Nor does the RT form serve the console's vendor files.
    expect(
      (await assets({ ...event('/rt/x'), pathParameters: { proxy: 'vendor/uPlot.esm.js' } })).statusCode,
    ).toBe(404);
  });

  it('prefers the vendor copy beside the bundle (Lambda), as infra/bundling.ts lays it out', () => {
    const dir = mkdtempSync(join(tmpdir(), 'console-site-'));
    try {
      mkdirSync(join(dir, 'console', 'vendor'), { recursive: true });
      for (const name of Object.keys(CONSOLE_SITE.files)) {
        writeFileSync(join(dir, 'console', name), `/* ${name} */`);
      }
      writeFileSync(join(dir, 'console', 'vendor', 'uPlot.esm.js'), 'export default "beside";');
      const site = loadSite(pathToFileURL(join(dir, 'index.mjs')).href, CONSOLE_SITE);
      expect(bodyOf(site.serve(consoleEvent('/console/vendor/uPlot.esm.js'), 'vendor/uPlot.esm.js'))).toBe(
        'export default "beside";',
      );
      expect(bodyOf(site.serve(consoleEvent('/console/app.js'), 'app.js'))).toBe('/* app.js */');
      // The vendor files are not the shell's weight.
      expect(Object.keys(site.gzipSizes()).sort()).toEqual(Object.keys(CONSOLE_SITE.files).sort());
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('the console’s CSP and /console/config.json', () => {
  it('is as strict as the form’s: scripts and workers from itself only, no eval, frames from blob: only', async () => {
    const csp = (await consoleIndex(consoleEvent('/console/'))).headers['content-security-policy']!;
    expect(csp).toBe(
      [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self' 'unsafe-inline'",
        "img-src 'self' data: blob:",
        "connect-src 'self'",
        'frame-src blob:',
        "worker-src 'self'",
        "manifest-src 'self'",
        "object-src 'none'",
        "base-uri 'none'",
        "form-action 'self'",
        "frame-ancestors 'self'",
      ].join('; '),
    );
    const r = await consoleIndex(consoleEvent('/console/'));
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    expect(r.headers['referrer-policy']).toBe('no-referrer');
  });

  it('says local sign-in, no map and the review mark by default; never cached', async () => {
    delete process.env.AUTH_MODE;
    delete process.env.MAP_STYLE_URL;
    delete process.env.ATTESTATION_REVIEW_DAYS;
    const r = await consoleAssets(consoleEvent('/console/config.json'));
    expect(r.statusCode).toBe(200);
    expect(r.headers['cache-control']).toBe('no-cache');
    expect(JSON.parse(bodyOf(r))).toEqual({
      auth: 'local',
      map: null,
      reviewDays: 14,
      ackTimeoutSeconds: 60,
      incidentLinkMinutes: 10,
      incidentLinkMeters: 300,
    });
    // The RT form's stays as it was.
    expect(JSON.parse(bodyOf(await assets(event('/rt/config.json'))))).toEqual({ auth: 'local' });
  });

  it('gives Cognito, the map style and the review days; the Cognito domain and the map origin reach the CSP', async () => {
    process.env.AUTH_MODE = 'cognito';
    process.env.COGNITO_DOMAIN = 'https://sehatkota.auth.ap-southeast-3.amazoncognito.com';
    process.env.COGNITO_CLIENT_ID = '4abc123def456ghi789jkl0mno';
    process.env.MAP_STYLE_URL = 'https://tiles.example.id/styles/jambi/style.json';
    process.env.MAP_ORIGIN = 'https://tiles.example.id/anything?x=1';
    process.env.ATTESTATION_REVIEW_DAYS = '10';
    process.env.ACK_TIMEOUT_SECONDS = '45';
    process.env.INCIDENT_LINK_MINUTES = '0';
    const r = await consoleAssets(consoleEvent('/console/config.json', { 'accept-encoding': 'gzip' }));
    expect(JSON.parse(bodyOf(r))).toEqual({
      auth: 'cognito',
      domain: 'https://sehatkota.auth.ap-southeast-3.amazoncognito.com',
      clientId: '4abc123def456ghi789jkl0mno',
      map: { styleUrl: 'https://tiles.example.id/styles/jambi/style.json' },
      reviewDays: 10,
      ackTimeoutSeconds: 45,
      // 0: a repeat caller is never linked.
      incidentLinkMinutes: 0,
      incidentLinkMeters: 300,
    });
    delete process.env.ACK_TIMEOUT_SECONDS;
    delete process.env.INCIDENT_LINK_MINUTES;
    const csp = r.headers['content-security-policy']!;
    expect(csp).toContain(
      "connect-src 'self' https://sehatkota.auth.ap-southeast-3.amazoncognito.com https://tiles.example.id;",
    );
    expect(csp).toContain("img-src 'self' data: blob: https://tiles.example.id;");
    // The map is the console's: the RT form's policy does not open to it.
    const rt = (await index(event('/rt/'))).headers['content-security-policy']!;
    expect(rt).not.toContain('tiles.example.id');
  });

  it('lets nothing but a clean https origin into the policy, and no non-https style into the config', async () => {
    delete process.env.AUTH_MODE;
    for (const bad of [
      'http://tiles.example.id',
      "https://x.example.com; script-src 'unsafe-inline'",
      'tiles',
    ]) {
      process.env.MAP_ORIGIN = bad;
      process.env.MAP_STYLE_URL = bad;
      const r = await consoleAssets(consoleEvent('/console/config.json'));
      expect(JSON.parse(bodyOf(r)).map, bad).toBeNull();
      expect(r.headers['content-security-policy'], bad).toContain("connect-src 'self';");
      expect(r.headers['content-security-policy'], bad).toContain("img-src 'self' data: blob:;");
      expect(r.headers['content-security-policy'], bad).not.toContain('example');
    }
    process.env.ATTESTATION_REVIEW_DAYS = 'x';
    expect(JSON.parse(bodyOf(await consoleAssets(consoleEvent('/console/config.json')))).reviewDays).toBe(14);
  });
});

describe('the console’s size budget', () => {
  /** The shell's own files (what the lead owns); the role modules are measured, and listed, beside it. */
  const SHELL = ['index.html', 'app.css', 'app.js', 'lib.js', 'cognito.js', 'icon.svg', 'verifier.js'];
  const CONSOLE_BUDGET = 30 * 1024;

  it('every file the shell loads is on the allow-list', () => {
    const html = consoleFile('index.html');
    const refs = [...html.matchAll(/<(?:script|link)\b[^>]*?\b(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    const imports = [...consoleFile('app.js').matchAll(/\bfrom\s*['"]\.\/([^'"]+)['"]/g)].map((m) => m[1]!);
    for (const name of [...refs, ...imports])
      expect(Object.hasOwn(CONSOLE_SITE.files, name), name).toBe(true);
    expect(imports.sort()).toEqual(['admin.js', 'clinic.js', 'lib.js', 'operator.js', 'verifier.js']);
  });

  it(`the shell (gzip) stays within ${CONSOLE_BUDGET / 1024} KB`, () => {
    const sizes = loadSite(
      new URL('../../functions/web/console-index.ts', import.meta.url).href,
      CONSOLE_SITE,
    ).gzipSizes();
    const total = SHELL.reduce((sum, n) => sum + sizes[n]!, 0);
    const others = Object.keys(sizes).filter((n) => !SHELL.includes(n));
    console.log(
      `console shell, gzip: ${SHELL.map((n) => `${n} ${sizes[n]} B`).join(' + ')} = ${total} B (budget ${CONSOLE_BUDGET} B); ` +
        `the other pages: ${others.map((n) => `${n} ${sizes[n]} B`).join(', ')}`,
    );
    expect(total).toBeLessThanOrEqual(CONSOLE_BUDGET);
  });
});
