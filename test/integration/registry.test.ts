// The registry against DynamoDB Local: transactions, conditions, aggregates and the import, for real.
import { GetCommand, QueryCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it } from 'vitest';
import { demoResidents, demoRts, toCsv } from '../../infra/local/demo-data.ts';
import { addRts } from '../../infra/local/seed.ts';
import { getRt } from '../../shared/city/rts.ts';
import { type AppEvent, setEventBus } from '../../shared/platform/bus.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import { Conflict, ValidationError } from '../../shared/platform/errors.ts';
import { tableName } from '../../shared/platform/tables.ts';
import { startOfDayWib, todayWib } from '../../shared/platform/wib.ts';
import { assignBirthNik, getBirth, recordBirth } from '../../shared/registry/births.ts';
import { recordDeath } from '../../shared/registry/deaths.ts';
import { runImport, runImportJob } from '../../shared/registry/import.ts';
import { createImportJob, startImportJob } from '../../shared/registry/import-jobs.ts';
import { recordMove } from '../../shared/registry/moves.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import {
  changeCoverage,
  cityPaidCount,
  createResident,
  getCoverageHistory,
  getCurrentCoverage,
  getResident,
  uhcRows,
} from '../../shared/registry/repository.ts';
import { addDays, addMonths, lastDueMonth, monthWib } from '../../shared/registry/rules.ts';
import type { Scheme } from '../../shared/registry/schemas.ts';
import { SelectionReader } from '../../shared/reminder/selection.ts';
import { useFreshTables } from '../support/tables.ts';

const RTS = demoRts(12);
const RT = RTS[0]!;
const admin = { sub: 'admin-1', roles: ['city_admin'] };
const ctx = (requestId = Math.random().toString(36).slice(2)) => ({
  actor: admin,
  requestId,
  now: new Date().toISOString(),
});
let sequence = 1;
const newNik = (sex: 'M' | 'F' = 'F', birthDate = '1990-06-15') =>
  makeNik({ regionCode: RT.kelurahan, birthDate, sex, sequence: sequence++ });
const resident = (nik = newNik(), rt = RT.rt) => ({
  nik,
  kk: '1571010101010001',
  name: 'Siti Aminah',
  birthDate: '1990-06-15',
  sex: 'F' as const,
  phone: '+6281234567890',
  rt,
});

/** A city_admin's coverage change, as PUT /residents/{nik}/coverage makes it. */
const setCoverage = (nik: string, scheme: Scheme, status: 'ACTIVE' | 'INACTIVE', reason: string) =>
  changeCoverage(nik, { scheme, status, reason, source: 'MANUAL' }, ctx());

/** Counts residents from the residents themselves, per kelurahan — what the aggregates must equal. */
async function recount() {
  const counts = new Map<string, { residents: number; covered: number; active: number }>();
  for (const rt of RTS) {
    let start: Record<string, unknown> | undefined;
    do {
      const out = await ddb().send(
        new QueryCommand({
          TableName: tableName('registry'),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :p',
          ExpressionAttributeValues: { ':p': `RT#${rt.rt}` },
          ExclusiveStartKey: start,
        }),
      );
      for (const r of out.Items ?? []) {
        // Someone who has died is listed in their RT, and counted nowhere.
        if (r.civilStatus) continue;
        const c = counts.get(r.kelurahan) ?? { residents: 0, covered: 0, active: 0 };
        c.residents++;
        if (r.coverage) c.covered++;
        if (r.coverage?.status === 'ACTIVE') c.active++;
        counts.set(r.kelurahan, c);
      }
      start = out.LastEvaluatedKey;
    } while (start);
  }
  return counts;
}

async function expectAggregatesToMatchResidents() {
  const truth = await recount();
  const rows = await uhcRows('15.71');
  for (const row of rows) {
    expect({ kelurahan: row.kelurahan, ...truth.get(row.kelurahan) }).toEqual({
      kelurahan: row.kelurahan,
      residents: row.residents,
      covered: row.covered,
      active: row.active,
    });
  }
  expect(rows.reduce((s, r) => s + r.residents, 0)).toBe(
    [...truth.values()].reduce((s, r) => s + r.residents, 0),
  );
}

const published: AppEvent[] = [];

beforeAll(async () => {
  setEventBus({ publish: async (events) => void published.push(...events) });
  await useFreshTables();
  await addRts(RTS);
});

