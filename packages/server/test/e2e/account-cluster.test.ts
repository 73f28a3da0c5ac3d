import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../cluster.js';
import { expectError } from '../factories.js';
import { RawSocket, api, uniqueName, until } from '../harness.js';
import { MailCatcher, tokenIn } from '../mail.js';
import { postgresService, redisService, requireService } from '../services.js';

const describePostgres = await requireService(postgresService);
const describeRedis = await requireService(redisService);
const describeCluster = describePostgres === describeRedis ? describePostgres : describe.skip;
const PASSWORD = 'correct horse battery';

/** A password reset ends the account's sessions on every node: two `confab serve` processes, PostgreSQL + Redis, real SMTP. */
describeCluster('password reset across two nodes (PostgreSQL + Redis)', () => {
  let cluster: Cluster;
  let mail: MailCatcher;
  beforeAll(async () => {
    mail = await MailCatcher.start();
    cluster = await Cluster.start({ nodes: 2, env: { SMTP_URL: mail.url } });
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
    await mail?.close();
  }, 30_000);

  const url = (index: number) => cluster.nodes[index]!.url;

  it('a reset on one node closes the sockets open on both with 4403, and both refuse the old tokens', async () => {
    const email = `${uniqueName('cl')}@example.test`;
    const registered = await api(url(0), 'POST', '/api/v1/auth/register', {
      body: { username: uniqueName('clreset'), password: PASSWORD, email },
    });
    expect(registered.status).toBe(201);
    const verify = tokenIn(await mail.next(email, /Confirm/));
    expect((await api(url(1), 'POST', '/api/v1/auth/email/verify', { body: { token: verify } })).status).toBe(200);
    const username = registered.body.user.username as string;
    const second = (await api(url(1), 'POST', '/api/v1/auth/login', { body: { username, password: PASSWORD } })).body;
    const sockets = await Promise.all([
      RawSocket.ready(url(0), registered.body.accessToken),
      RawSocket.ready(url(1), registered.body.accessToken),
      RawSocket.ready(url(1), second.accessToken),
    ]);

    expect((await api(url(1), 'POST', '/api/v1/auth/password/forgot', { body: { login: username } })).status).toBe(202);
    const token = tokenIn(await mail.next(email, /Reset/));
    const reset = await api(url(0), 'POST', '/api/v1/auth/password/reset', { body: { token, password: 'a brand new passphrase' } });
    expect(reset).toEqual({ status: 200, body: { sessionsEnded: 2 } });

    for (const socket of sockets) {
      await until(() => socket.closeCode !== undefined, 'every socket to close', 2000);
      expect(socket.closeCode).toBe(4403);
    }
    for (const index of [0, 1])
      for (const access of [registered.body.accessToken, second.accessToken])
        expectError(await api(url(index), 'GET', '/api/v1/users/me', { token: access }), 401, 'unauthenticated');
    // Spent on node 0: node 1 refuses it too.
    expectError(
      await api(url(1), 'POST', '/api/v1/auth/password/reset', { body: { token, password: 'yet another passphrase' } }),
      400,
      'invalid_token',
    );
  });
});
