// GET /homecare/requests/{id} — the request with its visits, trips and timeline (clinic of its puskesmas, city_admin,
// the chair of its RT; 404 for anyone else). Clinical notes are shown to clinic staff and city_admin only.

import { getRequestRecord } from '#shared/homecare/repository.ts';
import { assertCanSee, recordView } from '#shared/homecare/requests.ts';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { requestParams } from './params.ts';

export const handler = httpHandler({ params: requestParams }, async ({ params, principal }) => {
  const record = await getRequestRecord(params.id);
  if (!record) throw new NotFound('No homecare request with this id');
  assertCanSee(principal!, record.request);
  return { status: 200, body: recordView(record, principal!) };
});
