// BPJS's invoice checked name by name, against DynamoDB Local: who the city pays for in a month comes from the
// city-paid index (never a scan) and must agree with the premium bill the aggregates keep.
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import { addRts } from '../../infra/local/seed.ts';
import { setEventBus } from '../../shared/platform/bus.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import { NotFound, PayloadTooLarge, ValidationError } from '../../shared/platform/errors.ts';
import { todayWib } from '../../shared/platform/wib.ts';
import { assignBirthNik, recordBirth } from '../../shared/registry/births.ts';
import { recordDeath } from '../../shared/registry/deaths.ts';
import {
  createImportJob,
  finishJobWith,
  getImportJob,
  runUploadedJob,
} from '../../shared/registry/import-jobs.ts';
import { recordMove } from '../../shared/registry/moves.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import {
  cityPaidIn,
  getReconciliation,
  listReconciliations,
  reconcile,
  reconciliationCsv,
} from '../../shared/registry/reconciliation.ts';
import { changeCoverage, cityPaidCount, createResident } from '../../shared/registry/repository.ts';
import { addMonths } from '../../shared/registry/rules.ts';
import type { Scheme } from '../../shared/registry/schemas.ts';
import { useFreshTables } from '../support/tables.ts';

const RTS = demoRts(4);
const RT = RTS[0]!;
const admin = { sub: 'admin-1', roles: ['city_admin'] };
const ctx = (requestId = Math.random().toString(36).slice(2)) => ({
  actor: admin,
  requestId,
  now: new Date().toISOString(),
});
let sequence = 1;
const newNik = () =>
  makeNik({ regionCode: RT.kelurahan, birthDate: '1980-02-11', sex: 'M', sequence: sequence++ });
const today = todayWib();
const thisMonth = today.slice(0, 7);
const lastMonth = addMonths(thisMonth, -1);
/** A day of the month `n` months from this one. */
const dayOf = (n: number, day = '15') => `${addMonths(thisMonth, n)}-${day}`;

/** A registered resident with coverage from a real start. */
async function person(scheme: Scheme | null, status: 'ACTIVE' | 'INACTIVE' = 'ACTIVE', from = '2024-03-05') {
  const nik = newNik();
  await createResident(
    {
      nik,
      kk: '1571010101010001',
      name: 'Warga Uji',
      birthDate: '1980-02-11',
      sex: 'M',
      rt: RT.rt,
    },
    ctx(),
  );
  if (scheme) await changeCoverage(nik, { scheme, status, reason: 'uji', source: 'MANUAL', from }, ctx());
  return nik;
}

const csv = (niks: string[]) =>
  `no,nik,nama_peserta\n${niks.map((n, i) => `${i + 1},${n},Nama ${i}`).join('\n')}\n`;

const cast: Record<string, string> = {};

beforeAll(async () => {
  setEventBus({ publish: async () => {} });
  await useFreshTables();
  await addRts(RTS);
  cast.paid = await person('PBI_APBD');
  cast.paid2 = await person('PBI_APBD');
  cast.missing = await person('PBI_APBD');
  // Died two months ago, moved out of the city last month, died this month (still billed for it).
  cast.dead = await person('PBI_APBD');
  await recordDeath(cast.dead, { date: dayOf(-2, '01'), source: 'DUKCAPIL' }, ctx());
  cast.moved = await person('PBI_APBD');
  await recordMove(cast.moved, { date: dayOf(-1, '20'), to: '31.71' }, ctx());
  cast.diedNow = await person('PBI_APBD');
  await recordDeath(cast.diedNow, { date: today, source: 'DUKCAPIL' }, ctx());
  cast.mandiri = await person('PBPU', 'ACTIVE', '2025-01-02');
  cast.inactive = await person('PBI_APBD', 'INACTIVE', '2025-06-01');
  cast.nothing = await person(null);
  // City-paid until the national scheme took them over (PBI APBN) on the 2nd of this month: this month is still billed.
  cast.switched = await person('PBI_APBD');
  await changeCoverage(
    cast.switched,
    {
      scheme: 'PBI_APBN',
      status: 'ACTIVE',
      reason: 'dialihkan ke APBN',
      source: 'MANUAL',
      from: `${thisMonth}-02`,
    },
    ctx(),
  );
  // City-paid only from this month: not yet in last month's bill.
  cast.newcomer = await person('PBI_APBD', 'ACTIVE', `${thisMonth}-01`);
  cast.unknown = makeNik({ regionCode: RT.kelurahan, birthDate: '1970-01-01', sex: 'F', sequence: 9999 });
});

