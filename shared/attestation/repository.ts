// The attestation capability's DynamoDB access: issuing a letter (with its coverage, counts, daily limit,
// verification code, audit record and idempotency record in one transaction), deciding on it, and the reads
// the chairs, verifiers and the public make (see shared/platform/tables.ts for the key design).
import { randomUUID } from 'node:crypto';
import {
  BatchGetCommand,
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import {
  ATTESTATION_DECIDED,
  ATTESTATION_ISSUED,
  ATTESTATION_SOURCE,
  type AttestationDecided,
  type AttestationIssued,
} from '#events/attestation.ts';
import { COVERAGE_CHANGED, type CoverageChanged, REGISTRY_SOURCE } from '#events/registry.ts';
import { auditPut } from '#shared/platform/audit.ts';
import type { Principal } from '#shared/platform/auth.ts';
import { type AppEvent, publishEvents } from '#shared/platform/bus.ts';
import { config } from '#shared/platform/config.ts';
import { cancellationReasons, ddb, queryAll } from '#shared/platform/dynamo.ts';
import {
  Conflict,
  Forbidden,
  IdempotencyKeyReused,
  NotFound,
  TooManyRequests,
  ValidationError,
} from '#shared/platform/errors.ts';
import { type IdempotencyRecord, idempotencyPut } from '#shared/platform/idempotency.ts';
import { logger } from '#shared/platform/logger.ts';
import { tableName } from '#shared/platform/tables.ts';
import { kelurahanOfRt } from '#shared/registry/regions.ts';
import {
  getResident,
  planCoverageChange,
  residentFromItem,
  residentKey,
  type TransactItem,
  transact,
  type WriteContext,
} from '#shared/registry/repository.ts';
import { type CoverageView, coverageView, monthWib } from '#shared/registry/rules.ts';
import type { Resident } from '#shared/registry/schemas.ts';
import { codeHash, verifyCode } from './codes.ts';
import type { Attestation, AttestationStatus, DecisionInput, NewAttestation } from './schemas.ts';
import { maskName } from './text.ts';

const T = () => tableName('attestations');
const attestationKey = (id: string) => ({ pk: `ATT#${id}`, sk: 'ATT' });
const codeKey = (hash: string) => ({ pk: `CODE#${hash}`, sk: 'CODE' });
/** Idempotency records of issued letters outlive a chair's longest plausible time without signal. */
const IDEMPOTENCY_DAYS = 30;
const ATTEMPTS = 5;

/** The WIB calendar day of an instant, YYYY-MM-DD. */
export const dayWib = (iso: string) => new Date(Date.parse(iso) + 7 * 3600_000).toISOString().slice(0, 10);

function attestationItem(a: Attestation): Record<string, unknown> {
  return {
    ...attestationKey(a.id),
    ...a,
    gsi1pk: `ST#${a.status}`,
    gsi1sk: `${a.issuedAt}#${a.id}`,
    gsi2pk: `RT#${a.rt}`,
    gsi2sk: `${a.issuedAt}#${a.id}`,
  };
}

function fromItem(item: Record<string, unknown>): Attestation {
  const { pk: _p, sk: _s, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...rest } = item;
  return rest as unknown as Attestation;
}

/** What an issue returns, and what its idempotency record keeps to answer a replay the same way. */
export interface IssueResult {
  id: string;
  issuedAt: string;
  status: AttestationStatus;
  registered: boolean;
  resident: { nik: string; name: string; rt: string };
  coverage: CoverageView;
}

export interface Issued {
  result: IssueResult;
  /** The raw verification code (never stored). */
  code: string;
  replayed: boolean;
}

/** The chair's request, as issueAttestation needs it. */
export interface IssueRequest {
  input: NewAttestation;
  /** The fingerprint of the request body and the id of its idempotency record. */
  requestHash: string;
  idempotencyId: string;
}

async function readForIssue(nik: string, idempotencyId: string) {
  const out = await ddb().send(
    new BatchGetCommand({
      RequestItems: {
        [tableName('registry')]: { Keys: [residentKey(nik)], ConsistentRead: true },
        [tableName('idempotency')]: { Keys: [{ id: idempotencyId }], ConsistentRead: true },
      },
    }),
  );
  // Two small items never come back unprocessed but under throttling; then read them one by one.
  if (Object.keys(out.UnprocessedKeys ?? {}).length) {
    const [resident, record] = await Promise.all([
      ddb().send(
        new GetCommand({ TableName: tableName('registry'), Key: residentKey(nik), ConsistentRead: true }),
      ),
      ddb().send(
        new GetCommand({
          TableName: tableName('idempotency'),
          Key: { id: idempotencyId },
          ConsistentRead: true,
        }),
      ),
    ]);
    return { resident: resident.Item, record: record.Item };
  }
  return {
    resident: out.Responses?.[tableName('registry')]?.[0],
    record: out.Responses?.[tableName('idempotency')]?.[0],
  };
}

async function replay(record: Record<string, unknown>, requestHash: string): Promise<Issued> {
  const stored = record as unknown as IdempotencyRecord<IssueResult>;
  if (stored.requestHash !== requestHash) throw new IdempotencyKeyReused();
  return { result: stored.result, code: await verifyCode(stored.result.id), replayed: true };
}

/**
 * Issues an RT chair's letter: registers the resident in the chair's RT when unknown, opens an ACTIVE
 * PBI_APBD period at once, and writes the letter, its verification code, the counts, the chair's daily
 * count, the audit records and the idempotency record in one transaction. A replay answers the same.
 */
export async function issueAttestation(
  chair: Principal,
  req: IssueRequest,
  ctx: WriteContext,
): Promise<Issued> {
  const rt = chair.rt;
  if (!rt) throw new Forbidden('Your account is not linked to an RT (custom:rt)');
  const { input } = req;
  for (let attempt = 1; ; attempt++) {
    const now = attempt === 1 ? ctx.now : new Date().toISOString();
    const id = randomUUID();
    // The code is derived (KMS in AWS) while the reads are under way: neither waits for the other.
    const [{ resident: residentItem, record }, code] = await Promise.all([
      readForIssue(input.nik, req.idempotencyId),
      verifyCode(id),
    ]);
    if (record) return replay(record, req.requestHash);
    const before = residentItem ? residentFromItem(residentItem) : undefined;
    if (before && before.rt !== rt) {
      throw new Forbidden(
        'This resident is registered in another RT; their own RT chair must issue the letter',
      );
    }
    if (before?.coverage?.status === 'ACTIVE') {
      throw new Conflict('This resident already has active coverage', {
        coverage: coverageView(before.nik, before.coverage),
      });
    }
    const registering = !before;
    const base: Resident = before ?? {
      nik: input.nik,
      ...(input.kk ? { kk: input.kk } : {}),
      name: input.name,
      birthDate: input.birthDate,
      sex: input.sex,
      rt,
      kelurahan: kelurahanOfRt(rt),
      lowIncome: true,
      smsConsent: input.smsConsent ?? false,
      coverage: null,
      version: 0,
      createdAt: now,
      updatedAt: now,
    };
    const plan = planCoverageChange(
      base,
      {
        scheme: 'PBI_APBD',
        status: 'ACTIVE',
        reason: `Surat keterangan RT: ${input.reason}`,
        source: 'ATTESTATION',
      },
      { ...ctx, now },
      {
        register: registering,
        profile: {
          lowIncome: true,
          ...(input.phone && !before?.phone ? { phone: input.phone } : {}),
        },
      },
    );
    const issuedAt = plan.after.coverage!.since;
    const attestation: Attestation = {
      id,
      status: 'PENDING_REVIEW',
      rt,
      kelurahan: base.kelurahan,
      resident: {
        nik: input.nik,
        name: input.name,
        birthDate: input.birthDate,
        sex: input.sex,
        ...(input.kk ? { kk: input.kk } : {}),
      },
      reason: input.reason,
      ...(input.facility ? { facility: input.facility } : {}),
      issuedAt,
      issuedBy: chair.sub,
      registered: registering,
      periodSk: plan.after.coverage!.periodSk,
      codeHash: codeHash(code),
    };
    const result: IssueResult = {
      id,
      issuedAt,
      status: 'PENDING_REVIEW',
      registered: registering,
      resident: { nik: input.nik, name: plan.after.name, rt },
      coverage: coverageView(input.nik, plan.after.coverage),
    };
    const day = dayWib(issuedAt);
    const limit = config().ATTESTATION_DAILY_LIMIT;
    const own: TransactItem[] = [
      idempotencyPut(
        { id: req.idempotencyId, requestHash: req.requestHash, result, createdAt: issuedAt },
        IDEMPOTENCY_DAYS,
      ),
      {
        Update: {
          TableName: T(),
          Key: { pk: `LIMIT#${chair.sub}`, sk: day },
          UpdateExpression: 'ADD issued :one SET expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(issued) OR issued < :limit',
          ExpressionAttributeValues: {
            ':one': 1,
            ':limit': limit,
            ':exp': Math.floor(Date.parse(issuedAt) / 1000) + 3 * 86_400,
          },
        },
      },
      {
        Put: {
          TableName: T(),
          Item: attestationItem(attestation),
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      {
        Put: {
          TableName: T(),
          Item: {
            ...codeKey(attestation.codeHash),
            attestationId: id,
            status: attestation.status,
            issuedAt,
            rt,
            maskedName: maskName(input.name),
          },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      countUpdate(monthWib(issuedAt), rt, { issued: 1, pending: 1 }),
      auditPut({
        entity: `ATT#${id}`,
        action: 'AttestationIssued',
        actor: ctx.actor,
        at: issuedAt,
        requestId: ctx.requestId,
        reason: input.reason,
        after: { status: attestation.status, rt, registered: registering, facility: input.facility },
      }),
    ];
    try {
      await transact([...own, ...plan.items]);
    } catch (error) {
      const reasons = cancellationReasons(error);
      if (!reasons) throw error;
      if (reasons[0] === 'ConditionalCheckFailed') {
        // The same key committed meanwhile (a double tap, a queue flushed twice): answer as it did.
        const again = await readForIssue(input.nik, req.idempotencyId);
        if (again.record) return replay(again.record, req.requestHash);
      }
      if (reasons[1] === 'ConditionalCheckFailed') {
        throw new TooManyRequests(
          'DailyLimitReached',
          `An RT chair may issue at most ${limit} letters a day; try again tomorrow or ask Dinas Sosial`,
          { limit },
        );
      }
      const registryCheck = reasons.slice(own.length);
      if (registering && registryCheck[1] === 'ConditionalCheckFailed') {
        throw new Forbidden(`Your RT (${rt}) is not registered in this city`);
      }
      // The resident changed (or was registered) meanwhile: decide again on what is there now.
      if (registryCheck.includes('ConditionalCheckFailed') && attempt < ATTEMPTS) continue;
      throw error;
    }
    await announce([
      event<AttestationIssued>(ATTESTATION_ISSUED, {
        id,
        nik: input.nik,
        rt,
        kelurahan: base.kelurahan,
        issuedBy: chair.sub,
        at: issuedAt,
        registered: registering,
        coverage: { scheme: 'PBI_APBD', status: 'ACTIVE', since: issuedAt },
      }),
      coverageEvent(plan.event),
    ]);
    return { result, code, replayed: false };
  }
}

function countUpdate(
  month: string,
  rt: string,
  delta: Partial<Record<'issued' | AttestationCountField, number>>,
) {
  const fields = Object.entries(delta);
  return {
    Update: {
      TableName: T(),
      Key: { pk: `COUNT#${month}`, sk: rt },
      UpdateExpression: `ADD ${fields.map(([k]) => `${k} :${k}`).join(', ')}`,
      ExpressionAttributeValues: Object.fromEntries(fields.map(([k, v]) => [`:${k}`, v])),
    },
  } satisfies TransactItem;
}

type AttestationCountField = 'pending' | 'approved' | 'rejected';

const event = <D>(detailType: string, detail: D): AppEvent => ({
  source: ATTESTATION_SOURCE,
  detailType,
  detail: detail as Record<string, unknown>,
});
const coverageEvent = (detail: CoverageChanged): AppEvent => ({
  source: REGISTRY_SOURCE,
  detailType: COVERAGE_CHANGED,
  detail: detail as unknown as Record<string, unknown>,
});

/** Published after the commit; a lost event costs an SMS, never the coverage or the letter. */
async function announce(events: AppEvent[]): Promise<void> {
  try {
    await publishEvents(events);
  } catch (error) {
    logger.error('attestation events not published', { error });
  }
}

export async function getAttestation(id: string): Promise<Attestation | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: attestationKey(id), ConsistentRead: true }),
  );
  return out.Item ? fromItem(out.Item) : undefined;
}

/**
 * Dinas Sosial's decision. Approved: the coverage stays. Rejected: the coverage period the letter opened is
 * closed (INACTIVE; the history keeps it) while it is still the resident's current one. Decided once.
 */
export async function decideAttestation(
  id: string,
  input: DecisionInput,
  ctx: WriteContext,
): Promise<{ attestation: Attestation; coverageClosed: boolean; coverage: CoverageView }> {
  for (let attempt = 1; ; attempt++) {
    const now = attempt === 1 ? ctx.now : new Date().toISOString();
    const att = await getAttestation(id);
    if (!att) throw new NotFound('No attestation with this id');
    if (att.status !== 'PENDING_REVIEW') {
      throw new Conflict(`This attestation was already decided: ${att.status}`, { decision: att.decision });
    }
    const resident = await getResident(att.resident.nik);
    const closes = input.decision === 'REJECTED' && resident?.coverage?.periodSk === att.periodSk;
    const plan =
      closes && resident
        ? planCoverageChange(
            resident,
            {
              scheme: 'PBI_APBD',
              status: 'INACTIVE',
              reason: `Surat keterangan RT ditolak: ${input.note}`,
              source: 'ATTESTATION_REJECTED',
            },
            { ...ctx, now },
          )
        : undefined;
    const at = plan?.after.coverage?.since ?? now;
    const decision = { decision: input.decision, note: input.note, by: ctx.actor.sub, at };
    const field = input.decision === 'APPROVED' ? 'approved' : 'rejected';
    const items: TransactItem[] = [
      {
        Update: {
          TableName: T(),
          Key: attestationKey(id),
          UpdateExpression: 'SET #status = :status, gsi1pk = :gsi1pk, decision = :decision',
          ConditionExpression: '#status = :pending',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: {
            ':status': input.decision,
            ':gsi1pk': `ST#${input.decision}`,
            ':decision': decision,
            ':pending': 'PENDING_REVIEW',
          },
        },
      },
      {
        Update: {
          TableName: T(),
          Key: codeKey(att.codeHash),
          UpdateExpression: 'SET #status = :status',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':status': input.decision },
        },
      },
      countUpdate(monthWib(att.issuedAt), att.rt, { pending: -1, [field]: 1 }),
      auditPut({
        entity: `ATT#${id}`,
        action: 'AttestationDecided',
        actor: ctx.actor,
        at,
        requestId: ctx.requestId,
        reason: input.note,
        before: { status: att.status },
        after: { status: input.decision, coverageClosed: closes },
      }),
      ...(plan?.items ?? []),
    ];
    try {
      await transact(items);
    } catch (error) {
      const reasons = cancellationReasons(error);
      // Decided meanwhile, or the resident changed meanwhile: look again.
      if (reasons?.includes('ConditionalCheckFailed') && attempt < ATTEMPTS) continue;
      throw error;
    }
    const decided: Attestation = { ...att, status: input.decision, decision };
    const events = [
      event<AttestationDecided>(ATTESTATION_DECIDED, {
        id,
        nik: att.resident.nik,
        rt: att.rt,
        decision: input.decision,
        decidedBy: ctx.actor.sub,
        at,
        coverageClosed: closes,
      }),
    ];
    if (plan) events.push(coverageEvent(plan.event));
    await announce(events);
    const coverage = plan?.after.coverage ?? resident?.coverage ?? null;
    return {
      attestation: decided,
      coverageClosed: closes,
      coverage: coverageView(att.resident.nik, coverage),
    };
  }
}

