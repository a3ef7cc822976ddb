import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/support/global-setup.ts'],
    // Fails any test during which a citizen's raw NIK or phone reaches a log line (test/support/log-guard.ts).
    setupFiles: ['test/support/log-guard.ts', 'test/support/city.ts'],
    pool: 'forks',
    testTimeout: 30_000,
    hookTimeout: 120_000,
    env: {
      AWS_REGION: 'ap-southeast-3',
      AWS_ACCESS_KEY_ID: 'test',
      AWS_SECRET_ACCESS_KEY: 'test',
      POWERTOOLS_LOG_LEVEL: 'WARN',
      // Logs go through the global console, where tests can read them.
      POWERTOOLS_DEV: 'true',
      LOCAL_ACCESS_LOG: '0',
    },
  },
});
