// Generated, structurally valid demo data: RTs in the city's kelurahan and residents with NIKs, KK
// numbers, mixed sex and ages, schemes and statuses. Deterministic for a given seed.
import type { NewUnit } from '#shared/incident/schemas.ts';
import { makeNik } from '#shared/registry/nik.ts';
import { KELURAHAN } from '#shared/registry/regions.ts';
import type { RtRecord } from '#shared/registry/repository.ts';

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

const MEN = [
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
const WOMEN = [
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
const FAMILY = [
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

/** Twelve or more RTs spread over the kelurahan (codes like 1571011012-003-012). */
export function demoRts(count = 12, seed = 7): RtRecord[] {
  const rand = prng(seed);
  return Array.from({ length: count }, (_, i) => {
    const kel = KELURAHAN[i % KELURAHAN.length]!;
    const rw = String(1 + Math.floor(i / KELURAHAN.length)).padStart(3, '0');
    const number = String(1 + ((i * 5) % 20)).padStart(3, '0');
    return {
      rt: `${kel.code.replaceAll('.', '')}-${rw}-${number}`,
      kelurahan: kel.code,
      rw,
      number,
      households: 30 + Math.floor(rand() * 140),
      chairName: `${MEN[i % MEN.length]} ${FAMILY[(i * 3) % FAMILY.length]}`,
    };
  });
}

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
  rts: readonly RtRecord[],
  seed = 42,
  today = new Date(),
): DemoResident[] {
  const rand = prng(seed);
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
        lowIncome: poor,
        smsConsent: hasPhone && rand() < 0.85,
      });
    }
  }
  // Drop NIK collisions, which the registry would refuse as duplicates.
  const seen = new Set<string>();
  return out.filter((r) => !seen.has(r.nik) && seen.add(r.nik));
}

const csvField = (v: string) => (/[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);

export function toCsv(rows: readonly DemoResident[]): string {
  const header = 'nik,kk,name,birthDate,sex,phone,rt,scheme,status,lowIncome,smsConsent';
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
    ]
      .map(csvField)
      .join(','),
  );
  return `${header}\n${lines.join('\n')}\n`;
}

/** The call centre's demo units around Kota Jambi (about -1.61, 103.61), with made-up numbers. */
export function demoUnits(count = 12, seed = 11): NewUnit[] {
  const rand = prng(seed);
  const kinds = ['AMBULANCE', 'AMBULANCE', 'FIRE', 'POLICE', 'RESCUE', 'AMBULANCE'] as const;
  const names = { AMBULANCE: 'Ambulans', FIRE: 'Damkar', POLICE: 'Polisi', RESCUE: 'Basarnas' };
  const prefix = { AMBULANCE: 'AMB', FIRE: 'DMK', POLICE: 'POL', RESCUE: 'SAR' };
  const seen: Record<string, number> = {};
  return Array.from({ length: count }, (_, i) => {
    const kind = kinds[i % kinds.length]!;
    const n = (seen[kind] ?? 0) + 1;
    seen[kind] = n;
    const kel = KELURAHAN[i % KELURAHAN.length]!;
    return {
      id: `${prefix[kind]}-${String(n).padStart(2, '0')}`,
      name: `${names[kind]} ${kel.name} ${n}`,
      kind,
      phone: `+62811740${String(1000 + i).padStart(4, '0')}`,
      location: {
        lat: Math.round((-1.61 + (rand() - 0.5) * 0.08) * 1e6) / 1e6,
        lon: Math.round((103.61 + (rand() - 0.5) * 0.08) * 1e6) / 1e6,
      },
      kelurahan: kel.code,
    };
  });
}
