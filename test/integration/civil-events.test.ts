// Dukcapil's civil events file against DynamoDB Local: the batched import gives what the routes give line by line (the
// oracle below applies each line through them, as the import did before it was batched), moves the aggregates once
// however often a job is retried, and applies one person's lines in file order.
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import * as z from 'zod/mini';
import { type DemoResident, demoResidents, demoRts, prng, toCsv } from '../../infra/local/demo-data.ts';
import { addRts } from '../../infra/local/seed.ts';
import { city as theCity } from '../../shared/city/regions.ts';
import { changeRt, listRts } from '../../shared/city/rts.ts';
import { setEventBus } from '../../shared/platform/bus.ts';
import { ddb, queryAll } from '../../shared/platform/dynamo.ts';
import { DomainError, ValidationError } from '../../shared/platform/errors.ts';
import { tableName } from '../../shared/platform/tables.ts';
import { todayWib } from '../../shared/platform/wib.ts';
import { applyOnce } from '../../shared/registry/batch.ts';
import { recordBirth } from '../../shared/registry/births.ts';
import { type CivilEventsResult, importCivilEvents } from '../../shared/registry/civil-events.ts';
import { birthSchema, deathSchema, moveSchema } from '../../shared/registry/civil-schemas.ts';
import { recordDeath, reportDeath } from '../../shared/registry/deaths.ts';
import { runImport } from '../../shared/registry/import.ts';
import { acquireImportLock, releaseImportLock } from '../../shared/registry/import-jobs.ts';
import { recordMove } from '../../shared/registry/moves.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import {
  changeCoverage,
  cityPaidCount,
  createResident,
  getCoverageHistory,
  getResident,
  PREMIUM_PK,
  premiumUpdate,
  uhcRows,
} from '../../shared/registry/repository.ts';
import { addDays, addMonths, lastDueMonth } from '../../shared/registry/rules.ts';
import type { Scheme } from '../../shared/registry/schemas.ts';
import { useFreshTables } from '../support/tables.ts';

const RTS = demoRts(12);
const RT = RTS[0]!;
/** Closed after the residents are imported: its residents stay, nobody moves in. */
const CLOSED = RTS[11]!;
const admin = { sub: 'admin-1', roles: ['city_admin'] };
const ctx = (requestId = Math.random().toString(36).slice(2)) => ({
  actor: admin,
  requestId,
  now: new Date().toISOString(),
});
const today = todayWib();
const thisMonth = today.slice(0, 7);
const HEADER = 'event,nik,date,motherNik,name,sex,to,reference';

/** A city of its own (fresh tables): the RTs, the residents imported, one RT closed since. */
async function city(residents: readonly DemoResident[]): Promise<void> {
  await useFreshTables();
  await addRts(RTS);
  const imported = await runImport(toCsv(residents), ctx());
  expect(imported).toMatchObject({ imported: residents.length, rejectedRows: 0 });
  await changeRt(CLOSED.rt, { active: false, reason: 'dimekarkan' }, ctx());
}

