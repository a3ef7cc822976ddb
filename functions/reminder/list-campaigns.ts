// GET /campaigns (city_admin): every campaign's current version.

import { httpHandler } from '#shared/platform/http.ts';
import { listCampaigns } from '#shared/reminder/campaigns.ts';

export const handler = httpHandler({}, async () => {
  const items = (await listCampaigns()).sort((a, b) => a.id.localeCompare(b.id));
  return { status: 200, body: { items } };
});
