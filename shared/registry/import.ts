// Bulk import of city and BPJS resident lists (CSV): validate every row, diff against what is stored,
// write only what changed with BatchWriteItem, and move the aggregates once per chunk. Importing the
// same file twice changes nothing. Runs inside the API call for small files and as a job for large ones.
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { kelurahanOfRt } from '#shared/city/regions.ts';
import { readCsvTable } from '#shared/platform/csv.ts';
import { Conflict, PayloadTooLarge, ValidationError } from '#shared/platform/errors.ts';
import { recordMetric } from '#shared/platform/metrics.ts';
import { tableName } from '#shared/platform/tables.ts';
import { applyOnce, batchGet, batchWrite, loadKnownRts, Tally } from './batch.ts';
import {
  acquireImportLock,
  failImportJob,
  finishJob,
  releaseImportLock,
  startImportJob,
} from './import-jobs.ts';
import {
  openPeriod,
  periodItem,
  residentFromItem,
  residentItem,
  residentKey,
  type WriteContext,
} from './repository.ts';
import { fromProblem, isActive, premiumDeltas, uhcContribution } from './rules.ts';
import {
  birthDateSchema,
  type CurrentCoverage,
  coverageFromSchema,
  kkSchema,
  nameSchema,
  nikSchema,
  phoneSchema,
  type Resident,
  rtCodeShapeSchema,
  schemeSchema,
  statusSchema,
  text,
} from './schemas.ts';

export const IMPORT_COLUMNS = [
  'nik',
  'kk',
  'name',
  'birthDate',
  'sex',
  'phone',
  'rt',
  'scheme',
  'status',
] as const;
/** Optional columns; when absent, what is stored is kept. */
export const OPTIONAL_COLUMNS = ['lowIncome', 'smsConsent', 'from'] as const;
export const CHUNK_ROWS = 500;
// Enough chunks in flight that one chunk's reads overlap the others' writes.
export const CHUNKS_IN_FLIGHT = 8;
const MAX_REJECTIONS_KEPT = 1000;

export interface Rejection {
  line: number;
  field: string;
  reason: string;
}

export interface ImportResult {
  jobId: string;
  rows: number;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: Rejection[];
  /** Rows rejected; `rejected` lists at most the first 1000 reasons. */
  rejectedRows: number;
}

const YES = new Set(['true', '1', 'ya', 'y', 'yes']);
const NO = new Set(['false', '0', 'tidak', 't', 'no', 'n']);
const yesNo = z.pipe(
  z
    .string()
    .check(
      z.refine(
        (s) => YES.has(s.toLowerCase()) || NO.has(s.toLowerCase()),
        'must be true or false (ya/tidak)',
      ),
    ),
  z.transform((s: string) => YES.has(s.toLowerCase())),
);
// L/P (laki-laki/perempuan) is how Indonesian lists usually write it.
const SEX_ALIASES: Record<string, string> = { L: 'M', P: 'F' };
const csvSex = z.pipe(
  z.pipe(
    text(),
    z.transform((s: string) => SEX_ALIASES[s.toUpperCase()] ?? s.toUpperCase()),
  ),
  z.enum(['M', 'F'], { error: 'must be M or F (or L or P)' }),
);

const rowSchema = z
  .object({
    nik: nikSchema,
    kk: kkSchema,
    name: nameSchema,
    birthDate: birthDateSchema,
    sex: csvSex,
    phone: z.optional(phoneSchema),
    // Checked against the city's RT directory below: a row of another city's RT is refused there.
    rt: rtCodeShapeSchema,
    scheme: z.optional(schemeSchema),
    status: z.optional(statusSchema),
    lowIncome: z.optional(yesNo),
    smsConsent: z.optional(yesNo),
    // The coverage's real start (TMT) for a participant older than the registry; default: the day of the import.
    from: z.optional(coverageFromSchema),
  })
  .check(
    z.superRefine((row, ctx) => {
      if (row.scheme && !row.status) {
        ctx.addIssue({
          code: 'custom',
          path: ['status'],
          message: 'is required when scheme is given',
          input: row,
        });
      }
      if (row.from && !row.scheme) {
        ctx.addIssue({
          code: 'custom',
          path: ['from'],
          message: 'is the start of the coverage in scheme and status, which this row does not give',
          input: row,
        });
      }
      if (row.status && !row.scheme) {
        ctx.addIssue({
          code: 'custom',
          path: ['scheme'],
          message: 'is required when status is given',
          input: row,
        });
      }
    }),
  );