describe('registering residents', () => {
  it('writes the resident, counts them in their kelurahan and leaves an audit record', async () => {
    const before = (await uhcRows(RT.kelurahan))[0]?.residents ?? 0;
    const input = resident();
    const r = await createResident(input, ctx('req-create'));
    expect(r).toMatchObject({ nik: input.nik, kelurahan: RT.kelurahan, coverage: null, version: 1 });
    expect(await getCurrentCoverage(input.nik)).toEqual({ coverage: null });
    expect((await uhcRows(RT.kelurahan))[0]!.residents).toBe(before + 1);
    const audit = await ddb().send(
      new QueryCommand({
        TableName: tableName('audit'),
        KeyConditionExpression: 'pk = :p',
        ExpressionAttributeValues: { ':p': `RES#${input.nik}` },
      }),
    );
    expect(audit.Items).toEqual([
      expect.objectContaining({
        action: 'ResidentRegistered',
        actor: { sub: 'admin-1', roles: ['city_admin'] },
      }),
    ]);
  });

  it('refuses the same NIK twice, and an unknown RT, writing nothing', async () => {
    const input = resident();
    await createResident(input, ctx());
    const counted = (await uhcRows(RT.kelurahan))[0]!.residents;
    await expect(createResident({ ...input, name: 'Someone Else' }, ctx())).rejects.toBeInstanceOf(Conflict);
    const stranger = resident(newNik(), '1571011012-009-099');
    await expect(createResident(stranger, ctx())).rejects.toBeInstanceOf(ValidationError);
    expect(await getResident(stranger.nik)).toBeUndefined();
    expect((await getResident(input.nik))!.name).toBe('Siti Aminah');
    expect((await uhcRows(RT.kelurahan))[0]!.residents).toBe(counted);
  });
});

describe('coverage is a timeline', () => {
  it('closes the current period and opens a new one, never overwriting; the same coverage again changes nothing', async () => {
    const input = resident();
    await createResident(input, ctx());
    await setCoverage(input.nik, 'PBPU', 'ACTIVE', 'mandiri');
    await setCoverage(input.nik, 'PBPU', 'INACTIVE', 'menunggak');
    const same = await setCoverage(input.nik, 'PBPU', 'INACTIVE', 'lagi');
    expect(same.changed).toBe(false);
    await setCoverage(input.nik, 'PBI_APBD', 'ACTIVE', 'warga miskin');
    const history = await getCoverageHistory(input.nik);
    expect(history.map((p) => `${p.scheme}/${p.status}`)).toEqual([
      'PBI_APBD/ACTIVE',
      'PBPU/INACTIVE',
      'PBPU/ACTIVE',
    ]);
    expect(history[0]!.validTo).toBeUndefined();
    expect(history[1]!.validTo).toBe(history[0]!.validFrom);
    expect(history[2]!.validTo).toBe(history[1]!.validFrom);
    expect((await getCurrentCoverage(input.nik))!.coverage).toMatchObject({
      scheme: 'PBI_APBD',
      status: 'ACTIVE',
    });
    const mine = published.filter((e) => (e.detail as { nik: string }).nik === input.nik);
    expect(mine.map((e) => e.detailType)).toEqual(['CoverageChanged', 'CoverageChanged', 'CoverageChanged']);
  });

  it('keeps the aggregates exact under concurrent changes to many residents and to one resident', async () => {
    const niks = Array.from({ length: 15 }, () => newNik('M', '1985-01-20'));
    await Promise.all(niks.map((nik) => createResident(resident(nik), ctx())));
    const schemes = ['PBI_APBD', 'PBI_APBN', 'PBPU'] as const;
    await Promise.all(niks.map((nik, i) => setCoverage(nik, schemes[i % 3]!, 'ACTIVE', 'aktif')));
    // Five racing changes to one resident: each lands on the version it read, none is lost or doubled.
    const one = niks[0]!;
    await Promise.all(
      (['INACTIVE', 'ACTIVE', 'INACTIVE', 'ACTIVE', 'INACTIVE'] as const).map((status, i) =>
        setCoverage(one, i % 2 ? 'PPU' : 'BP', status, `race ${i}`),
      ),
    );
    const history = await getCoverageHistory(one);
    expect(history.filter((p) => !p.validTo)).toHaveLength(1);
    expect((await getResident(one))!.version).toBe(history.length + 1);
    await expectAggregatesToMatchResidents();
  });

  it('counts city-paid residents in this month’s premium bill, once each', async () => {
    const month = monthWib(new Date().toISOString());
    const [y, m] = month.split('-').map(Number) as [number, number];
    const next = m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
    const before = await cityPaidCount(month);
    const nextBefore = await cityPaidCount(next);
    const a = newNik();
    const b = newNik();
    await createResident(resident(a), ctx());
    await createResident(resident(b), ctx());
    await setCoverage(a, 'PBI_APBD', 'ACTIVE', 'miskin');
    await setCoverage(b, 'PBI_APBD', 'ACTIVE', 'miskin');
    expect(await cityPaidCount(month)).toBe(before + 2);
    // Closed and reopened within the month: still one person billed this month, gone next month.
    await setCoverage(a, 'PBI_APBD', 'INACTIVE', 'pindah');
    await setCoverage(a, 'PBI_APBD', 'ACTIVE', 'kembali');
    await setCoverage(b, 'PBI_APBN', 'ACTIVE', 'dialihkan ke APBN');
    expect(await cityPaidCount(month)).toBe(before + 2);
    expect(await cityPaidCount(next)).toBe(nextBefore + 1);
  });
});

