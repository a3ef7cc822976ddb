// GET /incidents/stats: counts by type, priority and status, and the call centre's times — report to dispatch,
// dispatch to acknowledgement, acknowledgement to on scene (the chain), and dispatch to on scene — as median and 90th
// percentile, in seconds.

import { percentile } from '#shared/platform/percentile.ts';
import type { Incident } from './schemas.ts';

export interface Durations {
  count: number;
  medianS: number | null;
  p90S: number | null;
}

function durations(values: number[]): Durations {
  const sorted = [...values].sort((a, b) => a - b);
  const round = (v: number | null) => (v === null ? null : Math.round(v * 10) / 10);
  return {
    count: sorted.length,
    medianS: round(percentile(sorted, 50)),
    p90S: round(percentile(sorted, 90)),
  };
}

const seconds = (from?: string, to?: string) =>
  from && to ? Math.max(0, (Date.parse(to) - Date.parse(from)) / 1000) : undefined;

const tally = (values: string[]) =>
  values.reduce<Record<string, number>>((acc, v) => {
    acc[v] = (acc[v] ?? 0) + 1;
    return acc;
  }, {});

export function incidentStats(incidents: Incident[]) {
  const defined = (xs: (number | undefined)[]) => xs.filter((x): x is number => x !== undefined);
  return {
    total: incidents.length,
    byType: tally(incidents.map((i) => i.type)),
    byPriority: tally(incidents.map((i) => i.priority)),
    byStatus: tally(incidents.map((i) => i.status)),
    reportToDispatch: durations(defined(incidents.map((i) => seconds(i.reportedAt, i.dispatchedAt)))),
    dispatchToAck: durations(defined(incidents.map((i) => seconds(i.dispatchedAt, i.acknowledgedAt)))),
    ackToOnScene: durations(defined(incidents.map((i) => seconds(i.acknowledgedAt, i.onSceneAt)))),
    dispatchToOnScene: durations(defined(incidents.map((i) => seconds(i.dispatchedAt, i.onSceneAt)))),
  };
}
