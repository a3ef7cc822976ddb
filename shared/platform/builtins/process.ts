// What a Lambda bundle gets for `node:process` (esbuild's alias, infra/bundling.ts). An ES module import of
// `node:process` makes Node read every property of `process` to build the namespace: about 9 ms of a cold start
// (measured, `npm run bench`) for an object that is already a global.
export default process;
// The names the bundled dependencies import; one more is a build error ("No matching export"), not a silent gap.
export const { env, versions, platform, argv } = process;
