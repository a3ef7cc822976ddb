// Sealed page cursors (shared/platform/cursor.ts) as Lambda runs them: the key derived once from KMS's HMAC key named
// by CURSOR_KEY_ID, a cursor opening only for the list it was sealed for, and anything else a 400 on `cursor`.
import { createHmac } from 'node:crypto';
import { GenerateMacCommand, KMSClient } from '@aws-sdk/client-kms';
import { mockClient } from 'aws-sdk-client-mock';
import fc from 'fast-check';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';

/** The modules as a fresh Lambda instance has them: no key derived yet. */
async function coldStart() {
  vi.resetModules();
  const cursor = await import('../../shared/platform/cursor.ts');
  const { ValidationError } = await import('../../shared/platform/errors.ts');
  return { ...cursor, ValidationError };
}

const kms = mockClient(KMSClient);
const KEY_ID = 'arn:aws:kms:ap-southeast-3:111122223333:key/cursor-hmac';
const key = {
  pk: 'ATT#5f0c',
  sk: 'ATT',
  gsi2pk: 'RT#1571011012-003-012',
  gsi2sk: '2026-12-02T10:00:00.000Z',
};

beforeEach(() => {
  kms.reset();
  kms.on(GenerateMacCommand).callsFake((input: { Message: Uint8Array }) => ({
    Mac: new Uint8Array(createHmac('sha256', 'kms-held').update(input.Message).digest()),
  }));
  process.env.CURSOR_KEY_ID = KEY_ID;
});

afterEach(() => {
  delete process.env.CURSOR_KEY_ID;
});

describe('sealed cursors', () => {
  it('open to what was sealed, for the same list only; the key comes from KMS once', async () => {
    const { sealCursor, openCursor, ValidationError } = await coldStart();
    const a = await sealCursor('attestations:rt:A', key);
    const b = await sealCursor('attestations:rt:A', key);
    // A fresh IV each time: two cursors for the same place do not even look alike.
    expect(a).not.toBe(b);
    expect(await openCursor('attestations:rt:A', a)).toEqual(key);
    await expect(openCursor('attestations:rt:B', a)).rejects.toBeInstanceOf(ValidationError);
    const calls = kms.commandCalls(GenerateMacCommand);
    expect(calls).toHaveLength(1);
    expect(calls[0]!.args[0].input).toMatchObject({ KeyId: KEY_ID, MacAlgorithm: 'HMAC_SHA_256' });
  });

  it('refuses every other string with a 400 on cursor, never another error', async () => {
    const { sealCursor, openCursor, ValidationError } = await coldStart();
    const sealed = await sealCursor('residents:X', 'siti aminah#1571015506900002');
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.string({ maxLength: 300 }),
          fc.base64String({ maxLength: 400 }),
          fc
            .nat({ max: sealed.length - 1 })
            .map((i) => `${sealed.slice(0, i)}${sealed[i] === 'A' ? 'B' : 'A'}${sealed.slice(i + 1)}`),
        ),
        async (forged) => {
          // Base64url's last character carries spare bits: a change there alone is the same cursor.
          if (Buffer.from(forged, 'base64url').equals(Buffer.from(sealed, 'base64url'))) return;
          const error = await openCursor('residents:X', forged).then(
            () => undefined,
            (e: unknown) => e,
          );
          expect(error).toBeInstanceOf(ValidationError);
          expect((error as InstanceType<typeof ValidationError>).issues).toEqual([
            { path: 'cursor', message: 'is not a cursor this list returned' },
          ]);
        },
      ),
      { seed: 14, numRuns: 300 },
    );
  });

  it('fails loudly, not as a 400, when CURSOR_KEY_ID is not set', async () => {
    const { sealCursor, ValidationError } = await coldStart();
    delete process.env.CURSOR_KEY_ID;
    const error = await sealCursor('residents:Y', 'x').catch((e: unknown) => e);
    expect(error).not.toBeInstanceOf(ValidationError);
    expect(String(error)).toMatch(/CURSOR_KEY_ID/);
  });
});
