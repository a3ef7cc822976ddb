// End to end over HTTP through local mode: the FHIR R4 facade as a puskesmas's information system uses it. The
// CapabilityStatement (public); Patient by NIK identifier and by id (SATUSEHAT's address codes, the KK, the date of
// death); Coverage by beneficiary NIK, by patient and by id (a period closed → cancelled, the open one active, the
// city as payor, an RT chair's letter referred to); the eligibility check (in force today, on a past day, not for
// someone unregistered); an RT chair limited to its RT; and every error an OperationOutcome with FHIR's code. Every
// resource answered is validated against the FHIR R4 definitions.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { placeOf } from '../../shared/city/regions.ts';
import { todayWib } from '../../shared/platform/wib.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { addDays } from '../../shared/registry/rules.ts';
import { expectValidFhir } from '../support/fhir.ts';
import { httpClient, type Json, type Res } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

const NIK = 'https://fhir.kemkes.go.id/id/nik';
let sys: LocalSystem;
const call = httpClient(() => sys.url);
const token: Record<string, string> = {};
const [RT_A, RT_B] = demoRts(2);

async function devToken(req: Record<string, string>): Promise<string> {
  const res = await call('POST', '/auth/dev-token', { json: req });
  expect(res.status, res.text).toBe(200);
  return res.body.token;
}

let seq = 1;
async function resident(rt: string, over: Record<string, unknown> = {}) {
  const kel = rt.slice(0, 6);
  const n = seq++;
  const body = {
    nik: makeNik({ regionCode: kel, birthDate: '1972-11-09', sex: 'M', sequence: 600 + n }),
    kk: `${kel}0909720${String(n).padStart(3, '0')}`,
    name: 'Budi Santoso',
    birthDate: '1972-11-09',
    sex: 'M',
    rt,
    phone: `+6281377${String(10000 + n).padStart(5, '0')}`,
    ...over,
  };
  const res = await call('POST', '/residents', { as: token.admin, json: body });
  expect(res.status, res.text).toBe(201);
  return body;
}

const coverage = async (nik: string, body: Json) => {
  const res = await call('PUT', `/residents/${nik}/coverage`, { as: token.admin, json: body });
  expect(res.status, res.text).toBe(200);
};

/** A FHIR answer: its media type, and the resource valid R4. */
function fhir(res: Res, status = 200): Json {
  expect(res.status, res.text).toBe(status);
  expect(res.headers.get('content-type')).toMatch(/^application\/fhir\+json/);
  return expectValidFhir(res.body);
}

/** An error answer: an OperationOutcome with this issue code (and, for a 400, naming `field`). */
function outcome(res: Res, status: number, code: string, field?: string): Json {
  const o = fhir(res, status);
  expect(o.resourceType).toBe('OperationOutcome');
  expect(o.issue[0].code).toBe(code);
  if (field) expect(o.issue.flatMap((i: Json) => i.expression ?? [])).toContain(field);
  return o;
}

const q = (params: Record<string, string>) => new URLSearchParams(params).toString();
const eligibility = (as: string | undefined, body: Json) =>
  call('POST', '/fhir/CoverageEligibilityRequest', { as, json: body, type: 'application/fhir+json' });
const request = (patient: Json, over: Json = {}) => ({
  resourceType: 'CoverageEligibilityRequest',
  identifier: [{ system: 'http://sys-ids.example/puskesmas/eligibility', value: randomUUID() }],
  status: 'active',
  purpose: ['validation'],
  patient,
  created: new Date().toISOString(),
  insurer: { display: 'BPJS Kesehatan' },
  ...over,
});

// Budi: PBPU from a year ago, then PBI APBD (the city pays) from today. Wati: registered, no JKN. Dewi: covered by her
// RT chair's letter. Ani: died yesterday. Rudi: RT B.
let budi: Json;
let wati: Json;
let dewi: Json;
let ani: Json;
let rudi: Json;
let letterId: string;
const yearAgo = addDays(todayWib(), -365);

