// POST /fhir/CoverageEligibilityRequest — "is this NIK covered (today, or on servicedDate)?" answered at once as a
// CoverageEligibilityResponse, from one consistent read; nothing is stored.
import { fhirReply } from '#shared/fhir/base.ts';
import {
  eligibilityRequestSchema,
  eligibilityResponse,
  requestedNik,
  serviceDay,
} from '#shared/fhir/eligibility.ts';
import { fhirHandler } from '#shared/fhir/handler.ts';
import { readResidentRecord } from '#shared/fhir/records.ts';
import { searchParams } from '#shared/fhir/search.ts';
import { NotFound } from '#shared/platform/errors.ts';

export const handler = fhirHandler({ body: eligibilityRequestSchema }, async ({ body, event }) => {
  searchParams(event, []);
  const nik = requestedNik(body);
  const day = serviceDay(body);
  const record = await readResidentRecord(nik);
  if (!record) throw new NotFound('No resident with this NIK is registered');
  return fhirReply(eligibilityResponse(body, record, day, new Date().toISOString()));
});
