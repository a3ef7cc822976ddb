// Handler modules as local mode loads them: imported once per file, as a warm Lambda keeps its module.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type Handler = (event: unknown, context: unknown) => Promise<unknown>;

const loaded = new Map<string, Promise<Handler>>();

export function handlerOf(root: string, file: string): Promise<Handler> {
  const path = join(root, file);
  let h = loaded.get(path);
  if (!h) {
    h = import(pathToFileURL(path).href).then((m) => m.handler as Handler);
    loaded.set(path, h);
  }
  return h;
}
