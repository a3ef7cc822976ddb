// Keyed MACs from a key that never leaves its keeper: a KMS HMAC key in AWS (GenerateMac); local mode
// swaps in an HMAC over the dev secret. Used to derive values that must be recomputable but unguessable.
import { createHmac } from 'node:crypto';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';

export interface MacKey {
  mac(message: string): Promise<Buffer>;
}

let client: KMSClient | undefined;

const kms: MacKey = {
  async mac(message) {
    const keyId = process.env.VERIFY_MAC_KEY_ID;
    if (!keyId) throw new Error('VERIFY_MAC_KEY_ID is not set');
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
};

/** An HMAC-SHA-256 key held in memory (local mode, tests). */
export function localMacKey(secret: string): MacKey {
  return { mac: async (message) => createHmac('sha256', secret).update(message).digest() };
}

let override: MacKey | undefined;

export function setMacKey(key: MacKey | undefined): void {
  override = key;
}

export function macKey(): MacKey {
  return override ?? kms;
}
