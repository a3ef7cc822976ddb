// Opted-out numbers: an inbound STOP or BERHENTI (or SNS's own list, synced daily) puts the number here, MULAI
// takes it out. The daily job reads the whole list once; the sender checks each number again right before sending.
import { DeleteCommand, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
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

/** Marks a number opted out; true when it was not already. */
export async function optOut(o: OptOut): Promise<boolean> {
  try {
    await ddb().send(
      new PutCommand({
        TableName: T(),
        Item: {
          ...optOutKey(o.phone),
          at: o.at,
          source: o.source,
          ...(o.keyword ? { keyword: o.keyword } : {}),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Takes a number off the list; true when it was on it. */
export async function optIn(phone: string): Promise<boolean> {
  const out = await ddb().send(
    new DeleteCommand({ TableName: T(), Key: optOutKey(phone), ReturnValues: 'ALL_OLD' }),
  );
  return !!out.Attributes;
}
