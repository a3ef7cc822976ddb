// How the registry's changes reach DynamoDB. A change is planned as data (`Write`s, by pure functions): a route writes
// it as one guarded transaction; an import applies many in memory, one after another, and writes each item once as it
// ends with BatchWriteItem, the aggregates summed into one transaction per chunk under a once-only marker. Also what
// every import uses: the batch calls (retrying whatever DynamoDB leaves unprocessed), the RTs it may count residents
// into.
import {
  BatchGetCommand,
  type BatchGetCommandOutput,
  BatchWriteCommand,
  type BatchWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { isActiveRt, listRts, rtResidentsUpdate } from '#shared/city/rts.ts';
import { type AuditInput, auditPut } from '#shared/platform/audit.ts';
import { cancellationReasons, ddb, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { tableName } from '#shared/platform/tables.ts';
import { periodItem, premiumUpdate, uhcUpdate } from './repository.ts';
import type { UhcCounts } from './rules.ts';
import type { CurrentCoverage } from './schemas.ts';

type Item = Record<string, unknown>;
export interface Key {
  pk: string;
  sk: string;
}

/**
 * The condition a route writes an item under. An import writes without, as the residents import always has: no other
 * import runs meanwhile (the import lock), and it has just read the item.
 */
export interface Guard {
  ConditionExpression: string;
  ExpressionAttributeNames?: Record<string, string>;
  ExpressionAttributeValues?: Record<string, unknown>;
}

/** One write of a planned change to the registry (and its audit record). */
export type Write =
  /** A registry item written whole. */
  | { kind: 'put'; item: Item; guard?: Guard }
  /** An item the change was planned on, as it was read (a route's condition; an import has just read it). */
  | { kind: 'check'; key: Key; guard: Guard }
  | { kind: 'delete'; key: Key }
  /** A coverage period closed at `validTo`; a city-paid one also says its last billed month. */
  | { kind: 'close'; nik: string; coverage: CurrentCoverage; validTo: string; billedThrough?: string }
  /** Residents counted in (or out of) an RT; `open`: the RT must be in the directory and not closed. */
  | { kind: 'rt'; rt: string; delta: number; open: boolean }
  /** A kelurahan's UHC counts moved (never all zero). */
  | { kind: 'uhc'; kelurahan: string; counts: UhcCounts }
  /** The city's premium count from a month on. */
  | { kind: 'premium'; month: string; delta: number }
  | { kind: 'audit'; audit: AuditInput };

/** A change as planned: its writes, and what the caller is told. */
export interface Plan<O> {
  writes: Write[];
  outcome: O;
}

/** The UHC write of a kelurahan's counts moving, none when nothing moves. */
export const uhcWrites = (kelurahan: string, counts: UhcCounts): Write[] =>
  counts.residents || counts.covered || counts.active ? [{ kind: 'uhc', kelurahan, counts }] : [];

export const negated = (c: UhcCounts): UhcCounts => ({
  residents: -c.residents,
  covered: -c.covered,
  active: -c.active,
});

/** A route's transaction: one item per write, in the plan's order (a cancellation's reasons follow it). */
export const transactItems = (writes: readonly Write[]): TransactItem[] => writes.map(transactItem);

function transactItem(w: Write): TransactItem {
  const T = tableName('registry');
  switch (w.kind) {
    case 'put':
      return { Put: { TableName: T, Item: w.item, ...w.guard } };
    case 'check':
      return { ConditionCheck: { TableName: T, Key: w.key, ...w.guard } };
    case 'delete':
      return { Delete: { TableName: T, Key: w.key } };
    case 'close':
      return {
        Update: {
          TableName: T,
          Key: { pk: `RES#${w.nik}`, sk: w.coverage.periodSk },
          UpdateExpression: w.billedThrough ? 'SET validTo = :to, billedThrough = :m' : 'SET validTo = :to',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(validTo)',
          ExpressionAttributeValues: {
            ':to': w.validTo,
            ...(w.billedThrough ? { ':m': w.billedThrough } : {}),
          },
        },
      };
    case 'rt':
      return rtResidentsUpdate(w.rt, w.delta, w.open);
    case 'uhc':
      // Planned through uhcWrites, so something moves.
      return uhcUpdate(w.kelurahan, w.counts)!;
    case 'premium':
      return premiumUpdate(w.month, w.delta);
    case 'audit':
      return auditPut(w.audit);
  }
}

/** The aggregates of many changes summed: one ADD per kelurahan, month and RT, however many changes moved it. */
export class Tally {
  private readonly uhc = new Map<string, UhcCounts>();
  private readonly premium = new Map<string, number>();
  private readonly rts = new Map<string, number>();

  addUhc(kelurahan: string, d: UhcCounts): void {
    const t = this.uhc.get(kelurahan) ?? { residents: 0, covered: 0, active: 0 };
    this.uhc.set(kelurahan, {
      residents: t.residents + d.residents,
      covered: t.covered + d.covered,
      active: t.active + d.active,
    });
  }

  addPremium(month: string, delta: number): void {
    this.premium.set(month, (this.premium.get(month) ?? 0) + delta);
  }

  addRt(rt: string, delta: number): void {
    this.rts.set(rt, (this.rts.get(rt) ?? 0) + delta);
  }

  /** The updates, leaving out what summed to nothing. */
  items(): TransactItem[] {
    const items: TransactItem[] = [];
    for (const [kel, d] of this.uhc) {
      const u = uhcUpdate(kel, d);
      if (u) items.push(u);
    }
    for (const [month, delta] of this.premium) if (delta !== 0) items.push(premiumUpdate(month, delta));
    // Counted out or in: whether an RT may take a resident was checked when the change was planned.
    for (const [rt, delta] of this.rts) if (delta !== 0) items.push(rtResidentsUpdate(rt, delta, false));
    return items;
  }
}

/** An item written (or deleted) by BatchWriteItem, in any table. */
export type BatchRequest = { table: string; put: Item } | { table: string; delete: Key };

const itemKey = (table: string, key: Key | Item) => `${table}\u0000${String(key.pk)}\u0000${String(key.sk)}`;

/**
 * Changes applied one after another in memory, as an import applies a chunk's lines: each plan reads what the ones
 * before it wrote, and the aggregates are summed for the chunk's one transaction. The items go out in stages the
 * caller gives (0 first), each item once per stage as it ends there (BatchWriteItem takes a key once per call).
 */
export class InMemory {
  private readonly registry = tableName('registry');
  private readonly items = new Map<string, Item | undefined>();
  private readonly stages = new Map<number, Map<string, BatchRequest>>();
  readonly tally = new Tally();

  /** `read`: the registry items the plans may ask for, as BatchGetItem returned them. */
  constructor(read: readonly Item[]) {
    for (const item of read) this.items.set(itemKey(this.registry, item), item);
  }

  /** A registry item as it stands after the changes so far. */
  get(key: Key): Item | undefined {
    return this.items.get(itemKey(this.registry, key));
  }

  /** Takes an item as absent from here on (what a retried chunk wrote itself is not in its way). */
  forget(key: Key): void {
    this.items.set(itemKey(this.registry, key), undefined);
  }

  apply(writes: readonly Write[], stageOf: (r: BatchRequest) => number = () => 0): void {
    const T = this.registry;
    const queue = (k: string, r: BatchRequest) => {
      const stage = stageOf(r);
      const pending = this.stages.get(stage) ?? new Map<string, BatchRequest>();
      this.stages.set(stage, pending);
      // Written once, as it ends: a later write of the key in the stage replaces the earlier one in place.
      pending.delete(k);
      pending.set(k, r);
    };
    const put = (table: string, item: Item) => {
      const k = itemKey(table, item);
      if (table === T) this.items.set(k, item);
      queue(k, { table, put: item });
    };
    for (const w of writes) {
      switch (w.kind) {
        case 'put':
          put(T, w.item);
          break;
        case 'delete': {
          const k = itemKey(T, w.key);
          this.items.set(k, undefined);
          queue(k, { table: T, delete: w.key });
          break;
        }
        case 'close':
          // The period written whole, as closed (the import holds the lock: nobody closes it meanwhile).
          put(T, {
            ...periodItem(w.nik, w.coverage, w.validTo),
            ...(w.billedThrough ? { billedThrough: w.billedThrough } : {}),
          });
          break;
        case 'rt':
          this.tally.addRt(w.rt, w.delta);
          break;
        case 'uhc':
          this.tally.addUhc(w.kelurahan, w.counts);
          break;
        case 'premium':
          this.tally.addPremium(w.month, w.delta);
          break;
        case 'audit': {
          const { TableName, Item } = auditPut(w.audit).Put;
          put(TableName, Item);
          break;
        }
        case 'check':
          break;
      }
    }
  }

  /** The items to write, stage by stage. */
  writes(): BatchRequest[][] {
    return [...this.stages.entries()].sort(([a], [b]) => a - b).map(([, pending]) => [...pending.values()]);
  }
}

/** The RTs an import may count residents into: in the directory and not closed. */
export async function loadKnownRts(): Promise<Set<string>> {
  return new Set((await listRts()).filter(isActiveRt).map((r) => r.rt));
}

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));

