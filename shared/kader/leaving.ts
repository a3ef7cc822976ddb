// A resident who died or left the city stops working for it: their BPJS Ketenagakerjaan cover ends that day (every
// source), and a kader among them retires. A route adds these writes to its own transaction; Dukcapil's feed applies
// them after its chunks, for each death and move out of the city in the file (idempotent: a second pass finds
// nothing left open).
import { BatchGetCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { tableName } from '#shared/platform/tables.ts';
import { dayWib } from '#shared/platform/wib.ts';
import { endEmploymentCoverItems, getEmploymentCoverState } from '#shared/registry/employment-cover.ts';
import { getKader, type KaderContext, kaderKey, retireItems } from './register.ts';

const later = (a: string, b: string) => (a > b ? a : b);

/** The writes that end a leaving resident's work on `date`: none when they had no cover open and were no kader. */
export async function leavingItems(
  nik: string,
  date: string,
  reason: string,
  ctx: KaderContext,
): Promise<TransactItem[]> {
  const [state, kader] = await Promise.all([getEmploymentCoverState(nik), getKader(nik)]);
  // Its own request id: the resident's audit record of the death (or move) is written in the same instant.
  const own = { ...ctx, requestId: `${ctx.requestId}#work` };
  const items: TransactItem[] = [];
  if (kader?.status === 'ACTIVE')
    items.push(...retireItems(kader, { date: later(date, kader.since), reason }, own));
  if (state.open) {
    const to = later(date, dayWib(state.open.since));
    items.push(...endEmploymentCoverItems(state, { source: 'ALL', reason, to }, own).items);
  }
  return items;
}

/**
 * After a feed: the residents of its deaths and moves out of the city whose work must end — found with BatchGetItem
 * (their kader record and cover state), each ended in a transaction of its own.
 */
export async function endWorkOfLeaving(
  leaving: readonly { nik: string; date: string; reason: string }[],
  ctx: KaderContext,
): Promise<number> {
  const T = tableName('registry');
  // A person's first line is the one applied (a second death, a move after it, is refused): one each.
  const seen = new Set<string>();
  leaving = leaving.filter((l) => !seen.has(l.nik) && seen.add(l.nik));
  const working = new Set<string>();
  for (let i = 0; i < leaving.length; i += 50) {
    let keys: Record<string, unknown>[] | undefined = leaving
      .slice(i, i + 50)
      .flatMap((l) => [kaderKey(l.nik), { pk: `RES#${l.nik}`, sk: 'EMP' }]);
    for (let round = 0; keys?.length; round++) {
      const out = await ddb().send(
        new BatchGetCommand({ RequestItems: { [T]: { Keys: keys, ConsistentRead: true } } }),
      );
      for (const item of out.Responses?.[T] ?? []) {
        const nik = String(item.pk).replace(/^(KADER|RES)#/, '');
        if ((item.sk === 'PROFILE' && item.status === 'ACTIVE') || (item.sk === 'EMP' && item.open))
          working.add(nik);
      }
      keys = out.UnprocessedKeys?.[T]?.Keys as Record<string, unknown>[] | undefined;
      if (keys?.length) await new Promise((r) => setTimeout(r, Math.min(1000, 20 * 2 ** round)));
    }
  }
  let ended = 0;
  for (const l of leaving) {
    if (!working.has(l.nik)) continue;
    const items = await leavingItems(l.nik, l.date, l.reason, ctx);
    if (items.length) {
      await transact(items);
      ended++;
    }
  }
  return ended;
}
