// Local mode's S3 for uploads: files under .data/uploads/, PUT to a signed local URL that only the
// server's /dev/uploads route accepts; a finished upload raises the same "Object Created" event S3 would.
import { createHmac, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import type { ObjectStore, PutOptions } from '#shared/platform/object-store.ts';

/** What an upload URL may pin besides the key: the file's type and length (receipts). */
export interface Pinned {
  type: string;
  length: number;
}

export class FolderObjectStore implements ObjectStore {
  constructor(
    private readonly dir: string,
    private readonly baseUrl: () => string,
    private readonly secret: string,
  ) {}

  private path(key: string): string {
    const path = normalize(join(this.dir, key));
    if (!path.startsWith(this.dir)) throw new Error('key outside the upload folder');
    return path;
  }

  sign(key: string, expires: number, pinned?: Pinned): string {
    const extra = pinned ? `\n${pinned.type}\n${pinned.length}` : '';
    return createHmac('sha256', this.secret).update(`${key}\n${expires}${extra}`).digest('hex');
  }

  /** As S3 checks a presigned PUT: the signature, the expiry, and the pinned type and length if any. */
  verify(key: string, expires: number, signature: string, pinned?: Pinned): boolean {
    if (!Number.isFinite(expires) || expires < Date.now() / 1000) return false;
    const want = Buffer.from(this.sign(key, expires, pinned));
    const got = Buffer.from(signature);
    return want.length === got.length && timingSafeEqual(want, got);
  }

  async presignPut(
    key: string,
    contentType: string,
    expiresInSeconds: number,
    opts: PutOptions = {},
  ): Promise<string> {
    const expires = Math.floor(Date.now() / 1000) + expiresInSeconds;
    const pinned =
      opts.contentLength === undefined ? undefined : { type: contentType, length: opts.contentLength };
    const signature = this.sign(key, expires, pinned);
    return `${this.baseUrl()}/dev/uploads/${key}?expires=${expires}${pinned ? '&pinned=1' : ''}&signature=${signature}`;
  }

  put(key: string, body: Buffer): void {
    const path = this.path(key);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, body);
  }

  async getText(key: string): Promise<string> {
    return readFileSync(this.path(key), 'utf8');
  }
}
