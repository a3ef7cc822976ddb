// What a Lambda bundle gets for `node:http` (esbuild's alias, infra/bundling.ts). An ES module import of `node:http`
// makes Node build the module's namespace by reading every export, and on Node 24 that reads the lazy `WebSocket`,
// `CloseEvent` and `MessageEvent`, which load undici: about 45 ms of every cold start (measured, `npm run bench`),
// for a module the functions only reach when an endpoint is plain HTTP (DynamoDB Local; the instance metadata
// service). `process.getBuiltinModule` hands over the CommonJS exports as they are, without the namespace.
const http = process.getBuiltinModule('node:http');

export default http;
// The names the bundled dependencies import; one more is a build error ("No matching export"), not a silent gap.
export const { Agent, request, get, STATUS_CODES } = http;
