// How every Lambda is bundled, defined once: CDK's NodejsFunction and the benchmark's plain esbuild build
// both derive from BUNDLE, so a benchmarked bundle is byte-for-byte the one that ships. The configured city's regions
// go in as a constant (esbuild's `define`): a function carries its own city's few KB, never the country's list.
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import type { CityRegions } from '#shared/city/regions.ts';

/** The repository root: esbuild's project root, and where the handler paths in ROUTES and EVENT_RULES start. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const BUNDLE = {
  // Matches the functions' runtime, nodejs22.x.
  target: 'node22',
  minify: true,
  sourcemap: false,
  // 'module' first picks the AWS SDK's ESM builds, which tree-shake far smaller (526 KB → 331 KB measured).
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies still call require(), which an ES module does not have.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  // Nothing external: the AWS SDK is bundled, pinned by our lockfile rather than by the runtime's copy.
  external: [] as string[],
};

/** What shared/city/regions.ts reads its data from, replaced by the city's regions in the bundle. */
export const CITY_GLOBAL = 'globalThis.__SEHATKOTA_CITY__';

/** esbuild's `define` for a city: the regions as a JSON literal wherever the module reads them. */
export function cityDefine(city: CityRegions | undefined): Record<string, string> {
  return city ? { [CITY_GLOBAL]: JSON.stringify(city) } : {};
}

/**
 * NodejsFunction's bundling options (format ESM: CDK writes index.mjs). `assets`, a folder relative to the
 * repository root, is copied beside index.mjs under its own name, where `new URL('./<name>/', import.meta.url)`
 * finds it in Lambda as it does beside the handler's source locally.
 */
export function cdkBundling(assets?: string, city?: CityRegions): BundlingOptions {
  const folder = assets?.split('/').at(-1);
  return {
    ...(assets && folder
      ? {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (inputDir: string, outputDir: string) => [
              `cp -R "${inputDir}/${assets}" "${outputDir}/${folder}"`,
            ],
          },
        }
      : {}),
    format: OutputFormat.ESM,
    target: BUNDLE.target,
    minify: BUNDLE.minify,
    sourceMap: BUNDLE.sourcemap,
    mainFields: [...BUNDLE.mainFields],
    banner: BUNDLE.banner,
    externalModules: [...BUNDLE.external],
    define: cityDefine(city),
  };
}

/** The same build as a plain esbuild call: `await build(esbuildOptions('functions/x/y.ts', 'out/y.mjs'))`. */
export function esbuildOptions(entry: string, outfile: string, city?: CityRegions): BuildOptions {
  return {
    absWorkingDir: REPO_ROOT,
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: BUNDLE.target,
    minify: BUNDLE.minify,
    sourcemap: BUNDLE.sourcemap,
    mainFields: [...BUNDLE.mainFields],
    banner: { js: BUNDLE.banner },
    external: [...BUNDLE.external],
    define: cityDefine(city),
  };
}
