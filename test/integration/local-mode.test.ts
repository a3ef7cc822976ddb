// `npm start` as a newcomer runs it: starts, serves, keeps data across restarts, stops Java on Ctrl-C,
// and says in one line how to install Java when it is missing.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { demoRts } from '../../infra/local/demo-data.ts';
import { startLocalSystem } from '../../infra/local/system.ts';
import { todayWib } from '../../shared/platform/wib.ts';

const javaProcesses = (marker: string) => {
  try {
    return execFileSync('pgrep', ['-f', marker], { encoding: 'utf8' }).trim().split('\n').filter(Boolean)
      .length;
  } catch {
    return 0;
  }
};

function startCli(env: NodeJS.ProcessEnv, args: string[] = []): ChildProcess {
  return spawn(process.execPath, ['--import', 'tsx', 'infra/local/start.ts', ...args], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

function waitFor(child: ChildProcess, pattern: RegExp, ms = 60_000): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${pattern}: ${out}`)), ms);
    const onData = (d: Buffer) => {
      out += d;
      const m = pattern.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve(m[1] ?? m[0]);
      }
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', onData);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

/** A city_admin's view of the city's UHC figures, through the server. */
async function residentsCounted(url: string): Promise<number> {
  const login = await fetch(`${url}/auth/dev-token`, {
    method: 'POST',
    body: JSON.stringify({ role: 'city_admin' }),
  });
  const { token } = (await login.json()) as { token: string };
  const uhc = (await (
    await fetch(`${url}/uhc`, { headers: { authorization: `Bearer ${token}` } })
  ).json()) as {
    residents: number;
  };
  return uhc.residents;
}

const dataDir = mkdtempSync(join(tmpdir(), 'sehatkota-data-'));
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

describe('local mode', { timeout: 120_000 }, () => {
  it('npm start serves the seeded system, and Ctrl-C stops the server and Java', async () => {
    const child = startCli({ PORT: '0' }, ['--in-memory']);
    const url = await waitFor(child, /running on (http:\/\/localhost:\d+)/);
    expect(await residentsCounted(url)).toBe(500);
    // The demo RTs' funds of this year, as the public pages show them: the tier allocation, expenses, a reversal.
    const fund = (await (
      await fetch(`${url}/funds/${demoRts(1)[0]!.rt}/${todayWib().slice(0, 4)}`)
    ).json()) as {
      allocated: number;
      balance: number;
      entries: { kind: string }[];
    };
    expect(fund.allocated).toBeGreaterThan(0);
    expect(fund.balance).toBeLessThan(fund.allocated);
    expect(fund.entries.map((e) => e.kind)).toEqual(
      expect.arrayContaining(['ALLOCATION', 'EXPENSE', 'REVERSAL']),
    );
    expect(await (await fetch(`${url}/dana/`)).text()).toContain('Kampung Bahagia');
    const javaBefore = javaProcesses(`DynamoDBLocal.jar -port`);
    expect(javaBefore).toBeGreaterThan(0);
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGINT');
    expect(await exited).toBe(0);
    // The child's own DynamoDB Local is gone (others — this test run's — may remain).
    expect(javaProcesses('DynamoDBLocal.jar -port')).toBe(javaBefore - 1);
  });

  it('keeps data across restarts and seeds only the first time', async () => {
    const first = await startLocalSystem({ port: 0, quiet: true, dataDir });
    expect(first.seeded).toEqual({ rts: 12, residents: 500, units: 12, puskesmas: 6 });
    await first.stop();
    const second = await startLocalSystem({ port: 0, quiet: true, dataDir });
    expect(second.seeded).toBeUndefined();
    expect(await residentsCounted(second.url)).toBe(500);
    await second.stop();
  });

  it('without Java, says in one line how to install it', async () => {
    const child = startCli({ PATH: '/nonexistent' });
    const out = await waitFor(child, /(?!)/, 30_000);
    expect(child.exitCode).toBe(1);
    expect(out.trim()).toBe(
      'Java is needed for DynamoDB Local and was not found: install it with `apt-get install -y default-jre-headless`',
    );
  });
});