export interface Page<T> {
  items: T[];
  cursor: string | null;
}

export interface ListQuery {
  status?: AttestationStatus;
  rt?: string;
  order: 'newest' | 'oldest';
  limit: number;
  cursor?: string;
}

/**
 * One RT's letters (index gsi2, newest first, the status as a filter: an RT issues a few a day), or every
 * RT's letters in one status (index gsi1). The cursor is opaque to clients and checked to belong here.
 */
export async function listAttestations(q: ListQuery): Promise<Page<Attestation>> {
  const byRt = q.rt !== undefined;
  const index = byRt ? 'gsi2' : 'gsi1';
  const pk = byRt ? `RT#${q.rt}` : `ST#${q.status ?? 'PENDING_REVIEW'}`;
  let start = q.cursor ? decodeCursor(q.cursor, `${index}pk`, pk) : undefined;
  const items: Attestation[] = [];
  const input: QueryCommandInput = {
    TableName: T(),
    IndexName: index,
    KeyConditionExpression: `${index}pk = :pk`,
    ExpressionAttributeValues: { ':pk': pk, ...(byRt && q.status ? { ':status': q.status } : {}) },
    ...(byRt && q.status
      ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } }
      : {}),
    ScanIndexForward: q.order === 'oldest',
  };
  do {
    const out = await ddb().send(
      new QueryCommand({ ...input, Limit: q.limit - items.length, ExclusiveStartKey: start }),
    );
    items.push(...(out.Items ?? []).map(fromItem));
    start = out.LastEvaluatedKey;
  } while (start && items.length < q.limit);
  return { items, cursor: start ? encodeCursor(start) : null };
}

