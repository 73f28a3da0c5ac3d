import { describe, expect, it } from 'vitest';
import { DeviceListReads, SHARED_READ_MAX_AGE_MS } from './device-list-reads.js';

/** A loader that counts its requests and answers each with its number, so a shared answer can be told from a new one. */
function counting() {
  const requests: string[] = [];
  let clock = 0;
  const reads = new DeviceListReads(
    async (userId: string) => {
      const n = requests.push(userId);
      await Promise.resolve();
      if (userId === 'broken') throw new Error('unreachable');
      return `${userId}#${n}`;
    },
    // One request for several users; a user it does not know ('ghost') is left out of its answer.
    async (userIds: string[]) => {
      const n = requests.push(userIds.join('+'));
      await Promise.resolve();
      if (userIds.includes('broken')) throw new Error('unreachable');
      return new Map(userIds.filter((id) => id !== 'ghost').map((id) => [id, Promise.resolve(`${id}#${n}`)]));
    },
    () => clock,
  );
  return { reads, requests, advance: (ms: number) => (clock += ms) };
}

describe('DeviceListReads', () => {
  it('shares one request per user among the concurrent and repeated checks of one operation', async () => {
    const { reads, requests } = counting();
    const answers = await reads.during(async () => {
      const concurrent = await Promise.all([reads.read('u1'), reads.read('u1'), reads.read('u2'), reads.read('u1')]);
      return [...concurrent, await reads.read('u1'), await reads.read('u2')];
    });
    expect(requests).toEqual(['u1', 'u2']);
    expect(answers).toEqual(['u1#1', 'u1#1', 'u2#2', 'u1#1', 'u1#1', 'u2#2']);
  });

  it('keeps nothing outside an operation, nor after the last one running ends', async () => {
    const { reads, requests } = counting();
    await reads.read('u1');
    await reads.read('u1');
    expect(requests).toEqual(['u1', 'u1']);
    await reads.during(async () => {
      await reads.during(() => reads.read('u1'));
      // The inner operation ended, the outer one runs: still shared.
      expect(await reads.read('u1')).toBe('u1#3');
    });
    expect(await reads.during(() => reads.read('u1'))).toBe('u1#4');
    expect(requests).toHaveLength(4);
  });

  it('reads again after `forget` (a new identity key, a revocation), even one still in flight', async () => {
    const { reads, requests } = counting();
    await reads.during(async () => {
      const inFlight = reads.read('u1');
      reads.forget('u1');
      const after = reads.read('u1');
      expect(await inFlight).toBe('u1#1');
      expect(await after).toBe('u1#2');
      expect(await reads.read('u1')).toBe('u1#2');
    });
    expect(requests).toEqual(['u1', 'u1']);
  });

  it('reads again once a kept list is older than the bound, while operations keep running', async () => {
    const { reads, requests, advance } = counting();
    await reads.during(async () => {
      await reads.read('u1');
      advance(SHARED_READ_MAX_AGE_MS);
      await reads.read('u1');
      advance(1);
      expect(await reads.read('u1')).toBe('u1#2');
    });
    expect(requests).toEqual(['u1', 'u1']);
  });

  it('reads the users an operation names first in one request, and only those not kept yet', async () => {
    const { reads, requests } = counting();
    await reads.during(async () => {
      await reads.read('u1');
      await reads.prime(['u1', 'u2', 'u3', 'u2', 'ghost']);
      const answers = await Promise.all(['u1', 'u2', 'u3', 'ghost'].map((id) => reads.read(id)));
      expect(answers).toEqual(['u1#1', 'u2#2', 'u3#2', 'ghost#3']);
      await reads.prime(['u2', 'u3']);
    });
    // The batch, then the user it left out read alone; the second prime found every list kept.
    expect(requests).toEqual(['u1', 'u2+u3+ghost', 'ghost']);
    await reads.prime(['u4']);
    expect(requests).toHaveLength(3);
  });

  it('a failed batch is not shared: each check reads again', async () => {
    const { reads, requests } = counting();
    await reads.during(async () => {
      await reads.prime(['u1', 'broken']);
      expect(await reads.read('u1')).toBe('u1#2');
    });
    expect(requests).toEqual(['u1+broken', 'u1']);
  });

  it('does not share a failed read: the next check asks again', async () => {
    const { reads, requests } = counting();
    await reads.during(async () => {
      await expect(reads.read('broken')).rejects.toThrow('unreachable');
      await expect(reads.read('broken')).rejects.toThrow('unreachable');
    });
    expect(requests).toEqual(['broken', 'broken']);
  });

  it('ends the operation when its work throws', async () => {
    const { reads, requests } = counting();
    await expect(
      reads.during(async () => {
        await reads.read('u1');
        throw new Error('commit refused');
      }),
    ).rejects.toThrow('commit refused');
    await reads.during(() => reads.read('u1'));
    expect(requests).toEqual(['u1', 'u1']);
  });
});
