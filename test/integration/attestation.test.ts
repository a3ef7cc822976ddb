// The attestation repository against DynamoDB Local, without HTTP: what one letter writes (all of it in one
// transaction, or none of it), how many requests it costs, the events it publishes, and that the counts the
// verifiers read stay true to the letters under any mix of issues, replays and decisions.
import { randomUUID } from 'node:crypto';
import { GetCommand, ScanCommand } from '@aws-sdk/lib-dynamodb';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ATTESTATION_DECIDED,
  ATTESTATION_ISSUED,
  ATTESTATION_SOURCE,
  AttestationDecided,
  AttestationIssued,
} from '../../events/attestation.ts';
import { COVERAGE_CHANGED, CoverageChanged, REGISTRY_SOURCE } from '../../events/registry.ts';
import { type DemoRt, demoRts } from '../../infra/local/demo-data.ts';
import { addRts } from '../../infra/local/seed.ts';
import { codeHash, verifyCode } from '../../shared/attestation/codes.ts';
import { decideAttestation } from '../../shared/attestation/decide.ts';
import { issueAttestation } from '../../shared/attestation/issue.ts';
import {
  auditTrail,
  claimReminderDay,
  countsByRt,
  getAttestation,
  listAttestations,
  pendingSince,
  verifyByCode,
} from '../../shared/attestation/repository.ts';
import { type NewAttestation, newAttestationSchema } from '../../shared/attestation/schemas.ts';
import type { Principal } from '../../shared/platform/auth.ts';
import { type AppEvent, setEventBus } from '../../shared/platform/bus.ts';
import { resetConfig } from '../../shared/platform/config.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import {
  Conflict,
  Forbidden,
  IdempotencyKeyReused,
  NotFound,
  TooManyRequests,
} from '../../shared/platform/errors.ts';
import { idempotencyId, requestHash } from '../../shared/platform/idempotency.ts';
import { localMacKey, setMacKey } from '../../shared/platform/mac.ts';
import { TABLES, type TableName, tableName } from '../../shared/platform/tables.ts';
import { dayWib } from '../../shared/platform/wib.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { createResident, getResident } from '../../shared/registry/repository.ts';
import { monthWib } from '../../shared/registry/rules.ts';
import { useFreshTables } from '../support/tables.ts';

const RTS = demoRts(12);
const verifier = { sub: 'verifier-1', roles: ['social_verifier'] };
const admin = { sub: 'admin-1', roles: ['city_admin'] };
const events: AppEvent[] = [];

let seq = 1;
let rtNo = 1;
const newNik = () => makeNik({ regionCode: '157101', birthDate: '1979-02-11', sex: 'M', sequence: seq++ });
const chairOf = (rt: string, sub = `chair-${randomUUID().slice(0, 8)}`): Principal => ({
  sub,
  roles: ['rt_chair'],
  rt,
});
const ctx = (actor: Principal | typeof verifier) => ({
  actor,
  requestId: randomUUID(),
  now: new Date().toISOString(),
});

/** An RT of its own for a test (so its counts start at zero), in the first demo kelurahan. */
async function freshRt(): Promise<DemoRt> {
  const base = RTS[0]!;
  const n = String(rtNo++).padStart(3, '0');
  const rt: DemoRt = { ...base, rt: `${base.rt.slice(0, 10)}-900-${n}`, rw: '900', number: n };
  await addRts([rt]);
  return rt;
}

/** The chair's form, parsed as the handler parses it. */
function form(over: Partial<Record<keyof NewAttestation, unknown>> = {}): NewAttestation {
  return newAttestationSchema.parse({
    nik: newNik(),
    name: 'Budi Santoso',
    birthDate: '1979-02-11',
    sex: 'M',
    reason: 'Butuh operasi usus buntu',
    ...over,
  });
}

const request = (chair: Principal, input: NewAttestation, key: string = randomUUID()) => ({
  input,
  requestHash: requestHash(input),
  idempotencyId: idempotencyId('attestation', chair, key),
});

