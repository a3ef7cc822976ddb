// GET /residents/{nik} — a resident and their coverage history (city_admin; rt_chair for its own RT, and 404
// alike for a NIK unknown and one in another RT).
import * as z from 'zod/mini';
import { hasRole } from '#shared/platform/auth.ts';
import { NotFound } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { nikSchema } from '#shared/registry/fields.ts';
import { getCoverageHistory, getResident } from '#shared/registry/repository.ts';
import { coverageView, publicResident } from '#shared/registry/rules.ts';

export const handler = httpHandler(
  { params: z.object({ nik: nikSchema }) },
  async ({ params, principal }) => {
    const [resident, history] = await Promise.all([getResident(params.nik), getCoverageHistory(params.nik)]);
    if (!hasRole(principal, 'city_admin')) {
      // A chair hears the same whether the NIK is unknown or registered in another RT: no chair can test which
      // NIKs the city holds.
      if (!resident || resident.rt !== principal?.rt) {
        throw new NotFound('No resident with this NIK is registered in your RT');
      }
    } else if (!resident) {
      throw new NotFound('No resident with this NIK is registered');
    }
    return {
      status: 200,
      body: {
        ...publicResident(resident),
        current: coverageView(resident.nik, resident.coverage, resident.civilStatus),
        history,
      },
    };
  },
);
