// The DynamoDB document client every repository uses; local mode points it at DynamoDB Local.
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DynamoDBDocumentClient,
  QueryCommand,
  type QueryCommandInput,
  type QueryCommandOutput,
  TransactWriteCommand,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';

export type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

function makeClient(): DynamoDBDocumentClient {
  const endpoint = process.env.DYNAMODB_ENDPOINT;
  const client = new DynamoDBClient(
    endpoint
      ? {
          endpoint,
          region: process.env.AWS_REGION ?? 'local',
          credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
          maxAttempts: 5,
        }
      : { maxAttempts: 5 },
  );
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertEmptyValues: false },
  });
}

let cached: DynamoDBDocumentClient | undefined;

export function ddb(): DynamoDBDocumentClient {
  cached ??= makeClient();
  return cached;
}

/** Tests and the local server swap in their own client (aws-sdk-client-mock needs a fresh one). */
export function setDdb(client: DynamoDBDocumentClient | undefined): void {
  cached = client;
}

/**
 * Why a transaction was cancelled, per item in the order the items were sent; `Item` is the item as it was
 * when a condition asked for ReturnValuesOnConditionCheckFailure, in DynamoDB's own form ({balance: {N: "5"}}).
 */
export function cancellationDetails(
  error: unknown,
): { Code?: string; Item?: Record<string, { N?: string; S?: string }> }[] | undefined {
  if (!(error instanceof Error) || error.name !== 'TransactionCanceledException') return undefined;
  return (error as Error & { CancellationReasons?: [] }).CancellationReasons ?? [];
}

/** Did a cancelled transaction fail a condition: on item `index`, or on any item when no index is given? */
export function conditionFailed(error: unknown, index?: number): boolean {
  const details = cancellationDetails(error);
  if (!details) return false;
  return index === undefined
    ? details.some((r) => r.Code === 'ConditionalCheckFailed')
    : details[index]?.Code === 'ConditionalCheckFailed';
}

/** Why a transaction was cancelled, one code per item in the order the items were sent. */
export function cancellationReasons(error: unknown): string[] | undefined {
  return cancellationDetails(error)?.map((r) => r.Code ?? 'None');
}

/** Every item a Query matches, page after page (for partitions known to be small). */
export async function queryAll(input: QueryCommandInput): Promise<Record<string, unknown>[]> {
  const items: Record<string, unknown>[] = [];
  let start: Record<string, unknown> | undefined;
  do {
    const out: QueryCommandOutput = await ddb().send(
      new QueryCommand({ ...input, ExclusiveStartKey: start }),
    );
    items.push(...(out.Items ?? []));
    start = out.LastEvaluatedKey;
  } while (start);
  return items;
}

/** TransactWriteItems with retries on transaction conflicts (hot aggregate items), jittered. */
export async function transact(items: TransactItem[], attempts = 6): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await ddb().send(new TransactWriteCommand({ TransactItems: items }));
      return;
    } catch (error) {
      const reasons = cancellationReasons(error);
      const conflicted =
        reasons?.includes('TransactionConflict') && !reasons.includes('ConditionalCheckFailed');
      if (!conflicted || attempt >= attempts) throw error;
      // Full jitter, capped: a busy item (a fund's account) may take many rounds.
      await new Promise((r) => setTimeout(r, Math.random() * Math.min(250, 20 * 2 ** attempt)));
    }
  }
}
