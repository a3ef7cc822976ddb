// BPJS Ketenagakerjaan cover against DynamoDB Local: the timeline, two sources, the month bill, the audit, and
// concurrent enrolments counted exactly.
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import { addRts } from '../../infra/local/seed.ts';
import { ddb, transact } from '../../shared/platform/dynamo.ts';
import { Conflict, NotFound } from '../../shared/platform/errors.ts';
import { tableName } from '../../shared/platform/tables.ts';
import { recordDeath } from '../../shared/registry/deaths.ts';
import {
  employmentCoverCount,
  endEmploymentCoverItems,
  endRtWorker,
  enrolRtWorker,
  getEmploymentCover,
  getEmploymentCoverState,
  openEmploymentCoverItems,
} from '../../shared/registry/employment-cover.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { premiumReport } from '../../shared/registry/reports.ts';
import { createResident } from '../../shared/registry/repository.ts';
import { useFreshTables } from '../support/tables.ts';

const RT = demoRts(1)[0]!;
const admin = { sub: 'admin-1', roles: ['city_admin'] };
const ctx = () => ({
  actor: admin,
  requestId: Math.random().toString(36).slice(2),
  now: new Date().toISOString(),
});
let sequence = 1;
async function newResident(): Promise<string> {
  const nik = makeNik({ regionCode: RT.kelurahan, birthDate: '1985-04-12', sex: 'M', sequence: sequence++ });
  await createResident(
    { nik, kk: '1571010101010001', name: 'Budi Santoso', birthDate: '1985-04-12', sex: 'M', rt: RT.rt },
    ctx(),
  );
  return nik;
}
const counts = (months: string[]) => Promise.all(months.map(employmentCoverCount));

/** The kader register's way in: its own transaction with the cover's items. */
async function asKader(nik: string, how: { from: string } | { to: string }) {
  const state = await getEmploymentCoverState(nik);
  const plan =
    'from' in how
      ? openEmploymentCoverItems(state, { source: 'KADER', reason: 'Kader posyandu', from: how.from }, ctx())
      : endEmploymentCoverItems(state, { source: 'KADER', reason: 'Kader berhenti', to: how.to }, ctx());
  await transact(plan.items);
}

beforeAll(async () => {
  await useFreshTables();
  await addRts([RT]);
});

