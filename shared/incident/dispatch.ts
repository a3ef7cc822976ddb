// The 112 call centre's operations: taking a report (linking repeat calls), dispatching the nearest available
// unit, acknowledgement, a missed acknowledgement (the timer), and the incident's lifecycle. Each operation is
// one TransactWriteItems with conditions that keep the invariants: a unit serves one incident at a time, an
// assignment changes state once, the incident changes from the version that was read. Alerts and timers follow
// the transaction (the alert items in it are their delivery records).
import { config } from '#shared/platform/config.ts';
import { cancellationDetails, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { Conflict, Forbidden, IdempotencyKeyReused, NotFound } from '#shared/platform/errors.ts';
import { idempotencyPut, readIdempotencyRecord } from '#shared/platform/idempotency.ts';
import { timeOrderedId } from '#shared/platform/ids.ts';
import { logger } from '#shared/platform/logger.ts';
import { enqueue } from '#shared/platform/queues.ts';
import { timers } from '#shared/platform/timers.ts';
import { dayWib } from '#shared/platform/wib.ts';
import { getCurrentCoverage } from '#shared/registry/repository.ts';
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
  assignmentSk,
  availableUnits,
  callerReportPut,
  getIncident,
  getIncidentRecord,
  getUnit,
  type IncidentRecord,
  incidentItem,
  incidentPk,
  nextNumber,
  openIncidents,
  recentReports,
  T,
  timelinePut,
  unitKey,
} from './repository.ts';
import {
  allowedMoves,
  dispatchesAutomatically,
  distanceM,
  higherPriority,
  isOpen,
  KIND_FOR,
  nearestFirst,
  STATUS_TIME,
  triage,
} from './rules.ts';
import type {
  Actor,
  Assignment,
  Incident,
  IncidentStatus,
  Priority,
  Report,
  Unit,
  UnitKind,
} from './schemas.ts';

export const SYSTEM: Actor = { sub: 'system', roles: [] };
const IDEMPOTENCY_DAYS = 2;
/** Units tried in turn when the nearest is taken by another incident in the same instant. */
const TAKE_ATTEMPTS = 5;

export interface OpContext {
  actor: Actor;
  requestId: string;
  now: string;
}

/** What follows a committed transaction: the alerts to send and the acknowledgement windows to open. */
interface Effects {
  messages: AlertMessage[];
  timers: { id: string; at: Date; payload: AckTimeout }[];
}

export interface AckTimeout {
  incidentId: string;
  n: number;
}

const ackTimerId = (incidentId: string, n: number) => `${incidentId}-${n}`;

async function apply(effects: Effects): Promise<void> {
  await Promise.all([
    enqueue('alerts', effects.messages),
    ...effects.timers.map((t) => timers().start('ack-timeout', t.id, t.at, t.payload)),
  ]);
}

const actorName = (a: Actor) => (a.unit ? `${a.sub} (${a.unit})` : a.sub);

function supervisorsAlert(incident: Incident, at: string, purpose: string, subject: string, lines: string[]) {
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
function incidentPut(next: Incident, previousVersion?: number): TransactItem {
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
const INCIDENT_ITEM = 6;

const failedAt = (error: unknown, index: number) =>
  cancellationDetails(error)?.[index]?.Code === 'ConditionalCheckFailed';

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
async function takeNearest(
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
      return { incident: next, assignment: plan.assignment, effects: plan.effects, committed: true };
    } catch (error) {
      if (failedAt(error, UNIT_ITEM)) continue;
      throw error;
    }
  }
  return { incident, effects: { messages: [], timers: [] }, committed: false };
}

