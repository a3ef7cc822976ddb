// The city bench's arithmetic (BENCH_ONLY=city): the generated city has the shares the issue and Kota Jambi's figures
// give, on the city's real kelurahan; the month's bill multiplies what was measured by the profile at the rates of
// prices.ts and each function's configured memory; the province's arithmetic flags the items that reach DynamoDB's
// limits; and every rate names its source and date.
import { describe, expect, it } from 'vitest';
import { bill, cityProfile, memoryOf } from '../../bench/city/bill.ts';
import { cityResidents, cityRts, SHARES } from '../../bench/city/data.ts';
import { emptyUsage, type Usage } from '../../bench/city/meter.ts';
import { PARTITION_WCU, provinceArithmetic, TRANSACTION_SECONDS } from '../../bench/city/province.ts';
import { profileOverrides, smsRate } from '../../bench/city/report.ts';
import { HOT_ITEMS } from '../../bench/cost/hot-items.ts';
import { PRICES } from '../../bench/cost/prices.ts';
import { cityRegions, kelurahanOfRt } from '../../shared/city/regions.ts';
import { config } from '../../shared/platform/config.ts';
import { parseNik } from '../../shared/registry/nik.ts';

const rts = cityRts(1650);
// A part of the city at its density (about 3.4 people a household), so households have their real sizes.
const people = cityResidents(rts.slice(0, 160), 60_000, 7, new Date('2026-12-03T00:00:00Z'));
const pct = (f: (r: (typeof people)[number]) => boolean) => (people.filter(f).length / people.length) * 100;

describe('the generated city', () => {
  it('has 1,650 RTs over every kelurahan of the city, a fifth of them under 60 households', () => {
    expect(rts).toHaveLength(1650);
    expect(new Set(rts.map((r) => r.rt)).size).toBe(1650);
    const kelurahan = cityRegions().kecamatan.flatMap((k) => k.kelurahan.map((x) => x.code));
    expect(new Set(rts.map((r) => r.kelurahan))).toEqual(new Set(kelurahan));
    for (const r of rts) expect(kelurahanOfRt(r.rt)).toBe(r.kelurahan);
    expect(rts.filter((r) => r.households < 60)).toHaveLength(330);
    // All three fund tiers occur.
    expect(rts.some((r) => r.households >= 60 && r.households < 100)).toBe(true);
    expect(rts.some((r) => r.households >= 100)).toBe(true);
  });

  it("has Kota Jambi's shares: 99.81% enrolled, 81.69% active, ~15% PBI APBD, phones for ~80%", () => {
    expect(people).toHaveLength(60_000);
    expect(pct((r) => r.scheme !== '')).toBeCloseTo(SHARES.enrolled * 100, 0);
    expect(Math.abs(pct((r) => r.status === 'ACTIVE') - 81.69)).toBeLessThan(0.6);
    expect(Math.abs(pct((r) => r.scheme === 'PBI_APBD') - 15)).toBeLessThan(1);
    expect(Math.abs(pct((r) => r.phone !== '') - 80)).toBeLessThan(0.8);
    // The city's own PBI APBD is active (UHC Prioritas); the inactive are other segments.
    expect(people.filter((r) => r.scheme === 'PBI_APBD' && r.status !== 'ACTIVE')).toEqual([]);
  });

  it('gives everyone a unique, valid NIK of their kecamatan, birthdays over the whole year, ages old and young', () => {
    expect(new Set(people.map((r) => r.nik)).size).toBe(people.length);
    for (const r of people.slice(0, 5000)) {
      expect(parseNik(r.nik).ok).toBe(true);
      const rt = rts.find((x) => x.rt === r.rt)!;
      expect(r.nik.slice(0, 6)).toBe(rt.kelurahan.replaceAll('.', '').slice(0, 6));
    }
    for (let m = 1; m <= 12; m++) {
      const share = pct((r) => Number(r.birthDate.slice(5, 7)) === m);
      expect(share).toBeGreaterThan(7);
      expect(share).toBeLessThan(9.7);
    }
    expect(pct((r) => r.birthDate > '2021-12-03')).toBeGreaterThan(6);
    expect(pct((r) => r.birthDate < '1961-12-03')).toBeGreaterThan(4);
  });
});

