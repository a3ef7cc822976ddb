// GET /fhir/Coverage?beneficiary:identifier=https://fhir.kemkes.go.id/id/nik|<NIK> (or beneficiary= / patient=
// Patient/<NIK>; status=active|cancelled) — every JKN coverage period of the resident as a Coverage, oldest first.
import { fhirReply } from '#shared/fhir/base.ts';
import { COVERAGE_SEARCH } from '#shared/fhir/capability.ts';
import { toCoverage } from '#shared/fhir/coverage.ts';
import { fhirHandler, maySee } from '#shared/fhir/handler.ts';
import { readResidentRecord } from '#shared/fhir/records.ts';
import { nikToken, patientReferenceNik, searchParams, searchset } from '#shared/fhir/search.ts';
import { ValidationError } from '#shared/platform/errors.ts';

export const handler = fhirHandler({}, async ({ event, principal }) => {
  const q = searchParams(event, COVERAGE_SEARCH);
  const niks = [
    ...(q['beneficiary:identifier'] !== undefined
      ? [nikToken('beneficiary:identifier', q['beneficiary:identifier'])]
      : []),
    ...(q.beneficiary !== undefined ? [patientReferenceNik('beneficiary', q.beneficiary)] : []),
    ...(q.patient !== undefined ? [patientReferenceNik('patient', q.patient)] : []),
  ];
  if (!niks.length) {
    throw ValidationError.field(
      'beneficiary:identifier',
      'is required (or beneficiary, or patient): beneficiary:identifier=https://fhir.kemkes.go.id/id/nik|<NIK>',
    );
  }
  if (q.status !== undefined && q.status !== 'active' && q.status !== 'cancelled')
    throw ValidationError.field('status', 'must be active or cancelled');
  const nik = niks[0]!;
  const record = niks.every((n) => n === nik) ? await readResidentRecord(nik) : undefined;
  const coverages =
    record && maySee(principal, record.resident)
      ? record.periods
          .map((p) => toCoverage(record.resident, p))
          .filter((c) => q.status === undefined || c.status === q.status)
      : [];
  const self = new URLSearchParams(Object.entries(q)).toString();
  return fhirReply(searchset(`Coverage?${self}`, coverages));
});
