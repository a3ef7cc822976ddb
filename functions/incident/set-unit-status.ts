// PUT /units/{id}/status (operator, or the responder of that unit): {status: AVAILABLE|BUSY|OFFLINE, location?}.
// A unit becoming AVAILABLE is sent at once to a P1/P2 incident waiting for its kind, if there is one.
import * as z from 'zod/mini';
import { dispatchWaiting } from '#shared/incident/dispatch.ts';
import { getUnit } from '#shared/incident/repository.ts';
import { unitIdSchema, unitStatusSchema } from '#shared/incident/schemas.ts';
import { setUnitStatus } from '#shared/incident/units.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { opContext } from './params.ts';

export const handler = httpHandler(
  { params: z.object({ id: unitIdSchema }), body: unitStatusSchema },
  async (req) => {
    const ctx = opContext(req);
    const unit = await setUnitStatus(req.params.id, req.body.status, req.body.location, ctx);
    if (unit.status !== 'AVAILABLE') return { status: 200, body: unit };
    // Free again: an incident waiting for this kind of unit may take it (or another, nearer one) at once.
    const sent = await dispatchWaiting(unit.kind, ctx);
    const now = sent?.assignment?.unitId === unit.id ? await getUnit(unit.id) : undefined;
    return { status: 200, body: now ?? unit };
  },
);
