// `npm run job -- <name> [--date YYYY-MM-DD]`: runs a scheduled job (shared/platform/schedules.ts) as
// EventBridge Scheduler would in AWS. When `npm start` is running it asks that server (so SMS and staff
// messages land in its outbox); otherwise it starts the local system on the same data for the run.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { config } from '#shared/platform/config.ts';
import { SCHEDULES } from '#shared/platform/schedules.ts';
import { maskPhone } from '#shared/registry/phone.ts';
import { JavaMissing } from './dynamodb-local.ts';
import { dataDirFor, moveUnfolderedData, SERVER_FILE, startLocalSystem } from './system.ts';

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
  const file = join(dataDirFor(config().CITY_CODE), SERVER_FILE);
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
  if (!values['in-memory']) moveUnfolderedData(console.error);
  const system = await startLocalSystem({
    port: 0,
    quiet: true,
    ...(values['in-memory'] ? {} : { dataDir: dataDirFor(config().CITY_CODE) }),
  });
  const before = system.outbox.list(100_000).length;
  const code = await run(system.url);
  // What the job queued goes out now (the in-process queue, the sender at the account's rate).
  await system.queue.drain();
  await system.deliveries.drain();
  const all = system.outbox.list(100_000);
  const sms = all
    .slice(0, all.length - before)
    .filter((e) => e.channel === 'sms')
    .reverse();
  for (const entry of sms.slice(0, 10))
    console.error(`[outbox] SMS to ${maskPhone(entry.phone)}: ${entry.text}`);
  if (sms.length)
    console.error(`(${sms.length} SMS in the outbox, .data/${config().CITY_CODE}/outbox.jsonl)`);
  const waiting = system.queue.deferred().length;
  if (waiting) {
    console.error(
      `(${waiting} SMS wait for their hour or for the end of quiet hours. Run the job while \`npm start\` runs ` +
        'and they go out then; SMS_QUIET_HOURS_WIB=off npm start to try them at night)',
    );
  }
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
