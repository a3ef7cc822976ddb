// GET /regions — the configured city, its kecamatan and their kelurahan, by Kemendagri code and name (any signed-in
// role): what every area code in the API means. Bundled with the function (idn-area-data, at synth), read nothing.
import { cityRegions } from '#shared/city/regions.ts';
import { httpHandler } from '#shared/platform/http.ts';

export const handler = httpHandler({}, async () => ({
  status: 200,
  body: cityRegions(),
  // The same until the next deploy: a phone may keep it for the day.
  headers: { 'cache-control': 'private, max-age=86400' },
}));
