import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describeStoreConformance } from '../store.conformance.js';
import { openSqliteStore } from './sqlite-store.js';

describeStoreConformance('sqlite', async () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-store-'));
  const store = openSqliteStore(path.join(dir, 'test.sqlite3'));
  await store.migrate();
  return {
    store,
    dispose: async () => {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
});
