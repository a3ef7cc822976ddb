// GET /kader?area=&level=&status=&limit=&cursor= — the register in code order (kelurahan, then NIK) within an area
// of the city, of a level or status (city_admin, clinic).
import * as z from 'zod/mini';
import { cityAreaSchema } from '#shared/city/regions.ts';
import { kaderView, listKader } from '#shared/kader/register.ts';
import { LEVELS } from '#shared/kader/schemas.ts';
import { openCursor, sealCursor } from '#shared/platform/cursor.ts';
import { httpHandler } from '#shared/platform/http.ts';

const query = z.object({
  area: z.optional(cityAreaSchema()),
  level: z.optional(z.enum(LEVELS, { error: `must be one of ${LEVELS.join(', ')}` })),
  status: z.optional(z.enum(['ACTIVE', 'RETIRED'], { error: 'must be ACTIVE or RETIRED' })),
  limit: z._default(
    z.coerce.number().check(z.int('must be a whole number'), z.minimum(1), z.maximum(500)),
    100,
  ),
  cursor: z.optional(z.string()),
});

export const handler = httpHandler({ query }, async ({ query: q }) => {
  const bound = `kader:${q.area ?? ''}:${q.level ?? ''}:${q.status ?? ''}`;
  const after = q.cursor ? String(await openCursor(bound, q.cursor)) : undefined;
  const page = await listKader({
    limit: q.limit,
    ...(q.area ? { area: q.area } : {}),
    ...(q.level ? { level: q.level } : {}),
    ...(q.status ? { status: q.status } : {}),
    ...(after ? { after } : {}),
  });
  return {
    status: 200,
    body: { items: page.kader.map(kaderView), cursor: page.next ? await sealCursor(bound, page.next) : null },
  };
});
