// The incidents table (see shared/platform/tables.ts for its keys): item shapes in and out, and the reads.
// Writes are built here as TransactWriteItems parts and committed by the operations in dispatch.ts / units.ts.
import { createHash, randomBytes } from 'node:crypto';
import { GetCommand, QueryCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb, queryAll } from '#shared/platform/dynamo.ts';
import { tableName } from '#shared/platform/tables.ts';
import { monthWib } from '#shared/platform/wib.ts';
import type { Alert, Assignment, Incident, TimelineEntry, Unit, UnitKind } from './schemas.ts';

export const T = () => tableName('incidents');
export const UNITS_PK = 'UNITS';
export const unitKey = (id: string) => ({ pk: UNITS_PK, sk: id });
export const incidentPk = (id: string) => `INC#${id}`;
export const incidentKey = (id: string) => ({ pk: incidentPk(id), sk: 'INC' });
export const assignmentSk = (n: number) => `ASG#${String(n).padStart(3, '0')}`;
export const ackKey = (token: string) => ({ pk: `ACK#${token}`, sk: 'ACK' });
export const callerPk = (phone: string) => `CALLER#${createHash('sha256').update(phone).digest('base64url')}`;
const KEYS = ['pk', 'sk', 'gsi1pk', 'gsi1sk', 'gsi2pk', 'gsi2sk', 'expiresAt'];

function strip<T>(item: Record<string, unknown>): T {
  const out = { ...item };
  for (const k of KEYS) delete out[k];
  return out as T;
}

/** A unit's item: in the sparse "available" index only while AVAILABLE and unassigned. */
export function unitItem(u: Unit): Record<string, unknown> {
  return {
    ...unitKey(u.id),
    ...u,
    ...(u.status === 'AVAILABLE' && !u.assignment ? { gsi1pk: `AVAIL#${u.kind}`, gsi1sk: u.id } : {}),
  };
}

export const unitFromItem = (item: Record<string, unknown>) => strip<Unit>(item);

export function incidentItem(i: Incident): Record<string, unknown> {
  return {
    ...incidentKey(i.id),
    ...i,
    gsi1pk: 'OPEN',
    gsi1sk: `${i.reportedAt}#${i.id}`,
    gsi2pk: `MONTH#${monthWib(i.reportedAt)}`,
    gsi2sk: `${i.reportedAt}#${i.id}`,
  };
}

export const incidentFromItem = (item: Record<string, unknown>) => strip<Incident>(item);

export function assignmentItem(a: Assignment): Record<string, unknown> {
  return { pk: incidentPk(a.incidentId), sk: assignmentSk(a.n), ...a };
}

/**
 * A timeline entry's Put; entries are never changed. `seq` orders entries written in the same instant (a report
 * and its dispatch share one transaction's time).
 */
export function timelinePut(incidentId: string, e: TimelineEntry, seq = 0) {
  return {
    Put: {
      TableName: T(),
      Item: {
        pk: incidentPk(incidentId),
        sk: `T#${e.at}#${seq}#${randomBytes(3).toString('hex')}`,
        ...e,
        seq,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}

export async function getUnit(id: string): Promise<Unit | undefined> {
  const out = await ddb().send(new GetCommand({ TableName: T(), Key: unitKey(id), ConsistentRead: true }));
  return out.Item ? unitFromItem(out.Item) : undefined;
}

export async function listUnits(): Promise<Unit[]> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': UNITS_PK },
  });
  return items.map(unitFromItem);
}

