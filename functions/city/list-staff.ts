// GET /staff?role=&limit=&cursor= — the city's staff accounts, all or of one role, by username (city_admin).
import * as z from 'zod/mini';
import { usernameSchema } from '#shared/city/schemas.ts';
import { listStaff, staffView } from '#shared/city/staff.ts';
import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { ROLES } from '#shared/platform/roles.ts';

const query = z.object({
  role: z.optional(z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` })),
  limit: z._default(
    z.coerce.number().check(z.int('must be a whole number'), z.minimum(1), z.maximum(500)),
    100,
  ),
  cursor: z.optional(z.string().check(z.maxLength(200))),
});

export const handler = httpHandler({ query }, async ({ query: q }) => {
  let after: string | undefined;
  if (q.cursor) {
    after = Buffer.from(q.cursor, 'base64url').toString('utf8');
    if (!z.safeParse(usernameSchema, after).success) {
      throw ValidationError.field('cursor', 'is not a cursor this list returned');
    }
  }
  const page = await listStaff(q.role, q.limit, after);
  return {
    status: 200,
    body: {
      items: page.staff.map(staffView),
      cursor: page.next ? Buffer.from(page.next).toString('base64url') : null,
    },
  };
});
