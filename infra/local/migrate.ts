// Brings local data made by an earlier version up to date when `npm start` opens it: an index added to a table
// since (DynamoDB Local builds it from what the items carry) and the attributes older items lack for it.
// In AWS the same backfill is a one-off run; locally it happens on start, once.
import { ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '#shared/platform/dynamo.ts';
import { tableName } from '#shared/platform/tables.ts';
import { birthdayKey } from '#shared/registry/repository.ts';
import { addMissingIndexes } from './dynamodb-local.ts';

/** Residents without the birthday index's keys get them (residentItem writes them for every new write). */
async function backfillBirthdayIndex(): Promise<number> {
  let start: Record<string, unknown> | undefined;
  let updated = 0;
  do {
    const page = await ddb().send(
      new ScanCommand({
        TableName: tableName('registry'),
        FilterExpression: 'sk = :profile AND attribute_not_exists(gsi2pk)',
        ExpressionAttributeValues: { ':profile': 'PROFILE' },
        ProjectionExpression: 'pk, sk, nik, birthDate',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const keys = birthdayKey(item as { nik: string; birthDate: string });
      await ddb().send(
        new UpdateCommand({
          TableName: tableName('registry'),
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET gsi2pk = :pk, gsi2sk = :sk',
          ExpressionAttributeValues: { ':pk': keys.gsi2pk, ':sk': keys.gsi2sk },
        }),
      );
      updated++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return updated;
}

export async function migrateLocalData(endpoint: string, log: (line: string) => void): Promise<void> {
  const added = await addMissingIndexes(endpoint);
  for (const a of added) log(`[migrate] added index ${a.index} to the ${a.table} table`);
  if (added.some((a) => a.table === 'registry' && a.index === 'gsi2')) {
    log(`[migrate] ${await backfillBirthdayIndex()} residents added to the birthday index`);
  }
}