/** Each line applied through the routes, one at a time in file order: what the import did before it was batched. */
async function lineByLine(file: string) {
  const result = {
    applied: { BIRTH: 0, DEATH: 0, MOVE_OUT: 0 },
    unchanged: 0,
    rejected: [] as { line: number; field: string; reason: string }[],
    rejectedRows: 0,
    overpaid: [] as CivilEventsResult['overpaid'],
  };
  const rows = file.trim().split('\n').slice(1);
  for (const [i, row] of rows.entries()) {
    const line = i + 2;
    const [event, nik = '', date, motherNik, name, sex, to, reference] = row.split(',') as [
      'BIRTH' | 'DEATH' | 'MOVE_OUT',
      ...string[],
    ];
    const c = ctx(`oracle:${line}`);
    const ref = reference ? { reference } : {};
    try {
      if (event === 'DEATH') {
        const out = await recordDeath(nik, z.parse(deathSchema, { date, source: 'DUKCAPIL', ...ref }), c);
        if (out.overpaid.months.length) result.overpaid.push({ nik, ...out.overpaid });
      } else if (event === 'MOVE_OUT') {
        const out = await recordMove(nik, z.parse(moveSchema, { date, to, ...ref }), c);
        if (out.status === 'MOVED_OUT' && out.overpaid.months.length)
          result.overpaid.push({ nik, ...out.overpaid });
      } else {
        const input = {
          motherNik,
          name,
          birthDate: date,
          sex: sex === 'P' ? 'F' : 'M',
          ...(nik ? { nik } : {}),
        };
        await recordBirth(z.parse(birthSchema, input), c);
      }
      result.applied[event]++;
    } catch (error) {
      if (!(error instanceof DomainError) || error.status >= 500) throw error;
      const d = error.details;
      const already =
        error.status === 409 &&
        (event === 'DEATH'
          ? d.status === 'DECEASED' && d.deceasedOn === date
          : event === 'MOVE_OUT'
            ? d.status === 'MOVED_OUT' && d.movedOutOn === date && d.to === to
            : !!d.birth);
      if (already) {
        result.unchanged++;
        continue;
      }
      result.rejectedRows++;
      if (error instanceof ValidationError)
        for (const issue of error.issues)
          result.rejected.push({
            line,
            field: issue.path === 'birthDate' ? 'date' : issue.path,
            reason: issue.message,
          });
      else
        result.rejected.push({
          line,
          field: String(d.field ?? (event === 'BIRTH' ? 'motherNik' : 'nik')),
          reason: error.message,
        });
    }
  }
  result.overpaid.sort((a, b) => a.nik.localeCompare(b.nik));
  return result;
}

/**
 * Everything a civil event may change, without its clocks: the UHC rows, the premium count by month, the RTs' counts,
 * and each person's resident item, coverage periods and mother-birth items.
 */
async function books(niks: readonly string[]) {
  const premium = await queryAll({
    TableName: tableName('registry'),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': PREMIUM_PK },
    ConsistentRead: true,
  });
  const people: Record<string, unknown> = {};
  for (const nik of niks) {
    const r = await getResident(nik);
    const items = await queryAll({
      TableName: tableName('registry'),
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :b)',
      ExpressionAttributeValues: { ':pk': `RES#${nik}`, ':b': 'BIRTH#' },
      ConsistentRead: true,
    });
    people[nik] = r && {
      rt: r.rt,
      civilStatus: r.civilStatus ?? null,
      death: r.death?.date ?? null,
      movedOut: r.movedOut ? [r.movedOut.date, r.movedOut.to] : null,
      coverage: r.coverage ? [r.coverage.scheme, r.coverage.status, r.coverage.since] : null,
      apbdLastEnd: r.apbdLastEnd ?? null,
      deathReport: !!r.deathReport,
      version: r.version,
      // (A residents import names its job in the reason: each city's has its own.)
      periods: (await getCoverageHistory(nik)).map((p) => ({
        ...p,
        reason: p.source === 'IMPORT' ? undefined : p.reason,
      })),
      births: items.map((i) => i.sk),
    };
  }
  return {
    uhc: (await uhcRows(theCity().code)).sort((a, b) => a.kelurahan.localeCompare(b.kelurahan)),
    premium: Object.fromEntries(
      premium.filter((p) => Number(p.delta) !== 0).map((p) => [String(p.sk), Number(p.delta)]),
    ),
    rts: Object.fromEntries((await listRts('', true)).map((r) => [r.rt, r.residents])),
    people,
  };
}

/**
 * A few hundred lines about generated residents, one person's lines together in file order, the people interleaved:
 * deaths (some with an RT chair's report waiting), moves out and within the city, births with and without the child's
 * NIK, and what a feed gets wrong: a second death, a birth after the mother's death, a closed or unknown RT.
 */
