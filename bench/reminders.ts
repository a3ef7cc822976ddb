// Section: the daily reminders job on a generated city of 200,000 residents in DynamoDB Local, for one chosen day
// that has every kind of reminder — birthdays (CKG, 28 February of a year without a 29th, so the 29 February
// births come too), infant milestones, the monthly elderly posyandu (a city-wide broadcast to the 60+) and a
// broadcast to one RT. Figures: who is due, what the selection read (target ≤ 1.05 × due), how long selecting and
// the whole job (fires put, messages queued) took. The tables are the bench's own, made fresh for the run; the
// messages go to a queue that only counts them: the sender is measured on its own (sms-sender.ts).
import { BatchWriteCommand } from '@aws-sdk/lib-dynamodb';
import * as z from 'zod/mini';
import { demoRts, prng } from '#infra/local/demo-data.ts';
import { createTables } from '#infra/local/dynamodb-local.ts';
import { addRts } from '#infra/local/seed.ts';
import { ddb } from '#shared/platform/dynamo.ts';
import type { Notifier } from '#shared/platform/notifier.ts';
import { type Queue, setQueue } from '#shared/platform/queues.ts';
import { TABLES, tableName } from '#shared/platform/tables.ts';
import { makeNik } from '#shared/registry/nik.ts';
import { residentItem } from '#shared/registry/repository.ts';
import type { Resident } from '#shared/registry/schemas.ts';
import { saveCampaign } from '#shared/reminder/campaigns.ts';
import { addDays, isLeapYear } from '#shared/reminder/dates.ts';
import { type ReminderRun, runReminders } from '#shared/reminder/job.ts';
import { optOutKey } from '#shared/reminder/keys.ts';
import { campaignSchema } from '#shared/reminder/schemas.ts';
import { seededCampaigns } from '#shared/reminder/seeded.ts';
import { SelectionReader, selectDue } from '#shared/reminder/selection.ts';
import { benchSmsSender, type SmsSenderSection } from './sms-sender.ts';
import { round } from './stats.ts';

export const MAX_READ_RATIO = 1.05;
export const BENCH_DAY = '2027-02-28';

export interface ReminderSelectionSection {
  residents: number;
  rts: number;
  date: string;
  campaigns: { id: string; due: number; read: number }[];
  due: number;
  queued: number;
  skipped: ReminderRun['skipped'];
  /** Resident items the selection read; RT directory entries; opted-out numbers (read once). */
  read: number;
  readRatio: number;
  rtsRead: number;
  optOutsRead: number;
  queries: number;
  /** Selecting every campaign's due residents, one campaign after another. */
  selectSeconds: number;
  /** The whole job: selection, one conditional put per fire, the messages queued. */
  jobSeconds: number;
  /** A second run of the same day: everything found fired already. */
  rerunSeconds: number;
  rerunQueued: number;
  generateSeconds: number;
  pass: boolean;
}

const ADMIN = { sub: 'bench', roles: ['city_admin'] };

/** A city's people: ages weighted young, birthdays on every day of the year (29 February in leap years). */
function generate(count: number, rts: ReturnType<typeof demoRts>, day: string, seed = 606): Resident[] {
  const rand = prng(seed);
  const year = Number(day.slice(0, 4));
  const seq = new Map<string, number>();
  const people: Resident[] = [];
  const now = new Date().toISOString();
  while (people.length < count) {
    // About one in nine is 60 or older, as in Indonesian cities.
    const age = rand() < 0.11 ? 60 + Math.floor(rand() * 35) : Math.floor(rand() * 60);
    const by = year - age - 1 + (rand() < 0.85 ? 1 : 0);
    const days = isLeapYear(by) ? 366 : 365;
    const birthDate = addDays(`${by}-01-01`, Math.floor(rand() * days));
    if (birthDate >= day) continue;
    const rt = rts[Math.floor(rand() * rts.length)]!;
    const sex = rand() < 0.5 ? 'M' : 'F';
    // The NIK carries the kecamatan (six digits), so its sequence counts within the kecamatan.
    const key = `${rt.kelurahan.replaceAll('.', '').slice(0, 6)}${birthDate}${sex}`;
    const n = (seq.get(key) ?? 0) + 1;
    seq.set(key, n);
    if (n > 9999) continue;
    const nik = makeNik({ regionCode: rt.kelurahan, birthDate, sex, sequence: n });
    // Children's reminders go to a parent's phone; most adults have one; most numbers gave consent.
    const hasPhone = rand() < 0.82;
    const lastCheck =
      rand() < 0.1 ? `${year}-01-${String(1 + Math.floor(rand() * 28)).padStart(2, '0')}` : '';
    people.push({
      nik,
      name: `Warga ${people.length}`,
      birthDate,
      sex,
      ...(hasPhone ? { phone: `+628${String(1_100_000_000 + Math.floor(rand() * 800_000_000))}` } : {}),
      rt: rt.rt,
      kelurahan: rt.kelurahan,
      lowIncome: false,
      smsConsent: hasPhone && rand() < 0.88,
      coverage: null,
      version: 1,
      createdAt: now,
      updatedAt: now,
      ...(lastCheck ? { lastCheckDate: lastCheck } : {}),
    });
  }
  return people;
}

