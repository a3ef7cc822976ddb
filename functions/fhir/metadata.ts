// GET /fhir/metadata (public) — the CapabilityStatement: what this FHIR R4 server supports, exactly.
import { fhirReply } from '#shared/fhir/base.ts';
import { capabilityStatement } from '#shared/fhir/capability.ts';
import { fhirHandler } from '#shared/fhir/handler.ts';
import { searchParams } from '#shared/fhir/search.ts';

export const handler = fhirHandler({}, async ({ event }) => {
  searchParams(event, []);
  return fhirReply(capabilityStatement(), 200, { 'cache-control': 'public, max-age=300' });
});
