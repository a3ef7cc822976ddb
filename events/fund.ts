// Event contracts the fund ledger publishes (zod), with a sample. No personal data: amounts, categories, RT.
import * as z from 'zod/mini';

export const FUND_SOURCE = 'sehatkota.fund';

/** An entry was written to an RT's fund ledger: an allocation, an expense or a reversal of one of them. */
export const FundEntryRecorded = z.object({
  entryId: z.string(),
  rt: z.string(),
  year: z.number(),
  kind: z.enum(['ALLOCATION', 'EXPENSE', 'REVERSAL']),
  /** Rupiah, always positive; `direction` says which way it moved the balance. */
  amount: z.number(),
  direction: z.enum(['CREDIT', 'DEBIT']),
  category: z.optional(z.string()),
  reverses: z.optional(z.string()),
  balance: z.number(),
  at: z.string(),
  actor: z.string(),
});
export type FundEntryRecorded = z.infer<typeof FundEntryRecorded>;
export const FUND_ENTRY_RECORDED = 'FundEntryRecorded';

export const sampleFundEntryRecorded: FundEntryRecorded = {
  entryId: '0mhx2k3x1-9f0c2d4e8a1b',
  rt: '1571011012-003-012',
  year: 2026,
  kind: 'EXPENSE',
  amount: 1_250_000,
  direction: 'DEBIT',
  category: 'CLEAN_WATER',
  balance: 98_750_000,
  at: '2026-11-23T03:00:00.000Z',
  actor: 'chair-sub-1',
};
