// Opted-out numbers: an inbound STOP or BERHENTI (inbound.ts) or SNS's own list (opt-out-sync.ts, daily) puts the
// number here, MULAI takes it out, each with its audit record. The daily job reads the whole list once; the sender
// checks each number again right before sending.
import { GetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, queryAll } from '#shared/platform/dynamo.ts';
import { OPTOUT_PK, optOutKey, T } from './keys.ts';

export type OptOutSource = 'SMS' | 'SNS';

export interface OptOut {
  phone: string;
  at: string;
  source: OptOutSource;
  /** The word the citizen sent (STOP, BERHENTI). */
  keyword?: string;
}

export async function isOptedOut(phone: string): Promise<boolean> {
  const out = await ddb().send(
    new GetCommand({
      TableName: T(),
      Key: optOutKey(phone),
      ConsistentRead: true,
      ProjectionExpression: 'pk',
    }),
  );
  return !!out.Item;
}

/** Every opted-out number (one partition, keys only: tens of thousands of numbers a page). */
export async function optedOutNumbers(): Promise<Set<string>> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': OPTOUT_PK },
    ProjectionExpression: 'sk',
    ConsistentRead: true,
  });
  return new Set(items.map((i) => String(i.sk)));
}
