// POST /funds/{rt}/{year}/entries/{entryId}/receipt — a presigned PUT for the receipt of an expense (the RT's
// chair, city_admin): {contentType: image/jpeg | image/png | application/pdf, size ≤ 5 MB}; the type and size are
// signed into the URL, so only the file announced can land. The entry shows `receipt: true` once it has.
import * as z from 'zod/mini';
import {
  getEntry,
  RECEIPT_MAX_BYTES,
  RECEIPT_TYPES,
  type ReceiptType,
  receiptKey,
} from '#shared/fund/ledger.ts';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { objectStore } from '#shared/platform/object-store.ts';
import { entryParams } from './params.ts';

const EXPIRES_SECONDS = 15 * 60;
const TYPES = Object.keys(RECEIPT_TYPES) as ReceiptType[];

const body = z.object({
  contentType: z.enum(TYPES, { error: `must be one of ${TYPES.join(', ')}` }),
  size: z
    .number({ error: 'must be the file size in bytes' })
    .check(
      z.int('must be the file size in bytes'),
      z.positive('must be more than 0'),
      z.maximum(RECEIPT_MAX_BYTES, 'must be at most 5 MB'),
    ),
});

export const handler = httpHandler({ params: entryParams, body }, async ({ params, body }) => {
  const entry = await getEntry(params.rt, params.year, params.entryId);
  if (!entry) throw new NotFound('No entry with this id in this fund');
  const key = receiptKey(params.rt, params.year, params.entryId, body.contentType);
  const url = await objectStore().presignPut(key, body.contentType, EXPIRES_SECONDS, {
    bucket: 'receipts',
    contentLength: body.size,
  });
  return {
    status: 201,
    body: {
      upload: {
        method: 'PUT',
        url,
        headers: { 'content-type': body.contentType, 'content-length': String(body.size) },
      },
      expiresAt: new Date(Date.now() + EXPIRES_SECONDS * 1000).toISOString(),
    },
  };
});
