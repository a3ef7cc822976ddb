// One stage of the pipeline (dev, prod): the SehatKota stack in the stage's account and region with the stage's
// settings and sign-in domain, and the stage's people subscribed to their topics (supervisors by SMS, the
// engineers who run it by e-mail).
import { Stage, type StageProps, Validations } from 'aws-cdk-lib';
import type { Subscription } from 'aws-cdk-lib/aws-sns';
import { EmailSubscription, SmsSubscription } from 'aws-cdk-lib/aws-sns-subscriptions';
import type { Construct } from 'constructs';
import { SehatKotaStack } from '../stack.ts';
import type { StageConfig } from './config.ts';

export interface SehatKotaStageProps extends Omit<StageProps, 'env'> {
  config: StageConfig;
}

/** Why these subscriptions have no dead-letter queue (Serverless-SNSRedrivePolicy). */
const NO_REDRIVE =
  'SNS retries SMS and e-mail deliveries itself (50 attempts over 6 hours); a 112 escalation or an alarm redriven ' +
  'from a queue after that would reach a person too late to act on, so nobody would ever redrive it.';

export class SehatKotaStage extends Stage {
  readonly stack: SehatKotaStack;
  /** By phone number: the supervisors' SMS subscriptions to the `supervisors` topic. */
  readonly supervisorSubscriptions = new Map<string, Subscription>();
  /** By address: the operations engineers' e-mail subscriptions to the `operations` topic. */
  readonly operationsSubscriptions = new Map<string, Subscription>();

  constructor(scope: Construct, id: string, props: SehatKotaStageProps) {
    const { config, ...stageProps } = props;
    super(scope, id, { ...stageProps, env: { account: config.account, region: config.region } });
    this.stack = new SehatKotaStack(this, 'SehatKota', {
      // The name a stack deployed by hand has: the pipeline takes over an existing SehatKota stack (and its
      // retained tables) instead of colliding with it. A stage has its account to itself (config.ts).
      stackName: 'SehatKota',
      description: `SehatKota: a city's community health programme (${id})`,
      settings: config.settings,
      authDomainPrefix: config.authDomainPrefix,
      ...(config.firstAdmin ? { firstAdmin: config.firstAdmin } : {}),
    });
    const { supervisors, operations } = this.stack.topics;
    for (const phone of config.supervisorPhones) {
      const subscription = supervisors.addSubscription(new SmsSubscription(phone));
      Validations.of(subscription).acknowledge({ id: 'Serverless-SNSRedrivePolicy', reason: NO_REDRIVE });
      this.supervisorSubscriptions.set(phone, subscription);
    }
    for (const address of config.operationsEmails) {
      // Each address confirms its subscription from the e-mail SNS sends it once deployed.
      const subscription = operations.addSubscription(new EmailSubscription(address));
      Validations.of(subscription).acknowledge({ id: 'Serverless-SNSRedrivePolicy', reason: NO_REDRIVE });
      this.operationsSubscriptions.set(address, subscription);
    }
  }
}
