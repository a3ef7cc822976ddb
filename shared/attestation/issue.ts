// Issuing an RT chair's letter: one BatchGetItem (the resident and the idempotency record), then one
// transaction of the letter, its verification code's hash, the coverage (registering the resident if need be),
// the counts, the chair's daily count, the audit records and the idempotency record.
import { randomUUID } from 'node:crypto';
import { BatchGetCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { ATTESTATION_ISSUED, type AttestationIssued } from '#events/attestation.ts';
import { kelurahanOfRt } from '#shared/city/regions.ts';
import { auditPut } from '#shared/platform/audit.ts';
import type { Principal } from '#shared/platform/auth.ts';
import { config } from '#shared/platform/config.ts';
import { cancellationReasons, ddb } from '#shared/platform/dynamo.ts';
import { Conflict, Forbidden, IdempotencyKeyReused, TooManyRequests } from '#shared/platform/errors.ts';
import { type IdempotencyRecord, idempotencyPut } from '#shared/platform/idempotency.ts';
import { recordMetric } from '#shared/platform/metrics.ts';
import { tableName } from '#shared/platform/tables.ts';
import { dayWib } from '#shared/platform/wib.ts';
import {
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
import {
  ATTEMPTS,
  announce,
  attestationItem,
  codeKey,
  countUpdate,
  coverageEvent,
  event,
  T,
} from './repository.ts';
import type { Attestation, AttestationStatus, NewAttestation } from './schemas.ts';
import { maskName } from './text.ts';

/** Idempotency records of issued letters outlive a chair's longest plausible time without signal. */
const IDEMPOTENCY_DAYS = 30;

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
      // The two reads are not one snapshot: a request with this key may have committed between them, and then its
      // record answers. Read only on this path, which a first request never takes for a resident it activates.
      const again = await readForIssue(input.nik, req.idempotencyId);
      if (again.record) return replay(again.record, req.requestHash);
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
        letter: id,
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
    const expiresAt = Math.floor(Date.parse(issuedAt) / 1000) + 3 * 86_400;
    const own: TransactItem[] = [
      idempotencyPut(
        { id: req.idempotencyId, requestHash: req.requestHash, result, createdAt: issuedAt },
        IDEMPOTENCY_DAYS,
      ),
      // The daily limit is the RT's, whichever of its chairs' accounts issues; each account's own count is kept
      // beside it for the audit (which account issued how many).
      {
        Update: {
          TableName: T(),
          Key: { pk: `LIMIT#RT#${rt}`, sk: day },
          UpdateExpression: 'ADD issued :one SET expiresAt = :exp',
          ConditionExpression: 'attribute_not_exists(issued) OR issued < :limit',
          ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':exp': expiresAt },
        },
      },
      {
        Update: {
          TableName: T(),
          Key: { pk: `LIMIT#${chair.sub}`, sk: day },
          UpdateExpression: 'ADD issued :one SET expiresAt = :exp',
          ExpressionAttributeValues: { ':one': 1, ':exp': expiresAt },
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
          `An RT may issue at most ${limit} letters a day, all its chairs' accounts together; try again tomorrow or ask Dinas Sosial`,
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
    // Committed: a letter, and coverage that was not active before it (active coverage is refused above).
    recordMetric('AttestationIssued', 1);
    recordMetric('CoverageActivated', 1);
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