function encodeCursor(key: Record<string, unknown>): string {
  return Buffer.from(JSON.stringify(key)).toString('base64url');
}

function decodeCursor(cursor: string, pkName: string, pk: string): Record<string, unknown> {
  try {
    const key = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) as Record<string, unknown>;
    const index = pkName.slice(0, -2);
    // Exactly the key an index query returns: the table's key and the index's, all strings.
    const names = ['pk', 'sk', `${index}pk`, `${index}sk`];
    const shaped =
      Object.keys(key).sort().join() === [...names].sort().join() &&
      names.every((n) => typeof key[n] === 'string');
    if (shaped && key[pkName] === pk) return key;
  } catch {
    // fall through to the 400 below
  }
  throw ValidationError.field('cursor', 'is not a cursor this query returned');
}

export interface RtCounts {
  rt: string;
  issued: number;
  pending: number;
  approved: number;
  rejected: number;
}

/** Letters per RT in a WIB month (issued that month, and where their review stands). */
export async function countsByRt(month: string): Promise<RtCounts[]> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `COUNT#${month}` },
  });
  return items.map((item) => ({
    rt: String(item.sk),
    issued: Number(item.issued ?? 0),
    pending: Number(item.pending ?? 0),
    approved: Number(item.approved ?? 0),
    rejected: Number(item.rejected ?? 0),
  }));
}

