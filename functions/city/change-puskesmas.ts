// PUT /puskesmas/{code} — a puskesmas's name, phone, place and kelurahan as given (city_admin, audited): a kelurahan
// another puskesmas served moves here in the same transaction (`moved` says from where); 404 for an unknown code.
import * as z from 'zod/mini';
import {
  changePuskesmas,
  puskesmasChangeSchema,
  puskesmasCodeSchema,
  puskesmasView,
} from '#shared/city/puskesmas.ts';
import { httpHandler } from '#shared/platform/http.ts';

export const handler = httpHandler(
  { params: z.object({ code: puskesmasCodeSchema }), body: puskesmasChangeSchema },
  async ({ params, body, principal, requestId }) => {
    const out = await changePuskesmas(params.code, body, {
      actor: principal!,
      requestId,
      now: new Date().toISOString(),
    });
    return { status: 200, body: { ...puskesmasView(out.puskesmas), moved: out.moved } };
  },
);
