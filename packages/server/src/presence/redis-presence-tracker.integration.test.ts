import { randomUUID } from 'node:crypto';
import { expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { pino } from 'pino';
import { redisService, requireService } from '../../test/services.js';
import { describePresenceTrackerConformance } from './presence-tracker.conformance.js';
import { RedisPresenceTracker } from './redis-presence-tracker.js';

const describeRedis = await requireService(redisService);
const logger = pino({ level: 'silent' });
const open = (prefix = `confab-test:${randomUUID()}:`, ttlMs = 30_000) =>
  new RedisPresenceTracker({ url: redisService.url, prefix, logger, ttlMs });

/**
 * The refresh tests' TTL: the tracker refreshes every third of it, so a refresh may come up to
 * two thirds late. At 400 ms, a CPU-starved test run (load ~8) stalled the refresh past that.
 */
const LOADED_TTL_MS = 1500;
/** Time itself is under test: past the TTL and the key's PEXPIRE (twice the TTL, Redis's clock); no event stands for it. */
const pastTheTtl = () => new Promise((r) => setTimeout(r, LOADED_TTL_MS * 2 + 500));

describePresenceTrackerConformance('redis', () => Promise.resolve(open()), describeRedis);

describeRedis('RedisPresenceTracker across nodes', () => {
  it('shares presence between nodes, and a dead node’s users expire, reported once', async () => {
    const prefix = `confab-test:${randomUUID()}:`;
    const [nodeA, nodeB, nodeC] = [open(prefix, 600), open(prefix, 600), open(prefix, 600)];
    const admin = new Redis(redisService.url);
    const expired: [string, string, number][] = [];
    nodeB.onExpired((user, at) => expired.push(['B', user, at]));
    nodeC.onExpired((user, at) => expired.push(['C', user, at]));
    const user = randomUUID();
    try {
      const [tickB, tickC] = [await tickWatcher(nodeB, prefix, admin), await tickWatcher(nodeC, prefix, admin)];
      expect(await nodeA.connect(user, 'a-1')).toBe(true);
      expect(await nodeB.isOnline(user)).toBe(true);
      expect(await nodeB.connect(user, 'b-1')).toBe(false); // online already, through node A
      expect(await nodeB.disconnect(user, 'b-1')).toBe(false);

      await nodeA.close(); // node A dies: nobody refreshes its connection any more
      const diedAt = Date.now();
      const deadline = Date.now() + 5000;
      while (expired.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      await Promise.all([tickB(), tickC()]); // a second report would have come by now
      expect(expired.map(([, u]) => u)).toEqual([user]);
      expect(expired[0]![2]).toBeLessThanOrEqual(diedAt + 700);
      expect(await nodeB.isOnline(user)).toBe(false);
    } finally {
      admin.disconnect();
      await Promise.all([nodeA.close(), nodeB.close(), nodeC.close()]);
    }
  });

  it('keeps a live node’s users online past the TTL by refreshing them', async () => {
    const tracker = open(`confab-test:${randomUUID()}:`, LOADED_TTL_MS);
    const user = randomUUID();
    try {
      await tracker.connect(user, 'c');
      await pastTheTtl();
      expect(await tracker.isOnline(user)).toBe(true);
    } finally {
      await tracker.close();
    }
  });

  it('keeps every connection of a node with many online, refreshed a pipeline at a time', async () => {
    const tracker = open(`confab-test:${randomUUID()}:`, LOADED_TTL_MS);
    // More than several refresh pipelines' worth, one connection per user.
    const users = Array.from({ length: 1_050 }, () => randomUUID());
    try {
      await Promise.all(users.map((user, i) => tracker.connect(user, `c${i}`)));
      await pastTheTtl();
      const online = await Promise.all(users.map((user) => tracker.isOnline(user)));
      expect(online.filter((o) => !o)).toHaveLength(0);
    } finally {
      await tracker.close();
    }
  });

  it('reports a connection that was expired and swept but is alive after all (a stalled node)', async () => {
    const prefix = `confab-test:${randomUUID()}:`;
    const tracker = open(prefix, 300);
    const other = new Redis(redisService.url);
    const revived: string[] = [];
    tracker.onRevived((user) => revived.push(user));
    const user = randomUUID();
    try {
      await tracker.connect(user, 'c');
      // What another node's sweep does to an expired entry while this node is stalled.
      await other.zrem(`${prefix}presence:user:${user}`, 'c');
      await other.zrem(`${prefix}presence:index`, `${user}|c`);
      const deadline = Date.now() + 3000;
      while (revived.length === 0 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 25));
      expect(revived).toEqual([user]);
      expect(await tracker.isOnline(user)).toBe(true);
    } finally {
      other.disconnect();
      await tracker.close();
    }
  });
});

/**
 * Watches `node`'s ticks through a connection of its own: the returned function resolves once a
 * sweep of the node that began after the call has ended. Taken out of Redis (as another
 * node's sweep would), the connection is put back by the node's next refresh, which reports it
 * through `onRevived` and then sweeps; taken out again, the next report can only come from a
 * later tick (ticks never overlap), so by then that sweep has ended.
 */
async function tickWatcher(node: RedisPresenceTracker, prefix: string, admin: Redis): Promise<() => Promise<void>> {
  const probe = randomUUID();
  const revived: string[] = [];
  node.onRevived((user) => void (user === probe && revived.push(user)));
  await node.connect(probe, 'probe');
  return async () => {
    for (let round = 0; round < 2; round += 1) {
      const before = revived.length;
      await admin.zrem(`${prefix}presence:user:${probe}`, 'probe');
      await expect.poll(() => revived.length, { timeout: 3000 }).toBeGreaterThan(before);
    }
  };
}
