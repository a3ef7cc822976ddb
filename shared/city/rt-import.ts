// The RT directory in one go: a CSV `rt,chairName,chairPhone,households` (the city's 1,650 RTs, or any part of them),
// checked whole first like the residents' import (every bad row reported with its line and field), then each valid
// row written as a new RT, a change to one, or nothing when it is unchanged, each with its audit record. Importing
// the same file again changes nothing; a row never closes or reopens an RT (PUT /rts/{rt} does that).
import * as z from 'zod/mini';
import { readCsvTable } from '#shared/platform/csv.ts';
import { conditionFailed, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { PayloadTooLarge } from '#shared/platform/errors.ts';
import { mapInFlight } from '#shared/platform/in-flight.ts';
import {
  applyRtChange,
  CHANGE_ATTEMPTS,
  type ChangeContext,
  getRt,
  jitter,
  listRts,
  newRtItem,
  type Rt,
  rtRegisterItems,
  rtUpdateItems,
} from './rts.ts';
import { newRtSchema } from './schemas.ts';

export const RT_IMPORT_COLUMNS = ['rt', 'chairName', 'households'] as const;
/** A city's RTs at most in one file: Jambi has 1,650; the largest cities a few times that. */
export const RT_IMPORT_MAX_ROWS = 20_000;
const IN_FLIGHT = 16;
/** Rows in one transaction: two items each (the RT, its audit record), and TransactWriteItems takes 100. */
const ROWS_PER_TRANSACTION = 50;
const CHUNKS_IN_FLIGHT = 4;
const MAX_REJECTIONS_KEPT = 1000;

export interface RtImportResult {
  rows: number;
  imported: number;
  updated: number;
  unchanged: number;
  rejected: { line: number; field: string; reason: string }[];
  /** Rows rejected; `rejected` lists at most the first 1000 reasons. */
  rejectedRows: number;
}

type Row = z.infer<typeof newRtSchema>;

/** A count as a spreadsheet writes it (120, 1.250, 1,250); anything else goes on as text, for the schema to refuse. */
const count = (cell: string | undefined) =>
  cell !== undefined && /^(\d+|\d{1,3}([.,]\d{3})+)$/.test(cell) ? Number(cell.replace(/[.,]/g, '')) : cell;

/** Reads and checks the whole file: the valid rows, and each bad one's line, field and reason. */
export function parseRtCsv(text: string): { rows: { line: number; row: Row }[]; result: RtImportResult } {
  const { header, records } = readCsvTable(text, RT_IMPORT_COLUMNS, 'rt,chairName,chairPhone,households');
  if (records.length > RT_IMPORT_MAX_ROWS) {
    throw new PayloadTooLarge(
      `This file has ${records.length} rows; send at most ${RT_IMPORT_MAX_ROWS} at a time`,
      {
        rows: records.length,
        maxRows: RT_IMPORT_MAX_ROWS,
      },
    );
  }
  const col = (name: string) => header.indexOf(name);
  const result: RtImportResult = {
    rows: records.length,
    imported: 0,
    updated: 0,
    unchanged: 0,
    rejected: [],
    rejectedRows: 0,
  };
  const reject = (issues: RtImportResult['rejected']) => {
    result.rejectedRows++;
    for (const issue of issues) if (result.rejected.length < MAX_REJECTIONS_KEPT) result.rejected.push(issue);
  };
  const rows: { line: number; row: Row }[] = [];
  const seen = new Map<string, number>();
  for (const { fields, line } of records) {
    const cell = (name: string) => {
      const v = col(name) < 0 ? undefined : fields[col(name)];
      return v === undefined || v === '' ? undefined : v;
    };
    const parsed = z.safeParse(newRtSchema, {
      rt: cell('rt'),
      chairName: cell('chairName'),
      chairPhone: cell('chairPhone'),
      households: count(cell('households')),
    });
    if (!parsed.success) {
      reject(
        parsed.error.issues.map((i) => ({ line, field: String(i.path[0] ?? 'row'), reason: i.message })),
      );
      continue;
    }
    const first = seen.get(parsed.data.rt);
    if (first !== undefined) {
      reject([{ line, field: 'rt', reason: `appears again; first at line ${first}` }]);
      continue;
    }
    seen.set(parsed.data.rt, line);
    rows.push({ line, row: parsed.data });
  }
  return { rows, result };
}

type Outcome = 'imported' | 'updated' | 'unchanged';

/** What a row does to the RT as it is (`before`): the outcome and the transaction items (none when unchanged). */
function plan(
  row: Row,
  before: Rt | undefined,
  ctx: ChangeContext,
): { outcome: Outcome; items: TransactItem[] } {
  if (!before)
    return { outcome: 'imported', items: rtRegisterItems(newRtItem(row, ctx.now), ctx, 'RT import') };
  // An empty phone cell keeps the number the directory has (lists often lack them).
  const after = applyRtChange(before, {
    chairName: row.chairName,
    households: row.households,
    ...(row.chairPhone ? { chairPhone: row.chairPhone } : {}),
  });
  if (!after) return { outcome: 'unchanged', items: [] };
  const written = { ...after, version: before.version + 1, updatedAt: ctx.now };
  return { outcome: 'updated', items: rtUpdateItems(before, written, ctx, 'RT import') };
}

/** One row on its own, from a fresh read; a row that meets a concurrent change is done again. */
async function importRow(row: Row, ctx: ChangeContext): Promise<Outcome> {
  for (let attempt = 1; ; attempt++) {
    const { outcome, items } = plan(row, await getRt(row.rt, true), ctx);
    try {
      if (items.length) await transact(items);
      return outcome;
    } catch (error) {
      if (!conditionFailed(error) || attempt >= CHANGE_ATTEMPTS) throw error;
      await jitter(attempt);
    }
  }
}

/**
 * A chunk of rows in one transaction, against the directory as the import read it (`known`). When any RT changed
 * meanwhile the transaction writes nothing, and each row of the chunk is done on its own from a fresh read.
 */
export async function importChunk(
  rows: Row[],
  known: Map<string, Rt>,
  ctx: ChangeContext,
): Promise<Outcome[]> {
  const plans = rows.map((row) => plan(row, known.get(row.rt), ctx));
  const items = plans.flatMap((p) => p.items);
  try {
    if (items.length) await transact(items);
    return plans.map((p) => p.outcome);
  } catch (error) {
    if (!conditionFailed(error)) throw error;
    return mapInFlight(rows, IN_FLIGHT, (row) => importRow(row, ctx));
  }
}

/**
 * Imports an RT list: every row checked first, then the valid ones written, a transaction per chunk of rows (each row
 * is two items, the RT and its audit record; TransactWriteItems takes 100), a few chunks at a time.
 */
export async function importRts(text: string, ctx: ChangeContext): Promise<RtImportResult> {
  const { rows, result } = parseRtCsv(text);
  // The whole directory in one Query (a few thousand small items), rather than a read per row.
  const known = new Map((await listRts('', true)).map((rt) => [rt.rt, rt]));
  const chunks: Row[][] = [];
  for (let i = 0; i < rows.length; i += ROWS_PER_TRANSACTION) {
    chunks.push(rows.slice(i, i + ROWS_PER_TRANSACTION).map((r) => r.row));
  }
  const outcomes = await mapInFlight(chunks, CHUNKS_IN_FLIGHT, (chunk) => importChunk(chunk, known, ctx));
  for (const o of outcomes.flat()) result[o]++;
  return result;
}
