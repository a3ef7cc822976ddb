// POST /units (city_admin): a unit the call centre can send — {id, name, kind, phone, location, kelurahan}.
// It starts OFFLINE until its crew reports AVAILABLE; the same unit sent again answers 200, another with its id 409.
import { newUnitSchema } from '#shared/incident/schemas.ts';
import { createUnit } from '#shared/incident/units.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { opContext } from './params.ts';

export const handler = httpHandler({ body: newUnitSchema }, async (req) => {
  const { unit, created } = await createUnit(req.body, opContext(req));
  return { status: created ? 201 : 200, body: unit };
});
