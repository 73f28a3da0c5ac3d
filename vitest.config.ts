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
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts', 'bench/src/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Two cores: one worker per core keeps end-to-end timings steady.
    maxWorkers: 2,
  },
});
