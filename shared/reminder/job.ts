// The daily reminders job (EventBridge Scheduler at 07:00 WIB; POST /jobs/reminders/run; `npm run job -- reminders`):
// for every active campaign, who is due on the day; those without a phone, without consent, opted out or already
// checked this year are counted and skipped; each of the rest gets one fire — a conditional put per (resident,
// campaign version, offset, event date), so a second run finds it and sends nothing twice — and one SQS message.
import { DeleteCommand, PutCommand, UpdateCommand } from '@aws-sdk/lib-dynamodb';
import { ddb } from '#shared/platform/dynamo.ts';
import { mapInFlight } from '#shared/platform/in-flight.ts';
import { logger } from '#shared/platform/logger.ts';
import { enqueue } from '#shared/platform/queues.ts';
import { smsLength } from '#shared/platform/sms-text.ts';
import { dayWib } from '#shared/platform/wib.ts';
import { listCampaigns } from './campaigns.ts';
import { dayRunKey, fireExpiry, fireId, fireKey, type SmsJob, T } from './keys.ts';
import { optedOutNumbers } from './opt-outs.ts';
import type { Campaign } from './schemas.ts';
import { type Due, SelectionReader, selectDue } from './selection.ts';
import { render } from './templates.ts';

export const SKIP_REASONS = ['noPhone', 'noConsent', 'optedOut', 'duplicate', 'alreadyChecked'] as const;
export type SkipReason = (typeof SKIP_REASONS)[number];

export interface ReminderRun {
  date: string;
  due: number;
  queued: number;
  skipped: Record<SkipReason, number>;
  /** Items read: residents (the selection), RT directory entries, opted-out numbers. */
  read: { residents: number; rts: number; optOuts: number; queries: number };
  campaigns: { id: string; version: number; due: number; queued: number }[];
  /** When the messages go out (the campaigns' hours WIB; now when the day is not today). */
  ranAt: string;
  /** Runs made for this date so far, this one included. */
  runs: number;
}

/** Fire puts in flight at once. */
const PARALLEL_PUTS = 64;
/** Fires put, then queued, a chunk at a time: a failed enqueue takes back only its own chunk's fires. */
const CHUNK = 200;

const zeroSkips = (): Record<SkipReason, number> =>
  Object.fromEntries(SKIP_REASONS.map((r) => [r, 0])) as Record<SkipReason, number>;

/** When a campaign's messages of `date` may go out: its hour WIB on the day itself; at once for another day. */
export function sendAtFor(c: Pick<Campaign, 'sendHourWib'>, date: string, now: string): string {
  if (date !== dayWib(now)) return now;
  const atHour = new Date(`${date}T${String(c.sendHourWib).padStart(2, '0')}:00:00+07:00`).toISOString();
  return atHour > now ? atHour : now;
}

function skipReason(d: Due, c: Campaign, optedOut: Set<string>): SkipReason | undefined {
  const r = d.recipient;
  if (!r.phone) return 'noPhone';
  if (!r.smsConsent) return 'noConsent';
  if (optedOut.has(r.phone)) return 'optedOut';
  if (c.skipCheckedThisYear && r.lastCheckDate?.slice(0, 4) === d.ref.eventDate.slice(0, 4)) {
    return 'alreadyChecked';
  }
  return undefined;
}

function smsJob(d: Due, c: Campaign, date: string, sendAt: string): SmsJob {
  const r = d.recipient;
  const text = render(c.template, {
    name: r.name,
    date: d.ref.eventDate,
    // Not every kelurahan has a puskesmas, and none is named after it by rule: until the city's puskesmas are
    // registered, the text says the nearest one rather than invent a name.
    puskesmas: 'puskesmas terdekat',
  });
  return {
    nik: r.nik,
    fireId: fireId(d.ref),
    phone: r.phone!,
    text,
    parts: smsLength(text).parts,
    date,
    sendAt,
    campaignId: c.id,
    version: c.version,
  };
}