const usage = (u: Partial<Usage>): Usage => ({ ...emptyUsage(), ...u });

describe("the month's bill", () => {
  it('takes each function’s configured memory, 512 MB where none is set', () => {
    expect(memoryOf('functions/registry/import-worker.ts')).toBe(1769);
    expect(memoryOf('functions/registry/get-coverage.ts')).toBe(512);
  });

  it('multiplies what one operation used by the month’s count, at the rates, and adds it up', () => {
    const sms = smsRate();
    const profile = {
      ...cityProfile({ rts: 1650, residents: 650_000, cityPaid: 97_500, reminderSmsPerMonth: 100_000 }),
    };
    const measured = {
      clinicCheck: {
        sample: 10,
        usage: usage({
          functions: { 'functions/registry/get-coverage.ts': { invocations: 10, ms: 50 } },
          apiRequests: 10,
          dynamo: { requests: 10, readUnits: 10, writeUnits: 0, itemsRead: 10 },
        }),
      },
      reminderSms: {
        sample: 4,
        usage: usage({
          functions: { 'functions/reminder/send-sms.ts': { invocations: 4, ms: 400 } },
          sms: { messages: 4, parts: 5 },
        }),
      },
    };
    const b = bill(measured, profile, 650_000, 1, sms);
    const line = (service: string, unit: string) =>
      b.lines.find((l) => l.service === service && l.unit.startsWith(unit))!;
    expect(line('Lambda', 'requests').quantity).toBe(profile.clinicChecks + profile.reminderSms);
    // 60,000 checks × 5 ms at 512 MB, and 100,000 SMS × 100 ms at send-sms's memory.
    const gbs = 60_000 * 0.005 * 0.5 + 100_000 * 0.1 * (memoryOf('functions/reminder/send-sms.ts') / 1024);
    expect(line('Lambda', 'GB-seconds').quantity).toBeCloseTo(gbs, 1);
    expect(line('SNS SMS', 'SMS parts').quantity).toBe(125_000);
    expect(line('SNS SMS', 'SMS parts').usd).toBeCloseTo(125_000 * sms.usd, 1);
    expect(line('DynamoDB', 'read request units').quantity).toBe(60_000);
    expect(b.totalUsd).toBeCloseTo(
      b.lines.reduce((s, l) => s + l.usd, 0),
      1,
    );
    expect(b.dominant.service).toBe('SNS SMS');
    expect(b.perResidentUsd).toBeCloseTo(b.totalUsd / 650_000, 5);
  });
});

describe("another city's month", () => {
  it('takes BENCH_CITY_PROFILE for the profile, naming a field it does not know or a count that cannot be', () => {
    const known = Object.keys(cityProfile({ rts: 1, residents: 1, cityPaid: 1, reminderSmsPerMonth: 1 }));
    expect(profileOverrides('{"clinicChecks":90000,"letters":0}', known)).toEqual({
      clinicChecks: 90_000,
      letters: 0,
    });
    expect(profileOverrides(undefined, known)).toEqual({});
    expect(() => profileOverrides('{"clinicCheck":1}', known)).toThrow(/clinicCheck is not one of/);
    expect(() => profileOverrides('{"letters":-1}', known)).toThrow(/letters must be a whole number/);
    expect(() => profileOverrides('{"letters":1.5}', known)).toThrow(/letters must be a whole number/);
  });
});

