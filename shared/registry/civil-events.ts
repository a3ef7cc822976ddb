// Dukcapil's civil registration export as CSV (`event,nik,date,motherNik,name,sex,to,reference`; event BIRTH, DEATH
// or MOVE_OUT): a death, a move (out of the city, or to another RT of it), a birth, each planned by the same pure
// functions as the API's routes and refused for the same reasons, by line and field. A line the registry already holds
// (the same death, move out or birth) is unchanged, so the same file twice changes nothing.
//
// Fast for a whole city's feed, as the residents import is: every line is checked first; lines about one person (a
// birth's are the mother's, and the child's when its NIK is given) are applied in file order, in memory, in chunks of
// people, a few chunks at once: one BatchGetItem of what the chunk reads, one transaction of its summed aggregates
// under a once-only marker, then BatchWriteItem of every item as it ends. One import at a time (the residents
// import's lock: both write residents and move the same counts). A job run again under its id never counts a chunk
// twice, and answers what it would have answered had it not stopped.
import { randomUUID } from 'node:crypto';
import * as z from 'zod/mini';
import { RT_CODE } from '#shared/city/regions.ts';
import { endWorkOfLeaving } from '#shared/kader/leaving.ts';
import { readCsvTable } from '#shared/platform/csv.ts';
import { DomainError, PayloadTooLarge, ValidationError } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { todayWib } from '#shared/platform/wib.ts';
import {
  applyOnce,
  type BatchRequest,
  batchGet,
  batchWrite,
  InMemory,
  type Key,
  loadKnownRts,
  type Plan,
  type Write,
} from './batch.ts';
import { motherBirthKey, nikTaken, planBirth } from './births.ts';
import {
  type BirthInput,
  birthSchema,
  type DeathInput,
  deathSchema,
  type MoveInput,
  moveSchema,
} from './civil-schemas.ts';
import { type DeathOutcome, planDeath } from './deaths.ts';
import { nikSchema } from './fields.ts';
import { acquireImportLock, releaseImportLock } from './import-jobs.ts';
import { checkMoveTarget, type MoveOutcome, planMove } from './moves.ts';
import { residentFromItem, residentKey, type WriteContext } from './repository.ts';
import type { Resident } from './schemas.ts';

export const CIVIL_EVENT_COLUMNS = [
  'event',
  'nik',
  'date',
  'motherNik',
  'name',
  'sex',
  'to',
  'reference',
] as const;
const EVENTS = ['BIRTH', 'DEATH', 'MOVE_OUT'] as const;
type CivilEvent = (typeof EVENTS)[number];
const MAX_REJECTIONS_KEPT = 1000;
/** About this many lines a chunk: one person's lines are never split, so a chunk may run over. */
export const CHUNK_LINES = 500;
// As the residents import: enough chunks in flight that one chunk's reads overlap the others' writes.
export const CHUNKS_IN_FLIGHT = 8;
// L/P (laki-laki/perempuan) is how Dukcapil writes it.
const SEX_ALIASES: Record<string, string> = { L: 'M', P: 'F', 'LAKI-LAKI': 'M', PEREMPUAN: 'F' };

export interface CivilEventsResult {
  /** The run's id: its chunks' once-only markers are kept under it (a job's id, so a retried job skips them). */
  jobId: string;
  rows: number;
  applied: Record<CivilEvent, number>;
  unchanged: number;
  rejected: { line: number; field: string; reason: string }[];
  rejectedRows: number;
  /** City-paid months already due after a death or a move: what to recover from BPJS, per person. */
  overpaid: { nik: string; months: string[]; rupiah: number }[];
}

export type Line = { line: number } & (
  | { event: 'DEATH'; nik: string; input: DeathInput }
  | { event: 'MOVE_OUT'; nik: string; input: MoveInput }
  | { event: 'BIRTH'; input: BirthInput }
);

type Cells = Partial<Record<(typeof CIVIL_EVENT_COLUMNS)[number], string>>;
type Issue = { field: string; reason: string };
type Rejection = Issue & { line: number };

