// City master data against DynamoDB Local: the RT directory (registration, audited changes, closing, resident counts
// moved in the same transactions as the registry's writes, the CSV import), staff accounts made through a user pool
// that fails half-way, the chair access check, and the local data of an older version brought up to date.
import { GetCommand, PutCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { demoChairUsername, demoResidents, demoRts, demoUnits, toCsv } from '../../infra/local/demo-data.ts';
import { migrateLocalData } from '../../infra/local/migrate.ts';
import { checkChairAccess } from '../../shared/city/access.ts';
import { city, kelurahanOfRt, placeOf } from '../../shared/city/regions.ts';
import { importChunk, importRts, RT_IMPORT_MAX_ROWS } from '../../shared/city/rt-import.ts';
import { changeRt, getRt, listRts, listRtsPage, registerRt, rtView } from '../../shared/city/rts.ts';
import { createStaff, getStaff, listStaff, setStaffStatus } from '../../shared/city/staff.ts';
import { createUnit } from '../../shared/incident/units.ts';
import { AccountExists, type Accounts, setAccounts } from '../../shared/platform/accounts.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import {
  Conflict,
  Forbidden,
  NotFound,
  PayloadTooLarge,
  ValidationError,
} from '../../shared/platform/errors.ts';
import { tableName } from '../../shared/platform/tables.ts';
import { runImport } from '../../shared/registry/import.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { createResident } from '../../shared/registry/repository.ts';
import { useFreshTables } from '../support/tables.ts';

const admin = { sub: 'admin-city', roles: ['city_admin'] };
const ctx = () => ({
  actor: admin,
  requestId: Math.random().toString(36).slice(2),
  now: new Date().toISOString(),
});
const KEL = city().code === '15.71' ? placeOf('15.71.01.1012')! : undefined;
/** RTs of their own for each test: kelurahan 15.71.01.1012, RW 7xx. */
let rwNo = 700;
const freshRt = (n = 1) =>
  `${KEL!.kelurahan.code.replaceAll('.', '')}-${rwNo++}-${String(n).padStart(3, '0')}`;
let seq = 5000;
const nik = (rt: string) =>
  makeNik({ regionCode: kelurahanOfRt(rt), birthDate: '1980-02-03', sex: 'M', sequence: seq++ });
const person = (rt: string) => ({
  nik: nik(rt),
  kk: '1571010101010001',
  name: 'Budi Santoso',
  birthDate: '1980-02-03',
  sex: 'M' as const,
  rt,
});

async function auditOf(entity: string) {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName('audit'),
      KeyConditionExpression: 'pk = :pk',
      ExpressionAttributeValues: { ':pk': entity },
      ConsistentRead: true,
    }),
  );
  return out.Items ?? [];
}

/** Residents the registry holds in an RT, counted from the residents themselves. */
async function residentsIn(rt: string): Promise<number> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: tableName('registry'),
      IndexName: 'gsi1',
      KeyConditionExpression: 'gsi1pk = :pk',
      ExpressionAttributeValues: { ':pk': `RT#${rt}` },
      Select: 'COUNT',
    }),
  );
  return out.Count ?? 0;
}

/** A user pool that records what it was asked, and can be made to fail once at a given step. */
class FakePool implements Accounts {
  calls: string[] = [];
  users = new Map<string, string>();
  failAt?: 'create' | 'addToGroup';
  async create(a: { username: string }) {
    this.calls.push(`create ${a.username}`);
    if (this.failAt === 'create') {
      this.failAt = undefined;
      throw new Error('Cognito is down');
    }
    const existing = this.users.get(a.username);
    if (existing) throw new AccountExists(existing);
    const sub = `sub-${a.username}`;
    this.users.set(a.username, sub);
    return { sub, invitedBy: ['SMS' as const] };
  }
  async addToGroup(username: string, role: string) {
    this.calls.push(`group ${username} ${role}`);
    if (this.failAt === 'addToGroup') {
      this.failAt = undefined;
      throw new Error('Cognito is down');
    }
  }
  async disable(username: string) {
    this.calls.push(`disable ${username}`);
  }
  async enable(username: string) {
    this.calls.push(`enable ${username}`);
  }
}
let pool: FakePool;

beforeAll(async () => {
  await useFreshTables();
});
afterEach(() => setAccounts(undefined));

