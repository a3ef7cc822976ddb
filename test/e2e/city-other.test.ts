// End to end over HTTP, through the whole local system with demo data, for cities other than the default 15.71:
// 21.72 and 33.71, one after the other (a process holds one city at a time). Each answers with its own regions from
// idn-area-data, puts its demo RTs, residents and units in its own kelurahan, prints its own name on an RT chair's
// letter and in the resident's SMS (without the card name only 15.71 has), refuses another city's areas, and will
// not open another city's data as its own. No region name is written here: every name comes from the package.
import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SmsEntry } from '../../infra/local/outbox.ts';
import { type LocalSystem, startLocalSystem } from '../../infra/local/system.ts';
import { cityRegionsFromPackage } from '../../infra/regions.ts';
import { kelurahanOfRt, placeOf, setCityRegions } from '../../shared/city/regions.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { httpClient, issuePaths, type Json } from '../support/http.ts';
import { useFreshTables } from '../support/tables.ts';

const JAMBI = '15.71';
const TANJUNG_PINANG = '21.72';
const MAGELANG = '33.71';

let sys: LocalSystem | undefined;
const call = httpClient(() => sys!.url);

/** Starts the local system, seeded, as the given city (CITY_CODE), on fresh tables. */
async function startAs(code: string): Promise<{ dynamoEndpoint: string; token: Record<string, string> }> {
  process.env.CITY_CODE = code;
  delete process.env.PBI_APBD_CARD_NAME;
  const dynamoEndpoint = await useFreshTables();
  sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: true });
  const token: Record<string, string> = {};
  for (const role of ['city_admin', 'operator', 'clinic']) {
    const res = await call('POST', '/auth/dev-token', { json: { role } });
    expect(res.status, res.text).toBe(200);
    token[role] = res.body.token;
  }
  return { dynamoEndpoint, token };
}

/** Stops the system and puts the default city back, as every other test file expects it. */
async function stopAndRestoreDefaultCity(): Promise<void> {
  await sys?.stop();
  sys = undefined;
  delete process.env.CITY_CODE;
  resetConfig();
  setCityRegions(cityRegionsFromPackage(JAMBI));
}

/** Every kelurahan of a city, from the package, by code. */
const kelurahanOf = (code: string) => cityRegionsFromPackage(code).kecamatan.flatMap((k) => k.kelurahan);

/** A kelurahan of the city 15.71, from the package. */
const jambiKelurahan = () => cityRegionsFromPackage(JAMBI).kecamatan[0]!.kelurahan[0]!;

