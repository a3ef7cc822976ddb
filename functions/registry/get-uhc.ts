// GET /uhc?area= — UHC figures for an area and each kelurahan in it, from the kept aggregates (city_admin).
import * as z from 'zod/mini';
import { config } from '#shared/platform/config.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { AREA_CODE } from '#shared/registry/regions.ts';
import { uhcReport } from '#shared/registry/reports.ts';

const query = z.object({
  area: z.optional(
    z.string().check(z.regex(AREA_CODE, 'must be a region code such as 15.71, 15.71.01 or 15.71.01.1012')),
  ),
});

export const handler = httpHandler({ query }, async ({ query }) => ({
  status: 200,
  body: await uhcReport(query.area ?? config().CITY_CODE),
}));
