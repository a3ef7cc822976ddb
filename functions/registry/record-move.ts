// POST /residents/{nik}/move — a resident's move (city_admin; Dukcapil's record): out of the city, MOVED_OUT with
// the city-paid coverage ended and billed through the month of the move; to an RT of the city, a change of RT.
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { moveSchema } from '#shared/registry/civil-schemas.ts';
import { nikSchema } from '#shared/registry/fields.ts';
import { recordMove } from '#shared/registry/moves.ts';

export const handler = httpHandler(
  { params: z.object({ nik: nikSchema }), body: moveSchema },
  async ({ params, body, principal, requestId }) => ({
    status: 200,
    body: await recordMove(params.nik, body, { actor: principal!, requestId, now: new Date().toISOString() }),
  }),
);
