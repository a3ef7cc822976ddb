// The HTTP fuzzer over the route table (issue 14): for every route of ROUTES, requests built from a valid example
// (path parameters, query, body) that fast-check mutates — odd strings, numbers out of range, edge dates, forged
// cursors and tokens, wrong types and content types — sent to the local server, and the property every answer must
// keep: no 5xx and no broken connection, every 400 names its fields, every other 4xx says why in JSON, and no NIK or
// phone reaches a caller who may not see it. A route with no example here is still fuzzed, with random values.
import { Agent, request } from 'node:http';
import fc from 'fast-check';
import { SignJWT } from 'jose';
import { type DemoResident, demoChairUsername, demoResidents, demoRts } from '../../infra/local/demo-data.ts';
import { DEV_AUDIENCE, DEV_ISSUER } from '../../infra/local/dev-token.ts';
import type { LocalSystem } from '../../infra/local/system.ts';
import { oldestRecordable } from '../../shared/kader/activities.ts';
import { ROLES, type Role } from '../../shared/platform/roles.ts';
import { ROUTES, type RouteDef, routeKey } from '../../shared/platform/routes.ts';
import { todayWib } from '../../shared/platform/wib.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { httpClient, type Json } from './http.ts';
import { findPersonalData } from './personal-data.ts';

// ---------------------------------------------------------------------------------------------------------------
// Who calls: the six roles, a second RT chair, and callers the authorizer must turn away.

// biome-ignore format: a list of values, kept compact
const BAD_CALLERS = [
  'none', 'garbage', 'empty_bearer', 'basic', 'bad_signature', 'forged_role', 'alg_none', 'expired',
  'wrong_issuer', 'admin_no_mfa', 'huge',
] as const;
export type Caller = Role | 'rt_chair_other' | (typeof BAD_CALLERS)[number];

/** Callers whose token says who they are (the roles, the second chair). */
const isRoleCaller = (c: Caller): c is Role | 'rt_chair_other' =>
  c === 'rt_chair_other' || (ROLES as readonly string[]).includes(c);

// ---------------------------------------------------------------------------------------------------------------
// The world the fuzzer aims at: the seeded system plus a few records made through the API (letters, fund entries,
// an incident) so ids in paths and cursors in queries can be real ones, and the people whose data must not leak.

export interface Person {
  nik: string;
  /** The RTs they are (or may have been registered) in: those RTs' chairs may see them. */
  rts: string[];
  /** The national number of their phone (8…), as it appears inside any written form. */
  phoneDigits?: string;
  /** Index in `FuzzWorld.people`, shown instead of the NIK in messages. */
  n: number;
}

/** A resident the fuzzer may register (POST /residents, POST /attestations): not in the seed. */
export type NewPerson = Pick<DemoResident, 'nik' | 'kk' | 'name' | 'birthDate' | 'sex' | 'phone'>;

export interface Page {
  caller: Caller;
  params: Record<string, string>;
  query: [string, string][];
  cursor: string;
}

export interface FuzzWorld {
  base: string;
  today: string;
  year: number;
  month: string;
  /** The chair the rt_chair caller is: its RT is never closed by a generated request. */
  chairRt: string;
  otherRt: string;
  rts: string[];
  kelurahan: string[];
  tokens: Partial<Record<Caller, string>>;
  people: Person[];
  nikIndex: Map<string, Person>;
  phoneIndex: Map<string, Person>;
  phoneLengths: number[];
  newPeople: NewPerson[];
  units: string[];
  responderUnit: string;
  attestations: string[];
  verifyCodes: string[];
  incidents: string[];
  entries: string[];
  ackTokens: string[];
  importJobs: string[];
  /** Upload jobs of Dukcapil's civil events and of BPJS's invoices (each kind's status route knows only its own). */
  civilJobs: string[];
  reconciliationJobs: string[];
  /** A reconciliation of this month, kept by the API. */
  reconciliations: string[];
  usernames: string[];
  campaigns: string[];
  /** The city's puskesmas (the seeded demo ones) and the kelurahan each serves. */
  puskesmas: { code: string; kelurahan: string[] }[];
  /** The clinic caller's puskesmas: it serves the chair's kelurahan. */
  clinicPuskesmas: string;
  /** Homecare requests of the chair's residents (the first with a visit and a trip), their visits and trips. */
  homecare: string[];
  visits: string[];
  trips: string[];
  /** The kader caller's NIK (a resident of the chair's RT in the register), and spare kader the examples may retire. */
  kaderNik: string;
  spareKader: string[];
  /** The month before this one (WIB): the incentive run's month. */
  lastMonth: string;
  /** Page one of each paged list route (by route key): who asked, how, and the cursor it answered. */
  pages: Record<string, Page[]>;
  /** What could not be prepared (a fixture route that failed): its pool stays empty, the route is still fuzzed. */
  warnings: string[];
}

const b64 = (s: string | Uint8Array) => Buffer.from(s).toString('base64url');

