// Event contracts the registry publishes for other capabilities (zod), with a sample of each.
import * as z from 'zod/mini';

export const REGISTRY_SOURCE = 'sehatkota.registry';

const coverageState = z.object({
  scheme: z.enum(['PBI_APBN', 'PBI_APBD', 'PBPU', 'PPU', 'BP']),
  status: z.enum(['ACTIVE', 'INACTIVE']),
});
const nullableState = z.nullable(coverageState);

/** A resident's coverage changed: a period closed and another opened (or the first one opened). */
export const CoverageChanged = z.object({
  nik: z.string().check(z.length(16)),
  rt: z.string(),
  kelurahan: z.string(),
  before: nullableState,
  after: coverageState,
  source: z.string(),
  reason: z.optional(z.string()),
  at: z.string(),
  actor: z.string(),
});
export type CoverageChanged = z.infer<typeof CoverageChanged>;
export const COVERAGE_CHANGED = 'CoverageChanged';

export const sampleCoverageChanged: CoverageChanged = {
  nik: '1571015506900002',
  rt: '1571011012-003-012',
  kelurahan: '15.71.01.1012',
  before: null,
  after: { scheme: 'PBI_APBD', status: 'ACTIVE' },
  source: 'MANUAL',
  reason: 'Warga miskin, didaftarkan PBI APBD',
  at: '2026-11-23T03:00:00.000Z',
  actor: 'admin-1',
};
