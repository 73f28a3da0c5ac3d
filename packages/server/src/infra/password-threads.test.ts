import { readdirSync, readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PasswordThreads } from './password-threads.js';

const options = { algorithm: 2, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

/** The nice value of each of this process's threads (Linux: field 19 of /proc/self/task/<tid>/stat). */
function threadNiceValues(): number[] {
  return readdirSync('/proc/self/task').map((tid) => {
    const stat = readFileSync(`/proc/self/task/${tid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
  });
}

describe('PasswordThreads', () => {
  it('hashes and verifies on as many threads as asked, all at once', async () => {
    const threads = new PasswordThreads(0, 2);
    const hashes = await Promise.all(['one', 'two', 'three', 'four'].map((p) => threads.hash(`${p} password`, options)));
    for (const hash of hashes) expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await Promise.all(hashes.map((hash, i) => threads.verify(hash, `${['one', 'two', 'three', 'four'][i]} password`)))).toEqual([
      true,
      true,
      true,
      true,
    ]);
    expect(await threads.verify(hashes[0]!, 'two password')).toBe(false);
  });

  it.runIf(process.platform === 'linux')(
    'runs its threads at the nice value asked, leaving the rest of the process as it was',
    async () => {
      const before = threadNiceValues().filter((nice) => nice === 13).length;
      const threads = new PasswordThreads(13, 2);
      await Promise.all([threads.hash('a password', options), threads.hash('another one', options)]);
      expect(threadNiceValues().filter((nice) => nice === 13).length).toBe(before + 2);
      expect(threadNiceValues().filter((nice) => nice === 0).length).toBeGreaterThan(0); // the event loop's among them
    },
  );

  it('rejects what argon2 refuses, with its reason, and goes on working', async () => {
    const threads = new PasswordThreads(0, 1);
    await expect(threads.verify('$argon2id$not-a-hash', 'x')).rejects.toThrow(/./);
    expect(await threads.hash('still here', options)).toMatch(/^\$argon2id\$/);
  });
});
