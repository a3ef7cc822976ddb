// The files a web app serves that are not in its own folder: the third-party files the staff console serves under
// /console/vendor/, taken as published from node_modules, and the browser modules both apps serve as their own, kept
// once in functions/web/common/. The one list both the handler (static.ts reads them there locally) and the bundling
// (infra/bundling.ts copies them beside the Lambda bundle) read, so the two cannot drift.

export interface VendorFile {
  /** The name under `<site>/vendor/`. */
  name: string;
  /** Where it is in node_modules (a package's own path: resolvable with require.resolve). */
  from: string;
  type: string;
}

const JS = 'text/javascript; charset=utf-8';
const CSS = 'text/css; charset=utf-8';

export const CONSOLE_VENDOR: readonly VendorFile[] = [
  { name: 'uPlot.esm.js', from: 'uplot/dist/uPlot.esm.js', type: JS },
  { name: 'uPlot.min.css', from: 'uplot/dist/uPlot.min.css', type: CSS },
  // maplibre-gl.mjs starts its worker from ./maplibre-gl-worker.mjs beside itself (same origin: worker-src 'self').
  { name: 'maplibre-gl.mjs', from: 'maplibre-gl/dist/maplibre-gl.mjs', type: JS },
  { name: 'maplibre-gl-worker.mjs', from: 'maplibre-gl/dist/maplibre-gl-worker.mjs', type: JS },
  { name: 'maplibre-gl.css', from: 'maplibre-gl/dist/maplibre-gl.css', type: CSS },
];

/** Browser modules in functions/web/common/ that each app serves beside its own files (the Cognito sign-in). */
export const COMMON_FILES: readonly string[] = ['cognito.js'];

/** The asset folders (from the repository root, as routes.ts grants them) that serve the common modules. */
export const COMMON_BY_FOLDER: Readonly<Record<string, readonly string[]>> = {
  'functions/web/rt': COMMON_FILES,
  'functions/web/console': COMMON_FILES,
};

/** The asset folders (from the repository root, as routes.ts grants them) that carry vendor files, and which. */
export const VENDOR_BY_FOLDER: Readonly<Record<string, readonly VendorFile[]>> = {
  'functions/web/console': CONSOLE_VENDOR,
};
