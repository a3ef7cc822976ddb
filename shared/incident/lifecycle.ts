// After dispatch: the crew's acknowledgement, the acknowledgement window missed (the timer), and the incident's
// lifecycle. Each is one transaction conditional on what was read (the assignment's state, the incident's
// version), retried from a fresh read when something else changed it first.
import { config } from '#shared/platform/config.ts';
import { conditionFailed, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { Conflict, Forbidden, NotFound } from '#shared/platform/errors.ts';
import { logger } from '#shared/platform/logger.ts';
import { recordMetric } from '#shared/platform/metrics.ts';
import { enqueue } from '#shared/platform/queues.ts';
import {
  type AckTimeout,
  actorName,
  apply,
  dispatchIncident,
  dispatchWaiting,
  incidentPut,
  NoUnitAvailable,
  noUnitItems,
  type OpContext,
  SYSTEM,
  supervisorsAlert,
} from './dispatch.ts';
import {
  assignmentItem,
  assignmentSk,
  getIncident,
  getIncidentRecord,
  getUnit,
  type IncidentRecord,
  incidentPk,
  T,
  timelinePut,
  unitKey,
} from './repository.ts';
import { allowedMoves, isOpen, STATUS_TIME } from './rules.ts';
import type { Assignment, Incident, IncidentStatus } from './schemas.ts';

// ---------- acknowledgement

/** The newest assignment of a unit on an incident. */
const assignmentOf = (record: IncidentRecord, unitId: string) =>
  record.assignments.filter((a) => a.unitId === unitId).sort((a, b) => b.n - a.n)[0];

/**
 * The crew of `unitId` takes the alert up. Acknowledging twice answers the same; after the window was missed
 * (the incident went to another unit) or the incident closed, 409.
 */
export async function acknowledge(
  incidentId: string,
  unitId: string,
  ctx: OpContext,
): Promise<{ incident: Incident; assignment: Assignment }> {
  for (let attempt = 1; ; attempt++) {
    const record = await getIncidentRecord(incidentId);
    if (!record) throw new NotFound('No incident with this id');
    const a = assignmentOf(record, unitId);
    if (!a) throw new Forbidden('Your unit is not assigned to this incident');
    if (a.status === 'ACKNOWLEDGED') return { incident: record.incident, assignment: a };
    if (a.status === 'MISSED') {
      throw new Conflict(
        'Too late: the acknowledgement window passed and the incident went to another unit',
        {
          assignment: a.status,
        },
      );
    }
    if (a.status === 'CLEARED')
      throw new Conflict(`The incident is ${record.incident.status}`, { assignment: a.status });
    const incident = record.incident;
    const next: Incident = {
      ...incident,
      status: incident.status === 'DISPATCHED' ? 'ACKNOWLEDGED' : incident.status,
      acknowledgedAt: incident.acknowledgedAt ?? ctx.now,
      version: incident.version + 1,
    };
    const acked: Assignment = {
      ...a,
      status: 'ACKNOWLEDGED',
      acknowledgedAt: ctx.now,
      acknowledgedBy: ctx.actor.sub,
    };
    try {
      await transact([
        {
          Put: {
            TableName: T(),
            Item: assignmentItem(acked),
            ConditionExpression: '#s = :dispatched',
            ExpressionAttributeNames: { '#s': 'status' },
            ExpressionAttributeValues: { ':dispatched': 'DISPATCHED' },
          },
        },
        incidentPut(next, incident.version),
        timelinePut(incident.id, {
          at: ctx.now,
          action: 'ACKNOWLEDGED',
          actor: actorName(ctx.actor),
          unitId,
          ...(next.status !== incident.status ? { status: next.status } : {}),
        }),
      ]);
    } catch (error) {
      // The timer or a status change got there first: read again and answer from what is now true.
      if (attempt < 3 && (conditionFailed(error, 0) || conditionFailed(error, 1))) continue;
      throw error;
    }
    // Once per assignment: a second tap answers above, before anything is written or counted.
    const ms = Math.max(0, Date.parse(ctx.now) - Date.parse(a.dispatchedAt));
    recordMetric('DispatchToAckMs', ms, { priority: incident.priority });
    // The window's timer is left to fire: it finds the assignment acknowledged and does nothing, which spares
    // the crew's tap a call to the scheduler (and its client in this function).
    return { incident: next, assignment: acked };
  }
}

// ---------- a P1 incident's watch (the timer, n = 0: dispatch.ts watchP1)

export type WatchOutcome = 'unacknowledged' | 'acknowledged' | 'closed' | 'not-p1' | 'nothing';

/**
 * Two minutes after an incident became P1: still open and nobody acknowledged → counted (P1Unacknowledged, which
 * the operations alarm watches). The one read is the timer's, never the report's or the dispatch's.
 */
export async function checkP1Watch(incidentId: string): Promise<WatchOutcome> {
  const incident = await getIncident(incidentId);
  if (!incident) return 'nothing';
  if (incident.acknowledgedAt) return 'acknowledged';
  if (!isOpen(incident.status)) return 'closed';
  if (incident.priority !== 'P1') return 'not-p1';
  recordMetric('P1Unacknowledged', 1);
  logger.warn('P1 incident unacknowledged 2 minutes after it became P1', {
    incidentId,
    number: incident.number,
    status: incident.status,
    assignments: incident.assignments,
    misses: incident.misses,
  });
  return 'unacknowledged';
}

// ---------- a missed acknowledgement (the timer)

export type MissOutcome = 'nothing' | 'redispatched' | 'no-unit' | 'no-unit-responding' | 'others-on-it';

/**
 * The window of assignment n closed: if still unacknowledged, it becomes MISSED, the unit goes OFFLINE (its crew
 * is not answering), supervisors are told, and the next nearest unit is sent — unless another unit is already on
 * the incident, or this was the last miss allowed, when supervisors hear that no unit is responding.
 */
export async function missAcknowledgement(
  t: AckTimeout,
  now = new Date().toISOString(),
): Promise<MissOutcome> {
  const ctx: OpContext = { actor: SYSTEM, requestId: `ack-timeout-${t.incidentId}-${t.n}`, now };
  for (let attempt = 1; ; attempt++) {
    const record = await getIncidentRecord(t.incidentId);
    const a = record?.assignments.find((x) => x.n === t.n);
    if (!record || !a || a.status !== 'DISPATCHED') return 'nothing';
    const { incident } = record;
    const misses = incident.misses + 1;
    const others = record.assignments.filter(
      (x) => x.n !== t.n && (x.status === 'DISPATCHED' || x.status === 'ACKNOWLEDGED'),
    );
    const giveUp = misses >= config().INCIDENT_MAX_MISSES;
    const next: Incident = {
      ...incident,
      misses,
      // Nobody on it any more: waiting for a unit again.
      status: others.length === 0 && incident.status === 'DISPATCHED' ? 'RECEIVED' : incident.status,
      version: incident.version + 1,
    };
    const windowS = config().ACK_TIMEOUT_SECONDS;
    const missed = supervisorsAlert(
      incident,
      now,
      `incident-missed:${incident.id}:${t.n}`,
      `${a.unitName} tidak merespons`,
      [
        `Unit ${a.unitName} (${a.unitId}) tidak menjawab peringatan dalam ${windowS} detik dan kini OFFLINE.`,
        giveUp
          ? `TIDAK ADA UNIT MERESPONS: ${misses} unit tidak menjawab. Tangani insiden ini secara manual.`
          : others.length
            ? 'Unit lain sudah menangani insiden ini.'
            : 'Unit terdekat berikutnya dikirim.',
      ],
    );
    const items: TransactItem[] = [
      {
        Update: {
          TableName: T(),
          Key: { pk: incidentPk(incident.id), sk: assignmentSk(t.n) },
          UpdateExpression: 'SET #s = :missed, missedAt = :now',
          ConditionExpression: '#s = :dispatched',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':missed': 'MISSED', ':dispatched': 'DISPATCHED', ':now': now },
        },
      },
      incidentPut(next, incident.version),
      timelinePut(incident.id, {
        at: now,
        action: 'MISSED',
        actor: 'system',
        unitId: a.unitId,
        note: `${windowS} s`,
      }),
      missed.put,
      ...(giveUp
        ? [
            timelinePut(
              incident.id,
              {
                at: now,
                action: 'NO_UNIT_RESPONDING',
                actor: 'system',
                note: `${misses} misses`,
              },
              1,
            ),
          ]
        : []),
    ];
    const unit = await getUnit(a.unitId);
    if (unit?.assignment?.incidentId === incident.id && unit.assignment.n === t.n) {
      items.push({
        Update: {
          TableName: T(),
          Key: unitKey(unit.id),
          UpdateExpression: 'SET #s = :offline, statusAt = :now REMOVE assignment, gsi1pk, gsi1sk',
          ConditionExpression: 'assignment.incidentId = :id AND assignment.n = :n',
          ExpressionAttributeNames: { '#s': 'status' },
          ExpressionAttributeValues: { ':offline': 'OFFLINE', ':now': now, ':id': incident.id, ':n': t.n },
        },
      });
    }
    try {
      await transact(items);
    } catch (error) {
      if (attempt < 3 && conditionFailed(error)) continue;
      throw error;
    }
    await enqueue('alerts', [missed.message]);
    if (giveUp) return 'no-unit-responding';
    if (others.length) return 'others-on-it';
    // The next nearest of the same kind, from a fresh read (the incident may have moved meanwhile); the units
    // already sent, this one included, are not tried again.
    try {
      await dispatchIncident(incident.id, ctx, { kind: a.kind });
      return 'redispatched';
    } catch (error) {
      if (!(error instanceof NoUnitAvailable)) {
        // Closed meanwhile: nothing more to send.
        if (error instanceof Conflict) return 'nothing';
        throw error;
      }
    }
    const none = noUnitItems(next, a.kind, ctx, `${a.unitName} tidak merespons`);
    await transact(none.items);
    await apply({ messages: none.messages, timers: [] });
    return 'no-unit';
  }
}

