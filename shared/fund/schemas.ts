// The fund ledger's inputs (zod mini) and stored shapes. Money is integer rupiah; a fiscal year is a calendar
// year; dates are WIB calendar days.
import * as z from 'zod/mini';
import { cityAreaSchema } from '#shared/city/regions.ts';
import { isoDate, line, text } from '#shared/registry/fields.ts';

export const CATEGORIES = [
  'SANITATION',
  'CLEAN_WATER',
  'WASTE',
  'HEALTH_CHECK',
  'NUTRITION',
  'OPERATIONS',
  'OTHER',
] as const;
export type Category = (typeof CATEGORIES)[number];
export type EntryKind = 'ALLOCATION' | 'EXPENSE' | 'REVERSAL';

const rupiah = () =>
  z.number({ error: 'must be a whole number of rupiah' }).check(
    z.int('must be a whole number of rupiah'),
    z.positive('must be more than 0'),
    // Far above any RT fund; keeps sums exact in a double (2^53).
    z.maximum(1_000_000_000_000, 'is beyond any RT fund'),
  );
const prose = (min: number, max: number, oneLine = false) =>
  (oneLine ? line() : text()).check(
    z.trim(),
    z.minLength(min, `must be at least ${min} characters`),
    z.maxLength(max, `must be at most ${max} characters`),
  );

export const yearSchema = z.coerce
  .number({ error: 'must be a year such as 2026' })
  .check(
    z.int('must be a year such as 2026'),
    z.minimum(2000, 'is before 2000'),
    z.maximum(2100, 'is after 2100'),
  );

export const entryIdSchema = text().check(z.regex(/^[0-9a-z]{9}-[0-9a-f]{12}$/, 'is not an entry id'));

export const allocationSchema = z.object({
  amount: z.optional(rupiah()),
  households: z.optional(
    z
      .number({ error: 'must be a whole number' })
      .check(z.int('must be a whole number'), z.minimum(0), z.maximum(100_000)),
  ),
  note: prose(3, 500),
});
export type AllocationInput = z.infer<typeof allocationSchema>;

export const areaAllocationSchema = z.object({
  area: z.optional(cityAreaSchema()),
  note: prose(3, 500),
});

export const expenseSchema = z.object({
  amount: rupiah(),
  category: z.enum(CATEGORIES, { error: `must be one of ${CATEGORIES.join(', ')}` }),
  date: isoDate(),
  description: prose(3, 500),
  vendor: z.optional(prose(2, 120, true)),
});
export type ExpenseInput = z.infer<typeof expenseSchema>;

export const reversalSchema = z.object({ reason: prose(3, 500) });

export interface Entry {
  entryId: string;
  rt: string;
  year: number;
  kind: EntryKind;
  amount: number;
  direction: 'CREDIT' | 'DEBIT';
  category?: Category;
  /** The day the money moved (expenses), YYYY-MM-DD WIB; for others the day recorded. */
  date: string;
  description: string;
  vendor?: string;
  /** The entry this one reverses. */
  reverses?: string;
  recordedAt: string;
  /** Who recorded it (Cognito sub): kept for the audit trail, never shown publicly. */
  recordedBy: string;
  /** Set when the receipt's file arrived (the only thing ever set on an entry after it was written). */
  receipt?: { key: string; size: number; format: string; at: string };
}

export interface Account {
  rt: string;
  year: number;
  allocated: number;
  spent: number;
  /** Expenses reversed (credited back) and allocations reversed (debited back). */
  reversedExpenses: number;
  reversedAllocations: number;
  balance: number;
  byCategory: Record<Category, number>;
  entries: number;
  tierAllocatedAt?: string;
  updatedAt?: string;
}
