// The configured city's regions (Kemendagri codes and names) and the RT code format. The data is never written by
// hand: it is generated from the npm package idn-area-data for CITY_CODE (infra/regions.ts) and reaches this module
// as one global — bundled into each Lambda at synth time by esbuild's `define` (infra/bundling.ts), installed by
// local mode, the tests and the benchmark at start (setCityRegions). A function carries its own city only.
// An RT code is <kelurahan code without dots>-<RW>-<RT>, e.g. 1571011012-003-012.
import * as z from 'zod/mini';

export interface Region {
  code: string;
  name: string;
}
export interface Kecamatan extends Region {
  kelurahan: Region[];
}
/** What `GET /regions` answers: the city, its kecamatan, and each one's kelurahan (or desa), by code. */
export interface CityRegions {
  city: Region;
  kecamatan: Kecamatan[];
}

declare global {
  // The city's regions as JSON text: replaced by a string literal when a function is bundled (a string, because
  // esbuild lays an object-valued define into every bundle, used or not); set by setCityRegions() elsewhere.
  var __SEHATKOTA_CITY__: string | undefined;
  // The city alone ({code, name}, JSON text), for the functions that only name it.
  var __SEHATKOTA_CITY_HEAD__: string | undefined;
}

/** Kota Jambi: the city when CITY_CODE is not set (shared/platform/config.ts takes its default from here). */
export const DEFAULT_CITY_CODE = '15.71';
/** The configured city's code, read as config.ts reads it, without its whole schema (a function carries little). */
const cityCode = () => process.env.CITY_CODE || DEFAULT_CITY_CODE;

/** An area code's shape: province, city, kecamatan or kelurahan (15, 15.71, 15.71.01, 15.71.01.1012). */
const AREA_CODE = /^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/;

export const RT_CODE = /^(\d{2})(\d{2})(\d{2})(\d{4})-(\d{3})-(\d{3})$/;

interface Index {
  /** The text it was read from. */
  raw: string;
  data: CityRegions;
  kecamatan: Map<string, Kecamatan>;
  /** Each kelurahan with its kecamatan. */
  kelurahan: Map<string, { kelurahan: Region; kecamatan: Kecamatan }>;
}

let index: Index | undefined;
let head: { raw: string; city: Region } | undefined;

/** Local mode, the tests and the benchmark install the city they run as; a bundled function never calls this. */
export function setCityRegions(data: CityRegions | undefined): void {
  // Not `globalThis.__SEHATKOTA_CITY__ = …`: esbuild replaces that expression in a bundle and warns at every build.
  Object.assign(globalThis, {
    __SEHATKOTA_CITY__: data && JSON.stringify(data),
    __SEHATKOTA_CITY_HEAD__: data && JSON.stringify(data.city),
  });
  index = undefined;
  head = undefined;
}

const NOT_INSTALLED =
  'The city’s region data is not installed: functions get it bundled, local mode installs it at start';

/** The data and the setting must name the same city; a mismatch would put residents in another city's places. */
function sameCity(code: string): void {
  if (code !== cityCode())
    throw new Error(`The bundled regions are of ${code}, but CITY_CODE is ${cityCode()}`);
}

function load(): Index {
  const raw = globalThis.__SEHATKOTA_CITY__;
  if (!raw) throw new Error(NOT_INSTALLED);
  if (index?.raw === raw) {
    sameCity(index.data.city.code);
    return index;
  }
  const data = JSON.parse(raw) as CityRegions;
  sameCity(data.city.code);
  const kelurahan = new Map<string, { kelurahan: Region; kecamatan: Kecamatan }>();
  for (const kec of data.kecamatan) {
    for (const kel of kec.kelurahan) kelurahan.set(kel.code, { kelurahan: kel, kecamatan: kec });
  }
  index = { raw, data, kecamatan: new Map(data.kecamatan.map((k) => [k.code, k])), kelurahan };
  return index;
}

/** The configured city, its kecamatan and kelurahan. */
export function cityRegions(): CityRegions {
  return load().data;
}

/** The city alone: from its own small constant, so a function that only names the city carries no more. */
export function city(): Region {
  const raw = globalThis.__SEHATKOTA_CITY_HEAD__;
  if (!raw) throw new Error(NOT_INSTALLED);
  if (head?.raw !== raw) head = { raw, city: JSON.parse(raw) as Region };
  sameCity(head.city.code);
  return head.city;
}

/** 1571011012-003-012 → 15.71.01.1012 */
export function kelurahanOfRt(rt: string): string {
  const m = RT_CODE.exec(rt);
  if (!m) throw new Error('not an RT code');
  return `${m[1]}.${m[2]}.${m[3]}.${m[4]}`;
}

export function kelurahanName(code: string): string | undefined {
  return load().kelurahan.get(code)?.kelurahan.name;
}

/** The name of the city, a kecamatan or a kelurahan of it; undefined for any other code. */
export function areaName(code: string): string | undefined {
  const i = load();
  if (code === i.data.city.code) return i.data.city.name;
  return i.kecamatan.get(code)?.name ?? i.kelurahan.get(code)?.kelurahan.name;
}

/** Is this the city, or a kecamatan or kelurahan of it? */
export function isCityArea(code: string): boolean {
  return areaName(code) !== undefined;
}

/** Where a kelurahan is: itself and its kecamatan, with their names; undefined outside the city. */
export function placeOf(kelurahan: string): { kelurahan: Region; kecamatan: Region } | undefined {
  const hit = load().kelurahan.get(kelurahan);
  return (
    hit && { kelurahan: hit.kelurahan, kecamatan: { code: hit.kecamatan.code, name: hit.kecamatan.name } }
  );
}

/** The kelurahan inside an area of the city (all of them for the city), in code order. */
export function kelurahanIn(area: string): Region[] {
  const { data } = load();
  return data.kecamatan.flatMap((k) => k.kelurahan).filter((k) => k.code.startsWith(area));
}

/** "RT 012 / RW 003" */
export function rtShortLabel(rt: string): string {
  const m = RT_CODE.exec(rt);
  return m ? `RT ${m[6]} / RW ${m[5]}` : rt;
}

const outside = (subject: string) =>
  `${subject} is not in ${city().name} (${city().code}); GET /regions lists the city's areas`;

/** The city, or a kecamatan or kelurahan of it, by code: anything else is refused, naming the city. */
export const cityAreaSchema = () =>
  z.string({ error: 'must be an area code such as 15.71.01' }).check(
    z.superRefine((value, ctx) => {
      if (!AREA_CODE.test(value)) {
        ctx.addIssue({ code: 'custom', input: value, message: 'must be an area code such as 15.71.01' });
      } else if (!isCityArea(value)) {
        ctx.addIssue({ code: 'custom', input: value, message: outside(`area ${value}`) });
      }
    }),
  );

/** Why an RT code is not one of this city's (its kelurahan must be the city's), or undefined when it is. */
export function rtProblem(rt: string): string | undefined {
  if (!RT_CODE.test(rt)) return 'must be an RT code <kelurahan>-<RW>-<RT>, e.g. 1571011012-003-012';
  const m = RT_CODE.exec(rt)!;
  if (m[5] === '000' || m[6] === '000') return 'RW and RT numbers start at 001';
  const kelurahan = kelurahanOfRt(rt);
  if (!placeOf(kelurahan)) return outside(`its kelurahan ${kelurahan}`);
  return undefined;
}