beforeAll(async () => {
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: false, timers: 'manual' });
  token.admin = await devToken({ role: 'city_admin' });
  for (const rt of [RT_A!, RT_B!]) {
    const res = await call('POST', '/rts', {
      as: token.admin,
      json: { rt: rt.rt, chairName: rt.chairName, households: 80 },
    });
    expect(res.status, res.text).toBe(201);
  }
  token.clinic = await devToken({ role: 'clinic' });
  token.operator = await devToken({ role: 'operator' });
  token.chairA = await devToken({ role: 'rt_chair', rt: RT_A!.rt, sub: 'chair-a' });
  token.chairB = await devToken({ role: 'rt_chair', rt: RT_B!.rt, sub: 'chair-b' });
  budi = await resident(RT_A!.rt);
  await coverage(budi.nik, {
    scheme: 'PBPU',
    status: 'ACTIVE',
    from: yearAgo,
    reason: 'Peserta mandiri lama',
  });
  await coverage(budi.nik, {
    scheme: 'PBI_APBD',
    status: 'ACTIVE',
    reason: 'Warga miskin, iuran ditanggung kota',
  });
  wati = await resident(RT_A!.rt, {
    name: 'Wati Lestari',
    sex: 'F',
    birthDate: '1990-04-02',
    nik: makeNik({ regionCode: RT_A!.rt.slice(0, 6), birthDate: '1990-04-02', sex: 'F', sequence: 701 }),
  });
  ani = await resident(RT_A!.rt, { name: 'Ani Rahayu' });
  await coverage(ani.nik, { scheme: 'PBI_APBN', status: 'ACTIVE', from: yearAgo, reason: 'PBI pusat' });
  const died = await call('POST', `/residents/${ani.nik}/death`, {
    as: token.admin,
    json: { date: addDays(todayWib(), -1), source: 'DUKCAPIL', reference: 'AKTA-UJI-1' },
  });
  expect(died.status, died.text).toBe(200);
  rudi = await resident(RT_B!.rt, { name: 'Rudi Hartono' });
  const kel = RT_A!.rt.slice(0, 6);
  dewi = {
    nik: makeNik({ regionCode: kel, birthDate: '1984-07-21', sex: 'F', sequence: 702 }),
    name: 'Dewi Sartika',
    birthDate: '1984-07-21',
    sex: 'F',
  };
  const letter = await call('POST', '/attestations', {
    as: token.chairA,
    json: { ...dewi, reason: 'Sakit, keluarga tidak mampu' },
    headers: { 'idempotency-key': randomUUID() },
  });
  expect(letter.status, letter.text).toBe(201);
  letterId = letter.body.id;
});

afterAll(async () => {
  await sys?.stop();
});

describe('GET /fhir/metadata', () => {
  it('is public: an R4 CapabilityStatement of Patient, Coverage and the eligibility check', async () => {
    const cs = fhir(await call('GET', '/fhir/metadata'));
    expect(cs).toMatchObject({ resourceType: 'CapabilityStatement', fhirVersion: '4.0.1', kind: 'instance' });
    expect(cs.implementation.url).toBe(`${sys.url}/fhir`);
    expect(cs.rest[0].resource.map((r: Json) => r.type)).toEqual([
      'Patient',
      'Coverage',
      'CoverageEligibilityRequest',
    ]);
    outcome(await call('GET', '/fhir/metadata?mode=terminology'), 400, 'invalid', 'mode');
  });
});

