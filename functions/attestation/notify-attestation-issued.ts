// Tells the resident by SMS that the RT chair's letter made their coverage active (AttestationIssued), once
// per letter however often the event is delivered.
import type { EventBridgeEvent } from 'aws-lambda';
import { ATTESTATION_ISSUED, AttestationIssued } from '#events/attestation.ts';
import { attestationIssuedSms } from '#shared/attestation/text.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { sendOnce } from '#shared/platform/once.ts';
import { getResident } from '#shared/registry/repository.ts';

export const handler = eventHandler(
  async (event: EventBridgeEvent<typeof ATTESTATION_ISSUED, unknown>): Promise<void> => {
    const detail = AttestationIssued.parse(event.detail);
    const resident = await getResident(detail.nik);
    if (!resident?.phone) return;
    await sendOnce(`sms#${ATTESTATION_ISSUED}#${detail.id}`, {
      phone: resident.phone,
      text: attestationIssuedSms({ name: resident.name, at: detail.coverage.since }),
      purpose: 'attestation-issued',
    });
  },
);
