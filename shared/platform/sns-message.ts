// Messages SNS delivers to an HTTP(S) subscription: the JSON envelope, its checks (the expected topic, a fresh
// timestamp, a signing certificate from an SNS host, the RSA signature over AWS's canonical string), and the
// confirmation of a new subscription. The certificate is fetched once per URL and kept for the warm Lambda.
import { createPublicKey, type KeyObject, verify } from 'node:crypto';
import * as z from 'zod/mini';
import { Forbidden, ValidationError } from './errors.ts';
import { toIssues } from './http.ts';

export const snsEnvelopeSchema = z.object({
  Type: z.enum(['Notification', 'SubscriptionConfirmation', 'UnsubscribeConfirmation']),
  MessageId: z.string().check(z.minLength(1)),
  TopicArn: z.string().check(z.minLength(1)),
  Message: z.string(),
  Timestamp: z.string().check(z.minLength(1)),
  SignatureVersion: z.enum(['1', '2']),
  Signature: z.string().check(z.minLength(1)),
  SigningCertURL: z.string().check(z.minLength(1)),
  Subject: z.optional(z.nullable(z.string())),
  SubscribeURL: z.optional(z.string()),
  Token: z.optional(z.string()),
  UnsubscribeURL: z.optional(z.string()),
});
export type SnsEnvelope = z.infer<typeof snsEnvelopeSchema>;

/** Something that GETs a URL and answers the body (global fetch in AWS; tests inject their own). */
export type SnsFetch = (url: string) => Promise<string>;

export interface VerifyOptions {
  /** The only topic whose messages are accepted. */
  topicArn: string;
  now?: Date;
  /** Older messages are refused (a replayed capture); SNS retries within the hour by default. */
  maxAgeMs?: number;
}

const HOUR_MS = 3_600_000;
// SNS's clock and ours may disagree a little; more than this ahead is not a message SNS sent.
const FUTURE_SKEW_MS = 5 * 60_000;
const MAX_CERT_BYTES = 64 * 1024;
const MAX_CACHED_CERTS = 20;
const SNS_HOST = /^sns\.[a-z]{2}(-[a-z]+)+-\d\.amazonaws\.com$/;

/** Does it look like an SNS delivery (rather than the bare message a developer posts)? */
export function isSnsEnvelope(input: unknown): boolean {
  return typeof input === 'object' && input !== null && 'Type' in input;
}

/** The envelope, or a 400 naming the field that is wrong or missing. */
export function parseSnsEnvelope(input: unknown): SnsEnvelope {
  const result = z.safeParse(snsEnvelopeSchema, input);
  if (!result.success) throw new ValidationError(toIssues(result.error));
  const m = result.data;
  if (m.Type !== 'Notification') {
    // Both confirmations sign these two fields, so a message without them cannot be checked.
    if (!m.SubscribeURL) throw ValidationError.field('SubscribeURL', `Required in a ${m.Type}`);
    if (!m.Token) throw ValidationError.field('Token', `Required in a ${m.Type}`);
  }
  return m;
}

/** AWS's canonical string: "Key\nvalue\n" for the signed keys of the type, in byte order of the key names. */
export function stringToSign(m: SnsEnvelope): string {
  const keys =
    m.Type === 'Notification'
      ? (['Message', 'MessageId', 'Subject', 'Timestamp', 'TopicArn', 'Type'] as const)
      : (['Message', 'MessageId', 'SubscribeURL', 'Timestamp', 'Token', 'TopicArn', 'Type'] as const);
  let out = '';
  for (const key of keys) {
    const value = m[key];
    // Subject is signed only when the publisher gave one.
    if (value === undefined || value === null) continue;
    out += `${key}\n${value}\n`;
  }
  return out;
}

/** https://sns.<region>.amazonaws.com/<…>.pem and nothing else: a certificate from anywhere else proves nothing. */
export function isSnsCertUrl(url: string): boolean {
  return isSnsUrl(url) && new URL(url).pathname.endsWith('.pem');
}

function isSnsUrl(url: string): boolean {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return false;
  }
  return u.protocol === 'https:' && u.port === '' && !u.username && !u.password && SNS_HOST.test(u.hostname);
}

const defaultFetch: SnsFetch = async (url) => {
  const res = await fetch(url, { redirect: 'error', signal: AbortSignal.timeout(5_000) });
  if (!res.ok) throw new Error(`GET ${new URL(url).hostname} answered ${res.status}`);
  const text = await res.text();
  if (text.length > MAX_CERT_BYTES) throw new Error('The answer is too large');
  return text;
};

let snsFetch: SnsFetch = defaultFetch;
const certs = new Map<string, Promise<KeyObject>>();

/** Tests swap in their own GET (undefined: back to fetch); the certificates cached so far are forgotten. */
export function setSnsFetch(fn: SnsFetch | undefined): void {
  snsFetch = fn ?? defaultFetch;
  certs.clear();
}

function signingKey(url: string): Promise<KeyObject> {
  let key = certs.get(url);
  if (!key) {
    // Certificates are few (one per region and rotation); the bound only guards against surprises.
    if (certs.size >= MAX_CACHED_CERTS) certs.clear();
    key = snsFetch(url).then((pem) => createPublicKey(pem));
    // A failed fetch is not cached: the next delivery tries again.
    key.catch(() => certs.delete(url));
    certs.set(url, key);
  }
  return key;
}

/**
 * Refuses (403, with the reason) a message that is not from SNS for the expected topic: another topic, older
 * than maxAgeMs, a certificate URL off SNS's hosts, or a signature that does not verify.
 */
export async function verifySnsMessage(m: SnsEnvelope, opts: VerifyOptions): Promise<void> {
  // The cheap checks first, so junk never makes us fetch anything.
  if (m.TopicArn !== opts.topicArn) throw new Forbidden('The message is not from the expected SNS topic');
  const sent = Date.parse(m.Timestamp);
  const now = (opts.now ?? new Date()).getTime();
  if (Number.isNaN(sent)) throw new Forbidden('The message has no valid Timestamp');
  if (now - sent > (opts.maxAgeMs ?? HOUR_MS)) throw new Forbidden('The message is too old');
  if (sent - now > FUTURE_SKEW_MS) throw new Forbidden('The message is dated in the future');
  if (!isSnsCertUrl(m.SigningCertURL))
    throw new Forbidden('SigningCertURL is not an SNS certificate (https://sns.<region>.amazonaws.com/…pem)');
  let key: KeyObject;
  try {
    key = await signingKey(m.SigningCertURL);
  } catch (error) {
    // Not the sender's fault as far as we can tell: a 500, so SNS delivers again later.
    throw new Error(`Could not load the SNS signing certificate: ${(error as Error).message}`);
  }
  const algorithm = m.SignatureVersion === '1' ? 'sha1' : 'sha256';
  let valid = false;
  try {
    valid = verify(algorithm, Buffer.from(stringToSign(m), 'utf8'), key, Buffer.from(m.Signature, 'base64'));
  } catch {
    valid = false;
  }
  if (!valid) throw new Forbidden('The SNS signature does not verify');
}

/** Confirms a verified SubscriptionConfirmation by visiting its SubscribeURL (only ever an SNS URL). */
export async function confirmSubscription(m: SnsEnvelope): Promise<void> {
  if (m.Type !== 'SubscriptionConfirmation' || !m.SubscribeURL)
    throw ValidationError.field('Type', 'Only a SubscriptionConfirmation is confirmed');
  if (!isSnsUrl(m.SubscribeURL)) throw new Forbidden('SubscribeURL is not an SNS URL');
  await snsFetch(m.SubscribeURL);
}