describe('GET /fhir/Patient', () => {
  it('finds a resident by NIK as SATUSEHAT writes it: a searchset Bundle of one Patient', async () => {
    const bundle = fhir(
      await call('GET', `/fhir/Patient?${q({ identifier: `${NIK}|${budi.nik}` })}`, { as: token.clinic }),
    );
    expect(bundle).toMatchObject({ resourceType: 'Bundle', type: 'searchset', total: 1 });
    const entry = bundle.entry[0];
    expect(entry.fullUrl).toBe(`${sys.url}/fhir/Patient/${budi.nik}`);
    const p = entry.resource;
    expect(p.identifier).toEqual([
      { use: 'official', system: NIK, value: budi.nik },
      { use: 'official', system: 'https://fhir.kemkes.go.id/id/kk', value: budi.kk },
    ]);
    expect(p).toMatchObject({
      id: budi.nik,
      gender: 'male',
      birthDate: '1972-11-09',
      name: [{ text: 'Budi Santoso' }],
    });
    // A clinic is not given the phone number.
    expect(p.telecom).toBeUndefined();
    const codes = Object.fromEntries(
      p.address[0].extension[0].extension.map((e: Json) => [e.url, e.valueCode]),
    );
    const kel = RT_A!.rt.slice(0, 10);
    expect(codes).toEqual({
      province: kel.slice(0, 2),
      city: kel.slice(0, 4),
      district: kel.slice(0, 6),
      village: kel,
      rt: String(Number(RT_A!.rt.slice(-3))),
      rw: String(Number(RT_A!.rt.slice(11, 14))),
    });
    expect(p.address[0].text).toContain(`Kel. ${placeOf(RT_A!.kelurahan)!.kelurahan.name}`);
    // The bare NIK and _id find the same.
    for (const params of [{ identifier: budi.nik }, { _id: budi.nik }] as Record<string, string>[]) {
      const again = fhir(await call('GET', `/fhir/Patient?${q(params)}`, { as: token.clinic }));
      expect(again.entry[0].resource).toEqual(p);
    }
  });

  it('answers an empty Bundle for a NIK nobody registered, the date of death for the dead, the phone only to who may see it', async () => {
    const unknown = makeNik({ regionCode: '157101', birthDate: '2001-01-01', sex: 'M', sequence: 9999 });
    const none = fhir(
      await call('GET', `/fhir/Patient?${q({ identifier: `${NIK}|${unknown}` })}`, { as: token.clinic }),
    );
    expect([none.type, none.total, none.entry]).toEqual(['searchset', 0, []]);
    const dead = fhir(await call('GET', `/fhir/Patient/${ani.nik}`, { as: token.clinic }));
    expect(dead.deceasedDateTime).toBe(addDays(todayWib(), -1));
    // The phone number: to the city and to the resident's own RT chair (as GET /residents shows it), not a clinic.
    for (const as of [token.admin, token.chairB]) {
      const withPhone = fhir(await call('GET', `/fhir/Patient/${rudi.nik}`, { as }));
      expect(withPhone.telecom).toEqual([{ system: 'phone', value: rudi.phone, use: 'mobile' }]);
    }
    expect(
      fhir(await call('GET', `/fhir/Patient/${rudi.nik}`, { as: token.clinic })).telecom,
    ).toBeUndefined();
  });

  it('refuses a NIK that cannot be one, another identifier system, an unknown parameter, no parameter: 400 naming it', async () => {
    const bad = async (params: Record<string, string>, field: string) =>
      outcome(await call('GET', `/fhir/Patient?${q(params)}`, { as: token.clinic }), 400, 'invalid', field);
    await bad({ identifier: `${NIK}|123` }, 'identifier');
    await bad({ identifier: `https://fhir.kemkes.go.id/id/ihs-number|${budi.nik}` }, 'identifier');
    await bad({ identifier: budi.nik, name: 'Budi' }, 'name');
    await bad({}, 'identifier');
    await bad({ identifier: budi.nik, _format: 'xml' }, '_format');
    outcome(await call('GET', `/fhir/Patient/12345`, { as: token.clinic }), 400, 'invalid', 'id');
  });

  it('is 401 without a token, 403 for a role without access, an OperationOutcome either way', async () => {
    const path = `/fhir/Patient?${q({ identifier: budi.nik })}`;
    expect((await call('GET', path)).status).toBe(401);
    expect((await call('GET', `/fhir/Patient/${budi.nik}`, { as: 'junk' })).status).toBe(401);
    outcome(await call('GET', path, { as: token.operator }), 403, 'forbidden');
    outcome(
      await call('GET', `/fhir/Coverage?${q({ patient: budi.nik })}`, { as: token.operator }),
      403,
      'forbidden',
    );
    outcome(
      await eligibility(token.chairA, request({ identifier: { system: NIK, value: budi.nik } })),
      403,
      'forbidden',
    );
  });

  it('shows an RT chair its own RT residents only: another RT is an empty search and a 404', async () => {
    const own = fhir(await call('GET', `/fhir/Patient/${budi.nik}`, { as: token.chairA }));
    expect(own.id).toBe(budi.nik);
    const other = fhir(
      await call('GET', `/fhir/Patient?${q({ identifier: budi.nik })}`, { as: token.chairB }),
    );
    expect(other.total).toBe(0);
    outcome(await call('GET', `/fhir/Patient/${budi.nik}`, { as: token.chairB }), 404, 'not-found');
    const cov = fhir(
      await call('GET', `/fhir/Coverage?${q({ patient: `Patient/${budi.nik}` })}`, { as: token.chairB }),
    );
    expect(cov.total).toBe(0);
  });
});

