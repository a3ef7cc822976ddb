// What a death and a move out of the city share: the resident written again on the version read (without the
// birthday index, so no reminder finds them), a chair's death report taken off the list, the coverage period closed
// at the end of the day, the UHC counts let go, the premium bill stopped, the audit record. One transaction's items.
import { type AuditInput, auditPut } from '#shared/platform/audit.ts';
import type { TransactItem } from '#shared/platform/dynamo.ts';
import { tableName } from '#shared/platform/tables.ts';
import { startOfDayWib } from '#shared/platform/wib.ts';
import { premiumUpdate, residentItem, uhcUpdate, type WriteContext } from './repository.ts';
import { addDays, type DeathBill, uhcContribution } from './rules.ts';
import type { Resident } from './schemas.ts';

/** The chairs' death reports waiting for confirmation, one item per resident (a second report replaces the first). */
export const reportKey = (nik: string) => ({ pk: 'DEATH_REPORTS', sk: nik });

/** The resident written whole, on the version read, while still the city's (not died, not moved out). */
export const residentPut = (after: Resident, version: number): TransactItem => ({
  Put: {
    TableName: tableName('registry'),
    Item: residentItem(after),
    ConditionExpression: 'version = :prev AND attribute_not_exists(civilStatus)',
    ExpressionAttributeValues: { ':prev': version },
  },
});

export function leavingItems(
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
): TransactItem[] {
  const T = tableName('registry');
  const items: TransactItem[] = [residentPut(after, before.version)];
  // A chair's report no longer waits for anyone (its history is in the audit).
  if (before.deathReport) items.push({ Delete: { TableName: T, Key: reportKey(before.nik) } });
  if (leave.closes && before.coverage) {
    // Covered through the day; never before the period began, never after now.
    const endOfDay = startOfDayWib(addDays(leave.date, 1));
    const closedAt = [endOfDay, before.coverage.since, leave.now].sort()[1]!;
    items.push({
      Update: {
        TableName: T,
        Key: { pk: `RES#${before.nik}`, sk: before.coverage.periodSk },
        UpdateExpression: 'SET validTo = :to',
        ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(validTo)',
        ExpressionAttributeValues: { ':to': closedAt },
      },
    });
  }
  const gone = uhcContribution(before.coverage);
  items.push(
    uhcUpdate(before.kelurahan, {
      residents: -gone.residents,
      covered: -gone.covered,
      active: -gone.active,
    })!,
  );
  for (const d of leave.bill.deltas) items.push(premiumUpdate(d.month, d.delta));
  items.push(
    auditPut({
      entity: `RES#${before.nik}`,
      actor: leave.ctx.actor,
      at: leave.now,
      requestId: leave.ctx.requestId,
      before: before.coverage ? { scheme: before.coverage.scheme, status: before.coverage.status } : null,
      ...leave.audit,
    }),
  );
  return items;
}
