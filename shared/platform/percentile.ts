// The nearest-rank percentile every figure route reports (112 response times, homecare's days to a first visit).

/** The value below which `p` percent of the sorted numbers fall (nearest rank); null for none. */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1]!;
}
