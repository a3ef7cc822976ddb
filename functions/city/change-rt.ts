// PUT /rts/{rt} — a new chair, phone or household count, or the RT closed (active: false, with a reason) or reopened
// (city_admin); audited. Closing it turns its chair away and stops residents being added to it.
import * as z from 'zod/mini';
import { changeRt, rtView } from '#shared/city/rts.ts';
import { rtChangeSchema } from '#shared/city/schemas.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { rtSchema } from '#shared/registry/fields.ts';

export const handler = httpHandler(
  { params: z.object({ rt: rtSchema }), body: rtChangeSchema },
  async ({ params, body, principal, requestId }) => {
    const { rt, changed } = await changeRt(params.rt, body, {
      actor: principal!,
      requestId,
      now: new Date().toISOString(),
    });
    return { status: 200, body: { ...rtView(rt), changed } };
  },
);