describe.runIf(KEL)('the RT directory', () => {
  it('registers an RT once, with its place named from the region data, and audits it', async () => {
    const rt = freshRt();
    const made = await registerRt(
      { rt, chairName: 'Ahmad Yani', chairPhone: '+6281255501001', households: 74 },
      ctx(),
    );
    expect(rtView(made)).toMatchObject({
      rt,
      rw: rt.slice(11, 14),
      number: '001',
      kelurahan: KEL!.kelurahan,
      kecamatan: KEL!.kecamatan,
      households: 74,
      chairName: 'Ahmad Yani',
      chairPhone: '+6281255501001',
      active: true,
      residents: 0,
    });
    const again = registerRt({ rt, chairName: 'Orang Lain', households: 10 }, ctx());
    await expect(again).rejects.toBeInstanceOf(Conflict);
    await expect(again).rejects.toMatchObject({ details: { rt: { chairName: 'Ahmad Yani' } } });
    expect((await getRt(rt))!.chairName).toBe('Ahmad Yani');
    const audit = await auditOf(`RT#${rt}`);
    expect(audit.map((a) => a.action)).toEqual(['RtRegistered']);
    expect(audit[0]!.after).toMatchObject({ chairName: 'Ahmad Yani', households: 74, status: 'ACTIVE' });
  });

  it('changes the chair, phone and households with an audit record each; the same values change nothing', async () => {
    const rt = freshRt();
    await registerRt({ rt, chairName: 'Ahmad Yani', chairPhone: '+6281255501002', households: 74 }, ctx());
    const first = await changeRt(rt, { chairName: 'Siti Aminah', chairPhone: null, households: 120 }, ctx());
    expect(first.changed).toBe(true);
    expect(first.rt).toMatchObject({ chairName: 'Siti Aminah', households: 120, version: 2 });
    expect(first.rt.chairPhone).toBeUndefined();
    expect((await getRt(rt, true))!.chairPhone).toBeUndefined();
    expect((await changeRt(rt, { households: 120 }, ctx())).changed).toBe(false);
    const audit = await auditOf(`RT#${rt}`);
    expect(audit.map((a) => a.action)).toEqual(['RtRegistered', 'RtChanged']);
    expect(audit[1]).toMatchObject({
      before: { chairName: 'Ahmad Yani', chairPhone: '+6281255501002', households: 74 },
      after: { chairName: 'Siti Aminah', chairPhone: null, households: 120 },
    });
    await expect(changeRt(freshRt(), { households: 3 }, ctx())).rejects.toBeInstanceOf(NotFound);
  });

  it('keeps every concurrent change: ten at once each land, one after another', async () => {
    const rt = freshRt();
    await registerRt({ rt, chairName: 'Ahmad Yani', households: 10 }, ctx());
    await Promise.all(Array.from({ length: 10 }, (_, i) => changeRt(rt, { households: 20 + i }, ctx())));
    const after = (await getRt(rt, true))!;
    expect(after.version).toBe(11);
    expect((await auditOf(`RT#${rt}`)).filter((a) => a.action === 'RtChanged')).toHaveLength(10);
  });

  it('a closed RT takes no new residents, and counts stay with the residents it has', async () => {
    const rt = freshRt();
    await registerRt({ rt, chairName: 'Ahmad Yani', households: 50 }, ctx());
    await createResident(person(rt), ctx());
    expect((await getRt(rt, true))!.residents).toBe(1);
    const closed = await changeRt(rt, { active: false, reason: 'Digabung dengan RT sebelah' }, ctx());
    expect(rtView(closed.rt).active).toBe(false);
    const refused = person(rt);
    await expect(createResident(refused, ctx())).rejects.toBeInstanceOf(ValidationError);
    // Nothing half-written: no resident, no count.
    expect(
      (
        await ddb().send(
          new GetCommand({
            TableName: tableName('registry'),
            Key: { pk: `RES#${refused.nik}`, sk: 'PROFILE' },
          }),
        )
      ).Item,
    ).toBeUndefined();
    expect((await getRt(rt, true))!.residents).toBe(1);
    // The import refuses its rows too.
    const r = await runImport(
      toCsv([{ ...demoResidents(1, [{ rt, kelurahan: kelurahanOfRt(rt) }])[0]! }]),
      ctx(),
    );
    expect(r.rejected).toEqual([{ line: 2, field: 'rt', reason: expect.stringContaining('closed') }]);
    await changeRt(rt, { active: true, reason: 'Dibuka lagi' }, ctx());
    expect((await auditOf(`RT#${rt}`)).map((a) => a.action)).toEqual([
      'RtRegistered',
      'RtClosed',
      'RtReopened',
    ]);
  });

  it('counts residents in their RT as they register, are imported, and move from one RT to another', async () => {
    const [a, b] = [freshRt(), freshRt()];
    for (const rt of [a, b]) await registerRt({ rt, chairName: 'Ketua', households: 90 }, ctx());
    const kelurahan = kelurahanOfRt(a);
    const people = demoResidents(60, [{ rt: a, kelurahan }], 77);
    expect((await runImport(toCsv(people), ctx())).imported).toBe(people.length);
    await createResident(person(a), ctx());
    expect((await getRt(a, true))!.residents).toBe(people.length + 1);
    // Twenty of them move to RT b in the next list; importing it twice moves them once.
    const moved = people.map((p, i) => (i < 20 ? { ...p, rt: b } : p));
    for (let i = 0; i < 2; i++) await runImport(toCsv(moved), ctx());
    for (const rt of [a, b]) expect((await getRt(rt, true))!.residents, rt).toBe(await residentsIn(rt));
    expect((await getRt(b, true))!.residents).toBe(20);
  });

  it('pages an area’s RTs in code order, each once', async () => {
    const mine = Array.from({ length: 7 }, (_, i) => freshRt(i + 1));
    for (const rt of mine) await registerRt({ rt, chairName: 'Ketua', households: 40 }, ctx());
    const area = KEL!.kelurahan.code.replaceAll('.', '');
    const seen: string[] = [];
    let after: string | undefined;
    do {
      const page = await listRtsPage(area, 3, after);
      seen.push(...page.rts.map((r) => r.rt));
      after = page.next ?? undefined;
    } while (after);
    expect(seen).toEqual([...seen].sort());
    expect(new Set(seen).size).toBe(seen.length);
    for (const rt of mine) expect(seen).toContain(rt);
    expect(seen).toEqual((await listRts(area)).map((r) => r.rt));
  });
});

