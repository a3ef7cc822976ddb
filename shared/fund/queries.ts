// The fund ledger's reads: an RT's public account and its entries (newest first, a page at a time), all of them
// for the CSV export, and every RT's account in an area for the city — each a GetItem or a Query, never a scan.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, queryAll } from '#shared/platform/dynamo.ts';
import { ValidationError } from '#shared/platform/errors.ts';
import { tableName } from '#shared/platform/tables.ts';
import { accountKey } from './ledger.ts';
import { type Account, CATEGORIES, type Category, type Entry } from './schemas.ts';

const T = () => tableName('funds');

function account(rt: string, year: number, item: Record<string, unknown> | undefined): Account {
  const n = (k: string) => Number(item?.[k] ?? 0);
  return {
    rt,
    year,
    allocated: n('allocated'),
    spent: n('spent'),
    reversedExpenses: n('reversedExpenses'),
    reversedAllocations: n('reversedAllocations'),
    balance: n('balance'),
    byCategory: Object.fromEntries(CATEGORIES.map((c) => [c, n(`cat_${c}`)])) as Record<Category, number>,
    entries: n('entries'),
    ...(item?.tierAllocatedAt ? { tierAllocatedAt: String(item.tierAllocatedAt) } : {}),
    ...(item?.updatedAt ? { updatedAt: String(item.updatedAt) } : {}),
  };
}

export async function getAccount(rt: string, year: number): Promise<Account> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: accountKey(rt, year), ConsistentRead: true }),
  );
  return account(rt, year, out.Item);
}

const entryOf = ({ pk: _p, sk: _s, ...entry }: Record<string, unknown>) => entry as unknown as Entry;

/** Entries newest first; the cursor is the last entry id of the page before. */
export async function entriesPage(
  rt: string,
  year: number,
  limit: number,
  cursor?: string,
): Promise<{ entries: Entry[]; cursor: string | null }> {
  if (cursor !== undefined && !/^[0-9a-z]{9}-[0-9a-f]{12}$/.test(cursor)) {
    throw ValidationError.field('cursor', 'is not a cursor this list returned');
  }
  const pk = `FUND#${rt}#${year}`;
  const out = await ddb().send(
    new QueryCommand({
      TableName: T(),
      KeyConditionExpression: cursor
        ? 'pk = :pk AND sk BETWEEN :from AND :before'
        : 'pk = :pk AND begins_with(sk, :e)',
      ExpressionAttributeValues: cursor
        ? { ':pk': pk, ':from': 'E#', ':before': `E#${cursor}` }
        : { ':pk': pk, ':e': 'E#' },
      ScanIndexForward: false,
      // One more than asked tells whether there is a next page; the cursor entry itself is skipped below.
      Limit: limit + (cursor ? 2 : 1),
      ConsistentRead: true,
    }),
  );
  const all = (out.Items ?? []).map(entryOf).filter((e) => e.entryId !== cursor);
  const entries = all.slice(0, limit);
  return { entries, cursor: all.length > limit ? entries.at(-1)!.entryId : null };
}

export async function allEntries(rt: string, year: number): Promise<Entry[]> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk AND begins_with(sk, :e)',
    ExpressionAttributeValues: { ':pk': `FUND#${rt}#${year}`, ':e': 'E#' },
    ConsistentRead: true,
  });
  return items.map(entryOf);
}

/** Every RT account of a year whose RT code starts with the area's digits (15.71.01 → 157101). */
export async function accountsInArea(year: number, area: string): Promise<Account[]> {
  const digits = area.replaceAll('.', '');
  const items = await queryAll({
    TableName: T(),
    IndexName: 'gsi1',
    KeyConditionExpression: digits ? 'gsi1pk = :pk AND begins_with(gsi1sk, :area)' : 'gsi1pk = :pk',
    ExpressionAttributeValues: { ':pk': `FUNDS#${year}`, ...(digits ? { ':area': digits } : {}) },
  });
  return items.map((item) => account(String(item.rt), year, item));
}
