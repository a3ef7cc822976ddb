// SNS's SMS delivery reports (a CloudWatch Logs subscription on its delivery log groups): each reminder's fire
// becomes DELIVERED, or is queued again, or FAILED and dead-lettered (shared/reminder/delivery.ts).
import type { CloudWatchLogsEvent } from 'aws-lambda';
import { eventHandler } from '#shared/platform/event-handler.ts';
import { recordDeliveries } from '#shared/reminder/delivery.ts';

export const handler = eventHandler(async (event: CloudWatchLogsEvent) => recordDeliveries(event));