function feed(people: readonly DemoResident[], seed: number) {
  const rand = prng(seed);
  const pool = [...people];
  const take = (filter: (r: DemoResident) => boolean = () => true) => {
    const i = pool.findIndex(filter);
    if (i < 0) throw new Error('the generated city has too few residents for the feed');
    return pool.splice(i, 1)[0]!;
  };
  const woman = (r: DemoResident) => r.sex === 'F';
  const man = (r: DemoResident) => r.sex === 'M';
  const adult = (r: DemoResident) => r.birthDate < addDays(today, -400);
  const cityPaid = (r: DemoResident) => r.scheme === 'PBI_APBD' && r.status === 'ACTIVE';
  /** A past day (never today: a period closed today would close at the clock of the run). */
  const past = (max = 300) => addDays(today, -1 - Math.floor(rand() * max));
  let childSeq = 8000;
  const child = (mother: DemoResident, date: string) =>
    makeNik({
      regionCode: RTS.find((r) => r.rt === mother.rt)!.kelurahan,
      birthDate: date,
      sex: 'F',
      sequence: childSeq++,
    });
  const death = (nik: string, date = past()) => `DEATH,${nik},${date},,,,,AKTA-${nik.slice(-4)}`;
  const moveOut = (nik: string, to: string, date = past()) => `MOVE_OUT,${nik},${date},,,,${to},SKPWNI-1`;
  const birth = (mother: string, date: string, nik = '') =>
    `BIRTH,${nik},${date},${mother},Bayi Dukcapil,P,,`;
  const groups: string[][] = [];
  const children: string[] = [];
  const reported: string[] = [];
  for (let i = 0; i < 320; i++) groups.push([death(take(i % 2 ? cityPaid : undefined).nik)]);
  for (let i = 0; i < 4; i++) {
    const r = take(adult);
    reported.push(r.nik);
    groups.push([death(r.nik)]);
  }
  const outside = ['31.71', '15.05', '15.05.01.2002', '12.71.01'];
  for (let i = 0; i < 160; i++)
    groups.push([moveOut(take(i % 2 ? cityPaid : undefined).nik, outside[i % 4]!)]);
  for (let i = 0; i < 24; i++) {
    const r = take((p) => p.rt !== RTS[i % 10]!.rt);
    groups.push([moveOut(r.nik, RTS[i % 10]!.rt)]);
  }
  for (let i = 0; i < 120; i++) {
    const m = take((r) => woman(r) && adult(r) && (i % 2 ? cityPaid(r) : true));
    const date = past();
    const nik = i % 2 ? child(m, date) : '';
    if (nik) children.push(nik);
    groups.push([birth(m.nik, date, nik)]);
  }
  // One person's lines, in order.
  for (let i = 0; i < 6; i++) {
    const m = take((r) => woman(r) && adult(r) && cityPaid(r));
    const born = past(100);
    groups.push([birth(m.nik, born), death(m.nik, addDays(born, 2))]);
    const m2 = take((r) => woman(r) && adult(r));
    groups.push([death(m2.nik, born), birth(m2.nik, born)]);
    const m3 = take((r) => woman(r) && adult(r) && cityPaid(r));
    const kid = child(m3, born);
    children.push(kid);
    groups.push([birth(m3.nik, born, kid), death(kid, addDays(born, 1))]);
    const twice = take();
    const day = past();
    groups.push([death(twice.nik, day), death(twice.nik, day)]);
    const other = take();
    groups.push([death(other.nik, past()), death(other.nik, past())]);
    const leaves = take(cityPaid);
    groups.push([moveOut(leaves.nik, '31.71'), death(leaves.nik)]);
    const m4 = take((r) => woman(r) && adult(r));
    groups.push([birth(m4.nik, born), birth(m4.nik, born)]);
    const movesTwice = take((r) => r.rt !== RTS[1]!.rt && r.rt !== RTS[2]!.rt);
    groups.push([
      moveOut(movesTwice.nik, RTS[1]!.rt),
      moveOut(movesTwice.nik, RTS[2]!.rt),
      death(movesTwice.nik),
    ]);
  }
  // Refused: a closed RT, an RT the city does not have, the resident's own RT, a man as mother, a child's NIK that
  // is someone's already, a NIK nobody has, a death before the birth.
  for (let i = 0; i < 3; i++) {
    groups.push([moveOut(take((r) => r.rt !== CLOSED.rt).nik, CLOSED.rt)]);
    groups.push([moveOut(take().nik, `${RT.rt.slice(0, 11)}099-099`)]);
    const stays = take();
    groups.push([moveOut(stays.nik, stays.rt)]);
    groups.push([birth(take(man).nik, past())]);
    groups.push([birth(take(woman).nik, past(), take().nik)]);
    groups.push([
      death(makeNik({ regionCode: RT.kelurahan, birthDate: '1960-01-01', sex: 'M', sequence: 9900 + i })),
    ]);
    const young = take((r) => r.birthDate > '2000-01-01');
    groups.push([death(young.nik, '1999-12-31')]);
  }
  // The people interleaved, each one's lines in order.
  const lines: string[] = [];
  const open = groups.map((g) => [...g]);
  while (open.some((g) => g.length)) {
    const ready = open.filter((g) => g.length);
    lines.push(ready[Math.floor(rand() * ready.length)]!.shift()!);
  }
  const niks = new Set(children);
  for (const l of lines) {
    const [, nik, , mother] = l.split(',');
    for (const n of [nik, mother]) if (n) niks.add(n);
  }
  return { file: [HEADER, ...lines].join('\n'), lines: lines.length, reported, niks: [...niks] };
}