type Row = z.infer<typeof rowSchema>;

interface ParsedFile {
  rows: { line: number; row: Row }[];
  rejected: Rejection[];
  rejectedRows: number;
  total: number;
}

/** Parses and validates the whole file; the RT check needs the city's RT list. */
export function parseImportCsv(text: string, knownRts: Set<string>): ParsedFile {
  const { header, records } = readCsvTable(text, IMPORT_COLUMNS, IMPORT_COLUMNS.join(','));
  const columns = [...IMPORT_COLUMNS, ...OPTIONAL_COLUMNS];
  const index = columns.map((c) => header.indexOf(c));
  const seen = new Map<string, number>();
  const out: ParsedFile = { rows: [], rejected: [], rejectedRows: 0, total: records.length };
  const reject = (issues: Rejection[]) => {
    out.rejectedRows++;
    for (const issue of issues) if (out.rejected.length < MAX_REJECTIONS_KEPT) out.rejected.push(issue);
  };
  for (const { fields: record, line } of records) {
    const raw: Record<string, string | undefined> = {};
    columns.forEach((c, i) => {
      const v = index[i]! < 0 ? undefined : record[index[i]!];
      raw[c] = v === undefined || v === '' ? undefined : v;
    });
    const parsed = z.safeParse(rowSchema, raw);
    if (!parsed.success) {
      reject(
        parsed.error.issues.map((i) => ({ line, field: String(i.path[0] ?? 'row'), reason: i.message })),
      );
      continue;
    }
    const row = parsed.data;
    if (!knownRts.has(row.rt)) {
      reject([{ line, field: 'rt', reason: `RT ${row.rt} is not in the city's RT directory, or is closed` }]);
      continue;
    }
    const first = seen.get(row.nik);
    if (first !== undefined) {
      reject([{ line, field: 'nik', reason: `appears again; first at line ${first}` }]);
      continue;
    }
    seen.set(row.nik, line);
    out.rows.push({ line, row });
  }
  return out;
}

async function batchGetResidents(niks: string[]): Promise<Map<string, Resident>> {
  const found = new Map<string, Resident>();
  for (const item of await batchGet(niks.map(residentKey)))
    found.set(String(item.nik), residentFromItem(item));
  return found;
}

const sameCoverage = (a: CurrentCoverage | null, b: Row) => a?.scheme === b.scheme && a?.status === b.status;

interface ChunkOutcome {
  imported: number;
  updated: number;
  unchanged: number;
  /** Rows refused against what is stored (a `from` before the current period's start). */
  rejected: Rejection[];
}

