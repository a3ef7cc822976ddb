// GET /funds/{rt}/{year}/export.csv — public: every entry of the RT's fund for the year, oldest first, as CSV.
import { allEntries } from '#shared/fund/queries.ts';
import { entriesCsv } from '#shared/fund/views.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { fundParams } from './params.ts';

export const handler = httpHandler({ params: fundParams }, async ({ params }) => {
  const entries = await allEntries(params.rt, params.year);
  return {
    status: 200,
    text: entriesCsv(entries),
    headers: {
      'content-type': 'text/csv; charset=utf-8',
      'content-disposition': `attachment; filename="dana-rt-${params.rt}-${params.year}.csv"`,
    },
  };
});
