// A whole city, generated: its RT directory over every kelurahan of the configured city (the region data, never
// names written here) and its residents, with the shares Kota Jambi reports where a source gives them and stated
// assumptions where none does. Deterministic for a seed; the people and chairs are made up.
//
// Sourced (../shared/PRODUCT.md): 99.81% of residents enrolled in JKN, 81.69% active; 1,650 RTs in Kota Jambi; the
// fund's tiers (< 60, 60–99, ≥ 100 households). Given by the issue: ~15% PBI APBD, phones for ~80%, birthdays uniform,
// 20% of RTs under 60 households. Assumed (no source here, plain numbers to change): the other segments' shares, the
// age pyramid (an Indonesian city's shape: a broad base, ~7% aged 65+), household sizes 1–7 (mean ~4), and that the
// inactive are the self-paying and employer segments in arrears, never the city's own PBI APBD (UHC Prioritas).
import {
  coverageStart,
  type DemoResident,
  type DemoRt,
  FAMILY,
  MEN,
  prng,
  WOMEN,
} from '#infra/local/demo-data.ts';
import { cityRegions } from '#shared/city/regions.ts';
import { makeNik } from '#shared/registry/nik.ts';

export const SHARES = {
  enrolled: 0.9981,
  active: 0.8169,
  pbiApbd: 0.15,
  phone: 0.8,
  smallRts: 0.2,
} as const;

/** The segments besides PBI APBD, of the enrolled (assumed). */
const OTHER_SCHEMES: [string, number][] = [
  ['PBI_APBN', 0.36],
  ['PPU', 0.32],
  ['PBPU', 0.26],
  ['BP', 0.06],
];

/** Five-year age bands 0–4 … 80–84, then 85–94, as shares of the population (assumed, an urban pyramid). */
const AGE_BANDS = [8.2, 8.3, 8.2, 8.4, 8.8, 8.6, 8.1, 7.6, 7.0, 6.3, 5.4, 4.5, 3.6, 2.7, 1.9, 1.2, 0.7, 0.4];

function pick<T>(rand: () => number, weights: readonly (readonly [T, number])[]): T {
  const total = weights.reduce((s, [, w]) => s + w, 0);
  let x = rand() * total;
  for (const [value, w] of weights) {
    x -= w;
    if (x < 0) return value;
  }
  return weights[weights.length - 1]![0];
}

/**
 * `count` RTs over every kelurahan of the city (more in some than in others), 5–8 RTs to an RW; 20% under 60
 * households, the rest 60–220 (so the fund's three tiers all occur).
 */
export function cityRts(count: number, seed = 1650): DemoRt[] {
  const rand = prng(seed);
  // Fewer RTs than kelurahan (a small trial): one in each of the first.
  const kelurahan = cityRegions()
    .kecamatan.flatMap((k) => k.kelurahan)
    .slice(0, count);
  const weights = kelurahan.map(() => 0.5 + rand());
  const total = weights.reduce((a, b) => a + b, 0);
  // Largest remainder, so the counts add up to `count` exactly and every kelurahan has at least one RT.
  const exact = weights.map((w) => 1 + (w / total) * (count - kelurahan.length));
  const counts = exact.map(Math.floor);
  const order = exact.map((x, i) => [x - Math.floor(x), i] as const).sort((a, b) => b[0] - a[0]);
  const short = count - counts.reduce((a, b) => a + b, 0);
  for (let i = 0; i < short; i++) counts[order[i]![1]]! += 1;
  const rts: DemoRt[] = [];
  kelurahan.forEach((kel, k) => {
    const perRw = 5 + Math.floor(rand() * 4);
    for (let i = 0; i < counts[k]!; i++) {
      const rw = String(1 + Math.floor(i / perRw)).padStart(3, '0');
      const number = String(1 + (i % perRw)).padStart(3, '0');
      const n = rts.length;
      rts.push({
        rt: `${kel.code.replaceAll('.', '')}-${rw}-${number}`,
        kelurahan: kel.code,
        rw,
        number,
        households: 0,
        chairName: `${MEN[n % MEN.length]} ${FAMILY[(n * 7) % FAMILY.length]} (data demo)`,
        chairPhone: `+62812${String(70_000_000 + n).padStart(8, '0')}`,
      });
    }
  });
  // Exactly the share of small RTs, spread over the city.
  const small = new Set(
    rts
      .map((_, i) => [rand(), i] as const)
      .sort((a, b) => a[0] - b[0])
      .slice(0, Math.round(rts.length * SHARES.smallRts))
      .map(([, i]) => i),
  );
  rts.forEach((rt, i) => {
    rt.households = small.has(i) ? 25 + Math.floor(rand() * 35) : 60 + Math.floor(rand() * 161);
  });
  return rts;
}

