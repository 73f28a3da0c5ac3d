import { describe, expect, it } from 'vitest';
import { useCluster } from '../cluster.js';
import { RawSocket, api, registerUser, uniqueName } from '../harness.js';
import { postgresService, redisService, requireService } from '../services.js';

const describePostgres = await requireService(postgresService);
const describeRedis = await requireService(redisService);
const describeCluster = describePostgres === describeRedis ? describePostgres : describe.skip;

const PASSWORD = 'correct horse battery';

/**
 * The limits hold across nodes: two `confab serve` processes sharing one Redis count in the same
 * counters, so spreading requests over nodes (a balancer does) earns no more than one node gives.
 */
describeCluster('abuse limits across two nodes (Redis counters)', () => {
  const cluster = useCluster(
    {
      nodes: 2,
      env: {
        RATE_LIMIT_SEND_USER: '4/3600',
        RATE_LIMIT_LOGIN_ACCOUNT: '2/3600',
        RATE_LIMIT_BACKOFF_MAX_SECONDS: '60',
        RATE_LIMIT_REGISTER_IP: '30/3600',
      },
    },
    120_000,
  );
  const node = (i: number) => cluster().nodes[i]!.url;

  it('counts one user’s sends on both nodes, REST and WebSocket, in one counter', async () => {
    const alice = await registerUser(node(0));
    const bob = await registerUser(node(1));
    const dm = await alice.client.openDirect(bob.id);
    const send = (i: number, clientId: string) =>
      api(node(i), 'POST', `/api/v1/conversations/${dm.id}/messages`, { token: alice.token, body: { clientId, body: 'hi' } });
    expect((await send(0, 'a')).status).toBe(201);
    expect((await send(1, 'b')).status).toBe(201);
    expect((await send(0, 'c')).status).toBe(201);
    const socket = await RawSocket.ready(node(1), alice.token);
    socket.send({ type: 'message.send', id: 'd', conversationId: dm.id, clientId: 'd', body: 'hi' });
    expect(await socket.next((f) => (f.type === 'ack' || f.type === 'error') && f.id === 'd')).toMatchObject({ type: 'ack' });
    socket.send({ type: 'message.send', id: 'e', conversationId: dm.id, clientId: 'e', body: 'hi' });
    expect(await socket.next((f) => f.type === 'error' && f.id === 'e')).toMatchObject({ error: { code: 'rate_limited' } });
    for (const i of [0, 1]) expect(await send(i, `f${i}`)).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
    socket.close();
  });

  it('backs an account off on every node once failures on either add up', async () => {
    const username = uniqueName('victim');
    expect((await api(node(0), 'POST', '/api/v1/auth/register', { body: { username, password: PASSWORD } })).status).toBe(201);
    const login = (i: number, password: string) => api(node(i), 'POST', '/api/v1/auth/login', { body: { username, password } });
    expect((await login(0, 'wrong password')).status).toBe(401);
    expect((await login(1, 'wrong password')).status).toBe(401);
    expect((await login(0, 'wrong password')).status).toBe(401);
    for (const i of [0, 1]) expect(await login(i, PASSWORD)).toMatchObject({ status: 429, body: { error: { code: 'rate_limited' } } });
  });
});
