import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Cluster } from '../cluster.js';
import { RawSocket, type TestUser, registerUser, until } from '../harness.js';
import { PushEndpoint } from '../push-endpoint.js';
import { postgresService, redisService, requireService, withPostgres } from '../services.js';
import { WebhookReceiver } from '../webhook-receiver.js';

const describePostgres = await requireService(postgresService);
const describeRedis = await requireService(redisService);
const describeCluster = describePostgres === describeRedis ? describePostgres : describe.skip;

const SECRET = 'a webhook secret for the cluster test';

/**
 * Outbound notifications from two `confab serve` nodes on one PostgreSQL schema and one Redis:
 * both nodes poll the one outbox every few milliseconds, and still each delivery is taken once;
 * both push with the one VAPID key; a push goes only to a user with no socket on any node.
 */
describeCluster('the notification outbox on two nodes (PostgreSQL + Redis)', () => {
  let cluster: Cluster;
  let receiver: WebhookReceiver;
  let pushes: PushEndpoint;
  beforeAll(async () => {
    // Every other delivery fails its first request, so retries are claimed again by either node.
    receiver = await WebhookReceiver.start(SECRET, ({ id, nth }) => (nth === 1 && parseInt(id.slice(-1), 16) % 2 === 0 ? 'fail' : 'ok'));
    pushes = await PushEndpoint.start();
    cluster = await Cluster.start({
      nodes: 2,
      env: {
        NOTIFY_WEBHOOK_URL: receiver.url,
        NOTIFY_WEBHOOK_SECRET: SECRET,
        NOTIFY_POLL_INTERVAL_MS: '10',
        NOTIFY_RETRY_BASE_MS: '10',
        NOTIFY_RETRY_MAX_MS: '50',
        PUSH_ALLOW_HTTP: 'true',
        PUSH_ALLOWED_HOSTS: '127.0.0.1',
        PUSH_ALLOW_PRIVATE_ADDRESSES: 'true',
        PRESENCE_OFFLINE_GRACE_MS: '0',
      },
    });
  }, 120_000);
  afterAll(async () => {
    await cluster?.close();
    await receiver?.close();
    await pushes?.close();
  }, 30_000);

  const outboxIds = () =>
    withPostgres(cluster.schema.url, async (c) => (await c.query<{ id: string }>('select id from notification_outbox')).rows);
  const notificationIds = async (user: TestUser) => (await user.client.notifications({ limit: 100 })).items.map((n) => n.id);

  it('delivers each notification to the webhook once, whichever node made it and whichever claims it', async () => {
    const [node0, node1] = [cluster.nodes[0]!.url, cluster.nodes[1]!.url];
    const users = [await registerUser(node0), await registerUser(node1), await registerUser(node0), await registerUser(node1)];
    const group = await users[0]!.client.createGroup(
      'busy',
      users.slice(1).map((u) => u.id),
    );
    // 24 messages from both nodes, each mentioning the three others.
    await Promise.all(
      users.slice(0, 2).map(async (sender) => {
        for (let i = 0; i < 12; i++) {
          const others = users.filter((u) => u !== sender).map((u) => `@${u.auth.user.username}`);
          await sender.client.sendMessage(group.id, `${i} ${others.join(' ')}`);
        }
      }),
    );
    // A mention's notification commits with the writer's next batch, after the send's ack.
    const allNotificationIds = async () => (await Promise.all(users.map(notificationIds))).flat();
    await until(async () => (await allNotificationIds()).length >= 3 + 24 * 3, 'every notification committed');
    const expected = await allNotificationIds();
    expect(expected).toHaveLength(3 + 24 * 3);

    const ids = users.map((u) => u.id);
    await until(
      () => receiver.successes(receiver.about(ids)).size === expected.length,
      () => `${expected.length} deliveries taken, got ${receiver.successes(receiver.about(ids)).size}`,
    );
    await until(async () => (await outboxIds()).length === 0, 'the outbox emptied');
    const successes = receiver.successes(receiver.about(ids));
    expect([...successes.values()].every((n) => n === 1)).toBe(true);
    const delivered = receiver.about(ids).filter((d) => d.answer === 'ok');
    expect(delivered.map((d) => d.body.notification.id).sort()).toEqual([...expected].sort());
    expect(receiver.about(ids).every((d) => d.signed)).toBe(true);
    expect(receiver.about(ids).some((d) => d.answer === 'fail')).toBe(true); // retries were exercised
  });

  it('pushes with the one VAPID key of the deployment, and only to users with no socket on any node', async () => {
    const [node0, node1] = [cluster.nodes[0]!.url, cluster.nodes[1]!.url];
    const [alice, bob, carol] = [await registerUser(node0), await registerUser(node1), await registerUser(node0)];
    const keys = [(await alice.client.push.vapidPublicKey()).publicKey, (await bob.client.push.vapidPublicKey()).publicKey];
    expect(keys[0]).toBe(keys[1]);
    pushes.vapidPublicKey = keys[0]!;
    await bob.client.push.subscribe(pushes.subscription(`bob-${bob.id}`));
    await carol.client.push.subscribe(pushes.subscription(`carol-${carol.id}`));
    const bobOnline = await RawSocket.ready(node1, bob.token); // Bob is connected to node 1

    const group = await alice.client.createGroup('pushed', [bob.id, carol.id]); // made on node 0
    await alice.client.sendMessage(group.id, `hi @${bob.auth.user.username} @${carol.auth.user.username}`);
    await until(() => pushes.to(`carol-${carol.id}`).length === 2, "Carol's two pushes");
    await until(async () => (await outboxIds()).length === 0, 'the outbox emptied');
    expect(pushes.to(`bob-${bob.id}`)).toEqual([]); // online on another node: his sockets have it
    expect(
      pushes
        .to(`carol-${carol.id}`)
        .map((p) => [p.vapid.ok, p.payload.userId, p.payload.notification.kind])
        .sort(),
    ).toEqual([
      [true, carol.id, 'added_to_conversation'],
      [true, carol.id, 'mention'],
    ]);

    bobOnline.close();
    await until(async () => !(await bob.client.presence(bob.id)).online, 'Bob offline');
    await alice.client.sendMessage(group.id, `again @${bob.auth.user.username}`);
    await until(() => pushes.to(`bob-${bob.id}`).length === 1, "Bob's push once he is offline");
    expect(pushes.to(`bob-${bob.id}`)[0]!.payload.notification.kind).toBe('mention');
  });
});
