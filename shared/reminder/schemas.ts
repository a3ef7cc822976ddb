// SMS reminder campaigns (zod mini): a campaign's events are relative to a date — the resident's birthday, another
// date of theirs, or one broadcast day — each at an offset in days, sent at an hour WIB, to an audience.
// A campaign is never edited: a change is a new version; fires already made keep the version they were made by.
import * as z from 'zod/mini';
import { isCityArea, RT_CODE, rtProblem } from '#shared/city/regions.ts';
import { dayNear, line, text } from '#shared/registry/fields.ts';

export const CAMPAIGN_KINDS = ['BIRTHDAY', 'DATE_FIELD', 'BROADCAST'] as const;
export type CampaignKind = (typeof CAMPAIGN_KINDS)[number];
/** The residents' dates a DATE_FIELD campaign may follow. */
export const DATE_FIELDS = ['birthDate'] as const;

const age = () =>
  z
    .number({ error: 'must be a whole number of years' })
    .check(z.int('must be a whole number of years'), z.minimum(0, 'must be 0 or more'), z.maximum(130));

export const audienceSchema = z
  .object({
    /** The city, a kecamatan or kelurahan of it (15.71.01), or one of its RTs (1571011012-005-005). */
    area: z.optional(
      text().check(
        z.refine(
          (a) => isCityArea(a) || (RT_CODE.test(a) && !rtProblem(a)),
          'must be an area of the city (GET /regions), such as 15.71.01, or one of its RT codes such as 1571011012-005-005',
        ),
      ),
    ),
    ageMin: z.optional(age()),
    ageMax: z.optional(age()),
    /** Several age bands (CKG: 0–6 and 18+); a resident in any of them is in the audience. */
    ageBands: z.optional(
      z.array(z.object({ min: age(), max: z.optional(age()) })).check(z.minLength(1), z.maxLength(5)),
    ),
    sex: z.optional(z.enum(['M', 'F'], { error: 'must be M or F' })),
  })
  .check(
    z.refine((a) => a.ageMin === undefined || a.ageMax === undefined || a.ageMin <= a.ageMax, {
      path: ['ageMax'],
      message: 'must not be below ageMin',
    }),
  );

export const campaignSchema = z
  .object({
    id: text().check(
      z.regex(/^[a-z0-9][a-z0-9-]{1,47}$/, 'must be 2 to 48 lower-case letters, digits or hyphens'),
    ),
    name: line().check(z.trim(), z.minLength(3, 'must be at least 3 characters'), z.maxLength(120)),
    kind: z.enum(CAMPAIGN_KINDS, { error: `must be one of ${CAMPAIGN_KINDS.join(', ')}` }),
    dateField: z.optional(z.enum(DATE_FIELDS, { error: `must be one of ${DATE_FIELDS.join(', ')}` })),
    /** BROADCAST: repeated on the same day of every month from `date` (a monthly posyandu). */
    repeat: z.optional(z.enum(['MONTHLY'], { error: 'must be MONTHLY' })),
    /** BROADCAST: the day it is about (offsets count from it). */
    date: z.optional(dayNear(5)),
    offsetsDays: z
      .array(
        z
          .number({ error: 'must be whole days' })
          .check(z.int('must be whole days'), z.minimum(-366), z.maximum(3660)),
      )
      .check(z.minLength(1, 'must list at least one offset'), z.maxLength(12)),
    audience: z._default(audienceSchema, {}),
    template: text().check(z.minLength(3, 'must be at least 3 characters'), z.maxLength(500)),
    sendHourWib: z._default(
      z
        .number({ error: 'must be an hour' })
        .check(
          z.int(),
          z.minimum(6, 'must be 6 or later (quiet hours)'),
          z.maximum(20, 'must be 20 or earlier (quiet hours)'),
        ),
      8,
    ),
    active: z._default(z.boolean({ error: 'must be true or false' }), true),
    /** CKG: a resident whose free health check a clinic recorded in the event's year is not reminded. */
    skipCheckedThisYear: z.optional(z.boolean({ error: 'must be true or false' })),
  })
  .check(
    z.refine((c) => c.kind !== 'DATE_FIELD' || !!c.dateField, {
      path: ['dateField'],
      message: 'is required for DATE_FIELD',
    }),
    z.refine((c) => c.kind !== 'BROADCAST' || !!c.date, {
      path: ['date'],
      message: 'is required for BROADCAST',
    }),
    z.refine((c) => !c.repeat || c.kind === 'BROADCAST', {
      path: ['repeat'],
      message: 'is for BROADCAST only',
    }),
    z.refine((c) => new Set(c.offsetsDays).size === c.offsetsDays.length, {
      path: ['offsetsDays'],
      message: 'must not repeat an offset',
    }),
  );
export type CampaignInput = z.infer<typeof campaignSchema>;

export interface Campaign extends CampaignInput {
  version: number;
  createdAt: string;
  createdBy: string;
}
