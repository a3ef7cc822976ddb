// Seeds local mode's demo data once, all through the real domain, as a city would on day one: its RTs in real
// kelurahan of the configured city (the directory) and an RT chair's account for each, 500 residents (through the real
// import), a few coverage changes so histories, the outbox and the aggregates have something; the 112 call centre's
// units, available; and the starting SMS campaigns.
import { GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { createPuskesmas } from '#shared/city/puskesmas.ts';
import { city } from '#shared/city/regions.ts';
import { registerRt } from '#shared/city/rts.ts';
import { createStaff } from '#shared/city/staff.ts';
import { allocate, recordExpense, reverseEntry } from '#shared/fund/ledger.ts';
import type { CATEGORIES } from '#shared/fund/schemas.ts';
import { createUnit, setUnitStatus } from '#shared/incident/units.ts';
import { registerKader } from '#shared/kader/register.ts';
import { ddb } from '#shared/platform/dynamo.ts';
import { tableName } from '#shared/platform/tables.ts';
import { startOfDayWib, todayWib } from '#shared/platform/wib.ts';
import { runImport } from '#shared/registry/import.ts';
import { changeCoverage } from '#shared/registry/repository.ts';
import { saveCampaign } from '#shared/reminder/campaigns.ts';
import { campaignSchema } from '#shared/reminder/schemas.ts';
import { seededCampaigns } from '#shared/reminder/seeded.ts';
import { islandsCentre } from '../regions.ts';
import {
  type DemoRt,
  demoChairUsername,
  demoPuskesmas,
  demoResidents,
  demoRts,
  demoUnits,
  toCsv,
} from './demo-data.ts';

const MARKER = { pk: 'SEED', sk: 'DEMO' };
const SEED_ACTOR = { sub: 'seed', roles: ['city_admin'] };

/** The city the demo data was made for (data seeded before cities were configurable was Kota Jambi's). */
export async function seededCityOf(): Promise<string | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: tableName('registry'), Key: MARKER, ConsistentRead: true }),
  );
  return out.Item ? String(out.Item.city ?? '15.71') : undefined;
}

/** RT codes, or RTs with what POST /rts takes of them (a missing chair name or household count is made up). */
export type RtToAdd = string | { rt: string; households?: number; chairName?: string; chairPhone?: string };

/** RTs in the directory, as POST /rts adds them (the tests', the benchmark's and the demo's). */
export async function addRts(rts: readonly RtToAdd[]): Promise<void> {
  const now = new Date().toISOString();
  for (const given of rts) {
    const rt = typeof given === 'string' ? { rt: given } : given;
    await registerRt(
      {
        rt: rt.rt,
        chairName: rt.chairName ?? `Ketua RT ${rt.rt.slice(-3)}`,
        households: rt.households ?? 80,
        ...(rt.chairPhone ? { chairPhone: rt.chairPhone } : {}),
      },
      { actor: SEED_ACTOR, requestId: `seed-${rt.rt}`, now },
    );
  }
}

/** The demo kader's account (local mode's sign-in picker lists it beside the chairs). */
export const DEMO_KADER_USERNAME = 'kader-demo';

/** Puts demo RTs in the directory and makes each one's chair an account, as POST /rts and POST /staff do. */
export async function registerDemoRts(rts: readonly DemoRt[]): Promise<void> {
  await addRts(rts);
  const now = new Date().toISOString();
  for (const rt of rts) {
    await createStaff(
      {
        username: demoChairUsername(rt.rt),
        name: rt.chairName,
        role: 'rt_chair',
        rt: rt.rt,
        phone: rt.chairPhone,
      },
      { actor: SEED_ACTOR, requestId: `seed-chair-${rt.rt}`, now },
    );
  }
}

/**
 * Where the demo's units are put: DEMO_UNITS_AROUND ("lat,lon") when set; Kota Jambi's demo point (the README's
 * example incident is there); else the middle of the city's islands in idn-area-data where it lists some. Otherwise
 * there is no source here for where the city is, and no units are seeded (POST /units adds the city's own).
 */
export function demoUnitsCentre(): { lat: number; lon: number } | undefined {
  const given = /^\s*(-?\d+(\.\d+)?)\s*,\s*(-?\d+(\.\d+)?)\s*$/.exec(process.env.DEMO_UNITS_AROUND ?? '');
  if (given) return { lat: Number(given[1]), lon: Number(given[3]) };
  if (city().code === '15.71') return { lat: -1.61, lon: 103.61 };
  return islandsCentre(city().code);
}