describe('GET /fhir/Coverage', () => {
  it('lists every coverage period: the closed one cancelled, the open one active, the city paying for PBI APBD', async () => {
    const bundle = fhir(
      await call('GET', `/fhir/Coverage?${q({ 'beneficiary:identifier': `${NIK}|${budi.nik}` })}`, {
        as: token.clinic,
      }),
    );
    expect(bundle.total).toBe(2);
    const [first, second] = bundle.entry.map((e: Json) => e.resource);
    expect(first).toMatchObject({
      status: 'cancelled',
      class: [{ value: 'PBPU' }],
      payor: [{ reference: `Patient/${budi.nik}` }],
      beneficiary: { reference: `Patient/${budi.nik}` },
    });
    expect(first.period.start.slice(0, 10)).toBe(addDays(yearAgo, -1));
    expect(first.period.end).toBe(second.period.start);
    expect(second).toMatchObject({ status: 'active', class: [{ value: 'PBI_APBD' }, { value: '3' }] });
    expect(second.payor[0].display).toMatch(/^Pemerintah Kota /);
    expect(second.period.end).toBeUndefined();
    // By patient, by beneficiary reference, and filtered by status: the same resources.
    const byPatient = fhir(
      await call('GET', `/fhir/Coverage?${q({ patient: `Patient/${budi.nik}` })}`, { as: token.chairA }),
    );
    expect(byPatient.entry.map((e: Json) => e.resource)).toEqual([first, second]);
    const active = fhir(
      await call(
        'GET',
        `/fhir/Coverage?${q({ beneficiary: `${sys.url}/fhir/Patient/${budi.nik}`, status: 'active' })}`,
        { as: token.admin },
      ),
    );
    expect(active.entry.map((e: Json) => e.resource)).toEqual([second]);
    // Read by id.
    expect(fhir(await call('GET', `/fhir/Coverage/${second.id}`, { as: token.clinic }))).toEqual(second);
    outcome(await call('GET', `/fhir/Coverage/${budi.nik}-99`, { as: token.clinic }), 404, 'not-found');
    outcome(await call('GET', `/fhir/Coverage/${budi.nik}`, { as: token.clinic }), 400, 'invalid', 'id');
  });

  it('refers to the RT chair letter that activated coverage, and ends the dead one at the death', async () => {
    const [c] = fhir(
      await call('GET', `/fhir/Coverage?${q({ patient: dewi.nik })}`, { as: token.clinic }),
    ).entry.map((e: Json) => e.resource);
    expect(c.status).toBe('active');
    const letter = c.extension.find((e: Json) => e.url.endsWith('/coverage-letter'));
    expect(letter.valueReference.identifier).toEqual({
      system: `${sys.url}/fhir/attestations`,
      value: letterId,
    });
    const dead = fhir(await call('GET', `/fhir/Coverage?${q({ patient: ani.nik })}`, { as: token.clinic }));
    expect(dead.entry.map((e: Json) => e.resource.status)).toEqual(['cancelled']);
    expect(dead.entry[0].resource.period.end).toBeDefined();
    const none = fhir(await call('GET', `/fhir/Coverage?${q({ patient: wati.nik })}`, { as: token.clinic }));
    expect(none.total).toBe(0);
  });

  it('refuses a search without the beneficiary, a reference to another type, an unknown status', async () => {
    const bad = async (params: Record<string, string>, field: string) =>
      outcome(await call('GET', `/fhir/Coverage?${q(params)}`, { as: token.clinic }), 400, 'invalid', field);
    await bad({}, 'beneficiary:identifier');
    await bad({ patient: `Organization/${budi.nik}` }, 'patient');
    await bad({ patient: budi.nik, status: 'draft' }, 'status');
    await bad({ 'beneficiary:identifier': `${NIK}|${budi.nik},${wati.nik}` }, 'beneficiary:identifier');
  });
});

