// The reminders table's items beyond campaigns (shared/platform/tables.ts lists the access patterns): fires, the
// sent messages' ids, opt-outs, the days' results and counters, the month's spend; and the SQS message a fire
// becomes.
import { tableName } from '#shared/platform/tables.ts';

export const T = () => tableName('reminders');

export interface FireRef {
  campaignId: string;
  version: number;
  /** Days from the event date (−30: thirty days before). */
  offset: number;
  /** The day the reminder is about: this year's birthday, the milestone, the broadcast day (YYYY-MM-DD). */
  eventDate: string;
}

/** One per resident, campaign version, offset and event date (the event date carries the year). */
export const fireId = (f: FireRef) => `${f.campaignId}#v${f.version}#${f.offset}#${f.eventDate}`;
export const fireKey = (nik: string, id: string) => ({ pk: `FIRE#${nik}`, sk: id });
export const messageKey = (messageId: string) => ({ pk: `MSG#${messageId}`, sk: 'MSG' });
export const OPTOUT_PK = 'OPTOUT';
export const optOutKey = (phone: string) => ({ pk: OPTOUT_PK, sk: phone });
export const DAYS_PK = 'DAYS';
/** The day's job result (the latest run's), written by the job. */
export const dayRunKey = (date: string) => ({ pk: DAYS_PK, sk: `${date}#RUN` });
/**
 * The day's sending counters (ADD): sent, delivered, failed, parts, costMicroUsd, optedOut, overBudget — in
 * DAY_SEND_SHARDS items, each fire's always in the same one (its id's), summed by whoever reads them. One item took
 * two transactions a message at the sender's 20 a second: with a transaction ~25 ms in flight, most of them would
 * meet another and be cancelled (`npm run bench`, BENCH_ONLY=city: the province's arithmetic). Without a shard: the
 * one item days counted before the shards (still summed in).
 */
export const daySendKey = (date: string, shard?: number) => ({
  pk: DAYS_PK,
  sk: shard === undefined ? `${date}#SEND` : `${date}#SEND#${shard}`,
});
export const DAY_SEND_SHARDS = 10;
/** The shard a fire's counts go to: the same for its send and its delivery report. */
export function daySendShard(fireId: string): number {
  let h = 0;
  for (let i = 0; i < fireId.length; i++) h = (h * 31 + fireId.charCodeAt(i)) >>> 0;
  return h % DAY_SEND_SHARDS;
}
export const budgetKey = (month: string) => ({ pk: 'BUDGET', sk: month });

export type FireStatus =
  | 'QUEUED'
  | 'SENDING'
  | 'SENT'
  | 'DELIVERED'
  | 'FAILED'
  /** The number opted out between the job and the send. */
  | 'OPTED_OUT'
  /** The month's budget was reached; the message waits in the dead-letter queue. */
  | 'OVER_BUDGET';

/** What the job queues for each fire: the SQS message the sender gets. */
export interface SmsJob {
  nik: string;
  fireId: string;
  /** E.164 */
  phone: string;
  text: string;
  /** SMS parts the text takes (billing). */
  parts: number;
  /** The job's date (YYYY-MM-DD WIB) the fire counts under in the stats. */
  date: string;
  /** ISO instant before which it is not sent (the campaign's hour WIB). */
  sendAt: string;
  campaignId: string;
  version: number;
}

/** The transaction item that adds to a day's sending counters, in the fire's shard. */
export const dayCounts = (date: string, fireId: string, counts: Partial<Record<DaySendCounter, number>>) => {
  const names = Object.keys(counts) as DaySendCounter[];
  return {
    Update: {
      TableName: T(),
      Key: daySendKey(date, daySendShard(fireId)),
      UpdateExpression: `ADD ${names.map((_, i) => `#c${i} :v${i}`).join(', ')}`,
      ExpressionAttributeNames: Object.fromEntries(names.map((n, i) => [`#c${i}`, n])),
      ExpressionAttributeValues: Object.fromEntries(names.map((n, i) => [`:v${i}`, counts[n]])),
    },
  };
};
export type DaySendCounter =
  | 'sent'
  | 'delivered'
  | 'failed'
  | 'parts'
  | 'costMicroUsd'
  | 'optedOut'
  | 'overBudget';

/** Fires are kept a little over a year past their event: long enough to guard every re-run. */
export const fireExpiry = (eventDate: string) => Math.floor(Date.parse(eventDate) / 1000) + 400 * 86_400;
