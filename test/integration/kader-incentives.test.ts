// The kader's monthly incentive against DynamoDB Local: 100 kader at once, their activities of last month counted, one
// immutable payment run that concurrent callers can never make twice, a replay that answers the same, a run a failure
// left half-written finished by its retry, reversals as entries of their own, the year's totals and the transfer list.
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import { addRts } from '../../infra/local/seed.ts';
import { oldestRecordable, recordActivity } from '../../shared/kader/activities.ts';
import {
  readRun,
  reversePayment,
  runIncentives,
  transferCsv,
  yearTotals,
} from '../../shared/kader/incentives.ts';
import { registerKader } from '../../shared/kader/register.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { setEventBus } from '../../shared/platform/bus.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import { Conflict, ValidationError } from '../../shared/platform/errors.ts';
import { tableName } from '../../shared/platform/tables.ts';
import { todayWib } from '../../shared/platform/wib.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { createResident } from '../../shared/registry/repository.ts';
import { addMonths } from '../../shared/registry/rules.ts';
import { useFreshTables } from '../support/tables.ts';

const RT = demoRts(1)[0]!;
const admin: Principal = { sub: 'admin-1', roles: ['city_admin'] };
const clinic: Principal = { sub: 'clinic-1', roles: ['clinic'] };
let requestSeq = 1;
const ctx = () => ({ actor: admin, requestId: `r${requestSeq++}`, now: new Date().toISOString() });
const lastMonth = oldestRecordable(todayWib()).slice(0, 7);
const key = (k: string) => ({ id: `kader-incentives#${lastMonth}#${k}`, requestHash: 'h' });

const kader: string[] = [];
/** Activities of last month per kader: the first 60 reach the 4 needed, the next 40 do not (0 to 3). */
const wanted = (i: number) => (i < 60 ? 4 + (i % 3) : i % 4);

beforeAll(async () => {
  setEventBus({ publish: async () => {} });
  await useFreshTables();
  await addRts([RT]);
  for (let i = 0; i < 100; i++) {
    const nik = makeNik({ regionCode: RT.kelurahan, birthDate: '1979-04-09', sex: 'F', sequence: 700 + i });
    await createResident(
      {
        nik,
        kk: '1571010101017001',
        name: `Kader ${String(i).padStart(3, '0')}`,
        birthDate: '1979-04-09',
        sex: 'F',
        rt: RT.rt,
      },
      ctx(),
    );
    kader.push(nik);
  }
  // Kader since the first of last month (the register is new; their work before it is paid).
  await Promise.all(
    kader.map((nik) => registerKader({ nik, level: 'AWAL', rt: RT.rt, since: `${lastMonth}-01` }, ctx())),
  );
  await Promise.all(
    kader.flatMap((nik, i) =>
      Array.from({ length: wanted(i) }, (_, n) =>
        recordActivity(
          nik,
          {
            date: `${lastMonth}-${String(10 + n).padStart(2, '0')}`,
            kind: 'POSYANDU',
            note: 'Menimbang balita',
          },
          { ...ctx(), actor: clinic, idempotency: { id: `a#${nik}#${n}`, requestHash: 'h' } },
        ),
      ),
    ),
  );
}, 120_000);

