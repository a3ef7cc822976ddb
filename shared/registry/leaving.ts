// What a death and a move out share: the resident written again on the version read (without the birthday index, so
// no reminder finds them), a chair's death report taken off the list, the coverage period closed at the end of the
// day, the UHC counts let go, the premium bill stopped, the audit record. One change's writes (batch.ts), pure.
import type { AuditInput } from '#shared/platform/audit.ts';
import { startOfDayWib } from '#shared/platform/wib.ts';
import { negated, uhcWrites, type Write } from './batch.ts';
import { residentItem, type WriteContext } from './repository.ts';
import { addDays, addMonths, type DeathBill, isCityPaid, uhcContribution } from './rules.ts';
import type { Resident } from './schemas.ts';

/** The chairs' death reports waiting for confirmation, one item per resident (a second report replaces the first). */
export const reportKey = (nik: string) => ({ pk: 'DEATH_REPORTS', sk: nik });

/** The resident written whole, on the version read, while still the city's (not died, not moved out). */
export const residentPut = (after: Resident, version: number): Write => ({
  kind: 'put',
  item: residentItem(after),
  guard: {
    ConditionExpression: 'version = :prev AND attribute_not_exists(civilStatus)',
    ExpressionAttributeValues: { ':prev': version },
  },
});

export function leavingWrites(
  before: Resident,
  after: Resident,
  leave: {
    /** The day of the death or the move (WIB). */
    date: string;
    /** Whether the current coverage period closes (a death: always; a move: the city's own scheme only). */
    closes: boolean;
    bill: DeathBill;
    now: string;
    ctx: WriteContext;
    audit: Pick<AuditInput, 'action' | 'after'>;
  },
): Write[] {
  const writes: Write[] = [residentPut(after, before.version)];
  // A chair's report no longer waits for anyone (its history is in the audit).
  if (before.deathReport) writes.push({ kind: 'delete', key: reportKey(before.nik) });
  if (leave.closes && before.coverage) {
    // Covered through the day; never before the period began, never after now.
    const endOfDay = startOfDayWib(addDays(leave.date, 1));
    const closedAt = [endOfDay, before.coverage.since, leave.now].sort()[1]!;
    const stop = isCityPaid(before.coverage) ? leave.bill.deltas[0]?.month : undefined;
    writes.push({
      kind: 'close',
      nik: before.nik,
      coverage: before.coverage,
      validTo: closedAt,
      // A city-paid period also says its last billed month (the month of the death or move, or none when it ended
      // before its billing began): BPJS's invoice is checked against it (reconciliation.ts).
      ...(stop ? { billedThrough: addMonths(stop, -1) } : {}),
    });
  }
  writes.push(...uhcWrites(before.kelurahan, negated(uhcContribution(before.coverage))));
  for (const d of leave.bill.deltas) writes.push({ kind: 'premium', month: d.month, delta: d.delta });
  writes.push({
    kind: 'audit',
    audit: {
      entity: `RES#${before.nik}`,
      actor: leave.ctx.actor,
      at: leave.now,
      requestId: leave.ctx.requestId,
      before: before.coverage ? { scheme: before.coverage.scheme, status: before.coverage.status } : null,
      ...leave.audit,
    },
  });
  return writes;
}
