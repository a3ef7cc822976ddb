// BPJS's invoice of a month checked name by name. BPJS bills the city for the PBI APBD participants it lists; audits
// keep finding premiums paid for people who had died, moved away or were listed twice, because the invoice was
// checked as a head count. Here every billed NIK is matched against who the city pays for that month (the city-paid
// index, gsi3: a Query per shard, never a scan of residents), and each row the city should not pay is named with its
// reason; the residents the city pays for that BPJS did not list are named too. The outcome is kept (a month may be
// checked again after corrections) and printed as CSV for the letter to BPJS.
import { createHash } from 'node:crypto';
import * as z from 'zod/mini';
import { auditPut } from '#shared/platform/audit.ts';
import { config } from '#shared/platform/config.ts';
import { readCsvTable } from '#shared/platform/csv.ts';
import { queryAll, transact } from '#shared/platform/dynamo.ts';
import { NotFound, PayloadTooLarge, ValidationError } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { dayWib, monthWib, startOfDayWib, todayWib } from '#shared/platform/wib.ts';
import { batchGet, batchWrite } from './batch.ts';
import { isoMonth } from './fields.ts';
import { CITY_PAID_SHARDS, residentFromItem, residentKey, type WriteContext } from './repository.ts';
import { addMonths } from './rules.ts';
import type { Resident } from './schemas.ts';

export const EXTRA_REASONS = [
  'DECEASED',
  'MOVED_OUT',
  'NOT_REGISTERED',
  'NOT_CITY_PAID',
  'INACTIVE',
  'DUPLICATE',
] as const;
export type ExtraReason = (typeof EXTRA_REASONS)[number];

/** A billed row the city should not pay: the NIK, why, since when (a day, WIB), and where it is in BPJS's file. */
export interface ExtraRow {
  nik: string;
  reason: ExtraReason;
  since?: string;
  line: number;
}

export interface Rejection {
  line: number;
  field: string;
  reason: string;
}

export interface ReconciliationSummary {
  id: string;
  month: string;
  createdAt: string;
  createdBy: string;
  jobId?: string;
  /** Rows of BPJS's list (each a billed participant). */
  billed: number;
  /** Billed rows the city pays for that month. */
  matched: number;
  extraCount: number;
  missingCount: number;
  byReason: Record<ExtraReason, number>;
  /** Who the city pays for that month, as `/premiums` counts them: matched + missing + newbornsWithoutNik. */
  cityPaid: number;
  /** City-paid newborns whose NIK Dukcapil has not issued yet: on the bill, but nothing to match by NIK. */
  newbornsWithoutNik: number;
  premiumPerPerson: number;
  /** The extra rows at the month's premium: what the city should not pay, or should recover. */
  overbilledRupiah: number;
  /** Rows whose NIK cell is not 16 digits: neither matched nor counted as extra. */
  rejectedRows: number;
}

export interface Reconciliation extends ReconciliationSummary {
  extra: ExtraRow[];
  /** NIKs the city pays for that month which BPJS's list does not have. */
  missing: string[];
  rejected: Rejection[];
}

/** The path of one reconciliation: its month and its id (the list's hash, 20 hex digits). */
export const reconciliationParams = z.object({
  month: isoMonth(),
  id: z.string().check(z.regex(/^[0-9a-f]{20}$/, 'must be a reconciliation id')),
});

/** Rows kept per stored item (an item holds at most 400 KB). */
const ROWS_PER_ITEM = 1000;
const T = () => tableName('registry');
const summaryKey = (month: string, id: string) => ({ pk: `RECON#${month}`, sk: id });
const rowsPk = (id: string) => `RECON#${id}`;
type Part = 'EXTRA' | 'MISSING' | 'REJECTED';

/** Why a month cannot be reconciled yet; undefined when it can. */
export function monthProblem(month: string, today = todayWib()): string | undefined {
  if (month < '2014-01') return 'must not be before 2014-01, when JKN began';
  if (month > today.slice(0, 7)) return `must not be after this month (${today.slice(0, 7)})`;
  return undefined;
}

/**
 * Who the city pays for in a month: every city-paid period (and every city-paid newborn still without a NIK) that began before the month ended and was still billed in
 * it (its last billed month is its `billedThrough` when a death or a move closed it, else the month it closed in, as
 * the premium deltas count it). A Query per shard of the city-paid index, in parallel.
 */
