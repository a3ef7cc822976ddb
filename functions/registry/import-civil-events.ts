// POST /civil-events/import — Dukcapil's births, deaths and moves out of the city as CSV, applied line by line
// through the same transactions as the API's; per-line rejections; the same file twice changes nothing (city_admin).
import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { importCivilEvents } from '#shared/registry/civil-events.ts';

/**
 * Lines taken in one request: each is a transaction of its own (179 lines/s measured against DynamoDB Local, 8 people
 * at a time), so 2,000 fit well inside the API's 29 seconds.
 */
export const CIVIL_EVENTS_SYNC_MAX_LINES = 2000;

export const handler = httpHandler({ body: 'text' }, async ({ body, principal, requestId }) => {
  if (body.trim() === '')
    throw ValidationError.field('body', 'Send the CSV file as the request body (text/csv)');
  const result = await importCivilEvents(
    body,
    { actor: principal!, requestId, now: new Date().toISOString() },
    { maxRows: CIVIL_EVENTS_SYNC_MAX_LINES },
  );
  return { status: 200, body: result };
});
