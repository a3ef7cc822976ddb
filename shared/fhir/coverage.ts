// Coverage periods → FHIR Coverage, one per period of the resident's timeline: `active` while the period is open and
// its JKN status is ACTIVE, `cancelled` once closed (or while JKN is INACTIVE: not usable at a clinic), its period,
// the resident as beneficiary, who pays (the city for PBI APBD, the central government for PBI APBN, the member or
// the employer otherwise), the JKN segment as its plan class, and what opened it (an RT chair's letter by its id).
// Pure. A Coverage's id is <NIK>-<version>: the period's own key.
import type { Coverage, CoverageClass, Extension, Reference } from 'fhir/r4.js';
import { city } from '#shared/city/regions.ts';
import type { Resident, Scheme } from '#shared/registry/schemas.ts';
import { schemeLabel } from '#shared/registry/sms.ts';
import { extensionUrl, fhirBase, patientReference } from './base.ts';
import type { Period } from './records.ts';

export const coverageId = (nik: string, version: number): string => `${nik}-${version}`;

/** `<NIK>-<version>` → its parts; undefined for any other id. */
export function parseCoverageId(id: string): { nik: string; version: number } | undefined {
  const m = /^(\d{16})-([1-9]\d{0,8})$/.exec(id);
  return m ? { nik: m[1]!, version: Number(m[2]) } : undefined;
}

/** The JKN status of the period (ACTIVE / INACTIVE): what `status` alone cannot say of an open period. */
export const JKN_STATUS_EXTENSION = 'jkn-status';
/** What opened the period: MANUAL, IMPORT, ATTESTATION, BIRTH, DUKCAPIL… */
export const SOURCE_EXTENSION = 'coverage-source';
/** The RT chair's letter (surat keterangan) that opened the period. */
export const LETTER_EXTENSION = 'coverage-letter';
/** The system of the letters' ids. */
export const letterSystem = (): string => `${fhirBase()}/attestations`;

const JKN_TYPE = {
  coding: [
    {
      system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode',
      code: 'PUBLICPOL',
      display: 'public healthcare',
    },
  ],
  text: 'Jaminan Kesehatan Nasional (JKN)',
};
const CLASS_TYPE = (code: 'plan' | 'class') => ({
  coding: [{ system: 'http://terminology.hl7.org/CodeSystem/coverage-class', code }],
});

function payor(scheme: Scheme, r: Resident): Reference {
  switch (scheme) {
    case 'PBI_APBD':
      return { type: 'Organization', display: `Pemerintah ${city().name}` };
    case 'PBI_APBN':
      return { type: 'Organization', display: 'Pemerintah Pusat (APBN)' };
    case 'PPU':
      return { type: 'Organization', display: 'Pemberi kerja peserta (PPU)' };
    default:
      // PBPU and BP: the member pays their own premium.
      return patientReference(r.nik, r.name);
  }
}

/** Whether a period is in force: open, JKN ACTIVE, and its resident alive. */
export const inForce = (p: Pick<Period, 'validTo' | 'status'>, r: Pick<Resident, 'civilStatus'>): boolean =>
  !p.validTo && p.status === 'ACTIVE' && r.civilStatus !== 'DECEASED';

export function toCoverage(r: Resident, p: Period): Coverage {
  const classes: CoverageClass[] = [
    { type: CLASS_TYPE('plan'), value: p.scheme, name: schemeLabel(p.scheme) },
    // PBI participants are in class III by law; the other segments' class is BPJS's, not ours to say.
    ...(p.scheme === 'PBI_APBD' || p.scheme === 'PBI_APBN'
      ? [{ type: CLASS_TYPE('class'), value: '3', name: 'Kelas III' }]
      : []),
  ];
  const extension: Extension[] = [
    { url: extensionUrl(JKN_STATUS_EXTENSION), valueCode: p.status },
    { url: extensionUrl(SOURCE_EXTENSION), valueCode: p.source },
    ...(p.letter
      ? [
          {
            url: extensionUrl(LETTER_EXTENSION),
            valueReference: {
              type: 'DocumentReference',
              identifier: { system: letterSystem(), value: p.letter },
              display: 'Surat keterangan RT',
            },
          },
        ]
      : []),
  ];
  return {
    resourceType: 'Coverage',
    id: coverageId(r.nik, p.version),
    extension,
    status: inForce(p, r) ? 'active' : 'cancelled',
    type: JKN_TYPE,
    beneficiary: patientReference(r.nik),
    relationship: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/subscriber-relationship', code: 'self' }],
    },
    period: { start: p.validFrom, ...(p.validTo ? { end: p.validTo } : {}) },
    payor: [payor(p.scheme, r)],
    class: classes,
  };
}
