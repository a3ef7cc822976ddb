// The CapabilityStatement (GET /fhir/metadata): exactly what the facade supports — read and search of Patient and
// Coverage by the parameters searchParams() accepts, and the eligibility check — in JSON, with bearer tokens.
import type { CapabilityStatement, CapabilityStatementRestResource } from 'fhir/r4.js';
import { FHIR_VERSION, fhirBase, NIK_SYSTEM } from './base.ts';

/** The parameters each search takes: the functions check against these, and the statement lists them. */
export const PATIENT_SEARCH = ['identifier', '_id'] as const;
export const COVERAGE_SEARCH = ['beneficiary:identifier', 'beneficiary', 'patient', 'status'] as const;

/** The day this statement last changed (its `date`). */
const STATEMENT_DATE = '2026-12-03';

const read = { code: 'read' } as const;
const search = { code: 'search-type' } as const;

export function capabilityStatement(): CapabilityStatement {
  const resource: CapabilityStatementRestResource[] = [
    {
      type: 'Patient',
      interaction: [read, search],
      versioning: 'no-version',
      readHistory: false,
      searchParam: [
        {
          name: 'identifier',
          type: 'token',
          documentation: `The NIK: ${NIK_SYSTEM}|<NIK> (or the bare NIK). One per search.`,
        },
        { name: '_id', type: 'token', documentation: 'The Patient id, which is the NIK.' },
      ],
    },
    {
      type: 'Coverage',
      interaction: [read, search],
      versioning: 'no-version',
      readHistory: false,
      searchParam: [
        {
          name: 'beneficiary:identifier',
          type: 'token',
          documentation: `The beneficiary's NIK: ${NIK_SYSTEM}|<NIK>. Every JKN coverage period of the resident.`,
        },
        { name: 'beneficiary', type: 'reference', documentation: 'Patient/<NIK>' },
        { name: 'patient', type: 'reference', documentation: 'Patient/<NIK>' },
        { name: 'status', type: 'token', documentation: 'active or cancelled' },
      ],
    },
    {
      type: 'CoverageEligibilityRequest',
      interaction: [
        {
          code: 'create',
          documentation: 'Answered at once by a CoverageEligibilityResponse (200), not stored.',
        },
      ],
    },
  ];
  return {
    resourceType: 'CapabilityStatement',
    status: 'active',
    date: STATEMENT_DATE,
    publisher: 'SehatKota',
    kind: 'instance',
    software: { name: 'SehatKota FHIR facade' },
    implementation: {
      description:
        'The city health registry, read-only: residents (Patient) and their JKN coverage (Coverage).',
      url: fhirBase(),
    },
    fhirVersion: FHIR_VERSION,
    format: ['application/fhir+json', 'json'],
    rest: [
      {
        mode: 'server',
        security: {
          cors: false,
          service: [
            {
              coding: [
                { system: 'http://terminology.hl7.org/CodeSystem/restful-security-service', code: 'OAuth' },
              ],
            },
          ],
          description:
            'A bearer token (Authorization: Bearer <token>) from the city’s Cognito user pool: roles clinic and ' +
            'city_admin; rt_chair for its own RT’s residents (Patient, Coverage).',
        },
        resource,
      },
    ],
  };
}