/** One chunk: diff, then the aggregates under a once-only marker, then the items. */
async function importChunk(
  rows: { line: number; row: Row }[],
  chunkNo: number,
  jobId: string,
  ctx: WriteContext,
): Promise<ChunkOutcome> {
  const existing = await batchGetResidents(rows.map((r) => r.row.nik));
  const writes: Record<string, unknown>[] = [];
  const tally = new Tally();
  // Residents counted in each RT of the directory: a new one in, one moved out of one RT and into another.
  const countIn = (rt: string, d: number) => tally.addRt(rt, d);
  const moveUhc = (kel: string, c: Resident['coverage'], sign: 1 | -1) => {
    const d = uhcContribution(c);
    tally.addUhc(kel, { residents: sign * d.residents, covered: sign * d.covered, active: sign * d.active });
  };
  const outcome: ChunkOutcome = { imported: 0, updated: 0, unchanged: 0, rejected: [] };
  let activated = 0;
  for (const { line, row } of rows) {
    const before = existing.get(row.nik);
    if (before?.civilStatus) {
      // Kept as the registry recorded it: a list still naming someone who died or left is worth a line of its own.
      const reason =
        before.civilStatus === 'DECEASED'
          ? `died on ${before.death?.date}: the registry keeps them`
          : `moved out of the city on ${before.movedOut?.date} (to ${before.movedOut?.to}): the registry keeps them`;
      outcome.rejected.push({ line, field: 'nik', reason });
      continue;
    }
    const kelurahan = kelurahanOfRt(row.rt);
    const detailsChanged =
      !before ||
      before.kk !== row.kk ||
      before.name !== row.name ||
      before.birthDate !== row.birthDate ||
      before.sex !== row.sex ||
      (row.phone !== undefined && before.phone !== row.phone) ||
      before.rt !== row.rt ||
      (row.lowIncome !== undefined && before.lowIncome !== row.lowIncome) ||
      (row.smsConsent !== undefined && before.smsConsent !== row.smsConsent);
    // A row without a scheme leaves coverage as it is; a list never takes coverage away by omission.
    const coverageChanged = !!row.scheme && !sameCoverage(before?.coverage ?? null, row);
    if (before && !detailsChanged && !coverageChanged) {
      outcome.unchanged++;
      continue;
    }
    const fromRefused = coverageChanged ? fromProblem(before?.coverage, row.from) : undefined;
    if (fromRefused) {
      outcome.rejected.push({ line, field: 'from', reason: fromRefused });
      continue;
    }
    const version = (before?.version ?? 0) + 1;
    let coverage = before?.coverage ?? null;
    let apbdLastEnd = before?.apbdLastEnd ?? undefined;
    if (coverageChanged) {
      coverage = openPeriod(
        before,
        {
          scheme: row.scheme!,
          status: row.status!,
          reason: `import ${jobId}`,
          source: 'IMPORT',
          ...(row.from ? { from: row.from } : {}),
        },
        ctx,
      );
      if (before?.coverage) writes.push(periodItem(row.nik, before.coverage, coverage.since));
      writes.push(periodItem(row.nik, coverage));
      const p = premiumDeltas(before?.coverage, coverage, coverage.since, apbdLastEnd);
      apbdLastEnd = p.apbdLastEnd;
      for (const d of p.deltas) tally.addPremium(d.month, d.delta);
    }
    const after: Resident = {
      // What other capabilities keep on the resident item stays; the list's fields replace theirs.
      ...before,
      nik: row.nik,
      kk: row.kk,
      name: row.name,
      birthDate: row.birthDate,
      sex: row.sex,
      // An empty phone cell keeps the number the city already has: lists often lack phones.
      ...((row.phone ?? before?.phone) ? { phone: row.phone ?? before?.phone } : {}),
      rt: row.rt,
      kelurahan,
      lowIncome: row.lowIncome ?? before?.lowIncome ?? false,
      smsConsent: row.smsConsent ?? before?.smsConsent ?? false,
      coverage,
      version,
      createdAt: before?.createdAt ?? ctx.now,
      updatedAt: ctx.now,
      ...(apbdLastEnd ? { apbdLastEnd } : {}),
    };
    writes.push(residentItem(after));
    if (isActive(after.coverage) && !isActive(before?.coverage)) activated++;
    if (before) {
      outcome.updated++;
      moveUhc(before.kelurahan, before.coverage, -1);
      if (before.rt !== row.rt) {
        countIn(before.rt, -1);
        countIn(row.rt, 1);
      }
    } else {
      outcome.imported++;
      countIn(row.rt, 1);
    }
    moveUhc(kelurahan, after.coverage, 1);
  }
  // The marker makes a retried job apply each chunk's aggregates once.
  await applyOnce({ pk: `IMPORT#${jobId}`, sk: `CHUNK#${chunkNo}` }, tally.items());
  const registry = tableName('registry');
  await batchWrite(writes.map((put) => ({ table: registry, put })));
  // Once written: a retried job finds these rows unchanged, so it does not count them again.
  if (activated) recordMetric('CoverageActivated', activated);
  return outcome;
}

