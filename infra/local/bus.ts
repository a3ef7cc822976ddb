// Local mode's EventBridge: routes each event by the same rules as the CDK stack (event-rules.ts) to the
// same handler modules, after the publisher's request has returned, retrying failures as Lambda would.
import { randomUUID } from 'node:crypto';
import type { AppEvent, EventBus } from '#shared/platform/bus.ts';
import { EVENT_RULES, matches } from '#shared/platform/event-rules.ts';
import { lambdaContext } from './lambda-context.ts';
import { handlerOf } from './modules.ts';

export class InProcessBus implements EventBus {
  private readonly pending = new Set<Promise<void>>();
  readonly delivered: { rule: string; detailType: string; ok: boolean }[] = [];

  constructor(
    private readonly root: string,
    private readonly log: (line: string) => void = console.log,
  ) {}

  async publish(events: AppEvent[]): Promise<void> {
    for (const e of events)
      this.dispatch({ source: e.source, 'detail-type': e.detailType, detail: e.detail });
  }

  /** Also takes AWS service events (S3 Object Created) as the default bus would. */
  dispatch(event: { source: string; 'detail-type': string; detail: Record<string, unknown> }): void {
    const bus = event.source.startsWith('aws.') ? 'default' : 'app';
    const full = {
      version: '0',
      id: randomUUID(),
      account: '000000000000',
      region: process.env.AWS_REGION ?? 'local',
      time: new Date().toISOString(),
      resources: [],
      ...event,
    };
    for (const rule of EVENT_RULES) {
      if (rule.bus !== bus || !matches(rule.pattern, event)) continue;
      const run = this.deliver(rule.name, rule.handler, full, rule.timeoutSeconds).finally(() =>
        this.pending.delete(run),
      );
      this.pending.add(run);
    }
  }

  private async deliver(
    rule: string,
    handlerFile: string,
    event: unknown,
    timeoutSeconds = 30,
  ): Promise<void> {
    const loaded = handlerOf(this.root, handlerFile);
    await new Promise((r) => setImmediate(r));
    // An asynchronous Lambda invocation is tried three times in all.
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await (await loaded)(event, lambdaContext(`local-${rule}`, timeoutSeconds));
        this.delivered.push({
          rule,
          detailType: (event as { 'detail-type': string })['detail-type'],
          ok: true,
        });
        return;
      } catch (error) {
        this.log(`[bus] ${rule} failed (attempt ${attempt}/3): ${(error as Error).message}`);
      }
    }
    this.delivered.push({ rule, detailType: (event as { 'detail-type': string })['detail-type'], ok: false });
  }

  /** Resolves once every event published so far has been handled (tests, the job command). */
  async drain(): Promise<void> {
    while (this.pending.size) await Promise.allSettled([...this.pending]);
  }
}
