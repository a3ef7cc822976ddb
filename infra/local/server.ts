// The local server: serves every route of the route table by turning each request into the API Gateway
// HTTP API (payload 2.0) event the very same handler module gets in Lambda, after verifying the bearer
// token as the JWT authorizer would. Adds the local-only routes: /auth/dev-token, /dev/outbox, /dev/uploads, /dev/dead-letters.
import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import * as z from 'zod/mini';
import { kelurahanName, kelurahanOfRt } from '#shared/city/regions.ts';
import { getRt, isActiveRt } from '#shared/city/rts.ts';
import { getStaff, listStaff, type Staff } from '#shared/city/staff.ts';
import { toIssues } from '#shared/platform/http.ts';
import { ROUTES, type RouteDef, routeKey } from '#shared/platform/routes.ts';
import { findSchedule, type JobInput } from '#shared/platform/schedules.ts';
import type { InProcessBus } from './bus.ts';
import { type DevTokenClaims, type DevTokens, devTokenRequest } from './dev-token.ts';
import { lambdaContext } from './lambda-context.ts';
import { handlerOf } from './modules.ts';
import type { FolderObjectStore } from './object-store.ts';
import type { Outbox } from './outbox.ts';
import type { InProcessQueue } from './queue.ts';

// API Gateway's own limit on a request body.
const MAX_BODY_BYTES = 10 * 1024 * 1024;
// An upload stands in for S3, which takes up to 5 GB in one PUT; local mode holds the file in memory, so 1 GiB.
const MAX_UPLOAD_BYTES = 1024 * 1024 * 1024;
const UPLOADS = '/dev/uploads/';
const TEXT_TYPES = /^(text\/|application\/(json|x-www-form-urlencoded|xml|javascript))/i;

type Handler = (
  event: APIGatewayProxyEventV2,
  context: unknown,
) => Promise<APIGatewayProxyStructuredResultV2 | string>;

interface CompiledRoute {
  route: RouteDef;
  key: string;
  pattern: RegExp;
  names: string[];
  literals: number;
}

function compile(route: RouteDef): CompiledRoute {
  const names: string[] = [];
  const segments = route.path.split('/').filter(Boolean);
  const source = segments
    .map((s) => {
      const m = /^\{(\w+)(\+?)\}$/.exec(s);
      if (!m) return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
      names.push(m[1]!);
      return m[2] ? '(.+)' : '([^/]+)';
    })
    .join('/');
  return {
    route,
    key: routeKey(route),
    pattern: new RegExp(`^/${source}/?$`),
    names,
    literals: segments.filter((s) => !s.startsWith('{')).length,
  };
}

const UNPARSABLE: Record<string, [number, string]> = {
  HPE_HEADER_OVERFLOW: [431, 'Request Header Fields Too Large'],
  ERR_HTTP_REQUEST_TIMEOUT: [408, 'Request Timeout'],
};

/**
 * A request Node cannot parse (headers over 16 KB, a malformed line) gets its status as API Gateway would answer
 * it. Node's own handler destroys the socket at once: with the rest of a large header still arriving, the client
 * then sees a reset instead of the answer. Here the answer goes first, and what is still coming is read and
 * dropped until the client closes (or two seconds pass).
 */
function answerUnparsable(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const [status, text] = UNPARSABLE[error.code ?? ''] ?? [400, 'Bad Request'];
  const body = JSON.stringify({ message: text });
  socket.end(
    `HTTP/1.1 ${status} ${text}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n` +
      `connection: close\r\n\r\n${body}`,
  );
  socket.on('data', () => {});
  socket.on('error', () => {});
  setTimeout(() => socket.destroy(), 2000).unref();
}

export interface LocalServerOptions {
  root: string;
  port: number;
  host?: string;
  tokens: DevTokens;
  outbox: Outbox;
  bus: InProcessBus;
  queue: InProcessQueue;
  uploads: FolderObjectStore;
  log?: (line: string) => void;
}

export class LocalServer {
  readonly server: Server;
  private readonly routes: CompiledRoute[];
  url = '';

