// POST /civil-events/import — Dukcapil's births, deaths and moves out of the city as CSV, applied line by line
// through the same transactions as the API's; per-line rejections; the same file twice changes nothing (city_admin).
import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { recordCivilEvents } from '#shared/registry/civil-events-jobs.ts';

/**
 * Lines taken in one request, as many as the residents' import takes: applied in batches (1,243 lines/s measured
 * against DynamoDB Local, `npm run bench`), 10,000 fit well inside the API's 29 seconds. Larger exports go through
 * POST /civil-events/import/uploads.
 */
export const CIVIL_EVENTS_SYNC_MAX_LINES = 10_000;

export const handler = httpHandler({ body: 'text' }, async ({ body, principal, requestId }) => {
  if (body.trim() === '')
    throw ValidationError.field('body', 'Send the CSV file as the request body (text/csv)');
  const result = await recordCivilEvents(
    body,
    { actor: principal!, requestId, now: new Date().toISOString() },
    // A retry that arrives while the first attempt still runs waits for it, then finds nothing new.
    { maxRows: CIVIL_EVENTS_SYNC_MAX_LINES, waitForLockSeconds: 20 },
  );
  return { status: 200, body: result };
});
