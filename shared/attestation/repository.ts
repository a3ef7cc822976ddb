// The attestation capability's shared DynamoDB access: its keys and items, the counts, the events it
// publishes, and the reads the chairs, verifiers and the public make (see shared/platform/tables.ts for the
// key design). Issuing is in issue.ts, deciding in decide.ts, so each function bundles only what it runs.
import {
  DeleteCommand,
  GetCommand,
  PutCommand,
  QueryCommand,
  type QueryCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { ATTESTATION_SOURCE } from '#events/attestation.ts';
import { COVERAGE_CHANGED, type CoverageChanged, REGISTRY_SOURCE } from '#events/registry.ts';
import { type AppEvent, publishEvents } from '#shared/platform/bus.ts';
import { ddb, queryAll } from '#shared/platform/dynamo.ts';
import { logger } from '#shared/platform/logger.ts';
import { tableName } from '#shared/platform/tables.ts';
import type { TransactItem } from '#shared/registry/repository.ts';
import { codeHash } from './codes.ts';
import type { Attestation, AttestationStatus } from './schemas.ts';

export const T = () => tableName('attestations');
export const attestationKey = (id: string) => ({ pk: `ATT#${id}`, sk: 'ATT' });
export const codeKey = (hash: string) => ({ pk: `CODE#${hash}`, sk: 'CODE' });
/** How often a write that lost a race (the resident changed meanwhile) is decided again. */
export const ATTEMPTS = 5;

export function attestationItem(a: Attestation): Record<string, unknown> {
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

export function countUpdate(
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

export const event = <D>(detailType: string, detail: D): AppEvent => ({
  source: ATTESTATION_SOURCE,
  detailType,
  detail: detail as Record<string, unknown>,
});
export const coverageEvent = (detail: CoverageChanged): AppEvent => ({
  source: REGISTRY_SOURCE,
  detailType: COVERAGE_CHANGED,
  detail: detail as unknown as Record<string, unknown>,
});

/** Published after the commit; a lost event costs an SMS, never the coverage or the letter. */
export async function announce(events: AppEvent[]): Promise<void> {
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

export type PageKey = Record<string, unknown>;

export interface Page<T> {
  items: T[];
  /** Where the next page starts (DynamoDB's key), or null on the last page. */
  next: PageKey | null;
}

export interface ListQuery {
  status?: AttestationStatus;
  rt?: string;
  order: 'newest' | 'oldest';
  limit: number;
  after?: PageKey;
}

/**
 * One RT's letters (index gsi2, newest first, the status as a filter: an RT issues a few a day), or every
 * RT's letters in one status (index gsi1). `after` is a key this returned as `next` (sealed in between).
 */
export async function listAttestations(q: ListQuery): Promise<Page<Attestation>> {
  const byRt = q.rt !== undefined;
  const index = byRt ? 'gsi2' : 'gsi1';
  const pk = byRt ? `RT#${q.rt}` : `ST#${q.status ?? 'PENDING_REVIEW'}`;
  let start = q.after;
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
  return { items, next: start ?? null };
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
