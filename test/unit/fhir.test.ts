// The FHIR converters, pure: a resident as a SATUSEHAT Patient (codes of every administrative level from the RT code,
// the names from idn-area-data, gender, death, a move, the phone only with consent), coverage periods as Coverage
// (status, period, payor per JKN segment, the letter), the eligibility answer for today and a past day, the
// CapabilityStatement against the route table, and errors as OperationOutcome. Each resource is validated against the
// FHIR R4 definitions (Medplum's validator) and the codes of its required bindings against the specification's sets.
import fc from 'fast-check';
import { beforeAll, describe, expect, it } from 'vitest';
import { cityRegions, placeOf } from '../../shared/city/regions.ts';
import { ADMINISTRATIVE_CODE, KK_SYSTEM, NIK_SYSTEM } from '../../shared/fhir/base.ts';
import { capabilityStatement } from '../../shared/fhir/capability.ts';
import { parseCoverageId, toCoverage } from '../../shared/fhir/coverage.ts';
import { eligibilityResponse, requestedNik, serviceDay } from '../../shared/fhir/eligibility.ts';
import { operationOutcome } from '../../shared/fhir/outcome.ts';
import { toPatient } from '../../shared/fhir/patient.ts';
import type { Period, ResidentRecord } from '../../shared/fhir/records.ts';
import { NotFound, ValidationError } from '../../shared/platform/errors.ts';
import { errorAnswer } from '../../shared/platform/http.ts';
import { ROUTES } from '../../shared/platform/routes.ts';
import { todayWib } from '../../shared/platform/wib.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { addDays } from '../../shared/registry/rules.ts';
import type { Resident } from '../../shared/registry/schemas.ts';
import { bindingProblems, expectValidFhir, fhirProblems } from '../support/fhir.ts';

beforeAll(() => {
  process.env.PUBLIC_BASE_URL = 'https://sehat.example.go.id';
});

const kec = cityRegions().kecamatan[1]!;
const kel = kec.kelurahan[2]!;
const RT = `${kel.code.replaceAll('.', '')}-004-011`;

function resident(over: Partial<Resident> = {}): Resident {
  return {
    nik: makeNik({ regionCode: kel.code, birthDate: '1979-03-08', sex: 'F', sequence: 42 }),
    kk: `${kel.code.replaceAll('.', '').slice(0, 6)}0101200001`,
    name: 'Siti Aminah',
    birthDate: '1979-03-08',
    sex: 'F',
    phone: '+6281234500001',
    rt: RT,
    kelurahan: kel.code,
    lowIncome: true,
    smsConsent: false,
    coverage: null,
    version: 3,
    createdAt: '2026-01-05T02:00:00.000Z',
    updatedAt: '2026-06-01T02:00:00.000Z',
    ...over,
  };
}

const ext = (address: { extension?: { url: string; extension?: { url: string; valueCode?: string }[] }[] }) =>
  Object.fromEntries(
    address
      .extension!.find((e) => e.url === ADMINISTRATIVE_CODE)!
      .extension!.map((e) => [e.url, e.valueCode]),
  );

describe('the validator', () => {
  it('refuses what is not FHIR R4: a missing required element, a wrong type, a code outside its value set', () => {
    expect(
      fhirProblems({ resourceType: 'Coverage', status: 'active', payor: [{ display: 'x' }] }),
    ).not.toEqual([]);
    expect(fhirProblems({ resourceType: 'Patient', birthDate: '08-03-1979' })).not.toEqual([]);
    expect(fhirProblems({ resourceType: 'Patient', nik: '1' })).not.toEqual([]);
    expect(bindingProblems({ resourceType: 'Patient', gender: 'perempuan' })).toHaveLength(1);
    expect(bindingProblems({ resourceType: 'Coverage', status: 'inactive' })).toHaveLength(1);
  });
});