/** Builds the world on a running local system (seeded), through its HTTP API like any client. */
export async function prepareWorld(sys: LocalSystem): Promise<FuzzWorld> {
  const call = httpClient(() => sys.url);
  const warnings: string[] = [];
  const step = async (what: string, res: Promise<{ status: number; text: string; body: Json }>) => {
    const r = await res;
    if (r.status >= 300) warnings.push(`${what}: ${r.status} ${r.text.slice(0, 200)}`);
    return r.status < 300 ? r.body : undefined;
  };
  const rtDefs = demoRts(12);
  const rts = rtDefs.map((r) => r.rt);
  const chairRt = rts[0]!;
  const otherRt = rts[1]!;
  const today = todayWib();
  const year = Number(today.slice(0, 4));

  const tokens: Partial<Record<Caller, string>> = {};
  const mint = async (caller: Caller, req: Record<string, string>) => {
    const body = await step(`token ${caller}`, call('POST', '/auth/dev-token', { json: req }));
    if (body?.token) tokens[caller] = body.token;
  };
  for (const role of ROLES) {
    if (role === 'responder') continue; // minted below, for the unit the fixture incident was sent to
    if (role === 'kader') continue; // minted below, for the kader the fixture registers
    await mint(role, role === 'rt_chair' ? { role, rt: chairRt } : { role });
  }
  await mint('rt_chair_other', { role: 'rt_chair', rt: otherRt });
  const as = (c: Caller) => tokens[c] ?? null;
  const key = () => crypto.randomUUID();

  // People the fuzzer may register: in the chair's kelurahan, sequence numbers the demo never uses.
  const kel = rtDefs[0]!.kelurahan;
  const newPeople: NewPerson[] = Array.from({ length: 24 }, (_, i) => {
    const sex = i % 2 ? 'F' : 'M';
    const birthDate = `19${70 + (i % 25)}-0${1 + (i % 9)}-1${i % 10}`;
    return {
      nik: makeNik({ regionCode: kel, birthDate, sex, sequence: 6100 + i }),
      kk: `${kel.replaceAll('.', '')}7${String(10000 + i).slice(-5)}`,
      name: `Warga Uji ${String.fromCharCode(65 + i)}`,
      birthDate,
      sex,
      phone: `+6281270${String(100000 + i).slice(-6)}`,
    };
  });

  // Letters: three from the chair (one decided), so ids, verification codes and both index cursors exist.
  const attestations: string[] = [];
  const verifyCodes: string[] = [];
  for (const p of newPeople.slice(0, 3)) {
    const out = await step(
      'POST /attestations',
      call('POST', '/attestations', {
        as: as('rt_chair'),
        json: {
          nik: p.nik,
          name: p.name,
          birthDate: p.birthDate,
          sex: p.sex,
          reason: 'Sakit, perlu berobat',
        },
        headers: { 'idempotency-key': key() },
      }),
    );
    if (out?.id) attestations.push(out.id);
    const code = typeof out?.verifyUrl === 'string' ? out.verifyUrl.split('/').pop() : undefined;
    if (code) verifyCodes.push(code);
  }
  if (attestations[0]) {
    await step(
      'POST /attestations/{id}/decision',
      call('POST', `/attestations/${attestations[0]}/decision`, {
        as: as('social_verifier'),
        json: { decision: 'APPROVED', note: 'Sudah dicek di lapangan' },
      }),
    );
  }

  // The chair's fund: the year's allocation and three expenses.
  await step(
    'POST /funds/{rt}/{year}/allocations',
    call('POST', `/funds/${chairRt}/${year}/allocations`, {
      as: as('city_admin'),
      json: { note: 'Alokasi tahunan' },
      headers: { 'idempotency-key': key() },
    }),
  );
  const entries: string[] = [];
  for (const amount of [15_000, 25_000, 35_000]) {
    const out = await step(
      'POST /funds/{rt}/{year}/expenses',
      call('POST', `/funds/${chairRt}/${year}/expenses`, {
        as: as('rt_chair'),
        json: { amount, category: 'WASTE', date: today, description: 'Kantong sampah' },
        headers: { 'idempotency-key': key() },
      }),
    );
    if (out?.entryId) entries.push(out.entryId);
  }

  // An incident sent to a unit at once (P1), and its acknowledgement link from the unit's SMS.
  const incidents: string[] = [];
  const reported = await step(
    'POST /incidents',
    call('POST', '/incidents', {
      as: as('operator'),
      json: {
        callerPhone: '081234500001',
        type: 'MEDICAL',
        description: 'Warga pingsan di pasar',
        location: { lat: -1.61, lon: 103.61, address: 'Pasar Angso Duo' },
        priority: 'P1',
      },
      headers: { 'idempotency-key': key() },
    }),
  );
  if (reported?.id) incidents.push(reported.id);
  const responderUnit: string = reported?.dispatched?.unitId ?? 'AMB-01';
  await mint('responder', { role: 'responder', unit: responderUnit });
  const p3 = await step(
    'POST /incidents (P3)',
    call('POST', '/incidents', {
      as: as('operator'),
      json: {
        callerPhone: '081234500002',
        type: 'OTHER',
        description: 'Pohon tumbang menutup jalan',
        location: { lat: -1.6, lon: 103.6 },
        priority: 'P3',
      },
      headers: { 'idempotency-key': key() },
    }),
  );
  if (p3?.id) incidents.push(p3.id);
  await sys.queue.drain();
  const ackTokens = sys.outbox
    .list(1000)
    .flatMap((e) => (e.channel === 'sms' ? [/\/a\/([A-Za-z0-9_-]{12})/.exec(e.text)?.[1]] : []))
    .filter((t): t is string => !!t);

  const job = await step(
    'POST /residents/import/uploads',
    call('POST', '/residents/import/uploads', { as: as('city_admin') }),
  );
  const civilJob = await step(
    'POST /civil-events/import/uploads',
    call('POST', '/civil-events/import/uploads', { as: as('city_admin') }),
  );
  const month = todayWib().slice(0, 7);
  const reconciliationJob = await step(
    'POST /premiums/{month}/reconciliation/uploads',
    call('POST', `/premiums/${month}/reconciliation/uploads`, { as: as('city_admin') }),
  );
  const reconciliation = await step(
    'POST /premiums/{month}/reconciliation',
    call('POST', `/premiums/${month}/reconciliation`, {
      as: as('city_admin'),
      text: `nik,nama\n${demoResidents(6, rtDefs)
        .map((p) => `${p.nik},X`)
        .join('\n')}\n`,
      type: 'text/csv',
    }),
  );
  const units = await step('GET /units', call('GET', '/units', { as: as('operator') }));
  const campaigns = await step('GET /campaigns', call('GET', '/campaigns', { as: as('city_admin') }));

  // Homecare: the clinic caller works at the puskesmas serving the chair's kelurahan (seeded, demo); the chair asks
  // for visits to three of its residents; the first gets a visit and a trip.
  const pkmList = await step('GET /puskesmas', call('GET', '/puskesmas', { as: as('city_admin') }));
  const puskesmas: { code: string; kelurahan: string[] }[] = (pkmList?.items ?? []).map(
    (p: { code: string; kelurahan: { code: string }[] }) => ({
      code: p.code,
      kelurahan: p.kelurahan.map((k) => k.code),
    }),
  );
  const clinicPuskesmas = puskesmas.find((p) => p.kelurahan.includes(kel))?.code ?? 'DEMO-NONE';
  await mint('clinic', { role: 'clinic', puskesmas: clinicPuskesmas });
  const homecare: string[] = [];
  const needs = ['ELDERLY_IMMOBILE', 'DISABILITY', 'MALNUTRITION'];
  for (const [i, r] of demoResidents(520, rtDefs)
    .filter((r) => r.rt === chairRt)
    .slice(0, 3)
    .entries()) {
    const out = await step(
      'POST /homecare/requests',
      call('POST', '/homecare/requests', {
        as: as('rt_chair'),
        json: { nik: r.nik, need: needs[i], note: 'Tidak bisa ke puskesmas' },
      }),
    );
    if (out?.id) homecare.push(out.id);
  }
  const tomorrow = new Date(Date.parse(`${today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
  const visit = homecare[0]
    ? await step(
        'POST /homecare/requests/{id}/visits',
        call('POST', `/homecare/requests/${homecare[0]}/visits`, {
          as: as('clinic'),
          json: { date: tomorrow, team: ['Bidan Uji'] },
        }),
      )
    : undefined;
  // Kader: three of the chair's residents in the register since last month; the first is the kader caller.
  const lastMonth = oldestRecordable(today).slice(0, 7);
  const kaderPeople = demoResidents(520, rtDefs)
    .filter((r) => r.rt === chairRt)
    .slice(3, 6);
  for (const r of kaderPeople) {
    await step(
      'POST /kader',
      call('POST', '/kader', {
        as: as('city_admin'),
        json: { nik: r.nik, level: 'AWAL', rt: chairRt, since: `${lastMonth}-01` },
      }),
    );
  }
  const kaderNik = kaderPeople[0]?.nik ?? '';
  await mint('kader', { role: 'kader', nik: kaderNik });
  await step(
    'POST /kader/{nik}/activities',
    call('POST', `/kader/${kaderNik}/activities`, {
      as: as('kader'),
      json: { date: `${lastMonth}-15`, kind: 'POSYANDU', note: 'Menimbang balita' },
      headers: { 'idempotency-key': key() },
    }),
  );
  const trip = homecare[0]
    ? await step(
        'POST /homecare/requests/{id}/transport',
        call('POST', `/homecare/requests/${homecare[0]}/transport`, {
          as: as('clinic'),
          json: { pickupAt: `${tomorrow}T09:00:00+07:00`, destination: 'RSUD (uji)' },
        }),
      )
    : undefined;

  // Page one of each paged list, for page-two requests with a real cursor (and forgeries made from it).
  const pages: Record<string, Page[]> = {};
  const page = async (
    route: string,
    caller: Caller,
    params: Record<string, string>,
    query: [string, string][],
  ) => {
    const path = route
      .slice(route.indexOf(' ') + 1)
      .replace(/\{(\w+)\}/g, (_m, n: string) => params[n] ?? '');
    const out = await step(
      `${route} (page 1)`,
      call('GET', `${path}?${new URLSearchParams(query)}`, { as: as(caller) }),
    );
    if (typeof out?.cursor === 'string') {
      pages[route] = [...(pages[route] ?? []), { caller, params, query, cursor: out.cursor }];
    }
  };
  const one: [string, string][] = [['limit', '1']];
  await page('GET /attestations', 'social_verifier', {}, one);
  await page('GET /attestations', 'social_verifier', {}, [...one, ['order', 'oldest']]);
  await page('GET /attestations', 'city_admin', {}, [...one, ['rt', chairRt]]);
  await page('GET /attestations', 'rt_chair', {}, one);
  await page('GET /attestations', 'rt_chair', {}, [...one, ['status', 'PENDING_REVIEW']]);
  await page('GET /rts/{rt}/residents', 'city_admin', { rt: chairRt }, one);
  await page('GET /rts/{rt}/residents', 'rt_chair', { rt: chairRt }, [['limit', '3']]);
  await page('GET /rts', 'city_admin', {}, one);
  await page('GET /rts', 'social_verifier', {}, [...one, ['area', kel.slice(0, 8)]]);
  await page('GET /staff', 'city_admin', {}, one);
  await page('GET /staff', 'city_admin', {}, [...one, ['role', 'rt_chair']]);
  await page('GET /funds/{rt}/{year}', 'none', { rt: chairRt, year: String(year) }, one);
  await page('GET /homecare/requests', 'city_admin', {}, one);
  await page('GET /kader', 'city_admin', {}, one);
  await page('GET /homecare/requests', 'clinic', {}, one);
  await page('GET /homecare/requests', 'rt_chair', {}, [...one, ['status', 'REQUESTED,SCHEDULED']]);

  // Badly signed, expired and otherwise wrong tokens; the expired one is signed with the local Cognito's own
  // key, so only its expiry is wrong.
  const signed = (claims: Record<string, unknown>, iss = DEV_ISSUER, exp: number | string = '1h') =>
    sys.tokens.sign(
      new SignJWT({ 'cognito:groups': ['city_admin'], token_use: 'id', ...claims })
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setSubject('fuzz-admin')
        .setIssuer(iss)
        .setAudience(DEV_AUDIENCE)
        .setIssuedAt(Math.floor(Date.now() / 1000) - 7200)
        .setExpirationTime(exp),
    );
  const clinic = tokens.clinic ?? 'a.b.c';
  const [h, payload, sig] = clinic.split('.') as [string, string, string];
  const claims = JSON.parse(Buffer.from(payload, 'base64url').toString() || '{}') as Record<string, unknown>;
  tokens.garbage = 'junk';
  tokens.empty_bearer = '';
  tokens.bad_signature = `${h}.${payload}.${sig.slice(0, -2)}${sig.endsWith('AA') ? 'BB' : 'AA'}`;
  tokens.forged_role = `${h}.${b64(JSON.stringify({ ...claims, 'cognito:groups': ['city_admin'], mfa: 'true' }))}.${sig}`;
  tokens.alg_none = `${b64('{"alg":"none","typ":"JWT"}')}.${b64(JSON.stringify({ ...claims, 'cognito:groups': ['city_admin'], mfa: 'true' }))}.`;
  tokens.expired = await signed({ mfa: 'true' }, DEV_ISSUER, Math.floor(Date.now() / 1000) - 3600);
  tokens.wrong_issuer = await signed({ mfa: 'true' }, 'https://cognito-idp.example/other-pool');
  tokens.admin_no_mfa = await signed({});

  // Everyone whose NIK or phone must not reach the wrong caller: the seeded residents and the fixtures' people.
  const people: Person[] = [];
  const add = (nik: string, rts: string[], phone: string | undefined) => {
    const digits = phone?.replace(/^\+62/, '');
    people.push({ nik, n: people.length, rts, ...(digits ? { phoneDigits: digits } : {}) });
  };
  for (const r of demoResidents(520, rtDefs).slice(0, 500)) add(r.nik, [r.rt], r.phone || undefined);
  // The examples register new people in the chair's RT, but a letter registers them in its issuer's: either chair's.
  for (const [i, p] of newPeople.entries()) add(p.nik, i < 18 ? [chairRt] : [chairRt, otherRt], p.phone);
  // The move example's residents may have moved to its RT of the city (POST /residents/{nik}/move).
  for (const p of people.slice(-40, -20)) p.rts.push(rts[1]!);
  const nikIndex = new Map(people.map((p) => [p.nik, p]));
  const phoneIndex = new Map(people.flatMap((p) => (p.phoneDigits ? [[p.phoneDigits, p] as const] : [])));

  return {
    base: sys.url,
    today,
    year,
    month: today.slice(0, 7),
    chairRt,
    otherRt,
    rts,
    kelurahan: [...new Set(rtDefs.map((r) => r.kelurahan))],
    tokens,
    people,
    nikIndex,
    phoneIndex,
    phoneLengths: [...new Set([...phoneIndex.keys()].map((k) => k.length))],
    newPeople,
    units: (units?.items ?? []).map((u: { id: string }) => u.id),
    responderUnit,
    attestations,
    verifyCodes,
    incidents,
    entries,
    ackTokens,
    importJobs: job?.jobId ? [job.jobId] : [],
    civilJobs: civilJob?.jobId ? [civilJob.jobId] : [],
    reconciliationJobs: reconciliationJob?.jobId ? [reconciliationJob.jobId] : [],
    reconciliations: reconciliation?.id ? [reconciliation.id] : [],
    // Seeded chairs' accounts, but not the fuzzer's own chairs (dev tokens carry no username, but keep them clear).
    usernames: rts.slice(2).map(demoChairUsername),
    campaigns: (campaigns?.items ?? []).map((c: { id: string }) => c.id),
    puskesmas,
    clinicPuskesmas,
    homecare,
    kaderNik,
    spareKader: kaderPeople.slice(1).map((r) => r.nik),
    lastMonth,
    visits: visit?.id ? [visit.id] : [],
    trips: trip?.id ? [trip.id] : [],
    pages,
    warnings,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// Odd values: what a careless or hostile client sends.

/** A JSON literal written as is (1e309, -0, 30 digits): JSON.stringify could not produce it. */
class Raw {
  constructor(readonly text: string) {
    // Shared by every request that draws it: nothing may edit it.
    Object.freeze(this);
  }
}

const HUGE = 100_000;
const hugeA = 'a'.repeat(HUGE);
const hugeDigits = '7'.repeat(HUGE);
const hugeUnicode = '👩‍👩‍👧‍👦'.repeat(HUGE / 11);
const deepArray = `${'['.repeat(5000)}${']'.repeat(5000)}`;
const deepObject = `${'{"a":'.repeat(5000)}1${'}'.repeat(5000)}`;

// biome-ignore format: a list of values, kept compact
export const EDGE_DATES = [
  '0000-01-01', '9999-12-31', '2026-02-30', '2026-13-45', '2026-00-10', '1899-12-31', '1900-01-01',
  '2100-12-31', '2101-01-01', '2024-02-29', '2023-02-29', '20260101', '2026-1-1', ' 2026-01-01',
  '2026-01-01T00:00:00Z', '+002026-01-01', '-000001-01-01', '0000-00-00', '1970-01-01', '2026-01',
  '0000-01', '9999-12', '2026-13',
];

// biome-ignore format: a list of values, kept compact
const ODD_STRINGS = [
  '', ' ', '\t', '\n', '\r\n', '\u0000', 'a\u0000b', '\u0007\u001b[31mred', '\u0085', '\ud800', '\udfff',
  'x\ud800y', '\u202eABC', '\u2066x\u2069', '\u200b', '\ufeff', '\uffff', '👩‍👩‍👧‍👦', 'Z̷̢͎a̶l̸g̵o̴', 'İı',
  'ß', 'null', 'undefined', 'NaN', 'Infinity', '-Infinity', '-1', '0', '1e309', '9007199254740993', '0x10',
  '1_000', '__proto__', 'constructor', 'toString', '../../etc/passwd', '..', '.', '%00', '%', '%zz', '#',
  'RT#', 'E#', 'ST#PENDING_REVIEW', `\${jndi:ldap://x}`, "' OR '1'='1", '<script>alert(1)</script>',
  'true', '[]', '{}', '000000000000000', '0000000000000000', '99999999999999999', ...EDGE_DATES,
];

// biome-ignore format: a list of values, kept compact
const ODD_NUMBERS: (number | Raw)[] = [
  -1, 0, 1, -0, 0.5, 1.5, 2 ** 31, 2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e21, 1e308, Number.MAX_VALUE,
  Number.MIN_VALUE, 1e-7, 5000, 5001, 100_000, 1e12, 1e12 + 1, new Raw('1e309'), new Raw('-1e309'),
  new Raw('1e-400'), new Raw('-0'), new Raw('123456789012345678901234567890'),
  new Raw('1.0000000000000001'), new Raw('2026.0'),
];

/** Odd text: fixed oddities, huge strings, random unicode (lone surrogates included), random ASCII. */
export const oddText: fc.Arbitrary<string> = fc.oneof(
  { weight: 10, arbitrary: fc.constantFrom(...ODD_STRINGS) },
  { weight: 1, arbitrary: fc.constantFrom(hugeA, hugeDigits, hugeUnicode) },
  { weight: 3, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ maxLength: 300 }) },
  { weight: 1, arbitrary: fc.integer().map(String) },
  { weight: 1, arbitrary: fc.double().map(String) },
);

/** Text fit for a path segment: the same oddities, at most a few KB (a huge path is the gateway's 414). */
const oddSegment = oddText.map((s) => (s.length > 2000 ? s.slice(0, 2000) : s));

/** Any odd JSON value for a field: wrong types, out-of-range numbers, edge dates, deep and wide structures. */
export const oddValue: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: oddText },
  { weight: 4, arbitrary: fc.constantFrom(...ODD_NUMBERS) },
  { weight: 2, arbitrary: fc.constantFrom(null, true, false, [], {}, [null], [[]], { '': '' }) },
  { weight: 1, arbitrary: fc.constantFrom(new Raw(deepArray), new Raw(deepObject)) },
  { weight: 1, arbitrary: fc.constant(Array.from({ length: 5000 }, (_, i) => i)) },
  { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: fc.array(oddText, { maxLength: 4 }) },
  { weight: 1, arbitrary: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 1 })) },
);

