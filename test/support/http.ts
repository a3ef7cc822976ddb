// The tests' HTTP client for the local server: JSON in and out, a bearer token by name, the body kept as text
// too; and the check every 400 shares (the documented ValidationError shape, its field paths).
import { type Agent, request } from 'node:http';
import { expect } from 'vitest';

// biome-ignore lint/suspicious/noExplicitAny: JSON answered by the API under test, checked field by field.
export type Json = any;

export interface Res {
  status: number;
  body: Json;
  text: string;
  headers: Headers;
}

export interface CallOptions {
  /** A bearer token. */
  as?: string | null;
  json?: unknown;
  /** A CSV body (text/csv). */
  text?: string;
  body?: string | Uint8Array;
  type?: string;
  headers?: Record<string, string>;
}

/** A `call(method, path, opts)` against the server at `base()` (read at each call: the server starts later). */
export function httpClient(base: () => string) {
  return async function call(method: string, path: string, opts: CallOptions = {}): Promise<Res> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.as) headers.authorization = `Bearer ${opts.as}`;
    let body: string | Uint8Array | undefined = opts.body;
    if (opts.json !== undefined) {
      body = JSON.stringify(opts.json);
      headers['content-type'] = 'application/json';
    }
    if (opts.text !== undefined) {
      body = opts.text;
      headers['content-type'] = 'text/csv';
    }
    if (opts.type) headers['content-type'] = opts.type;
    const hasBody = body !== undefined && method !== 'GET';
    if (!hasBody) delete headers['content-type'];
    const url = path.startsWith('http') ? path : `${base()}${path}`;
    const res = await fetch(url, { method, headers, ...(hasBody ? { body } : {}) });
    const text = await res.text();
    let parsed: Json;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text, headers: res.headers };
  };
}

/** The field paths of a 400, after checking it is the documented ValidationError with a message per issue. */
export function issuePaths(res: Res): string[] {
  expect(res.status, res.text).toBe(400);
  expect(res.body.error).toBe('ValidationError');
  expect(Array.isArray(res.body.issues) && res.body.issues.length > 0).toBe(true);
  for (const issue of res.body.issues) {
    expect(typeof issue.path).toBe('string');
    expect(typeof issue.message).toBe('string');
    expect(issue.message.length).toBeGreaterThan(0);
  }
  return res.body.issues.map((i: { path: string }) => i.path);
}

/**
 * One request through node:http, with any headers (Host included) and on a given agent (default: a fresh
 * connection), giving up after `timeoutMs`: for what fetch will not send or hides (a forged Host, a kept-alive socket).
 */
export function rawRequest(
  url: URL,
  method: string,
  opts: { headers?: Record<string, string>; body?: string; agent?: Agent | false; timeoutMs?: number } = {},
): Promise<{ status: number; text: string }> {
  const { headers = {}, body, agent = false, timeoutMs = 5000 } = opts;
  return new Promise((resolve, reject) => {
    const req = request(url, { method, headers, agent }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString() }));
    });
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}
