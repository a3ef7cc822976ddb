// Runtime settings read from the environment, validated once; the CDK stack and local mode set them.
import { z } from 'zod';

const schema = z.object({
  /** Fraction thresholds for UHC: share of residents enrolled in JKN, and share with active coverage. */
  UHC_COVERED_PCT: z.coerce.number().min(0).max(100).default(98),
  UHC_ACTIVE_PCT: z.coerce.number().min(0).max(100).default(80),
  /** Class III premium the city pays per PBI APBD resident per month, in rupiah. */
  PREMIUM_PER_PERSON: z.coerce.number().int().positive().default(42_000),
  /** Day of the month the city's premium falls due. */
  PREMIUM_DUE_DAY: z.coerce.number().int().min(1).max(28).default(10),
  /** Rows a synchronous CSV import accepts; larger files go through an upload and a job. */
  IMPORT_SYNC_MAX_ROWS: z.coerce.number().int().positive().default(10_000),
  /** Name of the city shown in messages. */
  CITY_NAME: z.string().default('Kota Jambi'),
  /** Region code of the city (Kemendagri), e.g. 15.71. */
  CITY_CODE: z.string().default('15.71'),
});

export type Config = z.infer<typeof schema>;

let cached: Config | undefined;

export function config(): Config {
  cached ??= schema.parse(process.env);
  return cached;
}

/** For tests that change the environment between cases. */
export function resetConfig(): void {
  cached = undefined;
}
