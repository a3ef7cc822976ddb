// A FHIR route's handler: the API's middleware stack (auth by the route table, validation, logging) with its errors
// answered as OperationOutcome resources; and who may see which resident.
import { hasRole, type Principal } from '#shared/platform/auth.ts';
import { httpHandler } from '#shared/platform/http.ts';
import type { Resident } from '#shared/registry/schemas.ts';
import { fhirErrorReply } from './outcome.ts';

export const fhirHandler: typeof httpHandler = (spec, fn) =>
  httpHandler({ ...spec, errors: fhirErrorReply }, fn);

/** clinic and city_admin see any resident; an RT chair its own RT's only (and is told "not found" of the others). */
export const maySee = (principal: Principal | null, r: Pick<Resident, 'rt'>): boolean =>
  hasRole(principal, 'clinic') ||
  hasRole(principal, 'city_admin') ||
  (hasRole(principal, 'rt_chair') && principal?.rt === r.rt);

/** Who sees a resident's phone number: as GET /residents/{nik} shows it, the city's administrators and the RT's chair. */
export const maySeePhone = (principal: Principal | null, r: Pick<Resident, 'rt'>): boolean =>
  hasRole(principal, 'city_admin') || (hasRole(principal, 'rt_chair') && principal?.rt === r.rt);