  constructor(private readonly opts: LocalServerOptions) {
    // Most literal segments first, as API Gateway prefers the most specific route.
    this.routes = ROUTES.map(compile).sort((a, b) => b.literals - a.literals);
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error) => {
        (opts.log ?? console.error)(`[server] ${(error as Error).stack}`);
        if (!res.headersSent) send(res, 500, { error: 'InternalError', message: 'The local server failed' });
      });
    });
    this.server.on('clientError', answerUnparsable);
  }

  async listen(): Promise<string> {
    await new Promise<void>((resolve) =>
      this.server.listen(this.opts.port, this.opts.host ?? '127.0.0.1', resolve),
    );
    const address = this.server.address();
    const port = typeof address === 'object' && address ? address.port : this.opts.port;
    this.url = `http://localhost:${port}`;
    return this.url;
  }

  close(): Promise<void> {
    this.server.closeAllConnections?.();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private handler(route: RouteDef): Promise<Handler> {
    return handlerOf(this.opts.root, route.handler) as Promise<Handler>;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const method = (req.method ?? 'GET').toUpperCase();
    const body = await readBody(req, url.pathname.startsWith(UPLOADS) ? MAX_UPLOAD_BYTES : MAX_BODY_BYTES);
    if (body === undefined) {
      // The rest of the body is never read, so the connection cannot carry another request.
      res.shouldKeepAlive = false;
      return send(res, 413, { message: 'Request Entity Too Large' });
    }

    if (url.pathname === '/auth/dev-token' && method === 'POST') return this.devToken(body, res);
    if (url.pathname === '/auth/dev-users' && method === 'GET') return this.devUsers(res);
    const job = /^\/dev\/jobs\/([\w-]+)$/.exec(url.pathname);
    if (job && method === 'POST') return this.runJob(job[1]!, url, res);
    if (url.pathname === '/dev/outbox' && method === 'GET') {
      const limit = Math.max(
        1,
        Math.min(1000, Math.trunc(Number(url.searchParams.get('limit') ?? 100)) || 100),
      );
      return send(res, 200, this.opts.outbox.list(limit));
    }
    if (url.pathname === '/dev/dead-letters' && method === 'GET') {
      return send(res, 200, this.opts.queue.deadLetters);
    }
    if (url.pathname.startsWith(UPLOADS) && method === 'PUT') return this.upload(req, url, body, res);
    if (url.pathname === '/' && method === 'GET') return this.index(res);

    const candidates = this.routes.filter((r) => r.pattern.test(url.pathname));
    const match = candidates.find((r) => r.route.method === method);
    if (!match)
      return send(res, candidates.length ? 405 : 404, {
        message: candidates.length ? 'Method Not Allowed' : 'Not Found',
      });

    const values = match.pattern.exec(url.pathname)!.slice(1);
    const decoded = values.map(decode);
    // API Gateway refuses a path it cannot decode before any function runs.
    if (decoded.some((v) => v === undefined)) return send(res, 400, { message: 'Bad Request' });
    const pathParameters = Object.fromEntries(match.names.map((n, i) => [n, decoded[i]!]));
    let claims: Record<string, string> | undefined;
    if (match.route.roles !== 'public') {
      claims = await this.opts.tokens.verify(header(req, 'authorization'));
      // API Gateway's JWT authorizer answers this itself; the function is never invoked.
      if (!claims) return send(res, 401, { message: 'Unauthorized' });
    }
    const event = toEvent(req, url, method, body, match.key, pathParameters, claims);
    const handler = await this.handler(match.route);
    const started = performance.now();
    const result = await handler(
      event,
      lambdaContext(`local-${match.key}`, match.route.timeoutSeconds ?? 29),
    );
    writeResult(res, result);
    if (process.env.LOCAL_ACCESS_LOG !== '0') {
      (this.opts.log ?? console.log)(
        `${method} ${match.route.path} → ${res.statusCode} ${(performance.now() - started).toFixed(1)} ms`,
      );
    }
  }

  private async devToken(body: Buffer, res: ServerResponse): Promise<void> {
    let input: unknown;
    try {
      input = JSON.parse(body.toString('utf8') || '{}');
    } catch {
      return send(res, 400, {
        error: 'ValidationError',
        issues: [{ path: 'body', message: 'The body is not valid JSON' }],
      });
    }
    const parsed = z.safeParse(devTokenRequest, input);
    if (!parsed.success) return send(res, 400, { error: 'ValidationError', issues: toIssues(parsed.error) });
    const req = parsed.data;
    const invalid = (path: string, message: string) =>
      send(res, 400, { error: 'ValidationError', issues: [{ path, message }] });
    if (req.username) {
      // A staff account signs in as Cognito would let it: only while active, only as what it is.
      const staff = await getStaff(req.username, true);
      if (!staff || staff.status === 'PENDING')
        return invalid('username', 'is not a staff account (POST /staff)');
      if (staff.status === 'DISABLED') {
        return send(res, 403, { error: 'Forbidden', message: 'This account is disabled; ask the city' });
      }
      if (staff.role !== req.role)
        return invalid('role', `must be ${staff.role}, the role of ${staff.username}`);
      return send(res, 200, { token: await this.opts.tokens.issue(claimsOf(staff)) });
    }
    if (req.role === 'rt_chair') {
      const rt = await getRt(req.rt!, true);
      if (!rt) return invalid('rt', `RT ${req.rt} is not in the city's RT directory (POST /rts)`);
      if (!isActiveRt(rt)) return invalid('rt', `RT ${req.rt} is closed in the city's RT directory`);
    }
    send(res, 200, { token: await this.opts.tokens.issue(req) });
  }

  /** The RT chairs' (and kader's) accounts, for the web form's sign-in picker (local mode's stand-in for Cognito's sign-in). */
  private async devUsers(res: ServerResponse): Promise<void> {
    const chairs: Staff[] = [];
    let after: string | undefined;
    do {
      const page = await listStaff('rt_chair', 500, after);
      chairs.push(...page.staff.filter((s) => s.status === 'ACTIVE' && s.rt));
      after = page.next ?? undefined;
    } while (after);
    chairs.sort((a, b) => a.rt!.localeCompare(b.rt!) || a.username.localeCompare(b.username));
    const kader = (await listStaff('kader', 500)).staff.filter((s) => s.status === 'ACTIVE');
    send(res, 200, {
      kader: kader.map((s) => ({ username: s.username, name: s.name })),
      chairs: chairs.map((s) => ({
        username: s.username,
        rt: s.rt!,
        name: s.name,
        kelurahan: kelurahanName(kelurahanOfRt(s.rt!)) ?? kelurahanOfRt(s.rt!),
      })),
    });
  }

  /** What EventBridge Scheduler does in AWS: invoke the schedule's handler (`npm run job` calls this). */
  private async runJob(name: string, url: URL, res: ServerResponse): Promise<void> {
    const schedule = findSchedule(name);
    if (!schedule) return send(res, 404, { message: `No job named ${name}` });
    const date = url.searchParams.get('date') ?? undefined;
    if (date !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(date)) {
      return send(res, 400, {
        error: 'ValidationError',
        issues: [{ path: 'date', message: 'must be YYYY-MM-DD' }],
      });
    }
    const handler = await handlerOf(this.opts.root, schedule.handler);
    const result = await handler(
      { job: name, ...(date ? { date } : {}) } satisfies JobInput,
      lambdaContext(`local-${name}`, schedule.timeoutSeconds ?? 60),
    );
    await this.opts.bus.drain();
    send(res, 200, result);
  }

  private upload(req: IncomingMessage, url: URL, body: Buffer, res: ServerResponse): void {
    const key = decode(url.pathname.slice(UPLOADS.length));
    if (key === undefined) {
      send(res, 400, { message: 'Bad Request' });
      return;
    }
    const expires = Number(url.searchParams.get('expires'));
    // A URL that pins the type and length is checked against what actually arrived, as S3 does.
    const pinned = url.searchParams.has('pinned')
      ? { type: header(req, 'content-type') ?? '', length: body.length }
      : undefined;
    if (!this.opts.uploads.verify(key, expires, url.searchParams.get('signature') ?? '', pinned)) {
      send(res, 403, { message: 'The upload URL is not valid or has expired' });
      return;
    }
    this.opts.uploads.put(key, body);
    send(res, 200, {});
    // What S3 sends to EventBridge when an object is created.
    this.opts.bus.dispatch({
      source: 'aws.s3',
      'detail-type': 'Object Created',
      detail: {
        bucket: { name: key.startsWith('receipts/') ? 'local-receipts' : 'local-imports' },
        object: { key, size: body.length },
      },
    });
  }

  private index(res: ServerResponse): void {
    const rows = ROUTES.map(
      (r) =>
        `<tr><td>${r.method}</td><td><code>${r.path}</code></td><td>${r.roles === 'public' ? 'public' : r.roles.join(', ')}</td></tr>`,
    ).join('');
    const html = `<!doctype html><html lang="en"><meta charset="utf-8"><title>SehatKota (local)</title>
<body style="font-family:system-ui;max-width:60rem;margin:2rem auto;padding:0 1rem">
<h1>SehatKota — local mode</h1>
<p>Get a token: <code>curl -s -XPOST ${this.url}/auth/dev-token -d '{"role":"clinic"}'</code>, then call a route with
<code>Authorization: Bearer &lt;token&gt;</code>. SMS land in <a href="/dev/outbox">/dev/outbox</a>.</p>
<table><thead><tr><th>method</th><th>path</th><th>roles</th></tr></thead><tbody>${rows}</tbody></table></body></html>`;
    res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(html);
  }
}