describe('the city 21.72, seeded', () => {
  const regions = cityRegionsFromPackage(TANJUNG_PINANG);
  const cityName = regions.city.name;
  let dynamoEndpoint: string;
  let token: Record<string, string>;

  beforeAll(async () => {
    ({ dynamoEndpoint, token } = await startAs(TANJUNG_PINANG));
  });

  afterAll(stopAndRestoreDefaultCity);

  it('answers GET /regions with the city, its kecamatan and their kelurahan as idn-area-data lists them', async () => {
    expect(regions.city.code).toBe(TANJUNG_PINANG);
    expect(regions.kecamatan).toHaveLength(4);
    for (const role of ['city_admin', 'operator', 'clinic']) {
      const res = await call('GET', '/regions', { as: token[role] });
      expect(res.status, res.text).toBe(200);
      expect(res.body).toEqual(regions);
    }
  });

  it('seeds 12 RTs, 500 residents, 12 units and a demo puskesmas per kecamatan of the demo RTs, named from the package', async () => {
    // Six demo kelurahan over the city's four kecamatan.
    expect(sys!.seeded).toEqual({ rts: 12, residents: 500, units: 12, puskesmas: 4 });
    const pkm = await call('GET', '/puskesmas', { as: token.city_admin });
    expect(pkm.body.items.map((p: { name: string }) => p.name)).toEqual(
      regions.kecamatan.map((k) => `Puskesmas Demo Kec. ${k.name} (data demo)`),
    );
    const res = await call('GET', '/rts?limit=100', { as: token.city_admin });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ area: TANJUNG_PINANG, name: cityName, cursor: null });
    expect(res.body.items).toHaveLength(12);
    const names = new Map(kelurahanOf(TANJUNG_PINANG).map((k) => [k.code, k.name]));
    const kecamatanNames = new Map(regions.kecamatan.map((k) => [k.code, k.name]));
    for (const rt of res.body.items as Json[]) {
      expect(rt.kelurahan.code.startsWith(`${TANJUNG_PINANG}.`), rt.rt).toBe(true);
      expect(rt.kelurahan.code).toBe(kelurahanOfRt(rt.rt));
      expect(rt.kelurahan.name).toBe(names.get(rt.kelurahan.code));
      expect(rt.kecamatan.code).toBe(rt.kelurahan.code.slice(0, 8));
      expect(rt.kecamatan.name).toBe(kecamatanNames.get(rt.kecamatan.code));
      expect(rt.kelurahan.name).not.toBe('');
      expect(rt.kecamatan.name).not.toBe('');
    }
    // The demo spans every kecamatan of the city.
    expect(new Set(res.body.items.map((rt: Json) => rt.kecamatan.code))).toEqual(
      new Set(regions.kecamatan.map((k) => k.code)),
    );
    // The units are the city's: each in one of its kelurahan.
    const units = await call('GET', '/units', { as: token.operator });
    expect(units.status, units.text).toBe(200);
    expect(units.body.items).toHaveLength(12);
    for (const unit of units.body.items as Json[]) expect(names.has(unit.kelurahan), unit.id).toBe(true);
  });

  it('names the city and every kelurahan in GET /uhc (those without residents with zeros), and refuses another city', async () => {
    const res = await call('GET', '/uhc', { as: token.city_admin });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ area: TANJUNG_PINANG, name: cityName, residents: 500 });
    const all = kelurahanOf(TANJUNG_PINANG);
    expect(res.body.kelurahan.map((k: Json) => ({ code: k.code, name: k.name }))).toEqual(
      all.map((k) => ({ code: k.code, name: k.name })),
    );
    const total = res.body.kelurahan.reduce((t: number, k: Json) => t + k.residents, 0);
    expect(total).toBe(500);
    // Six kelurahan hold the demo; the rest of the city is listed with zeros.
    const empty = res.body.kelurahan.filter((k: Json) => k.residents === 0);
    expect(empty.length).toBe(all.length - 6);
    for (const k of empty) {
      expect(k).toMatchObject({
        residents: 0,
        covered: 0,
        active: 0,
        coveredPct: 0,
        activePct: 0,
        uhc: false,
      });
    }

    const away = await call('GET', `/uhc?area=${JAMBI}`, { as: token.city_admin });
    expect(issuePaths(away)).toEqual(['area']);
    expect(away.body.issues[0].message).toContain(cityName);
    expect(away.body.issues[0].message).toContain('not in');
  });

  it('lets a demo chair issue a letter printed with the city’s names, and the resident’s SMS opens with the city', async () => {
    const users = await call('GET', '/auth/dev-users');
    expect(users.status, users.text).toBe(200);
    const chairs = users.body.chairs as Json[];
    expect(chairs).toHaveLength(12);
    for (const chair of chairs) {
      expect(chair.username).toBe(`ketua-${chair.rt}`);
      expect(chair.kelurahan).toBe(placeOf(kelurahanOfRt(chair.rt))!.kelurahan.name);
    }

    const chair = chairs[0]!;
    const signIn = await call('POST', '/auth/dev-token', {
      json: { role: 'rt_chair', username: chair.username },
    });
    expect(signIn.status, signIn.text).toBe(200);
    const chairToken = signIn.body.token as string;

    const kelurahan = kelurahanOfRt(chair.rt);
    const place = placeOf(kelurahan)!;
    const fromPackage = regions.kecamatan.find((k) => k.code === place.kecamatan.code)!;
    expect(fromPackage.kelurahan.find((k) => k.code === kelurahan)!.name).toBe(place.kelurahan.name);
    const body = {
      nik: makeNik({ regionCode: kelurahan, birthDate: '1988-04-21', sex: 'F', sequence: 9300 }),
      name: 'Wulan Sari',
      birthDate: '1988-04-21',
      sex: 'F',
      phone: '0812-5550-3001',
      reason: 'Sakit, warga kurang mampu',
      smsConsent: true,
    };
    const issued = await call('POST', '/attestations', {
      as: chairToken,
      json: body,
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(issued.status, issued.text).toBe(201);
    expect(issued.body).toMatchObject({
      resident: { nik: body.nik, rt: chair.rt },
      coverage: { nik: body.nik, covered: true, status: 'ACTIVE', scheme: 'PBI_APBD' },
    });

    const letter = await call('GET', `/attestations/${issued.body.id}/letter`, { as: chairToken });
    expect(letter.status, letter.text).toBe(200);
    expect(letter.headers.get('content-type')).toMatch(/^text\/html/);
    expect(letter.text).toContain(`PEMERINTAH ${cityName.toUpperCase()}`);
    expect(letter.text).toContain(`KELURAHAN ${place.kelurahan.name.toUpperCase()}`);
    expect(letter.text).toContain(`KECAMATAN ${fromPackage.name.toUpperCase()}`);
    expect(letter.text).toContain('(PBI APBD)');
    expect(letter.text).not.toContain('Kartu Bahagia');

    await sys!.bus.drain();
    const sms = sys!.outbox
      .list(10_000)
      .filter((e): e is SmsEntry => e.channel === 'sms' && e.phone === '+6281255503001');
    expect(sms).toHaveLength(1);
    expect(sms[0]!.purpose).toBe('attestation-issued');
    expect(sms[0]!.text.startsWith(`${cityName}: `), sms[0]!.text).toBe(true);
    expect(sms[0]!.text).toContain('PBI APBD');
    expect(sms[0]!.text).not.toContain('Kartu Bahagia');
    expect(sms[0]!.text).not.toContain(body.nik);
  });

  it('refuses an RT or a unit in a kelurahan of the city 15.71, naming its own city', async () => {
    const jambi = jambiKelurahan();
    const rt = `${jambi.code.replaceAll('.', '')}-001-001`;
    const newRt = await call('POST', '/rts', {
      as: token.city_admin,
      json: { rt, chairName: 'Ketua RT Uji', households: 50 },
    });
    expect(issuePaths(newRt)).toEqual(['rt']);
    expect(newRt.body.issues[0].message).toContain(cityName);

    const unit = (kelurahan: string) => ({
      id: 'AMB-X9',
      name: 'Ambulans Uji',
      kind: 'AMBULANCE',
      phone: '+6281299000001',
      location: { lat: 0.91, lon: 104.44 },
      kelurahan,
    });
    const away = await call('POST', '/units', { as: token.city_admin, json: unit(jambi.code) });
    expect(issuePaths(away)).toEqual(['kelurahan']);
    // The same unit in a kelurahan of the city is taken.
    const here = kelurahanOf(TANJUNG_PINANG)[0]!.code;
    const ok = await call('POST', '/units', { as: token.city_admin, json: unit(here) });
    expect(ok.status, ok.text).toBe(201);
  });

  it('will not open its data as another city’s: started again on the same tables as 33.71, it refuses', async () => {
    const before = await call('GET', '/uhc', { as: token.city_admin });
    expect(before.status, before.text).toBe(200);
    await sys!.stop();
    sys = undefined;
    // The same tables (their names stay in the environment), another city.
    process.env.CITY_CODE = MAGELANG;
    const started = startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: true }).then((s) => {
      sys = s;
      return s;
    });
    await expect(started).rejects.toThrow('is of city 21.72');
    await expect(started).rejects.toThrow(`CITY_CODE is ${MAGELANG}`);
    expect(sys).toBeUndefined();

    // As its own city, the same data opens, not seeded again.
    process.env.CITY_CODE = TANJUNG_PINANG;
    sys = await startLocalSystem({ port: 0, quiet: true, dynamoEndpoint, seed: true });
    expect(sys.seeded).toBeUndefined();
    const admin = (await call('POST', '/auth/dev-token', { json: { role: 'city_admin' } })).body.token;
    const rts = await call('GET', '/rts?limit=100', { as: admin });
    expect(rts.status, rts.text).toBe(200);
    expect(rts.body.items).toHaveLength(12);
    const uhc = await call('GET', '/uhc', { as: admin });
    expect(uhc.body).toEqual(before.body);
  });
});