describe.runIf(KEL)('the RT import', () => {
  it('writes the valid rows, reports each bad one by line and field, and a second run changes nothing', async () => {
    const [a, b, c] = [freshRt(1), freshRt(2), freshRt(3)];
    const elsewhere = '2172011001-001-001';
    const csv = [
      'rt,chairName,chairPhone,households',
      `${a},Ahmad Yani,0812-5550-1101,120`,
      `${b},Siti Aminah,,1.250`,
      `${elsewhere},Orang Luar,,40`,
      `${c},Budi,0812,40`,
      `${a},Dua Kali,,40`,
      `${c.slice(0, 11)}000-001,Nol,,40`,
      `${c},Rudi Hartono,,abc`,
      '',
    ].join('\n');
    const first = await importRts(csv, ctx());
    expect(first).toMatchObject({ rows: 7, imported: 2, updated: 0, unchanged: 0, rejectedRows: 5 });
    expect(first.rejected).toEqual([
      { line: 4, field: 'rt', reason: expect.stringContaining('is not in') },
      { line: 5, field: 'chairPhone', reason: expect.stringContaining('Indonesian mobile') },
      { line: 6, field: 'rt', reason: 'appears again; first at line 2' },
      { line: 7, field: 'rt', reason: 'RW and RT numbers start at 001' },
      { line: 8, field: 'households', reason: 'must be a whole number of households' },
    ]);
    expect(await getRt(b)).toMatchObject({ households: 1250, chairName: 'Siti Aminah' });
    expect(await getRt(c)).toBeUndefined();
    expect(await importRts(csv, ctx())).toMatchObject({
      imported: 0,
      updated: 0,
      unchanged: 2,
      rejectedRows: 5,
    });
    // A changed row is an update, audited; an empty phone keeps the one the directory has.
    const changed = await importRts(`rt,chairName,households\n${a},Ahmad Yani,130\n`, ctx());
    expect(changed).toMatchObject({ imported: 0, updated: 1, unchanged: 0, rejected: [] });
    expect(await getRt(a)).toMatchObject({ households: 130, chairPhone: '+6281255501101' });
    expect((await auditOf(`RT#${a}`)).map((x) => [x.action, x.reason])).toEqual([
      ['RtRegistered', 'RT import'],
      ['RtChanged', 'RT import'],
    ]);
  });

  it('refuses a file without its columns, or with more rows than one import takes, writing nothing', async () => {
    await expect(importRts('rt,name\nx,y\n', ctx())).rejects.toMatchObject({
      issues: [{ path: 'header', message: expect.stringContaining('chairName, households') }],
    });
    const big = ['rt,chairName,households', ...Array.from({ length: RT_IMPORT_MAX_ROWS + 1 }, () => 'x,y,1')];
    await expect(importRts(big.join('\n'), ctx())).rejects.toBeInstanceOf(PayloadTooLarge);
  });

  it('writes a chunk in one transaction, and row by row from fresh reads when the directory changed meanwhile', async () => {
    const [a, b] = [freshRt(), freshRt()];
    await registerRt({ rt: a, chairName: 'Ketua Lama', households: 40 }, ctx());
    // The import read the directory before RT a was added: its one transaction fails and writes nothing.
    const rows = [
      { rt: a, chairName: 'Ketua Baru', households: 40 },
      { rt: b, chairName: 'Ketua B', households: 50 },
    ];
    expect(await importChunk(rows, new Map(), ctx())).toEqual(['updated', 'imported']);
    expect(await getRt(a)).toMatchObject({ chairName: 'Ketua Baru', version: 2 });
    expect((await auditOf(`RT#${a}`)).map((x) => x.action)).toEqual(['RtRegistered', 'RtChanged']);
    expect((await auditOf(`RT#${b}`)).map((x) => x.action)).toEqual(['RtRegistered']);
  });

  it('imports a city’s worth of RTs (1,650) in one call, each once', async () => {
    // RW 001–055 of the test kelurahan (the other tests use RW 7xx).
    const all = KEL!.kelurahan.code.replaceAll('.', '');
    const rows = Array.from({ length: 1650 }, (_, i) => {
      const rw = String(1 + Math.floor(i / 30)).padStart(3, '0');
      return `${all}-${rw}-${String(1 + (i % 30)).padStart(3, '0')},Ketua ${i},,${30 + (i % 120)}`;
    });
    const result = await importRts(['rt,chairName,chairPhone,households', ...rows].join('\n'), ctx());
    expect(result).toMatchObject({ rows: 1650, imported: 1650, rejected: [] });
    expect((await listRts(all)).filter((r) => r.rw < '700')).toHaveLength(1650);
  }, 120_000);
});

