// POST /kader/incentives/{YYYY-MM}/reversals — a paid line corrected (city_admin): {nik, reason} → 201 the reversal;
// the run itself is never edited; a kader not paid that month → 404; reversed already → 409.
import * as z from 'zod/mini';
import { reversePayment } from '#shared/kader/incentives.ts';
import { httpHandler } from '#shared/platform/http.ts';
import { nikSchema, reasonSchema } from '#shared/registry/fields.ts';
import { monthParams } from './incentive-params.ts';
import { ctxOf } from './params.ts';

export const handler = httpHandler(
  { params: monthParams, body: z.object({ nik: nikSchema, reason: reasonSchema() }) },
  async (req) => ({ status: 201, body: await reversePayment(req.params.month, req.body, ctxOf(req)) }),
);