/** No unit to send: the timeline says so and supervisors are told. */
function noUnitItems(incident: Incident, kind: UnitKind, ctx: OpContext, why: string) {
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
      if (attempt < 3 && failedAt(error, INCIDENT_ITEM)) continue;
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

// ---------- a report

export interface ReportOutcome {
  incident: Incident;
  assignment?: Assignment;
  /** This report was linked to an open incident of the same caller nearby. */
  linked: boolean;
  replayed: boolean;
}

interface StoredReport {
  id: string;
  linked: boolean;
}

const yearWib = (iso: string) => Number(dayWib(iso).slice(0, 4));

async function patientCoverage(nik: string | undefined): Promise<Incident['patientCoverage']> {
  if (!nik) return undefined;
  try {
    const found = await getCurrentCoverage(nik);
    if (!found) return { status: 'NOT_REGISTERED' };
    return found.coverage
      ? { status: found.coverage.status, scheme: found.coverage.scheme }
      : { status: 'NONE' };
  } catch (error) {
    // The registry's trouble must never hold up an ambulance: the alert goes without the coverage.
    logger.warn('patient coverage not read', { error });
    return undefined;
  }
}

/**
 * POST /incidents: a new incident, dispatched at once when P1 or P2; or, when the same caller reported an open
 * incident nearby within the linking window, that incident (the report joins its timeline, and may raise its
 * priority — and dispatch, if that makes it urgent and no unit is on it yet).
 */
export async function reportIncident(
  report: Report,
  ctx: OpContext,
  opts: { linkBase: string; idempotency: { id: string; requestHash: string } },
): Promise<ReportOutcome> {
  const c = config();
  const since = new Date(Date.parse(ctx.now) - c.INCIDENT_LINK_MINUTES * 60_000).toISOString();
  const tri = triage(report.type, report.description, report.priority);
  const auto = dispatchesAutomatically(tri.priority);
  const kind = KIND_FOR[report.type];
  // Every read at once, and the number too: a second of a 112 call is worth more than a gapless sequence
  // (a replayed or linked report leaves its number unused).
  const [record, recent, coverage, units, number] = await Promise.all([
    readIdempotencyRecord<StoredReport>(opts.idempotency.id),
    c.INCIDENT_LINK_MINUTES > 0 ? recentReports(report.callerPhone, since) : Promise.resolve([]),
    patientCoverage(report.patientNik),
    auto ? availableUnits(kind) : Promise.resolve([]),
    nextNumber(yearWib(ctx.now)),
  ]);
  if (record) return replay(record, opts.idempotency.requestHash);
  const idem = (result: StoredReport) =>
    idempotencyPut<StoredReport>(
      { id: opts.idempotency.id, requestHash: opts.idempotency.requestHash, result, createdAt: ctx.now },
      IDEMPOTENCY_DAYS,
    );

  const nearby = recent.filter((r) => distanceM(r.location, report.location) <= c.INCIDENT_LINK_METERS);
  for (const r of nearby) {
    const open = await getIncident(r.incidentId);
    if (open && isOpen(open.status))
      return linkReport(open, report, tri.priority, ctx, idem({ id: open.id, linked: true }));
  }

  const incident: Incident = {
    id: timeOrderedId(Date.parse(ctx.now)),
    number,
    type: report.type,
    priority: tri.priority,
    triage: tri.rule,
    description: report.description,
    location: report.location,
    callerPhone: report.callerPhone,
    ...(report.patientNik ? { patientNik: report.patientNik } : {}),
    ...(coverage ? { patientCoverage: coverage } : {}),
    status: 'RECEIVED',
    reportedAt: ctx.now,
    reportedBy: ctx.actor.sub,
    reports: 1,
    assignments: 0,
    misses: 0,
    linkBase: opts.linkBase,
    version: 1,
  };
  const own: TransactItem[] = [
    callerReportPut(report.callerPhone, incident.id, ctx.now, report.location),
    timelinePut(incident.id, {
      at: ctx.now,
      action: 'REPORTED',
      actor: actorName(ctx.actor),
      status: 'RECEIVED',
      note: `${incident.priority} (${tri.rule})`,
    }),
    idem({ id: incident.id, linked: false }),
  ];
  // Where the idempotency record sits in the transaction that commits: a race with a retry fails there.
  let idemAt = 0;
  try {
    if (auto) {
      idemAt = INCIDENT_ITEM + own.length;
      const sent = await takeNearest(incident, units, ctx, own, true);
      if (sent.committed) {
        await apply(sent.effects);
        return {
          incident: sent.incident,
          ...(sent.assignment ? { assignment: sent.assignment } : {}),
          linked: false,
          replayed: false,
        };
      }
      const none = noUnitItems(incident, kind, ctx, 'semua unit sedang bertugas atau tidak aktif');
      idemAt = own.length;
      await transact([incidentPut(incident), ...own, ...none.items]);
      await apply({ messages: none.messages, timers: [] });
      return { incident, linked: false, replayed: false };
    }
    idemAt = own.length;
    await transact([incidentPut(incident), ...own]);
    return { incident, linked: false, replayed: false };
  } catch (error) {
    // The same key committed meanwhile (a retry racing the first request): answer as it was answered.
    if (failedAt(error, idemAt)) {
      const again = await readIdempotencyRecord<StoredReport>(opts.idempotency.id);
      if (again) return replay(again, opts.idempotency.requestHash);
    }
    throw error;
  }
}

async function replay(
  record: { requestHash: string; result: StoredReport },
  requestHash: string,
): Promise<ReportOutcome> {
  if (record.requestHash !== requestHash) throw new IdempotencyKeyReused();
  const incident = await getIncident(record.result.id);
  if (!incident) throw new NotFound('The incident of this Idempotency-Key is gone');
  return { incident, linked: record.result.linked, replayed: true };
}

async function linkReport(
  open: Incident,
  report: Report,
  priority: Priority,
  ctx: OpContext,
  idem: TransactItem,
): Promise<ReportOutcome> {
  const raised = higherPriority(open.priority, priority);
  const next: Incident = { ...open, reports: open.reports + 1, priority: raised, version: open.version + 1 };
  const items: TransactItem[] = [
    incidentPut(next, open.version),
    callerReportPut(report.callerPhone, open.id, ctx.now, report.location),
    timelinePut(open.id, {
      at: ctx.now,
      action: 'REPORT_LINKED',
      actor: actorName(ctx.actor),
      note: `${report.description}${raised !== open.priority ? ` (prioritas naik ke ${raised})` : ''}`,
    }),
    idem,
  ];
  await transact(items);
  // Now urgent and nobody on it: send a unit as a new P1/P2 report would have.
  if (
    next.status === 'RECEIVED' &&
    dispatchesAutomatically(raised) &&
    !dispatchesAutomatically(open.priority)
  ) {
    const sent = await dispatchIncident(open.id, { ...ctx, actor: SYSTEM }).catch((error) => {
      if (error instanceof NoUnitAvailable) return undefined;
      throw error;
    });
    if (sent)
      return {
        incident: sent.incident,
        ...(sent.assignment ? { assignment: sent.assignment } : {}),
        linked: true,
        replayed: false,
      };
  }
  return { incident: next, linked: true, replayed: false };
}

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
      if (attempt < 3 && (failedAt(error, 0) || failedAt(error, 1))) continue;
      throw error;
    }
    await timers().cancel('ack-timeout', ackTimerId(incidentId, a.n));
    return { incident: next, assignment: acked };
  }
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
      if (attempt < 3 && cancellationDetails(error)?.some((r) => r.Code === 'ConditionalCheckFailed'))
        continue;
      throw error;
    }
    await enqueue('alerts', [missed.message]);
    if (giveUp) return 'no-unit-responding';
    if (others.length) return 'others-on-it';
    const exclude = new Set(record.assignments.map((x) => x.unitId));
    const kind = a.kind;
    const sent = await takeNearest(next, await candidates(kind, exclude), ctx);
    if (sent.committed) {
      await apply(sent.effects);
      return 'redispatched';
    }
    const none = noUnitItems(next, kind, ctx, `${a.unitName} tidak merespons`);
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
      if (attempt < 3 && cancellationDetails(error)?.some((r) => r.Code === 'ConditionalCheckFailed'))
        continue;
      throw error;
    }
    if (closing) {
      await Promise.all(
        active
          .filter((a) => a.status === 'DISPATCHED')
          .map((a) => timers().cancel('ack-timeout', ackTimerId(id, a.n))),
      );
      // The units freed go where they are waited for.
      for (const kind of new Set(active.map((a) => a.kind))) await dispatchWaiting(kind, ctx);
    }
    return (await getIncidentRecord(id)) as IncidentRecord;
  }
}
