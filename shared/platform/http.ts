// The HTTP middleware stack every API function is built with: auth by the route table (and, for an RT chair, the RT
// directory and the chair's account), JSON/text body,
// zod validation into a 400 that names the field, typed errors to status codes, and the JSON reply.
import middy from '@middy/core';
import type {
  APIGatewayProxyEventV2WithJWTAuthorizer,
  APIGatewayProxyStructuredResultV2,
  Context,
} from 'aws-lambda';
import * as z from 'zod/mini';
import { checkChairAccess } from '#shared/city/access.ts';
import { actsAsChair, authorize, type Principal } from './auth.ts';
import { DomainError, type Issue, UnsupportedMediaType, ValidationError } from './errors.ts';
import { endInvocation } from './invocation.ts';
import { logger } from './logger.ts';
import { findRoute } from './routes.ts';

export type HttpEvent = APIGatewayProxyEventV2WithJWTAuthorizer;

declare global {
  // Defined at bundling (infra/bundling.ts): false for a function no RT chair calls; unset locally.
  var __SEHATKOTA_CHAIR_ROUTE__: boolean | undefined;
}

export interface HttpRequest<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal | null;
  headers: Record<string, string | undefined>;
  requestId: string;
  event: HttpEvent;
}

export interface HttpReply {
  status: number;
  body?: unknown;
  /** Sent as is instead of JSON (CSV, HTML). */
  text?: string;
  headers?: Record<string, string>;
}

type ZodType = z.ZodMiniType;
type Infer<S> = S extends ZodType ? z.infer<S> : undefined;
type BodyOf<B> = B extends 'text' ? string : Infer<B>;

interface Spec<PS, QS, B> {
  params?: PS;
  query?: QS;
  /** A zod schema for a JSON body, or 'text' for a raw text body (CSV). */
  body?: B;
  /** How errors are answered, when not as our JSON (the FHIR facade answers OperationOutcome resources). */
  errors?: (error: unknown, requestId: string) => APIGatewayProxyStructuredResultV2;
}

export function toIssues(error: z.core.$ZodError, prefix?: string): Issue[] {
  return error.issues.map((i) => ({
    path: [prefix, ...i.path.map(String)].filter(Boolean).join('.') || (prefix ?? 'body'),
    message: i.message,
  }));
}

function parse<S extends ZodType>(schema: S | undefined, input: unknown, prefix?: string): z.infer<S> {
  if (!schema) return undefined as z.infer<S>;
  const result = z.safeParse(schema, input);
  if (!result.success) throw new ValidationError(toIssues(result.error, prefix));
  return result.data;
}

function rawBody(event: HttpEvent): string {
  if (!event.body) return '';
  return event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
}

function jsonBody(event: HttpEvent): unknown {
  const text = rawBody(event);
  if (text.trim() === '') throw ValidationError.field('body', 'A JSON body is required');
  const type = event.headers?.['content-type'] ?? 'application/json';
  if (!/json/i.test(type)) throw new UnsupportedMediaType('Send the body as application/json');
  try {
    return JSON.parse(text);
  } catch {
    throw ValidationError.field('body', 'The body is not valid JSON');
  }
}

export function reply(r: HttpReply): APIGatewayProxyStructuredResultV2 {
  if (r.text !== undefined) {
    return { statusCode: r.status, headers: { 'cache-control': 'no-store', ...r.headers }, body: r.text };
  }
  return {
    statusCode: r.status,
    headers: { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store', ...r.headers },
    body: r.body === undefined ? '' : JSON.stringify(r.body),
  };
}

/** An error as the API answers it: its status and body (`error`, `message`, details; `issues` for a 400). */
export function errorAnswer(error: unknown, requestId: string): { status: number; body: ErrorBody } {
  if (error instanceof DomainError) {
    if (error instanceof ValidationError) {
      return { status: 400, body: { error: 'ValidationError', ...error.details, issues: error.issues } };
    }
    return { status: error.status, body: { error: error.code, message: error.message, ...error.details } };
  }
  logger.error('unhandled error', { error });
  return {
    status: 500,
    body: { error: 'InternalError', message: `Something went wrong on our side; quote request ${requestId}` },
  };
}

export type ErrorBody = { error: string; message?: string; issues?: Issue[] } & Record<string, unknown>;

export function errorReply(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  return reply(errorAnswer(error, requestId));
}

/** Builds a Lambda handler for one route: a few lines of business, everything else done here. */
export function httpHandler<
  PS extends ZodType | undefined = undefined,
  QS extends ZodType | undefined = undefined,
  B extends ZodType | 'text' | undefined = undefined,
>(spec: Spec<PS, QS, B>, fn: (req: HttpRequest<Infer<PS>, Infer<QS>, BodyOf<B>>) => Promise<HttpReply>) {
  return middy<HttpEvent, APIGatewayProxyStructuredResultV2, Error, Context>()
    .use({
      before: (request) => {
        logger.addContext(request.context);
        logger.appendKeys({ route: request.event.routeKey });
        // API Gateway's request id, which its access log records too: one id finds both sides of a request.
        const apiRequestId = request.event.requestContext?.requestId;
        if (apiRequestId) logger.setCorrelationId(apiRequestId);
      },
      after: () => {
        endInvocation();
        logger.resetKeys();
      },
      onError: (request) => {
        request.response = (spec.errors ?? errorReply)(request.error, request.context.awsRequestId);
        endInvocation();
        logger.resetKeys();
      },
    })
    .handler(async (event, context) => {
      const principal = authorize(event);
      // A chair whose RT was closed, or whose account was disabled, is turned away before anything else happens.
      // (A function no chair calls is bundled with the flag false, and without the check.)
      if (
        globalThis.__SEHATKOTA_CHAIR_ROUTE__ !== false &&
        actsAsChair(principal, findRoute(event.routeKey)!)
      ) {
        await checkChairAccess(principal);
      }
      const body =
        spec.body === 'text'
          ? rawBody(event)
          : spec.body
            ? parse(spec.body as ZodType, jsonBody(event))
            : undefined;
      const req = {
        params: parse(spec.params as ZodType | undefined, event.pathParameters ?? {}),
        query: parse(spec.query as ZodType | undefined, event.queryStringParameters ?? {}),
        body,
        principal,
        headers: event.headers ?? {},
        requestId: context.awsRequestId,
        event,
      } as HttpRequest<Infer<PS>, Infer<QS>, BodyOf<B>>;
      return reply(await fn(req));
    });
}