async function writeAll(table: string, items: Record<string, unknown>[]): Promise<void> {
  const batches: Record<string, unknown>[][] = [];
  for (let i = 0; i < items.length; i += 25) batches.push(items.slice(i, i + 25));
  let next = 0;
  const worker = async () => {
    while (next < batches.length) {
      let requests = batches[next++]!.map((Item) => ({ PutRequest: { Item } }));
      while (requests.length) {
        const out = await ddb().send(new BatchWriteCommand({ RequestItems: { [table]: requests } }));
        requests = (out.UnprocessedItems?.[table] ?? []) as typeof requests;
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, worker));
}

export interface RemindersSection {
  selection: ReminderSelectionSection;
  sender: SmsSenderSection;
}

/** Both halves on the bench's own tables: the job's selection on a generated city, then the sender's rate. */
export async function benchReminders(opts: {
  residents: number;
  messages: number;
  /** The local system's queue and notifier, put back afterwards. */
  queue: Queue;
  notifier: Notifier;
}): Promise<RemindersSection> {
  const saved = Object.fromEntries(Object.values(TABLES).map((t) => [t.envVar, process.env[t.envVar]]));
  const run = `bench${Date.now().toString(36)}`;
  for (const [name, def] of Object.entries(TABLES)) process.env[def.envVar] = `${run}-${name}`;
  try {
    await createTables(process.env.DYNAMODB_ENDPOINT!);
    const selection = await benchReminderSelection(opts.residents, opts.queue);
    const sender = await benchSmsSender(opts.messages, opts.notifier);
    return { selection, sender };
  } finally {
    // The bench's own tables stay until the in-memory DynamoDB Local stops with the bench.
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }
}

async function benchReminderSelection(
  residents: number,
  restoreQueue: Queue,
): Promise<ReminderSelectionSection> {
  let queued = 0;
  const sink: Queue = {
    send: async (_q, bodies) => {
      queued += bodies.length;
    },
    defer: async () => undefined,
    deadLetter: async () => undefined,
  };
  setQueue(sink);
  try {
    const t0 = performance.now();
    const rts = demoRts(500);
    await addRts(rts);
    const people = generate(residents, rts, BENCH_DAY);
    await writeAll(tableName('registry'), people.map(residentItem));
    // One number in a hundred opted out.
    const optedOut = [...new Set(people.filter((p, i) => p.phone && i % 100 === 7).map((p) => p.phone!))];
    await writeAll(
      tableName('reminders'),
      optedOut.map((phone) => ({ ...optOutKey(phone), at: new Date().toISOString(), source: 'SMS' })),
    );
    const generateSeconds = (performance.now() - t0) / 1000;

    // The city's campaigns, the posyandu falling on the day, and a broadcast to one RT for the next day.
    const inputs = seededCampaigns(BENCH_DAY, rts[5]!.rt).map((c) =>
      c.id === 'ckg-rt-minggu' ? { ...c, date: addDays(BENCH_DAY, 1) } : c,
    );
    const campaigns = [];
    for (const input of inputs) {
      campaigns.push(
        (
          await saveCampaign(z.parse(campaignSchema, input), {
            actor: ADMIN,
            requestId: `bench-${input.id}`,
            now: new Date().toISOString(),
          })
        ).campaign,
      );
    }

    const perCampaign: ReminderSelectionSection['campaigns'] = [];
    const t1 = performance.now();
    for (const c of campaigns) {
      const reader = new SelectionReader();
      const due = await selectDue(c, BENCH_DAY, reader);
      perCampaign.push({ id: c.id, due: due.length, read: reader.read });
    }
    const selectSeconds = (performance.now() - t1) / 1000;

    const t2 = performance.now();
    const result = await runReminders(BENCH_DAY);
    const jobSeconds = (performance.now() - t2) / 1000;
    const t3 = performance.now();
    const before = queued;
    await runReminders(BENCH_DAY);
    const rerunSeconds = (performance.now() - t3) / 1000;
    const readRatio = result.read.residents / Math.max(1, result.due);
    return {
      residents: people.length,
      rts: rts.length,
      date: BENCH_DAY,
      campaigns: perCampaign,
      due: result.due,
      queued: result.queued,
      skipped: result.skipped,
      read: result.read.residents,
      readRatio: round(readRatio, 4),
      rtsRead: result.read.rts,
      optOutsRead: result.read.optOuts,
      queries: result.read.queries,
      selectSeconds: round(selectSeconds),
      jobSeconds: round(jobSeconds),
      rerunSeconds: round(rerunSeconds),
      rerunQueued: queued - before,
      generateSeconds: round(generateSeconds, 1),
      pass: readRatio <= MAX_READ_RATIO && queued - before === 0,
    };
  } finally {
    setQueue(restoreQueue);
  }
}
