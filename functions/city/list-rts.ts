// GET /rts?area=&limit=&cursor= — the city's RTs (or an area's) in code order, with kelurahan and kecamatan names,
// households, chair and resident counts (city_admin, social_verifier). One Query a page, never a scan.
import * as z from 'zod/mini';
import { areaName, city, cityAreaSchema, RT_CODE } from '#shared/city/regions.ts';
import { listRtsPage, rtView } from '#shared/city/rts.ts';
import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';

const query = z.object({
  area: z.optional(cityAreaSchema()),
  limit: z._default(
    z.coerce.number().check(z.int('must be a whole number'), z.minimum(1), z.maximum(500)),
    100,
  ),
  cursor: z.optional(z.string().check(z.maxLength(100))),
});

export const handler = httpHandler({ query }, async ({ query: q }) => {
  const area = q.area ?? city().code;
  const digits = area.replaceAll('.', '');
  let after: string | undefined;
  if (q.cursor) {
    // The cursor is the last RT code of the page before: it must be one, inside the same area.
    after = Buffer.from(q.cursor, 'base64url').toString('utf8');
    if (!RT_CODE.test(after) || !after.startsWith(digits)) {
      throw ValidationError.field('cursor', 'is not a cursor this list returned for this area');
    }
  }
  const page = await listRtsPage(digits, q.limit, after);
  return {
    status: 200,
    body: {
      area,
      name: areaName(area) ?? null,
      items: page.rts.map(rtView),
      cursor: page.next ? Buffer.from(page.next).toString('base64url') : null,
    },
  };
});