describe.runIf(KEL)('staff accounts', () => {
  it('makes a chair: the record, the account with its RT, its group and an audit record', async () => {
    pool = new FakePool();
    setAccounts(pool);
    const rt = freshRt();
    await registerRt({ rt, chairName: 'Ahmad Yani', households: 60 }, ctx());
    const input = {
      username: 'ahmad.yani',
      name: 'Ahmad Yani',
      role: 'rt_chair' as const,
      rt,
      phone: '+6281255501201',
    };
    const { staff, invitedBy } = await createStaff(input, ctx());
    expect(staff).toMatchObject({ username: 'ahmad.yani', sub: 'sub-ahmad.yani', status: 'ACTIVE', rt });
    expect(invitedBy).toEqual(['SMS']);
    expect(pool.calls).toEqual(['create ahmad.yani', 'group ahmad.yani rt_chair']);
    expect((await auditOf('STAFF#ahmad.yani')).map((a) => a.action)).toEqual(['StaffCreated']);
    await expect(createStaff(input, ctx())).rejects.toBeInstanceOf(Conflict);
    expect(pool.calls).toHaveLength(2);
    const chairs = await listStaff('rt_chair', 100);
    expect(chairs.staff.map((s) => s.username)).toContain('ahmad.yani');
    expect((await listStaff('clinic', 100)).staff.map((s) => s.username)).not.toContain('ahmad.yani');
  });

  it('refuses a chair of an RT not in the directory, or closed, and a responder of no unit, making nothing', async () => {
    pool = new FakePool();
    setAccounts(pool);
    const missing = freshRt();
    await expect(
      createStaff(
        { username: 'nobody.rt', name: 'Nobody', role: 'rt_chair', rt: missing, phone: '+6281255501202' },
        ctx(),
      ),
    ).rejects.toMatchObject({ issues: [{ path: 'rt' }] });
    const closed = freshRt();
    await registerRt({ rt: closed, chairName: 'Ketua', households: 60 }, ctx());
    await changeRt(closed, { active: false, reason: 'Ditutup' }, ctx());
    await expect(
      createStaff(
        { username: 'closed.rt', name: 'Closed', role: 'rt_chair', rt: closed, phone: '+6281255501203' },
        ctx(),
      ),
    ).rejects.toMatchObject({ issues: [{ path: 'rt', message: expect.stringContaining('closed') }] });
    const responder = {
      username: 'crew.one',
      name: 'Crew One',
      role: 'responder' as const,
      unit: 'AMB-Z9',
      phone: '+6281255501204',
    };
    await expect(createStaff(responder, ctx(), { unitExists: async () => false })).rejects.toMatchObject({
      issues: [{ path: 'unit' }],
    });
    expect(pool.calls).toEqual([]);
    for (const u of ['nobody.rt', 'closed.rt', 'crew.one']) expect(await getStaff(u, true)).toBeUndefined();
    await createStaff(responder, ctx(), { unitExists: async (id) => id === 'AMB-Z9' });
    expect((await getStaff('crew.one'))!.unit).toBe('AMB-Z9');
  });

  it('leaves nothing when the user pool fails to make the account, and a retry makes it once', async () => {
    pool = new FakePool();
    pool.failAt = 'create';
    setAccounts(pool);
    const input = {
      username: 'dewi.clinic',
      name: 'Dewi',
      role: 'clinic' as const,
      email: 'dewi@example.org',
    };
    await expect(createStaff(input, ctx())).rejects.toThrow('Cognito is down');
    expect(await getStaff('dewi.clinic', true)).toBeUndefined();
    await createStaff(input, ctx());
    expect((await getStaff('dewi.clinic', true))!.status).toBe('ACTIVE');
    expect(await auditOf('STAFF#dewi.clinic')).toHaveLength(1);
  });

  it('finishes an account the pool made before a failure: the retry takes over the pending record', async () => {
    pool = new FakePool();
    pool.failAt = 'addToGroup';
    setAccounts(pool);
    const input = { username: 'rina.op', name: 'Rina', role: 'operator' as const, email: 'rina@example.org' };
    await expect(createStaff(input, ctx())).rejects.toThrow('Cognito is down');
    expect((await getStaff('rina.op', true))!.status).toBe('PENDING');
    const { staff } = await createStaff(input, ctx());
    expect(staff).toMatchObject({ status: 'ACTIVE', sub: 'sub-rina.op' });
    expect(pool.calls).toEqual([
      'create rina.op',
      'group rina.op operator',
      'create rina.op',
      'group rina.op operator',
    ]);
    expect(await auditOf('STAFF#rina.op')).toHaveLength(1);
  });

  it('will not take over an account made outside the API', async () => {
    pool = new FakePool();
    pool.users.set('made.by.cli', 'sub-cli');
    setAccounts(pool);
    const input = { username: 'made.by.cli', name: 'CLI', role: 'clinic' as const, email: 'cli@example.org' };
    await expect(createStaff(input, ctx())).rejects.toBeInstanceOf(Conflict);
    expect(await getStaff('made.by.cli', true)).toBeUndefined();
    expect(pool.calls).toEqual(['create made.by.cli']);
  });

  it('disables and enables with the pool first and an audit record each; never one’s own account', async () => {
    pool = new FakePool();
    setAccounts(pool);
    await createStaff(
      { username: 'yuni.verif', name: 'Yuni', role: 'social_verifier', email: 'y@example.org' },
      ctx(),
    );
    const off = await setStaffStatus('yuni.verif', 'DISABLED', ctx());
    expect(off).toMatchObject({ changed: true, staff: { status: 'DISABLED' } });
    expect((await setStaffStatus('yuni.verif', 'DISABLED', ctx())).changed).toBe(false);
    await setStaffStatus('yuni.verif', 'ACTIVE', ctx());
    expect(pool.calls.slice(-2)).toEqual(['disable yuni.verif', 'enable yuni.verif']);
    expect((await auditOf('STAFF#yuni.verif')).map((a) => a.action)).toEqual([
      'StaffCreated',
      'StaffDisabled',
      'StaffEnabled',
    ]);
    await expect(
      setStaffStatus('yuni.verif', 'DISABLED', { ...ctx(), actorUsername: 'yuni.verif' }),
    ).rejects.toBeInstanceOf(Conflict);
    await expect(setStaffStatus('no.such.user', 'DISABLED', ctx())).rejects.toBeInstanceOf(NotFound);
  });
});