/** The city and feed every comparison runs on: the same residents in each city, the same file. */
const PEOPLE = demoResidents(2000, RTS, 77);
const FEED = feed(PEOPLE, 5);

/** A city of its own with the feed's RT chairs' reports waiting for confirmation. */
async function cityForFeed(): Promise<void> {
  await city(PEOPLE);
  for (const nik of FEED.reported) {
    const r = PEOPLE.find((p) => p.nik === nik)!;
    await reportDeath(
      nik,
      { date: addDays(today, -1), source: 'RT' },
      { ...ctx(), actor: { sub: 'ketua', roles: ['rt_chair'] }, rt: r.rt },
    );
  }
}

const totalApplied = (r: Pick<CivilEventsResult, 'applied'>) =>
  r.applied.BIRTH + r.applied.DEATH + r.applied.MOVE_OUT;

beforeAll(() => {
  setEventBus({ publish: async () => {} });
});

describe('a whole feed, batched', () => {
  let bulk: CivilEventsResult;
  let bulkBooks: Awaited<ReturnType<typeof books>>;

  it('gives what the routes give line by line: the same counts, rejections and overpaid months, the same books', async () => {
    await cityForFeed();
    bulk = await importCivilEvents(FEED.file, ctx());
    bulkBooks = await books(FEED.niks);
    await cityForFeed();
    const oracle = await lineByLine(FEED.file);
    const { jobId, ...result } = bulk;
    expect(jobId).toMatch(/^[0-9a-f-]{36}$/);
    expect(result).toEqual({ rows: FEED.lines, ...oracle });
    expect(bulkBooks).toEqual(await books(FEED.niks));
    // What the feed holds, as generated: every kind applied, refused and found recorded already.
    expect(bulk.applied.DEATH).toBeGreaterThan(150);
    expect(bulk.applied.MOVE_OUT).toBeGreaterThan(90);
    expect(bulk.applied.BIRTH).toBeGreaterThan(60);
    expect(bulk.unchanged).toBe(12);
    expect(bulk.overpaid.length).toBeGreaterThan(20);
    const reasons = new Set(
      bulk.rejected.map((r) => r.reason.replace(/\d{4}-\d{2}-\d{2}|\d{10}-\d{3}-\d{3}/g, '…')),
    );
    expect([...reasons].sort()).toEqual(
      [
        'A resident with this NIK is already registered',
        'No resident with this NIK is registered',
        "RT … is not in the city's RT directory, or is closed",
        'This resident died on …',
        'This resident moved out of the city on …',
        'is before the resident was born (…)',
        'is registered as a man',
        "is the resident's RT already",
      ].sort(),
    );
    // No chair's report waits for a death Dukcapil recorded.
    for (const nik of FEED.reported)
      expect(bulkBooks.people[nik]).toMatchObject({ civilStatus: 'DECEASED', deathReport: false });
  }, 120_000);

  it('the same file again: every line it applied is unchanged, the books do not move', async () => {
    // (On the city of the line-by-line run, whose books are the batched run's.)
    const again = await importCivilEvents(FEED.file, ctx());
    // A move within the city cannot be told from a new one: the second time, the resident is in that RT already.
    const refused = new Set(bulk.rejected.map((r) => r.line));
    const movedWithin = FEED.file
      .split('\n')
      .flatMap((l, i) => (/^MOVE_OUT,[^,]*,[^,]*,,,,\d{10}-/.test(l) && !refused.has(i + 1) ? [i + 1] : []));
    expect(movedWithin.length).toBeGreaterThan(20);
    expect(again.applied).toEqual({ BIRTH: 0, DEATH: 0, MOVE_OUT: 0 });
    expect(again.overpaid).toEqual([]);
    expect(again.unchanged).toBe(bulk.unchanged + totalApplied(bulk) - movedWithin.length);
    expect(again.rejectedRows).toBe(bulk.rejectedRows + movedWithin.length);
    expect(await books(FEED.niks)).toEqual(bulkBooks);
  }, 60_000);

  /** Runs the feed as a job whose `fail`-chosen write fails, then again under its id, then once more. */
  async function stopAndRetry(fail: (items: { pk?: unknown; sk?: unknown }[], call: number) => boolean) {
    await cityForFeed();
    const client = ddb();
    const send = client.send.bind(client) as (command: unknown) => Promise<unknown>;
    let calls = 0;
    let failed = false;
    const failing = vi.spyOn(client, 'send').mockImplementation(((command: unknown) => {
      if (command instanceof BatchWriteCommand && !failed) {
        const items = Object.values(command.input.RequestItems ?? {}).flatMap((rs) =>
          rs.map((r) => r.PutRequest?.Item ?? r.DeleteRequest?.Key ?? {}),
        );
        if (fail(items, ++calls)) {
          failed = true;
          return Promise.reject(new Error('injected'));
        }
      }
      return send(command);
    }) as unknown as typeof client.send);
    const jobId = crypto.randomUUID();
    await expect(importCivilEvents(FEED.file, ctx(), { jobId })).rejects.toThrow('injected');
    failing.mockRestore();
    // The lock went with the failed run, once its chunks under way had ended. The job's outcome is the one it would
    // have had, the lines it applied before it stopped among the applied.
    const { jobId: _id, ...expected } = bulk;
    expect(await importCivilEvents(FEED.file, ctx(), { jobId })).toEqual({ jobId, ...expected });
    expect(await books(FEED.niks)).toEqual(bulkBooks);
    // Once more under the same id: the same outcome, nothing counted twice.
    expect(await importCivilEvents(FEED.file, ctx(), { jobId })).toEqual({ jobId, ...expected });
    expect(await books(FEED.niks)).toEqual(bulkBooks);
  }

  it('a job stopped by a failed write early on and run again under its id counts every chunk once', async () => {
    await stopAndRetry((_items, call) => call === 12);
  }, 90_000);

  it("a job stopped after its newborns were written, before their mothers' birth items, ends as if it had not", async () => {
    await stopAndRetry((items) =>
      items.some((i) => String(i.pk).startsWith('RES#') && String(i.sk).startsWith('BIRTH#')),
    );
  }, 90_000);
});

