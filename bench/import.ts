// Section 3: importing generated residents through the domain's runImport (what the job worker runs),
// against a floor of raw BatchWriteItem calls writing the same number of items of the same shape.
//
// Floor: the items the import would write for these rows (a resident item per row, plus a coverage period
// item per row with a scheme), pre-built, written with BatchWriteCommand, 25 items a call, retrying
// UnprocessedItems, in import.ts's pattern (its CHUNK_ROWS and CHUNKS_IN_FLIGHT), every 25-item batch of a
// chunk sent at once. Each floor run writes into a fresh table made from
// the registry's own definition (pk/sk and every index, since resident items carry their keys and the indexes cost
// writes) and deletes it afterwards. Order: floor, import, re-import, floor, import of a second set of new
// residents; the floor and the import each report their better run.
import { CreateTableCommand, DeleteTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { BatchWriteCommand, DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { type DemoResident, toCsv } from '#infra/local/demo-data.ts';
import { createTableInput } from '#infra/local/dynamodb-local.ts';
import { kelurahanOfRt } from '#shared/city/regions.ts';
import { TABLES } from '#shared/platform/tables.ts';
import { CHUNK_ROWS, CHUNKS_IN_FLIGHT, runImport } from '#shared/registry/import.ts';
import { birthdayKey, cityPaidKey } from '#shared/registry/repository.ts';
import { round } from './stats.ts';

export const MIN_RATIO = 0.8;

export interface ImportSection {
  rows: number;
  /** Items the import wrote (resident items + coverage period items), and so the floor too. */
  items: number;
  seconds: number;
  rowsPerSecond: number;
  floorRowsPerSecond: number;
  ratio: number;
  pass: boolean;
  reimportSeconds: number;
  reimportRowsPerSecond: number;
  floorRuns: { seconds: number; rowsPerSecond: number }[];
  importRuns: { seconds: number; rowsPerSecond: number }[];
}

type Item = Record<string, unknown>;

/** The items import.ts writes for a new resident: its period item (when it has a scheme) and its profile. */
function itemsFor(r: DemoResident, now: string, jobId: string): Item[] {
  const periodSk = `COV#${now}#v1`;
  const coverage = r.scheme
    ? {
        scheme: r.scheme,
        status: r.status,
        since: now,
        source: 'IMPORT',
        periodSk,
        reason: `import ${jobId}`,
      }
    : null;
  const resident: Item = {
    pk: `RES#${r.nik}`,
    sk: 'PROFILE',
    gsi1pk: `RT#${r.rt}`,
    gsi1sk: `${r.name.toLowerCase()}#${r.nik}`,
    ...birthdayKey(r),
    nik: r.nik,
    kk: r.kk,
    name: r.name,
    birthDate: r.birthDate,
    sex: r.sex,
    ...(r.phone ? { phone: r.phone } : {}),
    rt: r.rt,
    kelurahan: kelurahanOfRt(r.rt),
    lowIncome: r.lowIncome,
    smsConsent: r.smsConsent,
    coverage,
    version: 1,
    createdAt: now,
    updatedAt: now,
  };
  if (!coverage) return [resident];
  const period: Item = {
    pk: `RES#${r.nik}`,
    sk: periodSk,
    scheme: coverage.scheme,
    status: coverage.status,
    validFrom: now,
    source: 'IMPORT',
    actor: 'bench',
    reason: coverage.reason,
    ...(r.scheme === 'PBI_APBD' && r.status === 'ACTIVE' ? cityPaidKey(r.nik, now) : {}),
  };
  return [period, resident];
}

const backoff = (attempt: number) => new Promise((r) => setTimeout(r, Math.min(1000, 25 * 2 ** attempt)));

/** Every index of the registry's own definition: the import's items carry their keys, and each costs writes. */
const createFloorTable = (client: DynamoDBClient, name: string) =>
  client.send(new CreateTableCommand(createTableInput(name, TABLES.registry)));

/** Writes pre-built chunks of items in import.ts's pattern; returns seconds taken. */
async function floorRun(doc: DynamoDBDocumentClient, table: string, chunks: Item[][]): Promise<number> {
  const writeBatch = async (batch: Item[]) => {
    let requests = batch.map((Item) => ({ PutRequest: { Item } }));
    for (let attempt = 0; requests.length; attempt++) {
      const out = await doc.send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
      requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      if (requests.length) await backoff(attempt);
    }
  };
  const t0 = performance.now();
  let next = 0;
  const worker = async () => {
    for (let c = next++; c < chunks.length; c = next++) {
      const items = chunks[c]!;
      const batches: Item[][] = [];
      for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
      await Promise.all(batches.map(writeBatch));
    }
  };
  await Promise.all(Array.from({ length: CHUNKS_IN_FLIGHT }, worker));
  return (performance.now() - t0) / 1000;
}

/** The items the import would write for these rows, in its chunks. */
function floorChunks(rows: readonly DemoResident[], now: string): Item[][] {
  const chunks: Item[][] = [];
  for (let i = 0; i < rows.length; i += CHUNK_ROWS) {
    chunks.push(
      rows.slice(i, i + CHUNK_ROWS).flatMap((r) => itemsFor(r, now, '00000000-0000-4000-8000-000000000000')),
    );
  }
  return chunks;
}

/** A client of DynamoDB Local of the floor's own, apart from the functions'. */
function localClients(endpoint: string) {
  const client = new DynamoDBClient({
    endpoint,
    region: process.env.AWS_REGION ?? 'local',
    credentials: { accessKeyId: 'local', secretAccessKey: 'local' },
    maxAttempts: 5,
  });
  return {
    client,
    doc: DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } }),
  };
}

