// GET /incidents/stats?from=YYYY-MM-DD&to=YYYY-MM-DD (operator, city_admin; WIB days, both included, ≤ 366):
// counts by type, priority and status; median and p90 of report→dispatch, dispatch→ack, dispatch→on scene.
import * as z from 'zod/mini';
import { incidentsReported } from '#shared/incident/repository.ts';
import { incidentStats } from '#shared/incident/stats.ts';
import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { isoDate } from '#shared/registry/fields.ts';

const query = z.object({ from: isoDate(), to: isoDate() });
const WIB_MIDNIGHT = 'T00:00:00+07:00';

export const handler = httpHandler({ query }, async ({ query: q }) => {
  if (q.to < q.from) throw ValidationError.field('to', 'must not be before from');
  const fromIso = new Date(`${q.from}${WIB_MIDNIGHT}`).toISOString();
  const toIso = new Date(Date.parse(`${q.to}${WIB_MIDNIGHT}`) + 86_400_000).toISOString();
  if (Date.parse(toIso) - Date.parse(fromIso) > 366 * 86_400_000) {
    throw ValidationError.field('to', 'must be at most 366 days after from');
  }
  const stats = incidentStats(await incidentsReported(fromIso, toIso));
  return { status: 200, body: { from: q.from, to: q.to, ...stats } };
});
