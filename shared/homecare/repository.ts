// The homecare table (keys in shared/platform/tables.ts): item shapes in and out, and the reads. Writes are built here
// as TransactWriteItems parts and committed by the operations in requests.ts, visits.ts and trips.ts.
import { GetCommand, QueryCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, queryAll, type TransactItem } from '#shared/platform/dynamo.ts';
import { tableName } from '#shared/platform/tables.ts';
import { monthWib } from '#shared/platform/wib.ts';
import { isOpen } from './lifecycle.ts';
import type { HomecareRequest, Need, RequestStatus, TimelineEntry, Trip, Visit } from './schemas.ts';

export const T = () => tableName('homecare');
export const requestPk = (id: string) => `HC#${id}`;
export const requestKey = (id: string) => ({ pk: requestPk(id), sk: 'REQ' });
export const openKey = (nik: string, need: Need) => ({ pk: `OPEN#${nik}`, sk: need });
export const visitKey = (requestId: string, visitId: string) => ({
  pk: requestPk(requestId),
  sk: `V#${visitId}`,
});
export const tripKey = (requestId: string, tripId: string) => ({
  pk: requestPk(requestId),
  sk: `TRIP#${tripId}`,
});
export const slotKey = (unitId: string, slot: string) => ({ pk: `SLOT#${unitId}`, sk: slot });
export const monthPk = (month: string) => `M#${month}`;

const KEYS = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'gsi3pk', 'gsi3sk', 'gsi4pk', 'gsi4sk'];
function strip<R>(item: Record<string, unknown>): R {
  const out = { ...item };
  for (const k of KEYS) delete out[k];
  return out as R;
}

/** The request's item, in the status indexes of its puskesmas and of the city, its RT's, and its month's. */
export function requestItem(r: HomecareRequest): Record<string, unknown> {
  const order = `${r.requestedAt}#${r.id}`;
  return {
    ...requestKey(r.id),
    ...r,
    gsi1pk: `PKM#${r.puskesmas.code}#${r.status}`,
    gsi1sk: order,
    gsi2pk: `ST#${r.status}`,
    gsi2sk: order,
    gsi3pk: `RT#${r.rt}`,
    gsi3sk: order,
    gsi4pk: monthPk(monthWib(r.requestedAt)),
    gsi4sk: `R#${order}`,
  };
}
export const requestFromItem = (item: Record<string, unknown>) => strip<HomecareRequest>(item);

/** A request's Put: new (no item yet) or replacing the version read. */
export function requestPut(r: HomecareRequest, previousVersion?: number): TransactItem {
  return {
    Put: {
      TableName: T(),
      Item: requestItem(r),
      ConditionExpression: previousVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
      ...(previousVersion === undefined ? {} : { ExpressionAttributeValues: { ':v': previousVersion } }),
    },
  };
}

/** The open marker of a request: taken at its creation, given back when it closes or is declined. */
export function openMarkerPut(r: HomecareRequest): TransactItem {
  return {
    Put: {
      TableName: T(),
      Item: { ...openKey(r.nik, r.need), requestId: r.id },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
export function openMarkerDelete(r: HomecareRequest): TransactItem {
  return {
    Delete: {
      TableName: T(),
      Key: openKey(r.nik, r.need),
      ConditionExpression: 'requestId = :id',
      ExpressionAttributeValues: { ':id': r.id },
    },
  };
}

/** The request open for this resident and need, if any. */
export async function openRequestId(nik: string, need: Need): Promise<string | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: openKey(nik, need), ConsistentRead: true }),
  );
  return out.Item?.requestId as string | undefined;
}

export function visitItem(v: Visit): Record<string, unknown> {
  return {
    ...visitKey(v.requestId, v.id),
    ...v,
    gsi4pk: monthPk(v.date.slice(0, 7)),
    gsi4sk: `V#${v.date}#${v.id}`,
  };
}
export const visitFromItem = (item: Record<string, unknown>) => strip<Visit>(item);

export function tripItem(t: Trip): Record<string, unknown> {
  return {
    ...tripKey(t.requestId, t.id),
    ...t,
    gsi4pk: monthPk(monthWib(t.pickupAt)),
    gsi4sk: `T#${t.pickupAt}#${t.id}`,
  };
}
export const tripFromItem = (item: Record<string, unknown>) => strip<Trip>(item);

/** A timeline entry's Put; entries are never changed. `seq` orders entries written in the same instant. */
export function timelinePut(requestId: string, e: TimelineEntry, seq = 0): TransactItem {
  return {
    Put: {
      TableName: T(),
      Item: { pk: requestPk(requestId), sk: `T#${e.at}#${String(seq).padStart(2, '0')}`, ...e },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export async function getRequest(id: string, consistent = true): Promise<HomecareRequest | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: requestKey(id), ConsistentRead: consistent }),
  );
  return out.Item ? requestFromItem(out.Item) : undefined;
}