export async function cityPaidIn(month: string): Promise<{ niks: Set<string>; newborns: number }> {
  const from = startOfDayWib(`${month}-01`);
  const until = startOfDayWib(`${addMonths(month, 1)}-01`);
  const shards = await Promise.all(
    Array.from({ length: CITY_PAID_SHARDS }, (_, d) =>
      queryAll({
        TableName: T(),
        IndexName: 'gsi3',
        KeyConditionExpression: 'gsi3pk = :pk AND gsi3sk < :until',
        FilterExpression: 'attribute_not_exists(validTo) OR validTo >= :from',
        ExpressionAttributeValues: { ':pk': `APBD#${d}`, ':until': until, ':from': from },
        ProjectionExpression: 'pk, validTo, billedThrough',
      }),
    ),
  );
  const niks = new Set<string>();
  let newborns = 0;
  for (const items of shards) {
    for (const item of items) {
      const last =
        (item.billedThrough as string | undefined) ??
        (item.validTo ? monthWib(String(item.validTo)) : undefined);
      if (last && last < month) continue;
      // A coverage period (RES#<nik>), or a newborn's birth (BIRTH#<id>) until its NIK comes.
      if (String(item.pk).startsWith('RES#')) niks.add(String(item.pk).slice(4));
      else newborns++;
    }
  }
  return { niks, newborns };
}

/** Why a billed NIK the city does not pay for this month is not the city's to pay, from the resident as now. */
function extraReason(r: Resident | undefined, month: string): { reason: ExtraReason; since?: string } {
  if (!r) return { reason: 'NOT_REGISTERED' };
  if (r.civilStatus === 'DECEASED' && r.death && r.death.date.slice(0, 7) < month)
    return { reason: 'DECEASED', since: r.death.date };
  if (r.civilStatus === 'MOVED_OUT' && r.movedOut && r.movedOut.date.slice(0, 7) < month)
    return { reason: 'MOVED_OUT', since: r.movedOut.date };
  if (r.coverage?.scheme === 'PBI_APBD' && r.coverage.status !== 'ACTIVE')
    return { reason: 'INACTIVE', since: dayWib(r.coverage.since) };
  return { reason: 'NOT_CITY_PAID', ...(r.coverage ? { since: dayWib(r.coverage.since) } : {}) };
}

