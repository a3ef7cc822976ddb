// GET /fhir/Patient/{id} — the Patient whose id (the NIK) this is; 404 alike for an unknown NIK and, to an RT chair,
// another RT's resident.
import { fhirReply } from '#shared/fhir/base.ts';
import { fhirHandler, maySee, maySeePhone } from '#shared/fhir/handler.ts';
import { toPatient } from '#shared/fhir/patient.ts';
import { readResidentRecord } from '#shared/fhir/records.ts';
import { nikValue, searchParams } from '#shared/fhir/search.ts';
import { NotFound } from '#shared/platform/errors.ts';

export const handler = fhirHandler({}, async ({ event, principal }) => {
  searchParams(event, []);
  const nik = nikValue('id', event.pathParameters?.id ?? '');
  const record = await readResidentRecord(nik);
  if (!record || !maySee(principal, record.resident)) throw new NotFound('No Patient with this id');
  return fhirReply(toPatient(record.resident, maySeePhone(principal, record.resident)));
});