describe('Patient', () => {
  it('is a SATUSEHAT patient: NIK and KK, name, gender, birth date, the address coded at every level', () => {
    const r = resident();
    const p = expectValidFhir(toPatient(r, false));
    expect(p.id).toBe(r.nik);
    expect(p.identifier).toEqual([
      { use: 'official', system: NIK_SYSTEM, value: r.nik },
      { use: 'official', system: KK_SYSTEM, value: r.kk },
    ]);
    expect(p.name).toEqual([{ use: 'official', text: 'Siti Aminah' }]);
    expect([p.gender, p.birthDate]).toEqual(['female', '1979-03-08']);
    expect(toPatient(resident({ sex: 'M' }), false).gender).toBe('male');
    const address = p.address![0]!;
    const [prov, kota, kc, kl] = kel.code.split('.');
    expect(ext(address)).toEqual({
      province: prov,
      city: `${prov}${kota}`,
      district: `${prov}${kota}${kc}`,
      village: `${prov}${kota}${kc}${kl}`,
      rt: '11',
      rw: '4',
    });
    // The names are idn-area-data's for these codes.
    expect(address.district).toBe(placeOf(kel.code)!.kecamatan.name);
    expect(address.city).toBe(cityRegions().city.name);
    expect(address.text).toBe(
      `RT 011 RW 004, Kel. ${kel.name}, Kec. ${kec.name}, ${cityRegions().city.name}`,
    );
    expect(address.use).toBe('home');
    expect(p.deceasedDateTime).toBeUndefined();
  });

  it('gives the mobile number only where the caller may see it', () => {
    expect(toPatient(resident(), false).telecom).toBeUndefined();
    expect(expectValidFhir(toPatient(resident(), true)).telecom).toEqual([
      { system: 'phone', value: '+6281234500001', use: 'mobile' },
    ]);
    expect(toPatient(resident({ phone: undefined }), true).telecom).toBeUndefined();
  });

  it('carries the day of death, and a move out of the city as the old address', () => {
    const dead = expectValidFhir(
      toPatient(
        resident({
          civilStatus: 'DECEASED',
          death: { date: '2026-10-02', source: 'DUKCAPIL', recordedAt: '2026-10-03T01:00:00.000Z' },
        }),
        false,
      ),
    );
    expect(dead.deceasedDateTime).toBe('2026-10-02');
    const moved = expectValidFhir(
      toPatient(
        resident({
          civilStatus: 'MOVED_OUT',
          movedOut: { date: '2026-09-30', to: '31.71', recordedAt: '2026-10-01T01:00:00.000Z' },
        }),
        false,
      ),
    );
    expect(moved.address![0]).toMatchObject({ use: 'old', period: { end: '2026-09-30' } });
    expect(moved.deceasedDateTime).toBeUndefined();
  });

  it('is valid FHIR for any resident the registry can hold', () => {
    const kelurahan = cityRegions().kecamatan.flatMap((k) => k.kelurahan);
    fc.assert(
      fc.property(
        fc.record({
          kel: fc.constantFrom(...kelurahan),
          rw: fc.integer({ min: 1, max: 999 }),
          rt: fc.integer({ min: 1, max: 999 }),
          name: fc.string({ minLength: 2, maxLength: 100 }).filter((s) => /\p{L}/u.test(s) && s.trim() === s),
          sex: fc.constantFrom('M' as const, 'F' as const),
          birthDate: fc
            .date({ min: new Date('1900-01-01'), max: new Date('2026-01-01'), noInvalidDate: true })
            .map((d) => d.toISOString().slice(0, 10)),
          kk: fc.option(fc.stringMatching(/^\d{16}$/), { nil: undefined }),
          consent: fc.boolean(),
          died: fc.boolean(),
        }),
        (g) => {
          const r = resident({
            nik: makeNik({ regionCode: g.kel.code, birthDate: g.birthDate, sex: g.sex, sequence: 7 }),
            rt: `${g.kel.code.replaceAll('.', '')}-${String(g.rw).padStart(3, '0')}-${String(g.rt).padStart(3, '0')}`,
            kelurahan: g.kel.code,
            name: g.name,
            sex: g.sex,
            birthDate: g.birthDate,
            kk: g.kk,
            smsConsent: g.consent,
            ...(g.died
              ? {
                  civilStatus: 'DECEASED' as const,
                  death: { date: '2026-01-02', source: 'RT' as const, recordedAt: '2026-01-02T00:00:00Z' },
                }
              : {}),
          });
          const p = toPatient(r, g.consent);
          expect([...fhirProblems(p), ...bindingProblems(p)]).toEqual([]);
          expect(ext(p.address![0]!)).toMatchObject({
            village: g.kel.code.replaceAll('.', ''),
            rt: String(g.rt),
          });
        },
      ),
      { numRuns: 150 },
    );
  });
});

const period = (over: Partial<Period> = {}): Period => ({
  scheme: 'PBI_APBD',
  status: 'ACTIVE',
  validFrom: '2026-02-01T17:00:00.000Z',
  source: 'MANUAL',
  version: 2,
  ...over,
});