/** Items by key (100 a call, all at once, strongly consistent); what is not there is left out. */
export async function batchGet(keys: readonly Key[], table = tableName('registry')): Promise<Item[]> {
  const found: Item[] = [];
  const batches: Key[][] = [];
  for (let i = 0; i < keys.length; i += 100) batches.push(keys.slice(i, i + 100));
  await Promise.all(
    batches.map(async (batch) => {
      let pending: Record<string, unknown>[] | undefined = batch.map((k) => ({ pk: k.pk, sk: k.sk }));
      for (let attempt = 0; pending?.length; attempt++) {
        const out: BatchGetCommandOutput = await ddb().send(
          new BatchGetCommand({ RequestItems: { [table]: { Keys: pending, ConsistentRead: true } } }),
        );
        found.push(...(out.Responses?.[table] ?? []));
        pending = out.UnprocessedKeys?.[table]?.Keys;
        if (pending?.length) await backoff(attempt);
      }
    }),
  );
  return found;
}

/** Promise.all that waits for every promise before it rejects with the first failure. */
async function settled(promises: readonly Promise<unknown>[]): Promise<void> {
  const failed = (await Promise.allSettled(promises)).find(
    (r): r is PromiseRejectedResult => r.status === 'rejected',
  );
  if (failed) throw failed.reason;
}

