// GET /homecare/requests?status=&need=&puskesmas=&limit=&cursor= — requests oldest first with the days each waited
// (clinic: its puskesmas's; city_admin: all, or one puskesmas; an RT chair: its RT's, without notes). Without a
// status, the open ones (REQUESTED, SCHEDULED, VISITED).
import * as z from 'zod/mini';
import { OPEN_STATUSES } from '#shared/homecare/lifecycle.ts';
import { listRequests } from '#shared/homecare/repository.ts';
import { listItem, listScope } from '#shared/homecare/requests.ts';
import { NEEDS, type RequestStatus, STATUSES } from '#shared/homecare/schemas.ts';
import { openCursor, sealCursor } from '#shared/platform/cursor.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { todayWib } from '#shared/platform/wib.ts';

const statusList = z
  .string()
  .check(
    z.refine(
      (s) => s.split(',').every((x) => (STATUSES as readonly string[]).includes(x)),
      `must be one or more of ${STATUSES.join(', ')}, separated by commas`,
    ),
  );

const query = z.object({
  status: z.optional(statusList),
  need: z.optional(z.enum(NEEDS, { error: `must be one of ${NEEDS.join(', ')}` })),
  puskesmas: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9.-]{2,40}$/, 'must be a puskesmas code (GET /puskesmas)')),
  ),
  limit: z._default(
    z.coerce.number().check(z.int('must be a whole number'), z.minimum(1), z.maximum(200)),
    50,
  ),
  cursor: z.optional(z.string()),
});

export const handler = httpHandler({ query }, async ({ query: q, principal }) => {
  const scope = listScope(principal!, q.puskesmas);
  const statuses = q.status ? ([...new Set(q.status.split(','))] as RequestStatus[]) : OPEN_STATUSES;
  // The cursor is bound to the list it came from: the scope and the filters.
  const bound = `homecare:${JSON.stringify(scope)}:${statuses.join(',')}:${q.need ?? ''}`;
  const after = q.cursor ? String(await openCursor(bound, q.cursor)) : undefined;
  const page = await listRequests(scope, statuses, {
    limit: q.limit,
    ...(after ? { after } : {}),
    ...(q.need ? { need: q.need } : {}),
  });
  const today = todayWib();
  return {
    status: 200,
    body: {
      items: page.requests.map((r) => listItem(r, principal!, today)),
      cursor: page.next ? await sealCursor(bound, page.next) : null,
    },
  };
});
