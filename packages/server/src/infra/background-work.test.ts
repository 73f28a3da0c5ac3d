import { describe, expect, it } from 'vitest';
import { BackgroundWork } from './background-work.js';

describe('BackgroundWork', () => {
  it('runs tasks after the caller returns, reports failures, and settles once all are done', async () => {
    const failures: string[] = [];
    const work = new BackgroundWork((error, what) => failures.push(`${what}: ${(error as Error).message}`));
    const done: number[] = [];
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    work.run('first', async () => {
      await gate;
      done.push(1);
    });
    work.run('second', async () => {
      throw new Error('boom');
    });
    expect(done).toEqual([]);
    const settled = work.settle();
    release();
    await settled;
    expect(done).toEqual([1]);
    expect(failures).toEqual(['second: boom']);
  });

  it('drops tasks past its limit and says so, instead of queueing without end', async () => {
    const failures: string[] = [];
    const work = new BackgroundWork((_error, what) => failures.push(what), 2);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let ran = 0;
    for (let i = 0; i < 3; i++)
      work.run(`task ${i}`, async () => {
        await gate;
        ran += 1;
      });
    release();
    await work.settle();
    expect(ran).toBe(2);
    expect(failures).toEqual(['task 2']);
  });
});
