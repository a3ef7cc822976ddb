// GET /homecare/stats?from=YYYY-MM-DD&to=YYYY-MM-DD&puskesmas= (city_admin: the city or one puskesmas; clinic: its
// own; WIB days, both included, ≤ 366): requests by need and status, median and p90 days from request to first
// visit, visits per month, trips. Read from the month index (one Query per month), never a scan.
import * as z from 'zod/mini';
import { monthItems, requestFromItem, tripFromItem, visitFromItem } from '#shared/homecare/repository.ts';
import { listScope } from '#shared/homecare/requests.ts';
import { homecareStats, monthsOf } from '#shared/homecare/stats.ts';
import { Forbidden, ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { isoDate } from '#shared/registry/fields.ts';

const query = z.object({
  from: isoDate(),
  to: isoDate(),
  puskesmas: z.optional(
    z.string().check(z.regex(/^[A-Za-z0-9.-]{2,40}$/, 'must be a puskesmas code (GET /puskesmas)')),
  ),
});

export const handler = httpHandler({ query }, async ({ query: q, principal }) => {
  if (q.to < q.from) throw ValidationError.field('to', 'must not be before from');
  if (Date.parse(q.to) - Date.parse(q.from) > 365 * 86_400_000) {
    throw ValidationError.field('to', 'must be at most 366 days after from');
  }
  const scope = listScope(principal!, q.puskesmas);
  if ('rt' in scope) throw new Forbidden('Homecare figures are for the puskesmas and the city');
  const only = 'puskesmas' in scope ? scope.puskesmas : undefined;
  const items = (await Promise.all(monthsOf(q).map((m) => monthItems(m)))).flat();
  const mine = (i: Record<string, unknown>) =>
    !only ||
    (typeof i.puskesmas === 'string' ? i.puskesmas : (i.puskesmas as { code: string }).code) === only;
  const kind = (k: string) => items.filter((i) => String(i.gsi4sk).startsWith(`${k}#`) && mine(i));
  const stats = homecareStats(
    q,
    {
      requests: kind('R').map(requestFromItem),
      visits: kind('V').map(visitFromItem),
      trips: kind('T').map(tripFromItem),
    },
    todayWib(),
  );
  return { status: 200, body: { from: q.from, to: q.to, puskesmas: only ?? null, ...stats } };
});