const issue = (chair: Principal, input: NewAttestation, key: string = randomUUID()) =>
  issueAttestation(chair, request(chair, input, key), ctx(chair));

type Snapshot = Record<TableName, Map<string, Record<string, unknown>>>;

/** Every item of every table, by key (Scan is fine here: a test's own small tables). */
async function snapshot(): Promise<Snapshot> {
  const out = {} as Snapshot;
  for (const [name, def] of Object.entries(TABLES) as [TableName, (typeof TABLES)[TableName]][]) {
    const items = new Map<string, Record<string, unknown>>();
    let start: Record<string, unknown> | undefined;
    do {
      const page = await ddb().send(
        new ScanCommand({ TableName: tableName(name), ExclusiveStartKey: start }),
      );
      for (const item of page.Items ?? []) {
        const key = 'sortKey' in def ? `${item.pk}|${item.sk}` : String(item.id);
        items.set(key, item);
      }
      start = page.LastEvaluatedKey;
    } while (start);
    out[name] = items;
  }
  return out;
}

/** What changed between two snapshots, per table: keys added, keys changed (with both versions). */
function diff(a: Snapshot, b: Snapshot) {
  const out = {} as Record<
    TableName,
    {
      added: Map<string, Record<string, unknown>>;
      changed: Map<string, [Record<string, unknown>, Record<string, unknown>]>;
      removed: string[];
    }
  >;
  for (const name of Object.keys(TABLES) as TableName[]) {
    const added = new Map<string, Record<string, unknown>>();
    const changed = new Map<string, [Record<string, unknown>, Record<string, unknown>]>();
    for (const [k, v] of b[name]) {
      const old = a[name].get(k);
      if (!old) added.set(k, v);
      else if (JSON.stringify(sorted(old)) !== JSON.stringify(sorted(v))) changed.set(k, [old, v]);
    }
    const removed = [...a[name].keys()].filter((k) => !b[name].has(k));
    out[name] = { added, changed, removed };
  }
  return out;
}

function sorted(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sorted);
  if (value && typeof value === 'object')
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .sort(([x], [y]) => (x < y ? -1 : 1))
        .map(([k, v]) => [k, sorted(v)]),
    );
  return value;
}

/** The DynamoDB operations sent on the wire while `fn` runs (one per HTTP request, retries included). */
async function wireOps<T>(fn: () => Promise<T>): Promise<{ result: T; ops: string[] }> {
  const ops: string[] = [];
  const name = `count-requests-${randomUUID()}`;
  ddb().middlewareStack.add(
    (next) => async (args) => {
      const target = (args.request as { headers?: Record<string, string> }).headers?.['x-amz-target'] ?? '?';
      ops.push(target.replace(/^DynamoDB_\d+\./, ''));
      return next(args);
    },
    { step: 'deserialize', name },
  );
  try {
    return { result: await fn(), ops };
  } finally {
    ddb().middlewareStack.remove(name);
  }
}

function withEnv(name: string, value: string) {
  const saved = process.env[name];
  process.env[name] = value;
  resetConfig();
  return () => {
    if (saved === undefined) delete process.env[name];
    else process.env[name] = saved;
    resetConfig();
  };
}

beforeAll(async () => {
  await useFreshTables();
  setMacKey(localMacKey('test'));
  setEventBus({
    publish: async (e) => {
      events.push(...e);
    },
  });
  await addRts(RTS);
});

afterAll(() => {
  setMacKey(undefined);
  setEventBus(undefined);
});

