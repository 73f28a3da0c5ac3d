import { afterEach, describe, expect, it, vi } from 'vitest';
import { GroupCommit } from './group-commit.js';

/** A commit function that records its batches and can be held open or made to fail. */
function recorder(options: { fail?: (item: number) => boolean } = {}) {
  const batches: number[][] = [];
  let release: (() => void) | undefined;
  let held: Promise<void> | undefined;
  const commit = async (items: number[]) => {
    batches.push([...items]);
    if (held) await held;
    if (options.fail && items.some(options.fail)) throw new Error(`batch ${items.join(',')} failed`);
    return items.map((n) => n * 10);
  };
  return {
    batches,
    commit,
    hold() {
      held = new Promise((r) => (release = r));
    },
    release() {
      held = undefined;
      release?.();
    },
  };
}

const settle = (promises: Promise<number>[]) => Promise.allSettled(promises);

describe('GroupCommit', () => {
  afterEach(() => void vi.useRealTimers());

  it('commits everything submitted in the same turn as one batch, each caller getting its own result', async () => {
    const r = recorder();
    const writer = new GroupCommit(r.commit, 100);
    const results = await Promise.all([1, 2, 3, 4].map((n) => writer.submit(n)));
    expect(results).toEqual([10, 20, 30, 40]);
    expect(r.batches).toEqual([[1, 2, 3, 4]]);
  });

  it('splits a burst into batches of at most maxBatch, in submission order', async () => {
    const r = recorder();
    const writer = new GroupCommit(r.commit, 3);
    const results = await Promise.all([1, 2, 3, 4, 5, 6, 7].map((n) => writer.submit(n)));
    expect(results).toEqual([10, 20, 30, 40, 50, 60, 70]);
    expect(r.batches).toEqual([[1, 2, 3], [4, 5, 6], [7]]);
  });

  it('lets what arrives during a full batch join the remainder, instead of committing the remainder alone', async () => {
    const r = recorder();
    const writer = new GroupCommit(r.commit, 3);
    r.hold();
    const burst = [1, 2, 3, 4].map((n) => writer.submit(n));
    await new Promise((resolve) => setImmediate(resolve));
    expect(r.batches).toEqual([[1, 2, 3]]);
    r.release();
    // Submitted in the turn after the full batch committed (as frames read off sockets are).
    const later = new Promise<number[]>((resolve) => setImmediate(() => resolve(Promise.all([writer.submit(5), writer.submit(6)]))));
    expect(await Promise.all([...burst, later])).toEqual([10, 20, 30, 40, [50, 60]]);
    expect(r.batches).toEqual([
      [1, 2, 3],
      [4, 5, 6],
    ]);
  });

  it('keeps one batch in flight: what arrives meanwhile waits and commits next, together', async () => {
    // The writer takes its turns with setImmediate: faked, every turn it scheduled can be run out.
    vi.useFakeTimers({ toFake: ['setImmediate'] });
    const r = recorder();
    const writer = new GroupCommit(r.commit, 100);
    r.hold();
    const first = writer.submit(1);
    await vi.runAllTimersAsync();
    expect(r.batches).toEqual([[1]]); // in flight
    const later = [writer.submit(2), writer.submit(3)];
    await vi.runAllTimersAsync(); // every turn the writer scheduled meanwhile, and those they scheduled, has run
    expect(r.batches).toEqual([[1]]); // nothing overtakes the open batch
    vi.useRealTimers();
    r.release();
    expect(await Promise.all([first, ...later])).toEqual([10, 20, 30]);
    expect(r.batches).toEqual([[1], [2, 3]]);
  });

  it('retries a failed batch item by item, so one bad item fails alone', async () => {
    const r = recorder({ fail: (n) => n === 2 });
    const writer = new GroupCommit(r.commit, 100);
    const outcomes = await settle([1, 2, 3].map((n) => writer.submit(n)));
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((outcomes[0] as PromiseFulfilledResult<number>).value).toBe(10);
    expect((outcomes[1] as PromiseRejectedResult).reason.message).toBe('batch 2 failed');
    expect(r.batches).toEqual([[1, 2, 3], [1], [2], [3]]);
  });

  it('keeps working after a failure', async () => {
    const r = recorder({ fail: (n) => n < 0 });
    const writer = new GroupCommit(r.commit, 100);
    await expect(writer.submit(-1)).rejects.toThrow('failed');
    await expect(writer.submit(5)).resolves.toBe(50);
  });

  it('flush resolves once everything submitted so far has committed', async () => {
    const r = recorder();
    const writer = new GroupCommit(r.commit, 2);
    r.hold();
    const done: number[] = [];
    for (const n of [1, 2, 3, 4, 5]) void writer.submit(n).then((v) => done.push(v));
    const flushed = writer.flush();
    setTimeout(() => r.release(), 5);
    await flushed;
    await new Promise((resolve) => setImmediate(resolve));
    expect(done.sort((a, b) => a - b)).toEqual([10, 20, 30, 40, 50]);
    await writer.flush(); // idle: returns at once
  });

  it('waits one more turn while submits are pending, so a write that work scheduled after the batch leads to joins it', async () => {
    for (const pendingRead of [false, true]) {
      const r = recorder();
      let pending = false;
      const writer = new GroupCommit(r.commit, 100, () => pending);
      const first = writer.submit(1); // the batch's turn is scheduled first
      pending = pendingRead;
      // Work scheduled after it in the same turn (a read of what an edit aims at), which then submits.
      const second = new Promise<number>((resolve) =>
        setImmediate(() => {
          pending = false;
          resolve(writer.submit(2));
        }),
      );
      expect(await Promise.all([first, second])).toEqual([10, 20]);
      expect(r.batches).toEqual(pendingRead ? [[1, 2]] : [[1], [2]]);
    }
  });
});
