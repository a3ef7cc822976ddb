// GET /funds/{rt}/{year} — public, no token: the RT's fund as anyone may see it: allocated, spent, reversed,
// balance, totals per category, and the entries newest first with a cursor. No names, NIKs, phones or user ids.
import * as z from 'zod/mini';
import { entriesPage, getAccount } from '#shared/fund/queries.ts';
import { publicAccount, publicEntry } from '#shared/fund/views.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { fundParams } from './params.ts';

const query = z.object({
  limit: z._default(
    z.coerce.number().check(z.int('must be a whole number'), z.minimum(1), z.maximum(200)),
    50,
  ),
  cursor: z.optional(z.string().check(z.maxLength(40))),
});

export const handler = httpHandler({ params: fundParams, query }, async ({ params, query: q }) => {
  const [account, page] = await Promise.all([
    getAccount(params.rt, params.year),
    entriesPage(params.rt, params.year, q.limit, q.cursor),
  ]);
  return {
    status: 200,
    body: { ...publicAccount(account), entries: page.entries.map(publicEntry), cursor: page.cursor },
    headers: { 'cache-control': 'public, max-age=30' },
  };
});
