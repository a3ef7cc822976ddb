// The kader register's inputs (zod mini) and stored shapes: the community health cadres (Tanjungpinang seed: 882 who
// passed competency tests at three levels), their activities, and the month's count the incentive is decided by.
import * as z from 'zod/mini';
import { locationSchema } from '#shared/incident/schemas.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { isoDate, line, nikSchema, reasonSchema, rtSchema, text } from '#shared/registry/fields.ts';

/** Competency levels of the seed: awal (first), madya (middle), utama (top). */
export const LEVELS = ['AWAL', 'MADYA', 'UTAMA'] as const;
export type Level = (typeof LEVELS)[number];

export const ACTIVITY_KINDS = ['HOME_VISIT', 'POSYANDU', 'POSBINDU', 'EDUCATION'] as const;
export type ActivityKind = (typeof ACTIVITY_KINDS)[number];

const levelSchema = z.enum(LEVELS, { error: `must be one of ${LEVELS.join(', ')}` });
const posyanduSchema = line().check(
  z.trim(),
  z.minLength(3, 'must be the posyandu name, at least 3 characters'),
  z.maxLength(80, 'must be at most 80 characters'),
);

export const newKaderSchema = z.object({
  nik: nikSchema,
  level: levelSchema,
  posyandu: z.optional(posyanduSchema),
  rt: z.optional(rtSchema),
  certifiedOn: z.optional(isoDate()),
  /** The day they began as a kader (default today): a city registering its cadres pays for the work before. */
  since: z.optional(isoDate().check(z.refine((s) => s <= todayWib(), 'is in the future'))),
});
export type NewKader = z.infer<typeof newKaderSchema>;

export const kaderChangeSchema = z
  .object({
    level: z.optional(levelSchema),
    posyandu: z.nullish(posyanduSchema),
    rt: z.nullish(rtSchema),
    certifiedOn: z.optional(isoDate()),
    reason: reasonSchema(),
  })
  .check(
    z.refine(
      (c) =>
        c.level !== undefined ||
        c.posyandu !== undefined ||
        c.rt !== undefined ||
        c.certifiedOn !== undefined,
      {
        path: ['body'],
        message: 'must change at least one of level, posyandu, rt, certifiedOn',
      },
    ),
  );
export type KaderChange = z.infer<typeof kaderChangeSchema>;

export const retireSchema = z.object({
  date: isoDate().check(
    z.refine((s) => s <= todayWib(), 'is in the future: retire a kader on the day it happens'),
  ),
  reason: reasonSchema(),
});

export const newActivitySchema = z
  .object({
    date: isoDate(),
    kind: z.enum(ACTIVITY_KINDS, { error: `must be one of ${ACTIVITY_KINDS.join(', ')}` }),
    residentNik: z.optional(nikSchema),
    location: z.optional(locationSchema),
    note: text().check(
      z.trim(),
      z.minLength(3, 'must say what was done, in at least 3 characters'),
      z.maxLength(500, 'must be at most 500 characters'),
    ),
  })
  .check(
    z.refine((a) => a.kind !== 'HOME_VISIT' || a.residentNik !== undefined, {
      path: ['residentNik'],
      message: 'is required for a HOME_VISIT: the resident visited',
    }),
  );
export type NewActivity = z.infer<typeof newActivitySchema>;

export type KaderStatus = 'ACTIVE' | 'RETIRED';

export interface Kader {
  nik: string;
  /** The resident's name when registered (the register lists it; the bank transfer list carries it). */
  name: string;
  level: Level;
  posyandu?: string;
  rt?: string;
  /** Where the kader works: the RT's kelurahan, else the resident's own. */
  kelurahan: string;
  certifiedOn?: string;
  status: KaderStatus;
  since: string;
  retiredOn?: string;
  retiredReason?: string;
  version: number;
  createdAt: string;
  updatedAt: string;
}

export interface KaderHistoryEntry {
  at: string;
  action: 'REGISTERED' | 'CHANGED' | 'RETIRED';
  by: string;
  reason?: string;
  before?: Partial<Pick<Kader, 'level' | 'posyandu' | 'rt' | 'certifiedOn' | 'status'>>;
  after?: Partial<Pick<Kader, 'level' | 'posyandu' | 'rt' | 'certifiedOn' | 'status'>>;
}

export interface Activity {
  id: string;
  kaderNik: string;
  date: string;
  kind: ActivityKind;
  residentNik?: string;
  /** The resident's open homecare request the home visit belongs to, when there was one. */
  homecareRequestId?: string;
  location?: { lat: number; lon: number };
  note: string;
  recordedAt: string;
  recordedBy: { sub: string; role: string };
}
