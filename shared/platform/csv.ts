// A small RFC 4180 CSV reader: quoted fields with "" escapes and line breaks, CRLF or LF, a BOM,
// trimmed unquoted fields, blank lines skipped. Each record keeps the line it starts on, for messages.
// (csv-parse does this and far more; it is the tests' oracle, kept out of the bundles, where its
// 30 KB would put the import functions over their size budget.)

import { ValidationError } from './errors.ts';

export interface CsvRecord {
  line: number;
  fields: string[];
}

export class CsvError extends Error {}

export function parseCsv(input: string): CsvRecord[] {
  const text = input.charCodeAt(0) === 0xfeff ? input.slice(1) : input;
  const records: CsvRecord[] = [];
  let fields: string[] = [];
  let field = '';
  let quoted = false;
  let line = 1;
  let recordLine = 1;
  let i = 0;
  let anyQuoted = false;
  const endField = () => {
    anyQuoted ||= quoted;
    fields.push(quoted ? field : field.trim());
    field = '';
    quoted = false;
  };
  const endRecord = () => {
    endField();
    if (anyQuoted || fields.length > 1 || fields[0] !== '') records.push({ line: recordLine, fields });
    fields = [];
    anyQuoted = false;
  };
  while (i < text.length) {
    const ch = text[i]!;
    if (ch === '"' && field.trim() === '' && !quoted) {
      // A quoted field: read to the closing quote, "" standing for one quote.
      const start = line;
      field = '';
      quoted = true;
      i++;
      for (;;) {
        if (i >= text.length) throw new CsvError(`a quoted field opened at line ${start} is never closed`);
        const c = text[i]!;
        if (c === '"') {
          if (text[i + 1] === '"') {
            field += '"';
            i += 2;
            continue;
          }
          i++;
          break;
        }
        if (c === '\n') line++;
        field += c;
        i++;
      }
      // Only spaces may follow the closing quote before the separator.
      while (text[i] === ' ' || text[i] === '\t') i++;
      const next = text[i];
      if (next !== undefined && next !== ',' && next !== '\n' && next !== '\r') {
        throw new CsvError(`unexpected character after a closing quote at line ${line}`);
      }
      continue;
    }
    if (ch === ',') {
      endField();
      i++;
      continue;
    }
    if (ch === '\r' || ch === '\n') {
      endRecord();
      i += ch === '\r' && text[i + 1] === '\n' ? 2 : 1;
      line++;
      recordLine = line;
      continue;
    }
    if (quoted) throw new CsvError(`unexpected character after a closing quote at line ${line}`);
    field += ch;
    i++;
  }
  if (field !== '' || quoted || fields.length) endRecord();
  return records;
}

/**
 * An uploaded table: the header (it must name every `required` column) and the records under it. What cannot be read
 * is a 400 naming `file`, a missing column one naming `header` and saying what the header should be (`expected`).
 */
export function readCsvTable(
  text: string,
  required: readonly string[],
  expected: string,
): { header: string[]; records: CsvRecord[] } {
  let records: CsvRecord[];
  try {
    records = parseCsv(text);
  } catch (error) {
    if (!(error instanceof CsvError)) throw error;
    throw ValidationError.field('file', `is not readable CSV: ${error.message}`);
  }
  const header = records.shift()?.fields;
  if (!header) throw ValidationError.field('file', 'is empty; the first line must be the header');
  const missing = required.filter((c) => !header.includes(c));
  if (missing.length) {
    throw ValidationError.field('header', `is missing column(s) ${missing.join(', ')}; expected ${expected}`);
  }
  return { header, records };
}

/** RFC 4180: quoted where needed; a leading = + - @ is defused so a spreadsheet never runs it as a formula. */
export function csvCell(value: unknown): string {
  let text = value === undefined || value === null ? '' : String(value);
  if (/^[=+\-@\t\r]/.test(text) && typeof value === 'string') text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}
