// GET /deaths/reports — the deaths RT chairs reported, oldest first, waiting for a city_admin to confirm them
// (POST /residents/{nik}/death) against Dukcapil's record.
import { httpHandler } from '#shared/platform/http.ts';
import { listDeathReports } from '#shared/registry/deaths.ts';

export const handler = httpHandler({}, async () => ({
  status: 200,
  body: { items: await listDeathReports() },
}));