describe('coverage with its real start (from)', () => {
  const change = (nik: string, scheme: Scheme, status: 'ACTIVE' | 'INACTIVE', from?: string) =>
    changeCoverage(nik, { scheme, status, reason: 'peserta lama', source: 'MANUAL', from }, ctx());
  /** How many more city-paid residents each month's bill counts than it did at `before`. */
  const billed = async (months: string[]) => Promise.all(months.map((m) => cityPaidCount(m)));

  it('opens the period at 00:00 WIB of that day and bills the city from that month; the change itself is now', async () => {
    const nik = newNik();
    await createResident(resident(nik), ctx());
    const months = ['2019-02', '2019-03', '2020-01', monthWib(new Date().toISOString())];
    const before = await billed(months);
    const started = Date.now();
    await change(nik, 'PBI_APBD', 'ACTIVE', '2019-03-10');
    const after = await billed(months);
    expect(after.map((n, i) => n - before[i]!)).toEqual([0, 1, 1, 1]);
    const [period] = await getCoverageHistory(nik);
    expect(period).toMatchObject({
      scheme: 'PBI_APBD',
      status: 'ACTIVE',
      validFrom: '2019-03-09T17:00:00.000Z',
    });
    const stored = (await getResident(nik))!;
    expect(stored.coverage!.since).toBe('2019-03-09T17:00:00.000Z');
    // Written now: the resident's last change is not dated 2019.
    expect(Date.parse(stored.updatedAt)).toBeGreaterThanOrEqual(started - 1000);
    // The confirmation SMS names the day the coverage began.
    const event = published.filter((e) => (e.detail as { nik: string }).nik === nik).at(-1)!;
    expect((event.detail as { at: string }).at).toBe('2019-03-09T17:00:00.000Z');
  });

  it('closes a city-paid period at a past day: that month is the last billed', async () => {
    const nik = newNik();
    await createResident(resident(nik), ctx());
    const months = ['2020-01', '2021-06', '2021-07'];
    const before = await billed(months);
    await change(nik, 'PBI_APBD', 'ACTIVE', '2020-01-15');
    await change(nik, 'PBI_APBN', 'ACTIVE', '2021-06-01');
    const after = await billed(months);
    expect(after.map((n, i) => n - before[i]!)).toEqual([1, 1, 0]);
    const history = await getCoverageHistory(nik);
    expect(history.map((p) => [p.scheme, p.validFrom, p.validTo])).toEqual([
      ['PBI_APBN', '2021-05-31T17:00:00.000Z', undefined],
      ['PBI_APBD', '2020-01-14T17:00:00.000Z', '2021-05-31T17:00:00.000Z'],
    ]);
    await expectAggregatesToMatchResidents();
  });

  it('refuses a start before the current period began, naming the day, and writes nothing', async () => {
    const nik = newNik();
    await createResident(resident(nik), ctx());
    await change(nik, 'PBPU', 'ACTIVE', '2022-08-17');
    const before = await getResident(nik);
    const refused = change(nik, 'PBI_APBD', 'ACTIVE', '2022-08-16');
    await expect(refused).rejects.toBeInstanceOf(ValidationError);
    await expect(refused).rejects.toMatchObject({
      issues: [
        { path: 'from', message: 'must not be before 2022-08-17, the day the current coverage period began' },
      ],
    });
    expect(await getResident(nik)).toEqual(before);
    expect(await getCoverageHistory(nik)).toHaveLength(1);
    // The same day is allowed: the new period follows the old one.
    await change(nik, 'PBI_APBD', 'ACTIVE', '2022-08-17');
    const history = await getCoverageHistory(nik);
    expect(history.map((p) => p.scheme)).toEqual(['PBI_APBD', 'PBPU']);
    expect(history[1]!.validTo).toBe(history[0]!.validFrom);
  });

  it('imports the start from the file, and refuses by line a start that cannot be', async () => {
    const [a, b, c, d, e, f] = demoResidents(6, RTS, 4242).map((p) => ({ ...p, nik: newNik() }));
    const months = ['2016-04', '2016-05'];
    const before = await billed(months);
    const first = await runImport(
      toCsv([
        { ...a!, scheme: 'PBI_APBD', status: 'ACTIVE', from: '2016-05-02' },
        { ...b!, scheme: 'PBI_APBD', status: 'ACTIVE', from: '2013-12-31' },
        { ...c!, scheme: 'PBI_APBD', status: 'ACTIVE', from: '2099-01-01' },
        { ...d!, scheme: '', status: '', from: '2016-05-02' },
        { ...e!, scheme: 'PPU', status: 'ACTIVE', from: '2018-02-01' },
      ]),
      ctx(),
    );
    expect(first.rejected).toEqual([
      { line: 3, field: 'from', reason: 'must not be before 2014-01-01, when JKN began' },
      { line: 4, field: 'from', reason: 'is in the future' },
      { line: 5, field: 'from', reason: expect.stringContaining('scheme and status') },
    ]);
    expect(first.imported).toBe(2);
    expect((await billed(months)).map((n, i) => n - before[i]!)).toEqual([0, 1]);
    expect((await getCoverageHistory(a!.nik))[0]!.validFrom).toBe('2016-05-01T17:00:00.000Z');
    // Against what is stored: a start before e's current period is refused, the rest of the file goes in.
    const second = await runImport(
      toCsv([
        { ...e!, scheme: 'PBI_APBD', status: 'ACTIVE', from: '2018-01-31' },
        { ...f!, scheme: 'PBPU', status: 'ACTIVE', from: '' },
      ]),
      ctx(),
    );
    expect(second).toMatchObject({ imported: 1, rejectedRows: 1 });
    expect(second.rejected).toEqual([
      {
        line: 2,
        field: 'from',
        reason: 'must not be before 2018-02-01, the day the current coverage period began',
      },
    ]);
    expect((await getCurrentCoverage(e!.nik))!.coverage).toMatchObject({ scheme: 'PPU' });
    // No start given: the coverage begins with the import.
    expect(Date.parse((await getCurrentCoverage(f!.nik))!.coverage!.since)).toBeGreaterThan(
      Date.now() - 60_000,
    );
    await expectAggregatesToMatchResidents();
  });
});

