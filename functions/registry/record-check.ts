// POST /residents/{nik}/checks (clinic, city_admin): a free health check (CKG) done — {date?, place?}; the day
// defaults to today (WIB). → 201 {nik, lastCheckDate, recorded: true}; a check already on record for that day or
// later → 200, recorded false. The year's CKG reminders stop for the resident.
import * as z from 'zod/mini';
import { httpHandler } from '#shared/platform/http.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { recordCheck } from '#shared/registry/checks.ts';
import { isoDate, line, nikSchema } from '#shared/registry/fields.ts';

const body = z.object({
  date: z.optional(
    isoDate().check(
      z.refine((d) => d <= todayWib(), 'is in the future'),
      z.refine((d) => d >= `${Number(todayWib().slice(0, 4)) - 1}-01-01`, 'is before last year'),
    ),
  ),
  place: z.optional(line().check(z.trim(), z.minLength(2), z.maxLength(100))),
});

export const handler = httpHandler(
  { params: z.object({ nik: nikSchema }), body },
  async ({ params, body: b, principal, requestId }) => {
    const out = await recordCheck(
      params.nik,
      { date: b.date ?? todayWib(), ...(b.place ? { place: b.place } : {}) },
      { actor: principal!, requestId, now: new Date().toISOString() },
    );
    return { status: out.recorded ? 201 : 200, body: out };
  },
);
