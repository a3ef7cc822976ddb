// One work queue of shared/platform/queues.ts: an SQS queue whose failed messages are retried after a pause and,
// after the last try, kept in a dead-letter queue; both encrypted with the queue's own key and reached over TLS.
import { Duration, RemovalPolicy, Validations } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Queue, QueueEncryption } from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { QueueDef } from '#shared/platform/queues.ts';
import type { AppFunction } from './app-function.ts';

export class WorkQueue extends Construct {
  readonly key: Key;
  readonly queue: Queue;
  readonly deadLetters: Queue;
  private readonly def: QueueDef;

  constructor(scope: Construct, id: string, def: QueueDef) {
    super(scope, id);
    this.def = def;
    this.key = new Key(this, 'Key', {
      description: `Encrypts the SehatKota ${def.name} queue and its dead-letter queue`,
      enableKeyRotation: true,
      removalPolicy: RemovalPolicy.RETAIN,
    });
    const encrypted = {
      encryption: QueueEncryption.KMS,
      encryptionMasterKey: this.key,
      enforceSSL: true,
    };
    this.deadLetters = new Queue(this, 'DeadLetters', {
      ...encrypted,
      // SQS's longest: time to find out why a message failed and send it again.
      retentionPeriod: Duration.days(14),
    });
    Validations.of(this.deadLetters).acknowledge(
      {
        id: 'AwsSolutions-SQS3',
        reason: `This is the dead-letter queue of the ${def.name} queue; its messages are not consumed, only kept.`,
      },
      {
        id: 'Serverless-SQSRedrivePolicy',
        reason:
          `This is the dead-letter queue of the ${def.name} queue: the end of the line, redriven to the queue ` +
          'by hand once the cause is fixed.',
      },
    );
    this.queue = new Queue(this, 'Queue', {
      ...encrypted,
      // A failed message becomes visible again, and is retried, once this has passed.
      visibilityTimeout: Duration.seconds(def.retryAfterSeconds),
      deadLetterQueue: { queue: this.deadLetters, maxReceiveCount: def.maxReceiveCount },
    });
  }

  /**
   * The consumer: batches of the queue's messages; failed records (batchItemFailures) alone are retried. With a
   * concurrency (the consumer's reserved concurrency), SQS is polled by no more than that many at once.
   */
  consumeWith(consumer: AppFunction, concurrency?: number): void {
    Validations.of(consumer.function).acknowledge({
      id: 'Serverless-LambdaEventSourceMappingDestination',
      reason:
        `Lambda takes no on-failure destination for an SQS event source; the ${this.def.name} queue's redrive ` +
        `policy moves a message to its dead-letter queue after ${this.def.maxReceiveCount} deliveries instead.`,
    });
    consumer.function.addEventSource(
      new SqsEventSource(this.queue, {
        batchSize: this.def.batchSize,
        reportBatchItemFailures: true,
        ...(concurrency ? { maxConcurrency: concurrency } : {}),
      }),
    );
  }
}