describe('a death', () => {
  const today = todayWib();
  const thisMonth = today.slice(0, 7);
  /** The first day of the month `n` months from this one. */
  const firstOf = (n: number) => `${addMonths(thisMonth, n)}-01`;
  const death = (nik: string, date: string, source: 'DUKCAPIL' | 'FACILITY' | 'RT' = 'DUKCAPIL') =>
    recordDeath(nik, { date, source, reference: 'AKTA-1571-0001' }, ctx());

  it('marks the resident, closes the coverage at the death, stops the bill after its month, reports what was overpaid', async () => {
    const nik = newNik();
    await createResident(resident(nik), ctx());
    await changeCoverage(
      nik,
      { scheme: 'PBI_APBD', status: 'ACTIVE', reason: 'peserta lama', source: 'MANUAL', from: '2023-01-05' },
      ctx(),
    );
    const died = firstOf(-3);
    const months = [addMonths(thisMonth, -3), addMonths(thisMonth, -2), thisMonth];
    const before = await Promise.all(months.map((m) => cityPaidCount(m)));
    const outcome = await death(nik, died);
    const due = lastDueMonth(today, 10);
    const overpaid = [addMonths(thisMonth, -2), addMonths(thisMonth, -1), thisMonth].filter((m) => m <= due);
    expect(outcome).toEqual({
      nik,
      status: 'DECEASED',
      coverageClosed: true,
      overpaid: { months: overpaid, rupiah: overpaid.length * 42_000 },
    });
    // Billed through the month of death, not after.
    const after = await Promise.all(months.map((m) => cityPaidCount(m)));
    expect(after.map((n, i) => n - before[i]!)).toEqual([0, -1, -1]);
    const stored = (await getResident(nik))!;
    expect(stored).toMatchObject({
      civilStatus: 'DECEASED',
      coverage: null,
      death: { date: died, source: 'DUKCAPIL' },
    });
    const [period] = await getCoverageHistory(nik);
    expect(period!.validTo).toBe(startOfDayWib(addDays(died, 1)));
    expect(await getCurrentCoverage(nik)).toEqual({ coverage: null, civilStatus: 'DECEASED' });
    // Out of the reminders' birthday index, kept in the RT's list.
    const item = await ddb().send(
      new GetCommand({ TableName: tableName('registry'), Key: { pk: `RES#${nik}`, sk: 'PROFILE' } }),
    );
    expect(item.Item).not.toHaveProperty('gsi2pk');
    expect(item.Item).toMatchObject({ gsi1pk: `RT#${RT.rt}` });
    const audit = await ddb().send(
      new QueryCommand({
        TableName: tableName('audit'),
        KeyConditionExpression: 'pk = :pk',
        ExpressionAttributeValues: { ':pk': `RES#${nik}` },
      }),
    );
    expect(audit.Items?.find((a) => a.action === 'DeathRecorded')).toMatchObject({
      actor: { sub: admin.sub },
      after: { status: 'DECEASED', date: died, source: 'DUKCAPIL', overpaidMonths: overpaid },
    });
    await expectAggregatesToMatchResidents();
  });

  it('refuses a second death, an unknown NIK, a day before birth, and any later change or import row, writing nothing', async () => {
    const nik = newNik();
    await createResident(resident(nik), ctx());
    await expect(death(nik, '1989-12-31')).rejects.toMatchObject({
      issues: [{ path: 'date', message: 'is before the resident was born (1990-06-15)' }],
    });
    await death(nik, firstOf(0), 'FACILITY');
    const stored = await getResident(nik);
    await expect(death(nik, firstOf(0))).rejects.toMatchObject({
      status: 409,
      details: { status: 'DECEASED' },
    });
    await expect(death(newNik(), firstOf(0))).rejects.toMatchObject({ status: 404 });
    await expect(setCoverage(nik, 'PBI_APBD', 'ACTIVE', 'salah data')).rejects.toBeInstanceOf(Conflict);
    const person = { ...demoResidents(1, RTS, 31)[0]!, nik, rt: RT.rt, scheme: 'PBI_APBD', status: 'ACTIVE' };
    const imported = await runImport(toCsv([person]), ctx());
    expect(imported).toMatchObject({ updated: 0, rejectedRows: 1 });
    expect(imported.rejected).toEqual([
      { line: 2, field: 'nik', reason: `died on ${firstOf(0)}: the registry keeps them` },
    ]);
    expect(await getResident(nik)).toEqual(stored);
    await expectAggregatesToMatchResidents();
  });

  it('is out of every reminder selection: birthdays and an RT broadcast alike', async () => {
    const alive = newNik('F', '1977-08-09');
    const dead = newNik('F', '1977-08-09');
    await createResident({ ...resident(alive), birthDate: '1977-08-09' }, ctx());
    await createResident({ ...resident(dead), birthDate: '1977-08-09' }, ctx());
    await death(dead, firstOf(0));
    const reader = new SelectionReader();
    const born = (await reader.birthday('08-09', '1977-08-09', '1977-08-09')).map((r) => r.nik);
    expect(born).toContain(alive);
    expect(born).not.toContain(dead);
    const inRt = (await reader.rt(RT.rt)).map((r) => r.nik);
    expect(inRt).toContain(alive);
    expect(inRt).not.toContain(dead);
  });

  it('keeps the counts exact when a death races coverage changes', async () => {
    const niks = Array.from({ length: 6 }, () => newNik('M', '1960-02-02'));
    await Promise.all(niks.map((nik) => createResident(resident(nik), ctx())));
    await Promise.all(niks.map((nik) => setCoverage(nik, 'PBI_APBD', 'ACTIVE', 'miskin')));
    const results = await Promise.allSettled(
      niks.flatMap((nik) => [death(nik, firstOf(0)), setCoverage(nik, 'PBI_APBN', 'ACTIVE', 'dialihkan')]),
    );
    // Every death lands (a change that lost the race to it is refused, 409).
    for (const nik of niks) expect((await getResident(nik))!.civilStatus).toBe('DECEASED');
    for (const r of results) if (r.status === 'rejected') expect(r.reason).toBeInstanceOf(Conflict);
    await expectAggregatesToMatchResidents();
  });
});

