// Counts every DynamoDB call this process makes, by operation, asking DynamoDB what each consumed
// (ReturnConsumedCapacity is added to every call) and keeping each committed transaction as it was sent.
import { cancellationReasons, ddb } from '#shared/platform/dynamo.ts';

export interface Tally {
  calls: Record<string, number>;
  failures: Record<string, number>;
  wcu: number;
  rcu: number;
  awsWcu: number;
  /** Every TransactWriteItems input, as sent (the floor replays them). */
  transactions: Record<string, unknown>[];
}

export const WRITES = /Write|Put|Update|Delete/;

/** Counts every DynamoDB call of this process by operation, asking DynamoDB what each consumed. */
export function instrument(): { tally: Tally; reset(): void } {
  const tally: Tally = { calls: {}, failures: {}, wcu: 0, rcu: 0, awsWcu: 0, transactions: [] };
  // One tally at a time: a later section's replaces an earlier one's.
  ddb().middlewareStack.remove('benchCountDynamoCalls');
  ddb().middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName ?? 'unknown').replace(/Command$/, '');
      tally.calls[name] = (tally.calls[name] ?? 0) + 1;
      const input = args.input as Record<string, unknown>;
      const sent = name === 'TransactWriteItems' ? structuredClone(input) : undefined;
      input.ReturnConsumedCapacity = 'TOTAL';
      let out: Awaited<ReturnType<typeof next>>;
      try {
        out = await next(args);
      } catch (error) {
        const reasons = cancellationReasons(error)?.filter((r) => r !== 'None');
        const why = `${name}: ${reasons?.length ? [...new Set(reasons)].join('+') : (error as Error).name}`;
        tally.failures[why] = (tally.failures[why] ?? 0) + 1;
        throw error;
      }
      if (sent) tally.transactions.push(sent);
      // DynamoDB Local reports CapacityUnits per table (a transactional write counted 2 per item, as AWS does).
      const consumed = [(out.output as { ConsumedCapacity?: unknown }).ConsumedCapacity].flat() as (
        | { CapacityUnits?: number }
        | undefined
      )[];
      const units = consumed.reduce((sum, c) => sum + (c?.CapacityUnits ?? 0), 0);
      if (WRITES.test(name)) tally.wcu += units;
      else tally.rcu += units;
      // AWS's rule, to check Local's figure: 2 WCU per item of up to 1 KB written in a transaction.
      for (const item of (input.TransactItems as Record<string, { Item?: unknown }>[] | undefined) ?? []) {
        const op = Object.values(item)[0]!;
        tally.awsWcu += 2 * Math.max(1, Math.ceil(JSON.stringify(op.Item ?? op).length / 1024));
      }
      return out;
    },
    { step: 'initialize', name: 'benchCountDynamoCalls' },
  );
  return {
    tally,
    reset() {
      Object.assign(tally, { calls: {}, failures: {}, wcu: 0, rcu: 0, awsWcu: 0, transactions: [] });
    },
  };
}