type RequestItems = NonNullable<BatchWriteCommandInput['RequestItems']>;

/**
 * Writes items 25 a call, all at once, until DynamoDB has taken every one (a call may span tables). A call that fails
 * fails the whole, once the others have ended: nothing of it is still being written when the caller hears of it.
 */
export async function batchWrite(requests: readonly BatchRequest[]): Promise<void> {
  const batches: BatchRequest[][] = [];
  for (let i = 0; i < requests.length; i += 25) batches.push(requests.slice(i, i + 25));
  await settled(
    batches.map(async (batch) => {
      let pending: RequestItems = {};
      for (const r of batch) {
        const request = 'put' in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } };
        pending[r.table] = [...(pending[r.table] ?? []), request];
      }
      for (let attempt = 0; Object.keys(pending).length; attempt++) {
        const out = await ddb().send(new BatchWriteCommand({ RequestItems: pending }));
        pending = Object.fromEntries(
          Object.entries(out.UnprocessedItems ?? {}).filter(([, left]) => left.length),
        ) as RequestItems;
        if (Object.keys(pending).length) await backoff(attempt);
      }
    }),
  );
}

/** A retried job comes within days; its markers need not outlive that. */
const MARKER_DAYS = 7;

/**
 * A chunk's aggregates, applied once: each transaction carries a marker (`<sk>#<part>`) that exists only if it was
 * written, so a retried job skips the parts it applied before. 99 items is the transaction cap. `first` is kept on
 * part 0, which is written even with no aggregates when given.
 */
export async function applyOnce(
  marker: { pk: string; sk: string; first?: Item },
  aggregates: readonly TransactItem[],
): Promise<void> {
  for (let part = 0; part * 98 < aggregates.length || (part === 0 && !!marker.first); part++) {
    const item: TransactItem = {
      Put: {
        TableName: tableName('registry'),
        Item: {
          ...(part === 0 ? marker.first : {}),
          pk: marker.pk,
          sk: `${marker.sk}#${part}`,
          expiresAt: Math.floor(Date.now() / 1000) + MARKER_DAYS * 86400,
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    try {
      await transact([item, ...aggregates.slice(part * 98, part * 98 + 98)]);
    } catch (error) {
      if (cancellationReasons(error)?.[0] !== 'ConditionalCheckFailed') throw error;
    }
  }
}