const issuesOf = (error: z.core.$ZodError, rename: Record<string, string> = {}): Issue[] =>
  error.issues.map((i) => {
    const field = String(i.path[0] ?? 'row');
    return { field: rename[field] ?? field, reason: i.message };
  });

/** One line as what it asks for, or why it cannot be. */
function readLine(line: number, c: Cells): Line | Issue[] {
  const event = c.event?.trim().toUpperCase();
  if (!event || !(EVENTS as readonly string[]).includes(event))
    return [{ field: 'event', reason: `must be one of ${EVENTS.join(', ')}` }];
  if (event === 'BIRTH') {
    const sex = c.sex ? (SEX_ALIASES[c.sex.trim().toUpperCase()] ?? c.sex.trim().toUpperCase()) : undefined;
    const parsed = z.safeParse(birthSchema, {
      motherNik: c.motherNik,
      name: c.name,
      birthDate: c.date,
      sex,
      ...(c.nik ? { nik: c.nik } : {}),
    });
    if (!parsed.success) return issuesOf(parsed.error, { birthDate: 'date' });
    return { line, event, input: parsed.data };
  }
  const nik = z.safeParse(nikSchema, c.nik);
  if (!nik.success) return issuesOf(nik.error).map((i) => ({ ...i, field: 'nik' }));
  if (event === 'DEATH') {
    const parsed = z.safeParse(deathSchema, {
      date: c.date,
      source: 'DUKCAPIL',
      ...(c.reference ? { reference: c.reference } : {}),
    });
    if (!parsed.success) return issuesOf(parsed.error);
    return { line, event, nik: nik.data, input: parsed.data };
  }
  const parsed = z.safeParse(moveSchema, {
    date: c.date,
    to: c.to,
    ...(c.reference ? { reference: c.reference } : {}),
  });
  if (!parsed.success) return issuesOf(parsed.error);
  try {
    checkMoveTarget(parsed.data);
  } catch (error) {
    if (error instanceof ValidationError)
      return error.issues.map((i) => ({ field: i.path, reason: i.message }));
    throw error;
  }
  return { line, event: 'MOVE_OUT', nik: nik.data, input: parsed.data };
}

/** Whom a line is about: the person, or a birth's mother and its child when the child's NIK is given. */
const niksOf = (l: Line): string[] =>
  l.event === 'BIRTH' ? [l.input.motherNik, ...(l.input.nik ? [l.input.nik] : [])] : [l.nik];

/** Lines about the same people, each group in file order, the groups in the order they begin. */
function groupsOf(lines: readonly Line[]): Line[][] {
  const parent = new Map<string, string>();
  const root = (nik: string): string => {
    let r = nik;
    while (parent.has(r) && parent.get(r) !== r) r = parent.get(r)!;
    parent.set(nik, r);
    return r;
  };
  for (const l of lines) {
    const [first, ...others] = niksOf(l) as [string, ...string[]];
    for (const other of others) {
      const [a, b] = [root(first), root(other)];
      if (a !== b) parent.set(b, a);
    }
  }
  const groups = new Map<string, Line[]>();
  for (const l of lines) {
    const r = root(niksOf(l)[0]!);
    const group = groups.get(r);
    if (group) group.push(l);
    else groups.set(r, [l]);
  }
  return [...groups.values()];
}

/** Whole groups, about CHUNK_LINES lines a chunk. */
function chunksOf(groups: readonly Line[][]): Line[][][] {
  const chunks: Line[][][] = [];
  let chunk: Line[][] = [];
  let lines = 0;
  for (const g of groups) {
    chunk.push(g);
    lines += g.length;
    if (lines >= CHUNK_LINES) {
      chunks.push(chunk);
      chunk = [];
      lines = 0;
    }
  }
  if (chunk.length) chunks.push(chunk);
  return chunks;
}

export interface ChunkOutcome {
  applied: Record<CivilEvent, number>;
  unchanged: number;
  rejected: Rejection[];
  overpaid: CivilEventsResult['overpaid'];
}

/** What a chunk's marker keeps of a line it applied: the birth's id, the months overpaid. */
export interface AppliedLine {
  birth?: string;
  /** The resident's version once a death or move is written: a retry finds it (or a later one) when it was. */
  version?: number;
  overpaid?: CivilEventsResult['overpaid'][number];
}

