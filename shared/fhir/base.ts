// The FHIR R4 facade's constants and replies: its content type, SATUSEHAT's identifier systems and address extension
// (Kemenkes), where its resources live, and a resource sent as application/fhir+json.
import type { Reference, Resource } from 'fhir/r4.js';
import type { HttpReply } from '#shared/platform/http.ts';
import { publicBaseUrl } from '#shared/platform/public-url.ts';

export const FHIR_VERSION = '4.0.1';
export const FHIR_JSON = 'application/fhir+json; charset=utf-8';

/** SATUSEHAT's identifier systems: the NIK, and the family card (Kartu Keluarga). */
export const NIK_SYSTEM = 'https://fhir.kemkes.go.id/id/nik';
export const KK_SYSTEM = 'https://fhir.kemkes.go.id/id/kk';
/**
 * SATUSEHAT's address extension: the Kemendagri codes of the province, city, kecamatan (district) and kelurahan
 * (village), written without dots, and the RT and RW numbers.
 */
export const ADMINISTRATIVE_CODE = 'https://fhir.kemkes.go.id/r4/StructureDefinition/administrativeCode';

/** The facade's base address: `<PUBLIC_BASE_URL>/fhir`. */
export const fhirBase = (): string => `${publicBaseUrl()}/fhir`;

/** The canonical address of one of our own extensions (they are defined by this server, so live under it). */
export const extensionUrl = (name: string): string => `${fhirBase()}/StructureDefinition/${name}`;

export const patientReference = (nik: string, display?: string): Reference => ({
  reference: `Patient/${nik}`,
  type: 'Patient',
  identifier: { system: NIK_SYSTEM, value: nik },
  ...(display ? { display } : {}),
});

/** A resource as the answer, in FHIR's JSON media type. */
export function fhirReply(resource: Resource, status = 200, headers: Record<string, string> = {}): HttpReply {
  return { status, text: JSON.stringify(resource), headers: { 'content-type': FHIR_JSON, ...headers } };
}
