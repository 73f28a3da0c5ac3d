import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { EventOf } from '@confab/protocol';
import { Cluster } from '../cluster.js';
import { createGroup, postMessage } from '../factories.js';
import { RawSocket, barrier, registerUser, until } from '../harness.js';
import { postgresService, redisService, requireService } from '../services.js';

const describePostgres = await requireService(postgresService);
const describeRedis = await requireService(redisService);
const describeCluster = describePostgres === describeRedis ? describePostgres : describe.skip;

/**
 * Issue 9, item 7: the delivery guarantees hold for a client that is a plain WebSocket (no SDK:
 * no gap detection, no fetching). Two nodes on PostgreSQL + Redis; the nodes' pub/sub
 * connections are killed mid-burst, so each node misses what was published while it
 * resubscribed. The node fills what its sockets missed from the log, in order, itself.
 */
describeCluster('server-side gap fill across two nodes (PostgreSQL + Redis), for a raw WebSocket', () => {
  let cluster: Cluster;
  beforeAll(async () => {
    // The periodic live check is slowed right down: what is shown here is the fill on a `prev`
    // gap and after a resubscription, not the slower safety net.
    cluster = await Cluster.start({ nodes: 2, env: { LIVE_CHECK_INTERVAL_MS: '600000' } });
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  }, 30_000);

  it('a raw socket on the other node receives every message of a 300-message burst once, in seq order, across pub/sub kills', async () => {
    const [alice, bob, carol] = await Promise.all([0, 1, 1].map((i) => registerUser(cluster.nodes[i]!.url, `gf${i}`)));
    const group = await createGroup(alice!, [bob!, carol!]);
    const socket = await RawSocket.ready(cluster.nodes[1]!.url, bob!.token);
    const resyncsBefore = await cluster.metric(1, 'confab_bus_resyncs_total');

    const total = 300;
    const perWave = 10;
    let sent = 0;
    const burst = (async () => {
      while (sent < total) {
        const wave = Array.from({ length: perWave }, (_, i) => postMessage(cluster.nodes[0]!.url, alice!, group.id, `burst ${sent + i}`));
        for (const answer of await Promise.all(wave)) expect(answer.status).toBe(201);
        sent += perWave;
      }
    })();
    for (const threshold of [60, 150, 240]) {
      await until(() => sent >= threshold, `${threshold} messages sent`);
      // Cut every pub/sub connection of both nodes, repeatedly for a moment, while the burst goes on.
      const stopAt = Date.now() + 150;
      while (Date.now() < stopAt) {
        await cluster.killRedisConnections([0, 1], ['sub']);
        await new Promise((r) => setTimeout(r, 10));
      }
    }
    await burst;

    const messages = () =>
      socket.frames.filter((f): f is EventOf<'message.created'> => f.type === 'message.created' && f.message.conversationId === group.id);
    await until(
      () => messages().length >= total,
      () => `${total} messages on the raw socket (so far ${messages().length})`,
      20_000,
    );
    await barrier(socket);
    const got = messages();
    expect(got.map((e) => e.message.seq)).toEqual(Array.from({ length: total }, (_, i) => i + 1));
    // A chain without a hole: each event names the one before it.
    for (let i = 1; i < got.length; i++) expect(got[i]!.prev).toBe(got[i - 1]!.pos);
    // The kills did cost node 1 live events, which it filled from the log itself.
    expect(await cluster.metric(1, 'confab_bus_resyncs_total')).toBeGreaterThan(resyncsBefore);
    expect(await cluster.metric(1, 'confab_ws_gap_fills_total')).toBeGreaterThan(0);
    socket.close();
  }, 90_000);
});