describe('who the city pays for in a month', () => {
  it('is the residents the premium bill counts, month by month', async () => {
    for (const month of [addMonths(thisMonth, -3), addMonths(thisMonth, -2), lastMonth, thisMonth]) {
      const paid = await cityPaidIn(month);
      expect(paid.niks.size + paid.newborns, month).toBe(await cityPaidCount(month));
    }
    const now = (await cityPaidIn(thisMonth)).niks;
    const before = (await cityPaidIn(lastMonth)).niks;
    // Died this month: still billed for it. Died two months ago: billed for that month only.
    expect(now.has(cast.diedNow!)).toBe(true);
    expect(now.has(cast.dead!)).toBe(false);
    expect((await cityPaidIn(addMonths(thisMonth, -2))).niks.has(cast.dead!)).toBe(true);
    // Moved out last month: billed through it, not after.
    expect(before.has(cast.moved!)).toBe(true);
    expect(now.has(cast.moved!)).toBe(false);
    expect(before.has(cast.newcomer!)).toBe(false);
    expect(now.has(cast.newcomer!)).toBe(true);
    expect(now.has(cast.mandiri!) || now.has(cast.inactive!) || now.has(cast.nothing!)).toBe(false);
  });
});

describe("checking BPJS's invoice", () => {
  it('names every row the city should not pay with its reason, and every resident BPJS left out', async () => {
    const billed = [
      cast.paid!,
      cast.dead!,
      cast.moved!,
      cast.diedNow!,
      cast.mandiri!,
      cast.inactive!,
      cast.unknown!,
      cast.paid!,
      cast.nothing!,
      cast.switched!,
      cast.newcomer!,
    ];
    const send = vi.spyOn(ddb(), 'send');
    const r = await reconcile(thisMonth, `${csv(billed)}x,12345,Tidak Terbaca\n`, ctx());
    // Never a scan: the city-paid index per shard, and the residents named in the list that it does not hold.
    expect(send.mock.calls.map(([c]) => c.constructor.name)).not.toContain('ScanCommand');
    send.mockRestore();
    expect(r).toMatchObject({
      month: thisMonth,
      billed: 12,
      // Paid for, died this month, switched to APBN this month (city-paid on its 1st), city-paid from the 1st.
      matched: 4,
      rejectedRows: 1,
      rejected: [{ line: 13, field: 'nik', reason: 'must be exactly 16 digits' }],
    });
    const reasons = Object.fromEntries(r.extra.map((e) => [`${e.nik}@${e.line}`, [e.reason, e.since]]));
    expect(reasons).toEqual({
      [`${cast.dead}@3`]: ['DECEASED', dayOf(-2, '01')],
      [`${cast.moved}@4`]: ['MOVED_OUT', dayOf(-1, '20')],
      [`${cast.mandiri}@6`]: ['NOT_CITY_PAID', '2025-01-02'],
      [`${cast.inactive}@7`]: ['INACTIVE', '2025-06-01'],
      [`${cast.unknown}@8`]: ['NOT_REGISTERED', undefined],
      [`${cast.paid}@9`]: ['DUPLICATE', undefined],
      [`${cast.nothing}@10`]: ['NOT_CITY_PAID', undefined],
    });
    expect(r.extraCount).toBe(7);
    expect(r.byReason).toEqual({
      DECEASED: 1,
      MOVED_OUT: 1,
      NOT_REGISTERED: 1,
      NOT_CITY_PAID: 2,
      INACTIVE: 1,
      DUPLICATE: 1,
    });
    expect(r.overbilledRupiah).toBe(7 * 42_000);
    expect(r.missing).toEqual([cast.missing, cast.paid2].sort());
    expect(r.matched + r.missingCount).toBe(r.cityPaid);
    expect(r.cityPaid).toBe(await cityPaidCount(thisMonth));
    // BPJS's names are never read, and no one's name is shown.
    expect(JSON.stringify(r)).not.toMatch(/Nama|Warga/);
  });

  it("judges last month's invoice by last month: a move that month and a switch since were still the city's", async () => {
    const r = await reconcile(
      lastMonth,
      csv([cast.moved!, cast.switched!, cast.newcomer!, cast.dead!]),
      ctx(),
    );
    expect(r.matched).toBe(2);
    expect(r.extra.map((e) => [e.nik, e.reason])).toEqual([
      // City-paid only from this month (its coverage began on the 1st): not last month's to pay.
      [cast.newcomer, 'NOT_CITY_PAID'],
      [cast.dead, 'DECEASED'],
    ]);
    expect(r.cityPaid).toBe(await cityPaidCount(lastMonth));
  });

  it('keeps each outcome once, lists it, gives it back row for row and prints it for the letter', async () => {
    const month = addMonths(thisMonth, -2);
    const list = csv([cast.paid!, cast.unknown!, cast.unknown!]);
    const first = await reconcile(month, list, ctx());
    const again = await reconcile(month, list, ctx());
    expect(again.id).toBe(first.id);
    const other = await reconcile(month, csv([cast.paid!]), ctx());
    const listed = await listReconciliations(month);
    expect(listed.map((s) => s.id).sort()).toEqual([first.id, other.id].sort());
    expect(listed[0]!.id).toBe(other.id);
    expect(listed[0]).not.toHaveProperty('extra');
    const kept = await getReconciliation(month, first.id);
    const { createdAt: _a, ...shown } = kept;
    const { createdAt: _b, ...answered } = again;
    expect(shown).toEqual(answered);
    const lines = reconciliationCsv(kept).trim().split('\r\n');
    expect(lines[0]).toBe('nik,reason,since,line,premium');
    expect(lines).toContain(`${cast.unknown},NOT_REGISTERED,,3,42000`);
    expect(lines).toContain(`${cast.unknown},DUPLICATE,,4,42000`);
    expect(lines.filter((l) => l.endsWith(',MISSING,,,'))).toHaveLength(kept.missingCount);
    await expect(getReconciliation(lastMonth, first.id)).rejects.toBeInstanceOf(NotFound);
  });

  it('stores a large outcome in pages and reads it back whole', async () => {
    const strangers = Array.from({ length: 2_345 }, (_, i) =>
      makeNik({ regionCode: RT.kelurahan, birthDate: '1975-05-05', sex: 'M', sequence: 1000 + (i % 8000) }),
    );
    const r = await reconcile(thisMonth, csv(strangers), ctx());
    expect(r.extraCount).toBe(2_345);
    const kept = await getReconciliation(thisMonth, r.id);
    expect(kept.extra).toEqual(r.extra);
  });

  it('refuses a month in the future or before JKN, a list without a nik column, an empty list, and a list too long', async () => {
    const field = async (p: Promise<unknown>) => {
      const e = await p.catch((x) => x);
      expect(e).toBeInstanceOf(ValidationError);
      return (e as ValidationError).issues.map((i) => i.path);
    };
    expect(await field(reconcile(addMonths(thisMonth, 1), csv([cast.paid!]), ctx()))).toEqual(['month']);
    expect(await field(reconcile('2013-12', csv([cast.paid!]), ctx()))).toEqual(['month']);
    expect(await field(reconcile(thisMonth, 'no_kartu\n0001\n', ctx()))).toEqual(['header']);
    expect(await field(reconcile(thisMonth, 'nik\n', ctx()))).toEqual(['file']);
    await expect(
      reconcile(thisMonth, csv([cast.paid!, cast.paid2!]), ctx(), { maxRows: 1 }),
    ).rejects.toBeInstanceOf(PayloadTooLarge);
    expect(await listReconciliations(addMonths(thisMonth, 1))).toEqual([]);
  });
});

