import type { Role } from '@confab/protocol';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AppError } from '../../errors.js';
import type { MemberRecord, MemberStore, Store } from '../../store/store.js';
import { MembershipCache } from './membership.js';
import { CLUSTER_TOPIC } from '../../bus/bus.js';
import { MemoryBus } from '../../bus/memory-bus.js';

/** A store whose members table is a plain map; counts loads and can hold a load open. */
function fakeStore(initial: Record<string, Record<string, Role>>) {
  const tables = new Map(Object.entries(initial).map(([id, roles]) => [id, new Map(Object.entries(roles))]));
  const loads: string[] = [];
  let gate: Promise<void> | undefined;
  let failNext = false;
  const members = {
    async listMembers(conversationId: string): Promise<MemberRecord[]> {
      loads.push(conversationId);
      const snapshot = [...(tables.get(conversationId) ?? new Map<string, Role>())];
      if (gate) await gate;
      if (failNext) {
        failNext = false;
        throw new Error('database unreachable');
      }
      return snapshot.map(([userId, role]) => ({ conversationId, userId, role, joinedAt: 0, readSeq: 0, deliveredSeq: 0 }));
    },
  } as Partial<MemberStore> as MemberStore;
  const store = { members } as Partial<Store> as Store;
  return {
    store,
    loads,
    set(conversationId: string, userId: string, role: Role | undefined) {
      const table = tables.get(conversationId) ?? new Map<string, Role>();
      tables.set(conversationId, table);
      if (role === undefined) table.delete(userId);
      else table.set(userId, role);
    },
    holdLoads() {
      let open!: () => void;
      gate = new Promise((r) => (open = r));
      return () => {
        gate = undefined;
        open();
      };
    },
    failNextLoad() {
      failNext = true;
    },
  };
}

