// Local mode's SNS: every SMS lands in an outbox (newest first at GET /dev/outbox), kept in
// .data/outbox.jsonl across restarts, and echoed to the console with the number masked.
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

export class Outbox implements Notifier {
  private readonly entries: OutboxEntry[] = [];
  private readonly listeners = new Set<(entry: OutboxEntry) => void>();

  constructor(
    private readonly file?: string,
    private readonly echo = true,
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
