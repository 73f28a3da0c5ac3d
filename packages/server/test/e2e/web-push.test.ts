import { statSync } from 'node:fs';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { createGroup, expectError, freshUsers } from '../factories.js';
import { RawSocket, type TestUser, api, until } from '../harness.js';
import { outboxRows } from '../outbox.js';
import { PushEndpoint } from '../push-endpoint.js';
import { describeOnEachStore } from '../stores.js';

const pushes = await PushEndpoint.start();
afterAll(() => pushes.close());

describeOnEachStore(
  'Web Push',
  (server) => {
    const call = (user: TestUser | undefined, method: string, body?: unknown, pathname = '/push/subscriptions') =>
      api(server().url, method, `/api/v1${pathname}`, { ...(user ? { token: user.token } : {}), ...(body === undefined ? {} : { body }) });
    const outboxOf = async (user: TestUser) => (await outboxRows(server())).filter((r) => r.user_id === user.id);

    it('serves the VAPID public key, the same on every call, kept where the JWT secret would be', async () => {
      const [alice] = await freshUsers(server().url, 1);
      const { status, body } = await call(alice, 'GET', undefined, '/push/vapid-public-key');
      expect(status).toBe(200);
      expect(Buffer.from(body.publicKey, 'base64url')).toHaveLength(65);
      expect((await alice.client.push.vapidPublicKey()).publicKey).toBe(body.publicKey);
      expectError(await call(undefined, 'GET', undefined, '/push/vapid-public-key'), 401, 'unauthenticated');
      if (server().server.services.store.engine === 'sqlite') {
        expect(statSync(path.join(server().dataDir, 'vapid-keys.json')).mode & 0o777).toBe(0o600);
      }
      pushes.vapidPublicKey = body.publicKey;
    });

    it('subscribes (201) and unsubscribes (200, idempotent) my browsers; refuses what it cannot push to (400)', async () => {
      const [alice, bob] = await freshUsers(server().url, 2);
      const subscription = pushes.subscription(`sub-${alice.id}`);
      const created = await call(alice, 'POST', subscription);
      expect(created).toEqual({ status: 201, body: { subscription: { endpoint: subscription.endpoint } } });
      expect((await call(alice, 'POST', subscription)).status).toBe(201); // again: the same one

      expectError(await call(undefined, 'POST', subscription), 401, 'unauthenticated');
      for (const bad of [
        { ...subscription, endpoint: 'ftp://push.example/x' },
        { ...subscription, endpoint: 'not a url' },
        { ...subscription, keys: { ...subscription.keys, p256dh: 'AAAA' } },
        { ...subscription, keys: { ...subscription.keys, p256dh: Buffer.alloc(65, 4).toString('base64url') } }, // not on the curve
        { ...subscription, keys: { ...subscription.keys, auth: Buffer.alloc(8).toString('base64url') } },
      ]) {
        expectError(await call(alice, 'POST', bad), 400, 'validation_failed');
      }
      expectError(await call(alice, 'POST', { endpoint: subscription.endpoint }), 400, 'validation_failed');
      expectError(await call(alice, 'POST', { ...subscription, extra: 1 }), 400, 'validation_failed');

      // Bob cannot remove Alice's; Alice can. The answer is the same either way (issue 35: it would
      // otherwise tell whether the push service had ended the subscription).
      expect(await call(bob, 'DELETE', { endpoint: subscription.endpoint })).toEqual({ status: 200, body: { removed: true } });
      expect(await server().server.services.store.push.getPushSubscription(subscription.endpoint)).toMatchObject({ userId: alice.id });
      expect(await alice.client.push.unsubscribe(subscription.endpoint)).toEqual({ removed: true });
      expect(await server().server.services.store.push.getPushSubscription(subscription.endpoint)).toBeUndefined();
      expect(await alice.client.push.unsubscribe(subscription.endpoint)).toEqual({ removed: true });
      expectError(await call(alice, 'DELETE', {}), 400, 'validation_failed');
    });

    it('pushes each notification to a user with no open socket, VAPID-signed and encrypted for the subscription', async () => {
      const [alice, bob] = await freshUsers(server().url, 2);
      const name = `bob-${bob.id}`;
      await bob.client.push.subscribe(pushes.subscription(name));
      const group = await createGroup(alice, [bob]);
      await alice.client.sendMessage(group.id, `hey @${bob.auth.user.username}`);
      await until(() => pushes.to(name).length === 2, 'two pushes');
      const listed = (await bob.client.notifications()).items;
      // Delivered concurrently: in either order.
      const byId = (a: any, b: any) => (a.notification.id < b.notification.id ? -1 : 1);
      expect(
        pushes
          .to(name)
          .map((p) => p.payload)
          .sort(byId),
      ).toEqual(listed.map((notification) => ({ type: 'notification.created', userId: bob.id, notification })).sort(byId));
      for (const push of pushes.to(name)) {
        expect(push.vapid).toMatchObject({ ok: true, claims: { aud: pushes.origin, sub: 'mailto:webmaster@localhost' } });
        expect(Number(push.ttl)).toBeGreaterThan(0);
      }
    });

    it('does not push to a user who has a socket open: the socket has it', async () => {
      const [alice, bob] = await freshUsers(server().url, 2);
      const name = `online-${bob.id}`;
      await bob.client.push.subscribe(pushes.subscription(name));
      const socket = await RawSocket.ready(server().url, bob.token);
      const group = await createGroup(alice, [bob]);
      await socket.next((f) => f.type === 'notification.created');
      await until(async () => (await outboxOf(bob)).length === 0, 'the delivery settled');
      expect(pushes.to(name)).toEqual([]);
      socket.close();
      await until(async () => !(await bob.client.presence(bob.id)).online, 'Bob offline');
      await alice.client.sendMessage(group.id, `now @${bob.auth.user.username}`);
      await until(() => pushes.to(name).length === 1, 'a push once he is offline');
    });

    it('removes a subscription whose push service answers 410 Gone', async () => {
      const [alice, bob] = await freshUsers(server().url, 2);
      const name = `gone-${bob.id}`;
      const subscription = pushes.subscription(name);
      pushes.gone.add(`/push/${name}`);
      await bob.client.push.subscribe(subscription);
      await createGroup(alice, [bob]);
      await until(() => pushes.to(name).length === 1, 'the push');
      await until(
        async () => (await server().server.services.store.push.getPushSubscription(subscription.endpoint)) === undefined,
        'removed',
      );
      // The DELETE answers as for a live one: what the push service answered is not told.
      expect(await bob.client.push.unsubscribe(subscription.endpoint)).toEqual({ removed: true });
      expect(await outboxOf(bob)).toEqual([]);
    });
  },
  {
    PUSH_ALLOW_HTTP: 'true',
    PUSH_ALLOWED_HOSTS: '127.0.0.1',
    PUSH_ALLOW_PRIVATE_ADDRESSES: 'true',
    PRESENCE_OFFLINE_GRACE_MS: '0',
    NOTIFY_POLL_INTERVAL_MS: '20',
  },
);