describe('the monthly incentive run', () => {
  it('refuses a month that has not ended', async () => {
    await expect(
      runIncentives(todayWib().slice(0, 7), { ...ctx(), idempotency: key('now') }),
    ).rejects.toBeInstanceOf(ValidationError);
  });

  it('is made once under concurrency: one of five runs pays, the others are 409, nobody is paid twice', async () => {
    const results = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e'].map((k) => runIncentives(lastMonth, { ...ctx(), idempotency: key(k) })),
    );
    const made = results.filter((r) => r.status === 'fulfilled');
    const refused = results.filter((r) => r.status === 'rejected');
    expect(made).toHaveLength(1);
    expect(refused).toHaveLength(4);
    for (const r of refused) expect((r as PromiseRejectedResult).reason).toBeInstanceOf(Conflict);
    const run = (await readRun(lastMonth))!;
    expect(run.status).toBe('COMPLETE');
    expect(run.paid).toHaveLength(60);
    expect(run.notPaid).toHaveLength(40);
    expect(new Set(run.paid.map((p) => p.nik)).size).toBe(60);
    expect(run.paid.every((p) => p.amount === 300_000)).toBe(true);
    expect(run.total).toBe(60 * 300_000);
    expect(run.paid.map((p) => p.nik).sort()).toEqual(kader.slice(0, 60).sort());
    const few = run.notPaid.find((n) => n.nik === kader[61])!;
    expect(few.reason).toBe('TOO_FEW_ACTIVITIES: 1 of the 4 needed');
  });

  it('answers a replay of the run that was made the same, and writes nothing new', async () => {
    const first = (await readRun(lastMonth))!;
    // Whichever key won, a replay with it answers the same run; any other key is a 409.
    const replays = await Promise.allSettled(
      ['a', 'b', 'c', 'd', 'e'].map((k) => runIncentives(lastMonth, { ...ctx(), idempotency: key(k) })),
    );
    const ok = replays.filter((r) => r.status === 'fulfilled') as PromiseFulfilledResult<{
      replayed: boolean;
      run: unknown;
    }>[];
    expect(ok).toHaveLength(1);
    expect(ok[0]!.value.replayed).toBe(true);
    expect(ok[0]!.value.run).toEqual(first);
  });

  it('corrects a payment by a reversal entry, once; the transfer list and the year leave it out', async () => {
    const rev = await reversePayment(lastMonth, { nik: kader[0]!, reason: 'Kegiatan ganda tercatat' }, ctx());
    expect(rev).toMatchObject({ nik: kader[0], amount: 300_000 });
    await expect(reversePayment(lastMonth, { nik: kader[0]!, reason: 'Lagi' }, ctx())).rejects.toBeInstanceOf(
      Conflict,
    );
    const run = (await readRun(lastMonth))!;
    expect(run.net).toBe(59 * 300_000);
    expect(run.paid).toHaveLength(60); // the run itself is never edited
    const csv = transferCsv(run).trim().split('\r\n');
    expect(csv[0]).toBe('nik,nama,jumlah');
    expect(csv).toHaveLength(60);
    expect(csv.some((l) => l.startsWith(kader[0]!))).toBe(false);
    expect(csv).toContain(`${kader[1]},Kader 001,300000`);
    const year = await yearTotals(Number(lastMonth.slice(0, 4)));
    expect(year.months.find((m) => m.month === lastMonth)).toMatchObject({
      paid: 60,
      notPaid: 40,
      total: 18_000_000,
      reversed: 300_000,
      net: 17_700_000,
    });
  });

  it('finishes a run a failure left half-written when the same key comes again; another key is refused', async () => {
    // A month of its own, two months ago: a crashed run left its head WRITING and no lines.
    const month = addMonths(lastMonth, -1);
    await ddb().send(
      new PutCommand({
        TableName: tableName('registry'),
        Item: {
          pk: `INCENTIVE#${month}`,
          sk: 'RUN',
          month,
          status: 'WRITING',
          idempotencyId: key('z').id,
          requestHash: 'h',
          createdAt: new Date().toISOString(),
          createdBy: 'admin-1',
        },
      }),
    );
    await expect(runIncentives(month, { ...ctx(), idempotency: key('y') })).rejects.toBeInstanceOf(Conflict);
    const done = await runIncentives(month, { ...ctx(), idempotency: key('z') });
    expect(done.replayed).toBe(false);
    expect(done.run.status).toBe('COMPLETE');
    // The kader's register says they began last month: none was a kader then.
    expect(done.run.paid).toEqual([]);
    expect(done.run.notPaid).toEqual([]);
    expect((await runIncentives(month, { ...ctx(), idempotency: key('z') })).replayed).toBe(true);
  });
});