export async function seedDemoData(
  residents = 500,
): Promise<{ rts: number; residents: number; units: number; puskesmas: number }> {
  const rts = demoRts(12);
  await registerDemoRts(rts);
  const people = demoResidents(residents + 20, rts).slice(0, residents);
  const now = new Date().toISOString();
  const result = await runImport(toCsv(people), { actor: SEED_ACTOR, requestId: 'seed', now });
  // Some uninsured poor residents become city-paid, as a verifier would decide.
  const uninsured = people.filter((p) => !p.scheme && p.lowIncome).slice(0, 5);
  for (const p of uninsured) {
    await changeCoverage(
      p.nik,
      { scheme: 'PBI_APBD', status: 'ACTIVE', reason: 'Warga miskin, ditetapkan PBI APBD', source: 'MANUAL' },
      { actor: SEED_ACTOR, requestId: `seed-${p.nik.slice(-4)}`, now: new Date().toISOString() },
    );
  }
  const puskesmas = demoPuskesmas();
  for (const p of puskesmas) {
    await createPuskesmas(p, { actor: SEED_ACTOR, requestId: `seed-${p.code}`, now });
  }
  // A demo kader of the first RT with an account, since last month (the sign-in picker lists it).
  const kader = people.find((p) => p.rt === rts[0]!.rt && p.phone);
  if (kader) {
    const [y, m] = todayWib().split('-').map(Number) as [number, number];
    const since = m === 1 ? `${y - 1}-12-01` : `${y}-${String(m - 1).padStart(2, '0')}-01`;
    await registerKader(
      { nik: kader.nik, level: 'MADYA', rt: rts[0]!.rt, since },
      { actor: SEED_ACTOR, requestId: 'seed-kader', now },
    );
    await createStaff(
      { username: DEMO_KADER_USERNAME, name: kader.name, role: 'kader', nik: kader.nik, phone: kader.phone },
      { actor: SEED_ACTOR, requestId: 'seed-kader-account', now },
    );
  }
  const operator = { sub: 'seed', roles: ['operator'] };
  const centre = demoUnitsCentre();
  const units = centre ? demoUnits(centre) : [];
  for (const unit of units) {
    const ctx = { actor: operator, requestId: `seed-${unit.id}`, now };
    await createUnit(unit, ctx);
    await setUnitStatus(unit.id, 'AVAILABLE', undefined, { ...ctx, requestId: `${ctx.requestId}-available` });
  }
  // The city's starting campaigns; the example broadcast is for the coming Sunday, to one demo RT.
  const sunday = new Date(Date.now() + 7 * 3_600_000);
  sunday.setUTCDate(sunday.getUTCDate() + ((7 - sunday.getUTCDay()) % 7 || 7));
  for (const campaign of seededCampaigns(sunday.toISOString().slice(0, 10), rts[4]!.rt)) {
    await saveCampaign(z.parse(campaignSchema, campaign), {
      actor: SEED_ACTOR,
      requestId: `seed-${campaign.id}`,
      now,
    });
  }
  await ddb().send(
    new PutCommand({
      TableName: tableName('registry'),
      Item: { ...MARKER, at: now, residents: result.imported, city: city().code },
    }),
  );
  return { rts: rts.length, residents: result.imported, units: units.length, puskesmas: puskesmas.length };
}

/** What the demo RTs spent their fund on this year (made-up, and said so on the public pages). */
const DEMO_EXPENSES: {
  category: (typeof CATEGORIES)[number];
  description: string;
  vendor: string;
  amount: number;
}[] = [
  {
    category: 'CLEAN_WATER',
    description: 'Pipa dan kran air bersih untuk sumur warga (data demo)',
    vendor: 'Toko Bangunan Demo',
    amount: 4_750_000,
  },
  {
    category: 'SANITATION',
    description: 'Perbaikan saluran air dan tempat sampah (data demo)',
    vendor: 'Toko Bangunan Demo',
    amount: 3_200_000,
  },
  {
    category: 'HEALTH_CHECK',
    description: 'Konsumsi cek kesehatan gratis di posyandu (data demo)',
    vendor: 'Warung Demo',
    amount: 850_000,
  },
  {
    category: 'NUTRITION',
    description: 'Makanan tambahan balita posyandu (data demo)',
    vendor: 'Warung Demo',
    amount: 1_400_000,
  },
  {
    category: 'OPERATIONS',
    description: 'Alat tulis dan fotokopi laporan dana (data demo)',
    vendor: 'Fotokopi Demo',
    amount: 275_000,
  },
];

/**
 * `npm start`'s demo of the RT funds (not the tests', whose ledgers start empty): each demo RT's tier allocation on the
 * year's first working day, then some of DEMO_EXPENSES spread over the months until today, and one expense reversed
 * (recorded twice by mistake), all through the ledger. Returns how many entries it wrote.
 */
export async function seedDemoFunds(): Promise<number> {
  const today = todayWib();
  const year = Number(today.slice(0, 4));
  const firstDay = `${year}-01-02` <= today ? `${year}-01-02` : today;
  const days = (Date.parse(today) - Date.parse(firstDay)) / 86_400_000;
  let entries = 0;
  for (const [i, rt] of demoRts(12).entries()) {
    const req = (n: string, day: string) => ({
      actor: SEED_ACTOR,
      requestId: `seed-fund-${rt.rt}-${n}`,
      now: new Date(Date.parse(startOfDayWib(day)) + 3 * 3_600_000).toISOString(),
    });
    await allocate(
      rt.rt,
      year,
      { households: rt.households, note: 'Dana Kampung Bahagia (data demo)' },
      req('a', firstDay),
    );
    entries++;
    // RTs spend at different paces: the first few most of the list, the later ones a little or nothing yet.
    const spends = DEMO_EXPENSES.slice(0, Math.max(0, DEMO_EXPENSES.length - Math.floor(i / 2)));
    for (const [j, e] of spends.entries()) {
      const day = new Date(
        Date.parse(firstDay) + Math.floor((days * (j + 1)) / (spends.length + 1)) * 86_400_000,
      )
        .toISOString()
        .slice(0, 10);
      await recordExpense(rt.rt, year, { ...e, date: day }, req(`e${j}`, day));
      entries++;
      if (i === 0 && j === 0) {
        // The same receipt entered twice, and the second taken back by a reversal (never an edit).
        const twice = await recordExpense(rt.rt, year, { ...e, date: day }, req('e0-again', day));
        await reverseEntry(
          rt.rt,
          year,
          twice.entry.entryId,
          'Tercatat dua kali (data demo)',
          req('r', day),
          false,
        );
        entries += 2;
      }
    }
  }
  return entries;
}
