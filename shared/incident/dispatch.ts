// Dispatching: the nearest AVAILABLE unit of the kind an incident needs, taken with a conditional write inside
// the transaction that records the assignment, its acknowledgement link and its alerts — so two incidents can
// never get the same unit — then the alerts queued and the acknowledgement window's timer started. Also what
// the report and lifecycle operations share: the operation context, the incident's versioned Put, the effects.
import { INCIDENT_SOURCE, UNIT_DISPATCHED, type UnitDispatched } from '#events/incident.ts';
import { publishEvents } from '#shared/platform/bus.ts';
import { config } from '#shared/platform/config.ts';
import { conditionFailed, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { Conflict, NotFound } from '#shared/platform/errors.ts';
import { logger } from '#shared/platform/logger.ts';
import { recordMetric } from '#shared/platform/metrics.ts';
import { enqueue } from '#shared/platform/queues.ts';
import { timers } from '#shared/platform/timers.ts';
import {
  type AlertMessage,
  ackUrl,
  incidentJson,
  newAckToken,
  newAlert,
  RESPONDER_TOPIC,
  TYPE_WORD,
  unitSmsText,
} from './alerts.ts';
import {
  ackLinkPut,
  assignmentItem,
  availableUnits,
  getIncidentRecord,
  getUnit,
  incidentItem,
  openIncidents,
  T,
  timelinePut,
  unitKey,
} from './repository.ts';
import { dispatchesAutomatically, isOpen, KIND_FOR, nearestFirst } from './rules.ts';
import type { Actor, Assignment, Incident, Unit, UnitKind } from './schemas.ts';

export const SYSTEM: Actor = { sub: 'system', roles: [] };
/** Units tried in turn when the nearest is taken by another incident in the same instant. */
const TAKE_ATTEMPTS = 5;

export interface OpContext {
  actor: Actor;
  requestId: string;
  now: string;
}

/** What follows a committed transaction: the alerts to send and the acknowledgement windows to open. */
export interface Effects {
  messages: AlertMessage[];
  timers: { id: string; at: Date; payload: AckTimeout }[];
  /** Units just sent, announced on the bus (homecare moves an ambulance's trips off it). */
  dispatched?: UnitDispatched[];
}

export interface AckTimeout {
  incidentId: string;
  n: number;
}

export const ackTimerId = (incidentId: string, n: number) => `${incidentId}-${n}`;

/**
 * A P1 incident's watch: one timer, 2 minutes after the incident became P1 (at its report, or when a repeat call
 * raised it), on the acknowledgement timer with n = 0 (assignments count from 1). When it fires, an incident still
 * open and unacknowledged is counted (P1Unacknowledged), which the operations alarm watches. One timer per
 * incident makes the count exact and catches the P1 no unit could be sent to, which has no window to close.
 */
export const P1_WATCH_N = 0;
export const P1_WATCH_SECONDS = 120;
export const p1WatchId = (incidentId: string) => `p1-${incidentId}`;

/** Starts the watch of a P1 incident; monitoring only, so a failure is logged and the caller goes on. */
export async function watchP1(incident: Incident, since: string): Promise<void> {
  if (incident.priority !== 'P1') return;
  try {
    await timers().start(
      'ack-timeout',
      p1WatchId(incident.id),
      new Date(Date.parse(since) + P1_WATCH_SECONDS * 1000),
      { incidentId: incident.id, n: P1_WATCH_N } satisfies AckTimeout,
    );
  } catch (error) {
    logger.error('P1 watch not started: an unacknowledged P1 would not raise its alarm', {
      incidentId: incident.id,
      error,
    });
  }
}

export async function apply(effects: Effects): Promise<void> {
  await Promise.all([
    enqueue('alerts', effects.messages),
    ...effects.timers.map((t) => timers().start('ack-timeout', t.id, t.at, t.payload)),
    announce(effects.dispatched ?? []),
  ]);
}

/** Tells the bus which units were sent; others' business, so a failure is logged and never fails the dispatch. */
async function announce(dispatched: UnitDispatched[]): Promise<void> {
  if (dispatched.length === 0) return;
  try {
    await publishEvents(
      dispatched.map((d) => ({
        source: INCIDENT_SOURCE,
        detailType: UNIT_DISPATCHED,
        detail: { unitId: d.unitId, kind: d.kind, incidentId: d.incidentId, at: d.at },
      })),
    );
  } catch (error) {
    logger.error('UnitDispatched not published: homecare trips stay on the unit', {
      units: dispatched.map((d) => d.unitId),
      error,
    });
  }
}

export const actorName = (a: Actor) => (a.unit ? `${a.sub} (${a.unit})` : a.sub);

export function supervisorsAlert(
  incident: Incident,
  at: string,
  purpose: string,
  subject: string,
  lines: string[],
) {
  return newAlert(incident, at, 'supervisors', purpose, {
    topic: {
      topic: 'supervisors',
      subject: `112 ${incident.number} ${incident.priority} ${TYPE_WORD[incident.type]}: ${subject}`,
      text: [
        ...lines,
        '',
        `Insiden ${incident.number} (${incident.id}), ${incident.priority} ${TYPE_WORD[incident.type]}`,
        `Lokasi: ${incident.location.address ?? ''} (${incident.location.lat}, ${incident.location.lon})`,
        `Dilaporkan: ${incident.reportedAt}`,
      ].join('\n'),
    },
  });
}

// ---------- dispatch

interface DispatchPlan {
  items: TransactItem[];
  assignment: Assignment;
  effects: Effects;
}

/** Everything that sends `unit` to `incident` as assignment n, except the incident's own update. */
function planDispatch(
  incident: Incident,
  unit: Unit & { distanceM: number },
  n: number,
  ctx: OpContext,
): DispatchPlan {
  const assignment: Assignment = {
    incidentId: incident.id,
    n,
    unitId: unit.id,
    unitName: unit.name,
    kind: unit.kind,
    distanceM: unit.distanceM,
    status: 'DISPATCHED',
    dispatchedAt: ctx.now,
    dispatchedBy: ctx.actor.sub,
  };
  const token = newAckToken();
  const sms = newAlert(incident, ctx.now, unit.id, `incident-alert:${incident.id}:${n}`, {
    sms: { phone: unit.phone, text: unitSmsText(incident, ackUrl(incident.linkBase, token)) },
  });
  const topic = newAlert(
    incident,
    ctx.now,
    RESPONDER_TOPIC[unit.kind],
    `incident-topic:${incident.id}:${n}`,
    {
      topic: {
        topic: RESPONDER_TOPIC[unit.kind],
        subject: `112 ${incident.priority} ${TYPE_WORD[incident.type]} ${incident.number}: ${unit.name}`,
        text: incidentJson(incident, assignment),
      },
    },
  );
  const items: TransactItem[] = [
    {
      // Taken only if still free: two incidents can never get the same unit.
      Update: {
        TableName: T(),
        Key: unitKey(unit.id),
        UpdateExpression: 'SET #s = :busy, statusAt = :now, assignment = :a REMOVE gsi1pk, gsi1sk',
        ConditionExpression: '#s = :available AND attribute_not_exists(assignment)',
        ExpressionAttributeNames: { '#s': 'status' },
        ExpressionAttributeValues: {
          ':busy': 'BUSY',
          ':available': 'AVAILABLE',
          ':now': ctx.now,
          ':a': { incidentId: incident.id, n },
        },
      },
    },
    {
      Put: {
        TableName: T(),
        Item: assignmentItem(assignment),
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    },
    ackLinkPut(token, { incidentId: incident.id, n, unitId: unit.id }, ctx.now),
    timelinePut(
      incident.id,
      {
        at: ctx.now,
        action: 'DISPATCHED',
        actor: actorName(ctx.actor),
        unitId: unit.id,
        note: `${unit.name}, ${unit.distanceM} m`,
      },
      1,
    ),
    sms.put,
    topic.put,
  ];
  const window = config().ACK_TIMEOUT_SECONDS * 1000;
  return {
    items,
    assignment,
    effects: {
      messages: [sms.message, topic.message],
      timers: [
        {
          id: ackTimerId(incident.id, n),
          at: new Date(Date.parse(ctx.now) + window),
          payload: { incidentId: incident.id, n },
        },
      ],
      dispatched: [{ unitId: unit.id, kind: unit.kind, incidentId: incident.id, at: ctx.now }],
    },
  };
}

/** The incident's update when a unit is sent: the next assignment number, DISPATCHED unless already further. */
function dispatchedIncident(incident: Incident, n: number, now: string): Incident {
  return {
    ...incident,
    assignments: n,
    status: incident.status === 'RECEIVED' ? 'DISPATCHED' : incident.status,
    dispatchedAt: incident.dispatchedAt ?? now,
    version: incident.version + 1,
  };
}

/** A Put of the whole incident item, conditional on the version read (or on its absence when new). */
export function incidentPut(next: Incident, previousVersion?: number): TransactItem {
  const item = incidentItem(next);
  if (!isOpen(next.status)) {
    delete item.gsi1pk;
    delete item.gsi1sk;
  }
  return {
    Put: {
      TableName: T(),
      Item: item,
      ConditionExpression: previousVersion === undefined ? 'attribute_not_exists(pk)' : 'version = :v',
      ...(previousVersion === undefined ? {} : { ExpressionAttributeValues: { ':v': previousVersion } }),
    },
  };
}

/** Where the unit's and the incident's conditions sit in a dispatch transaction. */
const UNIT_ITEM = 0;
export const INCIDENT_ITEM = 6;

export class NoUnitAvailable extends Conflict {
  constructor(kind: UnitKind) {
    super(`No ${kind} unit is available now`, { reason: 'NoUnitAvailable', kind });
  }
}

export interface Dispatched {
  incident: Incident;
  assignment?: Assignment;
}

/** The units that may be sent: a chosen one if it is free, else the available ones of a kind not tried yet. */
async function candidates(kind: UnitKind, exclude: Set<string>, unitId?: string): Promise<Unit[]> {
  if (unitId) {
    const u = await getUnit(unitId);
    return u && u.status === 'AVAILABLE' && !u.assignment ? [u] : [];
  }
  return (await availableUnits(kind)).filter((u) => !exclude.has(u.id));
}

/**
 * Sends the nearest of `units` to the incident, trying the next nearest when one was taken by another incident
 * in the same instant. `extra` joins the same transaction (a new incident's own items); `isNew` = the incident
 * is created by it.
 */
export async function takeNearest(
  incident: Incident,
  units: Unit[],
  ctx: OpContext,
  extra: TransactItem[] = [],
  isNew = false,
): Promise<{ incident: Incident; assignment?: Assignment; effects: Effects; committed: boolean }> {
  const ranked = nearestFirst(
    units.filter((u) => !u.assignment),
    incident.location,
  ).slice(0, TAKE_ATTEMPTS);
  for (const unit of ranked) {
    const n = incident.assignments + 1;
    const plan = planDispatch(incident, unit, n, ctx);
    const next = dispatchedIncident(incident, n, ctx.now);
    try {
      await transact([...plan.items, incidentPut(next, isNew ? undefined : incident.version), ...extra]);
      if (!incident.dispatchedAt) {
        // The wall clock at the commit, not ctx.now: a unit sent with the report shows the software's own share.
        const ms = Math.max(0, Date.now() - Date.parse(incident.reportedAt));
        recordMetric('ReportToDispatchMs', ms, { priority: next.priority });
      }
      return { incident: next, assignment: plan.assignment, effects: plan.effects, committed: true };
    } catch (error) {
      if (conditionFailed(error, UNIT_ITEM)) continue;
      throw error;
    }
  }
  return { incident, effects: { messages: [], timers: [] }, committed: false };
}

/** No unit to send: the timeline says so and supervisors are told. */
export function noUnitItems(incident: Incident, kind: UnitKind, ctx: OpContext, why: string) {
  const alert = supervisorsAlert(
    incident,
    ctx.now,
    `incident-no-unit:${incident.id}:${incident.assignments}`,
    `tidak ada unit ${kind} tersedia`,
    [`Tidak ada unit ${kind} yang tersedia untuk insiden ini (${why}). Kirim unit secara manual.`],
  );
  return {
    items: [
      timelinePut(incident.id, { at: ctx.now, action: 'NO_UNIT_AVAILABLE', actor: 'system', note: kind }, 2),
      alert.put,
    ],
    messages: [alert.message],
  };
}

/** POST /incidents/{id}/dispatch: the operator adds a unit (the nearest of a kind, or a chosen one). */
export async function dispatchIncident(
  id: string,
  ctx: OpContext,
  opts: { kind?: UnitKind; unitId?: string } = {},
): Promise<Dispatched> {
  for (let attempt = 1; ; attempt++) {
    const record = await getIncidentRecord(id);
    if (!record) throw new NotFound('No incident with this id');
    const { incident } = record;
    if (!isOpen(incident.status))
      throw new Conflict(`The incident is ${incident.status}`, { status: incident.status });
    const kind = opts.kind ?? KIND_FOR[incident.type];
    const exclude = new Set(record.assignments.filter((a) => a.status !== 'CLEARED').map((a) => a.unitId));
    if (opts.unitId && exclude.has(opts.unitId))
      throw new Conflict(`Unit ${opts.unitId} was already sent to this incident`);
    try {
      const sent = await takeNearest(incident, await candidates(kind, exclude, opts.unitId), ctx);
      if (!sent.committed) {
        if (opts.unitId)
          throw new Conflict(`Unit ${opts.unitId} is not available`, { reason: 'UnitNotAvailable' });
        throw new NoUnitAvailable(kind);
      }
      await apply(sent.effects);
      return { incident: sent.incident, ...(sent.assignment ? { assignment: sent.assignment } : {}) };
    } catch (error) {
      // The incident changed since it was read (a status, another dispatch): read it again.
      if (attempt < 3 && conditionFailed(error, INCIDENT_ITEM)) continue;
      throw error;
    }
  }
}

/**
 * A unit of `kind` became free: the waiting P1/P2 incident that needs that kind most (highest priority, then
 * oldest) gets the nearest free unit — incidents no unit answered (after the allowed misses) stay with the
 * supervisors, and P3s with the operator.
 */
export async function dispatchWaiting(kind: UnitKind, ctx: OpContext): Promise<Dispatched | undefined> {
  const max = config().INCIDENT_MAX_MISSES;
  const waiting = (await openIncidents())
    .filter(
      (i) =>
        i.status === 'RECEIVED' &&
        dispatchesAutomatically(i.priority) &&
        KIND_FOR[i.type] === kind &&
        i.misses < max,
    )
    .sort((a, b) => a.priority.localeCompare(b.priority) || a.reportedAt.localeCompare(b.reportedAt));
  for (const incident of waiting) {
    try {
      return await dispatchIncident(incident.id, { ...ctx, actor: SYSTEM });
    } catch (error) {
      if (error instanceof NoUnitAvailable) return undefined;
      // Dispatched or closed meanwhile: the next one waiting.
      if (error instanceof Conflict) continue;
      throw error;
    }
  }
  return undefined;
}
