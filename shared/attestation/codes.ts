// Verification codes: derived from the attestation id with the MAC key (so a letter can be reprinted with
// the same QR code), unguessable without that key (160 bits), and stored only as their SHA-256.
import { createHash } from 'node:crypto';
import { macKey } from '#shared/platform/mac.ts';
import { publicBaseUrl } from '#shared/platform/public-url.ts';

const CODE = /^[A-Za-z0-9_-]{27}$/;

export async function verifyCode(attestationId: string): Promise<string> {
  const mac = await macKey().mac(`attestation-verify:${attestationId}`);
  return mac.subarray(0, 20).toString('base64url');
}

export const isVerifyCode = (code: string) => CODE.test(code);

export function codeHash(code: string): string {
  return createHash('sha256').update(code).digest('base64url');
}

/** <PUBLIC_BASE_URL>/verify/<code>: the city's public address (shared/platform/http.ts), never the request's. */
export function verifyUrl(code: string, base = publicBaseUrl()): string {
  return `${base}/verify/${code}`;
}