describe('employment cover (BPJS Ketenagakerjaan BPU)', () => {
  it('enrolled in March, ended in June: billed March to June, not July; the history keeps the period', async () => {
    const nik = await newResident();
    const before = await counts(['2024-02', '2024-03', '2024-06', '2024-07']);
    const cover = await enrolRtWorker(nik, { from: '2024-03-15', reason: 'Petugas kebersihan RT' }, ctx());
    expect(cover.open).toMatchObject({ sources: ['RT_WORKER'], since: '2024-03-14T17:00:00.000Z' });
    await expect(enrolRtWorker(nik, { from: '2024-04-01', reason: 'Lagi' }, ctx())).rejects.toThrow(Conflict);
    await endRtWorker(nik, { to: '2024-06-20', reason: 'Tidak aktif lagi' }, ctx());
    const after = await counts(['2024-02', '2024-03', '2024-06', '2024-07']);
    expect(after.map((n, i) => n - before[i]!)).toEqual([0, 1, 1, 0]);

    const shown = await getEmploymentCover(nik);
    expect(shown).toMatchObject({ status: 'NONE', sources: [] });
    expect(shown!.history).toEqual([
      expect.objectContaining({
        validFrom: '2024-03-14T17:00:00.000Z',
        validTo: '2024-06-20T17:00:00.000Z',
        sources: ['RT_WORKER'],
        scheme: 'BPJSTK_BPU',
      }),
    ]);
    await expect(endRtWorker(nik, { to: '2024-06-30', reason: 'Lagi' }, ctx())).rejects.toThrow(Conflict);

    // Audited: opened and closed, in the same transactions.
    const audit = await ddb().send(
      new QueryCommand({
        TableName: tableName('audit'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `RES#${nik}` },
      }),
    );
    expect(audit.Items!.map((i) => i.action)).toEqual(
      expect.arrayContaining(['EmploymentCoverOpened', 'EmploymentCoverClosed']),
    );
  });

  it('two sources keep one period: the kader register and the city, in either order', async () => {
    const nik = await newResident();
    const months = ['2023-01', '2023-02', '2023-05', '2023-06', '2023-09', '2023-10'];
    const before = await counts(months);
    await asKader(nik, { from: '2023-01-10' });
    await enrolRtWorker(nik, { from: '2023-02-01', reason: 'Petugas RT' }, ctx());
    await asKader(nik, { to: '2023-05-31' });
    expect((await getEmploymentCover(nik))!).toMatchObject({ status: 'ACTIVE', sources: ['RT_WORKER'] });
    await endRtWorker(nik, { to: '2023-09-15', reason: 'Selesai' }, ctx());
    const after = await counts(months);
    expect(after.map((n, i) => n - before[i]!)).toEqual([1, 1, 1, 1, 1, 0]);
    const { history } = (await getEmploymentCover(nik))!;
    expect(history).toHaveLength(1);
    expect(history[0]).toMatchObject({
      sources: ['KADER', 'RT_WORKER'],
      validTo: '2023-09-15T17:00:00.000Z',
    });
  });

  it('a month is billed once when a cover ends and another begins in it', async () => {
    const nik = await newResident();
    const months = ['2022-03', '2022-04', '2022-05'];
    const before = await counts(months);
    await enrolRtWorker(nik, { from: '2022-03-01', reason: 'Petugas RT' }, ctx());
    await endRtWorker(nik, { to: '2022-03-10', reason: 'Selesai' }, ctx());
    await asKader(nik, { from: '2022-03-20' });
    await asKader(nik, { to: '2022-03-25' });
    await enrolRtWorker(nik, { from: '2022-03-28', reason: 'Petugas RT lagi' }, ctx());
    await endRtWorker(nik, { to: '2022-04-02', reason: 'Selesai' }, ctx());
    const after = await counts(months);
    expect(after.map((n, i) => n - before[i]!)).toEqual([1, 1, 0]);
    expect((await getEmploymentCover(nik))!.history).toHaveLength(3);
  });

  it('unknown NIK 404; a resident who died 409, also when the kader register tries', async () => {
    const unknown = makeNik({ regionCode: RT.kelurahan, birthDate: '1985-04-12', sex: 'M', sequence: 9000 });
    await expect(enrolRtWorker(unknown, { from: '2024-01-01', reason: 'Petugas RT' }, ctx())).rejects.toThrow(
      NotFound,
    );
    expect(await getEmploymentCover(unknown)).toBeUndefined();
    const nik = await newResident();
    await recordDeath(nik, { date: '2024-02-01', source: 'DUKCAPIL' }, ctx());
    await expect(enrolRtWorker(nik, { from: '2024-01-01', reason: 'Petugas RT' }, ctx())).rejects.toThrow(
      /died on 2024-02-01/,
    );
    // Without the route's read: the transaction's resident check refuses it, and nothing is written.
    await expect(asKader(nik, { from: '2024-01-01' })).rejects.toThrow();
    expect((await getEmploymentCoverState(nik)).version).toBe(0);
  });

  it('50 concurrent enrolments: the bill is 50 more, and premiums answer it', async () => {
    const niks = await Promise.all(Array.from({ length: 50 }, newResident));
    const month = '2021-07';
    const before = await employmentCoverCount(month);
    await Promise.all(
      niks.map((nik) => enrolRtWorker(nik, { from: '2021-07-05', reason: 'Petugas RT' }, ctx())),
    );
    expect(await employmentCoverCount(month)).toBe(before + 50);
    const report = await premiumReport(month, 'BPJSTK_BPU');
    expect(report).toEqual({
      month,
      scheme: 'BPJSTK_BPU',
      residents: before + 50,
      premiumPerPerson: 16_800,
      total: (before + 50) * 16_800,
      currency: 'IDR',
      dueDate: '2021-07-10',
    });
    expect((await premiumReport(month)).scheme).toBe('PBI_APBD');
  });
});
