// A 112 report: triaged, checked against the caller's open incidents nearby (a repeat call is linked, not
// dispatched again), then one transaction that creates the incident and — for P1 and P2 — takes the nearest
// available unit with it, so the alert goes out with the reply.
import { config } from '#shared/platform/config.ts';
import { conditionFailed, type TransactItem, transact } from '#shared/platform/dynamo.ts';
import { IdempotencyKeyReused, NotFound } from '#shared/platform/errors.ts';
import { idempotencyPut, readIdempotencyRecord } from '#shared/platform/idempotency.ts';
import { timeOrderedId } from '#shared/platform/ids.ts';
import { logger } from '#shared/platform/logger.ts';
import { recordMetric } from '#shared/platform/metrics.ts';
import { dayWib } from '#shared/platform/wib.ts';
import { getCurrentCoverage } from '#shared/registry/repository.ts';
import {
  actorName,
  apply,
  dispatchIncident,
  INCIDENT_ITEM,
  incidentPut,
  NoUnitAvailable,
  noUnitItems,
  type OpContext,
  SYSTEM,
  takeNearest,
  watchP1,
} from './dispatch.ts';
import {
  availableUnits,
  callerReportPut,
  getIncident,
  nextNumber,
  recentReports,
  timelinePut,
} from './repository.ts';
import { dispatchesAutomatically, distanceM, higherPriority, isOpen, KIND_FOR, triage } from './rules.ts';
import type { Assignment, Incident, Priority, Report } from './schemas.ts';

const IDEMPOTENCY_DAYS = 2;

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
    if (!open || !isOpen(open.status)) continue;
    try {
      return await linkReport(open, report, tri.priority, ctx, idem({ id: open.id, linked: true }));
    } catch (error) {
      // The same key committed meanwhile: answer as it was answered.
      if (!conditionFailed(error, LINK_IDEM_AT)) throw error;
      const again = await readIdempotencyRecord<StoredReport>(opts.idempotency.id);
      if (again) return replay(again, opts.idempotency.requestHash);
      throw error;
    }
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
        reported(incident);
        // The watch's timer goes beside the alerts and the window's timer, never before them.
        await Promise.all([apply(sent.effects), watchP1(incident, ctx.now)]);
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
      reported(incident);
      await Promise.all([apply({ messages: none.messages, timers: [] }), watchP1(incident, ctx.now)]);
      return { incident, linked: false, replayed: false };
    }
    idemAt = own.length;
    await transact([incidentPut(incident), ...own]);
    reported(incident);
    return { incident, linked: false, replayed: false };
  } catch (error) {
    // The same key committed meanwhile (a retry racing the first request): answer as it was answered.
    if (conditionFailed(error, idemAt)) {
      const again = await readIdempotencyRecord<StoredReport>(opts.idempotency.id);
      if (again) return replay(again, opts.idempotency.requestHash);
    }
    throw error;
  }
}

/** A new incident committed (not a replay, not a repeat call linked to an open one). */
const reported = (incident: Incident) => recordMetric('IncidentReported', 1, { priority: incident.priority });

async function replay(
  record: { requestHash: string; result: StoredReport },
  requestHash: string,
): Promise<ReportOutcome> {
  if (record.requestHash !== requestHash) throw new IdempotencyKeyReused();
  const incident = await getIncident(record.result.id);
  if (!incident) throw new NotFound('The incident of this Idempotency-Key is gone');
  return { incident, linked: record.result.linked, replayed: true };
}

/** Where the idempotency record sits in a linking transaction. */
const LINK_IDEM_AT = 3;

/** The report joins the open incident: one transaction, from the incident's version read (read again if it moved). */
async function linkReport(
  first: Incident,
  report: Report,
  priority: Priority,
  ctx: OpContext,
  idem: TransactItem,
): Promise<ReportOutcome> {
  let open = first;
  for (let attempt = 1; ; attempt++) {
    const raised = higherPriority(open.priority, priority);
    const next: Incident = {
      ...open,
      reports: open.reports + 1,
      priority: raised,
      version: open.version + 1,
    };
    try {
      await transact([
        incidentPut(next, open.version),
        callerReportPut(report.callerPhone, open.id, ctx.now, report.location),
        timelinePut(open.id, {
          at: ctx.now,
          action: 'REPORT_LINKED',
          actor: actorName(ctx.actor),
          note: `${report.description}${raised !== open.priority ? ` (prioritas naik ke ${raised})` : ''}`,
        }),
        idem,
      ]);
    } catch (error) {
      // A unit was sent or a status changed in between: link to the incident as it is now.
      const fresh = attempt < 3 && conditionFailed(error, 0) ? await getIncident(open.id) : undefined;
      if (fresh && isOpen(fresh.status)) {
        open = fresh;
        continue;
      }
      throw error;
    }
    // Raised to P1: its watch starts now, beside any dispatch below (it never rejects).
    const watching = raised === 'P1' && open.priority !== 'P1' ? watchP1(next, ctx.now) : undefined;
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
      await watching;
      if (sent) {
        return {
          incident: sent.incident,
          ...(sent.assignment ? { assignment: sent.assignment } : {}),
          linked: true,
          replayed: false,
        };
      }
    }
    await watching;
    return { incident: next, linked: true, replayed: false };
  }
}
