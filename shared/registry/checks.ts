import { auditPut } from '#shared/platform/audit.ts';
import { conditionFailed, transact } from '#shared/platform/dynamo.ts';
import { NotFound } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { getResident, residentKey, type WriteContext } from './repository.ts';

export interface CheckRecorded {
  nik: string;
  /** The latest check on record, after this one. */
  lastCheckDate: string;
  /** false: a check on this day or later was already recorded; nothing changed. */
  recorded: boolean;
}

export async function recordCheck(
  nik: string,
  check: { date: string; place?: string },
  ctx: WriteContext,
): Promise<CheckRecorded> {
  for (let attempt = 1; ; attempt++) {
    const resident = await getResident(nik);
    if (!resident) throw new NotFound('No resident with this NIK is registered');
    const last = resident.lastCheckDate;
    if (last && last >= check.date) return { nik, lastCheckDate: last, recorded: false };
    try {
      await transact([
        {
          Update: {
            TableName: tableName('registry'),
            Key: residentKey(nik),
            UpdateExpression: 'SET lastCheckDate = :d',
            ConditionExpression: last
              ? 'lastCheckDate = :last'
              : 'attribute_exists(pk) AND attribute_not_exists(lastCheckDate)',
            ExpressionAttributeValues: { ':d': check.date, ...(last ? { ':last': last } : {}) },
          },
        },
        auditPut({
          entity: `RES#${nik}`,
          action: 'HealthCheckRecorded',
          actor: ctx.actor,
          at: ctx.now,
          requestId: ctx.requestId,
          before: { lastCheckDate: last ?? null },
          after: { lastCheckDate: check.date, ...(check.place ? { place: check.place } : {}) },
        }),
      ]);
      return { nik, lastCheckDate: check.date, recorded: true };
    } catch (error) {
      // Another check was recorded in between: look again.
      if (conditionFailed(error, 0) && attempt < 3) continue;
      throw error;
    }
  }
}