describe('the city 33.71, seeded', () => {
  const regions = cityRegionsFromPackage(MAGELANG);
  let token: Record<string, string>;

  beforeAll(async () => {
    ({ token } = await startAs(MAGELANG));
  });

  afterAll(stopAndRestoreDefaultCity);

  it('seeds RTs and residents but no units: no source here says where the city is', async () => {
    expect(sys!.seeded).toEqual({ rts: 12, residents: 500, units: 0, puskesmas: 3 });
    const units = await call('GET', '/units', { as: token.operator });
    expect(units.status, units.text).toBe(200);
    expect(units.body.items).toEqual([]);
  });

  it('answers GET /regions with its 3 kecamatan from idn-area-data', async () => {
    const res = await call('GET', '/regions', { as: token.clinic });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toEqual(regions);
    expect(res.body.city).toEqual({ code: MAGELANG, name: regions.city.name });
    expect(res.body.kecamatan).toHaveLength(3);
  });

  it('spreads the demo RTs over all 3 kecamatan, each named from the package', async () => {
    const res = await call('GET', '/rts?limit=100', { as: token.city_admin });
    expect(res.status, res.text).toBe(200);
    expect(res.body).toMatchObject({ area: MAGELANG, name: regions.city.name });
    expect(res.body.items).toHaveLength(12);
    const kecamatanNames = new Map(regions.kecamatan.map((k) => [k.code, k.name]));
    const names = new Map(kelurahanOf(MAGELANG).map((k) => [k.code, k.name]));
    for (const rt of res.body.items as Json[]) {
      expect(rt.kelurahan.code.startsWith(`${MAGELANG}.`), rt.rt).toBe(true);
      expect(rt.kelurahan.name).toBe(names.get(rt.kelurahan.code));
      expect(rt.kecamatan.name).toBe(kecamatanNames.get(rt.kecamatan.code));
    }
    const spread = new Map<string, number>();
    for (const rt of res.body.items as Json[])
      spread.set(rt.kecamatan.code, (spread.get(rt.kecamatan.code) ?? 0) + 1);
    expect([...spread.keys()].sort()).toEqual(regions.kecamatan.map((k) => k.code));
    expect([...spread.values()]).toEqual([4, 4, 4]);
  });
});
