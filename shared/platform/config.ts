// Runtime settings read from the environment, validated once; the CDK stack and local mode set them.
import * as z from 'zod/mini';
import { DEFAULT_CITY_CODE } from '#shared/city/regions.ts';

const schema = z.object({
  /** Fraction thresholds for UHC: share of residents enrolled in JKN, and share with active coverage. */
  UHC_COVERED_PCT: z._default(z.coerce.number().check(z.minimum(0), z.maximum(100)), 98),
  UHC_ACTIVE_PCT: z._default(z.coerce.number().check(z.minimum(0), z.maximum(100)), 80),
  /** Class III premium the city pays per PBI APBD resident per month, in rupiah. */
  PREMIUM_PER_PERSON: z._default(z.coerce.number().check(z.int(), z.positive()), 42_000),
  /**
   * BPJS Ketenagakerjaan for a non-wage worker (BPU: work accident + death) the city pays per covered kader or RT
   * activity worker per month, in rupiah. The Jambi seed names the cover but no price; Rp 16,800 is the figure issue 18
   * gives (JKK + JKM for a non-wage worker): a setting, so the city puts BPJS's current rate here.
   */
  BPJSTK_PREMIUM: z._default(z.coerce.number().check(z.int(), z.positive()), 16_800),
  /** Day of the month the city's premium falls due. */
  PREMIUM_DUE_DAY: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(28)), 10),
  /** Rows a synchronous CSV import accepts; larger files go through an upload and a job. */
  IMPORT_SYNC_MAX_ROWS: z._default(z.coerce.number().check(z.int(), z.positive()), 10_000),
  /**
   * The city (Kemendagri code of a kota or kabupaten): 15.71 Kota Jambi, 21.72 Kota Tanjung Pinang, 33.71 Kota
   * Magelang. Its name, kecamatan and kelurahan come from idn-area-data for this code (shared/city/regions.ts).
   */
  CITY_CODE: z._default(
    z.string().check(z.regex(/^\d{2}\.\d{2}$/, 'must be a city code such as 15.71')),
    DEFAULT_CITY_CODE,
  ),
  /**
   * The local name of the city-paid JKN card (PBI APBD), shown beside "PBI APBD" in letters and SMS; empty: Kota
   * Jambi's "Kartu Bahagia" when CITY_CODE is 15.71 (the seeds), none elsewhere.
   */
  PBI_APBD_CARD_NAME: z._default(z.string().check(z.maxLength(30, 'must be at most 30 characters')), ''),
  /** Attestations one RT chair may issue per WIB day. */
  ATTESTATION_DAILY_LIMIT: z._default(z.coerce.number().check(z.int(), z.positive()), 20),
  /** Kampung Bahagia fund per RT per year, in rupiah, by households: more than 100, 60 to 100, fewer than 60. */
  FUND_TIER_LARGE: z._default(z.coerce.number().check(z.int(), z.positive()), 100_000_000),
  FUND_TIER_MEDIUM: z._default(z.coerce.number().check(z.int(), z.positive()), 70_000_000),
  FUND_TIER_SMALL: z._default(z.coerce.number().check(z.int(), z.positive()), 50_000_000),
  /** Days an RT chair may reverse one of the RT's own expenses (0: never; the city may at any time). */
  FUND_CHAIR_REVERSAL_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(0)), 30),
  /** Days an attestation may wait for review before verifiers are reminded daily. */
  ATTESTATION_REVIEW_DAYS: z._default(z.coerce.number().check(z.int(), z.positive()), 14),
  /** Seconds a dispatched unit has to acknowledge its 112 alert before the next unit is sent. */
  ACK_TIMEOUT_SECONDS: z._default(z.coerce.number().check(z.int(), z.minimum(5), z.maximum(900)), 60),
  /** Missed alerts on one incident after which supervisors are told no unit is responding (and it stops). */
  INCIDENT_MAX_MISSES: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(10)), 2),
  /** A report from the same caller within these minutes and metres is linked to the open incident. */
  INCIDENT_LINK_MINUTES: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(120)), 10),
  INCIDENT_LINK_METERS: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(10_000)), 300),
  /** SMS the account may send per second (SNS's SMS rate quota); the reminder sender keeps to it. */
  SMS_RATE_PER_SECOND: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(1000)), 20),
  /**
   * Reminder sender instances at most (reserved concurrency, and the SQS event source's maximum concurrency, which
   * is at least 2); each keeps to its share of the rate.
   */
  SMS_SENDER_CONCURRENCY: z._default(z.coerce.number().check(z.int(), z.minimum(2), z.maximum(20)), 2),
  /** What the city may spend on reminder SMS in a WIB month, in US dollars (SNS bills in USD); 0 stops them. */
  SMS_MONTHLY_BUDGET_USD: z._default(z.coerce.number().check(z.minimum(0)), 200),
  /** The account's SNS spend limit per month in USD: every SMS (reminders, 112 alerts, confirmations); above the reminders' budget, so reminders never use up what 112 alerts need. */
  SMS_ACCOUNT_SPEND_LIMIT_USD: z._default(z.coerce.number().check(z.positive()), 300),
  /** SNS's price of one SMS part to an Indonesian number, in US dollars (see the SNS SMS pricing page). */
  SMS_PRICE_USD_PER_PART: z._default(z.coerce.number().check(z.positive()), 0.0414),
  /** Hours (WIB) no reminder is sent: "21-6" = from 21:00 until 06:00; "off" = none (local trials at night). */
  SMS_QUIET_HOURS_WIB: z._default(
    z.string().check(z.regex(/^(off|([01]?\d|2[0-3])-([01]?\d|2[0-3]))$/, 'must be like 21-6, or off')),
    '21-6',
  ),
  /** Tries of one reminder (a failed publish or a failed delivery) before it is dead-lettered with the reason. */
  SMS_MAX_ATTEMPTS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(5)), 3),
  /**
   * A kader's monthly incentive in rupiah (Tanjungpinang raised it from Rp 120,000 to Rp 300,000 a month), and the
   * activities a month that earn it.
   */
  KADER_MONTHLY_INCENTIVE: z._default(z.coerce.number().check(z.int(), z.positive()), 300_000),
  KADER_MIN_ACTIVITIES: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(100)), 4),
  /** Days a homecare request may wait for its first visit before the daily job tells its puskesmas. */
  HOMECARE_MAX_WAIT_DAYS: z._default(z.coerce.number().check(z.int(), z.minimum(1), z.maximum(90)), 7),
  /**
   * Minutes one Jemput Sakit Antar Sehat trip holds its ambulance: the day (WIB) is cut into slots of this length
   * from midnight, and a trip books the slot its pickup falls in.
   */
  HOMECARE_TRIP_SLOT_MINUTES: z._default(
    z.coerce.number().check(
      z.int(),
      z.refine((m) => [30, 60, 90, 120, 180, 240].includes(m), 'must be 30, 60, 90, 120, 180 or 240'),
    ),
    120,
  ),
});

export type Config = z.infer<typeof schema>;
/** Every setting a function reads, checked the same way at synth time (infra/app.ts). */
export const settingsSchema = schema;
export const DEFAULT_SETTINGS: Config = z.parse(schema, {});

let cached: Config | undefined;

/** The city-paid card's local name (PBI_APBD_CARD_NAME), or undefined where the city has none. */
export function pbiApbdCardName(): string | undefined {
  const c = config();
  return c.PBI_APBD_CARD_NAME || (c.CITY_CODE === '15.71' ? 'Kartu Bahagia' : undefined);
}

export function config(): Config {
  cached ??= schema.parse(process.env);
  return cached;
}

/** For tests that change the environment between cases. */
export function resetConfig(): void {
  cached = undefined;
}
