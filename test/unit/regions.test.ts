// The city's regions: generated from idn-area-data for CITY_CODE, checked here against the package's own CSV files
// read independently (csv-parse), for Kota Jambi, Kota Tanjung Pinang and Kota Magelang; what a bundle carries (its
// own city, a few KB, never another's); and the rules that keep every area code of the API inside the city.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { parse } from 'csv-parse/sync';
import { build } from 'esbuild';
import { afterEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { cityDefine, esbuildOptions } from '../../infra/bundling.ts';
import { demoKelurahan, demoRts } from '../../infra/local/demo-data.ts';
import { cityRegionsFromPackage, islandsCentre } from '../../infra/regions.ts';
import {
  areaName,
  type CityRegions,
  city,
  cityAreaSchema,
  cityRegions,
  kelurahanIn,
  placeOf,
  rtProblem,
  setCityRegions,
} from '../../shared/city/regions.ts';
import { resetConfig } from '../../shared/platform/config.ts';

const DATA = join(dirname(createRequire(import.meta.url).resolve('idn-area-data/package.json')), 'data');
const csv = (file: string): Record<string, string>[] =>
  parse(readFileSync(join(DATA, `${file}.csv`)), { columns: true, skip_empty_lines: true });
const villages = csv('villages');
const districts = csv('districts');
const regencies = csv('regencies');

/** The package's rows for a city, as the oracle reads them. */
function fromPackage(code: string) {
  const kec = districts.filter((d) => d.regency_code === code);
  return {
    name: regencies.find((r) => r.code === code)!.name,
    kecamatan: kec.map((d) => ({
      code: d.code,
      name: d.name,
      kelurahan: villages
        .filter((v) => v.district_code === d.code)
        .map((v) => ({ code: v.code, name: v.name })),
    })),
  };
}

const byCode = <T extends { code?: string }>(xs: T[]) =>
  [...xs].sort((a, b) => a.code!.localeCompare(b.code!));

/** Runs `fn` as the city `code`, then puts the default city back. */
function as<T>(code: string, fn: () => T): T {
  process.env.CITY_CODE = code;
  resetConfig();
  setCityRegions(cityRegionsFromPackage(code));
  try {
    return fn();
  } finally {
    delete process.env.CITY_CODE;
    resetConfig();
    setCityRegions(cityRegionsFromPackage('15.71'));
  }
}

afterEach(() => {
  delete process.env.CITY_CODE;
  resetConfig();
});

describe('the city list generated from idn-area-data', () => {
  it.each(['15.71', '21.72', '33.71'])(
    '%s: every kecamatan and kelurahan of the package, by code and name',
    (code) => {
      const generated = cityRegionsFromPackage(code);
      const truth = fromPackage(code);
      expect(generated.city).toEqual({ code, name: truth.name });
      expect(generated.kecamatan.map(({ kelurahan: _, ...k }) => k)).toEqual(
        byCode(truth.kecamatan).map(({ kelurahan: _, ...k }) => k),
      );
      for (const kec of generated.kecamatan) {
        const expected = truth.kecamatan.find((k) => k.code === kec.code)!.kelurahan;
        expect(kec.kelurahan, kec.code).toEqual(byCode(expected));
        expect(kec.kelurahan.length).toBeGreaterThan(0);
      }
      // Nothing of another city.
      const all = generated.kecamatan.flatMap((k) => k.kelurahan);
      expect(all.every((k) => k.code.startsWith(`${code}.`))).toBe(true);
      expect(all).toHaveLength(villages.filter((v) => v.code!.startsWith(`${code}.`)).length);
    },
  );

  it('Kota Jambi has its 11 kecamatan, and 15.71.01 is not what the old hand-written table said', () => {
    const jambi = cityRegionsFromPackage('15.71');
    expect(jambi.kecamatan).toHaveLength(11);
    const old = { kecamatan: 'Kota Baru', kelurahan: 'Simpang III Sipin' };
    expect(jambi.kecamatan[0]!.name).not.toBe(old.kecamatan);
    expect(jambi.kecamatan[0]!.kelurahan.find((k) => k.code === '15.71.01.1012')!.name).not.toBe(
      old.kelurahan,
    );
    // The two codes it invented do not exist.
    const codes = jambi.kecamatan.flatMap((k) => k.kelurahan).map((k) => k.code);
    expect(codes).not.toContain('15.71.01.1013');
    expect(codes).not.toContain('15.71.02.1007');
  });

  it('refuses a code the package does not list as a city or regency, naming CITY_CODE', () => {
    for (const bad of ['15.99', '15', '15.71.01', 'jambi']) {
      expect(() => cityRegionsFromPackage(bad), bad).toThrow(/CITY_CODE/);
    }
  });

  it('is a few KB per city, as a function carries it', () => {
    for (const code of ['15.71', '21.72', '33.71']) {
      const bytes = Buffer.byteLength(JSON.stringify(cityRegionsFromPackage(code)));
      expect(bytes, code).toBeLessThan(8 * 1024);
    }
  });
});

describe('a bundle carries its own city only', () => {
  const build1 = async (code: string) => {
    const out = await build({
      ...esbuildOptions('functions/city/get-regions.ts', 'unused.mjs', cityRegionsFromPackage(code)),
      write: false,
      logLevel: 'silent',
    });
    return out.outputFiles[0]!.text;
  };

  it('GET /regions built for Kota Tanjung Pinang names its kelurahan, and none of Kota Jambi', async () => {
    const tanjungPinang = cityRegionsFromPackage('21.72');
    const jambi = cityRegionsFromPackage('15.71');
    const code = await build1('21.72');
    for (const kel of tanjungPinang.kecamatan.flatMap((k) => k.kelurahan)) expect(code).toContain(kel.code);
    for (const kel of jambi.kecamatan.flatMap((k) => k.kelurahan))
      expect(code).not.toContain(`"${kel.code}"`);
    // The country's list stays out: one of Aceh's villages.
    expect(code).not.toContain(villages[0]!.name);
    const plain = await build({
      ...esbuildOptions('functions/city/get-regions.ts', 'x.mjs'),
      write: false,
      logLevel: 'silent',
    });
    const added = code.length - plain.outputFiles[0]!.text.length;
    expect(added).toBeGreaterThan(0);
    expect(added).toBeLessThan(8 * 1024);
  });

  it('defines the city as JSON text (a string costs nothing where it is not read), and nothing without one', () => {
    expect(cityDefine(undefined)).toEqual({});
    const defined = cityDefine(cityRegionsFromPackage('15.71'));
    expect(Object.keys(defined)).toEqual([
      'globalThis.__SEHATKOTA_CITY__',
      'globalThis.__SEHATKOTA_CITY_HEAD__',
    ]);
    expect(JSON.parse(JSON.parse(defined['globalThis.__SEHATKOTA_CITY_HEAD__']!))).toEqual(city());
  });

  it('a function that only names the city, or names no place, carries no kelurahan; only chair routes the check', async () => {
    const jambi = cityRegionsFromPackage('15.71');
    const kelurahan = jambi.kecamatan[0]!.kelurahan[0]!.name;
    const bundle = async (entry: string) =>
      (await build({ ...esbuildOptions(entry, 'unused.mjs', jambi), write: false, logLevel: 'silent' }))
        .outputFiles[0]!.text;
    const coverage = await bundle('functions/registry/get-coverage.ts');
    expect(coverage).not.toContain(kelurahan);
    expect(coverage).not.toContain('RT_CLOSED');
    const sms = await bundle('functions/registry/notify-coverage-changed.ts');
    expect(sms).toContain(jambi.city.name);
    expect(sms).not.toContain(kelurahan);
    const expense = await bundle('functions/fund/record-expense.ts');
    expect(expense).toContain(kelurahan);
    expect(expense).toContain('RT_CLOSED');
  });
});

describe('areas of the city', () => {
  it('names the city, its kecamatan and kelurahan from the data, and nothing else', () => {
    const data = cityRegions();
    const kec = data.kecamatan[0]!;
    const kel = kec.kelurahan[0]!;
    expect(areaName(data.city.code)).toBe(data.city.name);
    expect(areaName(kec.code)).toBe(kec.name);
    expect(areaName(kel.code)).toBe(kel.name);
    expect(placeOf(kel.code)).toEqual({ kelurahan: kel, kecamatan: { code: kec.code, name: kec.name } });
    expect(areaName('21.72')).toBeUndefined();
    expect(areaName('15')).toBeUndefined();
    expect(kelurahanIn(kec.code)).toEqual(kec.kelurahan);
    expect(kelurahanIn(data.city.code)).toHaveLength(data.kecamatan.flatMap((k) => k.kelurahan).length);
  });

  it('an area outside the city is refused, saying whose areas these are', () => {
    const schema = cityAreaSchema();
    expect(z.safeParse(schema, '15.71.01').success).toBe(true);
    for (const bad of ['21.72', '15', '15.71.99', '15.71.01.9999']) {
      const r = z.safeParse(schema, bad);
      expect(r.success, bad).toBe(false);
      expect(r.error!.issues[0]!.message).toBe(
        `area ${bad} is not in ${city().name} (15.71); GET /regions lists the city's areas`,
      );
    }
    expect(z.safeParse(schema, '15.71;drop').error!.issues[0]!.message).toBe(
      'must be an area code such as 15.71.01',
    );
  });

  it('an RT code is the city’s only when its kelurahan is', () => {
    const kel = cityRegions().kecamatan[0]!.kelurahan[0]!.code.replaceAll('.', '');
    expect(rtProblem(`${kel}-001-001`)).toBeUndefined();
    expect(rtProblem(`${kel}-000-001`)).toMatch(/start at 001/);
    expect(rtProblem('2172011001-001-001')).toMatch(/is not in/);
    expect(rtProblem('1571011013-001-001')).toMatch(/its kelurahan 15\.71\.01\.1013 is not in/);
    expect(rtProblem('RT 1')).toMatch(/must be an RT code/);
  });

  it('refuses to answer for another city than CITY_CODE: the data and the setting must agree', () => {
    process.env.CITY_CODE = '33.71';
    resetConfig();
    expect(() => areaName('15.71')).toThrow(/CITY_CODE is 33.71/);
  });
});

describe('another city', () => {
  it('Kota Tanjung Pinang: its own names, its own demo kelurahan and RTs, all in its kecamatan', () => {
    const data: CityRegions = cityRegionsFromPackage('21.72');
    as('21.72', () => {
      expect(city()).toEqual(data.city);
      const demo = demoKelurahan();
      // The first of each of its 4 kecamatan, then the second of the first two.
      expect(demo.map((k) => k.code.slice(0, 8))).toEqual([
        ...data.kecamatan.map((k) => k.code),
        data.kecamatan[0]!.code,
        data.kecamatan[1]!.code,
      ]);
      for (const rt of demoRts(12)) {
        expect(rtProblem(rt.rt), rt.rt).toBeUndefined();
        expect(placeOf(rt.kelurahan)).toBeDefined();
      }
      expect(areaName('15.71')).toBeUndefined();
    });
  });

  it('places demo units of a coastal city among its populated islands, and of an inland one nowhere', () => {
    const degrees = (d: string, m: string, s: string) => Number(d) + Number(m) / 60 + Number(s) / 3600;
    const points = csv('islands')
      .filter((i) => i.regency_code === '21.72' && i.is_populated === '1')
      .map((i) => /(\d+)°(\d+)'([\d.]+)"\s*N\s+(\d+)°(\d+)'([\d.]+)"\s*E/.exec(i.coordinate!)!)
      .map((m) => [degrees(m[1]!, m[2]!, m[3]!), degrees(m[4]!, m[5]!, m[6]!)] as const);
    expect(points.length).toBeGreaterThan(0);
    const centre = islandsCentre('21.72')!;
    expect(centre.lat).toBeGreaterThanOrEqual(Math.min(...points.map((p) => p[0])) - 1e-4);
    expect(centre.lat).toBeLessThanOrEqual(Math.max(...points.map((p) => p[0])) + 1e-4);
    expect(centre.lon).toBeGreaterThanOrEqual(Math.min(...points.map((p) => p[1])) - 1e-4);
    expect(centre.lon).toBeLessThanOrEqual(Math.max(...points.map((p) => p[1])) + 1e-4);
    expect(islandsCentre('33.71')).toBeUndefined();
  });
});
