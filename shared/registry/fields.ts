// The registry's field schemas (zod mini, to keep bundles small) shared by its handlers.
import * as z from 'zod/mini';
import { RT_CODE, rtProblem } from '#shared/city/regions.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { parseNik } from './nik.ts';

export const SCHEMES = ['PBI_APBN', 'PBI_APBD', 'PBPU', 'PPU', 'BP'] as const;
export const COVERAGE_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type Scheme = (typeof SCHEMES)[number];
export type CoverageStatus = (typeof COVERAGE_STATUSES)[number];

/**
 * What a person cannot type, refused in every string a request carries: C0 and C1 control characters (tab and line
 * breaks aside), lone UTF-16 surrogates (not UTF-8 at all: DynamoDB refuses them), bidi overrides and isolates
 * (which make a printed or listed name read otherwise than it is stored), and the non-characters U+FFFE/U+FFFF.
 */
const UNTYPEABLE = new RegExp(
  '[\\u0000-\\u0008\\u000B\\u000C\\u000E-\\u001F\\u007F-\\u009F\\u202A-\\u202E\\u2066-\\u2069\\uFFFE\\uFFFF]|' +
    '[\\uD800-\\uDBFF](?![\\uDC00-\\uDFFF])|(?<![\\uD800-\\uDBFF])[\\uDC00-\\uDFFF]',
);

/** The first character of `s` a person cannot type, as U+XXXX, or undefined. */
export function untypeable(s: string): string | undefined {
  const m = UNTYPEABLE.exec(s);
  return m ? `U+${m[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')}` : undefined;
}

/**
 * A string field whose missing and mistyped cases say so plainly; it refuses what a person cannot type (naming the
 * character) and is stored in Unicode NFC, so one name typed on two phones is one name.
 */
export const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') }).check(
    z.superRefine((value, ctx) => {
      const bad = untypeable(value);
      if (bad) {
        ctx.addIssue({
          code: 'custom',
          message: `contains a character a person cannot type (${bad})`,
          input: value,
          abort: true,
        });
      }
    }),
    z.normalize('NFC'),
  );

/** One line of text: a name, a vendor, an address; no line breaks or tabs either. */
export const line = () =>
  text().check(z.refine((s) => !/[\t\n\r\u2028\u2029]/.test(s), 'must be on one line'));

export const nikSchema = text().check(
  z.superRefine((value, ctx) => {
    const parsed = parseNik(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `NIK ${parsed.reason}`, input: value });
  }),
);

export const kkSchema = text().check(z.regex(/^\d{16}$/, 'KK number must be exactly 16 digits'));

/** The years any date of ours falls in: birth dates from 1900, plans and ledgers to 2100. */
export const FIRST_YEAR = 1900;
export const LAST_YEAR = 2100;

/** A real calendar day written YYYY-MM-DD, in the years 1900 to 2100. */
export const isoDate = () =>
  text().check(
    // One reason per field: each check stops the next.
    z.regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'must be a date written YYYY-MM-DD', abort: true }),
    z.refine(
      (s) => {
        const d = new Date(`${s}T00:00:00Z`);
        return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
      },
      { error: 'is not a real calendar date', abort: true },
    ),
    z.refine((s) => s >= `${FIRST_YEAR}-01-01` && s <= `${LAST_YEAR}-12-31`, {
      error: `must be a day in the years ${FIRST_YEAR} to ${LAST_YEAR}`,
      abort: true,
    }),
  );

/** A month written YYYY-MM, in the years 1900 to 2100. */
export const isoMonth = () =>
  text().check(
    z.regex(/^\d{4}-(0[1-9]|1[0-2])$/, { error: 'must be a month written YYYY-MM', abort: true }),
    z.refine(
      (s) => s >= `${FIRST_YEAR}-01` && s <= `${LAST_YEAR}-12`,
      `must be a month in the years ${FIRST_YEAR} to ${LAST_YEAR}`,
    ),
  );

/** A real day at most `years` years before or after today (WIB): a job run for a day, a broadcast's day. */
export const dayNear = (years: number) =>
  isoDate().check(
    z.refine((s) => {
      const today = todayWib();
      const shift = (by: number) =>
        `${String(Number(today.slice(0, 4)) + by).padStart(4, '0')}${today.slice(4)}`;
      return s >= shift(-years) && s <= shift(years);
    }, `must be within ${years} years of today`),
  );

export const birthDateSchema = isoDate().check(
  z.refine((s) => s >= '1900-01-01', 'is before 1900'),
  // Today in WIB: a baby born this morning in Jambi is not "in the future" while it is still yesterday in UTC.
  z.refine((s) => s <= todayWib(), 'is in the future'),
);

/**
 * An RT code's shape only, where the RT is checked against the directory anyway (which holds the city's RTs only):
 * the import, whose functions then carry no region data.
 */
export const rtCodeShapeSchema = /* @__PURE__ */ text().check(
  /* @__PURE__ */ z.regex(RT_CODE, 'must be an RT code <kelurahan>-<RW>-<RT>, e.g. 1571011012-003-012'),
);

/**
 * An RT code of the city: <kelurahan>-<RW>-<RT>, its kelurahan one of the city's (shared/city/regions.ts). Pure: a
 * function that never uses it does not carry the city's regions for it.
 */
export const rtSchema = /* @__PURE__ */ text().check(
  /* @__PURE__ */ z.superRefine((value, ctx) => {
    const problem = rtProblem(value);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, input: value });
  }),
);

export const nameSchema = line().check(
  z.trim(),
  z.minLength(2, 'must be at least 2 characters'),
  z.maxLength(100, 'must be at most 100 characters'),
  // A person's name has letters: a number where a name belongs (a NIK in the wrong column) is refused.
  z.refine((s) => /\p{L}/u.test(s), 'must contain letters'),
);

export const sexSchema = z.enum(['M', 'F'], { error: 'must be M or F' });
export const schemeSchema = z.enum(SCHEMES, { error: `must be one of ${SCHEMES.join(', ')}` });
export const statusSchema = z.enum(COVERAGE_STATUSES, { error: 'must be ACTIVE or INACTIVE' });
export const boolSchema = z.boolean({ error: 'must be true or false' });

/** JKN began on 1 January 2014: no coverage period of the programme starts earlier. */
export const JKN_START = '2014-01-01';

/**
 * The day a coverage period really began (TMT, tanggal mulai terhitung), for participants whose coverage is older
 * than the registry: a real day, not in the future (WIB), not before JKN began.
 */
export const coverageFromSchema = isoDate().check(
  z.refine((s) => s >= JKN_START, { error: `must not be before ${JKN_START}, when JKN began`, abort: true }),
  z.refine((s) => s <= todayWib(), 'is in the future'),
);

/** Why a change is made: what the audit trail and the timeline keep. */
export const reasonSchema = () =>
  text().check(
    z.trim(),
    z.minLength(3, 'must say why, in at least 3 characters'),
    z.maxLength(500, 'must be at most 500 characters'),
  );

export const coverageChangeSchema = z.object({
  scheme: schemeSchema,
  status: statusSchema,
  /** The period's real start (default: now). Not before the current period's start: checked against it. */
  from: z.optional(coverageFromSchema),
  reason: reasonSchema(),
});
export type CoverageChange = z.infer<typeof coverageChangeSchema>;
