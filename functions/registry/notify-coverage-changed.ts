// Tells a resident by SMS, in Bahasa Indonesia, that their JKN coverage is now active (CoverageChanged).
import type { EventBridgeEvent } from 'aws-lambda';
import { type COVERAGE_CHANGED, CoverageChanged } from '#events/registry.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';
import { notifier } from '#shared/platform/notifier.ts';
import { getResident } from '#shared/registry/repository.ts';
import { coverageActivatedSms } from '#shared/registry/sms.ts';

export const handler = eventHandler(
  async (event: EventBridgeEvent<typeof COVERAGE_CHANGED, unknown>): Promise<void> => {
    const detail = CoverageChanged.parse(event.detail);
    const becameActive = detail.after.status === 'ACTIVE' && detail.before?.status !== 'ACTIVE';
    // A letter's own SMS (AttestationIssued) tells the resident; one message is enough.
    if (!becameActive || detail.source === 'ATTESTATION') return;
    const resident = await getResident(detail.nik);
    if (!resident?.phone) return;
    const text = coverageActivatedSms({ name: resident.name, scheme: detail.after.scheme, at: detail.at });
    const { messageId } = await notifier().sendSms({
      phone: resident.phone,
      text,
      purpose: 'coverage-activated',
    });
    logger.info('coverage SMS sent', { messageId, source: detail.source });
  },
);
