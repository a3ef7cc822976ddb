// Search parameters as FHIR writes them, read strictly: a parameter the server does not support, a token of another
// identifier system, a reference to another resource type or a NIK that cannot be one is a 400 naming the parameter
// (FHIR lets a server ignore what it does not know; a clinic's system is better told at once than answered wrongly).
import type { Bundle, BundleEntry, FhirResource } from 'fhir/r4.js';
import { ValidationError } from '#shared/platform/errors.ts';
import type { HttpEvent } from '#shared/platform/http.ts';
import { parseNik } from '#shared/registry/nik.ts';
import { fhirBase, NIK_SYSTEM } from './base.ts';

/** `_format` values that mean JSON; the facade speaks no XML. */
const JSON_FORMATS = new Set(['json', 'application/json', 'application/fhir+json']);

/** The query's parameters, each one the route supports (or `_format` asking for JSON). */
export function searchParams(event: HttpEvent, supported: readonly string[]): Record<string, string> {
  const query = event.queryStringParameters ?? {};
  const out: Record<string, string> = {};
  for (const [name, value = ''] of Object.entries(query)) {
    if (name === '_format') {
      if (!JSON_FORMATS.has(value.toLowerCase()))
        throw ValidationError.field('_format', 'this server answers in application/fhir+json only');
      continue;
    }
    if (name === '') throw ValidationError.field('query', 'has a parameter without a name');
    if (!supported.includes(name)) {
      throw ValidationError.field(
        name,
        supported.length
          ? `is not a search parameter this server supports here; it supports ${supported.join(', ')}`
          : 'is not a parameter this interaction takes',
      );
    }
    // HTTP APIs join a repeated parameter with commas, which FHIR reads as "or": one value per search here.
    if (value.includes(',')) throw ValidationError.field(name, 'takes one value per search here');
    out[name] = value;
  }
  return out;
}

/** A NIK, or a 400 naming `field` with what is wrong with it. */
export function nikValue(field: string, value: string): string {
  const parsed = parseNik(value);
  if (!parsed.ok) throw ValidationError.field(field, `NIK ${parsed.reason}`);
  return value;
}

/** A token `[system]|value` or `value` whose system, when given, is SATUSEHAT's NIK system. */
export function nikToken(field: string, token: string): string {
  const bar = token.lastIndexOf('|');
  const system = bar === -1 ? undefined : token.slice(0, bar);
  if (system !== undefined && system !== NIK_SYSTEM) {
    throw ValidationError.field(field, `must name the NIK system: ${NIK_SYSTEM}|<NIK>`);
  }
  return nikValue(field, bar === -1 ? token : token.slice(bar + 1));
}

/** A reference to a Patient — `Patient/<NIK>`, the same as an absolute URL, or the bare id — as the NIK. */
export function patientReferenceNik(field: string, value: string): string {
  const m = /^(?:.*\/)?Patient\/([^/]+)$/.exec(value);
  if (!m && value.includes('/')) throw ValidationError.field(field, 'must refer to a Patient: Patient/<NIK>');
  return nikValue(field, m ? m[1]! : value);
}

/** A `searchset` Bundle of what matched, each with its full address. */
export function searchset(self: string, resources: FhirResource[]): Bundle {
  const base = fhirBase();
  return {
    resourceType: 'Bundle',
    type: 'searchset',
    total: resources.length,
    link: [{ relation: 'self', url: `${base}/${self}` }],
    entry: resources.map(
      (resource): BundleEntry => ({
        fullUrl: `${base}/${resource.resourceType}/${resource.id}`,
        resource,
        search: { mode: 'match' },
      }),
    ),
  };
}