describe('Coverage', () => {
  it('is active while its period is open and JKN is ACTIVE; cancelled once closed, or while INACTIVE', () => {
    const r = resident();
    const open = expectValidFhir(toCoverage(r, period()));
    expect(open).toMatchObject({
      id: `${r.nik}-2`,
      status: 'active',
      period: { start: '2026-02-01T17:00:00.000Z' },
      beneficiary: { reference: `Patient/${r.nik}`, identifier: { system: NIK_SYSTEM, value: r.nik } },
    });
    expect(open.period!.end).toBeUndefined();
    const closed = expectValidFhir(toCoverage(r, period({ validTo: '2026-05-01T00:00:00.000Z' })));
    expect(closed.status).toBe('cancelled');
    expect(closed.period).toEqual({ start: '2026-02-01T17:00:00.000Z', end: '2026-05-01T00:00:00.000Z' });
    const inactive = expectValidFhir(toCoverage(r, period({ status: 'INACTIVE', scheme: 'PBPU' })));
    expect(inactive.status).toBe('cancelled');
    expect(inactive.extension?.find((e) => e.url.endsWith('/jkn-status'))?.valueCode).toBe('INACTIVE');
    expect(toCoverage(resident({ civilStatus: 'DECEASED' }), period()).status).toBe('cancelled');
  });

  it('names who pays for each JKN segment, and the segment as its plan', () => {
    const r = resident();
    const payor = (scheme: Period['scheme']) => expectValidFhir(toCoverage(r, period({ scheme }))).payor[0];
    expect(payor('PBI_APBD')).toEqual({
      type: 'Organization',
      display: `Pemerintah ${cityRegions().city.name}`,
    });
    expect(payor('PBI_APBN')).toEqual({ type: 'Organization', display: 'Pemerintah Pusat (APBN)' });
    expect(payor('PPU')).toMatchObject({ type: 'Organization' });
    for (const scheme of ['PBPU', 'BP'] as const)
      expect(payor(scheme)).toMatchObject({ reference: `Patient/${r.nik}` });
    const c = toCoverage(r, period({ scheme: 'PBI_APBN' }));
    expect(c.class).toEqual([
      expect.objectContaining({
        value: 'PBI_APBN',
        type: { coding: [expect.objectContaining({ code: 'plan' })] },
      }),
      expect.objectContaining({ value: '3', name: 'Kelas III' }),
    ]);
    expect(toCoverage(r, period({ scheme: 'PPU' })).class).toHaveLength(1);
  });

  it('refers to the RT chair letter that opened it, and says what opened it', () => {
    const c = expectValidFhir(toCoverage(resident(), period({ source: 'ATTESTATION', letter: 'a1b2' })));
    const byName = (n: string) =>
      c.extension!.find((e) => e.url === `https://sehat.example.go.id/fhir/StructureDefinition/${n}`);
    expect(byName('coverage-source')?.valueCode).toBe('ATTESTATION');
    expect(byName('coverage-letter')?.valueReference).toEqual({
      type: 'DocumentReference',
      identifier: { system: 'https://sehat.example.go.id/fhir/attestations', value: 'a1b2' },
      display: 'Surat keterangan RT',
    });
    expect(toCoverage(resident(), period()).extension!.some((e) => e.url.endsWith('/coverage-letter'))).toBe(
      false,
    );
  });

  it('has ids <NIK>-<version>, and no other id parses', () => {
    const nik = resident().nik;
    expect(parseCoverageId(`${nik}-12`)).toEqual({ nik, version: 12 });
    for (const bad of [nik, `${nik}-0`, `${nik}-x`, `${nik}-01`, `1${nik}-1`, '-1', `${nik}-1-2`])
      expect(parseCoverageId(bad), bad).toBeUndefined();
  });
});

