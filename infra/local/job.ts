// `npm run job -- <name> [--date YYYY-MM-DD]`: runs a scheduled job (shared/platform/schedules.ts) as
// EventBridge Scheduler would in AWS. When `npm start` is running it asks that server (so SMS and staff
// messages land in its outbox); otherwise it starts the local system on the same data for the run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { SCHEDULES } from '#shared/platform/schedules.ts';
import { JavaMissing } from './dynamodb-local.ts';
import { ROOT, SERVER_FILE, startLocalSystem } from './system.ts';

const { positionals, values } = parseArgs({
  allowPositionals: true,
  options: { date: { type: 'string' }, 'in-memory': { type: 'boolean' } },
});
const name = positionals[0];
if (!name || !SCHEDULES.some((s) => s.name === name)) {
  console.error(`usage: npm run job -- <${SCHEDULES.map((s) => s.name).join('|')}> [--date YYYY-MM-DD]`);
  process.exit(2);
}
const query = values.date ? `?date=${encodeURIComponent(values.date)}` : '';

async function running(): Promise<string | undefined> {
  const file = join(ROOT, '.data', SERVER_FILE);
  if (values['in-memory'] || !existsSync(file)) return undefined;
  const { url } = JSON.parse(readFileSync(file, 'utf8')) as { url: string };
  try {
    await fetch(`${url}/auth/dev-users`, { signal: AbortSignal.timeout(1000) });
    return url;
  } catch {
    return undefined;
  }
}

async function run(url: string): Promise<number> {
  const res = await fetch(`${url}/dev/jobs/${name}${query}`, { method: 'POST' });
  console.log(JSON.stringify(await res.json(), null, 2));
  return res.ok ? 0 : 1;
}

try {
  const url = await running();
  if (url) {
    console.error(`(running on the local server at ${url})`);
    process.exit(await run(url));
  }
  const system = await startLocalSystem({
    port: 0,
    quiet: true,
    ...(values['in-memory'] ? {} : { dataDir: join(ROOT, '.data') }),
  });
  const code = await run(system.url);
  for (const entry of system.outbox
    .list(20)
    .filter((e) => e.channel === 'topic')
    .reverse()) {
    console.error(`\n[outbox] topic ${entry.topic}: ${entry.subject}\n${entry.text}`);
  }
  await system.stop();
  process.exit(code);
} catch (error) {
  console.error(error instanceof JavaMissing ? error.message : error);
  process.exit(1);
}
