// Puts application events on the bus: EventBridge in AWS; local mode swaps in its in-process bus.
import { EventBridgeClient, PutEventsCommand } from '@aws-sdk/client-eventbridge';
import { logger } from './logger.ts';

export interface AppEvent<D = Record<string, unknown>> {
  source: string;
  detailType: string;
  detail: D;
}

export interface EventBus {
  publish(events: AppEvent[]): Promise<void>;
}

let client: EventBridgeClient | undefined;

const eventBridge: EventBus = {
  async publish(events) {
    client ??= new EventBridgeClient({});
    // PutEvents takes at most 10 entries a call.
    for (let i = 0; i < events.length; i += 10) {
      const batch = events.slice(i, i + 10);
      const out = await client.send(
        new PutEventsCommand({
          Entries: batch.map((e) => ({
            EventBusName: process.env.EVENT_BUS_NAME,
            Source: e.source,
            DetailType: e.detailType,
            Detail: JSON.stringify(e.detail),
          })),
        }),
      );
      if (out.FailedEntryCount) {
        const codes = out.Entries?.map((x) => x.ErrorCode).filter(Boolean);
        logger.error('events not accepted by EventBridge', { failed: out.FailedEntryCount, codes });
        throw new Error(`EventBridge refused ${out.FailedEntryCount} event(s)`);
      }
    }
  },
};

let override: EventBus | undefined;

export function setEventBus(bus: EventBus | undefined): void {
  override = bus;
}

export function publishEvents(events: AppEvent[]): Promise<void> {
  if (events.length === 0) return Promise.resolve();
  return (override ?? eventBridge).publish(events);
}
