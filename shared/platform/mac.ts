// Keyed MACs from a key that never leaves its keeper: a KMS HMAC key in AWS (GenerateMac); local mode
// swaps in an HMAC over the dev secret. Used to derive values that must be recomputable but unguessable.
import { createHmac } from 'node:crypto';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';

export interface MacKey {
  mac(message: string): Promise<Buffer>;
}

/** The environment variable naming each KMS HMAC key: one per purpose, so a grant for one derives nothing else. */
export type MacKeyName = 'VERIFY_MAC_KEY_ID' | 'CURSOR_KEY_ID';

let client: KMSClient | undefined;

const kms = (envVar: MacKeyName): MacKey => ({
  async mac(message) {
    const keyId = process.env[envVar];
    if (!keyId) throw new Error(`${envVar} is not set`);
    client ??= new KMSClient({});
    const out = await client.send(
      new GenerateMacCommand({
        KeyId: keyId,
        MacAlgorithm: 'HMAC_SHA_256',
        Message: new TextEncoder().encode(message),
      }),
    );
    if (!out.Mac) throw new Error('KMS returned no MAC');
    return Buffer.from(out.Mac);
  },
});

const keys = new Map<MacKeyName, MacKey>();

/** An HMAC-SHA-256 key held in memory (local mode, tests). */
export function localMacKey(secret: string): MacKey {
  return { mac: async (message) => createHmac('sha256', secret).update(message).digest() };
}

let override: MacKey | undefined;

/** Local mode and tests: one in-memory key for every purpose (each purpose MACs its own messages). */
export function setMacKey(key: MacKey | undefined): void {
  override = key;
}

export function macKey(name: MacKeyName = 'VERIFY_MAC_KEY_ID'): MacKey {
  if (override) return override;
  let key = keys.get(name);
  if (!key) {
    key = kms(name);
    keys.set(name, key);
  }
  return key;
}
