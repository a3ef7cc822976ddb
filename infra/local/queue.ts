// Local mode's SQS: each message goes to its queue's consumer (shared/platform/queues.ts) as a one-record
// SQSEvent right after the sender's request, and a failed record is delivered again after a short wait (SQS:
// the visibility timeout) until the queue's maxReceiveCount, then it lands among the dead letters.
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { findQueue, type Queue, type QueueDef, type QueueName } from '#shared/platform/queues.ts';
import { lambdaContext } from './lambda-context.ts';
import { handlerOf } from './modules.ts';

export interface DeadLetter {
  queue: QueueName;
  body: unknown;
  receives: number;
  at: string;
}

export class InProcessQueue implements Queue {
  private readonly pending = new Set<Promise<void>>();
  readonly deadLetters: DeadLetter[] = [];

  constructor(
    private readonly root: string,
    private readonly log: (line: string) => void = console.log,
    /** Local wait before a failed message is delivered again (SQS waits the visibility timeout). */
    private readonly retryAfterMs = 500,
  ) {}

  async send(queue: QueueName, bodies: unknown[]): Promise<void> {
    const def = findQueue(queue);
    if (!def) throw new Error(`no queue ${queue}`);
    for (const body of bodies) {
      const run = this.deliver(def, body).finally(() => this.pending.delete(run));
      this.pending.add(run);
    }
  }

  private async deliver(def: QueueDef, body: unknown): Promise<void> {
    const handler = await handlerOf(this.root, def.handler);
    const messageId = randomUUID();
    for (let receive = 1; receive <= def.maxReceiveCount; receive++) {
      if (receive > 1) await new Promise((r) => setTimeout(r, this.retryAfterMs));
      else await new Promise((r) => setImmediate(r));
      const event = sqsEvent(def.name, messageId, body, receive);
      try {
        const out = (await handler(event, lambdaContext(`local-${def.name}`, def.timeoutSeconds ?? 30))) as
          | SQSBatchResponse
          | undefined;
        if (!out?.batchItemFailures?.some((f) => f.itemIdentifier === messageId)) return;
        this.log(`[queue] ${def.name}: message failed (receive ${receive}/${def.maxReceiveCount})`);
      } catch (error) {
        this.log(
          `[queue] ${def.name}: consumer failed (receive ${receive}/${def.maxReceiveCount}): ${(error as Error).message}`,
        );
      }
    }
    this.deadLetters.push({
      queue: def.name,
      body,
      receives: def.maxReceiveCount,
      at: new Date().toISOString(),
    });
    this.log(`[queue] ${def.name}: message dead-lettered after ${def.maxReceiveCount} receives`);
  }

  /** Resolves once every message sent so far is delivered or dead-lettered. */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}

function sqsEvent(queue: string, messageId: string, body: unknown, receive: number): SQSEvent {
  return {
    Records: [
      {
        messageId,
        receiptHandle: `${messageId}-${receive}`,
        body: JSON.stringify(body),
        attributes: {
          ApproximateReceiveCount: String(receive),
          SentTimestamp: String(Date.now()),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(Date.now()),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: `arn:aws:sqs:local:000000000000:${queue}`,
        awsRegion: process.env.AWS_REGION ?? 'local',
      },
    ],
  };
}
