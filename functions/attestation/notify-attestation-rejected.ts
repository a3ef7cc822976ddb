// Tells the resident by SMS that Dinas Sosial rejected the RT letter and the coverage it opened has ended
// (AttestationDecided, REJECTED), once per letter.
import type { EventBridgeEvent } from 'aws-lambda';
import { ATTESTATION_DECIDED, AttestationDecided } from '#events/attestation.ts';
import { attestationRejectedSms } from '#shared/attestation/text.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { sendOnce } from '#shared/platform/once.ts';
import { getResident } from '#shared/registry/repository.ts';

export const handler = eventHandler(
  async (event: EventBridgeEvent<typeof ATTESTATION_DECIDED, unknown>): Promise<void> => {
    const detail = AttestationDecided.parse(event.detail);
    // Coverage that had already changed by other means did not end with the letter: nothing to tell.
    if (detail.decision !== 'REJECTED' || !detail.coverageClosed) return;
    const resident = await getResident(detail.nik);
    if (!resident?.phone) return;
    await sendOnce(`sms#${ATTESTATION_DECIDED}#${detail.id}`, {
      phone: resident.phone,
      text: attestationRejectedSms({ name: resident.name, at: detail.at }),
      purpose: 'attestation-rejected',
    });
  },
);
