// Local mode's stand-in for SNS's SMS delivery status logs: a moment after an SMS lands in the outbox, the
// delivery-status handler (shared/platform/log-subscriptions.ts) gets the record SNS would have logged, in the
// CloudWatch Logs subscription event shape, so fires go from SENT to DELIVERED as they would in AWS.
import { LOG_SUBSCRIPTIONS } from '#shared/platform/log-subscriptions.ts';
import { deliveryLogEvent, smsDeliveryRecord } from '#shared/reminder/delivery.ts';
import { lambdaContext } from './lambda-context.ts';
import { handlerOf } from './modules.ts';
import type { Outbox } from './outbox.ts';

const HANDLER = LOG_SUBSCRIPTIONS.find((s) => s.name === 'sms-delivery-status')!.handler;

export class LocalSmsDelivery {
  private readonly pending = new Set<Promise<void>>();
  private readonly stopListening: () => void;

  constructor(
    root: string,
    outbox: Outbox,
    private readonly log: (line: string) => void = console.log,
    /** SNS reports a delivery seconds after the publish; here a moment, after the sender has recorded the send. */
    delayMs = 300,
  ) {
    this.stopListening = outbox.listen((entry) => {
      if (entry.channel !== 'sms') return;
      const report = new Promise<void>((r) => setTimeout(r, delayMs))
        .then(async () => {
          const handler = await handlerOf(root, HANDLER);
          const record = smsDeliveryRecord({
            messageId: entry.id,
            phone: entry.phone,
            status: 'SUCCESS',
            parts: entry.parts,
          });
          await handler(deliveryLogEvent([record]), lambdaContext('local-sms-delivery-status', 30));
        })
        .catch((error: Error) => this.log(`[sms-delivery] report not recorded: ${error.message}`))
        .finally(() => this.pending.delete(report));
      this.pending.add(report);
    });
  }

  /** Resolves once every delivery report so far is recorded. */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  async stop(): Promise<void> {
    this.stopListening();
    await this.drain();
  }
}