describe.runIf(KEL)('the chair access check', () => {
  const chair = (rt: string, username?: string): Principal => ({
    sub: `sub-${username ?? rt}`,
    roles: ['rt_chair'],
    rt,
    ...(username ? { username } : {}),
  });

  it('admits a chair of an open RT; turns them away, saying why, once the RT is closed or the account disabled', async () => {
    pool = new FakePool();
    setAccounts(pool);
    const [rt, other] = [freshRt(), freshRt()];
    for (const r of [rt, other]) await registerRt({ rt: r, chairName: 'Ketua', households: 60 }, ctx());
    await createStaff(
      { username: 'ketua.a', name: 'Ketua A', role: 'rt_chair', rt, phone: '+6281255501301' },
      ctx(),
    );
    await expect(checkChairAccess(chair(rt, 'ketua.a'))).resolves.toBeUndefined();
    // A token without a staff record (a dev token) is judged by its RT alone.
    await expect(checkChairAccess(chair(rt))).resolves.toBeUndefined();
    // The account says another RT than the token: the account is what counts.
    await expect(checkChairAccess(chair(other, 'ketua.a'))).rejects.toMatchObject({
      details: { reason: 'NOT_CHAIR' },
    });
    await expect(checkChairAccess(chair(freshRt()))).rejects.toMatchObject({
      details: { reason: 'RT_CLOSED' },
    });
    await setStaffStatus('ketua.a', 'DISABLED', ctx());
    await expect(checkChairAccess(chair(rt, 'ketua.a'))).rejects.toMatchObject({
      details: { reason: 'ACCOUNT_DISABLED' },
    });
    await setStaffStatus('ketua.a', 'ACTIVE', ctx());
    await changeRt(rt, { active: false, reason: 'Ditutup' }, ctx());
    const closed = checkChairAccess(chair(rt, 'ketua.a'));
    await expect(closed).rejects.toBeInstanceOf(Forbidden);
    await expect(closed).rejects.toMatchObject({ details: { reason: 'RT_CLOSED' } });
    await expect(checkChairAccess({ sub: 's', roles: ['rt_chair'] })).rejects.toMatchObject({
      details: { reason: 'NOT_CHAIR' },
    });
  });
});