/** What every chunk of a run shares. */
export interface CivilRun {
  jobId: string;
  ctx: WriteContext;
  today: string;
  /** The RTs a resident may move into. */
  openRts: ReadonlySet<string>;
}

const keyId = (k: Key) => `${k.pk}\u0000${k.sk}`;
const orderOf = (input: BirthInput) => input.multipleBirth ?? 1;
const birthKeyOf = (input: BirthInput) => motherBirthKey({ ...input, order: orderOf(input) });

/**
 * When an item is written, so that a job stopped half-way leaves what its retry can take up. First everything the lines
 * read nothing back from (closed periods, birth records, audit records, reports taken off the list); then, line by
 * line of each person (`rank`: the line's place among that person's), the resident (a death or move is recorded once
 * the resident says so), then the mother's birth item (a birth is recorded once she has it). A retry finds each
 * person's lines recorded up to one, and that one recorded or not.
 */
function stageOf(r: BatchRequest, rank: number, registry: string): number {
  if (!('put' in r) || r.table !== registry) return 0;
  if (r.put.sk === 'PROFILE') return 1 + 2 * rank;
  return String(r.put.pk).startsWith('RES#') && String(r.put.sk).startsWith('BIRTH#') ? 2 + 2 * rank : 0;
}

/** A chunk's once-only marker: `CIVIL#`, never a residents import's `CHUNK#`, should one job id be given to both. */
const markerOf = (jobId: string, chunkNo: number) => ({ pk: `IMPORT#${jobId}`, sk: `CIVIL#${chunkNo}` });
const firstPart = (m: Key) => ({ pk: m.pk, sk: `${m.sk}#0` });

/** What a chunk reads: its people, the mothers' birth items, its marker. */
export function civilChunkKeys(groups: readonly Line[][], chunkNo: number, jobId: string): Key[] {
  const keys = new Map<string, Key>();
  const read = (k: Key) => keys.set(keyId(k), k);
  read(firstPart(markerOf(jobId, chunkNo)));
  for (const l of groups.flat()) {
    for (const nik of niksOf(l)) read(residentKey(nik));
    if (l.event === 'BIRTH') read(birthKeyOf(l.input));
  }
  return [...keys.values()];
}

/** One chunk: read, apply its lines in memory, the aggregates once, then the items. */
async function applyChunk(groups: readonly Line[][], chunkNo: number, run: CivilRun): Promise<ChunkOutcome> {
  const read = await batchGet(civilChunkKeys(groups, chunkNo, run.jobId));
  const { outcome, memory, applied } = planCivilChunk(groups, chunkNo, read, run);
  await applyOnce(
    { ...markerOf(run.jobId, chunkNo), ...(Object.keys(applied).length ? { first: { applied } } : {}) },
    memory.tally.items(),
  );
  for (const stage of memory.writes()) await batchWrite(stage);
  return outcome;
}

/**
 * A chunk's lines applied in memory to what it read (civilChunkKeys), each person's in file order: the outcome, the
 * items to write and the aggregates (`memory`), and what its marker keeps of the lines applied. Pure but for new
 * births' ids.
 */
