// Generated, structurally valid demo data: RTs in real kelurahan of the configured city (its region data, never
// names written here), their chairs, residents with NIKs, KK numbers, mixed sex and ages, schemes and statuses, and
// the call centre's units. Deterministic for a given seed. People's and units' names are made up and say demo where
// a reader could take them for real.

import type { NewPuskesmas } from '#shared/city/puskesmas.ts';
import { areaName, cityRegions, type Region } from '#shared/city/regions.ts';
import type { NewUnit } from '#shared/incident/schemas.ts';
import { JKN_START } from '#shared/registry/fields.ts';
import { makeNik } from '#shared/registry/nik.ts';

export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export const MEN = [
  'Ahmad',
  'Budi',
  'Dedi',
  'Eko',
  'Fajar',
  'Hendra',
  'Iwan',
  'Joko',
  'Rudi',
  'Slamet',
  'Taufik',
  'Yusuf',
  'Agus',
  'Bambang',
  'Rizki',
];
export const WOMEN = [
  'Siti',
  'Dewi',
  'Ani',
  'Rina',
  'Sri',
  'Wati',
  'Nur',
  'Fitri',
  'Lestari',
  'Ratna',
  'Yuni',
  'Intan',
  'Maya',
  'Putri',
  'Aisyah',
];
export const FAMILY = [
  'Saputra',
  'Wijaya',
  'Hidayat',
  'Siregar',
  'Nasution',
  'Lubis',
  'Harahap',
  'Pratama',
  'Santoso',
  'Rahman',
  'Syahputra',
  'Kurniawan',
  'Hasibuan',
  'Simanjuntak',
  'Daulay',
];

/**
 * The demo's kelurahan: the first of each kecamatan, then the second of each, and so on, so the demo spans as many
 * kecamatan as it can (six kelurahan: the six first kecamatan in Kota Jambi, all three in Kota Magelang).
 */
export function demoKelurahan(count = 6): Region[] {
  const { kecamatan } = cityRegions();
  const out: Region[] = [];
  for (let round = 0; out.length < count && kecamatan.some((k) => k.kelurahan[round]); round++) {
    for (const k of kecamatan) if (k.kelurahan[round] && out.length < count) out.push(k.kelurahan[round]!);
  }
  return out;
}

/** A demo RT: what POST /rts takes, and where it is. */
export interface DemoRt {
  rt: string;
  kelurahan: string;
  rw: string;
  number: string;
  households: number;
  chairName: string;
  chairPhone: string;
}

/** Twelve or more RTs spread over the demo kelurahan (codes like 1571011001-001-001), each with a made-up chair. */
export function demoRts(count = 12, seed = 7): DemoRt[] {
  const rand = prng(seed);
  const kelurahan = demoKelurahan();
  return Array.from({ length: count }, (_, i) => {
    const kel = kelurahan[i % kelurahan.length]!;
    const rw = String(1 + Math.floor(i / kelurahan.length)).padStart(3, '0');
    const number = String(1 + ((i * 5) % 20)).padStart(3, '0');
    return {
      rt: `${kel.code.replaceAll('.', '')}-${rw}-${number}`,
      kelurahan: kel.code,
      rw,
      number,
      households: 30 + Math.floor(rand() * 140),
      chairName: `${MEN[i % MEN.length]} ${FAMILY[(i * 3) % FAMILY.length]}`,
      // Made-up numbers in a block no real subscriber has in the demo.
      chairPhone: `+62811750${String(1000 + i).padStart(4, '0')}`,
    };
  });
}

/** The username of a demo RT's chair: ketua-<rt code>. */
export const demoChairUsername = (rt: string) => `ketua-${rt}`;

export interface DemoResident {
  nik: string;
  kk: string;
  name: string;
  birthDate: string;
  sex: 'M' | 'F';
  phone: string;
  rt: string;
  scheme: string;
  status: string;
  /** When the coverage began (TMT), YYYY-MM-DD; empty for the uninsured. */
  from: string;
  lowIncome: boolean;
  smsConsent: boolean;
}

const SCHEME_WEIGHTS: [string, number][] = [
  ['PBI_APBN', 0.34],
  ['PBI_APBD', 0.26],
  ['PBPU', 0.14],
  ['PPU', 0.15],
  ['BP', 0.04],
  ['', 0.07],
];

function pick<T>(rand: () => number, weights: [T, number][]): T {
  let x = rand();
  for (const [value, w] of weights) {
    x -= w;
    if (x < 0) return value;
  }
  return weights[weights.length - 1]![0];
}

