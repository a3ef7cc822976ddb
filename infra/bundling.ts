// How every Lambda is bundled, defined once: CDK's NodejsFunction and the benchmark's plain esbuild build
// both derive from BUNDLE, so a benchmarked bundle is byte-for-byte the one that ships.
import { fileURLToPath } from 'node:url';
import { type BundlingOptions, OutputFormat } from 'aws-cdk-lib/aws-lambda-nodejs';
import type { BuildOptions } from 'esbuild';

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

/**
 * NodejsFunction's bundling options (format ESM: CDK writes index.mjs). `assets`, a folder relative to the
 * repository root, is copied beside index.mjs under its own name, where `new URL('./<name>/', import.meta.url)`
 * finds it in Lambda as it does beside the handler's source locally.
 */
export function cdkBundling(assets?: string): BundlingOptions {
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
  };
}

/** The same build as a plain esbuild call: `await build(esbuildOptions('functions/x/y.ts', 'out/y.mjs'))`. */
export function esbuildOptions(entry: string, outfile: string): BuildOptions {
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
  };
}
