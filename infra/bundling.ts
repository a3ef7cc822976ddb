// How every Lambda is bundled, defined once: CDK's NodejsFunction and the benchmark's plain esbuild build
// both derive from BUNDLE, so a benchmarked bundle is byte-for-byte the one that ships. The configured city's regions
// go in as a constant (esbuild's `define`): a function carries its own city's few KB, never the country's list.
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';
import type { CityRegions } from '#shared/city/regions.ts';
import { ROUTES } from '#shared/platform/routes.ts';
import { COMMON_BY_FOLDER, VENDOR_BY_FOLDER } from '../functions/web/vendor.ts';

/** The repository root: esbuild's project root, and where the handler paths in ROUTES and EVENT_RULES start. */
export const REPO_ROOT = fileURLToPath(new URL('..', import.meta.url));

const BUNDLE = {
  // Matches the functions' runtime, nodejs24.x.
  target: 'node24',
  minify: true,
  sourcemap: false,
  // 'module' first picks the AWS SDK's ESM builds, which tree-shake far smaller (526 KB → 331 KB measured).
  mainFields: ['module', 'main'],
  // Bundled CommonJS dependencies still call require(), which an ES module does not have.
  banner: "import { createRequire } from 'module'; const require = createRequire(import.meta.url);",
  // Nothing external: the AWS SDK is bundled, pinned by our lockfile rather than by the runtime's copy.
  external: [] as string[],
  // Node built-ins whose ES module import costs a cold start more than the module itself (measured, `npm run bench`):
  // each is swapped for a module of ours that takes the built-in without building its namespace. Paths from the
  // repository root, where esbuild resolves an alias (CDK runs esbuild there too).
  alias: Object.fromEntries(
    (['http', 'process'] as const).flatMap((name) => {
      const shim = `./shared/platform/builtins/${name}.ts`;
      return [
        [name, shim],
        [`node:${name}`, shim],
      ];
    }),
  ) as Record<string, string>,
};

/** What shared/city/regions.ts reads its data from, replaced by the city's regions in the bundle. */
export const CITY_GLOBAL = 'globalThis.__SEHATKOTA_CITY__';
/** The city alone ({code, name}): what a function that only names the city (an SMS) carries. */
export const CITY_HEAD_GLOBAL = 'globalThis.__SEHATKOTA_CITY_HEAD__';
/** Whether a function serves a route RT chairs call (shared/platform/http.ts checks their access only then). */
export const CHAIR_ROUTE_GLOBAL = 'globalThis.__SEHATKOTA_CHAIR_ROUTE__';

/**
 * esbuild's `define` for a city: the regions, and the city alone, as JSON text in string literals wherever a module
 * reads them. Strings, not objects: esbuild lays an object-valued define into every bundle (2.4 KB each here,
 * measured), whether the code uses it or not; a string costs only where it is read.
 */
export function cityDefine(city: CityRegions | undefined): Record<string, string> {
  const literal = (value: unknown) => JSON.stringify(JSON.stringify(value));
  return city ? { [CITY_GLOBAL]: literal(city), [CITY_HEAD_GLOBAL]: literal(city.city) } : {};
}

/**
 * Everything a handler's bundle has defined: its city, and whether it serves RT chairs (when the handler is known),
 * so a function no chair calls leaves the chair access check out.
 */
export function bundleDefines(
  handler: string | undefined,
  city: CityRegions | undefined,
): Record<string, string> {
  if (handler === undefined) return cityDefine(city);
  const forChairs = ROUTES.some(
    (r) => r.handler === handler && r.roles !== 'public' && r.roles.includes('rt_chair'),
  );
  return { ...cityDefine(city), [CHAIR_ROUTE_GLOBAL]: String(forChairs) };
}

/**
 * The shell commands that lay a site's files beside index.mjs: the `assets` folder under its own name, where
 * `new URL('./<name>/', import.meta.url)` finds it in Lambda as it does beside the handler's source locally, the
 * modules both apps share (functions/web/common/) into it, and the site's third-party files (functions/web/vendor.ts)
 * from node_modules into `<name>/vendor/`, where static.ts looks first.
 */
export function assetCommands(assets: string, inputDir: string, outputDir: string): string[] {
  const folder = assets.split('/').at(-1)!;
  const vendor = VENDOR_BY_FOLDER[assets] ?? [];
  const common = COMMON_BY_FOLDER[assets] ?? [];
  return [
    `cp -R "${inputDir}/${assets}" "${outputDir}/${folder}"`,
    ...common.map((name) => `cp "${inputDir}/functions/web/common/${name}" "${outputDir}/${folder}/${name}"`),
    ...(vendor.length ? [`mkdir -p "${outputDir}/${folder}/vendor"`] : []),
    ...vendor.map((v) => `cp "${inputDir}/node_modules/${v.from}" "${outputDir}/${folder}/vendor/${v.name}"`),
  ];
}

/**
 * NodejsFunction's bundling options (format ESM: CDK writes index.mjs). `assets`, a folder relative to the
 * repository root, is copied beside index.mjs with its vendor files (assetCommands).
 */
export function cdkBundling(assets?: string, city?: CityRegions, handler?: string): BundlingOptions {
  return {
    ...(assets
      ? {
          commandHooks: {
            beforeBundling: () => [],
            beforeInstall: () => [],
            afterBundling: (inputDir: string, outputDir: string) =>
              assetCommands(assets, inputDir, outputDir),
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
    define: bundleDefines(handler, city),
    esbuildArgs: { '--alias': Object.entries(BUNDLE.alias).map(([name, path]) => `${name}=${path}`) },
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
    alias: { ...BUNDLE.alias },
    define: bundleDefines(entry, city),
  };
}