async function notFoundError(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('MembershipCache', () => {
  it("answers a member's role and loads each conversation once", async () => {
    const db = fakeStore({ c1: { alice: 'owner', bob: 'member' } });
    const cache = new MembershipCache(db.store);
    expect(await cache.requireRole('c1', 'alice')).toBe('owner');
    expect(await cache.requireRole('c1', 'bob')).toBe('member');
    expect(await cache.members('c1')).toEqual(
      new Map([
        ['alice', 'owner'],
        ['bob', 'member'],
      ]),
    );
    expect(db.loads).toEqual(['c1']);
  });

  it('throws the same not_found for a non-member and for a conversation that does not exist', async () => {
    const db = fakeStore({ c1: { alice: 'owner' } });
    const cache = new MembershipCache(db.store);
    const notMember = await notFoundError(cache.requireRole('c1', 'mallory'));
    const missing = await notFoundError(cache.requireRole('nope', 'mallory'));
    expect(notMember).toMatchObject({ code: 'not_found', status: 404 });
    expect([missing.code, missing.message]).toEqual([notMember.code, notMember.message]);
  });

  it('shares one load between concurrent checks', async () => {
    const db = fakeStore({ c1: { alice: 'owner', bob: 'member' } });
    const cache = new MembershipCache(db.store);
    const roles = await Promise.all([cache.requireRole('c1', 'alice'), cache.requireRole('c1', 'bob'), cache.members('c1')]);
    expect(roles.slice(0, 2)).toEqual(['owner', 'member']);
    expect(db.loads).toEqual(['c1']);
  });

  it('reloads after invalidate, so a committed change is seen at once', async () => {
    const db = fakeStore({ c1: { alice: 'owner' } });
    const cache = new MembershipCache(db.store);
    await notFoundError(cache.requireRole('c1', 'bob'));
    db.set('c1', 'bob', 'member');
    await notFoundError(cache.requireRole('c1', 'bob')); // still cached
    cache.invalidate('c1');
    expect(await cache.requireRole('c1', 'bob')).toBe('member');
    db.set('c1', 'bob', undefined);
    cache.invalidate('c1');
    await notFoundError(cache.requireRole('c1', 'bob'));
  });

  it('does not keep a load that raced with a change: the next check reloads', async () => {
    const db = fakeStore({ c1: { alice: 'owner', bob: 'member' } });
    const cache = new MembershipCache(db.store);
    const release = db.holdLoads();
    const stale = cache.members('c1'); // reads the table before bob is removed
    db.set('c1', 'bob', undefined);
    cache.invalidate('c1');
    release();
    expect((await stale).has('bob')).toBe(true); // that caller saw the old state…
    await notFoundError(cache.requireRole('c1', 'bob')); // …but it was not cached
    expect(db.loads).toEqual(['c1', 'c1']);
  });

  it('does not cache a failed load', async () => {
    const db = fakeStore({ c1: { alice: 'owner' } });
    const cache = new MembershipCache(db.store);
    db.failNextLoad();
    await expect(cache.requireRole('c1', 'alice')).rejects.toThrow('database unreachable');
    expect(await cache.requireRole('c1', 'alice')).toBe('owner');
  });

  it('holds at most maxConversations, dropping the oldest first', async () => {
    const db = fakeStore({ a: { u: 'member' }, b: { u: 'member' }, c: { u: 'member' } });
    const cache = new MembershipCache(db.store, 2);
    for (const id of ['a', 'b', 'c']) await cache.requireRole(id, 'u');
    await cache.requireRole('c', 'u');
    await cache.requireRole('b', 'u');
    expect(db.loads).toEqual(['a', 'b', 'c']);
    await cache.requireRole('a', 'u'); // dropped: loaded again
    expect(db.loads).toEqual(['a', 'b', 'c', 'a']);
  });
});

describe('MembershipCache across nodes', () => {
  afterEach(() => void vi.useRealTimers());

  it('drops a conversation when another node announces a membership change on the cluster topic', async () => {
    const db = fakeStore({ c1: { alice: 'owner', bob: 'member' } });
    const bus = new MemoryBus();
    const cache = new MembershipCache(db.store);
    await cache.followCluster(bus);
    expect(await cache.requireRole('c1', 'bob')).toBe('member');
    db.set('c1', 'bob', undefined); // removed by another node
    expect(await cache.requireRole('c1', 'bob')).toBe('member'); // still cached…
    await bus.publish([CLUSTER_TOPIC], {
      type: 'member.removed',
      conversationId: 'c1',
      userId: 'bob',
      by: 'alice',
      pos: 9,
      prev: 8,
      cursor: 'e.9',
    });
    await expect(cache.requireRole('c1', 'bob')).rejects.toBeInstanceOf(AppError); // …until the news arrives
  });

  it('forgets everything when the bus resyncs, and reloads entries older than the TTL', async () => {
    // The TTL is read from Date.now: a fake clock moves past it without waiting.
    vi.useFakeTimers({ toFake: ['Date'] });
    const db = fakeStore({ c1: { alice: 'owner' } });
    const resyncs: (() => void)[] = [];
    const bus = Object.assign(new MemoryBus(), { onResync: (listener: () => void) => resyncs.push(listener) });
    const cache = new MembershipCache(db.store, 100, 50);
    await cache.followCluster(bus);
    await cache.requireRole('c1', 'alice');
    await cache.requireRole('c1', 'alice');
    expect(db.loads).toEqual(['c1']);
    for (const resync of resyncs) resync();
    await cache.requireRole('c1', 'alice');
    expect(db.loads).toEqual(['c1', 'c1']);
    vi.advanceTimersByTime(49);
    await cache.requireRole('c1', 'alice');
    expect(db.loads).toEqual(['c1', 'c1']); // still within the TTL of 50 ms
    vi.advanceTimersByTime(11);
    await cache.requireRole('c1', 'alice');
    expect(db.loads).toEqual(['c1', 'c1', 'c1']);
  });
});
