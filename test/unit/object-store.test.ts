// The S3 adapter signs URLs without the S3 client; they must be exactly what the SDK's getSignedUrl makes.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { describe, expect, it } from 'vitest';
import { presignS3 } from '../../shared/platform/object-store.ts';

const credentials = {
  accessKeyId: 'AKIDEXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
  sessionToken: 'tok/en+=',
};
const where = { bucket: 'sehatkota-imports-123', region: 'ap-southeast-3', credentials };
const client = new S3Client({
  region: where.region,
  credentials,
  requestChecksumCalculation: 'WHEN_REQUIRED',
  responseChecksumValidation: 'WHEN_REQUIRED',
});
const signingDate = new Date('2026-11-23T04:05:06Z');

describe('presigned S3 URLs', () => {
  it('PUT matches the SDK byte for byte', async () => {
    const key = 'imports/0b7e2a52-5f7e-4a44-9d43-b0c1f0a2d3e4.csv';
    const ours = await presignS3(where, 'PUT', key, 900, signingDate);
    const sdk = await getSignedUrl(client, new PutObjectCommand({ Bucket: where.bucket, Key: key }), {
      expiresIn: 900,
      signingDate,
    });
    expect(ours).toBe(sdk);
    expect(ours).toContain('X-Amz-Expires=900');
  });

  it('GET matches the SDK for keys that need escaping', async () => {
    const key = 'imports/a b+c.csv';
    const ours = await presignS3(where, 'GET', key, 300, signingDate);
    const sdk = await getSignedUrl(client, new GetObjectCommand({ Bucket: where.bucket, Key: key }), {
      expiresIn: 300,
      signingDate,
    });
    expect(ours).toBe(sdk);
  });
});