describe('issuing a letter', () => {
  it('writes exactly the letter, its code, the counts, the limit, the idempotency and audit records, the resident, the period and the aggregates', async () => {
    const rt = await freshRt();
    const chair = chairOf(rt.rt);
    const input = form({ phone: '0812-5555-0001', kk: '1571010101019999', facility: 'Puskesmas Koni' });
    const key = randomUUID();
    const before = await snapshot();
    const out = await issue(chair, input, key);
    const after = await snapshot();
    const d = diff(before, after);
    const { id, issuedAt } = out.result;
    const month = monthWib(issuedAt);
    const hash = codeHash(out.code);

    expect(out.replayed).toBe(false);
    expect(out.code).toBe(await verifyCode(id));
    expect(out.result).toMatchObject({
      status: 'PENDING_REVIEW',
      registered: true,
      resident: { nik: input.nik, name: input.name, rt: rt.rt },
      coverage: {
        nik: input.nik,
        covered: true,
        status: 'ACTIVE',
        scheme: 'PBI_APBD',
        source: 'ATTESTATION',
      },
    });

    expect([...d.attestations.added.keys()].sort()).toEqual(
      [
        `ATT#${id}|ATT`,
        `CODE#${hash}|CODE`,
        `COUNT#${month}|${rt.rt}`,
        `LIMIT#${chair.sub}|${dayWib(issuedAt)}`,
        `LIMIT#RT#${rt.rt}|${dayWib(issuedAt)}`,
      ].sort(),
    );
    expect(d.attestations.added.get(`ATT#${id}|ATT`)).toMatchObject({
      id,
      status: 'PENDING_REVIEW',
      rt: rt.rt,
      kelurahan: rt.kelurahan,
      resident: { nik: input.nik, name: input.name, kk: '1571010101019999' },
      facility: 'Puskesmas Koni',
      issuedBy: chair.sub,
      registered: true,
      codeHash: hash,
      gsi1pk: 'ST#PENDING_REVIEW',
      gsi1sk: `${issuedAt}#${id}`,
      gsi2pk: `RT#${rt.rt}`,
      gsi2sk: `${issuedAt}#${id}`,
    });
    const codeItem = d.attestations.added.get(`CODE#${hash}|CODE`)!;
    expect(codeItem).toEqual({
      pk: `CODE#${hash}`,
      sk: 'CODE',
      attestationId: id,
      status: 'PENDING_REVIEW',
      issuedAt,
      rt: rt.rt,
      maskedName: 'B*** S***',
    });
    expect(d.attestations.added.get(`COUNT#${month}|${rt.rt}`)).toMatchObject({ issued: 1, pending: 1 });
    const limit = d.attestations.added.get(`LIMIT#${chair.sub}|${dayWib(issuedAt)}`)!;
    expect(limit.issued).toBe(1);
    // Expires by TTL once its day is over, within days: not one item per chair per day for ever.
    const endOfDay = Date.parse(`${dayWib(issuedAt)}T24:00:00+07:00`);
    expect(Number(limit.expiresAt) * 1000).toBeGreaterThan(endOfDay);
    expect(Number(limit.expiresAt) * 1000).toBeLessThan(Date.parse(issuedAt) + 7 * 86_400_000);

    const idem = [...d.idempotency.added.values()];
    expect(idem).toHaveLength(1);
    expect(idem[0]).toMatchObject({
      id: idempotencyId('attestation', chair, key),
      requestHash: requestHash(input),
      status: 'COMPLETED',
      result: { id, issuedAt },
    });
    expect(Number(idem[0]!.expiration)).toBeGreaterThan(Date.now() / 1000 + 29 * 86_400);

    const audits = [...d.audit.added.values()];
    expect(audits.map((a) => `${a.pk} ${a.action}`).sort()).toEqual([
      `ATT#${id} AttestationIssued`,
      `RES#${input.nik} ResidentRegistered`,
    ]);
    for (const a of audits) expect(a).toMatchObject({ actor: { sub: chair.sub, rt: rt.rt }, at: issuedAt });

    const periodSk = (d.registry.added.get(`RES#${input.nik}|PROFILE`)!.coverage as { periodSk: string })
      .periodSk;
    expect([...d.registry.added.keys()].filter((k) => k.startsWith('RES#')).sort()).toEqual([
      `RES#${input.nik}|${periodSk}`,
      `RES#${input.nik}|PROFILE`,
    ]);
    expect(d.registry.added.get(`RES#${input.nik}|PROFILE`)).toMatchObject({
      rt: rt.rt,
      phone: '+6281255550001',
      lowIncome: true,
      coverage: { scheme: 'PBI_APBD', status: 'ACTIVE', source: 'ATTESTATION', since: issuedAt },
    });
    // The aggregates: one more resident, enrolled and active, in the kelurahan; one more on this month's bill.
    const agg = (k: string) => {
      const was = before.registry.get(k) ?? {};
      const now = after.registry.get(k) ?? {};
      return (f: string) => Number(now[f] ?? 0) - Number(was[f] ?? 0);
    };
    const uhc = agg(`AGG#UHC|${rt.kelurahan}`);
    expect([uhc('residents'), uhc('covered'), uhc('active')]).toEqual([1, 1, 1]);
    expect(agg(`AGG#PBI_APBD|${month}`)('delta')).toBe(1);
    // And one more resident in the RT's count in the directory.
    expect(agg(`RT|${rt.rt}`)('residents')).toBe(1);
    const registryTouched = [...d.registry.added.keys(), ...d.registry.changed.keys()].sort();
    expect(registryTouched).toEqual(
      [
        `RES#${input.nik}|PROFILE`,
        `RES#${input.nik}|${periodSk}`,
        `AGG#UHC|${rt.kelurahan}`,
        `AGG#PBI_APBD|${month}`,
        `RT|${rt.rt}`,
      ].sort(),
    );
    // Nothing else anywhere: no other change, nothing removed.
    for (const t of Object.keys(TABLES) as TableName[]) expect(d[t].removed, t).toEqual([]);
    expect([
      ...d.attestations.changed.keys(),
      ...d.idempotency.changed.keys(),
      ...d.audit.changed.keys(),
    ]).toEqual([]);
    // The raw code is nowhere.
    for (const t of Object.keys(TABLES) as TableName[])
      for (const item of after[t].values()) expect(JSON.stringify(item)).not.toContain(out.code);
  });

  it('for a known resident of the RT: updates them (not a new registration) and counts only coverage', async () => {
    const rt = await freshRt();
    const chair = chairOf(rt.rt);
    const nik = newNik();
    await createResident(
      { nik, kk: '1571010101010002', name: 'Budi Santoso', birthDate: '1979-02-11', sex: 'M', rt: rt.rt },
      ctx(admin),
    );
    const before = await snapshot();
    const out = await issue(chair, form({ nik, phone: '081255550002' }));
    const d = diff(before, await snapshot());
    expect(out.result.registered).toBe(false);
    expect(d.registry.changed.has(`RES#${nik}|PROFILE`)).toBe(true);
    const [, now] = d.registry.changed.get(`RES#${nik}|PROFILE`)!;
    expect(now).toMatchObject({
      version: 2,
      phone: '+6281255550002',
      lowIncome: true,
      kk: '1571010101010002',
    });
    const [was, is] = d.registry.changed.get(`AGG#UHC|${rt.kelurahan}`)!;
    expect([is.residents, is.covered, is.active]).toEqual([
      was.residents,
      Number(was.covered) + 1,
      Number(was.active) + 1,
    ]);
    expect([...d.audit.added.values()].map((a) => a.action).sort()).toEqual([
      'AttestationIssued',
      'CoverageChanged',
    ]);
  });

  it('costs exactly one BatchGetItem and one TransactWriteItems; a replay one BatchGetItem and no write', async () => {
    const chair = chairOf((await freshRt()).rt);
    const input = form();
    const key = randomUUID();
    const first = await wireOps(() => issue(chair, input, key));
    expect(first.ops).toEqual(['BatchGetItem', 'TransactWriteItems']);
    const replay = await wireOps(() => issue(chair, input, key));
    expect(replay.ops).toEqual(['BatchGetItem']);
    expect(replay.result).toEqual({ ...first.result, replayed: true });
  });

  it('publishes AttestationIssued and CoverageChanged, both matching their contracts, without the phone', async () => {
    const rt = await freshRt();
    const chair = chairOf(rt.rt);
    const input = form({ phone: '081255550003' });
    const key = randomUUID();
    const start = events.length;
    const out = await issue(chair, input, key);
    const mine = events.slice(start);
    expect(mine.map((e) => `${e.source} ${e.detailType}`)).toEqual([
      `${ATTESTATION_SOURCE} ${ATTESTATION_ISSUED}`,
      `${REGISTRY_SOURCE} ${COVERAGE_CHANGED}`,
    ]);
    const issued = AttestationIssued.parse(mine[0]!.detail);
    expect(issued).toEqual({
      id: out.result.id,
      nik: input.nik,
      rt: rt.rt,
      kelurahan: rt.kelurahan,
      issuedBy: chair.sub,
      at: out.result.issuedAt,
      registered: true,
      coverage: { scheme: 'PBI_APBD', status: 'ACTIVE', since: out.result.issuedAt },
    });
    const changed = CoverageChanged.parse(mine[1]!.detail);
    expect(changed).toMatchObject({
      nik: input.nik,
      rt: rt.rt,
      before: null,
      after: { scheme: 'PBI_APBD', status: 'ACTIVE' },
      source: 'ATTESTATION',
      at: out.result.issuedAt,
      actor: chair.sub,
    });
    expect(JSON.stringify(mine)).not.toContain('81255550003');

    // A replay, or a refused letter, publishes nothing; a rejection publishes the decision and the change.
    const replayStart = events.length;
    expect((await issue(chair, input, key)).replayed).toBe(true);
    await expect(issue(chair, input)).rejects.toBeInstanceOf(Conflict);
    expect(events.slice(replayStart)).toEqual([]);
    const decideStart = events.length;
    await decideAttestation(out.result.id, { decision: 'REJECTED', note: 'Tidak layak' }, ctx(verifier));
    const decided = events.slice(decideStart);
    expect(decided.map((e) => e.detailType)).toEqual([ATTESTATION_DECIDED, COVERAGE_CHANGED]);
    expect(AttestationDecided.parse(decided[0]!.detail)).toMatchObject({
      id: out.result.id,
      decision: 'REJECTED',
      decidedBy: verifier.sub,
      coverageClosed: true,
    });
    expect(CoverageChanged.parse(decided[1]!.detail)).toMatchObject({
      before: { scheme: 'PBI_APBD', status: 'ACTIVE' },
      after: { scheme: 'PBI_APBD', status: 'INACTIVE' },
      source: 'ATTESTATION_REJECTED',
    });
    // An approval publishes the decision only.
    const other = await issue(chair, form());
    const approveStart = events.length;
    await decideAttestation(other.result.id, { decision: 'APPROVED', note: 'Layak' }, ctx(verifier));
    const approved = events.slice(approveStart);
    expect(approved.map((e) => e.detailType)).toEqual([ATTESTATION_DECIDED]);
    expect(AttestationDecided.parse(approved[0]!.detail).coverageClosed).toBe(false);
  });
});

