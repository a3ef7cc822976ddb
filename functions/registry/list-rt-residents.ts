// GET /rts/{rt}/residents?limit=&cursor= — an RT's residents by name with their coverage (the RT's own
// chair; city_admin and social_verifier for any RT).
import * as z from 'zod/mini';
import { openCursor, sealCursor } from '#shared/platform/cursor.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { rtSchema, text } from '#shared/registry/fields.ts';
import { listRtResidents } from '#shared/registry/repository.ts';
import { coverageView } from '#shared/registry/rules.ts';

const query = z.object({
  limit: z._default(
    z.coerce.number().check(z.int('must be a whole number'), z.minimum(1), z.maximum(200)),
    50,
  ),
  cursor: z.optional(text()),
});

export const handler = httpHandler(
  { params: z.object({ rt: rtSchema }), query },
  async ({ params, query: q }) => {
    // The cursor holds the last resident's name key (name and NIK): sealed, so it shows neither, and bound to this RT.
    const scope = `residents:${params.rt}`;
    const after = q.cursor ? String(await openCursor(scope, q.cursor)) : undefined;
    const page = await listRtResidents(params.rt, q.limit, after);
    return {
      status: 200,
      body: {
        items: page.residents.map((r) => {
          const view = coverageView(r.nik, r.coverage);
          return {
            nik: r.nik,
            name: r.name,
            birthDate: r.birthDate,
            sex: r.sex,
            covered: view.covered,
            coverage: r.coverage
              ? { status: view.status, scheme: view.scheme, since: view.since, source: view.source }
              : null,
            // Marked, not hidden: the chair sees who the registry knows has died.
            deceasedOn: r.civilStatus === 'DECEASED' ? (r.death?.date ?? null) : null,
            movedOutOn: r.civilStatus === 'MOVED_OUT' ? (r.movedOut?.date ?? null) : null,
            // The chair's own report, until the city confirms it.
            deathReportedOn: r.deathReport?.date ?? null,
          };
        }),
        cursor: page.next ? await sealCursor(scope, page.next) : null,
      },
    };
  },
);
