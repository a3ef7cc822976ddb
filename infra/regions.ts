// The one place region data is read from its source: the npm package idn-area-data (Kemendagri codes and names;
// its data is under the ODbL). Gives the configured city's kecamatan and kelurahan — a few KB — for the bundles
// (infra/bundling.ts), local mode, the tests and the benchmark; the whole country (83,000 villages) stays here, at
// synth time, and never reaches a function.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { CityRegions, Kecamatan } from '#shared/city/regions.ts';
import { parseCsv } from '#shared/platform/csv.ts';

const DATA_DIR = join(dirname(createRequire(import.meta.url).resolve('idn-area-data/package.json')), 'data');

/** One of the package's CSV files as rows of named fields. */
export function readAreaCsv(
  file: 'provinces' | 'regencies' | 'districts' | 'villages' | 'islands',
): Record<string, string>[] {
  const [header, ...rows] = parseCsv(readFileSync(join(DATA_DIR, `${file}.csv`), 'utf8'));
  const names = header!.fields;
  return rows.map((r) => Object.fromEntries(names.map((n, i) => [n, r.fields[i] ?? ''])));
}

/** A regency or city code as Kemendagri writes it: two pairs of digits (15.71). */
export const REGENCY_CODE = /^\d{2}\.\d{2}$/;

const cache = new Map<string, CityRegions>();
let villages: Record<string, string>[] | undefined;

/** The regencies and cities the package knows, by code. */
export function regencies(): Map<string, string> {
  return new Map(readAreaCsv('regencies').map((r) => [r.code!, r.name!]));
}

/**
 * The city (or regency) with this code, its kecamatan and their kelurahan (or desa), each by code, in the package's
 * names. Throws, naming the setting, for a code the package does not list.
 */
export function cityRegionsFromPackage(code: string): CityRegions {
  const hit = cache.get(code);
  if (hit) return hit;
  const name = REGENCY_CODE.test(code) ? regencies().get(code) : undefined;
  if (!name) {
    throw new Error(
      `CITY_CODE ${code} is not a city or regency in idn-area-data (Kemendagri codes such as 15.71 Kota Jambi)`,
    );
  }
  const kecamatan: Kecamatan[] = readAreaCsv('districts')
    .filter((d) => d.regency_code === code)
    .map((d) => ({ code: d.code!, name: d.name!, kelurahan: [] }));
  const byCode = new Map(kecamatan.map((k) => [k.code, k]));
  villages ??= readAreaCsv('villages');
  for (const v of villages) byCode.get(v.district_code!)?.kelurahan.push({ code: v.code!, name: v.name! });
  const byCodeOrder = (a: { code: string }, b: { code: string }) => a.code.localeCompare(b.code);
  kecamatan.sort(byCodeOrder);
  for (const k of kecamatan) k.kelurahan.sort(byCodeOrder);
  const regions = { city: { code, name }, kecamatan };
  cache.set(code, regions);
  return regions;
}

/** 03°19'03.44" N 097°07'41.73" E → [3.3176, 97.1282] */
function parseCoordinate(text: string): [number, number] | undefined {
  const m = /(\d+)°(\d+)'([\d.]+)"\s*([NS])\s+(\d+)°(\d+)'([\d.]+)"\s*([EW])/.exec(text);
  if (!m) return undefined;
  const deg = (d: string, mi: string, s: string) => Number(d) + Number(mi) / 60 + Number(s) / 3600;
  const lat = deg(m[1]!, m[2]!, m[3]!) * (m[4] === 'S' ? -1 : 1);
  const lon = deg(m[5]!, m[6]!, m[7]!) * (m[8] === 'W' ? -1 : 1);
  return [lat, lon];
}

/**
 * The middle of a regency's populated islands as idn-area-data places them (its only coordinates), or undefined
 * when it lists none: a stand-in for where a coastal city is, for demo data only.
 */
export function islandsCentre(code: string): { lat: number; lon: number } | undefined {
  const points = readAreaCsv('islands')
    .filter((i) => i.regency_code === code && i.is_populated === '1')
    .map((i) => parseCoordinate(i.coordinate ?? ''))
    .filter((p): p is [number, number] => !!p);
  if (!points.length) return undefined;
  const round = (n: number) => Math.round(n * 1e4) / 1e4;
  return {
    lat: round(points.reduce((t, p) => t + p[0], 0) / points.length),
    lon: round(points.reduce((t, p) => t + p[1], 0) / points.length),
  };
}
