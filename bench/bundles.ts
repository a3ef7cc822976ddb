// Section 1: each function's bundle size and cold import time against a floor bundle that only constructs
// a DynamoDB client. Every bundle is built with infra/bundling.ts's esbuildOptions, as CDK builds it; the
// only addition is `metafile: true`, which makes esbuild report its inputs and does not change the output.
import { spawn } from 'node:child_process';
import { cpSync } from 'node:fs';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { build, type Metafile } from 'esbuild';
import { esbuildOptions, REPO_ROOT } from '#infra/bundling.ts';
import { cityRegionsFromPackage } from '#infra/regions.ts';
import { config } from '#shared/platform/config.ts';
import { EVENT_RULES } from '#shared/platform/event-rules.ts';
import { QUEUES } from '#shared/platform/queues.ts';
import { ROUTES } from '#shared/platform/routes.ts';
import { SCHEDULES } from '#shared/platform/schedules.ts';
import { TIMERS } from '#shared/platform/timers.ts';
import { median, round } from './stats.ts';

export const FLOOR_ENTRY = 'bench/floor/dynamodb-client.ts';
export const COLD_RUNS = 10;
export const MAX_RATIO = 1.3;

export interface BundleResult {
  name: string;
  entry: string;
  bytes: number;
  coldImportMs: number;
  bytesRatio: number;
  importRatio: number;
  pass: boolean;
}

export interface BundleSection {
  bundles: BundleResult[];
  floorBundle: { bytes: number; coldImportMs: number };
  /** The worst bundle (highest ratio) and what is in it, from esbuild's metafile. */
  worst: {
    name: string;
    topPackages: { name: string; bytes: number }[];
    topInputs: { path: string; bytes: number }[];
  };
  /** Handles a child still had open right after the import, per bundle; a socket or DNS lookup would show here. */
  openHandlesAfterImport: Record<string, string[]>;
}

interface Built {
  name: string;
  entry: string;
  file: string;
  bytes: number;
  metafile: Metafile;
}

/** Every handler module in the route table and the event rules, once each. */
export function functionEntries(): string[] {
  return [...new Set([...ROUTES, ...EVENT_RULES, ...SCHEDULES, ...QUEUES, ...TIMERS].map((r) => r.handler))];
}

async function buildOne(entry: string, dir: string, name: string): Promise<Built> {
  const file = join(dir, `${name}.mjs`);
  // With the configured city's regions, as CDK bundles every function (infra/stack.ts).
  const city = cityRegionsFromPackage(config().CITY_CODE);
  const result = await build({ ...esbuildOptions(entry, file, city), metafile: true });
  // As CDK's bundling does (infra/bundling.ts): the web form's files beside the bundle that serves them.
  const assets = ROUTES.find((r) => r.handler === entry && r.grants.assets)?.grants.assets;
  if (assets) cpSync(join(REPO_ROOT, assets), join(dir, basename(assets)), { recursive: true });
  return { name, entry, file, bytes: (await stat(file)).size, metafile: result.metafile! };
}

// Cold import is measured INSIDE a fresh child process: performance.now() immediately before and after
// `await import(bundle)`, so node's own start-up (the same for every bundle) is not counted. The child then
// lists its network handles (a TCP socket or DNS request would mean the import reached for the network) and exits.
const CHILD = `
const url = process.argv[1];
const t0 = performance.now();
await import(url);
const ms = performance.now() - t0;
const handles = process.getActiveResourcesInfo().filter((r) => /TCP|UDP|TLS|GetAddrInfo|GetNameInfo|Query/.test(r));
process.stdout.write(JSON.stringify({ ms, handles }));
process.exit(0);
`;

function childEnv(): NodeJS.ProcessEnv {
  const { NODE_OPTIONS: _opts, DYNAMODB_ENDPOINT: _endpoint, ...rest } = process.env;
  return { ...rest, AWS_REGION: 'ap-southeast-3' };
}

function coldImport(file: string): Promise<{ ms: number; handles: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--input-type=module', '-e', CHILD, pathToFileURL(file).href], {
      env: childEnv(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    let err = '';
    child.stdout.on('data', (d) => {
      out += d;
    });
    child.stderr.on('data', (d) => {
      err += d;
    });
    child.on('error', reject);
    child.on('exit', (code) => {
      if (code !== 0)
        return reject(new Error(`importing ${basename(file)} failed (exit ${code}): ${err.slice(-800)}`));
      try {
        resolve(JSON.parse(out) as { ms: number; handles: string[] });
      } catch {
        reject(
          new Error(`importing ${basename(file)} printed no timing: ${out.slice(0, 200)} ${err.slice(-400)}`),
        );
      }
    });
  });
}

function biggestInputs(metafile: Metafile, outfile: string) {
  const output = Object.entries(metafile.outputs).find(([path]) => outfile.endsWith(basename(path)))?.[1];
  const inputs = Object.entries(output?.inputs ?? {}).map(([path, i]) => ({ path, bytes: i.bytesInOutput }));
  const packages = new Map<string, number>();
  for (const { path, bytes } of inputs) {
    const m = /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(path);
    const pkg = m ? m[1]! : path.split('/').slice(0, 2).join('/');
    packages.set(pkg, (packages.get(pkg) ?? 0) + bytes);
  }
  return {
    topPackages: [...packages]
      .map(([name, bytes]) => ({ name, bytes }))
      .sort((a, b) => b.bytes - a.bytes)
      .slice(0, 10),
    topInputs: inputs.sort((a, b) => b.bytes - a.bytes).slice(0, 10),
  };
}

export async function benchBundles(): Promise<BundleSection> {
  const dir = await mkdtemp(join(tmpdir(), 'sehatkota-bench-'));
  try {
    const floor = await buildOne(FLOOR_ENTRY, dir, '_floor');
    const built: Built[] = [];
    for (const entry of functionEntries()) built.push(await buildOne(entry, dir, basename(entry, '.ts')));

    // Rounds interleave every bundle (floor included), so a noisy moment hits all of them alike.
    const all = [floor, ...built];
    const times = new Map<string, number[]>(all.map((b) => [b.name, []]));
    const handles: Record<string, string[]> = {};
    for (let round = 0; round < COLD_RUNS; round++) {
      for (const b of all) {
        const r = await coldImport(b.file);
        times.get(b.name)!.push(r.ms);
        if (r.handles.length) handles[b.name] = [...new Set([...(handles[b.name] ?? []), ...r.handles])];
      }
    }
    const floorMs = median(times.get(floor.name)!);
    const bundles = built.map((b): BundleResult => {
      const coldImportMs = median(times.get(b.name)!);
      const bytesRatio = b.bytes / floor.bytes;
      const importRatio = coldImportMs / floorMs;
      return {
        name: b.name,
        entry: b.entry,
        bytes: b.bytes,
        coldImportMs: round(coldImportMs),
        bytesRatio: round(bytesRatio, 3),
        importRatio: round(importRatio, 3),
        pass: bytesRatio <= MAX_RATIO && importRatio <= MAX_RATIO,
      };
    });
    const worstResult = [...bundles].sort(
      (a, b) => Math.max(b.bytesRatio, b.importRatio) - Math.max(a.bytesRatio, a.importRatio),
    )[0]!;
    const worstBuilt = built.find((b) => b.name === worstResult.name)!;
    return {
      bundles,
      floorBundle: { bytes: floor.bytes, coldImportMs: round(floorMs) },
      worst: { name: worstBuilt.name, ...biggestInputs(worstBuilt.metafile, worstBuilt.file) },
      openHandlesAfterImport: handles,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
