// The 112 call centre's written rules: triage (which priority), which kind of unit a type needs, distance,
// and the incident lifecycle's allowed moves. Pure functions, no I/O.
import {
  INCIDENT_STATUSES,
  type IncidentStatus,
  type IncidentType,
  type Priority,
  type UnitKind,
} from './schemas.ts';

export interface Triage {
  priority: Priority;
  /** The rule that decided, shown to the operator. */
  rule: string;
}

/** Words of a life in danger, in Indonesian (and the English a caller or operator may use). */
const LIFE_THREATENING: { rule: string; words: RegExp }[] = [
  { rule: 'UNCONSCIOUS', words: /\b(tidak|tak|nggak|gak|belum) sadar|pingsan|unconscious|unresponsive/i },
  {
    rule: 'NOT_BREATHING',
    words:
      /\b(tidak|tak|nggak|gak) (bernapas|bernafas|napas|nafas)|henti (napas|nafas|jantung)|sesak napas berat|not breathing|cardiac arrest/i,
  },
  {
    rule: 'HEAVY_BLEEDING',
    words:
      /(pen|per)darahan (hebat|banyak|parah|deras)|darah (banyak|mengucur)|heavy bleeding|severe bleeding/i,
  },
];

/** Priority from the type and the description, when the operator gave none. */
export function triage(type: IncidentType, description: string, given?: Priority): Triage {
  if (given) return { priority: given, rule: 'OPERATOR' };
  if (type === 'FIRE') return { priority: 'P1', rule: 'FIRE' };
  if (type === 'DISASTER') return { priority: 'P1', rule: 'DISASTER' };
  const danger = LIFE_THREATENING.find((r) => r.words.test(description));
  if (danger) return { priority: 'P1', rule: danger.rule };
  if (type === 'MEDICAL' || type === 'ACCIDENT' || type === 'CRIME') return { priority: 'P2', rule: type };
  return { priority: 'P3', rule: 'OTHER' };
}

/** P1 and P2 are dispatched at once; P3 waits for the operator. */
export const dispatchesAutomatically = (p: Priority) => p === 'P1' || p === 'P2';

export const higherPriority = (a: Priority, b: Priority): Priority => (a < b ? a : b);

/** The kind of unit each type of incident needs first. */
export const KIND_FOR: Record<IncidentType, UnitKind> = {
  MEDICAL: 'AMBULANCE',
  ACCIDENT: 'AMBULANCE',
  FIRE: 'FIRE',
  DISASTER: 'RESCUE',
  CRIME: 'POLICE',
  OTHER: 'RESCUE',
};

/** Great-circle distance in metres (haversine; a city is small enough for its error to be nothing). */
export function distanceM(a: { lat: number; lon: number }, b: { lat: number; lon: number }): number {
  const rad = Math.PI / 180;
  const dLat = (b.lat - a.lat) * rad;
  const dLon = (b.lon - a.lon) * rad;
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
  return Math.round(2 * 6_371_000 * Math.asin(Math.sqrt(h)));
}

/** Units nearest first (ties by id, so the choice is the same every time). */
export function nearestFirst<U extends { id: string; location: { lat: number; lon: number } }>(
  units: U[],
  to: { lat: number; lon: number },
): (U & { distanceM: number })[] {
  return units
    .map((u) => ({ ...u, distanceM: distanceM(u.location, to) }))
    .sort((a, b) => a.distanceM - b.distanceM || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
}

/** Every status but the two an incident ends in. */
export const OPEN_STATUSES: readonly IncidentStatus[] = INCIDENT_STATUSES.filter(
  (s) => s !== 'RESOLVED' && s !== 'CANCELLED',
);
export const isOpen = (s: IncidentStatus) => OPEN_STATUSES.includes(s);

/**
 * The moves POST /incidents/{id}/status may make. DISPATCHED and ACKNOWLEDGED are reached by dispatching
 * and acknowledging, never set by hand; CANCELLED is possible from any open status.
 */
const NEXT: Partial<Record<IncidentStatus, readonly IncidentStatus[]>> = {
  ACKNOWLEDGED: ['EN_ROUTE'],
  EN_ROUTE: ['ON_SCENE'],
  ON_SCENE: ['TRANSPORTING', 'RESOLVED'],
  TRANSPORTING: ['AT_FACILITY'],
  AT_FACILITY: ['RESOLVED'],
};

export function allowedMoves(from: IncidentStatus): IncidentStatus[] {
  return isOpen(from) ? [...(NEXT[from] ?? []), 'CANCELLED'] : [];
}

/** The incident attribute that timestamps reaching each status. */
export const STATUS_TIME: Partial<Record<IncidentStatus, string>> = {
  DISPATCHED: 'dispatchedAt',
  ACKNOWLEDGED: 'acknowledgedAt',
  EN_ROUTE: 'enRouteAt',
  ON_SCENE: 'onSceneAt',
  TRANSPORTING: 'transportingAt',
  AT_FACILITY: 'atFacilityAt',
  RESOLVED: 'resolvedAt',
  CANCELLED: 'cancelledAt',
};
