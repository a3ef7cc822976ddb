// The registry's field schemas (zod mini, to keep bundles small) shared by its handlers.
import * as z from 'zod/mini';
import { RT_CODE, rtProblem } from '#shared/city/regions.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { parseNik } from './nik.ts';

export const SCHEMES = ['PBI_APBN', 'PBI_APBD', 'PBPU', 'PPU', 'BP'] as const;
export const COVERAGE_STATUSES = ['ACTIVE', 'INACTIVE'] as const;
export type Scheme = (typeof SCHEMES)[number];
export type CoverageStatus = (typeof COVERAGE_STATUSES)[number];

/** A string field whose missing and mistyped cases say so plainly. */
export const text = () =>
  z.string({ error: (issue) => (issue.input === undefined ? 'is required' : 'must be a string') });

export const nikSchema = text().check(
  z.superRefine((value, ctx) => {
    const parsed = parseNik(value);
    if (!parsed.ok) ctx.addIssue({ code: 'custom', message: `NIK ${parsed.reason}`, input: value });
  }),
);

export const kkSchema = text().check(z.regex(/^\d{16}$/, 'KK number must be exactly 16 digits'));

export const isoDate = () =>
  text().check(
    z.regex(/^\d{4}-\d{2}-\d{2}$/, 'must be a date written YYYY-MM-DD'),
    z.refine((s) => {
      const d = new Date(`${s}T00:00:00Z`);
      return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
    }, 'is not a real calendar date'),
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

export const nameSchema = text().check(
  z.trim(),
  z.minLength(2, 'must be at least 2 characters'),
  z.maxLength(100, 'must be at most 100 characters'),
);

export const sexSchema = z.enum(['M', 'F'], { error: 'must be M or F' });
export const schemeSchema = z.enum(SCHEMES, { error: `must be one of ${SCHEMES.join(', ')}` });
export const statusSchema = z.enum(COVERAGE_STATUSES, { error: 'must be ACTIVE or INACTIVE' });
export const boolSchema = z.boolean({ error: 'must be true or false' });

export const coverageChangeSchema = z.object({
  scheme: schemeSchema,
  status: statusSchema,
  reason: text().check(
    z.trim(),
    z.minLength(3, 'must say why, in at least 3 characters'),
    z.maxLength(500, 'must be at most 500 characters'),
  ),
});
export type CoverageChange = z.infer<typeof coverageChangeSchema>;