// ---------------------------------------------------------------------------------------------------------------
// Per-route examples: a valid request, which fast-check then mutates. Keyed by route key; a route not listed gets
// random bodies and queries.

type Pools = Record<string, string[]>;

export interface Example {
  /** Valid bodies (one is picked); JSON unless `csv`. */
  bodies?: (w: FuzzWorld) => unknown[];
  /** Valid CSV bodies (text/csv). */
  csv?: (w: FuzzWorld) => string[];
  /** The content type a valid request sends (SNS posts JSON as text/plain). */
  contentType?: string;
  /** Valid values of each query key. */
  query?: (w: FuzzWorld) => Pools;
  /** Query keys a valid request always sends. */
  required?: string[];
  /** Valid path parameter values, where the route's own differ from the shared pools (e.g. `id`). */
  params?: (w: FuzzWorld) => Pools;
  /** Keeps the world usable: rewrites a request that would break later ones (closing the fuzzer's own RT). */
  protect?: (d: Draft, w: FuzzWorld) => Draft;
}

const kelDigits = (w: FuzzWorld) => w.chairRt.slice(0, 10);

export const EXAMPLES: Record<string, Example> = {
  'POST /residents': {
    bodies: (w) =>
      w.newPeople.slice(3, 15).map((p, i) => ({
        nik: p.nik,
        kk: p.kk,
        name: p.name,
        birthDate: p.birthDate,
        sex: p.sex,
        phone: i % 3 ? p.phone : null,
        rt: w.chairRt,
        lowIncome: i % 2 === 0,
        smsConsent: i % 4 === 0,
      })),
  },
  'PUT /residents/{nik}/coverage': {
    bodies: () => [
      { scheme: 'PBPU', status: 'ACTIVE', reason: 'Daftar mandiri' },
      { scheme: 'PBI_APBD', status: 'INACTIVE', reason: 'Pindah domisili' },
      // A participant older than the registry: its real start (a later change of the same resident may be refused,
      // 400 on `from`, when the day is before the period it would close).
      { scheme: 'PBI_APBD', status: 'ACTIVE', reason: 'Peserta lama', from: '2019-03-10' },
    ],
  },
  'POST /residents/import': {
    csv: (w) => [
      `nik,kk,name,birthDate,sex,phone,rt,scheme,status,lowIncome,smsConsent\n${w.newPeople
        .slice(15, 18)
        .map((p) => [
          p.nik,
          p.kk,
          p.name,
          p.birthDate,
          p.sex,
          p.phone,
          w.chairRt,
          'PBPU',
          'ACTIVE',
          'false',
          'true',
        ])
        .map((r) => r.join(','))
        .join('\n')}\n`,
    ],
  },
  'GET /uhc': { query: (w) => ({ area: ['15.71', ...w.kelurahan, w.kelurahan[0]!.slice(0, 8)] }) },
  'GET /premiums/{month}': {
    params: (w) => ({ month: [w.month, `${w.year}-01`, `${w.year - 1}-12`] }),
    query: () => ({ scheme: ['PBI_APBD', 'BPJSTK_BPU'] }),
  },
  'POST /residents/{nik}/employment-cover': {
    bodies: (w) => [
      { from: w.today, reason: 'Petugas kebersihan RT' },
      { from: `${w.year - 1}-03-15`, reason: 'Petugas posyandu RT' },
    ],
  },
  'POST /residents/{nik}/employment-cover/end': {
    bodies: (w) => [{ to: w.today, reason: 'Tidak aktif lagi' }],
  },
  'GET /rts/{rt}/residents': {
    query: () => ({ limit: ['1', '5', '50', '200'], cursor: [] }),
  },
  'POST /attestations': {
    bodies: (w) =>
      w.newPeople.slice(18, 24).map((p, i) => ({
        nik: p.nik,
        name: p.name,
        birthDate: p.birthDate,
        sex: p.sex,
        reason: 'Sakit dan tidak mampu',
        ...(i % 2 ? { kk: p.kk, phone: p.phone, facility: 'Puskesmas Kebun Handil' } : {}),
        smsConsent: i % 3 === 0,
      })),
  },
  'GET /attestations': {
    query: (w) => ({
      status: ['PENDING_REVIEW', 'APPROVED', 'REJECTED'],
      rt: [w.chairRt, w.otherRt],
      order: ['newest', 'oldest'],
      limit: ['1', '2', '25', '100'],
      cursor: [],
    }),
  },
  'GET /attestations/counts': { query: (w) => ({ month: [w.month, `${w.year}-01`] }) },
  'POST /attestations/{id}/decision': {
    bodies: () => [
      { decision: 'APPROVED', note: 'Sudah dicek di lapangan' },
      { decision: 'REJECTED', note: 'Warga mampu, punya usaha' },
    ],
  },
  'POST /funds/{rt}/{year}/allocations': {
    bodies: () => [
      { amount: 1_000_000, note: 'Tambahan dana' },
      { households: 80, note: 'Alokasi tahunan' },
      { note: 'Alokasi tahunan' },
    ],
  },
  'POST /funds/{year}/allocations': {
    bodies: (w) => [{ note: 'Alokasi tahunan' }, { area: w.kelurahan[1]!, note: 'Alokasi kelurahan' }],
  },
  'POST /funds/{rt}/{year}/expenses': {
    bodies: (w) => [
      { amount: 10_000, category: 'WASTE', date: w.today, description: 'Kantong sampah' },
      {
        amount: 250_000,
        category: 'HEALTH_CHECK',
        date: `${w.year}-01-02`,
        description: 'Tensimeter posyandu',
        vendor: 'Apotek Sehat',
      },
    ],
  },
  'POST /funds/{rt}/{year}/entries/{entryId}/reversal': {
    bodies: () => [{ reason: 'Salah catat nominal' }],
  },
  'POST /funds/{rt}/{year}/entries/{entryId}/receipt': {
    bodies: () => [
      { contentType: 'image/jpeg', size: 123_456 },
      { contentType: 'application/pdf', size: 5 * 1024 * 1024 },
    ],
  },
  'GET /funds/{rt}/{year}': {
    query: (w) => ({
      limit: ['1', '50', '200'],
      cursor: w.entries,
    }),
  },
  'GET /funds': {
    query: (w) => ({ year: [String(w.year), String(w.year - 1)], area: ['15.71', ...w.kelurahan] }),
    required: ['year'],
  },
  'POST /units': {
    bodies: (w) =>
      ['AMBULANCE', 'FIRE', 'POLICE', 'RESCUE'].map((kind, i) => ({
        id: `FZ-${kind.slice(0, 3)}-0${i}`,
        name: `Unit uji ${kind.toLowerCase()}`,
        kind,
        phone: `+62811760${String(1000 + i)}`,
        location: { lat: -1.6 - i / 100, lon: 103.6 + i / 100 },
        kelurahan: w.kelurahan[i % w.kelurahan.length]!,
      })),
  },
  'GET /units': {
    query: () => ({
      kind: ['AMBULANCE', 'FIRE', 'POLICE', 'RESCUE'],
      status: ['AVAILABLE', 'BUSY', 'OFFLINE'],
    }),
  },
  'PUT /units/{id}/status': {
    params: (w) => ({ id: [w.responderUnit, ...w.units] }),
    bodies: () => [
      { status: 'AVAILABLE' },
      { status: 'BUSY', location: { lat: -1.61, lon: 103.62 } },
      { status: 'AVAILABLE', location: { lat: -1.62, lon: 103.6 } },
    ],
  },
  'POST /incidents/triage': {
    bodies: () => [
      { type: 'MEDICAL', description: 'Bapak tua pingsan di teras' },
      { type: 'CRIME', description: 'Pencurian motor' },
      { type: 'FIRE', description: '' },
      { type: 'OTHER', description: 'Pohon tumbang', priority: 'P3' },
    ],
  },
  'POST /incidents': {
    bodies: (w) =>
      (['MEDICAL', 'FIRE', 'ACCIDENT', 'CRIME', 'OTHER'] as const).map((type, i) => ({
        callerPhone: `08123450${String(1000 + i)}`,
        type,
        description: 'Laporan warga lewat 112',
        location: { lat: -1.6 + i / 1000, lon: 103.61, ...(i % 2 ? { address: 'Jl. Sudirman 12' } : {}) },
        ...(i % 2 ? { patientNik: w.people[i]!.nik } : {}),
        ...(i < 3 ? { priority: (['P1', 'P2', 'P3'] as const)[i] } : {}),
      })),
  },
  'GET /incidents': { query: () => ({ status: ['open'] }) },
  'GET /incidents/stats': {
    query: (w) => ({ from: [`${w.year}-01-01`, w.today], to: [w.today] }),
    required: ['from', 'to'],
  },
  'POST /incidents/{id}/dispatch': {
    bodies: (w) => [{}, { kind: 'AMBULANCE' }, { unitId: w.units[0] ?? 'AMB-01' }, { kind: 'FIRE' }],
  },
  'POST /incidents/{id}/status': {
    bodies: () =>
      ['EN_ROUTE', 'ON_SCENE', 'TRANSPORTING', 'AT_FACILITY', 'RESOLVED', 'CANCELLED'].map((status) => ({
        status,
        note: 'Catatan petugas',
      })),
  },
  'POST /campaigns': {
    bodies: (w) => [
      {
        id: 'fuzz-ultah',
        name: 'Kampanye uji ulang tahun',
        kind: 'BIRTHDAY',
        offsetsDays: [-7, 0],
        audience: { ageBands: [{ min: 0, max: 6 }, { min: 60 }] },
        template: 'Halo {name}, cek kesehatan {date} di {puskesmas}.',
        sendHourWib: 9,
      },
      {
        id: 'fuzz-siaran',
        name: 'Siaran uji',
        kind: 'BROADCAST',
        date: w.today,
        repeat: 'MONTHLY',
        offsetsDays: [0],
        audience: { area: w.chairRt, sex: 'F', ageMin: 18, ageMax: 60 },
        template: 'Posyandu {date}.',
        active: false,
      },
      {
        id: 'fuzz-tanggal',
        name: 'Imunisasi uji',
        kind: 'DATE_FIELD',
        dateField: 'birthDate',
        offsetsDays: [30, 60],
        audience: { ageMax: 2, area: w.kelurahan[0]! },
        template: 'Bunda, {name} imunisasi {date}.',
        skipCheckedThisYear: true,
      },
    ],
  },
  'POST /jobs/reminders/run': { query: (w) => ({ date: [w.today, `${w.year}-01-01`] }) },
  'GET /reminders/stats': { query: (w) => ({ from: [`${w.year}-01-01`, w.today], to: [w.today] }) },
  'POST /sms/inbound': {
    contentType: 'text/plain; charset=UTF-8',
    bodies: (w) => {
      const sms = (i: number, messageBody: string) => ({
        originationNumber: w.newPeople[i]!.phone,
        destinationNumber: '+62811000111',
        messageBody,
        inboundMessageId: `fuzz-${i}-${messageBody}`,
      });
      return [
        sms(20, 'STOP'),
        sms(20, 'MULAI'),
        sms(21, 'halo pak'),
        {
          Type: 'Notification',
          MessageId: 'fuzz-message-1',
          TopicArn: 'arn:aws:sns:ap-southeast-3:000000000000:sms-inbound',
          Message: JSON.stringify(sms(22, 'BERHENTI')),
          Timestamp: new Date().toISOString(),
          SignatureVersion: '1',
          Signature: 'c2lnbmF0dXJl',
          SigningCertURL: 'https://sns.ap-southeast-3.amazonaws.com/SimpleNotificationService-x.pem',
        },
        {
          Type: 'SubscriptionConfirmation',
          MessageId: 'fuzz-message-2',
          TopicArn: 'arn:aws:sns:ap-southeast-3:000000000000:sms-inbound',
          Message: 'confirm',
          Timestamp: new Date().toISOString(),
          SignatureVersion: '2',
          Signature: 'c2lnbmF0dXJl',
          SigningCertURL: 'https://sns.ap-southeast-3.amazonaws.com/SimpleNotificationService-x.pem',
          SubscribeURL: 'https://sns.ap-southeast-3.amazonaws.com/?Action=ConfirmSubscription',
          Token: 'token',
        },
      ];
    },
  },
  'POST /residents/{nik}/death': {
    // Residents of their own, the last seeded: a death is final, and other routes' examples use the first ones.
    params: (w) => ({ nik: w.people.slice(-20).map((p) => p.nik) }),
    bodies: (w) => [
      { date: w.today, source: 'DUKCAPIL', reference: 'AKTA-1571-0001' },
      { date: `${w.year - 1}-02-28`, source: 'FACILITY' },
      { date: w.today, source: 'RT' },
    ],
  },
  'POST /residents/{nik}/move': {
    // Residents of their own again (before the deaths' ones): a move out of the city is final too.
    params: (w) => ({ nik: w.people.slice(-40, -20).map((p) => p.nik) }),
    bodies: (w) => [
      { date: w.today, to: '31.71', reference: 'SKPWNI-0001' },
      { date: w.today, to: '15.05.01.2002' },
      { date: w.today, to: w.rts[1]! },
    ],
  },
  'POST /civil-events/import': {
    // Deaths of the deaths example's residents (a death is final), and a birth to a seeded mother.
    csv: (w) => [
      `event,nik,date,motherNik,name,sex,to,reference\nDEATH,${w.people.at(-3)!.nik},${w.today},,,,,AKTA-7\n`,
      `event,nik,date,motherNik,name,sex,to,reference\nBIRTH,,${w.today},${w.people.find((p) => Number(p.nik.slice(6, 8)) > 40)!.nik},Bayi Berkas,P,,\n`,
    ],
  },
  'POST /premiums/{month}/reconciliation': {
    // BPJS's list: seeded residents (some city-paid, some not), one unknown NIK, one listed twice; other columns too.
    csv: (w) => [
      `nik\n${w.people
        .slice(0, 8)
        .map((p) => p.nik)
        .join('\n')}\n`,
      `no,nik,nama,kelas\n1,${w.people[1]!.nik},A,3\n2,${w.newPeople[23]!.nik},B,3\n3,${w.people[1]!.nik},A,3\n`,
    ],
  },
  'POST /births': {
    // Mothers among the seeded residents (a woman's NIK has 40 added to the day of birth).
    bodies: (w) =>
      w.people
        .filter((p) => Number(p.nik.slice(6, 8)) > 40)
        .slice(0, 3)
        .map((p, i) => ({
          motherNik: p.nik,
          name: `Bayi Uji ${i}`,
          birthDate: w.today,
          sex: i % 2 ? 'M' : 'F',
          ...(i === 2 ? { multipleBirth: 2 } : {}),
        })),
  },
  'POST /residents/{nik}/checks': {
    bodies: (w) => [{}, { date: w.today }, { date: `${w.year}-01-05`, place: 'Puskesmas Kebun Handil' }],
  },
  'POST /rts': {
    bodies: (w) =>
      Array.from({ length: 6 }, (_, i) => ({
        rt: `${kelDigits(w)}-009-0${10 + i}`,
        chairName: `Ketua Uji ${i}`,
        ...(i % 2 ? { chairPhone: `0812760${String(10000 + i)}` } : {}),
        households: 40 + i * 20,
      })),
  },
  'GET /rts': {
    query: (w) => ({
      area: ['15.71', ...w.kelurahan],
      limit: ['1', '3', '100', '500'],
      cursor: [],
    }),
  },
  'POST /rts/import': {
    csv: (w) => [
      `rt,chairName,chairPhone,households\n${kelDigits(w)}-008-001,Ketua Impor,081276000001,75\n${w.rts[5]},Ketua Lama,,120\n`,
    ],
  },
  'PUT /rts/{rt}': {
    bodies: () => [
      { households: 90 },
      { chairName: 'Ketua Baru' },
      { chairPhone: '081276500001' },
      { chairPhone: null, households: 61 },
      { active: false, reason: 'Digabung dengan RT sebelah' },
      { active: true },
    ],
    // Only spare RTs are ever closed: the fuzzer's own chairs must stay able to act.
    protect: (d, w) => {
      const body = d.body?.kind === 'json' ? d.body.value : undefined;
      const closes = !!body && typeof body === 'object' && (body as { active?: unknown }).active === false;
      const rt = d.params.rt;
      if (!closes || !rt || (rt.value !== w.chairRt && rt.value !== w.otherRt)) return d;
      return {
        ...d,
        params: { ...d.params, rt: { value: w.rts[6]! } },
        notes: [...d.notes, 'closes a spare RT'],
      };
    },
  },
  'POST /staff': {
    bodies: (w) => [
      {
        username: 'fuzz.klinik',
        name: 'Petugas Klinik',
        role: 'clinic',
        puskesmas: 'PKM-01',
        email: 'k@x.id',
      },
      { username: 'fuzz-ketua', name: 'Ketua Uji', role: 'rt_chair', rt: w.rts[7]!, phone: '081276600001' },
      {
        username: 'fuzz_crew',
        name: 'Kru Uji',
        role: 'responder',
        unit: w.units[0] ?? 'AMB-01',
        email: 'c@x.id',
      },
      {
        username: 'fuzz-op',
        name: 'Operator Uji',
        role: 'operator',
        email: 'o@x.id',
        phone: '+6281276600002',
      },
    ],
  },
  'POST /puskesmas': {
    // Every kelurahan is served by a seeded puskesmas: a new one's claim is refused (409), its fields checked first.
    bodies: (w) => [
      { code: 'FUZZ-PKM-1', name: 'Puskesmas Uji Fuzz (data demo)', kelurahan: [w.kelurahan[2]!] },
      {
        code: 'FUZZ-PKM-2',
        name: 'Puskesmas Uji Fuzz 2 (data demo)',
        kelurahan: [w.kelurahan[3]!],
        phone: '081276600009',
        location: { lat: -1.6, lon: 103.6 },
      },
    ],
  },
  'PUT /puskesmas/{code}': {
    // Never the clinic caller's puskesmas, nor its kelurahan: the homecare routes must stay reachable.
    params: (w) => ({ code: w.puskesmas.filter((p) => p.code !== w.clinicPuskesmas).map((p) => p.code) }),
    bodies: (w) =>
      w.puskesmas
        .filter((p) => p.code !== w.clinicPuskesmas)
        .map((p) => ({ name: 'Puskesmas Demo (data demo)', kelurahan: p.kelurahan, phone: '081276600010' })),
  },
  'POST /homecare/requests': {
    bodies: (w) =>
      w.people
        .filter((p) => p.rts[0] === w.chairRt)
        .slice(3, 9)
        .map((p, i) => ({
          nik: p.nik,
          need: ['CHRONIC_IMMOBILE', 'HIGH_RISK_PREGNANCY', 'DISABILITY'][i % 3],
          note: 'Perlu kunjungan rumah',
          ...(i % 2 ? { address: 'Jl. Uji No. 1', location: { lat: -1.61, lon: 103.61 } } : {}),
        })),
  },
  'GET /homecare/requests': {
    query: (w) => ({
      status: ['REQUESTED', 'SCHEDULED,VISITED', 'CLOSED,DECLINED'],
      need: ['MALNUTRITION', 'DISABILITY'],
      puskesmas: [w.clinicPuskesmas],
      limit: ['1', '50', '200'],
      cursor: [],
    }),
  },
  'GET /homecare/requests/{id}': { params: (w) => ({ id: w.homecare }) },
  'POST /homecare/requests/{id}/status': {
    // The first request keeps its visit and trip for the routes below.
    params: (w) => ({ id: w.homecare.slice(1) }),
    bodies: () => [
      { status: 'DECLINED', reason: 'Di luar wilayah kerja' },
      { status: 'CLOSED', reason: 'Sudah dirawat di rumah sakit' },
    ],
  },
  'POST /homecare/requests/{id}/visits': {
    params: (w) => ({ id: w.homecare }),
    bodies: (w) => [{ date: w.today, team: ['Bidan Uji', 'Perawat Uji'] }],
  },
  'POST /homecare/requests/{id}/visits/{visitId}/outcome': {
    params: (w) => ({ id: w.homecare.slice(0, 1), visitId: w.visits }),
    bodies: (w) => [
      { done: false, note: 'Tidak di rumah', nextVisit: w.today },
      { done: false, note: 'Pindah rumah', closeReason: 'Pindah ke luar wilayah' },
    ],
  },
  'POST /homecare/requests/{id}/transport': {
    params: (w) => ({ id: w.homecare.slice(0, 1) }),
    bodies: (w) => {
      const tomorrow = new Date(Date.parse(`${w.today}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10);
      return [
        { pickupAt: `${tomorrow}T13:00:00+07:00`, destination: 'RSUD (uji)' },
        {
          pickupAt: `${tomorrow}T07:30:00+07:00`,
          destination: 'Puskesmas (uji)',
          returnTrip: { pickupAt: `${tomorrow}T11:00:00+07:00` },
        },
      ];
    },
  },
  'POST /homecare/requests/{id}/transport/{tripId}/cancel': {
    params: (w) => ({ id: w.homecare.slice(0, 1), tripId: w.trips }),
  },
  'GET /homecare/stats': {
    query: (w) => ({ from: [`${w.year}-01-01`, w.today], to: [w.today], puskesmas: [w.clinicPuskesmas] }),
    required: ['from', 'to'],
  },
  'POST /kader': {
    bodies: (w) =>
      w.people
        .filter((p) => p.rts[0] === w.chairRt)
        .slice(9, 14)
        .map((p, i) => ({
          nik: p.nik,
          level: ['AWAL', 'MADYA', 'UTAMA'][i % 3],
          ...(i % 2 ? { rt: w.chairRt } : {}),
        })),
  },
  'GET /kader': {
    query: (w) => ({
      area: [w.kelurahan[0]!, w.chairRt.slice(0, 2)],
      level: ['AWAL', 'UTAMA'],
      status: ['ACTIVE', 'RETIRED'],
      limit: ['1', '100'],
      cursor: [],
    }),
  },
  'GET /fhir/Patient': {
    query: (w) => ({
      identifier: w.people.slice(0, 10).flatMap((p) => [`https://fhir.kemkes.go.id/id/nik|${p.nik}`, p.nik]),
      _id: w.people.slice(0, 4).map((p) => p.nik),
      _format: ['json', 'application/fhir+json'],
    }),
    required: ['identifier'],
  },
  'GET /fhir/Patient/{id}': { params: (w) => ({ id: w.people.slice(0, 12).map((p) => p.nik) }) },
  'GET /fhir/Coverage': {
    query: (w) => ({
      'beneficiary:identifier': w.people.slice(0, 10).map((p) => `https://fhir.kemkes.go.id/id/nik|${p.nik}`),
      status: ['active', 'cancelled'],
    }),
    required: ['beneficiary:identifier'],
  },
  'GET /fhir/Coverage/{id}': {
    params: (w) => ({ id: w.people.slice(0, 12).flatMap((p) => [`${p.nik}-1`, `${p.nik}-2`]) }),
  },
  'POST /fhir/CoverageEligibilityRequest': {
    contentType: 'application/fhir+json',
    bodies: (w) =>
      w.people.slice(0, 8).map((p, i) => ({
        resourceType: 'CoverageEligibilityRequest',
        status: 'active',
        purpose: ['validation'],
        patient:
          i % 2
            ? { reference: `Patient/${p.nik}` }
            : { identifier: { system: 'https://fhir.kemkes.go.id/id/nik', value: p.nik } },
        created: `${w.today}T08:00:00+07:00`,
        insurer: { display: 'BPJS Kesehatan' },
        ...(i % 3 === 0 ? { servicedDate: w.today } : {}),
      })),
  },
  'GET /dana/{proxy+}': {
    params: (w) => ({
      proxy: [
        '',
        `${w.chairRt}/${w.year}`,
        `${w.otherRt}/${w.year}`,
        `${w.chairRt}/${w.year - 1}`,
        `${w.chairRt}/${w.year}/2`,
        w.chairRt,
        'gaya.lama.css',
      ],
    }),
    query: (w) => ({
      q: ['aur kenali', 'rt 1 rw 1', w.chairRt, w.kelurahan[0]!],
      tahun: [String(w.year), String(w.year - 1)],
      kel: w.kelurahan,
    }),
  },
  'GET /kader/{nik}': { params: (w) => ({ nik: [w.kaderNik, ...w.spareKader] }) },
  'PUT /kader/{nik}': {
    params: (w) => ({ nik: [w.kaderNik, ...w.spareKader] }),
    bodies: () => [
      { level: 'MADYA', reason: 'Lulus uji kompetensi' },
      { posyandu: 'Posyandu Melati', reason: 'Pindah posyandu' },
    ],
  },
  'POST /kader/{nik}/retire': {
    // Only the spare kader: the kader caller must stay able to record.
    params: (w) => ({ nik: w.spareKader }),
    bodies: (w) => [{ date: w.today, reason: 'Mengundurkan diri' }],
  },
  'POST /kader/{nik}/activities': {
    params: (w) => ({ nik: [w.kaderNik] }),
    bodies: (w) => [
      { date: w.today, kind: 'POSBINDU', note: 'Cek tensi lansia' },
      {
        date: w.today,
        kind: 'HOME_VISIT',
        residentNik: w.people.find((p) => p.rts[0] === w.chairRt)!.nik,
        note: 'Kunjungan rumah',
      },
    ],
  },
  'GET /kader/{nik}/activities': {
    params: (w) => ({ nik: [w.kaderNik] }),
    query: (w) => ({ month: [w.month, w.lastMonth] }),
  },
  'POST /kader/incentives/{month}': { params: (w) => ({ month: [w.lastMonth] }) },
  'GET /kader/incentives/{month}': { params: (w) => ({ month: [w.lastMonth] }) },
  'GET /kader/incentives/{month}/export.csv': { params: (w) => ({ month: [w.lastMonth] }) },
  'POST /kader/incentives/{month}/reversals': {
    params: (w) => ({ month: [w.lastMonth] }),
    bodies: (w) => [{ nik: w.kaderNik, reason: 'Koreksi pembayaran' }],
  },
  'GET /kader/incentives': { query: (w) => ({ year: [String(w.year)] }) },
  'GET /staff': {
    query: () => ({
      role: [...ROLES],
      limit: ['1', '100', '500'],
      cursor: [],
    }),
  },
};

// ---------------------------------------------------------------------------------------------------------------
// Path parameters: shared pools by name, a route's own where given; the rt_chair caller mostly aims at its own RT.

function paramPool(w: FuzzWorld, route: RouteDef, name: string, caller: Caller): string[] {
  const own = EXAMPLES[routeKey(route)]?.params?.(w)[name];
  if (own?.length) return own;
  const chairsRt = caller === 'rt_chair' ? w.chairRt : caller === 'rt_chair_other' ? w.otherRt : undefined;
  const resource = route.path.split('/')[1];
  switch (name) {
    case 'rt':
      // A chair mostly asks for its own RT (another's is refused before the handler runs).
      return chairsRt ? [...Array(6).fill(chairsRt), ...w.rts.slice(0, 2)] : w.rts;
    case 'nik': {
      const inRt = chairsRt ? w.people.filter((p) => p.rts[0] === chairsRt).slice(0, 8) : [];
      return [...inRt.map((p) => p.nik), ...w.people.slice(0, 12).map((p) => p.nik), w.newPeople[23]!.nik];
    }
    case 'year':
      return [String(w.year), String(w.year), String(w.year - 1)];
    case 'entryId':
      return w.entries;
    case 'code':
      return w.verifyCodes;
    case 'token':
      return w.ackTokens;
    case 'month':
      return [w.month];
    case 'jobId':
      if (resource === 'civil-events') return w.civilJobs;
      if (resource === 'premiums') return w.reconciliationJobs;
      return w.importJobs;
    case 'username':
      return w.usernames;
    case 'visitId':
      return w.visits;
    case 'tripId':
      return w.trips;
    case 'proxy':
      return [
        'index.html',
        'app.js',
        'lib.js',
        'fund.js',
        'homecare.js',
        'kader.js',
        'sw.js',
        'app.css',
        'icon.svg',
        'config.json',
        'x.js',
      ];
    case 'id':
      if (resource === 'attestations') return w.attestations;
      if (resource === 'incidents') return w.incidents;
      if (resource === 'homecare') return w.homecare;
      if (resource === 'units') return caller === 'responder' ? [w.responderUnit] : w.units;
      // No birth is recorded before the run: an id of the right shape, unknown (404 past the gateway).
      if (resource === 'births') return ['00000000-0000-4000-8000-000000000001'];
      if (resource === 'premiums') return w.reconciliations;
      return [...w.attestations, ...w.incidents, ...w.units];
    default:
      return [...w.attestations, ...w.incidents, ...w.entries, ...w.rts.slice(0, 2)];
  }
}

/** A path segment as sent: `raw` is already encoded (or deliberately malformed). */
export interface Segment {
  value: string;
  raw?: string;
}

// biome-ignore format: a list of values, kept compact
const MALFORMED_SEGMENTS = [
  '%', '%zz', '%E0%A4%A', '%ED%A0%80', '%C0%AF', '%2e%2e', '%2F', 'a%2Fb', '%00', '%FF',
];

// ---------------------------------------------------------------------------------------------------------------
// A valid request for a route: an admitted caller, real path parameters, valid query values, an example body.

export type DraftBody =
  | { kind: 'json'; value: unknown; type: string }
  | { kind: 'text'; text: string; type: string }
  | { kind: 'bytes'; bytes: Uint8Array; type: string };

interface Valid {
  caller: Caller;
  params: Segment[];
  query: [string, string][];
  body?: DraftBody;
  idempotencyKey: string;
}

const JSON_TYPE = 'application/json';

function validArb(
  w: FuzzWorld,
  route: RouteDef,
  ex: Example | undefined,
  names: string[],
): fc.Arbitrary<Valid> {
  const admitted: Caller[] =
    route.roles === 'public'
      ? ['none']
      : [...route.roles, ...(route.roles.includes('rt_chair') ? ['rt_chair_other' as const] : [])];
  const pools = ex?.query?.(w) ?? {};
  const required = new Set(ex?.required ?? []);
  const query = fc
    .tuple(
      ...Object.entries(pools)
        .filter(([, pool]) => pool.length)
        .map(([k, pool]) =>
          fc
            .tuple(fc.nat(9), fc.constantFrom(...pool))
            .map(([n, v]): [string, string][] => (required.has(k) || n < 3 ? [[k, v]] : [])),
        ),
    )
    .map((pairs) => pairs.flat());
  const bodies: DraftBody[] = ex?.csv
    ? ex.csv(w).map((text) => ({ kind: 'text', text, type: 'text/csv' }))
    : ex?.bodies
      ? ex.bodies(w).map((value) => ({ kind: 'json', value, type: ex.contentType ?? JSON_TYPE }))
      : [];
  // A route with no example: no body for a GET, an empty JSON object otherwise (mutations make it anything).
  const body = bodies.length
    ? fc.constantFrom(...bodies)
    : fc.constant<DraftBody | undefined>(
        route.method === 'GET' ? undefined : { kind: 'json', value: {}, type: JSON_TYPE },
      );
  const pageOne = fc.constantFrom(...admitted).chain((caller) =>
    fc.record({
      caller: fc.constant(caller),
      params: fc.tuple(...names.map((n) => validParam(w, route, n, caller))),
      query,
      body,
      idempotencyKey: fc.uuid(),
    }),
  );
  // Page two of a list: page one's caller and query, and its cursor (which mutations then forge).
  const pages = w.pages[routeKey(route)] ?? [];
  if (!pages.length) return pageOne;
  const pageTwo = fc.record({ page: fc.constantFrom(...pages), idempotencyKey: fc.uuid() });
  return fc.oneof(
    pageOne,
    pageTwo.map(({ page, idempotencyKey }) => ({
      caller: page.caller,
      params: names.map((n) => ({ value: page.params[n] ?? '' })),
      query: [...page.query, ['cursor', page.cursor] as [string, string]],
      idempotencyKey,
    })),
  );
}

function validParam(w: FuzzWorld, route: RouteDef, name: string, caller: Caller): fc.Arbitrary<Segment> {
  const pool = paramPool(w, route, name, caller);
  return (pool.length ? fc.constantFrom(...pool) : oddSegment).map((value) => ({ value }));
}

// ---------------------------------------------------------------------------------------------------------------
// Mutations: one to three changes to the valid request, each at one place (the caller, a path parameter, a query
// key, a body field, the whole body, a header), with an odd value shaped like the one it replaces (a date by an
// edge date, a number by a number out of range, a cursor by a forged one).

/** Candidate odd values, drawn together; the mutation picks the one that fits what it replaces. */
interface Odd {
  pick: number;
  text: string;
  date: string;
  num: number | Raw;
  value: unknown;
}

const pad = (n: number, len: number) => String(n).padStart(len, '0');
const edgeDate: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.constantFrom('0000-01-01', '9999-12-31', '0001-01-01', '9999-01-01') },
  { weight: 5, arbitrary: fc.constantFrom(...EDGE_DATES) },
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 0, max: 9999 }),
        fc.integer({ min: 0, max: 13 }),
        fc.integer({ min: 0, max: 32 }),
      )
      .map(([y, m, d]) => `${pad(y, 4)}-${pad(m, 2)}-${pad(d, 2)}`),
  },
);

