// POST /rts/import — the city's RT list as CSV `rt,chairName,chairPhone,households` (city_admin): every row checked
// first, valid rows written (new, changed or unchanged), each bad one reported with its line and field.
import { importRts } from '#shared/city/rt-import.ts';
import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';

export const handler = httpHandler({ body: 'text' }, async ({ body, principal, requestId }) => {
  if (body.trim() === '')
    throw ValidationError.field('body', 'Send the CSV file as the request body (text/csv)');
  const result = await importRts(body, { actor: principal!, requestId, now: new Date().toISOString() });
  return { status: 200, body: result };
});