describe('a move', () => {
  const today = todayWib();
  const thisMonth = today.slice(0, 7);
  const firstOf = (n: number) => `${addMonths(thisMonth, n)}-01`;
  const move = (nik: string, to: string, date = firstOf(0)) => recordMove(nik, { date, to }, ctx());
  /** Another RT of the directory, in another kelurahan. */
  const OTHER = RTS.find((r) => r.kelurahan !== RT.kelurahan)!;

  it('out of the city: the city-paid coverage ends with the day, billed through its month; the resident is kept, MOVED_OUT', async () => {
    const nik = newNik();
    await createResident(resident(nik), ctx());
    await changeCoverage(
      nik,
      { scheme: 'PBI_APBD', status: 'ACTIVE', reason: 'peserta lama', source: 'MANUAL', from: '2022-05-01' },
      ctx(),
    );
    const months = [addMonths(thisMonth, -2), addMonths(thisMonth, -1)];
    const before = await Promise.all(months.map((m) => cityPaidCount(m)));
    const outcome = await move(nik, '31.71', firstOf(-2));
    const overpaid = [addMonths(thisMonth, -1), thisMonth].filter((m) => m <= lastDueMonth(today, 10));
    expect(outcome).toEqual({
      nik,
      status: 'MOVED_OUT',
      to: '31.71',
      coverageClosed: true,
      overpaid: { months: overpaid, rupiah: overpaid.length * 42_000 },
    });
    const after = await Promise.all(months.map((m) => cityPaidCount(m)));
    expect(after.map((n, i) => n - before[i]!)).toEqual([0, -1]);
    expect(await getCurrentCoverage(nik)).toEqual({ coverage: null, civilStatus: 'MOVED_OUT' });
    expect((await getResident(nik))!.movedOut).toMatchObject({ date: firstOf(-2), to: '31.71' });
    await expect(move(nik, '31.72')).rejects.toMatchObject({ status: 409, details: { status: 'MOVED_OUT' } });
    await expectAggregatesToMatchResidents();
  });

  it('out of the city with coverage the city does not pay: it goes with them, the city counts them no more', async () => {
    const nik = newNik();
    await createResident(resident(nik), ctx());
    await setCoverage(nik, 'PPU', 'ACTIVE', 'pekerja');
    const outcome = await move(nik, '15.05.01.2002');
    expect(outcome).toMatchObject({ status: 'MOVED_OUT', coverageClosed: false, overpaid: { months: [] } });
    const current = (await getCurrentCoverage(nik))!;
    expect(current).toMatchObject({
      civilStatus: 'MOVED_OUT',
      coverage: { scheme: 'PPU', status: 'ACTIVE' },
    });
    expect(await getCoverageHistory(nik)).toHaveLength(1);
    expect((await getCoverageHistory(nik))[0]!.validTo).toBeUndefined();
    await expectAggregatesToMatchResidents();
  });

  it('within the city: a change of RT, counted in both RTs and kelurahan; refused into the city without an RT', async () => {
    const nik = newNik();
    await createResident(resident(nik), ctx());
    await setCoverage(nik, 'PBI_APBD', 'ACTIVE', 'miskin');
    const [fromBefore, toBefore] = [(await getRt(RT.rt, true))!, (await getRt(OTHER.rt, true))!];
    expect(await move(nik, OTHER.rt)).toEqual({
      nik,
      status: 'RESIDENT',
      rt: OTHER.rt,
      kelurahan: OTHER.kelurahan,
    });
    expect(await getResident(nik)).toMatchObject({
      rt: OTHER.rt,
      kelurahan: OTHER.kelurahan,
      coverage: { scheme: 'PBI_APBD' },
    });
    expect((await getRt(RT.rt, true))!.residents).toBe(fromBefore.residents - 1);
    expect((await getRt(OTHER.rt, true))!.residents).toBe(toBefore.residents + 1);
    await expectAggregatesToMatchResidents();
    for (const [to, message] of [
      [OTHER.rt, "is the resident's RT already"],
      ['15.71', 'is in the city: give the RT code the resident moved to'],
      [OTHER.kelurahan, 'is in the city: give the RT code the resident moved to'],
      [
        `${OTHER.rt.slice(0, 11)}099-099`,
        `RT ${OTHER.rt.slice(0, 11)}099-099 is not in the city's RT directory, or is closed`,
      ],
    ]) {
      await expect(move(nik, to!), to).rejects.toMatchObject({ issues: [{ path: 'to', message }] });
    }
    expect((await getResident(nik))!.rt).toBe(OTHER.rt);
    await expectAggregatesToMatchResidents();
  });
});

