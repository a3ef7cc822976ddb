// A homecare request's statuses and the moves between them (pure): REQUESTED → SCHEDULED → VISITED (→ SCHEDULED again
// for recurring care) → CLOSED, or DECLINED with a reason. Any other move is a 409 naming what is allowed.
import { Conflict } from '#shared/platform/errors.ts';
import type { RequestStatus } from './schemas.ts';

export const MOVES: Record<RequestStatus, readonly RequestStatus[]> = {
  REQUESTED: ['SCHEDULED', 'DECLINED'],
  // A visit not done is scheduled again, or the request closed with the reason.
  SCHEDULED: ['VISITED', 'SCHEDULED', 'CLOSED'],
  VISITED: ['SCHEDULED', 'CLOSED'],
  CLOSED: [],
  DECLINED: [],
};

export const OPEN_STATUSES: readonly RequestStatus[] = ['REQUESTED', 'SCHEDULED', 'VISITED'];
export const isOpen = (s: RequestStatus) => OPEN_STATUSES.includes(s);

export class InvalidMove extends Conflict {
  constructor(from: RequestStatus, to: RequestStatus) {
    const allowed = MOVES[from];
    super(
      allowed.length
        ? `A ${from} request can become ${allowed.join(' or ')}, not ${to}`
        : `The request is ${from}: nothing changes it any more`,
      { from, to, allowed },
    );
  }
}

/** Checks one move; throws InvalidMove (409 {from, to, allowed}) when the lifecycle does not allow it. */
export function move(from: RequestStatus, to: RequestStatus): RequestStatus {
  if (!MOVES[from].includes(to)) throw new InvalidMove(from, to);
  return to;
}

/** Whole days from one WIB day to another (YYYY-MM-DD), never negative. */
export function daysBetween(fromDay: string, toDay: string): number {
  const ms = Date.parse(`${toDay}T00:00:00Z`) - Date.parse(`${fromDay}T00:00:00Z`);
  return Math.max(0, Math.round(ms / 86_400_000));
}

export { percentile } from '#shared/platform/percentile.ts';
