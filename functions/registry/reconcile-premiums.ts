// POST /premiums/{YYYY-MM}/reconciliation — BPJS's list of billed PBI APBD participants for the month (CSV with a
// `nik` column) checked name by name: the rows the city should not pay, and the residents BPJS did not list
// (city_admin). Larger lists go through POST /premiums/{YYYY-MM}/reconciliation/uploads.
import * as z from 'zod/mini';
import { ValidationError } from '#shared/platform/errors.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { isoMonth } from '#shared/registry/fields.ts';
import { reconcile } from '#shared/registry/reconciliation.ts';

/** Rows checked in one request; the job takes 100,000 and more. */
export const RECONCILIATION_SYNC_MAX_ROWS = 20_000;

export const handler = httpHandler(
  { params: z.object({ month: isoMonth() }), body: 'text' },
  async ({ params, body, principal, requestId }) => {
    if (body.trim() === '')
      throw ValidationError.field('body', "Send BPJS's list as the request body (text/csv, a nik column)");
    const result = await reconcile(
      params.month,
      body,
      { actor: principal!, requestId, now: new Date().toISOString() },
      { maxRows: RECONCILIATION_SYNC_MAX_ROWS },
    );
    return { status: 200, body: result };
  },
);
