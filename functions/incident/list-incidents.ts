// GET /incidents?status=open (operator, city_admin): the open incidents, oldest first, from a sparse index.
import * as z from 'zod/mini';
import { openIncidents } from '#shared/incident/repository.ts';
import { incidentView } from '#shared/incident/views.ts';
import { httpHandler } from '#shared/platform/http.ts';

const query = z.object({
  status: z._default(
    z.enum(['open'], { error: 'must be open (closed incidents: GET /incidents/stats)' }),
    'open',
  ),
});

export const handler = httpHandler({ query }, async () => {
  const items = (await openIncidents()).map((i) => incidentView(i));
  return { status: 200, body: { items } };
});
