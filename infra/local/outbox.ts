// Local mode's SNS: every SMS lands in an outbox (newest first at GET /dev/outbox), kept in
// .data/outbox.jsonl across restarts, and echoed to the console with the number masked. It also plays SNS's own
// SMS opt-out list (in memory only): numbers added by carrierOptOut(), listed page by page, taken off by optIn().
import { randomUUID } from 'node:crypto';
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import type { Notifier, SmsMessage, StaffMessage } from '#shared/platform/notifier.ts';
import { smsLength } from '#shared/platform/sms-text.ts';
import { maskPhone } from '#shared/registry/phone.ts';

export interface SmsEntry extends SmsMessage {
  id: string;
  channel: 'sms';
  at: string;
  encoding: string;
  parts: number;
}

/** What an SNS topic's e-mail subscribers would get. */
export interface TopicEntry extends StaffMessage {
  id: string;
  channel: 'topic';
  at: string;
}

export type OutboxEntry = SmsEntry | TopicEntry;

/** SNS lets a number be opted back in once per 30 days. */
const OPT_IN_INTERVAL_MS = 30 * 86_400_000;

export class Outbox implements Notifier {
  private readonly entries: OutboxEntry[] = [];
  private readonly listeners = new Set<(entry: OutboxEntry) => void>();
  private readonly carrierOptedOut = new Set<string>();
  private readonly optedInAt = new Map<string, number>();

  /**
   * @param optOutPageSize numbers per listOptedOut page (SNS gives 100; tests make it small to exercise paging)
   */
  constructor(
    private readonly file?: string,
    private readonly echo = true,
    public optOutPageSize = 100,
  ) {
    if (file && existsSync(file)) {
      for (const line of readFileSync(file, 'utf8').split('\n'))
        if (line.trim()) this.entries.push(JSON.parse(line));
    }
  }

  async sendSms(message: SmsMessage): Promise<{ messageId: string }> {
    const length = smsLength(message.text);
    const entry: SmsEntry = {
      id: randomUUID(),
      channel: 'sms',
      at: new Date().toISOString(),
      ...message,
      encoding: length.encoding,
      parts: length.parts,
    };
    this.record(entry);
    if (this.echo)
      console.log(`[outbox] SMS to ${maskPhone(message.phone)} (${message.purpose}): ${message.text}`);
    return { messageId: entry.id };
  }

  async notifyStaff(message: StaffMessage): Promise<{ messageId: string }> {
    const entry: TopicEntry = {
      id: randomUUID(),
      channel: 'topic',
      at: new Date().toISOString(),
      ...message,
    };
    this.record(entry);
    if (this.echo) console.log(`[outbox] topic ${message.topic}: ${message.subject}`);
    return { messageId: entry.id };
  }

  /** Puts numbers (E.164) on the carrier's opt-out list, as if the citizen had opted out with SNS directly. */
  carrierOptOut(...phones: string[]): void {
    for (const phone of phones) this.carrierOptedOut.add(phone);
  }

  /** The carrier's opt-out list, sorted. */
  carrierOptedOutNumbers(): string[] {
    return [...this.carrierOptedOut].sort();
  }

  async listOptedOut(nextToken?: string): Promise<{ phones: string[]; nextToken?: string }> {
    // The token is the offset into the sorted list, as opaque to callers as SNS's own.
    const start = nextToken ? Number.parseInt(nextToken, 10) : 0;
    if (!Number.isInteger(start) || start < 0) throw new Error('Invalid nextToken');
    const all = this.carrierOptedOutNumbers();
    const end = start + Math.max(1, this.optOutPageSize);
    return { phones: all.slice(start, end), ...(end < all.length ? { nextToken: String(end) } : {}) };
  }

  async optIn(phone: string): Promise<void> {
    const last = this.optedInAt.get(phone);
    if (last !== undefined && Date.now() - last < OPT_IN_INTERVAL_MS) {
      // What SNS answers to a second opt-in within 30 days.
      const error = new Error('Phone number can only be opted in once every 30 days');
      error.name = 'InvalidParameterException';
      throw error;
    }
    this.optedInAt.set(phone, Date.now());
    this.carrierOptedOut.delete(phone);
    if (this.echo) console.log(`[outbox] opted in ${maskPhone(phone)} with the carrier`);
  }

  /** Called with each entry as it lands (the bench times alerts by it); returns the unsubscribe. */
  listen(fn: (entry: OutboxEntry) => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  private record(entry: OutboxEntry): void {
    this.entries.push(entry);
    for (const fn of this.listeners) fn(entry);
    if (this.file) appendFileSync(this.file, `${JSON.stringify(entry)}\n`);
  }

  /** Newest first. */
  list(limit = 100): OutboxEntry[] {
    return this.entries.slice(-limit).reverse();
  }
}
