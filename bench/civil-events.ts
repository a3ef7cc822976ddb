// Section: Dukcapil's civil events (deaths, moves out of the city, births) through the domain's importCivilEvents
// (what POST /civil-events/import and the job worker run), against generated residents a residents import loaded
// first, and a floor of raw BatchWriteItem calls writing the same items.
//
// Floor: the items the import writes for the file (each death's and move's resident, closed period and audit record;
// each birth's records, audit record and, with the child's NIK, the newborn and its period), planned by the import's
// own planCivilChunk on the residents as stored, then written with BatchWriteCommand, 25 items a call, retrying
// UnprocessedItems, in the import's pattern (its chunks, CHUNKS_IN_FLIGHT of them at once, every 25-item batch of a
// chunk sent at once) into fresh tables made from the registry's and the audit trail's own definitions (every index:
// the items carry their keys, and each index costs writes), deleted afterwards. Unlike the residents import's, most of
// these items replace stored ones (the resident, its open period, each with its index entries), and writing over an
// item costs DynamoDB Local more than writing a new one: so the floor's tables first get, untimed, what the import
// finds stored (the residents read and their open periods). The floor into empty tables is reported beside it (info).
// The floor leaves out what is not a BatchWriteItem: the reads and the aggregates' transaction per chunk. Order:
// floor, import, the same file again, floor, import of a second feed about other residents, the empty floor; the
// floor and the import each report their better run.
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  BatchWriteCommand,
  type BatchWriteCommandInput,
  DynamoDBDocumentClient,
} from '@aws-sdk/lib-dynamodb';
import { type DemoResident, type DemoRt, prng, toCsv } from '#infra/local/demo-data.ts';
import { createTableInput } from '#infra/local/dynamodb-local.ts';
import { mapInFlight } from '#shared/platform/in-flight.ts';
import { TABLES, tableName } from '#shared/platform/tables.ts';
import { todayWib } from '#shared/platform/wib.ts';
import { type BatchRequest, batchGet, loadKnownRts } from '#shared/registry/batch.ts';
import {
  CHUNKS_IN_FLIGHT,
  type CivilRun,
  civilChunkKeys,
  importCivilEvents,
  planCivilChunk,
  readCivilEvents,
} from '#shared/registry/civil-events.ts';
import { runImport } from '#shared/registry/import.ts';
import { makeNik } from '#shared/registry/nik.ts';
import { periodItem } from '#shared/registry/repository.ts';
import { addDays } from '#shared/registry/rules.ts';
import type { CurrentCoverage } from '#shared/registry/schemas.ts';
import { MIN_RATIO } from './import.ts';
import { round } from './stats.ts';

export { MIN_RATIO };

export interface CivilEventsSection {
  lines: number;
  events: { DEATH: number; MOVE_OUT: number; BIRTH: number; birthsWithNik: number };
  /** Items the import writes with BatchWriteItem for the file, and so the floor too. */
  items: number;
  seconds: number;
  linesPerSecond: number;
  floorLinesPerSecond: number;
  ratio: number;
  pass: boolean;
  rerunSeconds: number;
  rerunLinesPerSecond: number;
  floorRuns: { seconds: number; linesPerSecond: number }[];
  /** The floor into empty tables: inserts only, cheaper than writing over what is stored (info). */
  emptyFloor: { seconds: number; linesPerSecond: number };
  importRuns: { seconds: number; linesPerSecond: number }[];
  /** Loading the residents the feeds are about (a residents import; info). */
  residentsImportSeconds: number;
}

const HEADER = 'event,nik,date,motherNik,name,sex,to,reference';
const OUTSIDE = ['31.71', '15.05', '15.05.01.2002', '12.71.01', '32.73', '14.71.02'];

/**
 * A feed of `count` lines about `people`, one line a person: births first to the women (a quarter of the lines, half
 * with the child's NIK), then deaths (two fifths) and moves out of the city, each on a past day after their birth.
 */
