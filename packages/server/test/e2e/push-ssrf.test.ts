import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGroup, expectError, freshUsers } from '../factories.js';
import { type TestServer, type TestUser, api, startServer, until } from '../harness.js';
import { outboxRows } from '../outbox.js';
import { PushEndpoint, type TestSubscription } from '../push-endpoint.js';
import type { HostResolver } from '../../src/infra/outbound-address-guard.js';

/**
 * Web Push endpoints cannot make the server reach its own network (issue 35, item 7): every
 * address the hostile client tried is refused at subscribe, a host that resolves to a private
 * address by the time of a push is not connected to, only the browsers' push services are
 * allowed by default, and a user holds at most a few subscriptions. DNS is a table here (the
 * server's resolver is injected), never the real one.
 */

const pushes = await PushEndpoint.start();
afterAll(() => pushes.close());

/** A resolver over a table the test can change between subscribe and push (DNS rebinding). */
function tableResolver(zone: Map<string, string>): HostResolver {
  return (host) => {
    const address = zone.get(host);
    return address === undefined
      ? Promise.reject(new Error(`ENOTFOUND ${host}`))
      : Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]);
  };
}

/** A subscription of the local push service, under another host name (resolved through the table). */
const underHost = (subscription: TestSubscription, host: string): TestSubscription => {
  const url = new URL(subscription.endpoint);
  url.hostname = host;
  return { ...subscription, endpoint: url.toString() };
};

const HOSTILE_ENDPOINTS = [
  'https://127.0.0.1:8443/push',
  'https://localhost/push',
  'https://[::1]/push',
  'https://169.254.169.254/latest/meta-data/',
  'https://10.0.0.1/push',
  'https://192.168.1.1/push',
  'https://0.0.0.0/push',
  'https://2130706433/push',
  'https://0x7f.1/push',
  'https://[::ffff:127.0.0.1]/push',
  'https://metadata.google.internal/computeMetadata/v1/',
];

describe('Web Push endpoints: the SSRF guard', () => {
  const zone = new Map<string, string>([
    ['localhost', '127.0.0.1'],
    ['metadata.google.internal', '169.254.169.254'],
    ['fcm.googleapis.com', '142.250.185.74'],
    ['web.push.apple.com', '17.188.0.1'],
  ]);
  const resolveHost = tableResolver(zone);
  const servers: TestServer[] = [];
  const start = async (env: Record<string, string>) => {
    const t = await startServer({ PRESENCE_OFFLINE_GRACE_MS: '0', NOTIFY_POLL_INTERVAL_MS: '20', ...env }, { resolveHost });
    servers.push(t);
    return t;
  };
  let byDefault: TestServer;
  let anyHost: TestServer;
  beforeAll(async () => {
    [byDefault, anyHost] = await Promise.all([start({}), start({ PUSH_ALLOWED_HOSTS: '*', PUSH_ALLOW_HTTP: 'true' })]);
  });
  afterAll(() => Promise.all(servers.map((t) => t.close())));

  const subscribe = (t: TestServer, user: TestUser, subscription: TestSubscription) =>
    api(t.url, 'POST', '/api/v1/push/subscriptions', { token: user.token, body: subscription });

  it('refuses every internal address the hostile client tried (400 push_endpoint_refused), by default and with any host allowed', async () => {
    for (const t of [byDefault, anyHost]) {
      const [alice] = await freshUsers(t.url, 1);
      const keys = pushes.subscription(`hostile-${alice.id}`).keys;
      for (const endpoint of HOSTILE_ENDPOINTS) {
        const response = await subscribe(t, alice, { endpoint, keys });
        expectError(response, 400, 'push_endpoint_refused');
        expect(response.body.error.details[0]).toMatchObject({ path: '/body/endpoint' });
      }
      expect(await t.server.services.store.push.trimPushSubscriptions(alice.id, 0)).toBe(0); // none was saved
    }
  });

  it("allows the browsers' push services by default, and nothing else", async () => {
    const [alice] = await freshUsers(byDefault.url, 1);
    const keys = pushes.subscription(`allowed-${alice.id}`).keys;
    for (const endpoint of ['https://fcm.googleapis.com/fcm/send/abc', 'https://web.push.apple.com/QGx'])
      expect((await subscribe(byDefault, alice, { endpoint, keys })).status, endpoint).toBe(201);
    zone.set('push.example', '93.184.216.34');
    const other = await subscribe(byDefault, alice, { endpoint: 'https://push.example/x', keys });
    expectError(other, 400, 'push_endpoint_refused');
    expect(other.body.error.details[0].params).toEqual({ reason: 'host_not_allowed' });
  });

  it('does not connect to a host that resolves to a private address by the time of the push (rebinding)', async () => {
    const [alice, bob] = await freshUsers(anyHost.url, 2);
    const name = `rebind-${bob.id}`;
    const host = `rebind-${bob.id.slice(-8)}.example`;
    zone.set(host, '93.184.216.34'); // public when subscribing
    expect((await subscribe(anyHost, bob, underHost(pushes.subscription(name), host))).status).toBe(201);
    zone.set(host, '127.0.0.1'); // then pointed at the server's own network
    await createGroup(alice, [bob]);
    await until(async () => (await outboxRows(anyHost)).filter((r) => r.user_id === bob.id).length === 0, 'the push settled');
    expect(pushes.to(name)).toEqual([]);
  });

  it("connects to the address it checked: the resolver's answer, pinned for the connection (the system DNS does not know the host)", async () => {
    // Loopback allowed (UNSAFE: tests only) so the local push service can be reached under a name only the table knows.
    const t = await start({ PUSH_ALLOWED_HOSTS: '*', PUSH_ALLOW_HTTP: 'true', PUSH_ALLOW_PRIVATE_ADDRESSES: 'true' });
    const [alice, bob] = await freshUsers(t.url, 2);
    const name = `pinned-${bob.id}`;
    const host = `pinned-${bob.id.slice(-8)}.test`;
    zone.set(host, '127.0.0.1');
    expect((await subscribe(t, bob, underHost(pushes.subscription(name), host))).status).toBe(201);
    await createGroup(alice, [bob]);
    await until(() => pushes.to(name).length === 1, 'the push, through the table');
  });

  it("caps a user's subscriptions: past PUSH_MAX_SUBSCRIPTIONS_PER_USER the oldest is dropped", async () => {
    const t = await start({ PUSH_MAX_SUBSCRIPTIONS_PER_USER: '2' });
    const [alice, bob] = await freshUsers(t.url, 2);
    const keys = pushes.subscription(`cap-${alice.id}`).keys;
    const endpoints = [1, 2, 3].map((n) => `https://fcm.googleapis.com/fcm/send/${alice.id}-${n}`);
    for (const endpoint of endpoints) expect((await subscribe(t, alice, { endpoint, keys })).status).toBe(201);
    expect((await subscribe(t, bob, { endpoint: `https://fcm.googleapis.com/fcm/send/${bob.id}`, keys })).status).toBe(201);
    const store = t.server.services.store;
    expect(await store.push.getPushSubscription(endpoints[0]!)).toBeUndefined();
    expect(await store.push.getPushSubscription(endpoints[1]!)).toMatchObject({ userId: alice.id });
    expect(await store.push.getPushSubscription(endpoints[2]!)).toMatchObject({ userId: alice.id });
    expect(await store.push.getPushSubscription(`https://fcm.googleapis.com/fcm/send/${bob.id}`)).toMatchObject({ userId: bob.id });
  });
});