const oddArb: fc.Arbitrary<Odd> = fc.record({
  pick: fc.nat(9),
  text: oddText,
  date: edgeDate,
  num: fc.constantFrom(...ODD_NUMBERS),
  value: oddValue,
});

const DATE_LIKE = /^\d{4}-\d{2}(-\d{2})?$/;
const numText = (n: number | Raw) => (n instanceof Raw ? n.text : String(n));

/** An odd JSON value in place of `current`. */
function oddLike(current: unknown, o: Odd): unknown {
  if (typeof current === 'string' && DATE_LIKE.test(current)) {
    const date = current.length === 7 ? o.date.slice(0, 7) : o.date;
    return o.pick < 6 ? date : o.pick < 8 ? o.text : o.value;
  }
  if (typeof current === 'number') return o.pick < 6 ? o.num : o.pick < 8 ? numText(o.num) : o.value;
  if (typeof current === 'string') return o.pick < 6 ? o.text : o.value;
  return o.pick < 3 ? o.text : o.value;
}

/** Odd text in place of a query or path value `current` (a few KB at most: a longer URL is the gateway's 414). */
function oddTextLike(current: string | undefined, o: Odd): string {
  const text = o.text.length > 2000 ? o.text.slice(0, 2000) : o.text;
  if (current !== undefined && DATE_LIKE.test(current)) {
    return o.pick < 7 ? (current.length === 7 ? o.date.slice(0, 7) : o.date) : text;
  }
  if (current !== undefined && /^-?\d+$/.test(current)) return o.pick < 6 ? numText(o.num) : text;
  return text;
}

