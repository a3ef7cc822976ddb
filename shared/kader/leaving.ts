// A resident who died or left the city stops working for it: their BPJS Ketenagakerjaan cover ends that day (every
// source), and a kader among them retires. A route adds these writes to its own transaction; Dukcapil's feed applies
// them after its chunks, for each death and move out of the city in the file (idempotent: a second pass finds
// nothing left open).
import { type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { dayWib } from '#shared/platform/wib.ts';
import { batchGet } from '#shared/registry/batch.ts';
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
 * (their kader record and cover state, all at once), each ended in a transaction of its own.
 */
export async function endWorkOfLeaving(
  leaving: readonly { nik: string; date: string; reason: string }[],
  ctx: KaderContext,
): Promise<number> {
  // A person's first line is the one applied (a second death, a move after it, is refused): one each.
  const seen = new Set<string>();
  const once = leaving.filter((l) => !seen.has(l.nik) && seen.add(l.nik));
  const found = await batchGet(once.flatMap((l) => [kaderKey(l.nik), { pk: `RES#${l.nik}`, sk: 'EMP' }]));
  const working = new Set(
    found
      .filter((i) => (i.sk === 'PROFILE' && i.status === 'ACTIVE') || (i.sk === 'EMP' && i.open))
      .map((i) => String(i.pk).replace(/^(KADER|RES)#/, '')),
  );
  // Few of a feed's people work for the city: their transactions, a few at once.
  const todo = once.filter((l) => working.has(l.nik));
  let ended = 0;
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < todo.length; i = next++) {
      const l = todo[i]!;
      const items = await leavingItems(l.nik, l.date, l.reason, ctx);
      if (items.length) {
        await transact(items);
        ended++;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
  return ended;
}
