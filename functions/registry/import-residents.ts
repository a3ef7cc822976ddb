// POST /residents/import — import a CSV sent as the body, for files up to IMPORT_SYNC_MAX_ROWS rows;
// larger files go through POST /residents/import/uploads and run as a job (city_admin).
import { config } from '#shared/platform/config.ts';
import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { runImport } from '#shared/registry/import.ts';

export const handler = httpHandler({ body: 'text' }, async ({ body, principal, requestId }) => {
  if (body.trim() === '')
    throw ValidationError.field('body', 'Send the CSV file as the request body (text/csv)');
  const result = await runImport(
    body,
    { actor: principal!, requestId, now: new Date().toISOString() },
    // A retry that arrives while the first attempt still runs waits for it, then finds nothing new.
    { maxRows: config().IMPORT_SYNC_MAX_ROWS, waitForLockSeconds: 20 },
  );
  return { status: 200, body: result };
});