export function civilFeed(
  people: readonly DemoResident[],
  rts: readonly DemoRt[],
  count: number,
  seed: number,
  /** Where the children's NIK sequence numbers start: above the residents', apart from another feed's. */
  childSequence: number,
) {
  const rand = prng(seed);
  const today = todayWib();
  const past = (after: string) => {
    const day = addDays(today, -1 - Math.floor(rand() * 300));
    return day > after ? day : undefined;
  };
  const kelurahan = new Map(rts.map((r) => [r.rt, r.kelurahan]));
  const childSeq = new Map<string, number>();
  const events = { DEATH: 0, MOVE_OUT: 0, BIRTH: 0, birthsWithNik: 0 };
  const lines: string[] = [];
  const births = Math.floor(count / 4);
  const deaths = Math.floor((count * 2) / 5);
  const women = people.filter((p) => p.sex === 'F' && p.birthDate < addDays(today, -6000));
  const others = new Set(people);
  for (const mother of women.slice(0, births)) {
    others.delete(mother);
    const date = addDays(today, -1 - Math.floor(rand() * 300));
    const key = `${mother.rt.slice(0, 6)}${date}`;
    const seq = (childSeq.get(key) ?? childSequence) + 1;
    childSeq.set(key, seq);
    const nik =
      rand() < 0.5
        ? makeNik({ regionCode: kelurahan.get(mother.rt)!, birthDate: date, sex: 'F', sequence: seq })
        : '';
    lines.push(`BIRTH,${nik},${date},${mother.nik},Bayi ${mother.name.split(' ')[1] ?? 'Dukcapil'},P,,`);
    events.BIRTH++;
    if (nik) events.birthsWithNik++;
  }
  for (const p of others) {
    if (lines.length >= count) break;
    const date = past(p.birthDate);
    if (!date) continue;
    if (events.DEATH < deaths) {
      lines.push(`DEATH,${p.nik},${date},,,,,AKTA-${p.nik.slice(-6)}`);
      events.DEATH++;
    } else {
      lines.push(`MOVE_OUT,${p.nik},${date},,,,${OUTSIDE[Math.floor(rand() * OUTSIDE.length)]},SKPWNI-1`);
      events.MOVE_OUT++;
    }
  }
  if (lines.length < count) throw new Error(`only ${lines.length} lines from ${people.length} residents`);
  // Dukcapil's export is by day, not by kind: the kinds interleaved.
  for (let i = lines.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [lines[i], lines[j]] = [lines[j]!, lines[i]!];
  }
  return { csv: `${[HEADER, ...lines].join('\n')}\n`, events };
}

type RequestItems = NonNullable<BatchWriteCommandInput['RequestItems']>;
const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));

/** A fresh, empty table made from one of ours' definitions (keys, every index and its projection). */
const createLike = (client: DynamoDBClient, table: 'registry' | 'audit', name: string) =>
  client.send(new CreateTableCommand(createTableInput(name, TABLES[table])));

/** Writes pre-built chunks of items (table by table) in the import's pattern; returns seconds taken. */
async function floorRun(doc: DynamoDBDocumentClient, chunks: BatchRequest[][]): Promise<number> {
  const writeBatch = async (batch: BatchRequest[]) => {
    let pending: RequestItems = {};
    for (const r of batch) {
      const request = 'put' in r ? { PutRequest: { Item: r.put } } : { DeleteRequest: { Key: r.delete } };
      pending[r.table] = [...(pending[r.table] ?? []), request];
    }
    for (let attempt = 0; Object.keys(pending).length; attempt++) {
      const out = await doc.send(new BatchWriteCommand({ RequestItems: pending }));
      pending = Object.fromEntries(
        Object.entries(out.UnprocessedItems ?? {}).filter(([, left]) => left.length),
      ) as RequestItems;
      if (Object.keys(pending).length) await backoff(attempt);
    }
  };
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    for (let c = next++; c < chunks.length; c = next++) {
      const items = chunks[c]!;
      const batches: BatchRequest[][] = [];
      for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
      await Promise.all(batches.map(writeBatch));
    }
  };
  await Promise.all(Array.from({ length: CHUNKS_IN_FLIGHT }, worker));
  return (performance.now() - t0) / 1000;
}

/** The items the import writes for a file, chunk by chunk, as planned on what is stored now (read only). */
async function plannedItems(
  csv: string,
  run: CivilRun,
): Promise<{ chunks: BatchRequest[][]; stored: BatchRequest[] }> {
  const file = readCivilEvents(csv);
  if (file.rejected.length) throw new Error(`feed: ${JSON.stringify(file.rejected.slice(0, 3))}`);
  const stored: BatchRequest[] = [];
  const chunks = await mapInFlight(
    file.chunks.map((groups, no) => ({ groups, no })),
    CHUNKS_IN_FLIGHT,
    async ({ groups, no }) => {
      const read = await batchGet(civilChunkKeys(groups, no, run.jobId));
      for (const item of read) {
        stored.push({ table: tableName('registry'), put: item });
        const coverage = item.coverage as CurrentCoverage | null;
        if (coverage)
          stored.push({ table: tableName('registry'), put: periodItem(String(item.nik), coverage) });
      }
      return planCivilChunk(groups, no, read, run).memory.writes().flat();
    },
  );
  return { chunks, stored };
}