describe.runIf(KEL)('local data of an older version', () => {
  it('gets its RTs completed (status, counts, chairs’ accounts) and its demo units renamed, once', async () => {
    setAccounts(pool);
    const endpoint = await useFreshTables();
    // As the previous version wrote them: RT items without status, version or counts; residents; a demo unit.
    const [rt] = demoRts(1);
    await ddb().send(
      new PutCommand({
        TableName: tableName('registry'),
        Item: {
          pk: 'RT',
          sk: rt!.rt,
          rt: rt!.rt,
          kelurahan: rt!.kelurahan,
          rw: rt!.rw,
          number: rt!.number,
          households: 88,
          chairName: 'Ahmad Saputra',
        },
      }),
    );
    const people = demoResidents(30, [rt!], 5);
    await runImport(toCsv(people), ctx());
    const unit = demoUnits({ lat: -1.6, lon: 103.6 }, 1)[0]!;
    await createUnit({ ...unit, name: `Ambulans ${placeOf(unit.kelurahan)!.kelurahan.name} 1` }, ctx());
    const lines: string[] = [];
    await migrateLocalData(endpoint, (l) => lines.push(l));
    const after = (await getRt(rt!.rt, true))!;
    expect(after).toMatchObject({ status: 'ACTIVE', version: 1, residents: people.length });
    expect((await getStaff(demoChairUsername(rt!.rt), true))!).toMatchObject({
      status: 'ACTIVE',
      rt: rt!.rt,
    });
    const stored = await ddb().send(
      new GetCommand({ TableName: tableName('incidents'), Key: { pk: 'UNITS', sk: unit.id } }),
    );
    expect(stored.Item!.name).toBe(`Ambulans 1 (demo, Kel. ${placeOf(unit.kelurahan)!.kelurahan.name})`);
    expect(lines.join('\n')).toContain('1 RTs completed');
    // Once: a second start finds nothing to do.
    const again: string[] = [];
    await migrateLocalData(endpoint, (l) => again.push(l));
    expect(again).toEqual([]);
  });
});