function flipByte(cursor: string, at: number, bit: number): string {
  const bytes = Buffer.from(cursor, 'base64url');
  if (bytes.length === 0) return cursor;
  bytes[at % bytes.length]! ^= 1 << (bit % 8);
  return bytes.toString('base64url');
}

/**
 * A cursor this list might have returned, forged from a real one: for a JSON key, one value blanked, made huge,
 * of the wrong type, or dropped (or all but one blanked); for a text key, padded past DynamoDB's key size, cut, or
 * with another resident's NIK.
 */
function derivedCursor(real: string, op: number, at: number, nik: string): string {
  const text = Buffer.from(real, 'base64url').toString('utf8');
  const json = parseJson(text);
  const long = 'z'.repeat(1100);
  if (json && typeof json === 'object' && !Array.isArray(json)) {
    const keys = Object.keys(json);
    if (!keys.length) return b64('{"":""}');
    const k = keys[at % keys.length]!;
    const forged: Record<string, unknown> = { ...json };
    if (op === 0) forged[k] = '';
    else if (op === 1) forged[k] = `${long}${String(forged[k])}`;
    else if (op === 2) for (const other of keys) forged[other] = other === k ? forged[other] : '';
    else if (op === 3) forged[k] = 12345;
    else delete forged[k];
    return b64(JSON.stringify(forged));
  }
  if (op === 0) return b64(`${long}${text}`);
  if (op === 1) return b64(`${long}#${nik}`);
  if (op === 2) return b64(text.slice(0, at % Math.max(1, text.length)));
  if (op === 3) return b64(text.replace(/\d{16}$/, nik));
  return b64(`${text}${long}`);
}

