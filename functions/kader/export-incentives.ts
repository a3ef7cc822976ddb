// GET /kader/incentives/{YYYY-MM}/export.csv — the bank transfer list (city_admin): nik, nama, jumlah for each paid
// kader not reversed; a cell a spreadsheet would run as a formula is defused.
import { readRun, transferCsv } from '#shared/kader/incentives.ts';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { monthParams } from './incentive-params.ts';

export const handler = httpHandler({ params: monthParams }, async ({ params }) => {
  const run = await readRun(params.month);
  if (run?.status !== 'COMPLETE') throw new NotFound(`No incentive run of ${params.month}`);
  return {
    status: 200,
    text: transferCsv(run),
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="insentif-kader-${params.month}.csv"`,
    },
  };
});
