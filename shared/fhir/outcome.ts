// Errors as FHIR answers them: an OperationOutcome whose issue codes are FHIR's (invalid, login, forbidden,
// not-found…), each 400 naming the parameter or element at fault. The status codes are the API's own.
import type { APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import type { OperationOutcome, OperationOutcomeIssue } from 'fhir/r4.js';
import { type ErrorBody, errorAnswer, reply } from '#shared/platform/http.ts';
import { FHIR_JSON } from './base.ts';

const ISSUE_CODE: Record<number, OperationOutcomeIssue['code']> = {
  400: 'invalid',
  401: 'login',
  403: 'forbidden',
  404: 'not-found',
  409: 'conflict',
  413: 'too-long',
  415: 'not-supported',
  422: 'processing',
  429: 'throttled',
};

export function operationOutcome(status: number, body: ErrorBody): OperationOutcome {
  const code = ISSUE_CODE[status] ?? (status >= 500 ? 'exception' : 'processing');
  const severity = status >= 500 ? 'fatal' : 'error';
  const issue: OperationOutcomeIssue[] = body.issues?.length
    ? body.issues.map((i) => ({
        severity,
        code,
        diagnostics: `${i.path}: ${i.message}`,
        expression: [i.path],
      }))
    : [{ severity, code, diagnostics: body.message ?? body.error }];
  return { resourceType: 'OperationOutcome', issue };
}

/** httpHandler's `errors`: any error of a FHIR route, as an OperationOutcome. */
export function fhirErrorReply(error: unknown, requestId: string): APIGatewayProxyStructuredResultV2 {
  const { status, body } = errorAnswer(error, requestId);
  return reply({
    status,
    text: JSON.stringify(operationOutcome(status, body)),
    headers: { 'content-type': FHIR_JSON },
  });
}
