// GET /kader/incentives/{YYYY-MM} — the month's run: who was paid, who not and why, the total, the reversals and what
// is left after them (city_admin); 404 before the run.
import { readRun } from '#shared/kader/incentives.ts';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { monthParams } from './incentive-params.ts';

export const handler = httpHandler({ params: monthParams }, async ({ params }) => {
  const run = await readRun(params.month);
  if (!run)
    throw new NotFound(
      `No incentive run of ${params.month}: POST /kader/incentives/${params.month} makes it`,
    );
  return { status: 200, body: run };
});