export function forgedCursor(w: FuzzWorld, real: string[]): fc.Arbitrary<string> {
  const nik = fc.constantFrom(...w.people.slice(0, 20).map((p) => p.nik));
  const forged: fc.WeightedArbitrary<string>[] = [
    {
      weight: 3,
      arbitrary: fc.oneof(
        fc.constant(b64(JSON.stringify({ pk: '', sk: '', gsi2pk: `RT#${w.chairRt}`, gsi2sk: '' }))),
        fc.constant(b64(JSON.stringify({ pk: '', sk: '', gsi1pk: 'ST#PENDING_REVIEW', gsi1sk: '' }))),
        fc.constant(
          b64(JSON.stringify({ pk: 'A#x', sk: 'A', gsi1pk: 'ST#APPROVED', gsi1sk: 'z'.repeat(1500) })),
        ),
        fc.constant(b64(JSON.stringify({ pk: 1, sk: null, gsi1pk: ['ST#PENDING_REVIEW'], gsi1sk: {} }))),
        nik.map((n) => b64(`${'z'.repeat(1100)}#${n}`)),
        nik.map((n) => b64(`#${n}`)),
        fc.uint8Array({ maxLength: 400 }).map(b64),
        fc.jsonValue({ maxDepth: 2 }).map((v) => b64(JSON.stringify(v) ?? 'null')),
        fc.string({ unit: 'binary', maxLength: 60 }).map(b64),
        fc.constantFrom('', '=', '!!!', '....', 'eyJ', 'bnVsbA', 'W10', 'e30', hugeA.slice(0, 2001)),
        fc.constantFrom(...w.rts.map(b64), b64('1571999999-001-001'), ...w.usernames.map(b64), ...w.entries),
      ),
    },
  ];
  if (real.length) {
    const one = fc.constantFrom(...real);
    forged.push(
      {
        weight: 6,
        arbitrary: fc
          .tuple(one, fc.constantFrom(0, 0, 0, 1, 1, 2, 3, 4), fc.nat(), nik)
          .map(([c, op, at, n]) => derivedCursor(c, op, at, n)),
      },
      {
        weight: 1,
        arbitrary: fc.tuple(one, fc.nat(), fc.nat(7)).map(([c, at, bit]) => flipByte(c, at, bit)),
      },
      {
        weight: 1,
        arbitrary: fc
          .tuple(one, fc.nat())
          .map(([c, at]) => `${c.slice(0, at % c.length)}${c.slice((at % c.length) + 1)}`),
      },
    );
  }
  return fc.oneof(...forged);
}

/** Keys a route may read but did not list, tried with odd values on any route (a new route's too). */
// biome-ignore format: a list of values, kept compact
const GENERIC_KEYS = [
  'limit', 'cursor', 'area', 'year', 'status', 'from', 'to', 'date', 'month', 'rt', 'role', 'kind', 'order',
];

// biome-ignore format: a list of values, kept compact
const ODD_TYPES = [
  'text/plain', 'application/xml', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x',
  'application/json; charset=utf-16', 'application/vnd.api+json', 'text/csv', 'application/octet-stream',
  'image/png', 'json', '*/*', '',
];

const nonJsonBody: fc.Arbitrary<DraftBody> = fc.oneof(
  fc
    .tuple(
      fc.oneof(
        fc.constantFrom(
          '{',
          '{"a":',
          '[',
          'nul',
          '{"a":1}garbage',
          "{'a':1}",
          'a=1&b=2',
          '<xml/>',
          '\ufeff{}',
          'NaN',
        ),
        fc.constantFrom(deepArray, deepObject, hugeA),
        fc.string({ unit: 'binary', maxLength: 200 }),
      ),
      fc.constantFrom(JSON_TYPE, ...ODD_TYPES),
    )
    .map(([text, type]) => ({ kind: 'text' as const, text, type })),
  fc
    .tuple(
      fc.uint8Array({ maxLength: 300 }),
      fc.constantFrom('application/octet-stream', JSON_TYPE, 'text/csv'),
    )
    .map(([bytes, type]) => ({ kind: 'bytes' as const, bytes, type })),
);

type Mutation =
  | { at: 'caller'; caller: Caller }
  | { at: 'param'; index: number; kind: number; odd: Odd; malformed: string; extra: string }
  | {
      at: 'query';
      key: string;
      op: number;
      odd: Odd;
      cursor: string;
      derive: [number, number, string];
      other: string;
    }
  | {
      at: 'field';
      op: number;
      index: number;
      column: number;
      key: string;
      odd: Odd;
      quote: boolean;
      junk: string;
    }
  | { at: 'body'; op: number; body: DraftBody; value: unknown; type: string }
  | { at: 'header'; name: string; value: string | undefined };

