import { build } from 'esbuild';
import { esbuildOptions } from '#infra/bundling.ts';
import { cityRegionsFromPackage } from '#infra/regions.ts';
import { config } from '#shared/platform/config.ts';

const city = cityRegionsFromPackage(config().CITY_CODE);
const e = process.argv[2]!;
const r = await build({ ...esbuildOptions(e, '/tmp/sz/m.mjs', city), metafile: true });
const out = Object.values(r.metafile.outputs)[0]!;
for (const [k, v] of Object.entries(out.inputs)
  .filter(([k]) => !k.includes('node_modules'))
  .sort((a, b) => b[1].bytesInOutput - a[1].bytesInOutput))
  console.log(v.bytesInOutput, k);
