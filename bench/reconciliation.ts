// Section: BPJS's invoice of 100,000 rows checked name by name (what the reconciliation job runs), against the
// import's floor measured in the same run: checking a billed row must cost no more than writing a resident's items
// with raw BatchWriteItem. Run after the import section, on the city it loaded (the seeded residents and the
// imported ones): the list is this month's city-paid residents but for 2 % (the missing), then residents the city
// does not pay for, 1 % NIKs nobody registered and 0.5 % rows listed twice, shuffled. The DynamoDB calls are
// counted: a Scan would fail the section.
import { type DemoResident, type DemoRt, demoResidents } from '#infra/local/demo-data.ts';
import { ddb } from '#shared/platform/dynamo.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { cityPaidIn, reconcile } from '#shared/registry/reconciliation.ts';
import { instrument } from './dynamo-tally.ts';
import { round } from './stats.ts';

/** Rows/s against the import's floor rows/s. */
export const MIN_FLOOR_RATIO = 1;

export interface ReconciliationSection {
  rows: number;
  cityPaid: number;
  matched: number;
  extra: number;
  missing: number;
  seconds: number;
  rowsPerSecond: number;
  importFloorRowsPerSecond: number;
  ratio: number;
  /** DynamoDB calls by operation during the timed run. */
  calls: Record<string, number>;
  pass: boolean;
}

/** A seeded shuffle, so every run checks the same list. */
function shuffle<T>(list: T[], seed: number): T[] {
  let s = seed;
  const rand = () => {
    s = (s * 1_103_515_245 + 12_345) % 2 ** 31;
    return s / 2 ** 31;
  };
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
  return list;
}

export async function benchReconciliation(o: {
  rows: number;
  /** Every resident the city holds (seeded and imported). */
  residents: DemoResident[];
  rts: readonly DemoRt[];
  importFloorRowsPerSecond: number;
}): Promise<ReconciliationSection> {
  const month = todayWib().slice(0, 7);
  const paid = [...(await cityPaidIn(month)).niks];
  const paidSet = new Set(paid);
  const listedPaid = paid.slice(0, Math.floor(paid.length * 0.98));
  const unknownCount = Math.floor(o.rows * 0.01);
  const duplicateCount = Math.floor(o.rows * 0.005);
  const others = o.residents
    .filter((r) => !paidSet.has(r.nik))
    .slice(0, o.rows - listedPaid.length - unknownCount - duplicateCount)
    .map((r) => r.nik);
  const known = new Set(o.residents.map((r) => r.nik));
  const unknown = demoResidents(unknownCount * 2, o.rts, 7_070_707)
    .map((r) => r.nik)
    .filter((n) => !known.has(n))
    .slice(0, unknownCount);
  const list = shuffle(
    [...listedPaid, ...others, ...unknown, ...listedPaid.slice(0, duplicateCount)],
    20_261_203,
  );
  if (list.length !== o.rows)
    throw new Error(`reconciliation: built ${list.length} rows of ${o.rows} (too few residents loaded)`);
  const csv = `no,nik,nama_peserta,kelas\n${list.map((nik, i) => `${i + 1},${nik},PESERTA,3`).join('\n')}\n`;

  const { tally } = instrument();
  const t0 = performance.now();
  const r = await reconcile(month, csv, {
    actor: { sub: 'bench', roles: ['city_admin'] },
    requestId: 'bench-reconciliation',
    now: new Date().toISOString(),
  });
  const seconds = (performance.now() - t0) / 1000;
  const calls = { ...tally.calls };
  ddb().middlewareStack.remove('benchCountDynamoCalls');
  if (r.matched !== listedPaid.length || r.missingCount !== paid.length - listedPaid.length)
    throw new Error(
      `reconciliation: matched ${r.matched} of ${listedPaid.length}, missing ${r.missingCount} of ${paid.length - listedPaid.length}`,
    );
  const rowsPerSecond = o.rows / seconds;
  const ratio = rowsPerSecond / o.importFloorRowsPerSecond;
  return {
    rows: o.rows,
    cityPaid: r.cityPaid,
    matched: r.matched,
    extra: r.extraCount,
    missing: r.missingCount,
    seconds: round(seconds, 3),
    rowsPerSecond: Math.round(rowsPerSecond),
    importFloorRowsPerSecond: o.importFloorRowsPerSecond,
    ratio: round(ratio, 3),
    calls,
    pass: ratio >= MIN_FLOOR_RATIO && !calls.Scan,
  };
}