function decode(value: string): string | undefined {
  try {
    return decodeURIComponent(value);
  } catch {
    return undefined;
  }
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v.join(',') : v;
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += chunk.length;
    if (size > limit) return undefined;
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function toEvent(
  req: IncomingMessage,
  url: URL,
  method: string,
  body: Buffer,
  key: string,
  pathParameters: Record<string, string>,
  claims: Record<string, string> | undefined,
): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {};
  for (const [k, v] of Object.entries(req.headers)) {
    if (v !== undefined && k !== 'cookie') headers[k.toLowerCase()] = Array.isArray(v) ? v.join(',') : v;
  }
  const query: Record<string, string> = {};
  for (const [k, v] of url.searchParams) query[k] = query[k] === undefined ? v : `${query[k]},${v}`;
  const isText = TEXT_TYPES.test(headers['content-type'] ?? 'text/plain');
  const now = new Date();
  const event = {
    version: '2.0',
    routeKey: key,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    ...(req.headers.cookie ? { cookies: req.headers.cookie.split(/;\s*/) } : {}),
    headers,
    ...(Object.keys(query).length ? { queryStringParameters: query } : {}),
    ...(Object.keys(pathParameters).length ? { pathParameters } : {}),
    requestContext: {
      accountId: '000000000000',
      apiId: 'local',
      domainName: headers.host ?? 'localhost',
      domainPrefix: 'localhost',
      http: {
        method,
        path: url.pathname,
        protocol: `HTTP/${req.httpVersion}`,
        sourceIp: req.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey: key,
      stage: '$default',
      time: now.toUTCString(),
      timeEpoch: now.getTime(),
      ...(claims ? { authorizer: { jwt: { claims, scopes: null } } } : {}),
    },
    ...(body.length ? { body: isText ? body.toString('utf8') : body.toString('base64') } : {}),
    isBase64Encoded: body.length > 0 && !isText,
  };
  return event as unknown as APIGatewayProxyEventV2;
}

/** Applies HTTP API's payload 2.0 rules for what a function returns. */
function writeResult(
  res: ServerResponse,
  result: APIGatewayProxyStructuredResultV2 | string | unknown,
): void {
  if (
    typeof result === 'string' ||
    typeof result !== 'object' ||
    result === null ||
    !('statusCode' in result)
  ) {
    send(res, 200, result);
    return;
  }
  const r = result as APIGatewayProxyStructuredResultV2;
  const headers: Record<string, string | string[]> = {};
  for (const [k, v] of Object.entries(r.headers ?? {})) headers[k] = String(v);
  if (r.cookies?.length) headers['set-cookie'] = r.cookies;
  const body = r.body === undefined ? '' : r.isBase64Encoded ? Buffer.from(r.body, 'base64') : r.body;
  res.writeHead(r.statusCode ?? 200, headers).end(body);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8' }).end(JSON.stringify(body));
}

/** A staff account's dev token: what Cognito's ID token says of that user. */
function claimsOf(staff: Staff): DevTokenClaims {
  return {
    role: staff.role,
    username: staff.username,
    name: staff.name,
    ...(staff.sub ? { sub: staff.sub } : {}),
    ...(staff.rt ? { rt: staff.rt } : {}),
    ...(staff.unit ? { unit: staff.unit } : {}),
    ...(staff.puskesmas ? { puskesmas: staff.puskesmas } : {}),
    ...(staff.nik ? { nik: staff.nik } : {}),
  };
}