/** Available units of a kind, from the sparse index (eventually consistent: taking one is conditional). */
export async function availableUnits(kind: UnitKind): Promise<Unit[]> {
  const items = await queryAll({
    TableName: T(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :k',
    ExpressionAttributeValues: { ':k': `AVAIL#${kind}` },
    // What choosing and alerting need, no more: the query runs on every P1/P2 report.
    ProjectionExpression: 'id, #n, kind, phone, #l, #s, assignment, kelurahan, statusAt, createdAt',
    ExpressionAttributeNames: { '#n': 'name', '#l': 'location', '#s': 'status' },
  });
  return items.map(unitFromItem);
}

export async function getIncident(id: string): Promise<Incident | undefined> {
  const out = await ddb().send(
    new GetCommand({ TableName: T(), Key: incidentKey(id), ConsistentRead: true }),
  );
  return out.Item ? incidentFromItem(out.Item) : undefined;
}

export interface IncidentRecord {
  incident: Incident;
  assignments: Assignment[];
  timeline: TimelineEntry[];
  alerts: Alert[];
}

/** The incident with its assignments, timeline and alerts: one strongly consistent Query of its partition. */
export async function getIncidentRecord(id: string): Promise<IncidentRecord | undefined> {
  const items = await queryAll({
    TableName: T(),
    KeyConditionExpression: 'pk = :pk',
    ExpressionAttributeValues: { ':pk': incidentPk(id) },
    ConsistentRead: true,
  });
  const head = items.find((i) => i.sk === 'INC');
  if (!head) return undefined;
  const of = (prefix: string) => items.filter((i) => String(i.sk).startsWith(prefix)).map((i) => strip(i));
  return {
    incident: incidentFromItem(head),
    assignments: of('ASG#') as Assignment[],
    timeline: of('T#') as TimelineEntry[],
    alerts: of('A#') as Alert[],
  };
}

export async function openIncidents(): Promise<Incident[]> {
  const items = await queryAll({
    TableName: T(),
    IndexName: 'gsi1',
    KeyConditionExpression: 'gsi1pk = :open',
    ExpressionAttributeValues: { ':open': 'OPEN' },
  });
  return items.map(incidentFromItem);
}

/** Incidents reported in [fromIso, toIso), month partition by month partition. */
export async function incidentsReported(fromIso: string, toIso: string): Promise<Incident[]> {
  const months: string[] = [];
  for (let m = monthWib(fromIso); m <= monthWib(toIso); ) {
    months.push(m);
    const [y, mm] = m.split('-').map(Number) as [number, number];
    m = mm === 12 ? `${y + 1}-01` : `${y}-${String(mm + 1).padStart(2, '0')}`;
  }
  const pages = await Promise.all(
    months.map((m) =>
      queryAll({
        TableName: T(),
        IndexName: 'gsi2',
        KeyConditionExpression: 'gsi2pk = :m AND gsi2sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':m': `MONTH#${m}`, ':from': fromIso, ':to': `${toIso}` },
      }),
    ),
  );
  return pages
    .flat()
    .map(incidentFromItem)
    .filter((i) => i.reportedAt < toIso);
}

/** A caller's reports since `sinceIso`, newest first (strongly consistent: a repeat call comes seconds later). */
export async function recentReports(
  callerPhone: string,
  sinceIso: string,
): Promise<{ incidentId: string; at: string; location: { lat: number; lon: number } }[]> {
  const out = await ddb().send(
    new QueryCommand({
      TableName: T(),
      KeyConditionExpression: 'pk = :pk AND sk >= :since',
      ExpressionAttributeValues: { ':pk': callerPk(callerPhone), ':since': sinceIso },
      ConsistentRead: true,
      ScanIndexForward: false,
      Limit: 20,
    }),
  );
  return (out.Items ?? []).map((i) => ({
    incidentId: i.incidentId as string,
    at: i.at as string,
    location: i.location as { lat: number; lon: number },
  }));
}

/** The caller's report, kept a day for linking repeat calls. */
export function callerReportPut(callerPhone: string, incidentId: string, at: string, location: object) {
  return {
    Put: {
      TableName: T(),
      Item: {
        pk: callerPk(callerPhone),
        sk: `${at}#${incidentId}`,
        incidentId,
        at,
        location,
        expiresAt: Math.floor(Date.parse(at) / 1000) + 86_400,
      },
    },
  };
}

/** The next incident number of the year: 112-2026-000123 (numbers of failed reports are skipped, not reused). */
export async function nextNumber(year: number): Promise<string> {
  const out = await ddb().send(
    new UpdateCommand({
      TableName: T(),
      Key: { pk: 'COUNTER', sk: `112#${year}` },
      UpdateExpression: 'ADD n :one',
      ExpressionAttributeValues: { ':one': 1 },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  return `112-${year}-${String(out.Attributes?.n ?? 0).padStart(6, '0')}`;
}

export interface AckLink {
  incidentId: string;
  n: number;
  unitId: string;
}

export async function getAckLink(token: string): Promise<AckLink | undefined> {
  const out = await ddb().send(new GetCommand({ TableName: T(), Key: ackKey(token) }));
  if (!out.Item || (out.Item.expiresAt as number) * 1000 < Date.now()) return undefined;
  return { incidentId: out.Item.incidentId, n: out.Item.n, unitId: out.Item.unitId } as AckLink;
}

export const ACK_LINK_HOURS = 24;

export function ackLinkPut(token: string, link: AckLink, at: string) {
  return {
    Put: {
      TableName: T(),
      Item: {
        ...ackKey(token),
        ...link,
        expiresAt: Math.floor(Date.parse(at) / 1000) + ACK_LINK_HOURS * 3600,
      },
      ConditionExpression: 'attribute_not_exists(pk)',
    },
  };
}
