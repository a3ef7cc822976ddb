// Brings local data made by an earlier version up to date when `npm start` opens it: an index added to a table
// since (DynamoDB Local builds it from what the items carry) and the attributes older items lack for it.
// In AWS the same backfill is a one-off run; locally it happens on start, once.
import { QueryCommand, ScanCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { kelurahanName } from '#shared/city/regions.ts';
import { listRts, RT_PK } from '#shared/city/rts.ts';
import { createStaff, getStaff } from '#shared/city/staff.ts';
import { listUnits } from '#shared/incident/repository.ts';
import { ddb } from '#shared/platform/dynamo.ts';
import { tableName } from '#shared/platform/tables.ts';
import { birthdayKey, cityPaidKey } from '#shared/registry/repository.ts';
import { demoChairUsername } from './demo-data.ts';
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

/** City-paid coverage periods without the city-paid index's keys get them (periodItem writes them for new ones). */
async function backfillCityPaidIndex(): Promise<number> {
  let start: Record<string, unknown> | undefined;
  let updated = 0;
  do {
    const page = await ddb().send(
      new ScanCommand({
        TableName: tableName('registry'),
        FilterExpression:
          'begins_with(sk, :cov) AND scheme = :apbd AND #s = :active AND attribute_not_exists(gsi3pk)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':cov': 'COV#', ':apbd': 'PBI_APBD', ':active': 'ACTIVE' },
        ProjectionExpression: 'pk, sk, validFrom',
        ExclusiveStartKey: start,
      }),
    );
    for (const item of page.Items ?? []) {
      const keys = cityPaidKey(String(item.pk).slice(4), String(item.validFrom));
      await ddb().send(
        new UpdateCommand({
          TableName: tableName('registry'),
          Key: { pk: item.pk, sk: item.sk },
          UpdateExpression: 'SET gsi3pk = :pk, gsi3sk = :sk',
          ExpressionAttributeValues: { ':pk': keys.gsi3pk, ':sk': keys.gsi3sk },
        }),
      );
      updated++;
    }
    start = page.LastEvaluatedKey;
  } while (start);
  return updated;
}

const MIGRATION = { actor: { sub: 'migrate', roles: ['city_admin'] }, requestId: 'migrate-rt-directory' };

/**
 * RTs written before the directory was managed (no version): each gets its status, its residents counted, and, so
 * the web form's sign-in still lists it, an account for its chair, as POST /staff makes them.
 */
async function completeRtDirectory(): Promise<number> {
  const old = (await listRts()).filter((rt) => !rt.version);
  const now = new Date().toISOString();
  for (const rt of old) {
    let residents = 0;
    let start: Record<string, unknown> | undefined;
    do {
      const page = await ddb().send(
        new QueryCommand({
          TableName: tableName('registry'),
          IndexName: 'gsi1',
          KeyConditionExpression: 'gsi1pk = :pk',
          ExpressionAttributeValues: { ':pk': `RT#${rt.rt}` },
          Select: 'COUNT',
          ExclusiveStartKey: start,
        }),
      );
      residents += page.Count ?? 0;
      start = page.LastEvaluatedKey;
    } while (start);
    await ddb().send(
      new UpdateCommand({
        TableName: tableName('registry'),
        Key: { pk: RT_PK, sk: rt.rt },
        UpdateExpression:
          'SET #s = :active, residents = :n, version = :v, createdAt = :now, updatedAt = :now',
        ConditionExpression: 'attribute_not_exists(version)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: { ':active': 'ACTIVE', ':n': residents, ':v': 1, ':now': now },
      }),
    );
    const username = demoChairUsername(rt.rt);
    if (rt.chairName && !(await getStaff(username))) {
      await createStaff({ username, name: rt.chairName, role: 'rt_chair', rt: rt.rt }, { ...MIGRATION, now });
    }
  }
  return old.length;
}

/** Demo units named after a kelurahan by an older version ("Ambulans <kelurahan> 1"): named as the demo names them now. */
async function renameDemoUnits(): Promise<number> {
  const KIND = { AMBULANCE: 'Ambulans', FIRE: 'Damkar', POLICE: 'Polisi', RESCUE: 'Basarnas' } as const;
  let renamed = 0;
  for (const unit of await listUnits()) {
    const old = /^(Ambulans|Damkar|Polisi|Basarnas) (.+) (\d+)$/.exec(unit.name);
    if (!old || !/^[A-Z]{3}-\d{2}$/.test(unit.id) || KIND[unit.kind] !== old[1]) continue;
    const place = kelurahanName(unit.kelurahan) ?? unit.kelurahan;
    await ddb().send(
      new UpdateCommand({
        TableName: tableName('incidents'),
        Key: { pk: 'UNITS', sk: unit.id },
        UpdateExpression: 'SET #n = :n',
        ExpressionAttributeNames: { '#n': 'name' },
        ExpressionAttributeValues: { ':n': `${old[1]} ${old[3]} (demo, Kel. ${place})`.slice(0, 80) },
      }),
    );
    renamed++;
  }
  return renamed;
}

export async function migrateLocalData(endpoint: string, log: (line: string) => void): Promise<void> {
  const added = await addMissingIndexes(endpoint);
  for (const a of added) log(`[migrate] added index ${a.index} to the ${a.table} table`);
  if (added.some((a) => a.table === 'registry' && a.index === 'gsi2')) {
    log(`[migrate] ${await backfillBirthdayIndex()} residents added to the birthday index`);
  }
  if (added.some((a) => a.table === 'registry' && a.index === 'gsi3')) {
    log(`[migrate] ${await backfillCityPaidIndex()} city-paid coverage periods added to the city-paid index`);
  }
  const rts = await completeRtDirectory();
  if (rts) log(`[migrate] ${rts} RTs completed in the directory (status, residents, their chairs' accounts)`);
  const units = await renameDemoUnits();
  if (units) log(`[migrate] ${units} demo units renamed (no kelurahan name in a unit's name)`);
}
