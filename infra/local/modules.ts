// Handler modules as local mode loads them: imported once per file, as a warm Lambda keeps its module. Every call
// goes through here, so whoever wants to count invocations and their durations (the bench's bill) can watch them.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

export type Handler = (event: unknown, context: unknown) => Promise<unknown>;

/** One handler invocation: its file (the function), how long it ran, and whether it threw. */
export interface Invocation {
  handler: string;
  ms: number;
  failed: boolean;
}

const loaded = new Map<string, Promise<Handler>>();
const watchers = new Set<(i: Invocation) => void>();

/** Calls `watch` after every handler invocation from now on; returns what stops it. */
export function watchInvocations(watch: (i: Invocation) => void): () => void {
  watchers.add(watch);
  return () => watchers.delete(watch);
}

export function handlerOf(root: string, file: string): Promise<Handler> {
  const path = join(root, file);
  let h = loaded.get(path);
  if (!h) {
    h = import(pathToFileURL(path).href).then((m) => timed(file, m.handler as Handler));
    loaded.set(path, h);
  }
  return h;
}

function timed(file: string, handler: Handler): Handler {
  return async (event, context) => {
    if (!watchers.size) return handler(event, context);
    const t0 = performance.now();
    let failed = false;
    try {
      return await handler(event, context);
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      const seen = { handler: file, ms: performance.now() - t0, failed };
      for (const w of watchers) w(seen);
    }
  };
}