/** The NIK cells of BPJS's list, in file order (any other column is ignored; its names are never read). */
function readBilled(text: string): { rows: { line: number; nik: string }[]; rejected: Rejection[] } {
  const { header, records } = readCsvTable(text, ['nik'], 'nik (other columns are ignored)');
  const col = header.indexOf('nik');
  const rows: { line: number; nik: string }[] = [];
  const rejected: Rejection[] = [];
  for (const { fields, line } of records) {
    const nik = (fields[col] ?? '').trim().replace(/^'/, '');
    if (/^\d{16}$/.test(nik)) rows.push({ line, nik });
    else rejected.push({ line, field: 'nik', reason: nik ? 'must be exactly 16 digits' : 'is empty' });
  }
  return { rows, rejected };
}

/**
 * Checks BPJS's list of billed PBI APBD participants for a month against the registry and keeps the outcome. The
 * same list for the same month is the same reconciliation (its id is the list's hash): checking it again replaces
 * the kept outcome with today's answer instead of adding a second.
 */
export async function reconcile(
  month: string,
  text: string,
  ctx: WriteContext,
  opts: { maxRows?: number; jobId?: string } = {},
): Promise<Reconciliation> {
  const problem = monthProblem(month);
  if (problem) throw ValidationError.field('month', problem);
  const { rows, rejected } = readBilled(text);
  const total = rows.length + rejected.length;
  if (opts.maxRows !== undefined && total > opts.maxRows)
    throw new PayloadTooLarge(
      `This list has ${total} rows; up to ${opts.maxRows} are checked directly. Upload larger lists with POST /premiums/${month}/reconciliation/uploads.`,
      { rows: total, maxRows: opts.maxRows },
    );
  if (total === 0) throw ValidationError.field('file', 'has no rows under its header');
  const { niks: paid, newborns } = await cityPaidIn(month);
  const seen = new Set<string>();
  const listed: typeof rows = [];
  const duplicates: ExtraRow[] = [];
  for (const r of rows) {
    if (seen.has(r.nik)) duplicates.push({ nik: r.nik, reason: 'DUPLICATE', line: r.line });
    else {
      seen.add(r.nik);
      listed.push(r);
    }
  }
  const unpaid = listed.filter((r) => !paid.has(r.nik));
  const residents = new Map(
    (await batchGet(unpaid.map((r) => residentKey(r.nik)))).map((i) => [String(i.nik), residentFromItem(i)]),
  );
  const extra: ExtraRow[] = [
    ...unpaid.map((r) => ({ nik: r.nik, ...extraReason(residents.get(r.nik), month), line: r.line })),
    ...duplicates,
  ].sort((a, b) => a.line - b.line);
  const missing = [...paid].filter((nik) => !seen.has(nik)).sort();
  const byReason = Object.fromEntries(EXTRA_REASONS.map((r) => [r, 0])) as Record<ExtraReason, number>;
  for (const e of extra) byReason[e.reason]++;
  const { PREMIUM_PER_PERSON } = config();
  const result: Reconciliation = {
    id: createHash('sha256')
      .update(`${month}\n${rows.map((r) => r.nik).join('\n')}`)
      .digest('hex')
      .slice(0, 20),
    month,
    createdAt: ctx.now,
    createdBy: ctx.actor.sub,
    ...(opts.jobId ? { jobId: opts.jobId } : {}),
    billed: total,
    matched: listed.length - unpaid.length,
    extraCount: extra.length,
    missingCount: missing.length,
    byReason,
    cityPaid: paid.size + newborns,
    newbornsWithoutNik: newborns,
    premiumPerPerson: PREMIUM_PER_PERSON,
    overbilledRupiah: extra.length * PREMIUM_PER_PERSON,
    rejectedRows: rejected.length,
    extra,
    missing,
    rejected,
  };
  await keep(result, ctx);
  return result;
}

/** The rows first, then the summary that says how many stored items of each to read (so a rerun never mixes). */
async function keep(r: Reconciliation, ctx: WriteContext): Promise<void> {
  const items: Record<string, unknown>[] = [];
  const pages: Record<Part, number> = { EXTRA: 0, MISSING: 0, REJECTED: 0 };
  const pageOut = (part: Part, list: unknown[]) => {
    for (let i = 0; i < list.length; i += ROWS_PER_ITEM) {
      items.push({
        pk: rowsPk(r.id),
        sk: `${part}#${String(pages[part]++).padStart(5, '0')}`,
        rows: list.slice(i, i + ROWS_PER_ITEM),
      });
    }
  };
  // Compact rows: [nik, reason, since, line] and bare NIKs; a page of 1,000 stays far under the item limit.
  pageOut(
    'EXTRA',
    r.extra.map((e) => [e.nik, e.reason, e.since ?? '', e.line]),
  );
  pageOut('MISSING', r.missing);
  pageOut('REJECTED', r.rejected);
  await batchWrite(items.map((put) => ({ table: T(), put })));
  const { extra: _e, missing: _m, rejected: _r, ...summary } = r;
  await transact([
    { Put: { TableName: T(), Item: { ...summaryKey(r.month, r.id), ...summary, pages } } },
    auditPut({
      entity: `RECON#${r.month}`,
      action: 'PremiumsReconciled',
      actor: ctx.actor,
      at: ctx.now,
      requestId: ctx.requestId,
      after: {
        id: r.id,
        billed: r.billed,
        matched: r.matched,
        extraCount: r.extraCount,
        missingCount: r.missingCount,
        overbilledRupiah: r.overbilledRupiah,
      },
    }),
  ]);
}

const summaryOf = (item: Record<string, unknown>): ReconciliationSummary => {
  const { pk: _pk, sk: _sk, pages: _p, ...summary } = item;
  return summary as unknown as ReconciliationSummary;
};

/** A month's reconciliations, the latest first. */
export async function listReconciliations(month: string): Promise<ReconciliationSummary[]> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': `RECON#${month}` },
  });
  return items.map(summaryOf).sort((a, b) => b.createdAt.localeCompare(a.createdAt));
}

/** One reconciliation with its rows. */
export async function getReconciliation(month: string, id: string): Promise<Reconciliation> {
  const [head] = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk AND sk = :id',
    ExpressionAttributeValues: { ':pk': `RECON#${month}`, ':id': id },
    ConsistentRead: true,
  });
  if (!head) throw new NotFound('No reconciliation with this id for this month');
  const pages = head.pages as Record<Part, number>;
  const rows = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': rowsPk(id) },
    ConsistentRead: true,
  });
  const part = (p: Part) =>
    rows
      .filter((i) => String(i.sk).startsWith(`${p}#`) && Number(String(i.sk).slice(p.length + 1)) < pages[p])
      .flatMap((i) => i.rows as unknown[]);
  return {
    ...summaryOf(head),
    extra: (part('EXTRA') as [string, ExtraReason, string, number][]).map(([nik, reason, since, line]) => ({
      nik,
      reason,
      ...(since ? { since } : {}),
      line,
    })),
    missing: part('MISSING') as string[],
    rejected: part('REJECTED') as Rejection[],
  };
}

/**
 * The CSV for the letter to BPJS: every extra row with its premium (what the city will not pay, or asks back), then
 * every missing resident. NIKs only: BPJS knows its participants by NIK, and the city shows no one's name here.
 */
export function reconciliationCsv(r: Reconciliation): string {
  const lines = ['nik,reason,since,line,premium'];
  for (const e of r.extra)
    lines.push(`${e.nik},${e.reason},${e.since ?? ''},${e.line},${r.premiumPerPerson}`);
  for (const nik of r.missing) lines.push(`${nik},MISSING,,,`);
  return `${lines.join('\r\n')}\r\n`;
}
