// Import jobs: the record of each import (who, when, outcome) and, for large files, the job that runs
// once the CSV has been uploaded. Kept apart from the importer so the small functions stay small.
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut } from '#shared/platform/audit.ts';
import { ddb } from '#shared/platform/dynamo.ts';
import { Conflict, NotFound } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import type { ImportResult } from './import.ts';
import { transact, type WriteContext } from './repository.ts';

export interface ImportJob {
  jobId: string;
  status: 'AWAITING_UPLOAD' | 'RUNNING' | 'DONE' | 'FAILED';
  objectKey: string;
  createdAt: string;
  createdBy: string;
  startedAt?: string;
  finishedAt?: string;
  result?: Omit<ImportResult, 'jobId'>;
  error?: string;
}

const jobKey = (jobId: string) => ({ pk: `IMPORT#${jobId}`, sk: 'JOB' });
export const importObjectKey = (jobId: string) => `imports/${jobId}.csv`;

export async function createImportJob(ctx: WriteContext): Promise<ImportJob> {
  const jobId = randomUUID();
  const job: ImportJob = {
    jobId,
    status: 'AWAITING_UPLOAD',
    objectKey: importObjectKey(jobId),
    createdAt: ctx.now,
    createdBy: ctx.actor.sub,
  };
  await ddb().send(new PutCommand({ TableName: tableName('registry'), Item: { ...jobKey(jobId), ...job } }));
  return job;
}

export async function getImportJob(jobId: string): Promise<ImportJob> {
  const out = await ddb().send(
    new GetCommand({ TableName: tableName('registry'), Key: jobKey(jobId), ConsistentRead: true }),
  );
  if (!out.Item) throw new NotFound('No import job with this id');
  const { pk: _pk, sk: _sk, ...job } = out.Item;
  return job as ImportJob;
}

export async function finishJob(jobId: string, result: ImportResult, ctx: WriteContext): Promise<void> {
  const { jobId: _id, ...summary } = result;
  await transact([
    {
      Update: {
        TableName: tableName('registry'),
        Key: jobKey(jobId),
        UpdateExpression:
          'SET #s = :done, finishedAt = :now, #r = :r, createdAt = if_not_exists(createdAt, :now), createdBy = if_not_exists(createdBy, :by), jobId = :id, startedAt = if_not_exists(startedAt, :now)',
        ExpressionAttributeNames: { '#s': 'status', '#r': 'result' },
        ExpressionAttributeValues: {
          ':done': 'DONE',
          ':now': ctx.now,
          ':r': summary,
          ':by': ctx.actor.sub,
          ':id': jobId,
        },
      },
    },
    auditPut({
      entity: `IMPORT#${jobId}`,
      action: 'ResidentsImported',
      actor: ctx.actor,
      at: new Date().toISOString(),
      requestId: ctx.requestId,
      after: {
        rows: result.rows,
        imported: result.imported,
        updated: result.updated,
        unchanged: result.unchanged,
        rejectedRows: result.rejectedRows,
      },
    }),
  ]);
}

/** Claims an uploaded job for running; a job already running or done is not run again. */
export async function startImportJob(jobId: string, now: string): Promise<ImportJob> {
  try {
    const out = await ddb().send(
      new UpdateCommand({
        TableName: tableName('registry'),
        Key: jobKey(jobId),
        UpdateExpression: 'SET #s = :running, startedAt = :now',
        // A RUNNING job whose worker died (older than the 15-minute Lambda limit) may be taken again.
        ConditionExpression: '#s = :waiting OR (#s = :running AND startedAt < :stale)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':running': 'RUNNING',
          ':waiting': 'AWAITING_UPLOAD',
          ':now': now,
          ':stale': new Date(Date.parse(now) - 16 * 60_000).toISOString(),
        },
        ReturnValues: 'ALL_NEW',
      }),
    );
    const { pk: _pk, sk: _sk, ...job } = out.Attributes ?? {};
    return job as ImportJob;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException')
      throw new Conflict('This import job has already run');
    throw error;
  }
}

export async function failImportJob(jobId: string, message: string): Promise<void> {
  await ddb().send(
    new UpdateCommand({
      TableName: tableName('registry'),
      Key: jobKey(jobId),
      UpdateExpression: 'SET #s = :failed, #e = :e, finishedAt = :now',
      ExpressionAttributeNames: { '#s': 'status', '#e': 'error' },
      ExpressionAttributeValues: { ':failed': 'FAILED', ':e': message, ':now': new Date().toISOString() },
    }),
  );
}

const LOCK_KEY = { pk: 'IMPORT#LOCK', sk: 'LOCK' };

/**
 * One import at a time: two imports of the same new rows (a client retrying after a timeout) would each
 * see them as new and count them twice. A lease, so a worker that died does not block imports for ever.
 */
export async function acquireImportLock(jobId: string, leaseSeconds: number, waitSeconds = 0): Promise<void> {
  const waitUntil = Date.now() + waitSeconds * 1000;
  for (;;) {
    const now = Date.now();
    try {
      await ddb().send(
        new PutCommand({
          TableName: tableName('registry'),
          Item: {
            ...LOCK_KEY,
            jobId,
            leaseUntil: now + leaseSeconds * 1000,
            expiresAt: Math.ceil(now / 1000) + leaseSeconds,
          },
          ConditionExpression: 'attribute_not_exists(pk) OR leaseUntil < :now',
          ExpressionAttributeValues: { ':now': now },
        }),
      );
      return;
    } catch (error) {
      if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
      if (now > waitUntil) {
        throw new Conflict('Another import is running; try again when it has finished', {
          retryAfterSeconds: 30,
        });
      }
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
}

export async function releaseImportLock(jobId: string): Promise<void> {
  try {
    await ddb().send(
      new DeleteCommand({
        TableName: tableName('registry'),
        Key: LOCK_KEY,
        ConditionExpression: 'jobId = :id',
        ExpressionAttributeValues: { ':id': jobId },
      }),
    );
  } catch (error) {
    // Our lease ran out and another import holds the lock now: nothing of ours to release.
    if ((error as Error).name !== 'ConditionalCheckFailedException') throw error;
  }
}
