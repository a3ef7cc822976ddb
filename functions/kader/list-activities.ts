// GET /kader/{nik}/activities?month=YYYY-MM — a kader's activities of a month (default this one, WIB) with the count
// against the incentive rule (the kader, a clinic, city_admin).
import * as z from 'zod/mini';
import { activitiesOf, activityView, monthCount, monthSummary } from '#shared/kader/activities.ts';
import { getKader } from '#shared/kader/register.ts';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { isoMonth } from '#shared/registry/fields.ts';
import { assertMayRead, kaderParams } from './params.ts';

export const handler = httpHandler(
  { params: kaderParams, query: z.object({ month: z.optional(isoMonth()) }) },
  async ({ params, query, principal }) => {
    assertMayRead(principal!, params.nik);
    if (!(await getKader(params.nik))) throw new NotFound('No kader with this NIK in the register');
    const month = query.month ?? todayWib().slice(0, 7);
    const [items, count] = await Promise.all([
      activitiesOf(params.nik, month),
      monthCount(params.nik, month),
    ]);
    return {
      status: 200,
      body: { ...monthSummary(month, count), items: items.map(activityView) },
    };
  },
);