describe('a reconciliation job', () => {
  it('runs an uploaded list for its month and records the outcome on the job, once', async () => {
    const job = await createImportJob(ctx(), 'RECONCILIATION', { month: lastMonth });
    const run = () =>
      runUploadedJob(job.jobId, 'RECONCILIATION', 'req-job', async (j, c) => {
        const r = await reconcile(j.month!, csv([cast.moved!, cast.unknown!]), c, { jobId: j.jobId });
        const { extra: _e, missing: _m, rejected: _r, ...summary } = r;
        await finishJobWith(j.jobId, summary, c, {
          kind: 'RECONCILIATION',
          month: j.month!,
          action: 'ReconciliationJobDone',
          after: { id: r.id },
        });
        return r;
      });
    const r = await run();
    const done = await getImportJob(job.jobId, 'RECONCILIATION');
    expect(done).toMatchObject({
      status: 'DONE',
      month: lastMonth,
      result: { id: r.id, matched: 1, extraCount: 1 },
    });
    await expect(run()).rejects.toThrow(/already run/);
    // Another kind's status route does not know it.
    await expect(getImportJob(job.jobId, 'RESIDENTS')).rejects.toBeInstanceOf(NotFound);
    await expect(getImportJob(job.jobId, 'CIVIL_EVENTS')).rejects.toBeInstanceOf(NotFound);
  });
});

