import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import type { Draft, NotificationRecord, OutboxDraft } from '../store.js';
import { drafts, type Fixture } from '../conformance/fixtures.js';

const announce: Draft<NotificationRecord> = (n) => ({
  type: 'notification.created',
  notification: {
    id: n.id,
    kind: n.kind,
    conversationId: n.conversationId,
    messageId: n.messageId,
    actorId: n.actorId,
    createdAt: new Date(n.createdAt).toISOString(),
    readAt: null,
  },
});
/** Stands in for the notification service's outbox draft: the body names the notification and its user. */
const both: OutboxDraft = { webhook: true, push: true, payload: (n) => ({ notificationId: n.id, userId: n.userId }) };

export function describeOutbox(f: Fixture): void {
  const { user, conversation, tick } = f;
  const note = (userId: string, conversationId: string, actorId: string): NotificationRecord => ({
    id: newId(),
    userId,
    kind: 'mention',
    conversationId,
    messageId: null,
    actorId,
    createdAt: tick(),
    readAt: null,
  });
  const subscribe = (userId: string, endpoint: string) =>
    f.store.push.savePushSubscription({ endpoint, userId, p256dh: `p-${endpoint}`, auth: `a-${endpoint}`, createdAt: tick() });
  const claim = (token: string, limit = 50, leaseMs = 10_000) => f.store.outbox.claimDeliveries(f.now, { token, leaseMs, limit });

  describe('notification outbox', () => {
    it('writes a webhook delivery per notification and a push per subscription of its recipient, with the notification', async () => {
      const [a, b, c] = [await user('amy'), await user('bo'), await user('cy')];
      const group = (await conversation('group', [a.id, b.id, c.id])).conversation;
      await subscribe(b.id, 'https://push.example/b1');
      await subscribe(b.id, 'https://push.example/b2');
      await subscribe(a.id, 'https://push.example/a1'); // the actor is notified of nothing
      const [toB, toC] = [note(b.id, group.id, a.id), note(c.id, group.id, a.id)];
      await f.store.notifications.createNotifications([toB, toC], announce, both);
      await f.store.notifications.createNotifications([note(c.id, group.id, a.id)], announce); // no outbox: nothing to deliver
      await f.store.notifications.createNotifications([note(c.id, group.id, a.id)], announce, { ...both, webhook: false }); // Cy has no subscription

      const claimed = await claim('node-1');
      expect(claimed.map((d) => [d.notificationId, d.channel, d.endpoint]).sort()).toEqual(
        [
          [toB.id, 'webhook', null],
          [toB.id, 'push', 'https://push.example/b1'],
          [toB.id, 'push', 'https://push.example/b2'],
          [toC.id, 'webhook', null],
        ].sort(),
      );
      const delivery = claimed.find((d) => d.notificationId === toB.id && d.channel === 'webhook')!;
      expect(delivery).toMatchObject({ userId: b.id, status: 'pending', attempts: 1, lastError: null, createdAt: toB.createdAt });
      expect(JSON.parse(delivery.payload)).toEqual({ notificationId: toB.id, userId: b.id });
      expect(new Set(claimed.map((d) => d.id)).size).toBe(4);
    });

    it('writes the deliveries of a membership change with it, in its transaction', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id])).conversation;
      const n = { ...note(b.id, group.id, a.id), kind: 'added_to_conversation' as const };
      await f.store.members.addMember(
        { conversationId: group.id, userId: b.id, role: 'member', joinedAt: tick() },
        drafts.memberAdded(a.id),
        {
          notify: { notifications: [n], announce, outbox: both },
        },
      );
      expect((await claim('node-1')).map((d) => [d.notificationId, d.channel])).toEqual([[n.id, 'webhook']]);
    });

    it('holds a claimed row under its lease; retry, complete and abandon take effect for the holder only', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      await f.store.notifications.createNotifications([note(b.id, group.id, a.id)], announce, both);
      const [first] = await claim('node-1', 50, 5000);
      expect(first!.attempts).toBe(1);
      expect(await claim('node-2')).toEqual([]); // held
      tick(); // …the lease is still 4 s away
      expect(await claim('node-2')).toEqual([]);
      for (let i = 0; i < 4; i++) tick(); // node 1 went silent past its lease: another node takes it over
      const [again] = await claim('node-2');
      expect(again).toMatchObject({ id: first!.id, attempts: 2 });
      expect(await f.store.outbox.completeDeliveries([first!.id], 'node-1')).toBe(0); // no longer node 1's
      expect(await f.store.outbox.retryDelivery(first!.id, 'node-1', f.now, 'late')).toBe(false);

      expect(await f.store.outbox.retryDelivery(first!.id, 'node-2', f.now + 3000, 'HTTP 500')).toBe(true);
      expect(await claim('node-3')).toEqual([]); // released, but not due yet
      for (let i = 0; i < 3; i++) tick();
      const [third] = await claim('node-3');
      expect(third).toMatchObject({ id: first!.id, attempts: 3, lastError: 'HTTP 500', nextAttemptAt: f.now });
      expect(await f.store.outbox.completeDeliveries([first!.id], 'node-3')).toBe(1);
      expect(await f.store.outbox.completeDeliveries([first!.id], 'node-3')).toBe(0);
      expect(await f.store.outbox.completeDeliveries([], 'node-3')).toBe(0);
      for (let i = 0; i < 20; i++) tick();
      expect(await claim('node-4')).toEqual([]);
    });

    it('keeps an abandoned delivery as dead, never claimed again', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      await f.store.notifications.createNotifications([note(b.id, group.id, a.id)], announce, { ...both, push: false });
      const [delivery] = await claim('node-1');
      expect(await f.store.outbox.abandonDelivery(delivery!.id, 'other', 'x')).toBe(false);
      expect(await f.store.outbox.abandonDelivery(delivery!.id, 'node-1', 'x'.repeat(600))).toBe(true);
      for (let i = 0; i < 20; i++) tick();
      expect(await claim('node-2')).toEqual([]);
      const [dead] = await f.store.outbox.listDeadDeliveries(10);
      expect(dead).toMatchObject({ id: delivery!.id, status: 'dead', attempts: 1 });
      expect(dead!.lastError).toHaveLength(500);
    });

    it('counts the deliveries still to make, claimed or not, and neither completed nor dead ones', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      const before = await f.store.outbox.countPendingDeliveries(); // other cases' rows may share the store
      await f.store.notifications.createNotifications([note(b.id, group.id, a.id), note(b.id, group.id, a.id)], announce, {
        ...both,
        push: false,
      });
      expect(await f.store.outbox.countPendingDeliveries()).toBe(before + 2);
      const [one, two] = (await claim('node-1', 1000)).filter((d) => d.userId === b.id);
      expect(await f.store.outbox.countPendingDeliveries()).toBe(before + 2); // held under a lease, still to make
      await f.store.outbox.completeDeliveries([one!.id], 'node-1');
      await f.store.outbox.abandonDelivery(two!.id, 'node-1', 'gone');
      expect(await f.store.outbox.countPendingDeliveries()).toBe(before);
    });

    it('claims oldest due first, up to the limit, and concurrent claims never share a row', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      const notes = Array.from({ length: 24 }, () => note(b.id, group.id, a.id));
      await f.store.notifications.createNotifications(notes, announce, { ...both, push: false });
      const [oldest] = await claim('first', 1);
      expect(oldest!.notificationId).toBe(notes[0]!.id);
      const claims = await Promise.all(Array.from({ length: 6 }, (_, i) => claim(`node-${i}`, 5)));
      const ids = claims.flat().map((d) => d.notificationId);
      expect(new Set(ids).size).toBe(ids.length);
      expect(claims.every((c) => c.length <= 5)).toBe(true);
      const rest = await claim('last');
      expect([...ids, ...rest.map((d) => d.notificationId)].sort()).toEqual(
        notes
          .slice(1)
          .map((n) => n.id)
          .sort(),
      );
      // Completed together: only the rows the token holds go.
      expect(
        await f.store.outbox.completeDeliveries(
          [...claims[0]!, ...claims[1]!].map((d) => d.id),
          'node-0',
        ),
      ).toBe(claims[0]!.length);
      expect(
        await f.store.outbox.completeDeliveries(
          claims[1]!.map((d) => d.id),
          'node-1',
        ),
      ).toBe(claims[1]!.length);
    });

    it('saves, moves, deletes and drops push subscriptions', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      await subscribe(a.id, 'https://push.example/x');
      expect(await f.store.push.getPushSubscription('https://push.example/x')).toEqual({
        endpoint: 'https://push.example/x',
        userId: a.id,
        p256dh: 'p-https://push.example/x',
        auth: 'a-https://push.example/x',
        createdAt: f.now,
      });
      // The same browser endpoint subscribed again by another user moves to them.
      await f.store.push.savePushSubscription({
        endpoint: 'https://push.example/x',
        userId: b.id,
        p256dh: 'p2',
        auth: 'a2',
        createdAt: tick(),
      });
      expect(await f.store.push.getPushSubscription('https://push.example/x')).toMatchObject({ userId: b.id, p256dh: 'p2', auth: 'a2' });
      expect(await f.store.push.deletePushSubscription(a.id, 'https://push.example/x')).toBe(false); // not Amy's any more
      expect(await f.store.push.deletePushSubscription(b.id, 'https://push.example/x')).toBe(true);
      expect(await f.store.push.getPushSubscription('https://push.example/x')).toBeUndefined();
      await subscribe(a.id, 'https://push.example/y');
      await f.store.push.dropPushSubscription('https://push.example/y');
      await f.store.push.dropPushSubscription('https://push.example/y');
      expect(await f.store.push.getPushSubscription('https://push.example/y')).toBeUndefined();
    });

    // Issue 35: a user's subscriptions are capped; the oldest go first, nobody else's are touched.
    it("trims a user's push subscriptions to the newest few", async () => {
      const [a, b] = [await user('trim-a'), await user('trim-b')];
      for (const n of [1, 2, 3, 4]) await subscribe(a.id, `https://push.example/trim-${n}`);
      await subscribe(b.id, 'https://push.example/trim-other');
      expect(await f.store.push.trimPushSubscriptions(a.id, 2)).toBe(2);
      expect(await f.store.push.trimPushSubscriptions(a.id, 2)).toBe(0);
      for (const [n, kept] of [
        [1, false],
        [2, false],
        [3, true],
        [4, true],
      ] as const)
        expect(await f.store.push.getPushSubscription(`https://push.example/trim-${n}`), `trim-${n}`).toEqual(
          kept ? expect.anything() : undefined,
        );
      expect(await f.store.push.getPushSubscription('https://push.example/trim-other')).toMatchObject({ userId: b.id });
    });

    it('keeps the first value of a server key, whoever stores it next', async () => {
      const results = await Promise.all(['one', 'two', 'three'].map((v) => f.store.push.keepServerKey('vapid', v, tick())));
      expect(new Set(results).size).toBe(1);
      expect(await f.store.push.keepServerKey('vapid', 'four', tick())).toBe(results[0]);
      expect(await f.store.push.keepServerKey('other', 'five', tick())).toBe('five');
    });
  });
}
