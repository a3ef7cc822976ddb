// `npm start`: the whole system on http://localhost:3000 (PORT to change), data kept in .data/;
// `npm start -- --in-memory` for a throw-away run. Ctrl-C stops Java too.
import { join } from 'node:path';
import { JavaMissing } from './dynamodb-local.ts';
import { ROOT, startLocalSystem } from './system.ts';

const inMemory = process.argv.includes('--in-memory');
const port = Number(process.env.PORT ?? 3000);

try {
  const system = await startLocalSystem({ port, ...(inMemory ? {} : { dataDir: join(ROOT, '.data') }) });
  if (system.seeded)
    console.log(`Seeded demo data: ${system.seeded.rts} RTs, ${system.seeded.residents} residents`);
  console.log(`SehatKota is running on ${system.url} (${inMemory ? 'in memory' : 'data in .data/'})`);
  console.log(
    `  token:  curl -s -XPOST ${system.url}/auth/dev-token -H 'content-type: application/json' -d '{"role":"clinic"}'`,
  );
  console.log(`  outbox: ${system.url}/dev/outbox`);
  console.log(`  RT chairs' web form: ${system.url}/rt/`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    console.log(`\n${signal}: stopping the server and DynamoDB Local…`);
    await system.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
} catch (error) {
  if (error instanceof JavaMissing) {
    console.error(error.message);
  } else if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
    console.error(`Port ${port} is in use: stop what runs there or start with PORT=3001 npm start`);
  } else {
    console.error(error);
  }
  process.exit(1);
}
