// A number already on the opt-out list, as a test's starting point (the domain writes it with an audit record).
import { PutCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '../../shared/platform/dynamo.ts';
import { optOutKey, T } from '../../shared/reminder/keys.ts';
import type { OptOut } from '../../shared/reminder/opt-outs.ts';

export async function givenOptedOut(o: OptOut): Promise<void> {
  await ddb().send(
    new PutCommand({
      TableName: T(),
      Item: {
        ...optOutKey(o.phone),
        at: o.at,
        source: o.source,
        ...(o.keyword ? { keyword: o.keyword } : {}),
      },
    }),
  );
}
