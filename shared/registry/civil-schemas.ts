// The civil registration's inputs (deaths, moves, births): in a module of their own, so that only the functions that
// take them carry their schemas (a module's top-level schemas go into every bundle that imports it).
import * as z from 'zod/mini';
import { RT_CODE } from '#shared/city/regions.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { birthDateSchema, isoDate, line, nameSchema, nikSchema, sexSchema, text } from './fields.ts';

/** The day of a death or a move (WIB): a real day, not in the future. */
const pastDaySchema = isoDate().check(z.refine((s) => s <= todayWib(), 'is in the future'));
/** A record's number: the death certificate (akta kematian), the letter of the move (SKPWNI), a facility's record. */
const referenceSchema = z.optional(
  line().check(
    z.trim(),
    z.minLength(1, 'must not be empty'),
    z.maxLength(100, 'must be at most 100 characters'),
  ),
);

/** Who reports a death: Dukcapil's civil registration, a health facility, or the RT (a chair's report, confirmed). */
export const DEATH_SOURCES = ['DUKCAPIL', 'FACILITY', 'RT'] as const;
export type DeathSource = (typeof DEATH_SOURCES)[number];

export const deathSchema = z.object({
  /** The day of death (WIB). */
  date: pastDaySchema,
  source: z.enum(DEATH_SOURCES, { error: `must be one of ${DEATH_SOURCES.join(', ')}` }),
  /** The death certificate's number (akta kematian) or the facility's record. */
  reference: referenceSchema,
});
export type DeathInput = z.infer<typeof deathSchema>;

/** A Kemendagri region code: province, regency or city, kecamatan, or kelurahan/desa (15, 15.71, 15.71.01, 15.71.01.1001). */
export const REGION_CODE = /^\d{2}(\.\d{2}(\.\d{2}(\.\d{4})?)?)?$/;

export const moveSchema = z.object({
  /** The day of the move (WIB). */
  date: pastDaySchema,
  /** Where to: a region outside the city (Kemendagri code), or an RT of the city's directory. */
  to: text().check(
    z.refine((s) => REGION_CODE.test(s) || RT_CODE.test(s), {
      error: 'must be a region code outside the city (e.g. 15.05 or 31.71.01.1001) or an RT code of the city',
    }),
  ),
  /** Dukcapil's letter of the move (SKPWNI) or another record. */
  reference: referenceSchema,
});
export type MoveInput = z.infer<typeof moveSchema>;

/** A newborn's record: by the mother's NIK and the birth order until the child has a NIK of its own. */
export const birthSchema = z.object({
  motherNik: nikSchema,
  name: nameSchema,
  birthDate: birthDateSchema.check(
    z.refine(
      (s) => s >= shiftYears(todayWib(), -1),
      'must be within the last year: older children are registered with POST /residents',
    ),
  ),
  sex: sexSchema,
  /** The child's NIK when Dukcapil has issued it already. */
  nik: z.optional(nikSchema),
  /** The child's place in a multiple birth (1 for the first twin, 2 for the second…); 1 by default. */
  multipleBirth: z.optional(z.number().check(z.int('must be a whole number'), z.minimum(1), z.maximum(9))),
});
export type BirthInput = z.infer<typeof birthSchema>;

export const birthNikSchema = z.object({ nik: nikSchema });

/** The same day `years` years earlier or later (29 February becomes 28 February). */
function shiftYears(day: string, years: number): string {
  const y = String(Number(day.slice(0, 4)) + years).padStart(4, '0');
  const md = day.slice(5) === '02-29' ? '02-28' : day.slice(5);
  return `${y}-${md}`;
}
