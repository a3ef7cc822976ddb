// PUT /units/{id}/status (operator, or the responder of that unit): {status: AVAILABLE|BUSY|OFFLINE, location?}.
import * as z from 'zod/mini';
import { unitIdSchema, unitStatusSchema } from '#shared/incident/schemas.ts';
import { setUnitStatus } from '#shared/incident/units.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { opContext } from './params.ts';

export const handler = httpHandler(
  { params: z.object({ id: unitIdSchema }), body: unitStatusSchema },
  async (req) => {
    const unit = await setUnitStatus(req.params.id, req.body.status, req.body.location, opContext(req));
    return { status: 200, body: unit };
  },
);
