// Small numeric and printing helpers shared by the bench sections.

export function median(values: readonly number[]): number {
  return percentile(values, 50);
}

/** Nearest-rank percentile (p in 0..100) of unsorted values. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));

export const passFail = (ok: boolean): string => (ok ? 'PASS' : 'FAIL');

/** Prints rows as a fixed-width table; numeric columns are right-aligned, text left-aligned. */
export function printTable(title: string, head: string[], rows: (string | number)[][]): void {
  const cells = [
    head,
    ...rows.map((r) => r.map((c) => (typeof c === 'number' ? c.toLocaleString('en-US') : c))),
  ];
  const widths = head.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  const numeric = head.map((_, i) =>
    rows.every((r) => typeof r[i] === 'number' || /^[\d.,]*( KB)?$/.test(String(r[i]))),
  );
  const line = (r: (string | number)[]) =>
    r.map((c, i) => (numeric[i] ? String(c).padStart(widths[i]!) : String(c).padEnd(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('  '));
  for (const r of cells.slice(1)) console.log(line(r));
}