/** Residents in households (one KK each, 1–6 people) spread over the given RTs. */
export function demoResidents(
  count: number,
  rts: readonly Pick<DemoRt, 'rt' | 'kelurahan'>[],
  seed = 42,
  today = new Date(),
): DemoResident[] {
  const rand = prng(seed);
  // Coverage start dates from a stream of their own, so every other field is what it was before they existed.
  const randFrom = prng(seed + 1_000_003);
  const out: DemoResident[] = [];
  const sequence = new Map<string, number>();
  let household = 0;
  while (out.length < count) {
    household++;
    const rt = rts[Math.floor(rand() * rts.length)]!;
    const family = FAMILY[Math.floor(rand() * FAMILY.length)]!;
    const kk = `${rt.kelurahan.replaceAll('.', '').slice(0, 6)}${String(100000 + household).slice(-6)}${String(1000 + (household % 9000)).padStart(4, '0')}`;
    const size = 1 + Math.floor(rand() * 6);
    const poor = rand() < 0.3;
    const scheme = pick(rand, SCHEME_WEIGHTS);
    for (let m = 0; m < size && out.length < count; m++) {
      const sex: 'M' | 'F' = rand() < 0.5 ? 'M' : 'F';
      const age = m === 0 ? 20 + Math.floor(rand() * 71) : Math.floor(rand() * 91);
      const birth = new Date(
        Date.UTC(today.getUTCFullYear() - age - 1, Math.floor(rand() * 12), 1 + Math.floor(rand() * 28)),
      );
      const birthDate = birth.toISOString().slice(0, 10);
      const key = `${rt.kelurahan}${birthDate}${sex}`;
      const seq = (sequence.get(key) ?? 0) + 1;
      sequence.set(key, seq);
      const nik = makeNik({
        regionCode: rt.kelurahan,
        birthDate,
        sex,
        sequence: seq + Math.floor(rand() * 50) * 100,
      });
      const given = (sex === 'M' ? MEN : WOMEN)[Math.floor(rand() * 15)]!;
      const hasPhone = age >= 15 && rand() < 0.8;
      const insured = scheme !== '' || rand() < 0.02;
      const from = insured ? coverageStart(randFrom, birthDate, today) : '';
      out.push({
        nik,
        kk,
        name: `${given} ${family}`,
        birthDate,
        sex,
        phone: hasPhone ? `+628${String(1_100_000_000 + Math.floor(rand() * 800_000_000))}` : '',
        rt: rt.rt,
        scheme: insured ? scheme || 'PBPU' : '',
        status: insured ? (rand() < 0.83 ? 'ACTIVE' : 'INACTIVE') : '',
        from,
        lowIncome: poor,
        smsConsent: hasPhone && rand() < 0.85,
      });
    }
  }
  // Drop NIK collisions, which the registry would refuse as duplicates.
  const seen = new Set<string>();
  return out.filter((r) => !seen.has(r.nik) && seen.add(r.nik));
}

/**
 * A participant's coverage start: any day from JKN's start (2014) to today, spread evenly, and never before their
 * birth, so `/premiums` of past months and years has the city-paid residents of the time.
 */
export function coverageStart(rand: () => number, birthDate: string, today: Date): string {
  const first = Math.max(Date.parse(`${JKN_START}T00:00:00Z`), Date.parse(`${birthDate}T00:00:00Z`));
  // Yesterday at the latest: today in UTC may still be tomorrow's date in WIB, never the other way round.
  const last = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate()) - 86_400_000;
  if (first >= last) return new Date(last).toISOString().slice(0, 10);
  return new Date(first + Math.floor(rand() * ((last - first) / 86_400_000)) * 86_400_000)
    .toISOString()
    .slice(0, 10);
}

const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

export function toCsv(rows: readonly DemoResident[]): string {
  const header = 'nik,kk,name,birthDate,sex,phone,rt,scheme,status,lowIncome,smsConsent,from';
  const lines = rows.map((r) =>
    [
      r.nik,
      r.kk,
      r.name,
      r.birthDate,
      r.sex,
      r.phone,
      r.rt,
      r.scheme,
      r.status,
      String(r.lowIncome),
      String(r.smsConsent),
      r.from,
    ]
      .map(csvField)
      .join(','),
  );
  return `${header}\n${lines.join('\n')}\n`;
}

/**
 * The demo's puskesmas: one per kecamatan of the demo's kelurahan, serving those (where the demo RTs are), so the
 * demo's homecare requests are routed and the city's other kelurahan are left for its own (POST /puskesmas). Named as
 * demo data with the kecamatan's real name: no puskesmas list exists here to take real names from.
 */
export function demoPuskesmas(): NewPuskesmas[] {
  const byKecamatan = new Map<string, string[]>();
  for (const kel of demoKelurahan()) {
    const kec = kel.code.slice(0, 8);
    byKecamatan.set(kec, [...(byKecamatan.get(kec) ?? []), kel.code]);
  }
  return [...byKecamatan].map(([kec, kelurahan], i) => ({
    code: `DEMO-${kec}`,
    name: `Puskesmas Demo Kec. ${areaName(kec)} (data demo)`.slice(0, 80),
    kelurahan,
    // Made-up numbers in a block no real subscriber has in the demo.
    phone: `+62811760${String(1000 + i).padStart(4, '0')}`,
  }));
}

/**
 * The call centre's demo units, each in a demo kelurahan, placed around `around` (made-up posts with made-up
 * numbers: register the city's real units with POST /units).
 */
export function demoUnits(around: { lat: number; lon: number }, count = 12, seed = 11): NewUnit[] {
  const kelurahan = demoKelurahan();
  const rand = prng(seed);
  const kinds = ['AMBULANCE', 'AMBULANCE', 'FIRE', 'POLICE', 'RESCUE', 'AMBULANCE'] as const;
  const names = { AMBULANCE: 'Ambulans', FIRE: 'Damkar', POLICE: 'Polisi', RESCUE: 'Basarnas' };
  const prefix = { AMBULANCE: 'AMB', FIRE: 'DMK', POLICE: 'POL', RESCUE: 'SAR' };
  const seen: Record<string, number> = {};
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    const n = (seen[kind] ?? 0) + 1;
    seen[kind] = n;
    const kel = kelurahan[i % kelurahan.length]!;
    return {
      id: `${prefix[kind]}-${String(n).padStart(2, '0')}`,
      name: `${names[kind]} ${n} (demo, Kel. ${kel.name})`.slice(0, 80),
      kind,
      phone: `+62811740${String(1000 + i).padStart(4, '0')}`,
      location: {
        lat: Math.round((around.lat + (rand() - 0.5) * 0.08) * 1e6) / 1e6,
        lon: Math.round((around.lon + (rand() - 0.5) * 0.08) * 1e6) / 1e6,
      },
      kelurahan: kel.code,
    };
  });
}
