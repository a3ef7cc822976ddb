// Local mode's EventBridge Scheduler: one-time timers that call the timer's handler (shared/platform/timers.ts)
// with its payload when due. 'real' timers run on setTimeout (npm start); 'manual' ones wait until a test
// (or the bench) moves the clock with runDue(), so an acknowledgement window needs no real minute.
import { findTimer, type TimerName, type Timers } from '#shared/platform/timers.ts';
import { lambdaContext } from './lambda-context.ts';
import { handlerOf } from './modules.ts';

interface Pending {
  timer: TimerName;
  id: string;
  at: number;
  payload: unknown;
  handle?: NodeJS.Timeout;
}

export class LocalTimers implements Timers {
  private readonly timers = new Map<string, Pending>();
  private readonly running = new Set<Promise<unknown>>();
  readonly fired: { timer: TimerName; id: string; ok: boolean }[] = [];

  constructor(
    private readonly root: string,
    private readonly mode: 'real' | 'manual' = 'real',
    private readonly log: (line: string) => void = console.log,
  ) {}

  async start(timer: TimerName, id: string, at: Date, payload: unknown): Promise<void> {
    const key = `${timer}-${id}`;
    if (this.timers.has(key)) return;
    const pending: Pending = { timer, id, at: at.getTime(), payload };
    if (this.mode === 'real') {
      pending.handle = setTimeout(() => this.fire(key), Math.max(0, at.getTime() - Date.now()));
      pending.handle.unref?.();
    }
    this.timers.set(key, pending);
  }

  async cancel(timer: TimerName, id: string): Promise<void> {
    const key = `${timer}-${id}`;
    clearTimeout(this.timers.get(key)?.handle);
    this.timers.delete(key);
  }

  /** Timers not yet fired, soonest first. */
  pending(): { timer: TimerName; id: string; at: Date }[] {
    return [...this.timers.values()]
      .sort((a, b) => a.at - b.at)
      .map((p) => ({ timer: p.timer, id: p.id, at: new Date(p.at) }));
  }

  /** Fires every timer due by `now` (manual mode), and waits for their handlers. */
  async runDue(now: Date): Promise<number> {
    const due = [...this.timers.entries()].filter(([, p]) => p.at <= now.getTime()).map(([k]) => k);
    await Promise.all(due.map((k) => this.fire(k)));
    return due.length;
  }

  private fire(key: string): Promise<unknown> {
    const p = this.timers.get(key);
    if (!p) return Promise.resolve();
    this.timers.delete(key);
    const def = findTimer(p.timer);
    const run = (async () => {
      try {
        const handler = await handlerOf(this.root, def!.handler);
        // Due now: a real timer fires on time, and a manual one when the test says the time has come.
        const event = { ...(p.payload as object), dueAt: new Date(Math.min(p.at, Date.now())).toISOString() };
        await handler(event, lambdaContext(`local-${p.timer}`, def?.timeoutSeconds ?? 30));
        this.fired.push({ timer: p.timer, id: p.id, ok: true });
      } catch (error) {
        this.fired.push({ timer: p.timer, id: p.id, ok: false });
        this.log(`[timers] ${p.timer} ${p.id} failed: ${(error as Error).message}`);
      }
    })();
    this.running.add(run);
    run.finally(() => this.running.delete(run));
    return run;
  }

  /** Stops every real timer (server shutdown) and waits for handlers already running. */
  async stop(): Promise<void> {
    for (const p of this.timers.values()) clearTimeout(p.handle);
    this.timers.clear();
    while (this.running.size) await Promise.allSettled([...this.running]);
  }
}
