// BENCH_ONLY=city at a small scale, so the section keeps working as the API moves: a city of 4,000 residents in 100 RTs
// loaded through POST /rts/import and the upload jobs, each figure taken, each everyday operation metered and billed.
// What it asserts is what the full run reports on: the city's shares in /uhc, figures that read no more than their
// bound, a reminders selection reading one resident per due, BPJS's invoice without a Scan, a letter's one HMAC and
// SMS, SMS dominating the bill, and a verdict for every shared item.
import { describe, expect, it } from 'vitest';
import { benchCity, type CitySection } from '../../bench/city/city.ts';
import { cityBill } from '../../bench/city/report.ts';
import { HOT_ITEMS } from '../../bench/cost/hot-items.ts';
import { cityRegions } from '../../shared/city/regions.ts';

describe('the city bench, small', () => {
  let s: CitySection;

  it('loads a city through the real paths and takes every figure', { timeout: 300_000 }, async () => {
    s = await benchCity({
      residents: 4000,
      rts: 100,
      reconciliationRows: 700,
      coverage: { requests: 100, concurrency: 5, warmup: 10, rounds: 1 },
      samples: { clinicChecks: 20, letters: 5, expenses: 5, reminderSms: 20, incidents: 5 },
    });
    expect(s.residents).toBe(4000);
    expect(s.residentsImport.pilotRows + s.residentsImport.rows).toBe(4000);
    // /uhc counts what was loaded (the letters add their new residents after).
    expect(s.uhcCheck.residents).toBe(4000);
    expect(s.uhcCheck.coveredPct).toBeGreaterThan(99);
    expect(s.uhcCheck.activePct).toBeGreaterThan(75);
    expect(s.uhcCheck.activePct).toBeLessThan(88);
  });

  it('reads no more items for a figure than its bound, whatever the residents', () => {
    const kelurahan = cityRegions().kecamatan.flatMap((k) => k.kelurahan).length;
    expect(s.reads.find((r) => r.path === '/uhc')).toMatchObject({ itemsRead: kelurahan, bound: kelurahan });
    for (const r of s.reads) {
      expect(r.itemsRead, r.path).toBeLessThanOrEqual(r.bound);
      expect(r.requests, r.path).toBe(1);
    }
    expect(s.paging.rtDirectory.rts).toBe(100);
  });

  it('selects reminders at one resident read per due, and checks the invoice without a Scan', () => {
    expect(s.reminders.due).toBeGreaterThan(0);
    expect(s.reminders.readPerDue).toBeLessThanOrEqual(1.05);
    expect(s.reconciliation.matched).toBeGreaterThan(0);
    expect(s.reconciliation.calls.Scan).toBeUndefined();
  });

  it('meters each operation as AWS bills it: a letter is one HMAC and one SMS', () => {
    const letter = s.perOperation.letter!;
    expect(letter.sample).toBe(5);
    expect(letter.usage.kmsRequests).toBe(5);
    expect(letter.usage.sms.messages).toBe(5);
    expect(letter.usage.functions['functions/attestation/issue-attestation.ts']?.invocations).toBe(5);
    expect(s.perOperation.clinicCheck!.usage.apiRequests).toBe(20);
    expect(s.perOperation.clinicCheck!.usage.dynamo.writeUnits).toBe(0);
    expect(s.perOperation.reminderSms!.usage.sms.parts).toBeGreaterThanOrEqual(20);
    expect(s.perOperation.incident!.usage.sms.messages).toBeGreaterThanOrEqual(5);
  });

  it("bills the month, SMS first, and gives every shared item a verdict at the province's scale", () => {
    const b = cityBill(s);
    expect(b.totalUsd).toBeGreaterThan(0);
    expect(b.dominant.service).toBe('SNS SMS');
    expect(b.province.rows.map((r) => r.item)).toEqual(HOT_ITEMS.map((h) => h.id));
    for (const r of b.province.rows) expect(r.verdict).not.toBe('');
  });
});
