// GET /units?kind=&status= (operator, city_admin): every unit with its status, position and current incident.
import * as z from 'zod/mini';
import { listUnits } from '#shared/incident/repository.ts';
import { UNIT_KINDS, UNIT_STATUSES } from '#shared/incident/schemas.ts';
import { httpHandler } from '#shared/platform/http.ts';

const query = z.object({
  kind: z.optional(z.enum(UNIT_KINDS, { error: `must be one of ${UNIT_KINDS.join(', ')}` })),
  status: z.optional(z.enum(UNIT_STATUSES, { error: `must be one of ${UNIT_STATUSES.join(', ')}` })),
});

export const handler = httpHandler({ query }, async ({ query: q }) => {
  const units = (await listUnits()).filter(
    (u) => (!q.kind || u.kind === q.kind) && (!q.status || u.status === q.status),
  );
  return { status: 200, body: { items: units } };
});