export interface RequestRecord {
  request: HomecareRequest;
  visits: Visit[];
  trips: Trip[];
  timeline: TimelineEntry[];
}

/** A request with its visits, trips and timeline: one Query of its partition. */
export async function getRequestRecord(id: string): Promise<RequestRecord | undefined> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': requestPk(id) },
    ConsistentRead: true,
  });
  const head = items.find((i) => i.sk === 'REQ');
  if (!head) return undefined;
  const of = (prefix: string) => items.filter((i) => String(i.sk).startsWith(prefix));
  return {
    request: requestFromItem(head),
    visits: of('V#')
      .map(visitFromItem)
      .sort((a, b) => a.date.localeCompare(b.date) || a.scheduledAt.localeCompare(b.scheduledAt)),
    trips: of('TRIP#')
      .map(tripFromItem)
      .sort((a, b) => a.pickupAt.localeCompare(b.pickupAt)),
    timeline: of('T#').map((i) => strip<TimelineEntry>(i)),
  };
}

/** Where a list is read from: one puskesmas, the whole city, or one RT. */
export type Scope = { puskesmas: string } | { city: true } | { rt: string };

/**
 * One page of requests of the given statuses, oldest first: each status is its own index partition in the same
 * order (`<requestedAt>#<id>`), so the page is a merge of one Query per status, and `after` (the last sort key
 * shown) goes on in every one of them.
 */
export async function listRequests(
  scope: Scope,
  statuses: readonly RequestStatus[],
  opts: { limit: number; after?: string; need?: Need },
): Promise<{ requests: HomecareRequest[]; next?: string }> {
  const take = async (index: string, pk: string, filterStatus?: readonly RequestStatus[]) => {
    const found: HomecareRequest[] = [];
    let start: Record<string, unknown> | undefined;
    do {
      const out = await ddb().send(
        new QueryCommand({
          TableName: T(),
          IndexName: index,
          KeyConditionExpression: opts.after
            ? `${index}pk = :pk AND ${index}sk > :after`
            : `${index}pk = :pk`,
          ExpressionAttributeValues: { ':pk': pk, ...(opts.after ? { ':after': opts.after } : {}) },
          Limit: Math.max(opts.limit + 1, 25),
          ExclusiveStartKey: start,
        }),
      );
      for (const item of out.Items ?? []) {
        const r = requestFromItem(item);
        if (opts.need && r.need !== opts.need) continue;
        if (filterStatus && !filterStatus.includes(r.status)) continue;
        found.push(r);
      }
      start = out.LastEvaluatedKey;
    } while (start && found.length <= opts.limit);
    return found;
  };
  const streams =
    'rt' in scope
      ? [take('gsi3', `RT#${scope.rt}`, statuses)]
      : statuses.map((s) =>
          'puskesmas' in scope ? take('gsi1', `PKM#${scope.puskesmas}#${s}`) : take('gsi2', `ST#${s}`),
        );
  const merged = (await Promise.all(streams))
    .flat()
    .sort((a, b) => `${a.requestedAt}#${a.id}`.localeCompare(`${b.requestedAt}#${b.id}`));
  const page = merged.slice(0, opts.limit);
  const last = page.at(-1);
  return {
    requests: page,
    ...(merged.length > opts.limit && last ? { next: `${last.requestedAt}#${last.id}` } : {}),
  };
}

/** Everything of a WIB month in the month index (requests R#, visits V#, trips T#), optionally one kind. */
export async function monthItems(month: string, kind?: 'R' | 'V' | 'T'): Promise<Record<string, unknown>[]> {
  return queryAll({
    TableName: T(),
    IndexName: 'gsi4',
    KeyConditionExpression: kind ? 'gsi4pk = :pk AND begins_with(gsi4sk, :k)' : 'gsi4pk = :pk',
    ExpressionAttributeValues: { ':pk': monthPk(month), ...(kind ? { ':k': `${kind}#` } : {}) },
  });
}

/** The visits planned on a day (the daily job's reminders): one Query of the day's month, by prefix. */
export async function visitsOn(day: string): Promise<Visit[]> {
  const items = await queryAll({
    TableName: T(),
    IndexName: 'gsi4',
    KeyConditionExpression: 'gsi4pk = :pk AND begins_with(gsi4sk, :d)',
    ExpressionAttributeValues: { ':pk': monthPk(day.slice(0, 7)), ':d': `V#${day}#` },
  });
  return items.map(visitFromItem);
}

export const stillOpen = (r: HomecareRequest) => isOpen(r.status);