describe('the daily letter limit', () => {
  it('counts per RT, whichever of its accounts issues, and keeps each account’s own count', async () => {
    const restore = withEnv('ATTESTATION_DAILY_LIMIT', '2');
    try {
      const rt = await freshRt();
      const [first, second] = [chairOf(rt.rt), chairOf(rt.rt)];
      await issue(first, form());
      await issue(second, form());
      for (const chair of [first, second, chairOf(rt.rt)]) {
        const error = await issue(chair, form()).catch((e: unknown) => e);
        expect(error).toMatchObject({ status: 429, code: 'DailyLimitReached', details: { limit: 2 } });
      }
      // Another RT's chair is not held back by this RT's count.
      const other = await freshRt();
      await expect(issue(chairOf(other.rt), form())).resolves.toMatchObject({ replayed: false });
      const day = dayWib(new Date().toISOString());
      const issuedBy = async (pk: string) =>
        (await ddb().send(new GetCommand({ TableName: tableName('attestations'), Key: { pk, sk: day } })))
          .Item?.issued;
      expect(await issuedBy(`LIMIT#RT#${rt.rt}`)).toBe(2);
      expect([await issuedBy(`LIMIT#${first.sub}`), await issuedBy(`LIMIT#${second.sub}`)]).toEqual([1, 1]);
    } finally {
      restore();
    }
  });
});

