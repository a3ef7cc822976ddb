// The one set of work queues: the CDK stack makes an SQS queue (with a dead-letter queue) and a consumer
// function of each, and local mode's in-process queue delivers to the very same handler modules with the same
// retry budget. Producers send through `enqueue`, which is SQS in AWS and swapped for the local queue.
import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { Grants } from './routes.ts';

export const QUEUE_NAMES = ['alerts'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

export interface QueueDef {
  name: QueueName;
  description: string;
  /** The consumer; it gets an SQSEvent and answers an SQSBatchResponse (failed records are retried). */
  handler: string;
  grants: Grants;
  /** Deliveries of one message before it goes to the dead-letter queue. */
  maxReceiveCount: number;
  /** Seconds a failed message waits before it is delivered again (SQS: the visibility timeout). */
  retryAfterSeconds: number;
  batchSize: number;
  timeoutSeconds?: number;
  memoryMb?: number;
}

export const QUEUES: readonly QueueDef[] = [
  {
    name: 'alerts',
    description:
      "Deliver a 112 alert (the unit's SMS, the responders' or supervisors' topic) and record its state",
    handler: 'functions/incident/send-alert.ts',
    grants: {
      incidents: 'readWrite',
      notify: true,
      topics: [
        'supervisors',
        'responders_ambulance',
        'responders_fire',
        'responders_police',
        'responders_rescue',
      ],
    },
    maxReceiveCount: 5,
    // The sender retries a failed publish itself within the invocation; SQS's redelivery is for outages.
    // At least six times the function's timeout, as AWS advises for a Lambda event source.
    retryAfterSeconds: 60,
    batchSize: 10,
    timeoutSeconds: 10,
  },
];

/** The environment variable that carries a queue's URL: alerts → QUEUE_ALERTS_URL. */
export const queueEnvVar = (queue: QueueName) => `QUEUE_${queue.toUpperCase()}_URL`;

export interface Queue {
  /** Sends each body (JSON) as one message; resolves once all are accepted. */
  send(queue: QueueName, bodies: unknown[]): Promise<void>;
}

let client: SQSClient | undefined;

const sqs: Queue = {
  async send(queue, bodies) {
    const url = process.env[queueEnvVar(queue)];
    if (!url) throw new Error(`${queueEnvVar(queue)} is not set`);
    client ??= new SQSClient({});
    // SendMessageBatch takes at most 10 messages a call.
    for (let i = 0; i < bodies.length; i += 10) {
      const batch = bodies.slice(i, i + 10);
      const out = await client.send(
        new SendMessageBatchCommand({
          QueueUrl: url,
          Entries: batch.map((body, j) => ({ Id: String(j), MessageBody: JSON.stringify(body) })),
        }),
      );
      if (out.Failed?.length) {
        throw new Error(
          `SQS refused ${out.Failed.length} message(s): ${out.Failed.map((f) => f.Code).join(', ')}`,
        );
      }
    }
  },
};

let override: Queue | undefined;

export function setQueue(queue: Queue | undefined): void {
  override = queue;
}

export function enqueue(queue: QueueName, bodies: unknown[]): Promise<void> {
  if (bodies.length === 0) return Promise.resolve();
  return (override ?? sqs).send(queue, bodies);
}

export function findQueue(name: string): QueueDef | undefined {
  return QUEUES.find((q) => q.name === name);
}
