import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import root from '../../../vitest.config.js';

/** `npm run figures -w @confab/web`: the root's setup, only the figures, one at a time, with long timeouts. */
export default defineConfig({
  ...root,
  root: fileURLToPath(new URL('../../..', import.meta.url)),
  test: {
    ...root.test,
    // Not the root's four projects: each has its own include, which would run the whole suite.
    projects: undefined,
    include: ['packages/web/figures/**/*.figures.ts'],
    maxWorkers: 1,
    testTimeout: 600_000,
    hookTimeout: 300_000,
  },
});
