// Where uploaded files live: S3 in AWS (presigned PUT for the browser, GetObject for jobs); local mode
// swaps in a folder under .data/ served by the local server.
import { GetObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';

export interface ObjectStore {
  presignPut(key: string, contentType: string, expiresInSeconds: number): Promise<string>;
  getText(key: string): Promise<string>;
}

let client: S3Client | undefined;

const s3: ObjectStore = {
  async presignPut(key, contentType, expiresInSeconds) {
    client ??= new S3Client({});
    const command = new PutObjectCommand({ Bucket: process.env.IMPORTS_BUCKET, Key: key, ContentType: contentType });
    return getSignedUrl(client, command, { expiresIn: expiresInSeconds });
  },
  async getText(key) {
    client ??= new S3Client({});
    const out = await client.send(new GetObjectCommand({ Bucket: process.env.IMPORTS_BUCKET, Key: key }));
    if (!out.Body) throw new Error('empty object');
    return out.Body.transformToString('utf-8');
  },
};

let override: ObjectStore | undefined;

export function setObjectStore(store: ObjectStore | undefined): void {
  override = store;
}

export function objectStore(): ObjectStore {
  return override ?? s3;
}
