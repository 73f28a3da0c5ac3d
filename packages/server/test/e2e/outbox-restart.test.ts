import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { type ServerProcess, processSandbox } from '../process.js';
import { outboxRowsAt } from '../outbox.js';
import { newClient, uniqueName, until } from '../harness.js';
import { type ReceivedDelivery, WebhookReceiver } from '../webhook-receiver.js';

const SECRET = 'a webhook secret for the restart test';
// Every delivery's first request is never answered: the node is killed while it waits.
const receiver = await WebhookReceiver.start(SECRET, ({ nth }) => (nth === 1 ? 'hang' : 'ok'));
afterAll(() => receiver.close());

describe('the notification outbox across a crash', () => {
  let sandbox: Awaited<ReturnType<typeof processSandbox>> | undefined;
  afterEach(() => sandbox?.cleanup());

  it('delivers what a node killed mid-delivery had claimed, once its lease has passed, after a restart', async () => {
    sandbox = await processSandbox('outbox', {
      NOTIFY_WEBHOOK_URL: receiver.url,
      NOTIFY_WEBHOOK_SECRET: SECRET,
      NOTIFY_DELIVERY_TIMEOUT_MS: '2000', // a lease of 5 s
      NOTIFY_RETRY_BASE_MS: '20',
      NOTIFY_POLL_INTERVAL_MS: '50',
    });
    let server: ServerProcess = await sandbox.start();
    const alice = newClient(server.url);
    const bob = newClient(server.url);
    await alice.register({ username: uniqueName('alice'), password: 'correct horse battery' });
    const bobUser = (await bob.register({ username: uniqueName('bob'), password: 'correct horse battery' })).user;
    const group = await alice.createGroup('crash', [bobUser.id]);
    await alice.sendMessage(group.id, `look @${bobUser.username}`);
    // The mention is written after the send's ack, so it may not be listed yet.
    await until(async () => (await bob.notifications()).items.length === 2, 'Bob’s two notifications written');
    const notifications = (await bob.notifications()).items.map((n) => n.id);

    const bobs = () => receiver.about([bobUser.id]);
    await until(() => bobs().length === 2, 'both deliveries in flight');
    server.child.kill('SIGKILL');
    await server.exited;

    server = await sandbox.start();
    await until(() => receiver.successes(bobs()).size === 2, 'both delivered after the restart', 45_000);
    // Stopped gracefully, the node settles what it has in flight: nothing can be sent after this.
    server.child.kill('SIGTERM');
    await server.exited;

    const byDelivery = new Map<string, ReceivedDelivery[]>();
    for (const d of bobs()) byDelivery.set(d.deliveryId, [...(byDelivery.get(d.deliveryId) ?? []), d]);
    for (const [, received] of byDelivery) {
      // The restarted node's attempt counts on from the killed one's (a first request of a cold
      // process that timed out on the way would count too: only the order is exact).
      expect(received.map((d) => d.answer)).toEqual(['hang', 'ok']);
      expect(received[0]!.attempt).toBe(1);
      expect(received[1]!.attempt).toBeGreaterThanOrEqual(2);
    }
    expect(
      bobs()
        .map((d) => d.body.notification.id)
        .sort(),
    ).toEqual([...notifications, ...notifications].sort());
    expect(bobs().every((d) => d.signed)).toBe(true);
    expect(await outboxRowsAt(null, sandbox.env.DATA_DIR)).toEqual([]);
  }, 90_000); // two process starts, which take long on a loaded machine
});
