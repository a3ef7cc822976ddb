// City master data's inputs (zod mini): an RT of the directory, a change to it, and a staff account.
import * as z from 'zod/mini';
import { ROLES } from '#shared/platform/roles.ts';
import { boolSchema, nameSchema, nikSchema, reasonSchema, rtSchema, text } from '#shared/registry/fields.ts';
import { phoneSchema } from '#shared/registry/schemas.ts';

/** Households of an RT: the fund's yearly tier is decided by it (PRODUCT.md: > 100, 60–100, < 60). */
export const householdsSchema = z
  .number({ error: 'must be a whole number of households' })
  .check(
    z.int('must be a whole number of households'),
    z.minimum(1, 'must be at least 1'),
    z.maximum(5000, 'must be at most 5,000: an RT is a neighbourhood'),
  );

export const newRtSchema = z.object({
  rt: rtSchema,
  chairName: nameSchema,
  chairPhone: z.nullish(phoneSchema),
  households: householdsSchema,
});
export type NewRt = z.infer<typeof newRtSchema>;

/** A change to an RT: a new chair, phone (null takes it away) or household count, or the RT closed or reopened. */
export const rtChangeSchema = z
  .object({
    chairName: z.optional(nameSchema),
    chairPhone: z.nullish(phoneSchema),
    households: z.optional(householdsSchema),
    /** false: the RT no longer exists (merged, split); its chair loses access, no resident can be added to it. */
    active: z.optional(boolSchema),
    reason: z.optional(reasonSchema()),
  })
  .check(
    z.refine(
      (c) =>
        c.chairName !== undefined ||
        c.chairPhone !== undefined ||
        c.households !== undefined ||
        c.active !== undefined,
      { path: ['body'], message: 'must change at least one of chairName, chairPhone, households, active' },
    ),
    z.refine((c) => c.active !== false || c.reason !== undefined, {
      path: ['reason'],
      message: 'is required when an RT is closed (active: false)',
    }),
  );
export type RtChange = z.infer<typeof rtChangeSchema>;

/** A Cognito user name: what the staff member signs in with (besides their e-mail). */
export const usernameSchema = text().check(
  z.regex(
    /^[a-z0-9][a-z0-9._-]{2,63}$/,
    'must be 3 to 64 lower-case letters, digits, dots, hyphens or underscores, starting with a letter or digit',
  ),
);

const unitIdSchema = text().check(
  z.regex(/^[A-Za-z0-9-]{2,40}$/, 'must be a unit id such as AMB-01 (POST /units)'),
);
const puskesmasSchema = text().check(
  z.regex(/^[A-Za-z0-9.-]{2,40}$/, 'must be a puskesmas code of 2 to 40 letters, digits, dots or hyphens'),
);
const emailSchema = text().check(
  z.trim(),
  z.maxLength(254, 'must be at most 254 characters'),
  z.regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an e-mail address'),
);

/** Which role's account carries which attribute: the RT a chair answers for, a responder's unit, a clinic's puskesmas. */
const ATTRIBUTE_ROLE = { rt: 'rt_chair', unit: 'responder', puskesmas: 'clinic', nik: 'kader' } as const;

export const newStaffSchema = z
  .object({
    username: usernameSchema,
    name: nameSchema,
    role: z.enum(ROLES, { error: `must be one of ${ROLES.join(', ')}` }),
    rt: z.optional(rtSchema),
    unit: z.optional(unitIdSchema),
    puskesmas: z.optional(puskesmasSchema),
    /** A kader's own NIK: the account records that kader's activities (POST /kader first). */
    nik: z.optional(nikSchema),
    email: z.optional(emailSchema),
    phone: z.optional(phoneSchema),
  })
  .check(
    z.superRefine((s, ctx) => {
      for (const [field, role] of Object.entries(ATTRIBUTE_ROLE) as [keyof typeof ATTRIBUTE_ROLE, string][]) {
        if (s.role === role && s[field] === undefined && field !== 'puskesmas') {
          ctx.addIssue({
            code: 'custom',
            path: [field],
            message: `is required for the ${role} role`,
            input: s,
          });
        }
        if (s.role !== role && s[field] !== undefined) {
          ctx.addIssue({ code: 'custom', path: [field], message: `is only for the ${role} role`, input: s });
        }
      }
      if (!s.email && !s.phone) {
        ctx.addIssue({
          code: 'custom',
          path: ['email'],
          message: 'or phone is required: the invitation with the temporary password goes there',
          input: s,
        });
      }
    }),
  );
export type NewStaff = z.infer<typeof newStaffSchema>;