/** What one chair issued on a WIB day. */
export async function issuedToday(chairSub: string, day: string): Promise<number> {
  const out = await ddb().send(new GetCommand({ TableName: T(), Key: { pk: `LIMIT#${chairSub}`, sk: day } }));
  return Number(out.Item?.issued ?? 0);
}

export interface Verification {
  valid: true;
  status: AttestationStatus;
  issuedAt: string;
  rt: string;
  name: string;
}

/** The public check behind the QR code: one GetItem by the code's hash; the name masked, never the NIK. */
export async function verifyByCode(code: string): Promise<Verification | undefined> {
  const out = await ddb().send(new GetCommand({ TableName: T(), Key: codeKey(codeHash(code)) }));
  if (!out.Item) return undefined;
  return {
    valid: true,
    status: out.Item.status as AttestationStatus,
    issuedAt: String(out.Item.issuedAt),
    rt: String(out.Item.rt),
    name: String(out.Item.maskedName),
  };
}

/** Letters pending since before `cutoff` (ISO), oldest first. */
export async function pendingSince(cutoff: string): Promise<Attestation[]> {
  const items = await queryAll({
    TableName: T(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :pk AND gsi1sk < :cutoff',
    ExpressionAttributeValues: { ':pk': 'ST#PENDING_REVIEW', ':cutoff': cutoff },
  });
  return items.map(fromItem);
}

/** Gives a day's claim back (the reminder could not be sent), so the scheduler's retry sends it. */
export async function releaseReminderDay(job: string, day: string): Promise<void> {
  await ddb().send(new DeleteCommand({ TableName: T(), Key: { pk: `REMINDER#${job}`, sk: day } }));
}

/** Once per day: false when this day's reminder was already sent. */
export async function claimReminderDay(job: string, day: string, at: string): Promise<boolean> {
  try {
    await ddb().send(
      new PutCommand({
        TableName: T(),
        Item: {
          pk: `REMINDER#${job}`,
          sk: day,
          at,
          expiresAt: Math.floor(Date.parse(at) / 1000) + 90 * 86_400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** An attestation's audit trail, oldest first. */
export async function auditTrail(id: string): Promise<Record<string, unknown>[]> {
  const items = await queryAll({
    TableName: tableName('audit'),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `ATT#${id}` },
  });
  return items.map(({ pk: _p, sk: _s, gsi1pk: _a, gsi1sk: _b, ...rest }) => rest);
}
