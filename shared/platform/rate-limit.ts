// A sliding-window rate limiter: at most `limit` acquisitions in any window of `windowMs` (SNS's SMS quota is
// per second, so a token bucket's burst would break it). Callers are served first come, first served; the clock
// is injectable so tests run minutes of sending in simulated time. Also the reminder sender's shared instance.
import { config } from './config.ts';

export interface Clock {
  /** Milliseconds on a clock that never goes back. */
  now(): number;
  sleep(ms: number): Promise<void>;
}

export const realClock: Clock = {
  // Monotonic: a wall-clock step (NTP, a test's fake Date) must not open or close the window.
  now: () => performance.now(),
  sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
};

export class RateLimiter {
  /** When the latest grants were made, oldest first; never more than `limit` of them. */
  private readonly granted: number[] = [];
  private tail: Promise<void> = Promise.resolve();

  constructor(
    readonly limit: number,
    readonly windowMs = 1000,
    private readonly clock: Clock = realClock,
  ) {
    if (!Number.isInteger(limit) || limit < 1)
      throw new Error(`rate limit must be a whole number ≥ 1: ${limit}`);
    if (!(windowMs > 0)) throw new Error(`rate window must be positive: ${windowMs}`);
  }

  /** Resolves when the caller may go: after every earlier caller, and within the limit. */
  acquire(): Promise<void> {
    const turn = this.tail.then(() => this.take());
    // A failed turn (a broken clock) must not block everyone queued behind it.
    this.tail = turn.catch(() => undefined);
    return turn;
  }

  private async take(): Promise<void> {
    for (;;) {
      const now = this.clock.now();
      // The grant `limit` places back must be a whole window old: then no window holds more than `limit`.
      const oldest = this.granted.length < this.limit ? undefined : this.granted[0]!;
      if (oldest === undefined || now - oldest >= this.windowMs) {
        this.granted.push(now);
        if (this.granted.length > this.limit) this.granted.shift();
        return;
      }
      await this.clock.sleep(oldest + this.windowMs - now);
    }
  }
}

/**
 * A limiter for `perSecond` acquisitions a second, which may be a fraction (a shared rate split between
 * instances): the whole part per second, or one per 1/rate seconds below one a second. Rounding down keeps the
 * instances together within the account's rate.
 */
export function perSecondLimiter(perSecond: number, clock: Clock = realClock, marginMs = 0): RateLimiter {
  if (!(perSecond > 0)) throw new Error(`rate must be positive: ${perSecond}`);
  return perSecond >= 1
    ? new RateLimiter(Math.floor(perSecond), 1000 + marginMs, clock)
    : new RateLimiter(1, Math.ceil(1000 / perSecond) + marginMs, clock);
}

/**
 * Added to the SMS limiter's window: a grant is counted when it is made, the publish reaches SNS a few
 * milliseconds later and not always as quickly, so SNS's own one-second count never sees one more than the rate.
 */
export const SMS_WINDOW_MARGIN_MS = 20;

let sms: RateLimiter | undefined;

/** The reminder sender's limiter: this instance's share of the account's SMS rate. */
export function smsRateLimiter(): RateLimiter {
  const { SMS_RATE_PER_SECOND, SMS_SENDER_CONCURRENCY } = config();
  sms ??= perSecondLimiter(SMS_RATE_PER_SECOND / SMS_SENDER_CONCURRENCY, realClock, SMS_WINDOW_MARGIN_MS);
  return sms;
}

/** Tests: a fresh limiter (with their clock) on the next use, or the one they give. */
export function setSmsRateLimiter(limiter: RateLimiter | undefined): void {
  sms = limiter;
}