describe('the province, by arithmetic', () => {
  const profile = cityProfile({
    rts: 1650,
    residents: 650_000,
    cityPaid: 97_500,
    reminderSmsPerMonth: 500_000,
  });
  const { rows, province } = provinceArithmetic({
    profile,
    city: { name: 'the city', residents: 650_000, kelurahan: 62, rts: 1650 },
    importRowsPerSecond: 2_000,
  });
  const row = (id: string) => rows.find((r) => r.item === id)!;

  it('covers every shared item the code writes, at 11 million residents', () => {
    expect(rows.map((r) => r.item)).toEqual(HOT_ITEMS.map((h) => h.id));
    expect(province.residents).toBe(11_000_000);
    expect(province.rts).toBe(Math.round(1650 * (11_000_000 / 650_000)));
  });

  it("counts the day's SMS counters at the sender's rate, two transactional writes a message over ten shards", () => {
    const rate = config().SMS_RATE_PER_SECOND;
    const r = row('sms-day-counters');
    expect(r.city.itemWritesPerSecond).toBeCloseTo((2 * rate) / 10, 3);
    // One partition (pk DAYS) takes them all, at 2 WCU each; a shard's transactions rarely meet.
    expect(r.city.partitionWcu).toBeCloseTo(2 * rate * 2, 1);
    expect(r.city.conflict).toBeCloseTo(1 - Math.exp(-((2 * rate) / 10) * TRANSACTION_SECONDS), 3);
    expect(r.verdict).toBe('fine');
    // On one item, as before the shards, most would meet another and some fail the request.
    const one = provinceArithmetic({
      profile,
      city: { name: 'the city', residents: 650_000, kelurahan: 62, rts: 1650 },
      importRowsPerSecond: 2_000,
      hotItems: HOT_ITEMS.map((h) => (h.id === 'sms-day-counters' ? { ...h, shards: 1 } : h)),
    }).rows.find((x) => x.item === 'sms-day-counters')!;
    expect(one.city.conflict).toBeGreaterThan(0.5);
    expect(one.verdict).toMatch(/^conflicts/);
  });

  it('has an import in RT order touch a kelurahan or two a chunk, and the premium months at worst one a city-paid row', () => {
    // Four 500-row chunks a second; a kelurahan holds ~10,000 residents, so a chunk touches two at most.
    const uhc = row('uhc-kelurahan');
    expect(uhc.city.partitionWcu).toBeGreaterThanOrEqual(4 * 2 * 2);
    expect(uhc.city.partitionWcu).toBeLessThan(4 * 2 * 2 + 1);
    expect(uhc.province.partitionWcu).toBeLessThan(20);
    // Every month's premium item is under one partition key: 75 city-paid rows a chunk, 2 WCU each.
    const premium = row('premium-pbi-apbd-month');
    expect(premium.city.partitionWcu).toBeCloseTo(4 * 75 * 2, 0);
    expect(premium.verdict).toMatch(/^half the partition/);
    // 0.3 WCU/s a row/s (75 months × 2 WCU a 500-row chunk): the partition's limit at about 3,330 rows/s.
    expect(premium.importAtLimit).toBeGreaterThan(3_300);
    expect(premium.importAtLimit).toBeLessThan(3_340);
    const fund = row('rt-fund-account');
    expect(fund.province.partitionWcu).toBe(fund.city.partitionWcu);
    expect(fund.verdict).toBe('fine');
    expect(fund.importAtLimit).toBeNull();
  });

  it('flags a partition over its limit', () => {
    const fast = provinceArithmetic({
      profile,
      city: { name: 'the city', residents: 650_000, kelurahan: 62, rts: 1650 },
      importRowsPerSecond: 8_000,
    }).rows.find((r) => r.item === 'premium-pbi-apbd-month')!;
    expect(fast.province.partitionWcu).toBeGreaterThan(PARTITION_WCU);
    expect(fast.verdict).toMatch(/^partition limit/);
  });
});

describe('prices', () => {
  it('name their source, date and the region each figure is really for', () => {
    for (const [name, rate] of Object.entries(PRICES)) {
      expect(rate.source, name).not.toBe('');
      expect(rate.asOf, name).toMatch(/^20\d\d-\d\d-\d\d$/);
      expect(rate.region, name).not.toBe('');
      if (rate.region !== 'ap-southeast-3')
        expect(rate.note, `${name} says it is not Jakarta's`).toBeTruthy();
      if (name !== 'snsSmsIndonesia') expect(rate.usd, name).toBeGreaterThan(0);
    }
  });

  it("bills SMS at the city's configured price while no AWS price for Indonesia is in prices.ts", () => {
    const rate = smsRate();
    if (Number.isFinite(PRICES.snsSmsIndonesia.usd)) expect(rate).toBe(PRICES.snsSmsIndonesia);
    else {
      expect(rate.usd).toBe(config().SMS_PRICE_USD_PER_PART);
      expect(rate.source).toContain('SMS_PRICE_USD_PER_PART');
    }
  });
});