/** Imports already-validated rows in chunks, a few chunks in flight at once. */
async function importRows(parsed: ParsedFile, jobId: string, ctx: WriteContext): Promise<ImportResult> {
  const result: ImportResult = {
    jobId,
    rows: parsed.total,
    imported: 0,
    updated: 0,
    unchanged: 0,
    rejected: parsed.rejected,
    rejectedRows: parsed.rejectedRows,
  };
  // In RT order (then line), so a chunk's 500 rows touch one or two RTs' and kelurahan's counts whatever the file's
  // order: each chunk's aggregate transaction writes each item it touches, and every kelurahan's UHC counts share
  // one partition (the province's arithmetic of BENCH_ONLY=city). The same file always makes the same chunks, so a
  // retried job's once-only markers still match.
  const rows = [...parsed.rows].sort((a, b) =>
    a.row.rt < b.row.rt ? -1 : a.row.rt > b.row.rt ? 1 : a.line - b.line,
  );
  // A few chunks at once. After a failure no chunk starts, and the run ends (and lets the lock go) only once those
  // under way have: a retry never meets this run's writes still landing.
  let next = 0;
  let failure: { error: unknown } | undefined;
  const worker = async () => {
    for (let chunk = next++; chunk * CHUNK_ROWS < rows.length && !failure; chunk = next++) {
      try {
        const o = await importChunk(
          rows.slice(chunk * CHUNK_ROWS, (chunk + 1) * CHUNK_ROWS),
          chunk,
          jobId,
          ctx,
        );
        result.imported += o.imported;
        result.updated += o.updated;
        result.unchanged += o.unchanged;
        result.rejectedRows += o.rejected.length;
        result.rejected.push(...o.rejected.slice(0, MAX_REJECTIONS_KEPT - result.rejected.length));
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: CHUNKS_IN_FLIGHT }, worker));
  if (failure) throw failure.error;
  // Chunks finish in any order: the reasons are listed by line.
  result.rejected.sort((a, b) => a.line - b.line);
  return result;
}

/** Runs a whole import, one at a time, and records it as a finished job with its audit record. */
export async function runImport(
  text: string,
  ctx: WriteContext,
  opts: { jobId?: string; maxRows?: number; leaseSeconds?: number; waitForLockSeconds?: number } = {},
): Promise<ImportResult> {
  const jobId = opts.jobId ?? randomUUID();
  const parsed = parseImportCsv(text, await loadKnownRts());
  if (opts.maxRows !== undefined && parsed.total > opts.maxRows) {
    throw new PayloadTooLarge(
      `This file has ${parsed.total} rows; up to ${opts.maxRows} are imported directly. Upload larger files with POST /residents/import/uploads.`,
      { rows: parsed.total, maxRows: opts.maxRows },
    );
  }
  await acquireImportLock(jobId, opts.leaseSeconds ?? 60, opts.waitForLockSeconds ?? 0);
  try {
    const result = await importRows(parsed, jobId, ctx);
    await finishJob(jobId, result, ctx);
    return result;
  } finally {
    await releaseImportLock(jobId);
  }
}

/** The job worker's whole task: claim the job, read the file, import, record the outcome. */
export async function runImportJob(
  jobId: string,
  readFile: () => Promise<string>,
  requestId: string,
): Promise<ImportResult> {
  const now = new Date().toISOString();
  const job = await startImportJob(jobId, now);
  const ctx: WriteContext = {
    actor: { sub: job.createdBy, roles: ['city_admin'] },
    requestId,
    now: job.startedAt ?? now,
  };
  try {
    // The lease outlasts the worker's 15-minute limit.
    return await runImport(await readFile(), ctx, {
      jobId,
      leaseSeconds: 16 * 60,
      waitForLockSeconds: 10 * 60,
    });
  } catch (error) {
    const message =
      error instanceof ValidationError || error instanceof Conflict
        ? error.message
        : 'The import failed; see the function log';
    await failImportJob(jobId, message);
    throw error;
  }
}