export async function benchImport(o: {
  dynamoEndpoint: string;
  residents: DemoResident[];
  /** As many other new residents, for the import's second timed run. */
  second: DemoResident[];
}): Promise<ImportSection> {
  const rows = o.residents;
  const csv = toCsv(rows);
  const now = new Date().toISOString();
  const chunks = floorChunks(rows, now);
  const items = chunks.reduce((n, c) => n + c.length, 0);
  const { client, doc } = localClients(o.dynamoEndpoint);
  const floorRuns: ImportSection['floorRuns'] = [];
  const floor = async (n: number) => {
    const table = `bench-floor-${Date.now()}-${n}`;
    await createFloorTable(client, table);
    try {
      const seconds = await floorRun(doc, table, chunks);
      floorRuns.push({ seconds: round(seconds, 3), rowsPerSecond: Math.round(rows.length / seconds) });
    } finally {
      await client.send(new DeleteTableCommand({ TableName: table }));
    }
  };
  const ctx = { actor: { sub: 'bench', roles: ['city_admin'] }, requestId: 'bench', now };

  try {
    await floor(1);

    let t0 = performance.now();
    const first = await runImport(csv, ctx);
    const seconds = (performance.now() - t0) / 1000;
    if (first.imported !== rows.length || first.rejectedRows !== 0) {
      throw new Error(
        `import: expected ${rows.length} new residents, got imported=${first.imported} updated=${first.updated} ` +
          `unchanged=${first.unchanged} rejected=${first.rejectedRows} ${JSON.stringify(first.rejected.slice(0, 3))}`,
      );
    }

    t0 = performance.now();
    const again = await runImport(csv, { ...ctx, requestId: 'bench-2' });
    const reimportSeconds = (performance.now() - t0) / 1000;
    if (again.unchanged !== rows.length) {
      throw new Error(
        `re-import: expected ${rows.length} unchanged, got ${JSON.stringify({ ...again, rejected: undefined })}`,
      );
    }

    await floor(2);

    t0 = performance.now();
    const secondRun = await runImport(toCsv(o.second), {
      ...ctx,
      requestId: 'bench-3',
      now: new Date().toISOString(),
    });
    const secondSeconds = (performance.now() - t0) / 1000;
    if (secondRun.imported !== o.second.length)
      throw new Error(`second import: ${secondRun.imported} imported`);
    const importRuns = [seconds, secondSeconds].map((s) => ({
      seconds: round(s, 3),
      rowsPerSecond: Math.round(rows.length / s),
    }));

    const rowsPerSecond = rows.length / Math.min(seconds, secondSeconds);
    const floorRowsPerSecond = Math.max(...floorRuns.map((r) => r.rowsPerSecond));
    const ratio = rowsPerSecond / floorRowsPerSecond;
    return {
      rows: rows.length,
      items,
      seconds: round(Math.min(seconds, secondSeconds), 3),
      rowsPerSecond: Math.round(rowsPerSecond),
      importRuns,
      floorRowsPerSecond,
      ratio: round(ratio, 3),
      pass: ratio >= MIN_RATIO,
      reimportSeconds: round(reimportSeconds, 3),
      reimportRowsPerSecond: Math.round(rows.length / reimportSeconds),
      floorRuns,
    };
  } finally {
    doc.destroy();
  }
}

/**
 * The import's floor on its own: these residents' items (as the import would write them), pre-built and written with
 * raw BatchWriteItem into a fresh table of the registry's definition, in the import's pattern; rows per second.
 */
export async function measureImportFloor(o: {
  dynamoEndpoint: string;
  residents: DemoResident[];
}): Promise<number> {
  const chunks = floorChunks(o.residents, new Date().toISOString());
  const { client, doc } = localClients(o.dynamoEndpoint);
  const table = `bench-floor-${Date.now()}`;
  await createFloorTable(client, table);
  try {
    return Math.round(o.residents.length / (await floorRun(doc, table, chunks)));
  } finally {
    await client.send(new DeleteTableCommand({ TableName: table }));
    doc.destroy();
  }
}