export function planCivilChunk(
  groups: readonly Line[][],
  chunkNo: number,
  read: readonly Record<string, unknown>[],
  run: CivilRun,
): { outcome: ChunkOutcome; memory: InMemory; applied: Record<string, AppliedLine> } {
  const { ctx, today } = run;
  const registry = tableName('registry');
  const memory = new InMemory(read);
  // This chunk ran before under this job and stopped after its aggregates: what it applied then. Those lines count as
  // applied again (the job's outcome is the same however often it runs), their births keep their ids.
  const earlier = (memory.get(firstPart(markerOf(run.jobId, chunkNo)))?.applied ?? {}) as Record<
    string,
    AppliedLine
  >;
  const applied: Record<string, AppliedLine> = {};
  const resident = (nik: string): Resident | undefined => {
    const item = memory.get(residentKey(nik));
    return item ? residentFromItem(item) : undefined;
  };
  const out: ChunkOutcome = {
    applied: { BIRTH: 0, DEATH: 0, MOVE_OUT: 0 },
    unchanged: 0,
    rejected: [],
    overpaid: [],
  };

  /** A line's writes, or undefined when the registry holds it already; refusals thrown as the routes throw them. */
  const planOf = (l: Line, lineCtx: WriteContext): ({ writes: Write[] } & AppliedLine) | undefined => {
    if (l.event !== 'BIRTH') {
      const before = resident(l.nik);
      // Written before the chunk stopped, with the person's lines after it, perhaps: done, not to be done again.
      const version = earlier[l.line]?.version;
      if (version && before && before.version >= version) return undefined;
      return l.event === 'DEATH'
        ? appliedOf(l.nik, planDeath(l.nik, before, l.input, lineCtx, ctx.now, today))
        : appliedOf(l.nik, planMove(before, l.input, lineCtx, ctx.now, today, run.openRts));
    }
    // Recorded already, whatever became of the mother since.
    if (memory.get(birthKeyOf(l.input))) return undefined;
    const id = earlier[l.line]?.birth ?? randomUUID();
    const plan = planBirth(l.input, resident(l.input.motherNik), lineCtx, id);
    const child = l.input.nik;
    if (child && memory.get(residentKey(child))) {
      // The child this very line registered before the chunk stopped is its own; anyone else's NIK is taken.
      if (!earlier[l.line]) throw nikTaken();
      memory.forget(residentKey(child));
    }
    return { writes: plan.writes, birth: id };
  };

  const count = (l: Line, a: AppliedLine) => {
    out.applied[l.event]++;
    if (a.overpaid) out.overpaid.push(a.overpaid);
  };
  for (const group of groups) {
    for (const [rank, l] of group.entries()) {
      try {
        const plan = planOf(l, { ...ctx, requestId: `${ctx.requestId}:${l.line}` });
        if (plan) {
          memory.apply(plan.writes, (r) => stageOf(r, rank, registry));
          const { writes: _writes, ...line } = plan;
          applied[l.line] = line;
          count(l, line);
        } else if (earlier[l.line]) count(l, earlier[l.line]!);
        else out.unchanged++;
      } catch (error) {
        const refusal = refused(l, error);
        if (refusal !== 'unchanged') out.rejected.push(...refusal.map((i) => ({ line: l.line, ...i })));
        else if (earlier[l.line]) count(l, earlier[l.line]!);
        else out.unchanged++;
      }
    }
  }

  return { outcome: out, memory, applied };
}

/** A death's or a move's writes, the resident's version they write, what the city paid after it (a move out). */
function appliedOf(nik: string, plan: Plan<DeathOutcome | MoveOutcome>): { writes: Write[] } & AppliedLine {
  const resident = plan.writes.find((w) => w.kind === 'put' && w.item.sk === 'PROFILE');
  return {
    writes: plan.writes,
    ...(resident?.kind === 'put' ? { version: Number(resident.item.version) } : {}),
    ...('overpaid' in plan.outcome && plan.outcome.overpaid.months.length
      ? { overpaid: { nik, ...plan.outcome.overpaid } }
      : {}),
  };
}

/** What a refused line says, as the per-line import said it: by field, or unchanged for a 409 naming the same. */
function refused(l: Line, error: unknown): Issue[] | 'unchanged' {
  if (error instanceof ValidationError)
    return error.issues.map((i) => ({ field: i.path === 'birthDate' ? 'date' : i.path, reason: i.message }));
  if (!(error instanceof DomainError) || error.status >= 500) throw error;
  const d = error.details;
  if (error.status === 409) {
    if (l.event === 'DEATH' && d.status === 'DECEASED' && d.deceasedOn === l.input.date) return 'unchanged';
    if (
      l.event === 'MOVE_OUT' &&
      d.status === 'MOVED_OUT' &&
      d.movedOutOn === l.input.date &&
      d.to === l.input.to
    )
      return 'unchanged';
  }
  return [{ field: String(d.field ?? (l.event === 'BIRTH' ? 'motherNik' : 'nik')), reason: error.message }];
}

/** A file as read: every line checked, the good ones in chunks of whole groups, the others refused by line. */
export interface CivilFile {
  rows: number;
  chunks: Line[][][];
  rejected: Rejection[];
}

