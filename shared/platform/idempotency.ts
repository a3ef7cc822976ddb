// Idempotency records kept in the same DynamoDB transaction as the change they guard, so a request and its
// record commit together or not at all (one write instead of Powertools' put-then-update pair). A replay
// finds the record and answers the same; the same key with another body is refused (422).
import { createHash } from 'node:crypto';
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import type { Principal } from './auth.ts';
import { ddb, type TransactItem } from './dynamo.ts';
import { IdempotencyKeyReused, ValidationError } from './errors.ts';
import { tableName } from './tables.ts';

/** Client-made keys: a UUID is typical; anything printable from 8 to 128 characters is accepted. */
const KEY = /^[A-Za-z0-9_.:-]{8,128}$/;

export const idempotencyKeySchema = z.string().check(z.regex(KEY));

/** The Idempotency-Key header, required: 400 naming the header when missing or malformed. */
export function requireIdempotencyKey(headers: Record<string, string | undefined>): string {
  const key = headers['idempotency-key'];
  if (!key)
    throw ValidationError.field('Idempotency-Key', 'header is required (e.g. a UUID made by the client)');
  if (!KEY.test(key))
    throw ValidationError.field('Idempotency-Key', 'must be 8 to 128 characters: letters, digits, - _ . :');
  return key;
}

/** The Idempotency-Key header where a route takes one but does not require it: undefined when absent, 400 when malformed. */
export function optionalIdempotencyKey(headers: Record<string, string | undefined>): string | undefined {
  return headers['idempotency-key'] === undefined ? undefined : requireIdempotencyKey(headers);
}

/** One record per (operation, caller, key): two chairs choosing the same key never collide. */
export function idempotencyId(operation: string, caller: Pick<Principal, 'sub'>, key: string): string {
  const digest = createHash('sha256').update(`${caller.sub}\n${key}`).digest('base64url');
  return `${operation}#${digest}`;
}

/** A stable fingerprint of a parsed request body (key order does not matter). */
export function requestHash(body: unknown): string {
  return createHash('sha256').update(canonical(body)).digest('base64url');
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : 1));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

export interface IdempotencyRecord<R> {
  id: string;
  requestHash: string;
  /** What the replay needs to rebuild the first reply. */
  result: R;
  createdAt: string;
}

/** The Put for TransactWriteItems: fails the whole transaction when the key was already used. */
export function idempotencyPut<R>(record: IdempotencyRecord<R>, ttlDays: number) {
  return {
    Put: {
      TableName: tableName('idempotency'),
      Item: {
        ...record,
        status: 'COMPLETED',
        expiration: Math.floor(Date.parse(record.createdAt) / 1000) + ttlDays * 86_400,
      },
      ConditionExpression: 'attribute_not_exists(id)',
    },
  };
}

/** The record a key left, read strongly consistent (a replay right after the first request must find it). */
export async function readIdempotencyRecord<R>(id: string): Promise<IdempotencyRecord<R> | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: tableName('idempotency'), Key: { id }, ConsistentRead: true }),
  );
  return out.Item as IdempotencyRecord<R> | undefined;
}

/** Adds the idempotency record of `result` to a transaction's items (nothing when the call carries no key). */
export type WithRecord<R> = (items: TransactItem[], result: R) => TransactItem[];

/**
 * Runs `write` once per Idempotency-Key: a replay answers what the first call stored; the same key with another body
 * is a 422. `write` adds the record to its own transaction with the function it is given, so both commit together.
 */
export async function onceByKey<R>(
  ctx: { now: string; idempotency?: { id: string; requestHash: string } },
  ttlDays: number,
  write: (withRecord: WithRecord<R>) => Promise<R>,
): Promise<{ result: R; replayed: boolean }> {
  const key = ctx.idempotency;
  if (!key) return { result: await write((items) => items), replayed: false };
  const replay = async () => {
    const record = await readIdempotencyRecord<R>(key.id);
    if (!record) return undefined;
    if (record.requestHash !== key.requestHash) throw new IdempotencyKeyReused();
    return { result: record.result, replayed: true };
  };
  const earlier = await replay();
  if (earlier) return earlier;
  try {
    const result = await write((items, result) => [
      ...items,
      idempotencyPut({ id: key.id, requestHash: key.requestHash, result, createdAt: ctx.now }, ttlDays),
    ]);
    return { result, replayed: false };
  } catch (error) {
    // The same key committed by a concurrent call: answer as it did.
    if ((error as Error).name === 'TransactionCanceledException') {
      const again = await replay();
      if (again) return again;
    }
    throw error;
  }
}
