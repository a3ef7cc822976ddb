// AppFunction's bundling on real handlers: ESM with the createRequire banner, no source map, the AWS SDK inside,
// and byte-for-byte what esbuildOptions() builds for the benchmark. A small stack: bundling costs ~1 s a function.

import { execFile } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { App, Stack } from 'aws-cdk-lib';
import { Key } from 'aws-cdk-lib/aws-kms';
import type { Asset } from 'aws-cdk-lib/aws-s3-assets';
import { build } from 'esbuild';
import { beforeAll, describe, expect, it } from 'vitest';
import { cdkBundling, esbuildOptions } from '#infra/bundling.ts';
import { AppFunction } from '#infra/constructs/app-function.ts';
import { cityRegionsFromPackage } from '#infra/regions.ts';
import { EVENT_RULES } from '#shared/platform/event-rules.ts';
import { ROUTES } from '#shared/platform/routes.ts';

// A read route (DynamoDB client) and the import worker (DynamoDB and S3 clients, CSV parser), bundled with the
// configured city's regions as every function of the stack is.
const CITY = cityRegionsFromPackage('15.71');
const HANDLERS = [
  ROUTES.find((r) => r.path === '/coverage/{nik}')!.handler,
  EVENT_RULES.find((r) => r.pattern.source.includes('aws.s3'))!.handler,
];

const run = promisify(execFile);

/**
 * The modules a (minified) bundle imports statically, as statements: `import{a as b}from"x"`, `import c from"x"`,
 * `import"x"` (not `import("x")`, which the SDK makes only for optional packages, inside a try).
 */
const importsOf = (code: string) =>
  [...code.matchAll(/(?:^|[;}\n])\s*import\s*(?!\()(?:[\w$*{}\s,]*?from\s*)?["']([^"']+)["']/g)].map(
    (m) => m[1]!,
  );

let outdir: string;
/** Each sample handler's bundle directory, as CDK staged it. */
const bundles = new Map<string, string>();

beforeAll(() => {
  const app = new App({ builtinCloudFormationValidation: false });
  const stack = new Stack(app, 'BundlingProbe', { env: { region: 'ap-southeast-3' } });
  const logsKey = new Key(stack, 'LogsKey');
  HANDLERS.forEach((handler, i) => {
    const fn = new AppFunction(stack, `Fn${i}`, {
      handler,
      description: handler,
      invocation: 'request',
      logsKey,
      environment: {},
      city: CITY,
    });
    bundles.set(handler, join(app.outdir, (fn.function.node.findChild('Code') as Asset).assetPath));
  });
  outdir = app.outdir;
}, 60_000);

describe('bundling', () => {
  it.each(HANDLERS)('%s: one ESM file with the createRequire banner, no source map', (handler) => {
    const dir = bundles.get(handler)!;
    expect(readdirSync(dir)).toEqual(['index.mjs']);
    const code = readFileSync(join(dir, 'index.mjs'), 'utf8');
    expect(code.startsWith("import { createRequire } from 'module'; const require = createRequire(")).toBe(
      true,
    );
    expect(code.trimEnd()).not.toMatch(/\/\/# sourceMappingURL=\S+$/);
    // Nothing left to import at run time but Node built-ins: the AWS SDK is bundled.
    const imports = importsOf(code);
    // It sees what it looks for: the banner's module and the built-ins the SDK imports.
    expect(imports).toEqual(expect.arrayContaining(['module', 'node:crypto', 'node:https']));
    expect(imports.filter((name) => !name?.startsWith('node:') && name !== 'module')).toEqual([]);
  });

  it.each(HANDLERS)('%s: esbuildOptions() builds exactly what CDK bundled', async (handler) => {
    const outfile = join(outdir, 'esbuild-parity', handler.replace(/\W/g, '_'), 'index.mjs');
    await build({ ...esbuildOptions(handler, outfile, CITY), logLevel: 'silent' });
    const cdk = readFileSync(join(bundles.get(handler)!, 'index.mjs'), 'utf8');
    // Not toBe: a failed comparison of two megabytes would print both.
    expect(readFileSync(outfile, 'utf8') === cdk).toBe(true);
  });

  it('cdkBundling() and esbuildOptions() state the same settings', () => {
    const cdk = cdkBundling(undefined, CITY, 'entry.ts');
    const plain = esbuildOptions('entry.ts', 'out.mjs', CITY);
    // The city's regions and the city alone (JSON text), and whether the function serves RT chairs.
    expect(cdk.define).toEqual(plain.define);
    expect(Object.keys(plain.define ?? {})).toEqual([
      'globalThis.__SEHATKOTA_CITY__',
      'globalThis.__SEHATKOTA_CITY_HEAD__',
      'globalThis.__SEHATKOTA_CHAIR_ROUTE__',
    ]);
    expect(plain).toMatchObject({
      format: cdk.format,
      target: cdk.target,
      minify: true,
      sourcemap: false,
      mainFields: ['module', 'main'],
      banner: { js: cdk.banner },
      external: [],
    });
    expect(cdk).toMatchObject({ minify: true, sourceMap: false, externalModules: [] });
    expect(cdk.mainFields).toEqual(plain.mainFields);
    // The built-ins swapped for our own modules, in both builds.
    expect(plain.alias).toEqual({
      http: './shared/platform/builtins/http.ts',
      'node:http': './shared/platform/builtins/http.ts',
      process: './shared/platform/builtins/process.ts',
      'node:process': './shared/platform/builtins/process.ts',
    });
    expect(cdk.esbuildArgs?.['--alias']).toEqual(
      Object.entries(plain.alias ?? {}).map(([name, path]) => `${name}=${path}`),
    );
  });

  it.each(HANDLERS)(
    '%s: a cold start loads neither undici nor http2, and never builds the namespace of node:http or node:process',
    async (handler) => {
      const file = join(bundles.get(handler)!, 'index.mjs');
      const code = readFileSync(file, 'utf8');
      expect(importsOf(code).filter((m) => /^(node:)?(http|process)$/.test(m))).toEqual([]);
      // Imported in a fresh Node, as Lambda does on a cold start: which built-in modules did it load?
      const probe = `await import(${JSON.stringify(pathToFileURL(file).href)});
        process.stdout.write(JSON.stringify(process.moduleLoadList));`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', probe], {
        env: { PATH: process.env.PATH, AWS_REGION: 'ap-southeast-3' },
      });
      const loaded: string[] = JSON.parse(stdout);
      // The check can see what it looks for: the DynamoDB client reaches for https at import.
      expect(loaded).toContain('NativeModule https');
      expect(loaded.filter((m) => /undici|http2/.test(m))).toEqual([]);
    },
  );
});