export function readCivilEvents(text: string, maxRows?: number): CivilFile {
  const { header, records } = readCsvTable(text, ['event', 'date'], CIVIL_EVENT_COLUMNS.join(','));
  if (maxRows !== undefined && records.length > maxRows)
    throw new PayloadTooLarge(
      `This file has ${records.length} lines; up to ${maxRows} are taken at once. Upload larger exports with POST /civil-events/import/uploads.`,
      {
        rows: records.length,
        maxRows,
      },
    );
  const index = CIVIL_EVENT_COLUMNS.map((c) => header.indexOf(c));
  const lines: Line[] = [];
  const rejected: Rejection[] = [];
  for (const { fields, line } of records) {
    const cells: Cells = {};
    CIVIL_EVENT_COLUMNS.forEach((c, i) => {
      const v = index[i]! < 0 ? undefined : fields[index[i]!]?.trim();
      if (v) cells[c] = v;
    });
    const read = readLine(line, cells);
    if (Array.isArray(read)) rejected.push(...read.map((i) => ({ line, ...i })));
    else lines.push(read);
  }
  return { rows: records.length, chunks: chunksOf(groupsOf(lines)), rejected };
}

export async function importCivilEvents(
  text: string,
  ctx: WriteContext,
  opts: { maxRows?: number; jobId?: string; leaseSeconds?: number; waitForLockSeconds?: number } = {},
): Promise<CivilEventsResult> {
  const file = readCivilEvents(text, opts.maxRows);
  const jobId = opts.jobId ?? randomUUID();
  const result: CivilEventsResult = {
    jobId,
    rows: file.rows,
    applied: { BIRTH: 0, DEATH: 0, MOVE_OUT: 0 },
    unchanged: 0,
    rejected: [],
    rejectedRows: 0,
    overpaid: [],
  };
  const reject = (rejections: readonly Rejection[]) => {
    result.rejectedRows += new Set(rejections.map((r) => r.line)).size;
    for (const r of rejections) if (result.rejected.length < MAX_REJECTIONS_KEPT) result.rejected.push(r);
  };
  reject(file.rejected);
  // One import at a time, residents' or civil events': both write residents and move the same counts.
  await acquireImportLock(jobId, opts.leaseSeconds ?? 60, opts.waitForLockSeconds ?? 0);
  try {
    const run: CivilRun = { jobId, ctx, today: todayWib(), openRts: await loadKnownRts() };
    const { chunks } = file;
    // A few chunks at once. After a failure no chunk starts, and the run ends (and lets the lock go) only once those
    // under way have: a retry never meets this run's writes still landing.
    let next = 0;
    let failure: { error: unknown } | undefined;
    const worker = async () => {
      for (let no = next++; no < chunks.length && !failure; no = next++) {
        try {
          const o = await applyChunk(chunks[no]!, no, run);
          for (const e of EVENTS) result.applied[e] += o.applied[e];
          result.unchanged += o.unchanged;
          reject(o.rejected);
          result.overpaid.push(...o.overpaid);
        } catch (error) {
          failure ??= { error };
        }
      }
    };
    await Promise.all(Array.from({ length: CHUNKS_IN_FLIGHT }, worker));
    if (failure) throw failure.error;
    // Whoever died or left the city stops working for it (a retry of the job does this again, finding nothing left).
    const leaving = chunks
      .flat(2)
      .flatMap((l) =>
        l.event === 'DEATH'
          ? [{ nik: l.nik, date: l.input.date, reason: 'Meninggal dunia' }]
          : l.event === 'MOVE_OUT' && !RT_CODE.test(l.input.to)
            ? [{ nik: l.nik, date: l.input.date, reason: 'Pindah ke luar kota' }]
            : [],
      );
    await endWorkOfLeaving(leaving, ctx);
  } finally {
    await releaseImportLock(jobId);
  }
  // Chunks finish in any order: the reasons are listed by line, the overpaid by NIK.
  result.rejected.sort((a, b) => a.line - b.line);
  result.overpaid.sort((a, b) => a.nik.localeCompare(b.nik));
  return result;
}
