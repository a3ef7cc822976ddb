// Page cursors, opaque and tamper-evident: where a list goes on from is sealed with AES-256-GCM and bound to the
// list it came from (its scope, e.g. one RT's residents). The key is derived once per process from a KMS HMAC key
// kept for this alone (CURSOR_KEY_ID; it never leaves KMS), so every instance of a function opens what another
// sealed. A cursor forged, altered, carried to another list or sealed under another key opens to nothing: a 400
// naming `cursor`. A cursor also never shows what it holds (a resident's name and NIK, a table's keys).
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { ValidationError } from './errors.ts';
import { type MacKey, macKey } from './mac.ts';

const VERSION = 1;
const IV = 12;
const TAG = 16;
/** Far above any cursor we seal (an attestation's four keys); a longer one is not ours. */
export const MAX_CURSOR_LENGTH = 2000;

const derived = new WeakMap<MacKey, Promise<Buffer>>();

function cursorKey(): Promise<Buffer> {
  const mac = macKey('CURSOR_KEY_ID');
  let key = derived.get(mac);
  if (!key) {
    key = mac.mac('sehatkota-page-cursor:v1');
    // A failed derivation (KMS throttled) is tried again by the next request, not remembered.
    key.catch(() => derived.delete(mac));
    derived.set(mac, key);
  }
  return key;
}

/** Seals `value` for the list `scope`: base64url of version, IV, tag and ciphertext. */
export async function sealCursor(scope: string, value: unknown): Promise<string> {
  const iv = randomBytes(IV);
  const cipher = createCipheriv('aes-256-gcm', await cursorKey(), iv);
  cipher.setAAD(Buffer.from(scope));
  const body = Buffer.concat([cipher.update(JSON.stringify(value), 'utf8'), cipher.final()]);
  return Buffer.concat([Buffer.of(VERSION), iv, cipher.getAuthTag(), body]).toString('base64url');
}

/** What `sealCursor(scope, …)` sealed, or a 400 on `cursor` for anything else. */
export async function openCursor(scope: string, cursor: string): Promise<unknown> {
  const refuse = () => ValidationError.field('cursor', 'is not a cursor this list returned');
  if (cursor.length > MAX_CURSOR_LENGTH || !/^[A-Za-z0-9_-]+$/.test(cursor)) throw refuse();
  const raw = Buffer.from(cursor, 'base64url');
  if (raw.length <= 1 + IV + TAG || raw[0] !== VERSION) throw refuse();
  const key = await cursorKey();
  try {
    const decipher = createDecipheriv('aes-256-gcm', key, raw.subarray(1, 1 + IV));
    decipher.setAAD(Buffer.from(scope));
    decipher.setAuthTag(raw.subarray(1 + IV, 1 + IV + TAG));
    const text = Buffer.concat([decipher.update(raw.subarray(1 + IV + TAG)), decipher.final()]);
    return JSON.parse(text.toString('utf8'));
  } catch {
    throw refuse();
  }
}