describe('a birth', () => {
  const today = todayWib();
  const born = addDays(today, -10);
  const mother = async (cityPaid: boolean) => {
    const nik = newNik('F', '1995-04-04');
    await createResident({ ...resident(nik), birthDate: '1995-04-04' }, ctx());
    if (cityPaid) await setCoverage(nik, 'PBI_APBD', 'ACTIVE', 'warga miskin');
    return nik;
  };
  const child = (motherNik: string, over: Record<string, unknown> = {}) => ({
    motherNik,
    name: 'Bayi Aminah',
    birthDate: born,
    sex: 'F' as const,
    ...over,
  });

  it('makes the newborn of a PBI APBD mother city-paid from birth, once, and a resident when the NIK comes', async () => {
    const m = await mother(true);
    const month = born.slice(0, 7);
    const billedBefore = await cityPaidCount(month);
    const birth = await recordBirth(child(m), ctx());
    expect(birth).toMatchObject({
      nik: null,
      motherNik: m,
      order: 1,
      rt: RT.rt,
      coverage: { scheme: 'PBI_APBD', status: 'ACTIVE', since: startOfDayWib(born), source: 'BIRTH' },
    });
    expect(await cityPaidCount(month)).toBe(billedBefore + 1);
    expect(await getBirth(birth.id)).toEqual(birth);
    // Not a resident yet: the mother's NIK and the order say who the child is.
    const rtBefore = (await getRt(RT.rt, true))!.residents;
    const nik = makeNik({ regionCode: RT.kelurahan, birthDate: born, sex: 'F', sequence: sequence++ });
    const assigned = await assignBirthNik(birth.id, nik, ctx());
    expect(assigned).toMatchObject({ id: birth.id, nik });
    const child1 = (await getResident(nik))!;
    const m1 = (await getResident(m))!;
    expect(child1).toMatchObject({
      rt: RT.rt,
      kk: m1.kk,
      phone: m1.phone,
      birthDate: born,
      coverage: { scheme: 'PBI_APBD', status: 'ACTIVE', since: startOfDayWib(born), source: 'BIRTH' },
    });
    expect((await getCoverageHistory(nik)).map((p) => p.validFrom)).toEqual([startOfDayWib(born)]);
    // The immunisation reminders find the child by birthday, with the mother's phone and consent.
    const due = await new SelectionReader().birthday(born.slice(5), born, born);
    expect(due.find((r) => r.nik === nik)).toMatchObject({ phone: m1.phone, smsConsent: m1.smsConsent });
    // Billed once: from birth, whether the NIK came then or later.
    expect(await cityPaidCount(month)).toBe(billedBefore + 1);
    expect((await getRt(RT.rt, true))!.residents).toBe(rtBefore + 1);
    await expect(assignBirthNik(birth.id, newNik(), ctx())).rejects.toBeInstanceOf(Conflict);
    await expectAggregatesToMatchResidents();
  });

  it('refuses the same birth twice (409 naming it), takes a twin, and an uninsured mother’s child is uninsured', async () => {
    const m = await mother(true);
    const first = await recordBirth(child(m), ctx());
    await expect(recordBirth(child(m), ctx())).rejects.toMatchObject({
      status: 409,
      details: { birth: { id: first.id } },
    });
    const twin = await recordBirth(child(m, { name: 'Bayi Aminah Kedua', multipleBirth: 2 }), ctx());
    expect(twin.order).toBe(2);
    const poor = await mother(false);
    const nik = makeNik({ regionCode: RT.kelurahan, birthDate: born, sex: 'M', sequence: sequence++ });
    const uninsured = await recordBirth(child(poor, { sex: 'M', nik }), ctx());
    expect(uninsured).toMatchObject({ nik, coverage: null });
    expect(await getResident(nik)).toMatchObject({ coverage: null, rt: RT.rt });
    await expectAggregatesToMatchResidents();
  });

  it('refuses an unknown or male mother, and a NIK already registered, writing nothing', async () => {
    await expect(recordBirth(child(newNik()), ctx())).rejects.toMatchObject({ status: 404 });
    const father = newNik('M', '1990-01-01');
    await createResident({ ...resident(father), sex: 'M', birthDate: '1990-01-01' }, ctx());
    await expect(recordBirth(child(father), ctx())).rejects.toMatchObject({
      issues: [{ path: 'motherNik' }],
    });
    const m = await mother(true);
    const month = born.slice(0, 7);
    const billed = await cityPaidCount(month);
    await expect(recordBirth(child(m, { nik: father }), ctx())).rejects.toMatchObject({ status: 409 });
    expect(await cityPaidCount(month)).toBe(billed);
    // Nothing half-written: the same birth can be recorded now.
    expect((await recordBirth(child(m), ctx())).nik).toBeNull();
  });
});