describe('nothing half-written', () => {
  it('leaves every table as it was when the daily limit refuses a letter', async () => {
    const restore = withEnv('ATTESTATION_DAILY_LIMIT', '1');
    try {
      const rt = await freshRt();
      const chair = chairOf(rt.rt);
      await issue(chair, form());
      const before = await snapshot();
      const eventsBefore = events.length;
      const refused = form();
      const error = await issue(chair, refused).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(TooManyRequests);
      expect(error).toMatchObject({ status: 429, code: 'DailyLimitReached', details: { limit: 1 } });
      expect(await snapshot()).toEqual(before);
      expect(events.length).toBe(eventsBefore);
      expect(await getResident(refused.nik)).toBeUndefined();
      expect(
        (await countsByRt(monthWib(new Date().toISOString()))).find((c) => c.rt === rt.rt),
      ).toMatchObject({
        issued: 1,
        pending: 1,
      });
    } finally {
      restore();
    }
  });

  it('leaves every table as it was when the chair’s RT is not in the city, or the request is refused', async () => {
    const rt = await freshRt();
    const chair = chairOf(rt.rt);
    const done = form();
    const key = randomUUID();
    await issue(chair, done, key);
    const elsewhere = await freshRt();
    const foreign = form();
    await issue(chairOf(elsewhere.rt), foreign);
    const before = await snapshot();

    // The chair's RT code is well formed but not registered: the transaction fails at its last check.
    const stray = chairOf('1571011012-999-999');
    await expect(issue(stray, form())).rejects.toBeInstanceOf(Forbidden);
    // Same key, another body.
    await expect(issue(chair, form(), key)).rejects.toBeInstanceOf(IdempotencyKeyReused);
    // Already active.
    await expect(issue(chair, done)).rejects.toBeInstanceOf(Conflict);
    // Registered in another RT.
    await expect(issue(chair, foreign)).rejects.toBeInstanceOf(Forbidden);
    // No RT on the account at all.
    await expect(issue({ sub: 'x', roles: ['rt_chair'] }, form())).rejects.toBeInstanceOf(Forbidden);
    expect(await snapshot()).toEqual(before);
  });
});