// ---------- the lifecycle

/**
 * POST /incidents/{id}/status: one step of the lifecycle (rules.ts); any other move is a 409 naming the moves
 * allowed. Resolving or cancelling clears every assignment still active and frees its unit.
 */
export async function changeStatus(
  id: string,
  to: IncidentStatus,
  ctx: OpContext,
  note?: string,
): Promise<IncidentRecord> {
  for (let attempt = 1; ; attempt++) {
    const record = await getIncidentRecord(id);
    if (!record) throw new NotFound('No incident with this id');
    const { incident } = record;
    const operator = ctx.actor.roles.includes('operator');
    const active = record.assignments.filter((a) => a.status === 'DISPATCHED' || a.status === 'ACKNOWLEDGED');
    if (!operator) {
      if (!ctx.actor.unit || !active.some((a) => a.unitId === ctx.actor.unit)) {
        throw new Forbidden('Your unit is not assigned to this incident');
      }
      if (to === 'CANCELLED') throw new Forbidden('Only the call centre can cancel an incident');
    }
    const allowed = allowedMoves(incident.status);
    if (!allowed.includes(to)) {
      throw new Conflict(`An incident that is ${incident.status} cannot become ${to}`, {
        from: incident.status,
        to,
        allowed,
      });
    }
    const closing = to === 'RESOLVED' || to === 'CANCELLED';
    const timeField = STATUS_TIME[to] as keyof Incident | undefined;
    const next = { ...incident, status: to, version: incident.version + 1 } as Incident;
    if (timeField) (next as unknown as Record<string, unknown>)[timeField] = ctx.now;
    const items: TransactItem[] = [
      incidentPut(next, incident.version),
      timelinePut(id, {
        at: ctx.now,
        action: 'STATUS',
        actor: actorName(ctx.actor),
        status: to,
        ...(note ? { note } : {}),
      }),
    ];
    if (closing) {
      for (const a of active) {
        items.push(
          {
            Update: {
              TableName: T(),
              Key: { pk: incidentPk(id), sk: assignmentSk(a.n) },
              UpdateExpression: 'SET #s = :cleared, clearedAt = :now',
              ConditionExpression: '#s = :was',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: { ':cleared': 'CLEARED', ':was': a.status, ':now': ctx.now },
            },
          },
          {
            // Free again, where it last reported itself.
            Update: {
              TableName: T(),
              Key: unitKey(a.unitId),
              UpdateExpression:
                'SET #s = :available, statusAt = :now, gsi1pk = :avail, gsi1sk = :unit REMOVE assignment',
              ConditionExpression: 'assignment.incidentId = :id',
              ExpressionAttributeNames: { '#s': 'status' },
              ExpressionAttributeValues: {
                ':available': 'AVAILABLE',
                ':now': ctx.now,
                ':avail': `AVAIL#${a.kind}`,
                ':unit': a.unitId,
                ':id': id,
              },
            },
          },
        );
      }
    }
    try {
      await transact(items);
    } catch (error) {
      if (attempt < 3 && conditionFailed(error)) continue;
      throw error;
    }
    if (closing) {
      // The units freed go where they are waited for. (Open windows' timers fire on cleared assignments and
      // do nothing.)
      for (const kind of new Set(active.map((a) => a.kind))) await dispatchWaiting(kind, ctx);
    }
    return (await getIncidentRecord(id)) as IncidentRecord;
  }
}
