// The daily review reminder (EventBridge Scheduler at 08:00 WIB; locally `npm run job -- attestation-review`):
// letters still pending after ATTESTATION_REVIEW_DAYS are summarised per RT to the verifiers' topic, once a day.
import { claimReminderDay, pendingSince, releaseReminderDay } from '#shared/attestation/repository.ts';
import { config } from '#shared/platform/config.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';
import { notifier } from '#shared/platform/notifier.ts';
import type { JobInput } from '#shared/platform/schedules.ts';
import { dayWib } from '#shared/platform/wib.ts';

export interface ReviewReminder {
  date: string;
  olderThanDays: number;
  overdue: number;
  byRt: { rt: string; count: number; oldestIssuedAt: string }[];
  notified: boolean;
}

export const handler = eventHandler(async (input: Partial<JobInput> = {}): Promise<ReviewReminder> => {
  const now = new Date().toISOString();
  const date = input.date ?? dayWib(now);
  const days = config().ATTESTATION_REVIEW_DAYS;
  // Midnight WIB of `date`, minus the allowed days: anything issued before then has waited too long.
  const cutoff = new Date(Date.parse(`${date}T00:00:00+07:00`) - (days - 1) * 86_400_000).toISOString();
  const overdue = await pendingSince(cutoff);
  const byRt = new Map<string, { rt: string; count: number; oldestIssuedAt: string }>();
  for (const a of overdue) {
    const row = byRt.get(a.rt) ?? { rt: a.rt, count: 0, oldestIssuedAt: a.issuedAt };
    row.count++;
    if (a.issuedAt < row.oldestIssuedAt) row.oldestIssuedAt = a.issuedAt;
    byRt.set(a.rt, row);
  }
  const rows = [...byRt.values()].sort((a, b) => a.oldestIssuedAt.localeCompare(b.oldestIssuedAt));
  let notified = false;
  if (rows.length && (await claimReminderDay('attestation-review', date, now))) {
    const lines = rows.map((r) => `- RT ${r.rt}: ${r.count} surat, tertua ${dayWib(r.oldestIssuedAt)}`);
    const send = notifier().notifyStaff({
      topic: 'verifiers',
      subject: `${overdue.length} surat keterangan RT menunggu verifikasi lebih dari ${days} hari`,
      text: [
        `Per ${date}: ${overdue.length} surat keterangan RT belum diverifikasi setelah ${days} hari.`,
        'Jaminan kesehatan warga tetap aktif selama menunggu; mohon segera diperiksa.',
        '',
        ...lines,
        '',
        'Daftar lengkap: GET /attestations?status=PENDING_REVIEW&order=oldest',
      ].join('\n'),
    });
    try {
      await send;
    } catch (error) {
      // Not sent: the day is free again for the scheduler's retry.
      await releaseReminderDay('attestation-review', date);
      throw error;
    }
    notified = true;
  }
  logger.info('attestation review reminder', { date, overdue: overdue.length, rts: rows.length, notified });
  return { date, olderThanDays: days, overdue: overdue.length, byRt: rows, notified };
});
