import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

export default defineConfig({
  resolve: {
    // Tests run the TypeScript sources of the workspace packages, not their build output.
    alias: {
      '@confab/protocol': src('protocol'),
      '@confab/client': src('client'),
      '@confab/server': src('server'),
    },
  },
  test: {
    globalSetup: ['packages/server/test/global-setup.ts'],
    include: ['packages/*/src/**/*.test.ts', 'packages/web/src/**/*.test.tsx', 'packages/*/test/**/*.test.ts', 'bench/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll bounds how long a test waits for something to happen, not how fast it must be:
    // the 1 s default failed a browser test once a stopped service worker took longer to start
    // beside the other worker's load (CI, stop 25).
    expect: { poll: { timeout: 10_000 } },
    // Two cores: one worker per core keeps end-to-end timings steady.
    maxWorkers: 2,
    // Test servers hash passwords at the event loop's priority: beside the other worker's busy
    // servers, niced hashing threads (the production default, ARGON2_THREAD_NICE) would wait
    // seconds for each sign-up. password-threads.test.ts checks the niceness itself.
    env: { ARGON2_THREAD_NICE: '0' },
  },
});