/** The guarded fire: false when this (resident, campaign version, offset, event date) was fired before. */
async function putFire(job: SmsJob, d: Due, now: string): Promise<boolean> {
  try {
    await ddb().send(
      new PutCommand({
        TableName: T(),
        Item: {
          ...fireKey(job.nik, job.fireId),
          status: 'QUEUED',
          phone: job.phone,
          text: job.text,
          parts: job.parts,
          date: job.date,
          sendAt: job.sendAt,
          campaignId: job.campaignId,
          version: job.version,
          offset: d.ref.offset,
          eventDate: d.ref.eventDate,
          attempts: 0,
          queuedAt: now,
          expiresAt: fireExpiry(d.ref.eventDate),
        },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
    return true;
  } catch (error) {
    if ((error as Error).name === 'ConditionalCheckFailedException') return false;
    throw error;
  }
}

/** Fires and queues one chunk; if SQS refuses, the chunk's new fires are taken back so a re-run sends them. */
async function fireChunk(chunk: { job: SmsJob; due: Due }[], now: string): Promise<SmsJob[]> {
  const fired = await mapInFlight(chunk, PARALLEL_PUTS, async (x) =>
    (await putFire(x.job, x.due, now)) ? x.job : undefined,
  );
  const fresh = fired.filter((j): j is SmsJob => !!j);
  try {
    await enqueue('sms', fresh);
  } catch (error) {
    await mapInFlight(fresh, PARALLEL_PUTS, (j) =>
      ddb().send(new DeleteCommand({ TableName: T(), Key: fireKey(j.nik, j.fireId) })),
    );
    throw error;
  }
  return fresh;
}

export async function runReminders(date: string, now = new Date().toISOString()): Promise<ReminderRun> {
  const campaigns = (await listCampaigns()).filter((c) => c.active).sort((a, b) => a.id.localeCompare(b.id));
  const optedOut = await optedOutNumbers();
  const reader = new SelectionReader();
  const skipped = zeroSkips();
  const perCampaign: ReminderRun['campaigns'] = [];
  let due = 0;
  let queued = 0;
  for (const c of campaigns) {
    const found = await selectDue(c, date, reader);
    const sendAt = sendAtFor(c, date, now);
    const sendable: { job: SmsJob; due: Due }[] = [];
    for (const d of found) {
      const reason = skipReason(d, c, optedOut);
      if (reason) skipped[reason]++;
      else sendable.push({ job: smsJob(d, c, date, sendAt), due: d });
    }
    let fresh = 0;
    for (let i = 0; i < sendable.length; i += CHUNK) {
      fresh += (await fireChunk(sendable.slice(i, i + CHUNK), now)).length;
    }
    skipped.duplicate += sendable.length - fresh;
    due += found.length;
    queued += fresh;
    perCampaign.push({ id: c.id, version: c.version, due: found.length, queued: fresh });
  }
  const result = {
    date,
    due,
    queued,
    skipped,
    read: { residents: reader.read, rts: reader.rtsRead, optOuts: optedOut.size, queries: reader.queries },
    campaigns: perCampaign,
    ranAt: now,
  };
  const out = await ddb().send(
    new UpdateCommand({
      TableName: T(),
      Key: dayRunKey(date),
      UpdateExpression:
        'SET #date = :date, due = :due, queued = :queued, skipped = :skipped, #read = :read, campaigns = :campaigns, ranAt = :ranAt, queuedTotal = if_not_exists(queuedTotal, :zero) + :queued ADD runs :one',
      ExpressionAttributeNames: { '#date': 'date', '#read': 'read' },
      ExpressionAttributeValues: {
        ':date': date,
        ':due': due,
        ':queued': queued,
        ':skipped': skipped,
        ':read': result.read,
        ':campaigns': perCampaign,
        ':ranAt': now,
        ':zero': 0,
        ':one': 1,
      },
      ReturnValues: 'UPDATED_NEW',
    }),
  );
  const run: ReminderRun = { ...result, runs: Number(out.Attributes?.runs ?? 1) };
  logger.info('reminders run', {
    date,
    due,
    queued,
    skipped,
    read: result.read,
    campaigns: perCampaign.length,
  });
  return run;
}
