// A resident's death (Dukcapil, a facility, or an RT's report confirmed): the resident is kept, marked DECEASED; their
// coverage period closes, the city's premium bill stops after the month of death and the UHC counts let them go,
// all in one transaction with the audit record. What was billed after the death and already due is reported, for
// the city to recover from BPJS.

import { leavingItems } from '#shared/kader/leaving.ts';
import { auditPut } from '#shared/platform/audit.ts';
import { config } from '#shared/platform/config.ts';
import { cancellationReasons, queryAll, transact } from '#shared/platform/dynamo.ts';
import { NotFound, ValidationError } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { type Plan, transactItems } from './batch.ts';
import { leavingWrites, reportKey } from './leaving.ts';
import { assertResident, getResident, residentKey, type WriteContext } from './repository.ts';
import { deathBill } from './rules.ts';
import type { DeathInput, DeathReport, Resident } from './schemas.ts';

export interface DeathOutcome {
  nik: string;
  status: 'DECEASED';
  /** The resident had an open coverage period, now closed at the death. */
  coverageClosed: boolean;
  overpaid: { months: string[]; rupiah: number };
}

/**
 * A death as planned on the resident as read (undefined: not registered): refused as the route refuses it, else the
 * writes and the outcome. Pure; `today` (WIB) decides which months were already due.
 */
export function planDeath(
  nik: string,
  before: Resident | undefined,
  input: DeathInput,
  ctx: WriteContext,
  now: string,
  today: string,
): Plan<DeathOutcome> {
  const { PREMIUM_PER_PERSON, PREMIUM_DUE_DAY } = config();
  if (!before) throw new NotFound('No resident with this NIK is registered');
  assertResident(before);
  if (input.date < before.birthDate)
    throw ValidationError.field('date', `is before the resident was born (${before.birthDate})`);
  const bill = deathBill(before.coverage, before.apbdLastEnd, input.date, today, PREMIUM_DUE_DAY);
  const { deathReport, ...living } = before;
  const after: Resident = {
    ...living,
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
  const writes = leavingWrites(before, after, {
    date: input.date,
    closes: true,
    bill,
    now,
    ctx,
    audit: {
      action: 'DeathRecorded',
      after: {
        status: 'DECEASED',
        date: input.date,
        source: input.source,
        ...(input.reference ? { reference: input.reference } : {}),
        overpaidMonths: bill.overpaid,
        ...(deathReport ? { confirmsReportBy: deathReport.reportedBy } : {}),
      },
    },
  });
  return {
    writes,
    outcome: {
      nik,
      status: 'DECEASED',
      coverageClosed: !!before.coverage,
      overpaid: { months: bill.overpaid, rupiah: bill.overpaid.length * PREMIUM_PER_PERSON },
    },
  };
}

export async function recordDeath(nik: string, input: DeathInput, ctx: WriteContext): Promise<DeathOutcome> {
  for (let attempt = 1; ; attempt++) {
    const before = await getResident(nik);
    const now = attempt === 1 ? ctx.now : new Date().toISOString();
    const plan = planDeath(nik, before, input, ctx, now, todayWib());
    // Their cover as a kader or RT worker ends the day they died, and a kader retires: in the same transaction.
    const work = await leavingItems(nik, input.date, 'Meninggal dunia', { ...ctx, now });
    try {
      await transact([...transactItems(plan.writes), ...work]);
    } catch (error) {
      // Another change to the resident got there first: read again (a death recorded meanwhile is a 409 then).
      if (cancellationReasons(error)?.[0] === 'ConditionalCheckFailed' && attempt < 5) continue;
      throw error;
    }
    return plan.outcome;
  }
}

export interface DeathReportOutcome {
  nik: string;
  status: 'DEATH_REPORTED';
  report: Omit<DeathReport, 'reportedBy'>;
}

/**
 * An RT chair's report of a death in their RT: recorded as reported, and nothing else changes until a city_admin or
 * Dukcapil confirms it (POST /residents/{nik}/death as city_admin). Another RT's resident is a 404 like an unknown
 * NIK, as everywhere a chair asks.
 */
export async function reportDeath(
  nik: string,
  input: DeathInput,
  ctx: WriteContext & { rt: string },
): Promise<DeathReportOutcome> {
  if (input.source !== 'RT')
    throw ValidationError.field(
      'source',
      "must be RT: an RT chair's report; Dukcapil and facilities report to the city",
    );
  const before = await getResident(nik);
  if (!before || before.rt !== ctx.rt)
    throw new NotFound('No resident with this NIK is registered in your RT');
  assertResident(before);
  if (input.date < before.birthDate)
    throw ValidationError.field('date', `is before the resident was born (${before.birthDate})`);
  const report: DeathReport = {
    date: input.date,
    ...(input.reference ? { reference: input.reference } : {}),
    reportedAt: ctx.now,
    reportedBy: ctx.actor.sub,
  };
  const T = tableName('registry');
  try {
    await transact([
      {
        Update: {
          TableName: T,
          Key: residentKey(nik),
          UpdateExpression: 'SET deathReport = :r',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(civilStatus) AND rt = :rt',
          ExpressionAttributeValues: { ':r': report, ':rt': ctx.rt },
        },
      },
      {
        Put: {
          TableName: T,
          Item: {
            ...reportKey(nik),
            nik,
            name: before.name,
            rt: before.rt,
            kelurahan: before.kelurahan,
            ...report,
          },
        },
      },
      auditPut({
        entity: `RES#${nik}`,
        action: 'DeathReported',
        actor: ctx.actor,
        at: ctx.now,
        requestId: ctx.requestId,
        after: { date: input.date, source: 'RT', ...(input.reference ? { reference: input.reference } : {}) },
      }),
    ]);
  } catch (error) {
    // Recorded as deceased, or moved to another RT, since it was read: ask again for the answer of now.
    if (cancellationReasons(error)?.[0] === 'ConditionalCheckFailed') return reportDeath(nik, input, ctx);
    throw error;
  }
  const { reportedBy: _by, ...shown } = report;
  return { nik, status: 'DEATH_REPORTED', report: shown };
}

/** The chairs' reports waiting for confirmation, oldest first. */
export async function listDeathReports(): Promise<Record<string, unknown>[]> {
  const items = await queryAll({
    TableName: tableName('registry'),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': reportKey('').pk },
  });
  return items
    .map(({ pk: _pk, sk: _sk, ...report }) => report)
    .sort((a, b) => String(a.reportedAt).localeCompare(String(b.reportedAt)));
}
