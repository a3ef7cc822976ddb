// A month's incentive run was made (KaderIncentivesPaid): each paid kader gets one SMS, however often the event is
// delivered (a marker per month and kader).
import type { EventBridgeEvent } from 'aws-lambda';
import { KaderIncentivesPaid } from '#events/kader.ts';
import { readRun } from '#shared/kader/incentives.ts';
import { incentivePaidSms } from '#shared/kader/texts.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';
import { sendOnce } from '#shared/platform/once.ts';
import { getResident } from '#shared/registry/repository.ts';

export const handler = eventHandler(async (event: EventBridgeEvent<'KaderIncentivesPaid', unknown>) => {
  const { month } = KaderIncentivesPaid.parse(event.detail);
  const run = await readRun(month);
  if (!run) return;
  const reversed = new Set(run.reversals.map((r) => r.nik));
  let sent = 0;
  let noPhone = 0;
  for (const line of run.paid) {
    if (reversed.has(line.nik)) continue;
    const resident = await getResident(line.nik);
    if (!resident?.phone) {
      noPhone++;
      continue;
    }
    if (
      await sendOnce(`sms#kader-incentive#${month}#${line.nik}`, {
        phone: resident.phone,
        text: incentivePaidSms({ name: line.name, month, amount: line.amount, activities: line.activities }),
        purpose: 'kader-incentive',
      })
    ) {
      sent++;
    }
  }
  logger.info('kader incentive SMS', { month, paid: run.paid.length, sent, noPhone });
});