describe('small files', () => {
  let sequence = 1;
  const newNik = (sex: 'M' | 'F' = 'F', birthDate = '1990-06-15') =>
    makeNik({ regionCode: RT.kelurahan, birthDate, sex, sequence: sequence++ });
  const resident = (nik: string, birthDate = '1990-06-15') => ({
    nik,
    kk: '1571010101010001',
    name: 'Siti Aminah',
    birthDate,
    sex: (Number(nik.slice(6, 8)) > 40 ? 'F' : 'M') as 'M' | 'F',
    phone: '+6281234567890',
    rt: RT.rt,
  });
  const setCoverage = (nik: string, scheme: Scheme, status: 'ACTIVE' | 'INACTIVE', reason: string) =>
    changeCoverage(nik, { scheme, status, reason, source: 'MANUAL' }, ctx());

  /** The UHC rows against a count of the residents themselves: whoever died or left is counted nowhere. */
  async function expectAggregatesToMatchResidents() {
    const truth = new Map<string, { residents: number; covered: number; active: number }>();
    for (const rt of RTS) {
      const items = await queryAll({
        TableName: tableName('registry'),
        IndexName: 'gsi1',
        KeyConditionExpression: 'gsi1pk = :p',
        ExpressionAttributeValues: { ':p': `RT#${rt.rt}` },
      });
      for (const r of items) {
        if (r.civilStatus) continue;
        const kel = String(r.kelurahan);
        const c = truth.get(kel) ?? { residents: 0, covered: 0, active: 0 };
        const coverage = r.coverage as { status: string } | null;
        truth.set(kel, {
          residents: c.residents + 1,
          covered: c.covered + (coverage ? 1 : 0),
          active: c.active + (coverage?.status === 'ACTIVE' ? 1 : 0),
        });
      }
    }
    for (const row of await uhcRows(theCity().code)) {
      const { kelurahan, ...counts } = row;
      expect(counts, kelurahan).toEqual(truth.get(kelurahan) ?? { residents: 0, covered: 0, active: 0 });
    }
  }

  beforeAll(async () => {
    await useFreshTables();
    await addRts(RTS);
  });

  it('applies deaths, moves and births line by line, rejects by line and field, and changes nothing the second time', async () => {
    const [dies, leaves, mom] = [newNik(), newNik(), newNik('F', '1996-02-02')];
    for (const nik of [dies, leaves]) await createResident(resident(nik), ctx());
    await createResident({ ...resident(mom), birthDate: '1996-02-02' }, ctx());
    await changeCoverage(
      dies,
      { scheme: 'PBI_APBD', status: 'ACTIVE', reason: 'peserta lama', source: 'MANUAL', from: '2023-01-05' },
      ctx(),
    );
    await setCoverage(mom, 'PBI_APBD', 'ACTIVE', 'miskin');
    const died = `${addMonths(thisMonth, -2)}-15`;
    const born = addDays(today, -5);
    const file = [
      'event,nik,date,motherNik,name,sex,to,reference',
      `DEATH,${dies},${died},,,,,AKTA-2026-01`,
      `MOVE_OUT,${leaves},${today},,,,31.71,SKPWNI-01`,
      `BIRTH,,${born},${mom},Bayi Dukcapil,P,,`,
      `DEATH,${newNik()},${today},,,,,`,
      `DEATH,${newNik()},2099-01-01,,,,,`,
      `KAWIN,${newNik()},${today},,,,,`,
      `BIRTH,,${born},${mom},,L,,`,
      `MOVE_OUT,${newNik()},${today},,,,15.71.01,`,
    ].join('\n');
    const first = await importCivilEvents(file, ctx());
    const overpaid = [addMonths(thisMonth, -1), thisMonth].filter((m) => m <= lastDueMonth(today, 10));
    expect(first).toEqual({
      jobId: expect.any(String),
      rows: 8,
      applied: { DEATH: 1, MOVE_OUT: 1, BIRTH: 1 },
      unchanged: 0,
      rejectedRows: 5,
      rejected: [
        { line: 5, field: 'nik', reason: 'No resident with this NIK is registered' },
        { line: 6, field: 'date', reason: 'is in the future' },
        { line: 7, field: 'event', reason: 'must be one of BIRTH, DEATH, MOVE_OUT' },
        { line: 8, field: 'name', reason: expect.any(String) },
        { line: 9, field: 'to', reason: 'is in the city: give the RT code the resident moved to' },
      ],
      overpaid: overpaid.length ? [{ nik: dies, months: overpaid, rupiah: overpaid.length * 42_000 }] : [],
    });
    expect(await getResident(dies)).toMatchObject({
      civilStatus: 'DECEASED',
      death: { date: died, source: 'DUKCAPIL', reference: 'AKTA-2026-01' },
    });
    expect(await getResident(leaves)).toMatchObject({ civilStatus: 'MOVED_OUT', movedOut: { to: '31.71' } });
    const again = await importCivilEvents(file, ctx());
    expect(again).toMatchObject({
      applied: { DEATH: 0, MOVE_OUT: 0, BIRTH: 0 },
      unchanged: 3,
      rejectedRows: 5,
      overpaid: [],
    });
    await expectAggregatesToMatchResidents();
  });

  it('refuses a file without its event and date columns, naming them', async () => {
    await expect(importCivilEvents('nik,name\n1,2\n', ctx())).rejects.toMatchObject({
      issues: [{ path: 'header', message: expect.stringContaining('event, date') }],
    });
  });

  it("applies each person's lines in file order: a death after a death, a birth after the mother's death, a newborn's death", async () => {
    const [mother, widow, mom3, twice, differs, leaves] = [
      newNik(),
      newNik(),
      newNik(),
      newNik(),
      newNik(),
      newNik(),
    ];
    for (const nik of [mother, widow, mom3, twice, differs, leaves])
      await createResident(resident(nik), ctx());
    for (const nik of [mother, mom3, leaves]) await setCoverage(nik, 'PBI_APBD', 'ACTIVE', 'miskin');
    const born = addDays(today, -20);
    const kid = makeNik({ regionCode: RT.kelurahan, birthDate: born, sex: 'F', sequence: 9500 });
    const [d, d1, d2] = [addDays(today, -5), addDays(today, -10), addDays(today, -3)];
    const bornMonth = born.slice(0, 7);
    const paidBefore = await cityPaidCount(bornMonth);
    const file = [
      HEADER,
      `BIRTH,,${born},${mother},Bayi Satu,P,,`,
      `DEATH,${widow},${d},,,,,`,
      `BIRTH,${kid},${born},${mom3},Bayi Dua,P,,`,
      `DEATH,${mother},${addDays(born, 1)},,,,,`,
      `BIRTH,,${born},${widow},Bayi Tiga,P,,`,
      `MOVE_OUT,${leaves},${d},,,,31.71,`,
      `DEATH,${kid},${addDays(born, 1)},,,,,`,
      `DEATH,${twice},${d},,,,,`,
      `DEATH,${leaves},${d},,,,,`,
      `DEATH,${differs},${d1},,,,,`,
      `DEATH,${twice},${d},,,,,`,
      `DEATH,${differs},${d2},,,,,`,
    ].join('\n');
    const result = await importCivilEvents(file, ctx());
    expect(result).toEqual({
      jobId: expect.any(String),
      rows: 12,
      applied: { BIRTH: 2, DEATH: 5, MOVE_OUT: 1 },
      unchanged: 1,
      rejected: [
        { line: 6, field: 'motherNik', reason: `This resident died on ${d}` },
        { line: 10, field: 'nik', reason: `This resident moved out of the city on ${d}` },
        { line: 13, field: 'nik', reason: `This resident died on ${d1}` },
      ],
      rejectedRows: 3,
      overpaid: expect.any(Array),
    });
    // The newborn: a resident of its mother's RT, city-paid from birth, dead a day later; billed for its month only.
    expect(await getResident(kid)).toMatchObject({ civilStatus: 'DECEASED', coverage: null, rt: RT.rt });
    expect(await getCoverageHistory(kid)).toMatchObject([
      { scheme: 'PBI_APBD', validTo: expect.any(String), billedThrough: bornMonth },
    ]);
    // Two city-paid newborns billed for their month of birth: the first (its mother's death a day later stops her bill,
    // not the child's) and the one who died a day old (billed for that month: JKN bills whole months).
    expect((await cityPaidCount(bornMonth)) - paidBefore).toBe(2);
    expect(await getResident(mother)).toMatchObject({ civilStatus: 'DECEASED' });
    await expectAggregatesToMatchResidents();
  });

  it('does not run beside another import: a 409, and nothing applied', async () => {
    const nik = newNik();
    await createResident(resident(nik), ctx());
    await acquireImportLock('another-import', 60);
    try {
      await expect(
        importCivilEvents(`${HEADER}\nDEATH,${nik},${addDays(today, -1)},,,,,`, ctx()),
      ).rejects.toMatchObject({ status: 409 });
    } finally {
      await releaseImportLock('another-import');
    }
    expect((await getResident(nik))!.civilStatus).toBeUndefined();
  });

  it("applies a chunk's aggregates once, in parts of 98 beside their marker", async () => {
    const months = Array.from({ length: 150 }, (_, i) => addMonths('2200-01', i));
    const last = months.at(-1)!;
    const before = await cityPaidCount(last);
    const marker = { pk: `IMPORT#${crypto.randomUUID()}`, sk: 'CIVIL#0' };
    await applyOnce(
      marker,
      months.map((m) => premiumUpdate(m, 1)),
    );
    await applyOnce(
      marker,
      months.map((m) => premiumUpdate(m, 1)),
    );
    expect((await cityPaidCount(last)) - before).toBe(150);
    const parts = await queryAll({
      TableName: tableName('registry'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': marker.pk },
    });
    expect(parts.map((p) => p.sk)).toEqual(['CIVIL#0#0', 'CIVIL#0#1']);
  });
});
