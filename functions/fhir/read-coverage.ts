// GET /fhir/Coverage/{id} — one coverage period (<NIK>-<version>) as a Coverage; 404 for one that does not exist
// and, to an RT chair, for another RT's resident.
import { fhirReply } from '#shared/fhir/base.ts';
import { parseCoverageId, toCoverage } from '#shared/fhir/coverage.ts';
import { fhirHandler, maySee } from '#shared/fhir/handler.ts';
import { readResidentRecord } from '#shared/fhir/records.ts';
import { nikValue, searchParams } from '#shared/fhir/search.ts';
import { NotFound, ValidationError } from '#shared/platform/errors.ts';

export const handler = fhirHandler({}, async ({ event, principal }) => {
  searchParams(event, []);
  const id = parseCoverageId(event.pathParameters?.id ?? '');
  if (!id)
    throw ValidationError.field('id', 'must be a Coverage id <NIK>-<version>, e.g. from a Coverage search');
  const record = await readResidentRecord(nikValue('id', id.nik));
  const period = record?.periods.find((p) => p.version === id.version);
  if (!record || !period || !maySee(principal, record.resident))
    throw new NotFound('No Coverage with this id');
  return fhirReply(toCoverage(record.resident, period));
});