// Last: the newborn and its mother join this month's city-paid list.
describe('a city-paid newborn', () => {
  it('is on the bill from birth without a NIK, and counted by its NIK once Dukcapil issues it', async () => {
    const mother = makeNik({ regionCode: RT.kelurahan, birthDate: '1995-04-04', sex: 'F', sequence: 77 });
    await createResident(
      { nik: mother, kk: '1571010101010002', name: 'Ibu Uji', birthDate: '1995-04-04', sex: 'F', rt: RT.rt },
      ctx(),
    );
    await changeCoverage(
      mother,
      { scheme: 'PBI_APBD', status: 'ACTIVE', reason: 'uji', source: 'MANUAL' },
      ctx(),
    );
    const before = await cityPaidIn(thisMonth);
    const birth = await recordBirth(
      { motherNik: mother, name: 'Bayi Uji', birthDate: today, sex: 'F' },
      ctx(),
    );
    const born = await cityPaidIn(thisMonth);
    expect(born.newborns).toBe(before.newborns + 1);
    expect(born.niks.size + born.newborns).toBe(await cityPaidCount(thisMonth));
    const r = await reconcile(thisMonth, csv([mother]), ctx());
    expect(r.newbornsWithoutNik).toBe(born.newborns);
    expect(r.matched + r.missingCount + r.newbornsWithoutNik).toBe(r.cityPaid);
    expect(r.cityPaid).toBe(await cityPaidCount(thisMonth));
    const child = makeNik({ regionCode: RT.kelurahan, birthDate: today, sex: 'F', sequence: 1 });
    await assignBirthNik(birth.id, child, ctx());
    const registered = await cityPaidIn(thisMonth);
    expect(registered.newborns).toBe(before.newborns);
    expect(registered.niks.has(child)).toBe(true);
    expect(registered.niks.size + registered.newborns).toBe(await cityPaidCount(thisMonth));
  });
});