function birthDateFor(rand: () => number, today: Date): string {
  const band = pick(
    rand,
    AGE_BANDS.map((w, i) => [i, w] as const),
  );
  const age = band < 17 ? band * 5 + Math.floor(rand() * 5) : 85 + Math.floor(rand() * 10);
  // Uniform over the days of the year: a day of the year `age` years (and a fraction) back.
  const ms = today.getTime() - (age * 365.2425 + rand() * 365.2425 + 1) * 86_400_000;
  return new Date(ms).toISOString().slice(0, 10);
}

/**
 * `count` residents in households, each RT's share of them by its households; one KK per household. NIKs are unique
 * (their sequence counts per kecamatan, birth date and sex, as Dukcapil's do).
 */
export function cityResidents(
  rts: readonly DemoRt[],
  count: number,
  seed = 641_022,
  today = new Date(),
): DemoResident[] {
  const rand = prng(seed);
  const households = rts.reduce((s, r) => s + r.households, 0);
  const perHousehold = count / households;
  const sequence = new Map<string, number>();
  // Of the enrolled who are not PBI APBD, the inactive share that makes 81.69% of all residents active.
  const otherEnrolled = SHARES.enrolled - SHARES.pbiApbd;
  const inactiveOfOthers = (SHARES.enrolled - SHARES.active) / otherEnrolled;
  const out: DemoResident[] = [];
  let kkSeq = 0;
  rts.forEach((rt, r) => {
    // The RT's residents; the last RT takes what rounding left.
    const quota = r === rts.length - 1 ? count - out.length : Math.round(rt.households * perHousehold);
    const start = out.length;
    while (out.length - start < quota && out.length < count) {
      kkSeq++;
      const kk = `${rt.kelurahan.replaceAll('.', '').slice(0, 6)}${String(kkSeq).padStart(10, '0')}`;
      const size = Math.min(
        quota - (out.length - start),
        1 + Math.floor(rand() * Math.max(0, 2 * perHousehold - 1)),
      );
      const family = FAMILY[Math.floor(rand() * FAMILY.length)]!;
      // A household shares its segment, as a KK is enrolled together (PBI by the family's means).
      const x = rand();
      const scheme = x < SHARES.pbiApbd ? 'PBI_APBD' : x < SHARES.enrolled ? pick(rand, OTHER_SCHEMES) : '';
      for (let m = 0; m < size; m++) {
        const sex: 'M' | 'F' = rand() < 0.5 ? 'M' : 'F';
        const birthDate = birthDateFor(rand, today);
        const key = `${rt.kelurahan.slice(0, 8)}${birthDate}${sex}`;
        const seq = (sequence.get(key) ?? 0) + 1;
        sequence.set(key, seq);
        const nik = makeNik({ regionCode: rt.kelurahan, birthDate, sex, sequence: seq });
        const hasPhone = rand() < SHARES.phone;
        const active = scheme === 'PBI_APBD' || (scheme !== '' && rand() >= inactiveOfOthers);
        out.push({
          nik,
          kk,
          name: `${(sex === 'M' ? MEN : WOMEN)[Math.floor(rand() * 15)]} ${family}`,
          birthDate,
          sex,
          phone: hasPhone ? `+628${String(1_100_000_000 + Math.floor(rand() * 800_000_000))}` : '',
          rt: rt.rt,
          scheme,
          status: scheme ? (active ? 'ACTIVE' : 'INACTIVE') : '',
          from: scheme ? coverageStart(rand, birthDate, today) : '',
          lowIncome: scheme === 'PBI_APBD',
          smsConsent: hasPhone && rand() < 0.85,
        });
      }
    }
  });
  return out;
}

/** The RT directory's CSV, as POST /rts/import takes it. */
export function rtsCsv(rts: readonly DemoRt[]): string {
  return `rt,chairName,chairPhone,households\n${rts.map((r) => `${r.rt},${r.chairName},${r.chairPhone},${r.households}`).join('\n')}\n`;
}
