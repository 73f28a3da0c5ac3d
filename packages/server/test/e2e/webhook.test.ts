import { afterAll, expect, it } from 'vitest';
import { createGroup, freshUsers } from '../factories.js';
import { type TestUser, until } from '../harness.js';
import { outboxRows } from '../outbox.js';
import { describeOnEachStore } from '../stores.js';
import { type ReceivedDelivery, WebhookReceiver } from '../webhook-receiver.js';

const SECRET = 'a webhook secret for the tests';
/** Users whose every delivery fails, to run a row out of attempts. */
const failing = new Set<string>();
// Each delivery fails once (500), then times out, then is taken (200): two retries each.
const receiver = await WebhookReceiver.start(SECRET, ({ nth, body }) =>
  failing.has(body?.userId) ? 'fail' : nth === 1 ? 'fail' : nth === 2 ? 'hang' : 'ok',
);
afterAll(() => receiver.close());

describeOnEachStore(
  'the notification webhook',
  (server) => {
    const mention = (from: TestUser, conversationId: string, to: TestUser) =>
      from.client.sendMessage(conversationId, `hello @${to.auth.user.username}`);
    const idsOf = async (user: TestUser) => (await user.client.notifications()).items.map((n) => n.id);

    it('POSTs every notification signed, retries a 500 and a timeout with backoff, and takes one 2xx per delivery id', async () => {
      const [alice, bob, carol] = await freshUsers(server().url, 3);
      const group = await createGroup(alice, [bob]); // Bob: added_to_conversation (written with the group)
      await mention(alice, group.id, bob); // Bob: mention (written after the send)
      await alice.client.addMember(group.id, carol.id); // Carol: added_to_conversation (written with the addition)
      // The mention is written after the send's ack, so it may not be listed yet.
      await until(async () => (await idsOf(bob)).length === 2, 'Bob’s mention notification written');
      const [bobs, carols] = [await idsOf(bob), await idsOf(carol)];
      expect([bobs.length, carols.length]).toEqual([2, 1]);

      const mine = () => receiver.about([bob.id, carol.id]);
      await until(
        () => receiver.successes(mine()).size === 3,
        () => `three deliveries taken, got ${JSON.stringify(mine().map((d) => d.answer))}`,
      );
      // Once a delivery's row is gone nothing can send it again: then count.
      await until(
        async () => (await outboxRows(server())).every((r) => r.user_id !== bob.id && r.user_id !== carol.id),
        'the outbox emptied',
      );

      const byDelivery = new Map<string, ReceivedDelivery[]>();
      for (const d of mine()) byDelivery.set(d.deliveryId, [...(byDelivery.get(d.deliveryId) ?? []), d]);
      expect(byDelivery.size).toBe(3);
      for (const [, attempts] of byDelivery) {
        // In this order; the attempt numbers rise (a request that timed out before it arrived, on a
        // loaded machine, still counts as an attempt).
        expect(attempts.map((a) => a.answer)).toEqual(['fail', 'hang', 'ok']);
        expect(attempts[0]!.attempt).toBe(1);
        expect(attempts[1]!.attempt).toBeLessThan(attempts[2]!.attempt);
        expect(attempts.every((a) => a.signed && a.rawBody === attempts[0]!.rawBody)).toBe(true);
      }
      expect([...receiver.successes(mine()).values()]).toEqual([1, 1, 1]);
      // The body: the notification as its user lists it, and whose it is.
      const listed = [...(await bob.client.notifications()).items, ...(await carol.client.notifications()).items];
      const bodies = [...byDelivery.values()].map((a) => a[0]!.body);
      expect(bodies.map((b) => b.notification.id).sort()).toEqual([...bobs, ...carols].sort());
      for (const body of bodies) {
        expect(body).toEqual({
          type: 'notification.created',
          userId: body.notification.kind === 'added_to_conversation' && carols.includes(body.notification.id) ? carol.id : bob.id,
          notification: listed.find((n) => n.id === body.notification.id),
        });
      }
    });

    it('gives up after NOTIFY_MAX_ATTEMPTS and keeps the delivery as dead, sending it no more', async () => {
      const [alice, dave] = await freshUsers(server().url, 2);
      failing.add(dave.id);
      const group = await createGroup(alice, [dave]);
      const store = server().server.services.store;
      const deadOf = async () => (await store.outbox.listDeadDeliveries(100)).filter((d) => d.userId === dave.id);
      await until(async () => (await deadOf()).length === 1, 'the delivery marked dead');
      const [dead] = await deadOf();
      expect(dead).toMatchObject({ channel: 'webhook', status: 'dead', attempts: 4, lastError: 'HTTP 500' });
      expect(JSON.parse(dead!.payload).notification.conversationId).toBe(group.id);
      expect(receiver.about([dave.id]).map((d) => [d.deliveryId, d.attempt, d.answer])).toEqual(
        [1, 2, 3, 4].map((n) => [dead!.id, n, 'fail']),
      );
    });
  },
  {
    NOTIFY_WEBHOOK_URL: receiver.url,
    NOTIFY_WEBHOOK_SECRET: SECRET,
    NOTIFY_DELIVERY_TIMEOUT_MS: '1500',
    NOTIFY_RETRY_BASE_MS: '20',
    NOTIFY_RETRY_MAX_MS: '100',
    NOTIFY_MAX_ATTEMPTS: '4',
    NOTIFY_POLL_INTERVAL_MS: '20',
  },
);