describe('CoverageEligibilityResponse', () => {
  const req = (over: Record<string, unknown> = {}) => ({
    resourceType: 'CoverageEligibilityRequest' as const,
    status: 'active' as const,
    purpose: ['validation' as const],
    patient: { identifier: { system: NIK_SYSTEM, value: resident().nik } },
    created: '2026-12-03T03:00:00.000Z',
    insurer: { display: 'BPJS Kesehatan' },
    ...over,
  });
  const today = todayWib();
  const startOf = (day: string) => new Date(Date.parse(`${day}T00:00:00+07:00`)).toISOString();
  // PBPU from 60 days ago to 10 days ago (closed), then PBI APBD since, open.
  const record = (over: Partial<Resident> = {}): ResidentRecord => ({
    resident: resident(over),
    periods: [
      period({
        scheme: 'PBPU',
        validFrom: startOf(addDays(today, -60)),
        validTo: startOf(addDays(today, -10)),
        version: 1,
      }),
      period({ scheme: 'PBI_APBD', validFrom: startOf(addDays(today, -10)), version: 2 }),
    ],
  });

  it('answers in force today with the open period, and on a past day with the period of that day', () => {
    const r = record();
    const now = new Date().toISOString();
    const t = expectValidFhir(eligibilityResponse(req(), r, serviceDay(req()), now));
    expect(t).toMatchObject({ outcome: 'complete', insurer: { display: 'BPJS Kesehatan' } });
    expect(t.insurance).toEqual([
      {
        coverage: { reference: `Coverage/${r.resident.nik}-2`, type: 'Coverage' },
        inforce: true,
        benefitPeriod: { start: r.periods[1]!.validFrom },
      },
    ]);
    const past = req({ servicedDate: addDays(today, -30) });
    const p = expectValidFhir(eligibilityResponse(past, r, serviceDay(past), now));
    expect(p.insurance![0]).toMatchObject({
      coverage: { reference: `Coverage/${r.resident.nik}-1` },
      inforce: true,
    });
    expect(p.servicedDate).toBe(addDays(today, -30));
    const before = req({ servicedDate: addDays(today, -90) });
    const b = expectValidFhir(eligibilityResponse(before, r, serviceDay(before), now));
    expect(b.insurance).toEqual([]);
    expect(b.disposition).toBe('Tidak terdaftar sebagai peserta JKN');
  });

  it('is not in force for an INACTIVE period, nor for someone who has died', () => {
    const r = record();
    r.periods[1]!.status = 'INACTIVE';
    const now = new Date().toISOString();
    expect(eligibilityResponse(req(), r, today, now).insurance![0]!.inforce).toBe(false);
    const dead = record({
      civilStatus: 'DECEASED',
      death: { date: addDays(today, -3), source: 'DUKCAPIL', recordedAt: now },
    });
    dead.periods[1]!.validTo = startOf(addDays(today, -2));
    const d = expectValidFhir(eligibilityResponse(req(), dead, today, now));
    expect(d.insurance![0]!.inforce).toBe(false);
    expect(d.disposition).toMatch(/^Meninggal dunia/);
    // The day before the death, they were covered.
    const earlier = req({ servicedDate: addDays(today, -4) });
    expect(eligibilityResponse(earlier, dead, serviceDay(earlier), now).insurance![0]!.inforce).toBe(true);
  });

  it('reads the patient by NIK identifier or reference, and refuses a day to come or another system', () => {
    const nik = resident().nik;
    expect(requestedNik(req())).toBe(nik);
    expect(requestedNik(req({ patient: { reference: `Patient/${nik}` } }))).toBe(nik);
    expect(requestedNik(req({ patient: { identifier: { value: nik } } }))).toBe(nik);
    const field = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return (e as ValidationError).issues[0]!.path;
      }
      return 'no error';
    };
    expect(
      field(() =>
        requestedNik(
          req({ patient: { identifier: { system: 'https://fhir.kemkes.go.id/id/ihs-number', value: nik } } }),
        ),
      ),
    ).toBe('patient.identifier');
    expect(field(() => requestedNik(req({ patient: { reference: 'Organization/1' } })))).toBe(
      'patient.reference',
    );
    expect(field(() => requestedNik(req({ patient: {} })))).toBe('patient');
    expect(field(() => serviceDay(req({ servicedDate: addDays(today, 1) })))).toBe('servicedDate');
    expect(field(() => serviceDay(req({ servicedDate: '2026-02-30' })))).toBe('servicedDate');
  });
});

describe('CapabilityStatement', () => {
  it('is valid R4 and lists exactly the interactions the route table serves', () => {
    const cs = expectValidFhir(capabilityStatement());
    expect(cs.fhirVersion).toBe('4.0.1');
    const stated = cs
      .rest![0]!.resource!.flatMap((r) => r.interaction!.map((i) => `${r.type} ${i.code}`))
      .sort();
    const served = ROUTES.filter((r) => r.path.startsWith('/fhir/') && r.path !== '/fhir/metadata')
      .map((r) => {
        const [, type, id] = r.path.split('/').slice(1);
        return `${type} ${r.method === 'POST' ? 'create' : id ? 'read' : 'search-type'}`;
      })
      .sort();
    expect(stated).toEqual(served);
  });
});

describe('OperationOutcome', () => {
  it('names the field of a 400 and carries FHIR issue codes for every error the API answers', () => {
    const bad = errorAnswer(ValidationError.field('identifier', 'NIK must be 16 digits'), 'r1');
    const o = expectValidFhir(operationOutcome(bad.status, bad.body));
    expect(o.issue).toEqual([
      {
        severity: 'error',
        code: 'invalid',
        diagnostics: 'identifier: NIK must be 16 digits',
        expression: ['identifier'],
      },
    ]);
    const missing = errorAnswer(new NotFound('No Patient with this id'), 'r2');
    expect(expectValidFhir(operationOutcome(missing.status, missing.body)).issue[0]).toMatchObject({
      code: 'not-found',
    });
    for (const status of [401, 403, 409, 413, 415, 422, 429, 500])
      expectValidFhir(operationOutcome(status, { error: 'X', message: 'm' }));
    const crash = errorAnswer(new Error('boom'), 'r3');
    expect(expectValidFhir(operationOutcome(crash.status, crash.body)).issue[0]).toMatchObject({
      severity: 'fatal',
      code: 'exception',
    });
  });
});
