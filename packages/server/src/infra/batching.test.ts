import { describe, expect, it } from 'vitest';
import { batchedReads, batchedWrites, sharedRead } from './batching.js';

describe('batchedReads', () => {
  it('answers the calls of one moment with one read, each its own value or the default', async () => {
    const reads: string[][] = [];
    const loader = batchedReads(
      async (keys) => {
        reads.push([...keys]);
        return new Map(keys.filter((k) => k !== 'nobody').map((k) => [k, [`${k}'s`]]));
      },
      (): string[] => [],
    );
    const answers = await Promise.all([loader.load('alice'), loader.load('bob'), loader.load('nobody')]);
    expect(answers).toEqual([["alice's"], ["bob's"], []]);
    expect(reads).toEqual([['alice', 'bob', 'nobody']]);
  });

  it('keeps nothing: a later call is read again, after it was made', async () => {
    let version = 0;
    const loader = batchedReads(
      async (keys) => new Map(keys.map((k) => [k, version])),
      () => -1,
    );
    expect(await loader.load('alice')).toBe(0);
    version = 1;
    expect(await loader.load('alice')).toBe(1);
  });

  it('fails every call of a read that fails', async () => {
    const loader = batchedReads(
      () => Promise.reject(new Error('store down')),
      () => 0,
    );
    const answers = await Promise.allSettled([loader.load('a'), loader.load('b')]);
    expect(answers.map((a) => a.status)).toEqual(['rejected', 'rejected']);
  });
});

describe('sharedRead', () => {
  it('reads once for the calls of one moment, and again for a later one', async () => {
    let reads = 0;
    const head = sharedRead(async () => ++reads);
    expect(await Promise.all([head(), head(), head()])).toEqual([1, 1, 1]);
    expect(await head()).toBe(2);
  });
});

describe('batchedWrites', () => {
  it('carries the calls of one moment in one write, in the order they were made, and settles each after it', async () => {
    const writes: string[][] = [];
    let written = false;
    const write = batchedWrites<string>(async (items) => {
      await Promise.resolve();
      writes.push([...items]);
      written = true;
    });
    const seen = await Promise.all(['a', 'b', 'a'].map(async (item) => (await write(item), written)));
    expect(writes).toEqual([['a', 'b', 'a']]);
    expect(seen).toEqual([true, true, true]);
    await write('c');
    expect(writes).toEqual([['a', 'b', 'a'], ['c']]);
  });

  it('fails every call of a write that fails', async () => {
    const write = batchedWrites<number>(() => Promise.reject(new Error('disk full')));
    const results = await Promise.allSettled([write(1), write(2)]);
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected']);
  });
});