function mutationArb(
  w: FuzzWorld,
  route: RouteDef,
  ex: Example | undefined,
  names: string[],
): fc.Arbitrary<Mutation> {
  const queryKeys = Object.keys(ex?.query?.(w) ?? {});
  const pagedByCursor = queryKeys.includes('cursor') || !!w.pages[routeKey(route)];
  const fields = ex?.csv ? 6 : Math.min(6, Object.keys(ex?.bodies?.(w)[0] ?? {}).length);
  const cursor = forgedCursor(
    w,
    (w.pages[routeKey(route)] ?? []).map((p) => p.cursor),
  );
  const nik = fc.constantFrom(...w.people.slice(0, 20).map((p) => p.nik));
  const parts: fc.WeightedArbitrary<Mutation>[] = [
    {
      weight: 2,
      arbitrary: fc
        .oneof(fc.constantFrom<Caller>(...ROLES, 'rt_chair_other'), fc.constantFrom<Caller>(...BAD_CALLERS))
        .map((caller) => ({ at: 'caller' as const, caller })),
    },
    {
      weight: 2 + 2 * queryKeys.length + (pagedByCursor ? 6 : 0),
      arbitrary: fc.record({
        at: fc.constant('query' as const),
        // Listed keys most, the cursor above all; sometimes a key the route never reads.
        key: fc.oneof(
          {
            weight: queryKeys.length ? 6 : 0,
            arbitrary: queryKeys.length ? fc.constantFrom(...queryKeys) : fc.constant(''),
          },
          { weight: pagedByCursor ? 6 : 0, arbitrary: fc.constant('cursor') },
          { weight: 2, arbitrary: fc.constantFrom(...GENERIC_KEYS) },
          { weight: 1, arbitrary: fc.string({ maxLength: 12 }) },
        ),
        // 0–6 set the key to an odd value, 7 drops it, 8 sends it twice, 9 appends a malformed query.
        op: fc.nat(9),
        odd: oddArb,
        cursor,
        derive: fc.tuple(fc.constantFrom(0, 0, 0, 1, 1, 2, 3, 4), fc.nat(), nik),
        other: fc.constantFrom('%zz=%', '&&&', '=', 'cursor', 'limit=%E0%A4%A', 'a[b]=1&a[c]=2', '%00=%00'),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({
        at: fc.constant('body' as const),
        // 0 random JSON, 1 an odd value as the whole body, 2 not JSON, 3 no body, 4 the body under an odd type.
        op: fc.nat(4),
        body: nonJsonBody,
        value: fc.oneof(fc.jsonValue({ maxDepth: 4 }), oddValue),
        type: fc.constantFrom(...ODD_TYPES),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.oneof(
        fc
          .constantFrom(
            undefined,
            '',
            'x',
            'a'.repeat(300),
            '../../',
            '"quoted"',
            '\u00ff\u00fe',
            'fuzz-replayed-key-0001',
          )
          .map((value) => ({ at: 'header' as const, name: 'idempotency-key', value })),
        fc
          .constantFrom(
            'application/json',
            'text/html',
            '*/*',
            'text/html,application/json;q=0.9',
            'image/png',
            '',
          )
          .map((value) => ({ at: 'header' as const, name: 'accept', value })),
        fc
          .constantFrom<[string, string]>(
            ['x-forwarded-proto', 'javascript'],
            ['x-forwarded-proto', 'a'.repeat(2000)],
            ['host', 'evil.example'],
            ['accept-encoding', 'gzip'],
            ['if-none-match', '"x"'],
            ['cookie', 'a=b; c'],
            ['content-encoding', 'gzip'],
            ['x-amzn-trace-id', 'Root=1-00000000-000000000000000000000000'],
          )
          .map(([name, value]) => ({ at: 'header' as const, name, value })),
      ),
    },
  ];
  if (names.length) {
    parts.push({
      weight: 3 * names.length,
      arbitrary: fc.record({
        at: fc.constant('param' as const),
        index: fc.nat(names.length - 1),
        // 0–5 an odd value, 6–8 the valid one a character off, 9 malformed percent-encoding.
        kind: fc.nat(9),
        odd: oddArb,
        malformed: fc.constantFrom(...MALFORMED_SEGMENTS),
        extra: fc.constantFrom(' ', 'x', '0', '\u00a0', '-', ''),
      }),
    });
  }
  if (fields || route.method !== 'GET') {
    parts.push({
      weight: 2 * Math.max(1, fields),
      arbitrary: fc.record({
        at: fc.constant('field' as const),
        // 0–5 set a field to an odd value, 6–7 drop one, 8–9 add one (CSV: a cell, a column, a junk line, …).
        op: fc.nat(9),
        index: fc.nat(),
        column: fc.nat(),
        key: fc.oneof(
          fc.constantFrom('__proto__', 'constructor', 'pk', 'sk', 'version', 'status', 'rt', ''),
          fc.string({ maxLength: 12 }),
        ),
        odd: oddArb,
        quote: fc.boolean(),
        junk: fc.string({ unit: 'binary', maxLength: 200 }),
      }),
    });
  }
  return fc.oneof(...parts);
}

type PathKey = (string | number)[];

/** Every node below the root: the places a mutation can touch. */
function nodes(v: unknown, prefix: PathKey = []): PathKey[] {
  if (Array.isArray(v)) return v.flatMap((x, i) => [[...prefix, i], ...nodes(x, [...prefix, i])]);
  if (v && typeof v === 'object' && !(v instanceof Raw)) {
    return Object.entries(v).flatMap(([k, x]) => [[...prefix, k], ...nodes(x, [...prefix, k])]);
  }
  return [];
}

function nodeAt(root: unknown, path: PathKey): unknown {
  let at = root as Record<string | number, unknown> | undefined;
  for (const k of path) at = at?.[k] as Record<string | number, unknown> | undefined;
  return at;
}

/** A fresh copy of an odd value: fast-check hands out the same constant each time, and a mutation must not edit it. */
const fresh = (v: unknown) => (v instanceof Raw ? v : structuredClone(v));

/** One CSV cell quoted or not, as a spreadsheet might write it. */
const csvCell = (s: string, quote: boolean) => (quote ? `"${s.replaceAll('"', '""')}"` : s);

function mutateCsv(csv: string, m: Extract<Mutation, { at: 'field' }>): { text: string; note: string } {
  const table = csv
    .split('\n')
    .filter(Boolean)
    .map((l) => l.split(','));
  const join = (t: string[][]) => `${t.map((r) => r.join(',')).join('\n')}\n`;
  // An earlier mutation of the same case may have emptied the body: there is no cell to set.
  if (!table.length) return { text: `${csv}${m.junk}\n`, note: 'CSV junk line (the body was empty)' };
  const width = table[0]!.length;
  const col = m.column % width;
  if (m.op <= 4) {
    const row = table[1 + (m.index % Math.max(1, table.length - 1))] ?? table[0]!;
    row[col] = csvCell(m.odd.pick < 5 && DATE_LIKE.test(row[col] ?? '') ? m.odd.date : m.odd.text, m.quote);
    return { text: join(table), note: `CSV cell ${col} set` };
  }
  if (m.op === 5)
    return { text: join(table.map((r) => r.filter((_, i) => i !== col))), note: `CSV column ${col} dropped` };
  if (m.op === 6) return { text: `${csv}${m.junk}\n`, note: 'CSV junk line' };
  if (m.op === 7) return { text: `\ufeff${csv.replaceAll('\n', '\r\n')}`, note: 'CSV with BOM and CRLF' };
  if (m.op === 8) {
    const [head, first] = csv.split('\n');
    return {
      text: `${head}\n${Array.from({ length: 150 }, () => first).join('\n')}\n`,
      note: 'CSV row 150 times',
    };
  }
  return { text: `${csv.split('\n')[0]}\n=HYPERLINK("x"),+1,-1,@SUM(A1)\n`, note: 'CSV formulas' };
}

/** What a query key's values look like when the request does not carry it: a date, a month, a number. */
const GENERIC_SHAPES: Record<string, string> = {
  from: '2026-01-01',
  to: '2026-01-01',
  date: '2026-01-01',
  month: '2026-01',
  year: '2026',
  limit: '10',
};

/** Applies the mutations to a copy of the valid request. */
function applyMutations(
  v: Valid,
  names: string[],
  shapes: Record<string, string>,
  mutations: Mutation[],
): Omit<Draft, 'route'> {
  let caller = v.caller;
  const params = v.params.map((p) => ({ ...p }));
  let query = v.query.map(([k, x]): [string, string] => [k, x]);
  let rawQuery = '';
  let body: DraftBody | undefined =
    v.body?.kind === 'json' ? { ...v.body, value: structuredClone(v.body.value) } : v.body && { ...v.body };
  const headers: Record<string, string> = { 'idempotency-key': v.idempotencyKey };
  const notes: string[] = [];
  for (const m of mutations) {
    switch (m.at) {
      case 'caller':
        caller = m.caller;
        notes.push(`caller ${m.caller}`);
        break;
      case 'param': {
        const i = m.index % params.length;
        const current = params[i]!.value;
        params[i] =
          m.kind <= 5
            ? { value: oddTextLike(current, m.odd) }
            : m.kind <= 8
              ? { value: m.extra ? `${current}${m.extra}` : current.slice(0, -1) }
              : { value: m.malformed, raw: m.malformed };
        notes.push(`path {${names[i]}} odd`);
        break;
      }
      case 'query': {
        const current = query.find(([k]) => k === m.key)?.[1];
        const shape = current ?? shapes[m.key] ?? GENERIC_SHAPES[m.key];
        const rest = query.filter(([k]) => k !== m.key);
        if (m.op <= 6) {
          // A cursor: mostly one forged from the request's own (page two's real one), else any forgery.
          const value =
            m.key !== 'cursor' || m.odd.pick >= 8
              ? oddTextLike(shape, m.odd)
              : current && m.odd.pick < 7
                ? derivedCursor(current, ...m.derive)
                : m.cursor;
          query = [...rest, [m.key, value]];
          notes.push(`query ${m.key} odd`);
        } else if (m.op === 7) {
          query = rest;
          notes.push(`query ${m.key} dropped`);
        } else if (m.op === 8) {
          query = [...query, [m.key, oddTextLike(shape, m.odd)]];
          notes.push(`query ${m.key} twice`);
        } else {
          rawQuery = m.other;
          notes.push('query malformed');
        }
        break;
      }
      case 'field': {
        if (body?.kind === 'text') {
          const out = mutateCsv(body.text, m);
          body = { ...body, text: out.text };
          notes.push(out.note);
          break;
        }
        if (body?.kind !== 'json') break;
        const all = nodes(body.value);
        if (m.op <= 5 && all.length) {
          const path = all[m.index % all.length]!;
          const parent = nodeAt(body.value, path.slice(0, -1)) as Record<string | number, unknown>;
          parent[path.at(-1)!] = fresh(oddLike(parent[path.at(-1)!], m.odd));
          notes.push(`body ${path.join('.')} odd`);
        } else if (m.op <= 7 && all.length) {
          const path = all[m.index % all.length]!;
          const parent = nodeAt(body.value, path.slice(0, -1)) as Record<string | number, unknown>;
          if (Array.isArray(parent)) parent.splice(Number(path.at(-1)), 1);
          else delete parent[path.at(-1)!];
          notes.push(`body ${path.join('.')} dropped`);
        } else {
          const objects = [[], ...all].filter((p) => {
            const n = nodeAt(body?.kind === 'json' ? body.value : undefined, p);
            return !!n && typeof n === 'object' && !Array.isArray(n) && !(n instanceof Raw);
          });
          const path = objects[m.index % Math.max(1, objects.length)];
          const target = path && nodeAt(body.value, path);
          if (!target || typeof target !== 'object') break;
          // defineProperty: a key named __proto__ becomes a plain own key, as JSON.parse makes it.
          Object.defineProperty(target, m.key, {
            value: fresh(m.odd.value),
            enumerable: true,
            writable: true,
            configurable: true,
          });
          notes.push(`body ${[...path, m.key].join('.')} added`);
        }
        break;
      }
      case 'body':
        if (m.op === 0 || m.op === 1) {
          body = { kind: 'json', value: fresh(m.value), type: JSON_TYPE };
          notes.push('random JSON body');
        } else if (m.op === 2) {
          body = m.body;
          notes.push('body not JSON');
        } else if (m.op === 4 && body) {
          body = { ...body, type: m.type };
          notes.push(`content-type ${m.type || '(empty)'}`);
        } else {
          body = undefined;
          notes.push('no body');
        }
        break;
      case 'header':
        if (m.value === undefined) delete headers[m.name];
        else headers[m.name] = headerSafe(m.value);
        notes.push(`header ${m.name}${m.value === undefined ? ' dropped' : `: ${m.value.slice(0, 20)}`}`);
        break;
    }
  }
  return {
    caller,
    params: Object.fromEntries(names.map((n, i) => [n, params[i]!])),
    query,
    rawQuery,
    headers,
    ...(body ? { body } : {}),
    notes,
  };
}

/** Header values node:http can send: printable ASCII and Latin-1 (anything else it refuses before sending). */
const headerSafe = (s: string) => s.replace(/[^\t\x20-\x7e\x80-\xff]/g, '?');

function authorization(w: FuzzWorld, caller: Caller): string | undefined {
  switch (caller) {
    case 'none':
      return undefined;
    case 'basic':
      return 'Basic ZnV6ejpmdXp6';
    case 'huge':
      return `Bearer ${hugeA}`;
    default:
      return `Bearer ${w.tokens[caller] ?? ''}`;
  }
}

// ---------------------------------------------------------------------------------------------------------------
// A generated request (a draft), and the request sent.

export interface Draft {
  route: RouteDef;
  caller: Caller;
  params: Record<string, Segment>;
  query: [string, string][];
  rawQuery: string;
  headers: Record<string, string>;
  body?: DraftBody;
  notes: string[];
}

export interface FuzzRequest {
  key: string;
  route: RouteDef;
  caller: Caller;
  method: string;
  /** The path and query as sent. */
  path: string;
  headers: Record<string, string>;
  body?: Buffer;
  notes: string[];
  /** All the caller sent, decoded (base64url query values too): what the answer may echo without leaking. */
  sent: string;
}

/** Percent-encodes a segment; a lone surrogate becomes its (invalid) UTF-8 bytes, which the gateway must refuse. */
function pctEncode(s: string): string {
  try {
    return encodeURIComponent(s).replaceAll('.', '%2E');
  } catch {
    return [...s]
      .map((ch) => {
        const c = ch.charCodeAt(0);
        if (ch.length === 1 && c >= 0xd800 && c <= 0xdfff) {
          return `%${(0xe0 | (c >> 12)).toString(16)}%${(0x80 | ((c >> 6) & 0x3f)).toString(16)}%${(0x80 | (c & 0x3f)).toString(16)}`.toUpperCase();
        }
        return encodeURIComponent(ch);
      })
      .join('');
  }
}

export const paramNames = (path: string) => [...path.matchAll(/\{(\w+)\+?\}/g)].map((m) => m[1]!);

function serialise(value: unknown): string {
  const raws: string[] = [];
  const text =
    JSON.stringify(value, (_k, v) => {
      if (v instanceof Raw) {
        raws.push(v.text);
        return `@@RAW${raws.length - 1}@@`;
      }
      return v;
    }) ?? '';
  return text.replace(/"@@RAW(\d+)@@"/g, (_m, i) => raws[Number(i)]!);
}

function decodedQuery(value: string): string {
  const decoded = Buffer.from(value, 'base64url').toString('utf8');
  return `${value} ${decoded}`;
}

export function build(w: FuzzWorld, d: Draft): FuzzRequest {
  let path = d.route.path.replace(/\{(\w+)(\+?)\}/g, (_m, name: string, greedy: string) => {
    const seg = d.params[name]!;
    if (seg.raw !== undefined) return seg.raw;
    return greedy ? seg.value.split('/').map(pctEncode).join('/') : pctEncode(seg.value);
  });
  const qs = new URLSearchParams(d.query).toString();
  const query = [qs, d.rawQuery].filter(Boolean).join('&');
  if (query) path += `?${query}`;
  const headers: Record<string, string> = { ...d.headers };
  const auth = authorization(w, d.caller);
  if (auth !== undefined) headers.authorization = auth;
  let body: Buffer | undefined;
  if (d.body) {
    const b = d.body;
    body =
      b.kind === 'json'
        ? Buffer.from(serialise(b.value))
        : b.kind === 'text'
          ? Buffer.from(b.text)
          : Buffer.from(b.bytes);
    headers['content-type'] = b.type;
    // Framed by length whatever the method: node:http would send a GET's body unframed, as a next request.
    headers['content-length'] = String(body.length);
  }
  const sent = [
    path,
    ...Object.values(d.params).map((s) => s.value),
    ...d.query.map(([k, v]) => `${k}=${decodedQuery(v)}`),
    body?.toString('utf8') ?? '',
    ...Object.values(headers),
  ].join('\n');
  return {
    key: routeKey(d.route),
    route: d.route,
    caller: d.caller,
    method: d.route.method,
    path,
    headers,
    ...(body ? { body } : {}),
    notes: d.notes,
    sent,
  };
}

/**
 * Every request for one route: a valid one (an admitted caller, real parameters, an example body), mostly changed
 * at one to three places. A new route with no example is fuzzed all the same.
 */
export function routeArb(w: FuzzWorld, route: RouteDef): fc.Arbitrary<Draft> {
  const ex = EXAMPLES[routeKey(route)];
  const names = paramNames(route.path);
  const mutation = mutationArb(w, route, ex, names);
  const shapes = Object.fromEntries(
    Object.entries(ex?.query?.(w) ?? {}).flatMap(([k, pool]) => (pool[0] ? [[k, pool[0]]] : [])),
  );
  return fc
    .record({
      valid: validArb(w, route, ex, names),
      mutations: fc.oneof(
        { weight: 2, arbitrary: fc.constant<Mutation[]>([]) },
        { weight: 6, arbitrary: fc.tuple(mutation) },
        { weight: 2, arbitrary: fc.array(mutation, { minLength: 2, maxLength: 3 }) },
      ),
    })
    .map(({ valid, mutations }) => {
      const draft: Draft = { route, ...applyMutations(valid, names, shapes, mutations) };
      const kept = ex?.protect ? ex.protect(draft, w) : draft;
      // Printed by fast-check as the counterexample: short, and without raw personal data.
      return Object.assign(kept, { [fc.toStringMethod]: () => describeRequest(w, build(w, kept)) });
    });
}

/** Requests over every route of the table, each route as likely as any other. */
export function requestArb(w: FuzzWorld, routes: readonly RouteDef[] = ROUTES): fc.Arbitrary<Draft> {
  return fc.oneof(...routes.map((r) => routeArb(w, r)));
}

// ---------------------------------------------------------------------------------------------------------------
// Sending.

export interface FuzzResponse {
  status: number;
  type: string;
  text: string;
  /** A broken connection, a timeout: anything but an answer. */
  error?: string;
  ms: number;
}

const agent = new Agent({ keepAlive: true, maxSockets: 1 });

export function send(w: FuzzWorld, req: FuzzRequest, timeoutMs = 60_000): Promise<FuzzResponse> {
  const started = performance.now();
  const done = (r: Omit<FuzzResponse, 'ms'>): FuzzResponse => ({ ...r, ms: performance.now() - started });
  return new Promise((resolve) => {
    let http: ReturnType<typeof request>;
    try {
      http = request(
        new URL(w.base),
        { method: req.method, path: req.path, headers: req.headers, agent },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve(
              done({
                status: res.statusCode ?? 0,
                type: String(res.headers['content-type'] ?? ''),
                text: Buffer.concat(chunks).toString('utf8'),
              }),
            ),
          );
          res.on('error', (e) =>
            resolve(done({ status: 0, type: '', text: '', error: `${e.name}: ${e.message}` })),
          );
        },
      );
    } catch (e) {
      // node:http refused to send it (an invalid header): not the server's doing.
      resolve(done({ status: -1, type: '', text: '', error: `not sent: ${(e as Error).message}` }));
      return;
    }
    http.setTimeout(timeoutMs, () => http.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    http.on('error', (e) =>
      resolve(
        done({
          status: 0,
          type: '',
          text: '',
          error: `${(e as NodeJS.ErrnoException).code ?? e.name}: ${e.message}`,
        }),
      ),
    );
    http.end(req.body);
  });
}

// ---------------------------------------------------------------------------------------------------------------
// The property.

/** Routes that answer pages, CSV or files on purpose: for them only the status is checked. */
export const TEXT_ROUTES = new Set([
  'GET /rt',
  'GET /rt/{proxy+}',
  'GET /console',
  'GET /console/{proxy+}',
  'GET /dana',
  'GET /dana/{proxy+}',
  'GET /verify/{code}',
  'GET /a/{token}',
  'POST /a/{token}',
  'GET /attestations/{id}/letter',
  'GET /funds/{rt}/{year}/export.csv',
]);

const clinicKel = new WeakMap<FuzzWorld, Set<string>>();
/** The kelurahan (digits, as in RT codes) of the clinic caller's puskesmas. */
function clinicKelurahan(w: FuzzWorld): Set<string> {
  let set = clinicKel.get(w);
  if (!set) {
    const own = w.puskesmas.find((p) => p.code === w.clinicPuskesmas)?.kelurahan ?? [];
    set = new Set(own.map((k) => k.replaceAll('.', '')));
    clinicKel.set(w, set);
  }
  return set;
}

/** Callers who may see any resident's data (city-wide roles; the call centre sees its patients). */
const SEES_EVERYONE = new Set<Caller>(['city_admin', 'social_verifier', 'operator']);

function parseJson(text: string): Json | undefined {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const undecodable = (path: string) =>
  path
    .split('?')[0]!
    .split('/')
    .some((s) => {
      try {
        decodeURIComponent(s);
        return false;
      } catch {
        return true;
      }
    });

/** Runs of digits in a text, and their windows of a given length. */
function* windows(text: string, min: number, lengths: number[]): Generator<string> {
  for (const m of text.matchAll(new RegExp(`\\d{${min},}`, 'g'))) {
    const run = m[0];
    for (const len of lengths) for (let i = 0; i + len <= run.length; i++) yield run.slice(i, i + len);
  }
}

function peopleIn(w: FuzzWorld, text: string, sent: string): { nik: Person[]; phone: Person[] } {
  const nik = new Map<number, Person>();
  const phone = new Map<number, Person>();
  for (const win of windows(text, 16, [16])) {
    const p = w.nikIndex.get(win);
    if (p && !sent.includes(win)) nik.set(p.n, p);
  }
  for (const win of windows(text, Math.min(...w.phoneLengths), w.phoneLengths)) {
    const p = w.phoneIndex.get(win);
    if (p && !sent.includes(win)) phone.set(p.n, p);
  }
  return { nik: [...nik.values()], phone: [...phone.values()] };
}

/** What is wrong with this answer to this request; empty when the property holds. */
export function violations(w: FuzzWorld, req: FuzzRequest, res: FuzzResponse): string[] {
  if (res.status === -1) return [];
  if (res.error) return [`no answer (${res.error})`];
  const out: string[] = [];
  if (res.status >= 500) out.push(`answered ${res.status}`);
  const json = /json/i.test(res.type) ? parseJson(res.text) : undefined;
  // What the gateway answers before any function runs (a token refused, a body or headers too large, a path it
  // cannot decode): {message} alone, on every route.
  const gatewaySaid =
    !!json &&
    Object.keys(json).length === 1 &&
    typeof json.message === 'string' &&
    [401, 413, 414, 431].includes(res.status);
  if (req.route.path.startsWith('/fhir/') && res.status >= 400 && res.status < 500 && !gatewaySaid) {
    // The FHIR facade answers OperationOutcome resources (a 401 is the authorizer's, before it): a 400 names the
    // parameter or element in `expression`, any other its reason in `diagnostics`.
    const issues: Json[] =
      json?.resourceType === 'OperationOutcome' && Array.isArray(json.issue) ? json.issue : [];
    const said =
      issues.length > 0 &&
      issues.every((i) =>
        res.status === 400
          ? i?.code === 'invalid' &&
            Array.isArray(i.expression) &&
            i.expression.every((e: Json) => typeof e === 'string' && e.length > 0) &&
            i.expression.length > 0
          : typeof i?.code === 'string' && typeof i.diagnostics === 'string' && i.diagnostics.length > 0,
      );
    if (!said && !(res.status === 400 && json?.message === 'Bad Request' && undecodable(req.path)))
      out.push(
        `${res.status} without an OperationOutcome ${res.status === 400 ? 'naming the field' : 'saying why'}`,
      );
  } else if (res.status === 400) {
    const gateway =
      json && json.message === 'Bad Request' && Object.keys(json).length === 1 && undecodable(req.path);
    const issues = json?.issues;
    const named =
      json?.error === 'ValidationError' &&
      Array.isArray(issues) &&
      issues.length > 0 &&
      issues.every(
        (i: Json) =>
          typeof i?.path === 'string' &&
          i.path.length > 0 &&
          typeof i.message === 'string' &&
          i.message.length > 0,
      );
    if (!gateway && !named)
      out.push('400 without {error: ValidationError, issues: [{path, message}]} naming a field');
  } else if (res.status > 400 && res.status < 500) {
    // A page or a file route answers its own way (the verify route's {valid: false}, a static 404): status only.
    if (!TEXT_ROUTES.has(req.key) && !(typeof json?.message === 'string' && json.message.length > 0)) {
      out.push(`${res.status} without a JSON body with a message`);
    }
  }
  if (res.status >= 400 && res.status < 500) {
    for (const win of windows(res.text, 16, [16])) {
      if (!req.sent.includes(win)) {
        out.push(`${res.status} names a 16-digit number the request did not carry (${mask(w, win)})`);
        break;
      }
    }
  }
  const mayNotSee = (p: Person) =>
    req.route.roles === 'public' ||
    !isRoleCaller(req.caller) ||
    (!SEES_EVERYONE.has(req.caller) &&
      !(req.caller === 'rt_chair' && p.rts.includes(w.chairRt)) &&
      !(req.caller === 'rt_chair_other' && p.rts.includes(w.otherRt)) &&
      // A kader works in the chair's RT: the residents they visit, and the register's kader there.
      !(req.caller === 'kader' && p.rts.includes(w.chairRt)) &&
      // A clinic sees the patients of its puskesmas (homecare): residents of the kelurahan it serves.
      !(req.caller === 'clinic' && p.rts.some((rt) => clinicKelurahan(w).has(rt.slice(0, 10)))));
  const seen = peopleIn(w, res.text, req.sent);
  const nik = seen.nik.filter(mayNotSee);
  const phone = seen.phone.filter(mayNotSee);
  if (nik.length)
    out.push(
      `${res.status} shows ${nik.length} resident NIK(s) to ${req.caller} (${nik
        .slice(0, 3)
        .map((p) => `NIK#${p.n}`)
        .join(', ')})`,
    );
  if (phone.length) out.push(`${res.status} shows ${phone.length} resident phone(s) to ${req.caller}`);
  return out;
}

/** Whether the request got past the gateway and the authorizer into the handler's own logic. */
export function reachedHandler(res: FuzzResponse): boolean {
  if (res.status >= 200 && res.status < 400) return true;
  if (res.status < 400 || res.status >= 500) return false;
  const json = /json/i.test(res.type) ? parseJson(res.text) : undefined;
  // The gateway answers in JSON: a page or a file is the handler's own.
  if (!json && res.text) return true;
  if (json?.error === 'ValidationError') return true;
  if (json?.resourceType === 'OperationOutcome')
    return json.issue?.[0]?.code !== 'login' && json.issue?.[0]?.code !== 'forbidden';
  return typeof json?.error === 'string' && json.error !== 'Unauthorized' && json.error !== 'Forbidden';
}

// ---------------------------------------------------------------------------------------------------------------
// Messages: enough to reproduce, never a raw NIK or phone (the log guard would rightly refuse them).

export function mask(w: FuzzWorld, text: string): string {
  let out = text.replace(/\d{16}/g, (m) => {
    const p = w.nikIndex.get(m);
    return p ? `<NIK#${p.n}>` : m;
  });
  for (const f of findPersonalData(out))
    out = out.replaceAll(f.value, f.kind === 'NIK' ? `<NIK …${f.value.slice(-4)}>` : '<phone>');
  return out;
}

// Control, bidi and surrogate characters, shown escaped so a message reads as it was sent.
// biome-ignore lint/suspicious/noControlCharactersInRegex: the very characters a message must show escaped
const UNPRINTABLE = /[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069\ud800-\udfff]/g;
const cut = (s: string, n: number) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);
const printable = (s: string) =>
  s.replace(UNPRINTABLE, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);

