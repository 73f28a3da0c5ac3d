import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, it } from 'vitest';
import { describeBlobStoreConformance, bytes, streamOf } from './blob-store.conformance.js';
import { DiskBlobStore } from './disk-blob-store.js';

describeBlobStoreConformance('disk', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'confab-blobs-'));
  return { store: new DiskBlobStore(root), dispose: async () => rmSync(root, { recursive: true, force: true }) };
});

it('leaves no temporary file behind a failed put', async () => {
  const root = mkdtempSync(path.join(tmpdir(), 'confab-blobs-'));
  const store = new DiskBlobStore(root);
  await expect(store.put('abc', streamOf(bytes(300_000), { failAfter: 100_000 }))).rejects.toThrow();
  expect(readdirSync(path.join(root, 'tmp'))).toEqual([]);
  rmSync(root, { recursive: true, force: true });
});
