// GET /fhir/Patient?identifier=https://fhir.kemkes.go.id/id/nik|<NIK> (or _id=<NIK>) — a searchset Bundle of the
// resident with this NIK: one Patient, or none (unknown, or another RT's for a chair).
import { fhirReply } from '#shared/fhir/base.ts';
import { PATIENT_SEARCH } from '#shared/fhir/capability.ts';
import { fhirHandler, maySee, maySeePhone } from '#shared/fhir/handler.ts';
import { toPatient } from '#shared/fhir/patient.ts';
import { readResidentRecord } from '#shared/fhir/records.ts';
import { nikToken, nikValue, searchParams, searchset } from '#shared/fhir/search.ts';
import { ValidationError } from '#shared/platform/errors.ts';

export const handler = fhirHandler({}, async ({ event, principal }) => {
  const q = searchParams(event, PATIENT_SEARCH);
  if (q.identifier === undefined && q._id === undefined)
    throw ValidationError.field(
      'identifier',
      `is required: identifier=https://fhir.kemkes.go.id/id/nik|<NIK>`,
    );
  const niks = [
    ...(q.identifier !== undefined ? [nikToken('identifier', q.identifier)] : []),
    ...(q._id !== undefined ? [nikValue('_id', q._id)] : []),
  ];
  // Both given: they must name the same resident.
  const nik = niks[0]!;
  const record = niks.every((n) => n === nik) ? await readResidentRecord(nik) : undefined;
  const found =
    record && maySee(principal, record.resident)
      ? [toPatient(record.resident, maySeePhone(principal, record.resident))]
      : [];
  const self = new URLSearchParams(Object.entries(q)).toString();
  return fhirReply(searchset(`Patient?${self}`, found));
});
