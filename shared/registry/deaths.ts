// A resident's death (Dukcapil, a facility, or an RT's report confirmed): the resident is kept, marked DECEASED; their
// coverage period closes, the city's premium bill stops after the month of death and the UHC counts let them go,
// all in one transaction with the audit record. What was billed after the death and already due is reported, for
// the city to recover from BPJS.
import { auditPut } from '#shared/platform/audit.ts';
import { config } from '#shared/platform/config.ts';
import { cancellationReasons, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { NotFound, ValidationError } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { startOfDayWib, todayWib } from '#shared/platform/wib.ts';
import {
  assertLiving,
  getResident,
  premiumUpdate,
  residentItem,
  uhcUpdate,
  type WriteContext,
} from './repository.ts';
import { addDays, deathBill, uhcContribution } from './rules.ts';
import type { DeathInput, Resident } from './schemas.ts';

export interface DeathOutcome {
  nik: string;
  status: 'DECEASED';
  /** The resident had an open coverage period, now closed at the death. */
  coverageClosed: boolean;
  overpaid: { months: string[]; rupiah: number };
}

export async function recordDeath(nik: string, input: DeathInput, ctx: WriteContext): Promise<DeathOutcome> {
  const { PREMIUM_PER_PERSON, PREMIUM_DUE_DAY } = config();
  for (let attempt = 1; ; attempt++) {
    const before = await getResident(nik);
    if (!before) throw new NotFound('No resident with this NIK is registered');
    assertLiving(before);
    if (input.date < before.birthDate)
      throw ValidationError.field('date', `is before the resident was born (${before.birthDate})`);
    const now = attempt === 1 ? ctx.now : new Date().toISOString();
    const bill = deathBill(before.coverage, before.apbdLastEnd, input.date, todayWib(), PREMIUM_DUE_DAY);
    const after: Resident = {
      ...before,
      civilStatus: 'DECEASED',
      death: {
        date: input.date,
        source: input.source,
        ...(input.reference ? { reference: input.reference } : {}),
        recordedAt: now,
      },
      coverage: null,
      version: before.version + 1,
      updatedAt: now,
      ...(bill.apbdLastEnd ? { apbdLastEnd: bill.apbdLastEnd } : {}),
    };
    const T = tableName('registry');
    const items: TransactItem[] = [
      // The whole item again (without the birthday index, so no reminder finds them), on the version read.
      {
        Put: {
          TableName: T,
          Item: residentItem(after),
          ConditionExpression: 'version = :prev AND attribute_not_exists(civilStatus)',
          ExpressionAttributeValues: { ':prev': before.version },
        },
      },
    ];
    if (before.coverage) {
      // Covered through the day they died; never before the period began, never after now.
      const endOfDay = startOfDayWib(addDays(input.date, 1));
      const closedAt = [endOfDay, before.coverage.since, now].sort()[1]!;
      items.push({
        Update: {
          TableName: T,
          Key: { pk: `RES#${nik}`, sk: before.coverage.periodSk },
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
    for (const d of bill.deltas) items.push(premiumUpdate(d.month, d.delta));
    items.push(
      auditPut({
        entity: `RES#${nik}`,
        action: 'DeathRecorded',
        actor: ctx.actor,
        at: now,
        requestId: ctx.requestId,
        before: before.coverage ? { scheme: before.coverage.scheme, status: before.coverage.status } : null,
        after: {
          status: 'DECEASED',
          date: input.date,
          source: input.source,
          ...(input.reference ? { reference: input.reference } : {}),
          overpaidMonths: bill.overpaid,
        },
      }),
    );
    try {
      await transact(items);
    } catch (error) {
      // Another change to the resident got there first: read again (a death recorded meanwhile is a 409 then).
      if (cancellationReasons(error)?.[0] === 'ConditionalCheckFailed' && attempt < 5) continue;
      throw error;
    }
    return {
      nik,
      status: 'DECEASED',
      coverageClosed: !!before.coverage,
      overpaid: { months: bill.overpaid, rupiah: bill.overpaid.length * PREMIUM_PER_PERSON },
    };
  }
}
