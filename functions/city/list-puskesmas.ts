// GET /puskesmas — the city's puskesmas with the kelurahan each serves (any staff role), and the kelurahan no
// puskesmas serves yet (a request from there cannot be routed until the city registers one).
import { listPuskesmas, puskesmasView } from '#shared/city/puskesmas.ts';
import { city, kelurahanIn } from '#shared/city/regions.ts';
import { httpHandler } from '#shared/platform/http.ts';

export const handler = httpHandler({}, async () => {
  const all = (await listPuskesmas()).sort((a, b) => a.code.localeCompare(b.code));
  const served = new Set(all.flatMap((p) => p.kelurahan));
  return {
    status: 200,
    body: {
      items: all.map(puskesmasView),
      unserved: kelurahanIn(city().code).filter((k) => !served.has(k.code)),
    },
  };
});