export function describeRequest(w: FuzzWorld, req: FuzzRequest): string {
  const headers = Object.entries(req.headers)
    .filter(([k]) => k !== 'authorization')
    .map(([k, v]) => `${k}: ${cut(v, 60)}`)
    .join('; ');
  const auth = req.headers.authorization;
  const lines = [
    `${req.method} ${cut(req.path, 300)}  as ${req.caller}${auth && auth.length > 2000 ? ` (authorization ${auth.length} chars)` : ''}`,
    `  route ${req.key}${req.notes.length ? `; ${req.notes.join('; ')}` : ''}`,
    headers ? `  headers ${headers}` : '',
    req.body ? `  body ${cut(req.body.toString('utf8'), 400)}` : '',
  ];
  return mask(w, lines.filter(Boolean).map(printable).join('\n'));
}

export function describeResponse(w: FuzzWorld, res: FuzzResponse): string {
  if (res.error) return `  → ${res.error}`;
  return mask(w, printable(`  → ${res.status} ${res.type} ${cut(res.text, 400)}`));
}

export interface Outcome {
  req: FuzzRequest;
  res: FuzzResponse;
  problems: string[];
}

/** Sends one generated request and checks the answer. */
export async function fuzzOnce(w: FuzzWorld, d: Draft): Promise<Outcome> {
  const req = build(w, d);
  const res = await send(w, req);
  return { req, res, problems: violations(w, req, res) };
}

export function describeOutcome(w: FuzzWorld, o: Outcome): string {
  return [...o.problems.map((p) => `✗ ${p}`), describeRequest(w, o.req), describeResponse(w, o.res)].join(
    '\n',
  );
}

// ---------------------------------------------------------------------------------------------------------------
// Reports: failures deduplicated, and per-route status histograms.

/** One line per kind of failure: the route, the caller's kind, what broke, and the answer's error with ids and numbers cut. */
function failureKey(o: Outcome, problem: string): string {
  const json = parseJson(o.res.text);
  const what = o.res.error
    ? o.res.error.replace(/\d+/g, 'N')
    : `${json?.error ?? ''} ${String(json?.message ?? '').replace(/[0-9a-f-]{8,}|\d+/gi, 'N')}`.trim();
  const caller = isRoleCaller(o.req.caller) ? 'role' : o.req.caller;
  return `${o.req.key} | ${caller} | ${problem.replace(/\(.*\)/, '').replace(/\d+ resident/, 'N resident')} | ${what}`;
}

export class FailureLog {
  private readonly byKey = new Map<string, { count: number; first: Outcome }>();

  add(o: Outcome): void {
    for (const p of o.problems) {
      const k = failureKey(o, p);
      const seen = this.byKey.get(k);
      if (seen) seen.count++;
      else this.byKey.set(k, { count: 1, first: o });
    }
  }

  get size(): number {
    return this.byKey.size;
  }

  report(w: FuzzWorld): string {
    const rows = [...this.byKey.entries()].sort(([a], [b]) => a.localeCompare(b));
    return rows
      .map(([k, { count, first }], i) => `#${i + 1} ×${count}  ${k}\n${describeOutcome(w, first)}`)
      .join('\n\n');
  }
}

// biome-ignore format: a list of values, kept compact
const CLASSES = [
  '2xx', '3xx', '400', '401', '403', '404', '405', '409', '413', '415', '422', '429', '4xx', '5xx', 'err',
] as const;

export class Histogram {
  private readonly rows = new Map<string, Record<string, number>>();

  add(req: FuzzRequest, res: FuzzResponse): void {
    const row = this.rows.get(req.key) ?? { deep: 0, n: 0 };
    const s = res.status;
    const cls = res.error
      ? 'err'
      : s >= 500
        ? '5xx'
        : s >= 300 && s < 400
          ? '3xx'
          : s < 300
            ? '2xx'
            : (CLASSES as readonly string[]).includes(String(s))
              ? String(s)
              : '4xx';
    row[cls] = (row[cls] ?? 0) + 1;
    row.n = (row.n ?? 0) + 1;
    row.ms = (row.ms ?? 0) + res.ms;
    if (reachedHandler(res)) row.deep = (row.deep ?? 0) + 1;
    this.rows.set(req.key, row);
  }

  get(key: string): Record<string, number> | undefined {
    return this.rows.get(key);
  }

  table(): string {
    const keys = [...this.rows.keys()];
    const width = Math.max(...keys.map((k) => k.length));
    const cols = CLASSES.filter((c) => keys.some((k) => this.rows.get(k)![c]));
    const head = `${'route'.padEnd(width)}  ${['n', 'deep', ...cols].map((c) => c.padStart(4)).join(' ')}  ms/req`;
    const lines = keys.map((k) => {
      const r = this.rows.get(k)!;
      const cells = ['n', 'deep', ...cols].map((c) => String(r[c] ?? '·').padStart(4)).join(' ');
      return `${k.padEnd(width)}  ${cells}  ${((r.ms ?? 0) / (r.n ?? 1)).toFixed(0).padStart(6)}`;
    });
    return [head, ...lines].join('\n');
  }
}