export async function benchCivilEvents(o: {
  dynamoEndpoint: string;
  rts: readonly DemoRt[];
  /** Residents of the first feed, and of the second (none stored yet). */
  residents: readonly DemoResident[];
  second: readonly DemoResident[];
  lines: number;
}): Promise<CivilEventsSection> {
  const now = new Date().toISOString();
  const ctx = { actor: { sub: 'bench', roles: ['city_admin'] }, requestId: 'bench-civil', now };
  let t0 = performance.now();
  for (const people of [o.residents, o.second]) {
    // (A resident the import section stored already, by chance the same NIK, is updated: the feed may be about them.)
    const loaded = await runImport(toCsv(people), { ...ctx, requestId: 'bench-civil-residents' });
    if (loaded.rejectedRows) throw new Error(`residents: ${JSON.stringify(loaded.rejected.slice(0, 3))}`);
  }
  const residentsImportSeconds = (performance.now() - t0) / 1000;
  const first = civilFeed(o.residents, o.rts, o.lines, 61, 6000);
  const second = civilFeed(o.second, o.rts, o.lines, 62, 8000);

  const run: CivilRun = {
    jobId: '00000000-0000-4000-8000-000000000000',
    ctx,
    today: todayWib(),
    openRts: await loadKnownRts(),
  };
  const { chunks, stored } = await plannedItems(first.csv, run);
  const items = chunks.reduce((n, c) => n + c.length, 0);

  const client = new DynamoDBClient({
    endpoint: o.dynamoEndpoint,
    region: process.env.AWS_REGION ?? 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 5,
  });
  const doc = DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
  const floorRuns: CivilEventsSection['floorRuns'] = [];
  /** One floor run; `over`: onto what the import finds stored (the residents and their open periods), else empty. */
  const floor = async (n: number, over: boolean) => {
    const names: Record<string, string> = {
      [tableName('registry')]: `bench-civil-floor-${Date.now()}-${n}`,
      [tableName('audit')]: `bench-civil-floor-audit-${Date.now()}-${n}`,
    };
    const renamed = (rs: readonly BatchRequest[]) => rs.map((r) => ({ ...r, table: names[r.table]! }));
    await createLike(client, 'registry', names[tableName('registry')]!);
    await createLike(client, 'audit', names[tableName('audit')]!);
    try {
      if (over) {
        const before: BatchRequest[][] = [];
        for (let i = 0; i < stored.length; i += 500) before.push(renamed(stored.slice(i, i + 500)));
        await floorRun(doc, before);
      }
      const seconds = await floorRun(doc, chunks.map(renamed));
      const run = { seconds: round(seconds, 3), linesPerSecond: Math.round(o.lines / seconds) };
      if (over) floorRuns.push(run);
      return run;
    } finally {
      for (const name of Object.values(names)) await client.send(new DeleteTableCommand({ TableName: name }));
    }
  };
  const expectAll = (what: string, r: Awaited<ReturnType<typeof importCivilEvents>>, unchanged = 0) => {
    const applied = r.applied.DEATH + r.applied.MOVE_OUT + r.applied.BIRTH;
    if (applied !== o.lines - unchanged || r.unchanged !== unchanged || r.rejectedRows)
      throw new Error(
        `${what}: applied ${JSON.stringify(r.applied)} unchanged ${r.unchanged} rejected ${r.rejectedRows} ` +
          JSON.stringify(r.rejected.slice(0, 3)),
      );
  };

  try {
    await floor(1, true);

    t0 = performance.now();
    expectAll('civil events', await importCivilEvents(first.csv, { ...ctx, now: new Date().toISOString() }));
    const seconds = (performance.now() - t0) / 1000;

    t0 = performance.now();
    const again = await importCivilEvents(first.csv, { ...ctx, requestId: 'bench-civil-2' });
    const rerunSeconds = (performance.now() - t0) / 1000;
    expectAll('the same file again', again, o.lines);

    await floor(2, true);

    t0 = performance.now();
    expectAll(
      'second feed',
      await importCivilEvents(second.csv, {
        ...ctx,
        requestId: 'bench-civil-3',
        now: new Date().toISOString(),
      }),
    );
    const secondSeconds = (performance.now() - t0) / 1000;

    const emptyFloor = await floor(3, false);

    const importRuns = [seconds, secondSeconds].map((s) => ({
      seconds: round(s, 3),
      linesPerSecond: Math.round(o.lines / s),
    }));
    const linesPerSecond = o.lines / Math.min(seconds, secondSeconds);
    const floorLinesPerSecond = Math.max(...floorRuns.map((r) => r.linesPerSecond));
    const ratio = linesPerSecond / floorLinesPerSecond;
    return {
      lines: o.lines,
      events: first.events,
      items,
      seconds: round(Math.min(seconds, secondSeconds), 3),
      linesPerSecond: Math.round(linesPerSecond),
      floorLinesPerSecond,
      ratio: round(ratio, 3),
      pass: ratio >= MIN_RATIO,
      rerunSeconds: round(rerunSeconds, 3),
      rerunLinesPerSecond: Math.round(o.lines / rerunSeconds),
      floorRuns,
      emptyFloor,
      importRuns,
      residentsImportSeconds: round(residentsImportSeconds, 1),
    };
  } finally {
    doc.destroy();
  }
}
