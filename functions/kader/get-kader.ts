// GET /kader/{nik} — a kader's record, history, and this month's and last month's activities against the incentive
// rule, and last month's incentive once paid (the kader, a clinic, city_admin).
import { monthCount, monthSummary, oldestRecordable } from '#shared/kader/activities.ts';
import { paidLine } from '#shared/kader/incentives.ts';
import { getKader, kaderHistory, kaderView } from '#shared/kader/register.ts';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { assertMayRead, kaderParams } from './params.ts';

export const handler = httpHandler({ params: kaderParams }, async ({ params, principal }) => {
  assertMayRead(principal!, params.nik);
  const kader = await getKader(params.nik);
  if (!kader) throw new NotFound('No kader with this NIK in the register');
  const thisMonth = todayWib().slice(0, 7);
  const lastMonth = oldestRecordable(todayWib()).slice(0, 7);
  const [history, now, before, paidBefore] = await Promise.all([
    kaderHistory(params.nik),
    monthCount(params.nik, thisMonth),
    monthCount(params.nik, lastMonth),
    paidLine(params.nik, lastMonth),
  ]);
  return {
    status: 200,
    body: {
      ...kaderView(kader),
      // This month is not paid before it ends; last month's, once the city has made its run.
      months: [
        { ...monthSummary(thisMonth, now), paid: null },
        { ...monthSummary(lastMonth, before), paid: paidBefore },
      ],
      history,
    },
  };
});
