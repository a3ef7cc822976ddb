// The daily reminders job against DynamoDB Local: who is due on chosen days (birthdays at the edges of the CKG
// ages, 29 February, infant milestones, a monthly broadcast to the elderly, an area broadcast), who is skipped
// and why, that a second run queues nothing twice, and that the selection reads what is due and little more.
import { BatchWriteCommand, GetCommand } from '@aws-sdk/lib-dynamodb';
import { beforeEach, describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { addRts } from '../../infra/local/seed.ts';
import { kelurahanOfRt } from '../../shared/city/regions.ts';
import { ddb } from '../../shared/platform/dynamo.ts';
import { type Queue, type QueueName, setQueue } from '../../shared/platform/queues.ts';
import { tableName } from '../../shared/platform/tables.ts';
import { makeNik } from '../../shared/registry/nik.ts';
import { residentItem } from '../../shared/registry/repository.ts';
import type { Resident } from '../../shared/registry/schemas.ts';
import { saveCampaign } from '../../shared/reminder/campaigns.ts';
import { addDays } from '../../shared/reminder/dates.ts';
import { runReminders, sendAtFor } from '../../shared/reminder/job.ts';
import { fireKey, type SmsJob } from '../../shared/reminder/keys.ts';
import { type CampaignInput, campaignSchema } from '../../shared/reminder/schemas.ts';
import { seededCampaigns } from '../../shared/reminder/seeded.ts';
import { givenOptedOut } from '../support/opt-outs.ts';
import { useFreshTables } from '../support/tables.ts';

const RT_A = '1571011012-001-005';
const RT_B = '1571021004-002-001';
const admin = { sub: 'admin-reminders', roles: ['city_admin'] };
const NOW = '2026-11-23T00:00:00.000Z';

class CapturingQueue implements Queue {
  sent: SmsJob[] = [];
  fail = false;
  async send(queue: QueueName, bodies: unknown[]) {
    if (this.fail) throw new Error('SQS is down');
    if (queue === 'sms') this.sent.push(...(bodies as SmsJob[]));
  }
  async defer() {}
  async deadLetter() {}
}
let queue: CapturingQueue;
let seq = 1;

function resident(birthDate: string, over: Partial<Resident> = {}): Resident {
  const rt = over.rt ?? RT_A;
  const sex = over.sex ?? 'F';
  const n = seq++;
  return {
    nik: makeNik({ regionCode: kelurahanOfRt(rt), birthDate, sex, sequence: n }),
    name: `Siti Aminah ${n}`,
    birthDate,
    sex,
    phone: `+62812${String(1_000_000 + n).padStart(7, '0')}`,
    rt,
    kelurahan: kelurahanOfRt(rt),
    lowIncome: false,
    smsConsent: true,
    coverage: null,
    version: 1,
    createdAt: NOW,
    updatedAt: NOW,
    ...over,
  };
}

async function store(...people: Resident[]): Promise<Resident[]> {
  for (let i = 0; i < people.length; i += 25) {
    await ddb().send(
      new BatchWriteCommand({
        RequestItems: {
          [tableName('registry')]: people
            .slice(i, i + 25)
            .map((r) => ({ PutRequest: { Item: residentItem(r) } })),
        },
      }),
    );
  }
  return people;
}

async function campaign(input: Partial<CampaignInput> & Pick<CampaignInput, 'id' | 'kind'>) {
  const parsed = z.parse(campaignSchema, {
    name: `Kampanye ${input.id}`,
    offsetsDays: [0],
    template: 'Halo {name}, {date} di {puskesmas}. Balas STOP utk berhenti.',
    ...input,
  });
  return (await saveCampaign(parsed, { actor: admin, requestId: `req-${input.id}-${seq++}`, now: NOW }))
    .campaign;
}

const ckg = () => campaign(seededCampaigns('2026-12-06', RT_A).find((c) => c.id === 'ckg-ulang-tahun')!);
const niksOf = (jobs: SmsJob[]) => jobs.map((j) => j.nik).sort();

beforeEach(async () => {
  await useFreshTables();
  queue = new CapturingQueue();
  setQueue(queue);
  await addRts([
    { rt: RT_A, households: 80 },
    { rt: RT_B, households: 120 },
  ]);
});

describe('CKG birthday reminders', () => {
  it('reminds 30, 7 and 1 days before and on the birthday, ages 0–6 and 18+ only, reading only those ages', async () => {
    await ckg();
    const day = '2026-03-02';
    const due = await store(
      resident('1990-04-01'), // 36 on 1 April: the 30-day reminder
      resident('2020-03-09'), // turns 6 on 9 March: the 7-day reminder
      resident('2008-03-02'), // turns 18 today
      resident('2021-03-03'), // turns 5 tomorrow
      resident('1950-03-02', { sex: 'M' }), // 76 today
    );
    const notDue = await store(
      resident('2012-03-03'), // turns 14 tomorrow: CKG's birthday track excludes 7–17
      resident('2019-03-02'), // turns 7 today
      resident('2009-03-02'), // turns 17 today
      resident('1990-03-04'), // birthday in two days: no reminder that day
      resident('1990-04-02'), // 31 days away
    );
    const run = await runReminders(day, NOW);
    expect(run).toMatchObject({
      date: day,
      due: due.length,
      queued: due.length,
      skipped: { noPhone: 0, noConsent: 0, optedOut: 0, duplicate: 0, alreadyChecked: 0 },
    });
    expect(niksOf(queue.sent)).toEqual(due.map((r) => r.nik).sort());
    expect(queue.sent.map((j) => j.nik)).not.toContain(notDue[0]!.nik);
    // Those aged 7–17 on their birthday are not even read: the index is queried by birth year.
    expect(run.read.residents).toBe(due.length);
    const thirty = queue.sent.find((j) => j.nik === due[0]!.nik)!;
    expect(thirty.text).toBe(
      'Halo Siti, ultah Anda 1 Apr 2026. Ayo Cek Kesehatan Gratis di puskesmas terdekat, bawa KTP. Balas STOP utk berhenti.',
    );
    expect(thirty).toMatchObject({ parts: 1, date: day, campaignId: 'ckg-ulang-tahun', version: 1 });
    expect(thirty.fireId).toBe('ckg-ulang-tahun#v1#-30#2026-04-01');
  });

  it('reminds a 29 February birthday on 28 February in other years, and on the 29th in leap years', async () => {
    await ckg();
    const [leapling] = await store(resident('2000-02-29'));
    const onDay = async (day: string) => {
      queue.sent = [];
      await runReminders(day, NOW);
      return queue.sent.filter((j) => j.nik === leapling!.nik).map((j) => j.fireId);
    };
    expect(await onDay('2027-02-28')).toEqual(['ckg-ulang-tahun#v1#0#2027-02-28']);
    expect(await onDay('2027-02-27')).toEqual(['ckg-ulang-tahun#v1#-1#2027-02-28']);
    expect(await onDay('2027-03-01')).toEqual([]);
    expect(await onDay('2028-02-28')).toEqual(['ckg-ulang-tahun#v1#-1#2028-02-29']);
    expect(await onDay('2028-02-29')).toEqual(['ckg-ulang-tahun#v1#0#2028-02-29']);
    expect(await onDay('2028-01-30')).toEqual(['ckg-ulang-tahun#v1#-30#2028-02-29']);
  });

  it('skips residents without a phone, without consent, opted out or already checked this year, and counts why', async () => {
    await ckg();
    const day = '2026-06-10';
    const [sendable] = await store(resident('1980-06-10'));
    await store(
      resident('1981-06-10', { phone: undefined }),
      resident('1982-06-10', { smsConsent: false }),
      resident('1983-06-10', { phone: '+6281299990001' }),
      resident('1984-06-10', { lastCheckDate: '2026-02-01' }),
      resident('1985-06-10', { lastCheckDate: '2025-07-01' }), // checked last year: reminded
    );
    await givenOptedOut({ phone: '+6281299990001', at: NOW, source: 'SMS', keyword: 'STOP' });
    const run = await runReminders(day, NOW);
    expect(run).toMatchObject({
      due: 6,
      queued: 2,
      skipped: { noPhone: 1, noConsent: 1, optedOut: 1, alreadyChecked: 1, duplicate: 0 },
    });
    expect(queue.sent.map((j) => j.nik)).toContain(sendable!.nik);
    expect(run.read.optOuts).toBe(1);
  });

  it('running the same day again queues nothing twice, and the stored result says so', async () => {
    await ckg();
    const day = '2026-07-01';
    await store(resident('1970-07-01'), resident('1971-07-08'), resident('1972-07-31'));
    const first = await runReminders(day, NOW);
    expect(first).toMatchObject({ due: 3, queued: 3, runs: 1 });
    queue.sent = [];
    const again = await runReminders(day, NOW);
    expect(again).toMatchObject({ due: 3, queued: 0, runs: 2, skipped: { duplicate: 3 } });
    expect(queue.sent).toEqual([]);
    const stored = await ddb().send(
      new GetCommand({ TableName: tableName('reminders'), Key: { pk: 'DAYS', sk: `${day}#RUN` } }),
    );
    expect(stored.Item).toMatchObject({ date: day, due: 3, queued: 0, queuedTotal: 3, runs: 2 });
  });

  it('a changed campaign is a new version: its fires are new, the earlier fires keep their version and text', async () => {
    const v1 = await ckg();
    const day = '2026-08-15';
    const [r] = await store(resident('1991-08-15'));
    await runReminders(day, NOW);
    const v2 = await campaign({
      ...seededCampaigns('2026-12-06', RT_A).find((c) => c.id === 'ckg-ulang-tahun')!,
      template: 'Selamat ulang tahun {name}! Cek Kesehatan Gratis di {puskesmas}. Balas STOP utk berhenti.',
    });
    expect(v2.version).toBe(v1.version + 1);
    queue.sent = [];
    await runReminders(day, NOW);
    expect(queue.sent.map((j) => j.fireId)).toEqual(['ckg-ulang-tahun#v2#0#2026-08-15']);
    const first = await ddb().send(
      new GetCommand({
        TableName: tableName('reminders'),
        Key: fireKey(r!.nik, 'ckg-ulang-tahun#v1#0#2026-08-15'),
      }),
    );
    expect(first.Item).toMatchObject({
      version: 1,
      status: 'QUEUED',
      text: expect.stringContaining('ultah Anda'),
    });
  });

  it('a failed enqueue takes its fires back, so the retried run sends them', async () => {
    await ckg();
    const day = '2026-09-09';
    await store(resident('1960-09-09'), resident('1961-09-09'));
    queue.fail = true;
    await expect(runReminders(day, NOW)).rejects.toThrow('SQS is down');
    queue.fail = false;
    expect(await runReminders(day, NOW)).toMatchObject({ queued: 2, skipped: { duplicate: 0 } });
  });
});

describe('infant immunisation (DATE_FIELD) and broadcasts', () => {
  it('reminds infants on the days they reach 1, 2, 3, 4, 9 and 18 months', async () => {
    await campaign(seededCampaigns('2026-12-06', RT_A).find((c) => c.id === 'imunisasi-bayi')!);
    const day = '2026-11-23';
    // 30, 61 and 548 days old today (the offsets are days: 1, 2 and 18 months of 30.4375 days).
    const due = await store(resident('2026-10-24'), resident('2026-09-23'), resident(addDays(day, -548)));
    await store(resident('2026-10-25'), resident('2024-11-23'), resident(addDays(day, -549)));
    const run = await runReminders(day, NOW);
    expect(run).toMatchObject({ due: 3, queued: 3 });
    expect(niksOf(queue.sent)).toEqual(due.map((r) => r.nik).sort());
    expect(queue.sent.find((j) => j.nik === due[0]!.nik)!.fireId).toBe('imunisasi-bayi#v1#30#2026-11-23');
    expect(run.read.residents).toBe(3);
  });

  it('a monthly broadcast to the 60+ reaches them the day before and on every posyandu day, reading only the 60+', async () => {
    await campaign(seededCampaigns('2026-01-31', RT_A).find((c) => c.id === 'posyandu-lansia')!);
    const elderly = await store(
      resident('1950-05-05', { rt: RT_B }),
      resident('1966-02-28'), // 60 on 28 Feb 2026: in on the posyandu of that day
      resident('1940-12-12', { sex: 'M' }),
    );
    const [turns60] = await store(resident('1966-03-01')); // 60 on 1 March: in from the March posyandu
    const young = await store(resident('1990-01-01'), resident('2001-07-07'));
    // The 31st falls on 28 February in 2026.
    const onDay = await runReminders('2026-02-28', NOW);
    expect(onDay).toMatchObject({ due: 3, queued: 3 });
    expect(niksOf(queue.sent)).toEqual(elderly.map((r) => r.nik).sort());
    expect(queue.sent.every((j) => j.fireId.endsWith('#0#2026-02-28'))).toBe(true);
    // Read: the 60+ of the day, and no one younger (each birthday's range starts and ends at 60 years).
    expect(onDay.read.residents).toBe(3);
    queue.sent = [];
    expect(await runReminders('2026-03-30', NOW)).toMatchObject({ due: 4, queued: 4 });
    expect(queue.sent.every((j) => j.fireId.endsWith('#-1#2026-03-31'))).toBe(true);
    expect(queue.sent.map((j) => j.nik)).toContain(turns60!.nik);
    expect(await runReminders('2026-03-15', NOW)).toMatchObject({ due: 0, queued: 0 });
    expect(queue.sent.map((j) => j.nik)).not.toContain(young[0]!.nik);
  });

  it('a broadcast to an area reaches its residents only', async () => {
    await campaign({
      id: 'ckg-minggu',
      kind: 'BROADCAST',
      date: '2026-12-06',
      offsetsDays: [-1],
      audience: { area: '15.71.01.1012' },
    });
    const inArea = await store(resident('1980-01-01'), resident('2010-01-01', { sex: 'M' }));
    await store(resident('1980-01-01', { rt: RT_B }));
    const run = await runReminders('2026-12-05', NOW);
    expect(run).toMatchObject({ due: 2, queued: 2 });
    expect(niksOf(queue.sent)).toEqual(inArea.map((r) => r.nik).sort());
    expect(run.read).toMatchObject({ residents: 2, rts: 1 });
    expect(queue.sent[0]!.text).toContain('6 Des 2026');
  });
});

describe('when messages go out', () => {
  it("the campaign's hour WIB on the day itself; at once for a missed or rehearsed day", () => {
    const now = '2026-11-23T00:05:00.000Z'; // 07:05 WIB
    expect(sendAtFor({ sendHourWib: 8 }, '2026-11-23', now)).toBe('2026-11-23T01:00:00.000Z');
    expect(sendAtFor({ sendHourWib: 6 }, '2026-11-23', now)).toBe(now);
    expect(sendAtFor({ sendHourWib: 8 }, '2026-11-20', now)).toBe(now);
  });
});