describe('bulk import', () => {
  const people = demoResidents(1200, RTS, 99);

  it('imports, then importing the same file again changes nothing', async () => {
    const csv = toCsv(people);
    const first = await runImport(csv, ctx());
    expect(first).toMatchObject({
      rows: people.length,
      imported: people.length,
      updated: 0,
      unchanged: 0,
      rejectedRows: 0,
    });
    const items = await ddb().send(new ScanCommand({ TableName: tableName('registry'), Select: 'COUNT' }));
    const again = await runImport(csv, ctx());
    expect(again).toMatchObject({ imported: 0, updated: 0, unchanged: people.length, rejectedRows: 0 });
    const after = await ddb().send(new ScanCommand({ TableName: tableName('registry'), Select: 'COUNT' }));
    // Only the second job's own record and chunk markers are new.
    expect(after.Count! - items.Count!).toBeLessThanOrEqual(1 + Math.ceil(people.length / 500) + 1);
    const p = people.find((x) => x.scheme)!;
    expect((await getCurrentCoverage(p.nik))!.coverage).toMatchObject({
      scheme: p.scheme,
      status: p.status,
      source: 'IMPORT',
    });
    await expectAggregatesToMatchResidents();
  });

  it('updates what changed, closes replaced coverage periods, and names each rejected field by line', async () => {
    const changed = people
      .slice(0, 3)
      .map((p) => ({ ...p, name: `${p.name} Baru`, scheme: 'PBI_APBD', status: 'ACTIVE' }));
    const bad = [
      { ...people[3]!, nik: '9971011506900002' },
      { ...people[4]!, phone: '021-555' },
      { ...people[5]!, rt: '1571011012-999-999' },
      { ...people[6]!, scheme: 'PBI_APBD', status: '' },
    ];
    const csv = toCsv([...changed, ...bad, changed[0]!]);
    const r = await runImport(csv, ctx());
    expect(r.updated).toBe(3);
    expect(r.rejectedRows).toBe(5);
    expect(r.rejected).toEqual([
      { line: 5, field: 'nik', reason: expect.stringContaining('province') },
      { line: 6, field: 'phone', reason: expect.stringContaining('Indonesian mobile') },
      { line: 7, field: 'rt', reason: expect.stringContaining("not in the city's RT directory") },
      { line: 8, field: 'status', reason: 'is required when scheme is given' },
      { line: 9, field: 'nik', reason: 'appears again; first at line 2' },
    ]);
    const history = await getCoverageHistory(changed[0]!.nik);
    if (people[0]!.scheme && people[0]!.scheme !== 'PBI_APBD') {
      expect(history).toHaveLength(2);
      expect(history[1]!.validTo).toBe(history[0]!.validFrom);
    }
    expect((await getResident(changed[0]!.nik))!.name).toBe(changed[0]!.name);
    // The RT's listing by name follows the new name.
    const listed = await ddb().send(
      new QueryCommand({
        TableName: tableName('registry'),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p AND begins_with(gsi1sk, :n)',
        ExpressionAttributeValues: { ':p': `RT#${changed[0]!.rt}`, ':n': changed[0]!.name.toLowerCase() },
      }),
    );
    expect(listed.Items?.map((i) => i.nik)).toContain(changed[0]!.nik);
    await expectAggregatesToMatchResidents();
  });

  it('refuses a file without the header columns, naming them', async () => {
    await expect(runImport('nik,name\n1,2\n', ctx())).rejects.toMatchObject({
      issues: [
        { path: 'header', message: expect.stringContaining('kk, birthDate, sex, phone, rt, scheme, status') },
      ],
    });
  });

  it("chunks a file in RT order, so a chunk's counts touch a few RTs whatever order the file is in", async () => {
    // 1,200 residents over 12 RTs in random order: in file order every 500-row chunk would touch all 12.
    const shuffled = demoResidents(1200, RTS, 4242);
    const touched: number[] = [];
    ddb().middlewareStack.add(
      (next, context) => async (args) => {
        if (context.commandName === 'TransactWriteItemsCommand') {
          const items = (args.input as { TransactItems: { Update?: { Key: { pk: string; sk: string } } }[] })
            .TransactItems;
          const rts = new Set(items.filter((i) => i.Update?.Key.pk === 'RT').map((i) => i.Update!.Key.sk));
          if (rts.size) touched.push(rts.size);
        }
        return next(args);
      },
      { step: 'initialize', name: 'countRtWrites' },
    );
    try {
      const r = await runImport(toCsv(shuffled), ctx());
      expect(r.imported).toBe(1200);
    } finally {
      ddb().middlewareStack.remove('countRtWrites');
    }
    // Three chunks over 12 RTs of about 100 rows each: each RT once, but for the ones a chunk boundary splits.
    expect(touched).toHaveLength(3);
    expect(touched.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(RTS.length + 2);
    await expectAggregatesToMatchResidents();
  });

  it('after a chunk fails, starts no other and ends only once those under way have; the retry finishes the file', async () => {
    const file = toCsv(demoResidents(1200, RTS, 5151));
    let failed = false;
    ddb().middlewareStack.add(
      (next, context) => async (args) => {
        const items = (args.input as { TransactItems?: { Put?: { Item: { sk?: string } } }[] }).TransactItems;
        if (
          !failed &&
          context.commandName === 'TransactWriteItemsCommand' &&
          items?.some((i) => i.Put?.Item.sk === 'CHUNK#0#0')
        ) {
          failed = true;
          throw new Error('injected: the chunk transaction failed');
        }
        // The other chunks' rows are still on their way when the first one fails.
        if (context.commandName === 'BatchWriteItemCommand') await new Promise((r) => setTimeout(r, 150));
        return next(args);
      },
      { step: 'initialize', name: 'failFirstChunk' },
    );
    const count = async () =>
      (await ddb().send(new ScanCommand({ TableName: tableName('registry'), Select: 'COUNT' }))).Count!;
    try {
      await expect(runImport(file, ctx())).rejects.toThrow('injected');
    } finally {
      ddb().middlewareStack.remove('failFirstChunk');
    }
    // Nothing of the failed run lands after it answered.
    const right = await count();
    await new Promise((r) => setTimeout(r, 300));
    expect(await count()).toBe(right);
    // The lock is free, and running the file again imports what the failure left, counting nobody twice.
    const again = await runImport(file, ctx());
    expect(again.imported + again.unchanged).toBe(1200);
    await expectAggregatesToMatchResidents();
  });

  it('an upload job runs once; a second delivery of the upload event does not run it again', async () => {
    const job = await createImportJob(ctx());
    const file = toCsv(demoResidents(50, RTS, 1234));
    const result = await runImportJob(job.jobId, async () => file, 'req-1');
    expect(result.imported).toBe(50);
    await expect(startImportJob(job.jobId, new Date().toISOString())).rejects.toBeInstanceOf(Conflict);
    await expect(runImportJob(job.jobId, async () => file, 'req-2')).rejects.toBeInstanceOf(Conflict);
  });
});
