// What each caller sees of units and incidents. Operators see everything the call centre holds; a responder
// sees the incidents its unit was sent to, without the patient's NIK (the coverage status is what it needs).
import type { IncidentRecord } from './repository.ts';
import type { Incident } from './schemas.ts';

export function incidentView(i: Incident, forResponder = false) {
  const { linkBase: _l, version: _v, patientNik, ...shown } = i;
  return { ...shown, ...(patientNik && !forResponder ? { patientNik } : {}) };
}

export function recordView(r: IncidentRecord, forResponder = false) {
  return {
    ...incidentView(r.incident, forResponder),
    assignments: [...r.assignments].sort((a, b) => a.n - b.n),
    timeline: [...r.timeline]
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : (a.seq ?? 0) - (b.seq ?? 0)))
      .map(({ seq: _s, ...e }) => e),
    // The operator sees whether each alert reached its unit or topic.
    alerts: forResponder
      ? []
      : [...r.alerts].sort((a, b) => (a.alertId < b.alertId ? -1 : 1)).map(({ incidentId: _i, ...a }) => a),
  };
}

/** The reply of POST /incidents and POST …/dispatch: the contract's fields, and the unit sent if any. */
export function reportReply(i: Incident, extra: Record<string, unknown> = {}) {
  return { id: i.id, number: i.number, status: i.status, priority: i.priority, triage: i.triage, ...extra };
}
