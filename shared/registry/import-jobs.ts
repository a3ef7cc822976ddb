// Import jobs: the record of each import (who, when, outcome) and, for large files, the job that runs
// once the CSV has been uploaded. Kept apart from the importer so the small functions stay small.
import { randomUUID } from 'node:crypto';
import { DeleteCommand, GetCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { auditPut } from '#shared/platform/audit.ts';
import { ddb } from '#shared/platform/dynamo.ts';
import { Conflict, DomainError, NotFound } from '#shared/platform/errors.ts';
import { logger } from '#shared/platform/logger.ts';
import { objectStore } from '#shared/platform/object-store.ts';
import { tableName } from '#shared/platform/tables.ts';
import type { ImportResult } from './import.ts';
import { transact, type WriteContext } from './repository.ts';

/** What an uploaded file is: a residents' list, Dukcapil's civil events, or BPJS's invoice of a month. */
export type JobKind = 'RESIDENTS' | 'CIVIL_EVENTS' | 'RECONCILIATION';
/** Where each kind's uploads land in the imports bucket; each prefix has its own worker (event-rules.ts). */
export const JOB_PREFIXES: Record<JobKind, string> = {
  RESIDENTS: 'imports/residents/',
  CIVIL_EVENTS: 'imports/civil-events/',
  RECONCILIATION: 'imports/reconciliations/',
};

export interface ImportJob {
  jobId: string;
  /** Absent on jobs written before there were other kinds: RESIDENTS. */
  kind?: JobKind;
  /** A reconciliation's month (YYYY-MM). */
  month?: string;
  status: 'AWAITING_UPLOAD' | 'RUNNING' | 'DONE' | 'FAILED';
  objectKey: string;
  createdAt: string;
  createdBy: string;
  startedAt?: string;
  finishedAt?: string;
  /** The outcome: for a residents' import, its counts and rejections (ImportResult without the jobId). */
  result?: Omit<ImportResult, 'jobId'> | Record<string, unknown>;
  error?: string;
}

const jobKey = (jobId: string) => ({ pk: `IMPORT#${jobId}`, sk: 'JOB' });
export const importObjectKey = (jobId: string, kind: JobKind = 'RESIDENTS') =>
  `${JOB_PREFIXES[kind]}${jobId}.csv`;
/** The job an uploaded object is for, when its key is one of this kind's uploads. */
export const jobIdOfKey = (key: string, kind: JobKind): string | undefined =>
  key.startsWith(JOB_PREFIXES[kind])
    ? /^([0-9a-f-]{36})\.csv$/.exec(key.slice(JOB_PREFIXES[kind].length))?.[1]
    : undefined;
const kindOf = (job: Pick<ImportJob, 'kind'>): JobKind => job.kind ?? 'RESIDENTS';

export async function createImportJob(
  ctx: WriteContext,
  kind: JobKind = 'RESIDENTS',
  extra: { month?: string } = {},
): Promise<ImportJob> {
  const jobId = randomUUID();
  const job: ImportJob = {
    jobId,
    kind,
    ...extra,
    status: 'AWAITING_UPLOAD',
    objectKey: importObjectKey(jobId, kind),
    createdAt: ctx.now,
    createdBy: ctx.actor.sub,
  };
  await ddb().send(new PutCommand({ TableName: tableName('registry'), Item: { ...jobKey(jobId), ...job } }));
  return job;
}

/** A job of this kind (another kind's id is not found here, as an unknown one). */
export async function getImportJob(jobId: string, kind: JobKind = 'RESIDENTS'): Promise<ImportJob> {
  const out = await ddb().send(
    new GetCommand({ TableName: tableName('registry'), Key: jobKey(jobId), ConsistentRead: true }),
  );
  if (!out.Item || kindOf(out.Item) !== kind) throw new NotFound('No import job with this id');
  const { pk: _pk, sk: _sk, ...job } = out.Item;
  return job as ImportJob;
}

export async function finishJob(jobId: string, result: ImportResult, ctx: WriteContext): Promise<void> {
  const { jobId: _id, ...summary } = result;
  await finishJobWith(jobId, summary, ctx, {
    kind: 'RESIDENTS',
    action: 'ResidentsImported',
    after: {
      rows: result.rows,
      imported: result.imported,
      updated: result.updated,
      unchanged: result.unchanged,
      rejectedRows: result.rejectedRows,
    },
  });
}

/** Records a job as done with its outcome (a job run directly is recorded too), and the audit record of it. */
export async function finishJobWith(
  jobId: string,
  summary: Record<string, unknown>,
  ctx: WriteContext,
  audit: { kind: JobKind; action: string; after: Record<string, unknown>; month?: string },
): Promise<void> {
  await transact([
    {
      Update: {
        TableName: tableName('registry'),
        Key: jobKey(jobId),
        UpdateExpression:
          'SET #s = :done, finishedAt = :now, #r = :r, createdAt = if_not_exists(createdAt, :now), createdBy = if_not_exists(createdBy, :by), jobId = :id, startedAt = if_not_exists(startedAt, :now), kind = if_not_exists(kind, :kind)' +
          (audit.month ? ', #m = if_not_exists(#m, :m)' : ''),
        ExpressionAttributeNames: {
          '#s': 'status',
          '#r': 'result',
          ...(audit.month ? { '#m': 'month' } : {}),
        },
        ExpressionAttributeValues: {
          ':done': 'DONE',
          ':now': ctx.now,
          ':r': summary,
          ':by': ctx.actor.sub,
          ':id': jobId,
          ':kind': audit.kind,
          ...(audit.month ? { ':m': audit.month } : {}),
        },
      },
    },
    auditPut({
      entity: `IMPORT#${jobId}`,
      action: audit.action,
      actor: ctx.actor,
      at: new Date().toISOString(),
      requestId: ctx.requestId,
      after: audit.after,
    }),
  ]);
}

/** Claims an uploaded job for running; a job already running or done is not run again. */
export async function startImportJob(
  jobId: string,
  now: string,
  kind: JobKind = 'RESIDENTS',
): Promise<ImportJob> {
  try {
    const out = await ddb().send(
      new UpdateCommand({
        TableName: tableName('registry'),
        Key: jobKey(jobId),
        UpdateExpression: 'SET #s = :running, startedAt = :now',
        // A RUNNING job whose worker died (older than the 15-minute Lambda limit) may be taken again. Only by
        // its own kind's worker.
        ConditionExpression:
          '(#s = :waiting OR (#s = :running AND startedAt < :stale)) AND ' +
          (kind === 'RESIDENTS' ? '(attribute_not_exists(kind) OR kind = :kind)' : 'kind = :kind'),
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':kind': kind,
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

/**
 * A job worker's whole task around `run`: claim the job (once), run it as the admin who created it, and record a
 * failure the admin can read (a bad file's reason; anything else: see the function log).
 */
export async function runUploadedJob<R>(
  jobId: string,
  kind: JobKind,
  requestId: string,
  run: (job: ImportJob, ctx: WriteContext) => Promise<R>,
): Promise<R> {
  const now = new Date().toISOString();
  const job = await startImportJob(jobId, now, kind);
  const ctx: WriteContext = {
    actor: { sub: job.createdBy, roles: ['city_admin'] },
    requestId,
    now: job.startedAt ?? now,
  };
  try {
    return await run(job, ctx);
  } catch (error) {
    const message =
      error instanceof DomainError && error.status < 500
        ? error.message
        : 'The job failed; see the function log';
    await failImportJob(jobId, message);
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

/** What EventBridge brings a worker when an upload lands (S3 Object Created). */
export interface ObjectCreated {
  detail: { bucket: { name: string }; object: { key: string } };
}

/**
 * A kind's upload worker: the job its object is for, run once as `runUploadedJob` runs it. An object that is not
 * this kind's upload is ignored; a bad file or a job already run is logged and not retried (it would not get
 * better); anything else is thrown, so Lambda retries it and then dead-letters it.
 */
export async function runUploadWorker<R>(
  event: ObjectCreated,
  requestId: string,
  kind: JobKind,
  run: (text: string, job: ImportJob, ctx: WriteContext) => Promise<R>,
  summary: (result: R) => Record<string, unknown>,
): Promise<void> {
  const key = event.detail.object.key;
  const jobId = jobIdOfKey(key, kind);
  if (!jobId) {
    logger.warn('object is not an upload of this kind; ignored', { key, kind });
    return;
  }
  try {
    const result = await runUploadedJob(jobId, kind, requestId, async (job, ctx) =>
      run(await objectStore().getText(key), job, ctx),
    );
    logger.info('upload job done', { jobId, kind, ...summary(result) });
  } catch (error) {
    if (error instanceof DomainError && error.status < 500) {
      logger.warn('upload job not run', { jobId, kind, reason: error.message });
      return;
    }
    throw error;
  }
}
