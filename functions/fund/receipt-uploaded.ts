// Marks an RT fund entry as having its receipt when the file lands in the receipts bucket (EventBridge: S3
// Object Created under receipts/).
import type { EventBridgeEvent } from 'aws-lambda';
import { attachReceipt } from '#shared/fund/ledger.ts';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { logger } from '#shared/platform/logger.ts';

type ObjectCreated = EventBridgeEvent<'Object Created', { object: { key: string; size?: number } }>;

export const handler = eventHandler(async (event: ObjectCreated): Promise<void> => {
  const { key, size = 0 } = event.detail.object;
  const attached = await attachReceipt(key, size, event.time ?? new Date().toISOString());
  if (!attached) logger.warn('object is not the receipt of a known entry; ignored', { size });
});
