import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const src = (pkg: string) => fileURLToPath(new URL(`./packages/${pkg}/src/index.ts`, import.meta.url));

/**
 * Four tiers, one vitest project each; `npm test` runs all of them, `npm run test:<tier>` one:
 * - unit: the `*.test.ts(x)` beside the code. Node alone, no service, no server process.
 * - e2e: a real server on a random port, the store on every engine, fan-out across real nodes,
 *   nginx in front; and the `*.integration.test.ts` beside the code, which need a service
 *   (PostgreSQL, Redis, an S3 emulator). Services that are missing skip loudly (test/services.ts).
 * - browser: the web app in Debian's Chromium through playwright-core.
 * - image: the container image built with podman and run.
 */
const INTEGRATION = '**/*.integration.test.ts';
const BROWSER = 'packages/web/test/**/*.browser.test.ts';
const IMAGE = 'packages/server/test/e2e/container-image.test.ts';

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
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // expect.poll bounds how long a test waits for something to happen, not how fast it must be:
    // the 1 s default failed a browser test once a stopped service worker took longer to start
    // beside the other worker's load (CI, stop 25).
    expect: { poll: { timeout: 10_000 } },
    // Two cores: one worker per core keeps end-to-end timings steady.
    maxWorkers: 2,
    // Each worker keeps the modules it loaded from one test file to the next: with a fresh module
    // graph per file, importing the server, its drivers and playwright again took 455 s of a CI
    // run's 2,900 s of test work (2026-11-29, AMD host). No test mocks modules, stubs globals or
    // changes process.env; fake timers are put back after each test that uses them.
    isolate: false,
    // Test servers hash passwords at the event loop's priority: beside the other worker's busy
    // servers, niced hashing threads (the production default, ARGON2_THREAD_NICE) would wait
    // seconds for each sign-up. password-threads.test.ts checks the niceness itself.
    env: { ARGON2_THREAD_NICE: '0' },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['packages/*/src/**/*.test.ts', 'packages/web/src/**/*.test.tsx', 'bench/src/**/*.test.ts'],
          exclude: [INTEGRATION],
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['packages/*/test/**/*.test.ts', INTEGRATION],
          exclude: [BROWSER, IMAGE, '**/node_modules/**'],
        },
      },
      // A browser test is several waits, each bounded by a whole message trip, 30 s (its polls
      // here; its locators in browser.ts): every page is an encryption device doing ts-mls work on
      // its main thread, and under CI's load one test took 33 s where it takes 7 s alone (stop 48),
      // and a send after a reload did not reach the other side's history in a 10 s poll (stop 48's
      // CI; it takes 0.3 s alone). A wait that does run out prints the pages' trace (failure-trace.ts).
      {
        extends: true,
        test: { name: 'browser', include: [BROWSER], testTimeout: 90_000, expect: { poll: { timeout: 30_000 } } },
      },
      { extends: true, test: { name: 'image', include: [IMAGE] } },
    ],
  },
});
