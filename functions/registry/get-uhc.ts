// GET /uhc?area= — UHC figures for an area of the city and each kelurahan in it, named, from the kept aggregates
// (city_admin); an area outside the city is a 400.
import * as z from 'zod/mini';
import { cityAreaSchema } from '#shared/city/regions.ts';
import { config } from '#shared/platform/config.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { uhcReport } from '#shared/registry/reports.ts';

const query = z.object({ area: z.optional(cityAreaSchema()) });

export const handler = httpHandler({ query }, async ({ query }) => ({
  status: 200,
  body: await uhcReport(query.area ?? config().CITY_CODE),
}));
