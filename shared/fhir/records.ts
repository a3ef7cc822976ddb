// The one read the facade makes: a resident and every coverage period of theirs, in a single strongly consistent
// Query of their partition (the profile and the periods are one snapshot, as GET /coverage's GetItem is).
import { QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '#shared/platform/dynamo.ts';
import { tableName } from '#shared/platform/tables.ts';
import type { CoveragePeriod, Resident } from '#shared/registry/schemas.ts';

/** A coverage period with its version: the number its sort key ends with (COV#<validFrom>#v<version>). */
export interface Period extends CoveragePeriod {
  version: number;
}

export interface ResidentRecord {
  resident: Resident;
  /** Oldest first. */
  periods: Period[];
}

export async function readResidentRecord(nik: string): Promise<ResidentRecord | undefined> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    // COV#… < EMP… < PROFILE: the profile and the periods, with the employment cover items skipped below.
    const out = await ddb().send(
      new QueryCommand({
        TableName: tableName('registry'),
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': `RES#${nik}`, ':from': 'COV#', ':to': 'PROFILE' },
        ConsistentRead: true,
        ExclusiveStartKey: start,
      }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  const profile = items.find((i) => i.sk === 'PROFILE');
  if (!profile) return undefined;
  const periods = items
    .filter((i) => String(i.sk).startsWith('COV#'))
    .map(({ pk: _pk, sk, gsi3pk: _g1, gsi3sk: _g2, ...period }) => ({
      ...(period as unknown as CoveragePeriod),
      version: Number(String(sk).slice(String(sk).lastIndexOf('#v') + 2)),
    }));
  const { pk: _pk, sk: _sk, gsi1pk: _a, gsi1sk: _b, gsi2pk: _c, gsi2sk: _d, ...resident } = profile;
  return { resident: resident as unknown as Resident, periods };
}
