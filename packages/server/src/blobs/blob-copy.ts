import { createHash } from 'node:crypto';
import type { BlobStore } from './blob-store.js';

/**
 * Copies every blob `to` lacks (a blob there of the same size is taken as copied: a put is whole
 * or nothing, so an interrupted copy leaves no half file), for `confab migrate-store`.
 */
export async function copyBlobs(from: BlobStore, to: BlobStore, progress: (copied: number) => void): Promise<number> {
  let copied = 0;
  for await (const key of from.keys()) {
    const [here, there] = await Promise.all([from.stat(key), to.stat(key)]);
    if (!here) continue; // deleted since it was listed
    if (there?.size !== here.size) {
      const body = await from.get(key);
      if (!body) continue;
      await to.put(key, body);
    }
    progress(++copied);
  }
  return copied;
}

/** Every blob, summed up: how many, and a SHA-256 over each key, size and content's SHA-256 in key order. */
export async function sumBlobs(store: BlobStore): Promise<{ blobs: number; sha256: string }> {
  const keys: string[] = [];
  for await (const key of store.keys()) keys.push(key);
  keys.sort();
  const sum = createHash('sha256');
  for (const key of keys) {
    const body = await store.get(key);
    const content = createHash('sha256');
    let size = 0;
    for await (const chunk of body ?? []) {
      content.update(chunk as Buffer);
      size += (chunk as Buffer).length;
    }
    sum.update(`${key} ${size} ${content.digest('hex')}\n`);
  }
  return { blobs: keys.length, sha256: sum.digest('hex') };
}
