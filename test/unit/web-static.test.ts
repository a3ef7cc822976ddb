// The RT chair's form as the two public handlers serve it: redirect, gzip, ETag/304, the allow-list (404,
// no traversal), config.json in both sign-in modes, security headers, and the 60 KB first-load budget.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { afterEach, describe, expect, it } from 'vitest';
import { handler as assets } from '../../functions/web/rt-assets.ts';
import { handler as index } from '../../functions/web/rt-index.ts';
import { FILES, loadSite } from '../../functions/web/static.ts';

const RT_DIR = new URL('../../functions/web/rt/', import.meta.url);
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
const file = (name: string) => readFileSync(new URL(name, RT_DIR), 'utf8');

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
