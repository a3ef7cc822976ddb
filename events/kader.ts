// Event contracts the kader capability publishes (zod), with a sample of each. No personal data: the month, the
// counts; a consumer that must reach a kader reads the run and the registry.
import * as z from 'zod/mini';

export const KADER_SOURCE = 'sehatkota.kader';

/** A month's incentive run was made: each paid kader is to be told by SMS. */
export const KaderIncentivesPaid = z.object({
  month: z.string().check(z.regex(/^\d{4}-\d{2}$/)),
  paid: z.number(),
  total: z.number(),
});
export type KaderIncentivesPaid = z.infer<typeof KaderIncentivesPaid>;
export const KADER_INCENTIVES_PAID = 'KaderIncentivesPaid';

export const sampleKaderIncentivesPaid: KaderIncentivesPaid = {
  month: '2026-11',
  paid: 750,
  total: 225_000_000,
};
