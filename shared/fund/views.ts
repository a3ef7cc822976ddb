// What the public sees of a fund: amounts, categories, dates, descriptions and links between entries, never who
// recorded them (the audit trail keeps that), and never a NIK or phone number written into the text (masked).
import { csvCell } from '#shared/platform/csv.ts';
import { maskPersonalNumbers } from './mask.ts';
import type { Account, Entry } from './schemas.ts';

export function publicEntry(e: Entry) {
  const { recordedBy: _who, rt: _rt, year: _year, receipt, ...shown } = e;
  // Whether a receipt is attached, never where the private file is.
  return { ...shown, ...publicText(e), receipt: !!receipt };
}

/** The entry's free text as the public reads it. */
function publicText(e: Entry): Pick<Entry, 'description' | 'vendor'> {
  return {
    description: maskPersonalNumbers(e.description),
    ...(e.vendor !== undefined ? { vendor: maskPersonalNumbers(e.vendor) } : {}),
  };
}

export function publicAccount(a: Account) {
  const { tierAllocatedAt: _t, updatedAt, entries, ...totals } = a;
  return {
    ...totals,
    reversed: a.reversedExpenses + a.reversedAllocations,
    entryCount: entries,
    ...(updatedAt ? { updatedAt } : {}),
  };
}

const CSV_COLUMNS = [
  'entryId',
  'recordedAt',
  'date',
  'kind',
  'direction',
  'amount',
  'category',
  'description',
  'vendor',
  'reverses',
  'receipt',
] as const;

export function entriesCsv(entries: Entry[]): string {
  const rows = entries.map((entry) => {
    const e = { ...entry, ...publicText(entry) };
    return CSV_COLUMNS.map((c) => csvCell(c === 'receipt' ? (e.receipt ? 'yes' : 'no') : e[c])).join(',');
  });
  return `${[CSV_COLUMNS.join(','), ...rows].join('\r\n')}\r\n`;
}
