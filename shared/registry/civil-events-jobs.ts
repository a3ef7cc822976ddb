// A civil events run recorded as a job (direct or uploaded), so GET /civil-events/import/{jobId} answers for both
// and the audit trail has each file's outcome.
import { type CivilEventsResult, importCivilEvents } from './civil-events.ts';
import { finishJobWith } from './import-jobs.ts';
import type { WriteContext } from './repository.ts';

export async function recordCivilEvents(
  text: string,
  ctx: WriteContext,
  opts: Parameters<typeof importCivilEvents>[2],
): Promise<CivilEventsResult> {
  const result = await importCivilEvents(text, ctx, opts);
  const { jobId, ...summary } = result;
  await finishJobWith(jobId, summary, ctx, {
    kind: 'CIVIL_EVENTS',
    action: 'CivilEventsImported',
    after: {
      rows: result.rows,
      applied: result.applied,
      unchanged: result.unchanged,
      rejectedRows: result.rejectedRows,
    },
  });
  return result;
}
