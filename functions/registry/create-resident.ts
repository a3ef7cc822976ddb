// POST /residents — register a resident (city_admin).
import { httpHandler } from '#shared/platform/http.ts';
import { nikWarnings } from '#shared/registry/nik.ts';
import { createResident } from '#shared/registry/repository.ts';
import { publicResident } from '#shared/registry/rules.ts';
import { newResidentSchema } from '#shared/registry/schemas.ts';

export const handler = httpHandler({ body: newResidentSchema }, async ({ body, principal, requestId }) => {
  const resident = await createResident(body, {
    actor: principal!,
    requestId,
    now: new Date().toISOString(),
  });
  const warnings = nikWarnings(body.nik, body.birthDate, body.sex);
  return { status: 201, body: { ...publicResident(resident), warnings } };
});
