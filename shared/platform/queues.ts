// The one set of work queues: the CDK stack makes an SQS queue (with a dead-letter queue) and a consumer
// function of each, and local mode's in-process queue delivers to the very same handler modules with the same
// retry budget. Producers send through `enqueue`, which is SQS in AWS and swapped for the local queue.
import {
  ChangeMessageVisibilityCommand,
  SendMessageBatchCommand,
  SendMessageCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import type { Grants } from './routes.ts';

export const QUEUE_NAMES = ['alerts', 'sms'] as const;
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
  /**
   * The setting (shared/platform/config.ts) that says how many consumer instances may run at most: the function's
   * reserved concurrency and the event source's maximum concurrency (so SQS never hands a throttled function
   * messages, which would count as receives). Unset = the account's unreserved pool.
   */
  concurrencySetting?: 'SMS_SENDER_CONCURRENCY';
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
  {
    name: 'sms',
    description:
      'Send one reminder SMS: at its hour and outside quiet hours, never to an opted-out number, within the ' +
      "month's budget and the account's SMS rate; record its state",
    handler: 'functions/reminder/send-sms.ts',
    grants: { reminders: 'readWrite', notify: true, topics: ['city_admins'], queues: ['sms'] },
    // Deferrals (quiet hours, the send hour) are receives too; tries are counted on the fire item instead
    // (SMS_MAX_ATTEMPTS), and a reminder that used them up is dead-lettered by the sender with its reason.
    maxReceiveCount: 20,
    retryAfterSeconds: 120,
    batchSize: 10,
    // Each instance keeps to its share of the account's SMS rate (SMS_RATE_PER_SECOND / SMS_SENDER_CONCURRENCY).
    concurrencySetting: 'SMS_SENDER_CONCURRENCY',
    timeoutSeconds: 20,
  },
];

/** The environment variable that carries a queue's URL: alerts → QUEUE_ALERTS_URL. */
export const queueEnvVar = (queue: QueueName) => `QUEUE_${queue.toUpperCase()}_URL`;
/** The environment variable that carries a queue's dead-letter queue URL: sms → QUEUE_SMS_DLQ_URL. */
export const deadLetterEnvVar = (queue: QueueName) => `QUEUE_${queue.toUpperCase()}_DLQ_URL`;

export interface Queue {
  /** Sends each body (JSON) as one message; resolves once all are accepted. */
  send(queue: QueueName, bodies: unknown[]): Promise<void>;
  /**
   * Keeps a received message hidden for `seconds` (SQS: ChangeMessageVisibility, at most 12 hours). The consumer
   * then reports the record failed, and the message comes back when the time is up.
   */
  defer(queue: QueueName, receiptHandle: string, seconds: number): Promise<void>;
  /** Puts a message on the queue's dead-letter queue with the reason it could not be done. */
  deadLetter(queue: QueueName, body: unknown, reason: string): Promise<void>;
}

/** SQS's longest visibility timeout. */
export const MAX_DEFER_SECONDS = 12 * 3600;

const urlOf = (envVar: string) => {
  const url = process.env[envVar];
  if (!url) throw new Error(`${envVar} is not set`);
  return url;
};

let client: SQSClient | undefined;

const sqs: Queue = {
  async send(queue, bodies) {
    const url = urlOf(queueEnvVar(queue));
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
  async defer(queue, receiptHandle, seconds) {
    client ??= new SQSClient({});
    await client.send(
      new ChangeMessageVisibilityCommand({
        QueueUrl: urlOf(queueEnvVar(queue)),
        ReceiptHandle: receiptHandle,
        VisibilityTimeout: Math.max(0, Math.min(MAX_DEFER_SECONDS, Math.ceil(seconds))),
      }),
    );
  },
  async deadLetter(queue, body, reason) {
    client ??= new SQSClient({});
    await client.send(
      new SendMessageCommand({
        QueueUrl: urlOf(deadLetterEnvVar(queue)),
        MessageBody: JSON.stringify(body),
        MessageAttributes: { reason: { DataType: 'String', StringValue: reason.slice(0, 1000) } },
      }),
    );
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

/** See Queue.defer. */
export function deferMessage(queue: QueueName, receiptHandle: string, seconds: number): Promise<void> {
  return (override ?? sqs).defer(queue, receiptHandle, seconds);
}

/** See Queue.deadLetter. */
export function deadLetter(queue: QueueName, body: unknown, reason: string): Promise<void> {
  return (override ?? sqs).deadLetter(queue, body, reason);
}

export function findQueue(name: string): QueueDef | undefined {
  return QUEUES.find((q) => q.name === name);
}
