// Local mode's SQS: each message goes to its queue's consumer (shared/platform/queues.ts) as a one-record
// SQSEvent right after the sender's request, and a failed record is delivered again after a short wait (SQS:
// the visibility timeout) until the queue's maxReceiveCount, then it lands among the dead letters. A consumer may
// defer a message it received (it comes back after the seconds it asked for, which may be hours: the timer does
// not keep the process alive) or dead-letter one itself with the reason.
import { randomUUID } from 'node:crypto';
import type { SQSBatchResponse, SQSRecord } from 'aws-lambda';
import {
  findQueue,
  MAX_DEFER_SECONDS,
  type Queue,
  type QueueDef,
  type QueueName,
} from '#shared/platform/queues.ts';
import { lambdaContext } from './lambda-context.ts';
import { handlerOf } from './modules.ts';

export interface DeadLetter {
  queue: QueueName;
  body: unknown;
  /** Receives before the queue moved it; none when the consumer dead-lettered it itself. */
  receives?: number;
  at: string;
  /** Why the consumer gave it up (its own dead-lettering). */
  reason?: string;
}

interface Message {
  def: QueueDef;
  id: string;
  body: unknown;
  receives: number;
}

interface Deferred {
  message: Message;
  until: number;
  timer: NodeJS.Timeout;
}

export class InProcessQueue implements Queue {
  private readonly pending = new Set<Promise<void>>();
  /** Receipt handles of the receives being handled now, with the deferral the consumer asked for. */
  private readonly inFlight = new Map<string, { deferSeconds?: number }>();
  private readonly waiting = new Map<string, Deferred>();
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
    for (const body of bodies) this.track({ def, id: randomUUID(), body, receives: 0 });
  }

  async defer(queue: QueueName, receiptHandle: string, seconds: number): Promise<void> {
    const receipt = this.inFlight.get(receiptHandle);
    // SQS refuses a handle whose receive is over (the message was deleted, or is visible again).
    if (!receipt) throw new Error(`ReceiptHandleIsInvalid: ${queue} ${receiptHandle}`);
    receipt.deferSeconds = Math.max(0, Math.min(MAX_DEFER_SECONDS, Math.ceil(seconds)));
  }

  async deadLetter(queue: QueueName, body: unknown, reason: string): Promise<void> {
    this.deadLetters.push({ queue, body, at: new Date().toISOString(), reason });
    this.log(`[queue] ${queue}: message dead-lettered by its consumer: ${reason}`);
  }

  private track(message: Message): void {
    const run = this.deliver(message)
      .catch((error) => this.log(`[queue] ${message.def.name}: delivery broke: ${(error as Error).message}`))
      .finally(() => this.pending.delete(run));
    this.pending.add(run);
  }

  /** Receives a message (now: it is new, or its deferral is over) until it is done, deferred or dead. */
  private async deliver(m: Message): Promise<void> {
    const { def } = m;
    const handler = await handlerOf(this.root, def.handler);
    for (let tries = 0; m.receives < def.maxReceiveCount; tries++) {
      if (tries > 0) await new Promise((r) => setTimeout(r, this.retryAfterMs));
      else await new Promise((r) => setImmediate(r));
      m.receives++;
      const receiptHandle = `${m.id}-${m.receives}`;
      const receipt: { deferSeconds?: number } = {};
      this.inFlight.set(receiptHandle, receipt);
      let failed: boolean;
      try {
        const out = (await handler(
          { Records: [sqsRecord(def.name, m, receiptHandle)] },
          lambdaContext(`local-${def.name}`, def.timeoutSeconds ?? 30),
        )) as SQSBatchResponse | undefined;
        failed = !!out?.batchItemFailures?.some((f) => f.itemIdentifier === m.id);
        if (failed && receipt.deferSeconds === undefined) {
          this.log(`[queue] ${def.name}: message failed (receive ${m.receives}/${def.maxReceiveCount})`);
        }
      } catch (error) {
        failed = true;
        this.log(
          `[queue] ${def.name}: consumer failed (receive ${m.receives}/${def.maxReceiveCount}): ${(error as Error).message}`,
        );
      } finally {
        this.inFlight.delete(receiptHandle);
      }
      if (!failed) return;
      if (receipt.deferSeconds !== undefined) {
        // Deferred, not failed: it waits outside `pending`, so drain() does not wait hours for it.
        this.wait(m, receipt.deferSeconds);
        return;
      }
    }
    // As SQS: a message received maxReceiveCount times (deferrals included) goes on its next receive.
    this.deadLetters.push({
      queue: def.name,
      body: m.body,
      receives: m.receives,
      at: new Date().toISOString(),
    });
    this.log(`[queue] ${def.name}: message dead-lettered after ${m.receives} receives`);
  }

  private wait(message: Message, seconds: number): void {
    const timer = setTimeout(() => this.release(message.id), seconds * 1000);
    // A message deferred till morning must not keep `npm start` (or a test run) from ending.
    timer.unref();
    this.waiting.set(message.id, { message, until: Date.now() + seconds * 1000, timer });
    this.log(`[queue] ${message.def.name}: message deferred ${seconds} s`);
  }

  private release(id: string): boolean {
    const d = this.waiting.get(id);
    if (!d) return false;
    clearTimeout(d.timer);
    this.waiting.delete(id);
    this.track(d.message);
    return true;
  }

  /** Messages a consumer deferred, soonest first. */
  deferred(): { queue: QueueName; body: unknown; until: Date }[] {
    return [...this.waiting.values()]
      .sort((a, b) => a.until - b.until)
      .map((d) => ({ queue: d.message.def.name, body: d.message.body, until: new Date(d.until) }));
  }

  /** Delivers the deferred messages due by `now` (every one by default) at once; how many. */
  releaseDeferred(now = Number.POSITIVE_INFINITY): number {
    const due = [...this.waiting.values()].filter((d) => d.until <= now).map((d) => d.message.id);
    for (const id of due) this.release(id);
    return due.length;
  }

  /** Resolves once every message sent so far is delivered, dead-lettered or deferred. */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }

  /** Forgets the deferred messages (a stopping server; their timers would find DynamoDB gone). */
  stop(): void {
    for (const d of this.waiting.values()) clearTimeout(d.timer);
    this.waiting.clear();
  }
}

/** One SQS record as Lambda's event source hands it to a consumer (local mode, tests, the bench). */
export function sqsRecord(
  queue: string,
  m: { id: string; body: unknown; receives?: number },
  receiptHandle = `rh-${m.id}`,
): SQSRecord {
  return {
    messageId: m.id,
    receiptHandle,
    body: JSON.stringify(m.body),
    attributes: {
      ApproximateReceiveCount: String(m.receives ?? 1),
      SentTimestamp: String(Date.now()),
      SenderId: 'local',
      ApproximateFirstReceiveTimestamp: String(Date.now()),
    },
    messageAttributes: {},
    md5OfBody: '',
    eventSource: 'aws:sqs',
    eventSourceARN: `arn:aws:sqs:local:000000000000:${queue}`,
    awsRegion: process.env.AWS_REGION ?? 'local',
  };
}