describe('POST /fhir/CoverageEligibilityRequest', () => {
  it('answers in force for a covered NIK, with the coverage and its benefit period', async () => {
    const req = request({ identifier: { system: NIK, value: budi.nik } });
    const res = fhir(await eligibility(token.clinic, req));
    expect(res).toMatchObject({
      resourceType: 'CoverageEligibilityResponse',
      status: 'active',
      outcome: 'complete',
      purpose: ['validation'],
      patient: { reference: `Patient/${budi.nik}` },
      request: { identifier: req.identifier[0] },
      insurer: { display: 'BPJS Kesehatan' },
    });
    expect(res.insurance).toHaveLength(1);
    expect(res.insurance[0].inforce).toBe(true);
    const cov = fhir(await call('GET', `/fhir/${res.insurance[0].coverage.reference}`, { as: token.clinic }));
    expect(cov.class[0].value).toBe('PBI_APBD');
    expect(res.insurance[0].benefitPeriod.start).toBe(cov.period.start);
  });

  it('answers on a past day from the period of that day; not in force for the dead, nor without JKN', async () => {
    const past = fhir(
      await eligibility(
        token.admin,
        request({ reference: `Patient/${budi.nik}` }, { servicedDate: addDays(todayWib(), -30) }),
      ),
    );
    expect(past.insurance[0].inforce).toBe(true);
    const pbpu = fhir(
      await call('GET', `/fhir/${past.insurance[0].coverage.reference}`, { as: token.clinic }),
    );
    expect(pbpu.class[0].value).toBe('PBPU');
    const dead = fhir(
      await eligibility(token.clinic, request({ identifier: { system: NIK, value: ani.nik } })),
    );
    expect(dead.insurance[0].inforce).toBe(false);
    expect(dead.disposition).toMatch(/^Meninggal dunia/);
    const uncovered = fhir(
      await eligibility(token.clinic, request({ identifier: { system: NIK, value: wati.nik } })),
    );
    expect([uncovered.outcome, uncovered.insurance]).toEqual(['complete', []]);
  });

  it('is 404 for a NIK nobody registered, 400 naming what is wrong in the request', async () => {
    const unknown = makeNik({ regionCode: '157101', birthDate: '2001-01-01', sex: 'M', sequence: 9998 });
    outcome(
      await eligibility(token.clinic, request({ identifier: { system: NIK, value: unknown } })),
      404,
      'not-found',
    );
    const bad = async (body: Json, field: string) =>
      outcome(await eligibility(token.clinic, body), 400, 'invalid', field);
    await bad(request({ identifier: { system: NIK, value: '123' } }), 'patient.identifier');
    await bad(
      request({ identifier: { system: NIK, value: budi.nik } }, { servicedDate: addDays(todayWib(), 2) }),
      'servicedDate',
    );
    await bad(
      request({ identifier: { system: NIK, value: budi.nik } }, { resourceType: 'Claim' }),
      'resourceType',
    );
    await bad(request({ identifier: { system: NIK, value: budi.nik } }, { purpose: [] }), 'purpose');
    await bad(request(undefined), 'patient');
  });
});