describe('deciding, verifying and the review', () => {
  it('decides once; an unknown letter is NotFound; the code verifies with the status of the day', async () => {
    const chair = chairOf((await freshRt()).rt);
    const out = await issue(chair, form({ name: 'Siti Wulandari' }));
    expect(await verifyByCode(out.code)).toEqual({
      valid: true,
      status: 'PENDING_REVIEW',
      issuedAt: out.result.issuedAt,
      rt: chair.rt,
      name: 'S*** W***',
    });
    const decided = await decideAttestation(
      out.result.id,
      { decision: 'APPROVED', note: 'Layak' },
      ctx(verifier),
    );
    expect(decided).toMatchObject({ coverageClosed: false, coverage: { status: 'ACTIVE' } });
    await expect(
      decideAttestation(out.result.id, { decision: 'REJECTED', note: 'Ganti pikiran' }, ctx(verifier)),
    ).rejects.toBeInstanceOf(Conflict);
    expect((await verifyByCode(out.code))?.status).toBe('APPROVED');
    expect((await getAttestation(out.result.id))?.status).toBe('APPROVED');
    await expect(
      decideAttestation(randomUUID(), { decision: 'APPROVED', note: 'Layak' }, ctx(verifier)),
    ).rejects.toBeInstanceOf(NotFound);
    expect(await verifyByCode('A'.repeat(27))).toBeUndefined();
    const trail = await auditTrail(out.result.id);
    expect(trail.map((a) => a.action)).toEqual(['AttestationIssued', 'AttestationDecided']);
    expect(trail[0]).not.toHaveProperty('pk');
  });

  it('finds letters pending since before a cutoff, oldest first, and claims a reminder day once', async () => {
    const chair = chairOf((await freshRt()).rt);
    const a = await issue(chair, form());
    await new Promise((r) => setTimeout(r, 5));
    const b = await issue(chair, form());
    const later = new Date(Date.now() + 60_000).toISOString();
    const pending = (await pendingSince(later)).map((x) => x.id);
    expect(pending).toEqual(expect.arrayContaining([a.result.id, b.result.id]));
    expect(pending.indexOf(a.result.id)).toBeLessThan(pending.indexOf(b.result.id));
    expect((await pendingSince(a.result.issuedAt)).map((x) => x.id)).not.toContain(a.result.id);
    await decideAttestation(a.result.id, { decision: 'APPROVED', note: 'Layak' }, ctx(verifier));
    expect((await pendingSince(later)).map((x) => x.id)).not.toContain(a.result.id);

    const job = `test-job-${randomUUID()}`;
    const at = new Date().toISOString();
    const claims = await Promise.all([1, 2, 3].map(() => claimReminderDay(job, '2099-01-01', at)));
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect(await claimReminderDay(job, '2099-01-01', at)).toBe(false);
    expect(await claimReminderDay(job, '2099-01-02', at)).toBe(true);
  });
});

