import { parse } from 'csv-parse/sync';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { CsvError, parseCsv } from '../../shared/platform/csv.ts';

describe('CSV reader', () => {
  it('reads quoted fields, escaped quotes, line breaks in quotes, CRLF, a BOM and blank lines', () => {
    const text = '\uFEFFnik,name\r\n1," Siti ""Ani"" Aminah"\r\n\r\n2,"Budi\nSantoso" \n 3 , x \n';
    expect(parseCsv(text)).toEqual([
      { line: 1, fields: ['nik', 'name'] },
      { line: 2, fields: ['1', ' Siti "Ani" Aminah'] },
      { line: 4, fields: ['2', 'Budi\nSantoso'] },
      { line: 6, fields: ['3', 'x'] },
    ]);
  });

  it('says where a quote is left open or misplaced', () => {
    expect(() => parseCsv('a,b\n1,"open\n2,3\n')).toThrow(
      new CsvError('a quoted field opened at line 2 is never closed'),
    );
    expect(() => parseCsv('a,b\n1,"x"y\n')).toThrow(CsvError);
  });

  it('reads whatever csv-parse reads, the same way', () => {
    const field = fc.oneof(
      fc.stringMatching(/^[A-Za-z0-9 +.-]{0,12}$/).map((s) => s.trim()),
      fc.string({ maxLength: 12 }).map((s) => `"${s.replaceAll('"', '""')}"`),
    );
    const record = fc.array(field, { minLength: 1, maxLength: 6 }).map((f) => f.join(','));
    fc.assert(
      fc.property(
        fc.array(record, { minLength: 1, maxLength: 20 }),
        fc.constantFrom('\n', '\r\n'),
        (rows, eol) => {
          const text = rows.join(eol) + eol;
          const theirs = parse(text, {
            bom: true,
            trim: true,
            skip_empty_lines: true,
            relax_column_count: true,
          }) as string[][];
          const ours = parseCsv(text).map((r) => r.fields);
          expect(ours).toEqual(theirs);
        },
      ),
      { numRuns: 300 },
    );
  });
});
