import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresStore } from '../../src/store/postgres/postgres-store.js';
import { Cluster } from '../cluster.js';
import { expectError } from '../factories.js';
import { RawSocket, api, registerUser, until } from '../harness.js';
import { postgresService, redisService, requireService } from '../services.js';

const describePostgres = await requireService(postgresService);
const describeRedis = await requireService(redisService);
const describeCluster = describePostgres === describeRedis ? describePostgres : describe.skip;

/**
 * The operator's tools across two `confab serve` processes on one PostgreSQL schema and one Redis
 * prefix: a deactivation made on one node closes the user's socket on the other, and the stats
 * count the sockets of each node.
 */
describeCluster('the operator across two nodes (PostgreSQL + Redis)', () => {
  let cluster: Cluster;
  let adminToken: string;
  beforeAll(async () => {
    cluster = await Cluster.start({ nodes: 2 });
    const admin = await registerUser(cluster.nodes[0]!.url, 'cl_admin');
    // Promoted in the database, as `confab admin create` does for an existing user.
    const store = openPostgresStore(cluster.schema.url, { poolSize: 1 });
    try {
      await store.users.updateUser(admin.id, { isAdmin: true });
    } finally {
      await store.close();
    }
    adminToken = admin.token;
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
  }, 30_000);

  const url = (index: number) => cluster.nodes[index]!.url;
  const pidOf = (index: number) => cluster.nodes[index]!.process!.child.pid;

  it('deactivating on node 0 closes the user’s socket on node 1 with 4403, and both nodes refuse them', async () => {
    const user = await registerUser(url(1), 'cl_deact');
    const socket = await RawSocket.ready(url(1), user.token);
    const off = await api(url(0), 'POST', `/api/v1/admin/users/${user.id}/deactivate`, { token: adminToken });
    expect(off.status).toBe(200);
    await until(() => socket.closeCode !== undefined, 'the socket on node 1 to close', 2000);
    expect(socket.closeCode).toBe(4403);
    for (const index of [0, 1]) {
      expectError(await api(url(index), 'GET', '/api/v1/users/me', { token: user.token }), 401, 'unauthenticated');
      const login = await api(url(index), 'POST', '/api/v1/auth/login', {
        body: { username: user.auth.user.username, password: 'correct horse battery' },
      });
      expectError(login, 403, 'account_deactivated');
    }
    expectError(
      await api(url(1), 'POST', '/api/v1/auth/refresh', { body: { refreshToken: user.auth.refreshToken } }),
      403,
      'account_deactivated',
    );
  });

  it('counts the sockets of each node, whichever node is asked', async () => {
    const [a, b] = await Promise.all([registerUser(url(0), 'cl_stats'), registerUser(url(1), 'cl_stats')]);
    const sockets = await Promise.all([
      RawSocket.ready(url(0), a.token),
      RawSocket.ready(url(1), a.token),
      RawSocket.ready(url(1), b.token),
    ]);
    const socketsOf = async (asked: number) => {
      const stats = await api(url(asked), 'GET', '/api/v1/admin/stats', { token: adminToken });
      expect(stats.status).toBe(200);
      const nodes = stats.body.nodes as { pid: number; sockets: number }[];
      return [0, 1].map((index) => nodes.find((n) => n.pid === pidOf(index))?.sockets);
    };
    for (const asked of [0, 1]) {
      let seen: (number | undefined)[] = [];
      // The other node's count arrives with its next report (within half a second of a change).
      await until(
        async () => JSON.stringify((seen = await socketsOf(asked))) === JSON.stringify([1, 2]),
        () => `node ${asked} to count [1, 2] sockets (saw ${JSON.stringify(seen)})`,
        5000,
      );
    }
    sockets[2]!.close();
    await until(async () => JSON.stringify(await socketsOf(0)) === JSON.stringify([1, 1]), 'node 1’s count to drop', 5000);
    for (const socket of sockets) socket.close();
  });
});