describe('counts stay true to the letters', () => {
  type Op =
    | { kind: 'issue'; person: number; chair: number }
    | { kind: 'replay'; which: number }
    | { kind: 'reuse'; which: number; person: number }
    | { kind: 'decide'; which: number; decision: 'APPROVED' | 'REJECTED' }
    /** Letters for one person from both chairs at once, and both decisions on one letter at once. */
    | { kind: 'race'; person: number; which: number };

  const op: fc.Arbitrary<Op> = fc.oneof(
    {
      weight: 4,
      arbitrary: fc.record({ kind: fc.constant('issue' as const), person: fc.nat(3), chair: fc.nat(1) }),
    },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('replay' as const), which: fc.nat(20) }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('reuse' as const), which: fc.nat(20), person: fc.nat(3) }),
    },
    {
      weight: 3,
      arbitrary: fc.record({
        kind: fc.constant('decide' as const),
        which: fc.nat(20),
        decision: fc.constantFrom('APPROVED' as const, 'REJECTED' as const),
      }),
    },
    {
      weight: 2,
      arbitrary: fc.record({ kind: fc.constant('race' as const), person: fc.nat(3), which: fc.nat(20) }),
    },
  );

  it('keeps issued = pending + approved + rejected per RT, equal to the letters listed, under issues, replays and decisions', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(op, { minLength: 1, maxLength: 12 }), async (ops) => {
        const rt = await freshRt();
        const chairs = [chairOf(rt.rt), chairOf(rt.rt)];
        const people = Array.from({ length: 4 }, () => form());
        // The model: each person's coverage, each key's recorded letter, each letter's status.
        const activeBy = new Map<number, string>();
        const keyed = new Map<string, { id: string; chair: number; person: number }>();
        const sent: { key: string; chair: number; person: number }[] = [];
        const status = new Map<string, 'PENDING_REVIEW' | 'APPROVED' | 'REJECTED'>();
        const letters: string[] = [];

        const attempt = async (key: string, chair: number, person: number) => {
          sent.push({ key, chair, person });
          const scoped = `${chair}|${key}`;
          const recorded = keyed.get(scoped);
          const result = await issue(chairs[chair]!, people[person]!, key).catch((e: unknown) => e);
          if (recorded) {
            if (recorded.person !== person) return expect(result).toBeInstanceOf(IdempotencyKeyReused);
            return expect(result).toMatchObject({ replayed: true, result: { id: recorded.id } });
          }
          if (activeBy.has(person)) return expect(result).toBeInstanceOf(Conflict);
          expect(result).toMatchObject({ replayed: false });
          const id = (result as { result: { id: string } }).result.id;
          keyed.set(scoped, { id, chair, person });
          activeBy.set(person, id);
          status.set(id, 'PENDING_REVIEW');
          letters.push(id);
        };

        for (const o of ops) {
          if (o.kind === 'issue') await attempt(randomUUID(), o.chair, o.person);
          else if (o.kind === 'replay' && sent.length) {
            const s = sent[o.which % sent.length]!;
            await attempt(s.key, s.chair, s.person);
          } else if (o.kind === 'reuse' && sent.length) {
            const s = sent[o.which % sent.length]!;
            await attempt(s.key, s.chair, o.person);
          } else if (o.kind === 'decide' && letters.length) {
            const id = letters[o.which % letters.length]!;
            const result = await decideAttestation(
              id,
              { decision: o.decision, note: 'Dicek acak' },
              ctx(verifier),
            ).catch((e: unknown) => e);
            if (status.get(id) !== 'PENDING_REVIEW') {
              expect(result).toBeInstanceOf(Conflict);
              continue;
            }
            expect(result).toMatchObject({ coverageClosed: o.decision === 'REJECTED' });
            status.set(id, o.decision);
            if (o.decision === 'REJECTED')
              for (const [person, active] of activeBy) if (active === id) activeBy.delete(person);
          } else if (o.kind === 'race') {
            const wasActive = activeBy.has(o.person);
            const keys = [randomUUID(), randomUUID(), randomUUID()];
            const results = await Promise.all(
              keys.map((key, i) => issue(chairs[i % 2]!, people[o.person]!, key).catch((e: unknown) => e)),
            );
            const won = results.flatMap((r, i) => (r instanceof Error ? [] : [{ r, i }]));
            expect(won).toHaveLength(wasActive ? 0 : 1);
            for (const r of results) if (r instanceof Error) expect(r).toBeInstanceOf(Conflict);
            for (const { r, i } of won) {
              const id = (r as { result: { id: string } }).result.id;
              keyed.set(`${i % 2}|${keys[i]}`, { id, chair: i % 2, person: o.person });
              activeBy.set(o.person, id);
              status.set(id, 'PENDING_REVIEW');
              letters.push(id);
            }
            keys.forEach((key, i) => {
              sent.push({ key, chair: i % 2, person: o.person });
            });
            if (!letters.length) continue;
            const id = letters[o.which % letters.length]!;
            const decisions = ['APPROVED', 'REJECTED'] as const;
            const outcomes = await Promise.all(
              decisions.map((decision) =>
                decideAttestation(id, { decision, note: 'Diputus bersamaan' }, ctx(verifier)).catch(
                  (e: unknown) => e,
                ),
              ),
            );
            const ok = outcomes.flatMap((r, i) => (r instanceof Error ? [] : [decisions[i]!]));
            for (const r of outcomes) if (r instanceof Error) expect(r).toBeInstanceOf(Conflict);
            if (status.get(id) !== 'PENDING_REVIEW') {
              expect(ok).toEqual([]);
              continue;
            }
            expect(ok).toHaveLength(1);
            status.set(id, ok[0]!);
            if (ok[0] === 'REJECTED')
              for (const [person, active] of activeBy) if (active === id) activeBy.delete(person);
          }
        }

        const listed = (await listAttestations({ rt: rt.rt, order: 'newest', limit: 100 })).items;
        const counted = (await countsByRt(monthWib(new Date().toISOString()))).find(
          (c) => c.rt === rt.rt,
        ) ?? {
          rt: rt.rt,
          issued: 0,
          pending: 0,
          approved: 0,
          rejected: 0,
        };
        expect(counted.issued).toBe(counted.pending + counted.approved + counted.rejected);
        expect(counted.issued).toBe(listed.length);
        const byStatus = (s: string, from: Iterable<string>) => [...from].filter((x) => x === s).length;
        const model = [...status.values()];
        expect(counted).toEqual({
          rt: rt.rt,
          issued: letters.length,
          pending: byStatus('PENDING_REVIEW', model),
          approved: byStatus('APPROVED', model),
          rejected: byStatus('REJECTED', model),
        });
        expect(listed.map((a) => a.id).sort()).toEqual([...letters].sort());
        for (const a of listed) expect(a.status).toBe(status.get(a.id));
        // Each person is covered exactly when the model says a letter of theirs is standing.
        for (const [i, p] of people.entries()) {
          const r = await getResident(p.nik);
          expect(r?.coverage?.status === 'ACTIVE').toBe(activeBy.has(i));
        }
      }),
      { numRuns: 15 },
    );
  });
});
