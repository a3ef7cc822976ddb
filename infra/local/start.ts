// `npm start`: the whole system on http://localhost:3000 (PORT to change) for the city CITY_CODE names (default 15.71,
// Kota Jambi), data kept in .data/<city code>/; `npm start -- --in-memory` for a throw-away run. Ctrl-C stops Java too.
import { relative } from 'node:path';
import { city } from '#shared/city/regions.ts';
import { config } from '#shared/platform/config.ts';
import { JavaMissing } from './dynamodb-local.ts';
import { dataDirFor, moveUnfolderedData, ROOT, startLocalSystem } from './system.ts';

const inMemory = process.argv.includes('--in-memory');
const port = Number(process.env.PORT ?? 3000);

try {
  if (!inMemory) moveUnfolderedData(console.log);
  const dataDir = inMemory ? undefined : dataDirFor(config().CITY_CODE);
  const host = process.env.HOST;
  const system = await startLocalSystem({
    port,
    demoFunds: true,
    ...(host ? { host } : {}),
    ...(dataDir ? { dataDir } : {}),
  });
  if (system.seeded) {
    const { rts, residents, units, puskesmas, fundEntries = 0 } = system.seeded;
    console.log(
      `Seeded demo data: ${rts} RTs with their chairs' accounts, ${residents} residents, ${units} units, ` +
        `${puskesmas} puskesmas, ${fundEntries} RT fund entries ` +
        '(demo; clinic token: {"role":"clinic","puskesmas":"<code>"})',
    );
    if (!units) {
      console.log(
        '  no demo units: idn-area-data does not say where this city is; DEMO_UNITS_AROUND=lat,lon sets it',
      );
    }
  }
  const where = dataDir ? `data in ${relative(ROOT, dataDir)}/` : 'in memory';
  console.log(`SehatKota for ${city().name} (${city().code}) is running on ${system.url} (${where})`);
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
