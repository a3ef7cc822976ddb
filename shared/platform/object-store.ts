// Where uploaded files live: S3 in AWS, reached through presigned URLs only (a PUT for the browser, a
// GET for the job), signed with the SDK's own S3 presigner without the S3 client, which would add
// 100 KB to each bundle; local mode swaps in a folder under .data/ served by the local server.
import { createHash, createHmac, type Hash, type Hmac } from 'node:crypto';
import { formatUrl } from '@aws-sdk/core/util';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { S3RequestPresigner } from '@aws-sdk/s3-request-presigner';
import { HttpRequest } from '@smithy/core/protocols';
import type { AwsCredentialIdentity, Provider } from '@smithy/types';

/** The buckets uploads go to: resident lists for import, and receipts of RT fund expenses. */
export type BucketName = 'imports' | 'receipts';
const BUCKET_ENV: Record<BucketName, string> = { imports: 'IMPORTS_BUCKET', receipts: 'RECEIPTS_BUCKET' };

export interface PutOptions {
  bucket?: BucketName;
  /** Signed into the URL: an upload of any other length is refused. */
  contentLength?: number;
}

export interface ObjectStore {
  /** A URL to PUT one object to; its content type (and length, when given) are signed into it. */
  presignPut(key: string, contentType: string, expiresInSeconds: number, opts?: PutOptions): Promise<string>;
  getText(key: string): Promise<string>;
}

type Bytes = string | ArrayBuffer | ArrayBufferView;
const bytes = (d: Bytes) =>
  typeof d === 'string'
    ? Buffer.from(d)
    : ArrayBuffer.isView(d)
      ? Buffer.from(d.buffer, d.byteOffset, d.byteLength)
      : Buffer.from(d);

/** SHA-256 (or HMAC-SHA-256 with a secret) in the shape the SDK's signers take. */
export class Sha256 {
  private readonly hash: Hash | Hmac;
  constructor(secret?: Bytes) {
    this.hash = secret ? createHmac('sha256', bytes(secret)) : createHash('sha256');
  }
  update(data: Bytes): void {
    this.hash.update(bytes(data));
  }
  async digest(): Promise<Uint8Array> {
    return new Uint8Array(this.hash.digest());
  }
}

export interface S3Location {
  bucket: string;
  region: string;
  credentials: AwsCredentialIdentity | Provider<AwsCredentialIdentity>;
}

/** A presigned URL for one object, as the SDK's getSignedUrl makes it (virtual-hosted style). */
export async function presignS3(
  where: S3Location,
  method: 'GET' | 'PUT',
  key: string,
  expiresIn: number,
  signingDate?: Date,
  signedHeaders: Record<string, string> = {},
): Promise<string> {
  const hostname = `${where.bucket}.s3.${where.region}.amazonaws.com`;
  const presigner = new S3RequestPresigner({
    region: where.region,
    credentials: where.credentials,
    sha256: Sha256,
  });
  const request = new HttpRequest({
    protocol: 'https:',
    hostname,
    method,
    path: `/${key.split('/').map(encodeURIComponent).join('/')}`,
    query: { 'x-id': method === 'PUT' ? 'PutObject' : 'GetObject' },
    headers: { host: hostname, ...signedHeaders },
  });
  return formatUrl(await presigner.presign(request, { expiresIn, ...(signingDate ? { signingDate } : {}) }));
}

let credentials: Provider<AwsCredentialIdentity> | undefined;
const location = (bucket: BucketName = 'imports'): S3Location => {
  credentials ??= defaultProvider();
  return { bucket: process.env[BUCKET_ENV[bucket]] ?? '', region: process.env.AWS_REGION ?? '', credentials };
};

const s3: ObjectStore = {
  presignPut: (key, contentType, expiresIn, opts = {}) =>
    presignS3(
      location(opts.bucket),
      'PUT',
      key,
      expiresIn,
      undefined,
      // Receipts sign their type and length, so S3 refuses any other file than the one announced.
      opts.contentLength === undefined
        ? {}
        : { 'content-type': contentType, 'content-length': String(opts.contentLength) },
    ),
  async getText(key) {
    const response = await fetch(await presignS3(location(), 'GET', key, 300));
    if (!response.ok) throw new Error(`S3 GetObject answered ${response.status}`);
    return response.text();
  },
};

let override: ObjectStore | undefined;

export function setObjectStore(store: ObjectStore | undefined): void {
  override = store;
}

export function objectStore(): ObjectStore {
  return override ?? s3;
}
