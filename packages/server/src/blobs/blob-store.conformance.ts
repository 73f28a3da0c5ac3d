import { createHash, randomUUID } from 'node:crypto';
import { Readable } from 'node:stream';
import { buffer } from 'node:stream/consumers';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BlobStore } from './blob-store.js';

/** Deterministic bytes (not one repeated value: a chunk written twice or out of order shows). */
export function bytes(size: number, seed = 1): Buffer {
  const out = Buffer.alloc(size);
  let state = seed;
  for (let i = 0; i < size; i++) {
    state = (state * 1_103_515_245 + 12_345) >>> 0;
    out[i] = state >>> 24;
  }
  return out;
}

/** A stream of `data` in pieces of `piece` bytes that fails with `error` after `failAfter` bytes, if given. */
export function streamOf(data: Buffer, options: { piece?: number; failAfter?: number; error?: Error } = {}): Readable {
  const piece = options.piece ?? 64 * 1024;
  async function* pieces() {
    for (let at = 0; at < data.length; at += piece) {
      if (options.failAfter !== undefined && at >= options.failAfter) throw options.error ?? new Error('the body failed');
      yield data.subarray(at, Math.min(data.length, at + piece));
    }
    if (options.failAfter !== undefined) throw options.error ?? new Error('the body failed');
  }
  return Readable.from(pieces(), { objectMode: false });
}

const sha = (data: Buffer) => createHash('sha256').update(data).digest('hex');

/**
 * The behaviour every BlobStore driver must have, written once; each driver's test calls it with
 * a factory giving a store over a fresh place.
 */
export function describeBlobStoreConformance(name: string, open: () => Promise<{ store: BlobStore; dispose: () => Promise<void> }>): void {
  describe(`BlobStore conformance: ${name}`, () => {
    let store: BlobStore;
    let dispose: () => Promise<void>;
    const key = () => `k${randomUUID()}`;

    beforeAll(async () => {
      ({ store, dispose } = await open());
    });
    afterAll(async () => {
      await dispose?.();
    });

    it('answers ping', async () => {
      await expect(store.ping()).resolves.toBeUndefined();
    });

    it('stores a streamed body and gives it back whole, with its size', async () => {
      // Over two PostgreSQL chunks and a ragged end; pieces that do not line up with chunks.
      const data = bytes(600 * 1024 + 7);
      const k = key();
      await expect(store.put(k, streamOf(data, { piece: 10_000 }))).resolves.toEqual({ size: data.length });
      expect(await store.stat(k)).toEqual({ size: data.length });
      expect(sha(await buffer((await store.get(k))!))).toBe(sha(data));
    });

    it('gives back byte ranges: first byte, across chunk boundaries, the last bytes', async () => {
      const data = bytes(600 * 1024 + 7, 2);
      const k = key();
      await store.put(k, streamOf(data));
      for (const [start, end] of [
        [0, 0],
        [10, 19],
        [256 * 1024 - 5, 256 * 1024 + 4],
        [100_000, 550_000],
        [data.length - 3, data.length - 1],
        [0, data.length - 1],
      ] as const) {
        const got = await buffer((await store.get(k, { start, end }))!);
        expect(got.equals(data.subarray(start, end + 1)), `bytes ${start}-${end}`).toBe(true);
      }
    });

    it('stores an empty body', async () => {
      const k = key();
      await expect(store.put(k, streamOf(Buffer.alloc(0)))).resolves.toEqual({ size: 0 });
      expect(await store.stat(k)).toEqual({ size: 0 });
      expect((await buffer((await store.get(k))!)).length).toBe(0);
    });

    it('answers undefined for a key it does not hold', async () => {
      expect(await store.stat(key())).toBeUndefined();
      expect(await store.get(key())).toBeUndefined();
      expect(await store.get(key(), { start: 0, end: 1 })).toBeUndefined();
    });

    it('replaces what a key held', async () => {
      const k = key();
      await store.put(k, streamOf(bytes(1000, 3)));
      const second = bytes(300_000, 4);
      await store.put(k, streamOf(second));
      expect(await store.stat(k)).toEqual({ size: second.length });
      expect(sha(await buffer((await store.get(k))!))).toBe(sha(second));
    });

    it('keeps nothing of a body that fails half-way, and rejects with its error', async () => {
      const k = key();
      const error = new Error('refused half-way');
      await expect(store.put(k, streamOf(bytes(700 * 1024, 5), { failAfter: 400 * 1024, error }))).rejects.toThrow('refused half-way');
      expect(await store.stat(k)).toBeUndefined();
      expect(await store.get(k)).toBeUndefined();
    });

    it('keeps what a key held when a put replacing it fails', async () => {
      const k = key();
      const first = bytes(50_000, 6);
      await store.put(k, streamOf(first));
      await expect(store.put(k, streamOf(bytes(700 * 1024, 7), { failAfter: 300 * 1024 }))).rejects.toThrow();
      expect(sha(await buffer((await store.get(k))!))).toBe(sha(first));
    });

    it('lists every key it holds, and none it deleted or never finished', async () => {
      const [kept, deleted, failed] = [key(), key(), key()];
      await store.put(kept, streamOf(bytes(10, 8)));
      await store.put(deleted, streamOf(bytes(10, 9)));
      await store.delete(deleted);
      await expect(store.put(failed, streamOf(bytes(1000), { failAfter: 10 }))).rejects.toThrow();
      const listed = new Set<string>();
      for await (const k of store.keys()) listed.add(k);
      expect([listed.has(kept), listed.has(deleted), listed.has(failed)]).toEqual([true, false, false]);
    });

    it('deletes, idempotently', async () => {
      const k = key();
      await store.put(k, streamOf(bytes(10)));
      await store.delete(k);
      expect(await store.stat(k)).toBeUndefined();
      expect(await store.get(k)).toBeUndefined();
      await expect(store.delete(k)).resolves.toBeUndefined();
    });

    it('refuses keys that are not ids (no path can escape the store)', async () => {
      for (const bad of ['../x', 'a/b', '', '.hidden', 'x'.repeat(200)]) {
        await expect(store.put(bad, streamOf(bytes(1)))).rejects.toThrow(/not a blob key/);
        await expect(store.stat(bad)).rejects.toThrow(/not a blob key/);
      }
    });
  });
}
