// The one Powertools logger; every line passes through a formatter that masks NIKs, KK numbers and phones.
import { LogFormatter, Logger, LogItem } from '@aws-lambda-powertools/logger';
import type { LogAttributes, UnformattedAttributes } from '@aws-lambda-powertools/logger/types';

// 16-digit identity numbers (NIK, KK) and Indonesian phone numbers in any common spelling.
const SIXTEEN_DIGITS = /(?<!\d)\d{16}(?!\d)/g;
// (+62 812-…: a space or hyphen after the country code is as common as none.) Not a run of digits inside a hex
// token: a request id (a UUID) such as …-b083-95042955d0c1 is no phone, and masking it loses the correlation.
const PHONE = /(?<![\dA-Fa-f-])(?:\+?62[\s-]?|0)8[\d\s-]{7,15}\d(?![\dA-Fa-f])/g;

/**
 * An error on its way out of a function that failed: Lambda's runtime prints its message and stack as they are, so
 * the NIKs and phones in them are masked first (in place: its class and fields stay for whoever catches it).
 */
export function maskError(error: unknown): unknown {
  if (!(error instanceof Error)) return error;
  const message = maskPersonalData(error.message);
  if (message !== error.message) error.message = message;
  if (error.stack) {
    const stack = maskPersonalData(error.stack);
    if (stack !== error.stack) error.stack = stack;
  }
  return error;
}

export function maskPersonalData(text: string): string {
  return text
    .replace(SIXTEEN_DIGITS, (m) => `${m.slice(0, 4)}********${m.slice(12)}`)
    .replace(PHONE, '[phone]');
}

function maskDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPersonalData(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return {
      name: value.name,
      message: maskPersonalData(value.message),
      stack: maskPersonalData(value.stack ?? ''),
    };
  }
  if (Array.isArray(value)) return value.map((v) => maskDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, maskDeep(v, depth + 1)]));
}

class MaskingFormatter extends LogFormatter {
  formatAttributes(attributes: UnformattedAttributes, additional: LogAttributes): LogItem {
    const base = {
      level: attributes.logLevel,
      message: maskPersonalData(attributes.message),
      timestamp: this.formatTimestamp(attributes.timestamp),
      service: attributes.serviceName,
      cold_start: attributes.lambdaContext?.coldStart,
      function_name: attributes.lambdaContext?.functionName,
      request_id: attributes.lambdaContext?.awsRequestId,
      // What ties a request's lines together: the invocation's id, unless the handler wrapper set a wider one
      // (logger.setCorrelationId: API Gateway's request id, in its access log too), which the keys below replace.
      correlation_id: attributes.lambdaContext?.awsRequestId,
      // The X-Ray trace of the invocation (Lambda active tracing): from a log line to its trace, and back.
      xray_trace_id: attributes.xRayTraceId,
    };
    return new LogItem({ attributes: base }).addAttributes(maskDeep(additional) as LogAttributes);
  }
}

export const logger = new Logger({
  serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? 'sehatkota',
  logFormatter: new MaskingFormatter(),
});
