import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import type { NotificationRecord } from '../store.js';
import { drafts, type Fixture } from '../conformance/fixtures.js';

const announce = drafts.notificationCreated;

export function describeNotifications(f: Fixture): void {
  const { user, conversation, tick } = f;
  const note = (
    userId: string,
    conversationId: string,
    actorId: string,
    kind: NotificationRecord['kind'] = 'mention',
  ): NotificationRecord => ({
    id: newId(),
    userId,
    kind,
    conversationId,
    messageId: null,
    actorId,
    createdAt: tick(),
    readAt: null,
  });

  describe('notifications', () => {
    it("stores notifications and logs each in its recipient's private stream alone", async () => {
      const [a, b, c] = [await user('amy'), await user('bo'), await user('cy')];
      const group = (await conversation('group', [a.id, b.id, c.id])).conversation;
      const events = await f.store.notifications.createNotifications(
        [note(b.id, group.id, a.id), note(c.id, group.id, a.id), note(b.id, group.id, a.id, 'reply')],
        announce,
      );
      expect(events.map((e) => [e.conversationId, e.subjectUserId, e.event.type])).toEqual([
        [b.id, b.id, 'notification.created'],
        [c.id, c.id, 'notification.created'],
        [b.id, b.id, 'notification.created'],
      ]);
      expect(events[2]!.event.prev).toBe(events[0]!.pos); // Bob's stream
      expect(events[1]!.event.prev).toBe(0); // Cy's own
      expect((await f.store.events.readUserEvents(b.id, group.lastPos, 10)).map((e) => e.pos)).toEqual([events[0]!.pos, events[2]!.pos]);
      expect(await f.store.events.readUserEvents(a.id, group.lastPos, 10)).toEqual([]);
      expect((await f.store.events.conversationHeads([c.id])).get(c.id)!.get(c.id)).toBe(events[1]!.pos);
      expect(await f.store.notifications.createNotifications([], announce)).toEqual([]);
    });

    it('pages newest first, filters the unread, and marks mine read by id or all', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      const mine = [note(b.id, group.id, a.id), note(b.id, group.id, a.id, 'reaction'), note(b.id, group.id, a.id, 'reply')];
      const theirs = note(a.id, group.id, b.id);
      await f.store.notifications.createNotifications([...mine, theirs], announce);
      const first = await f.store.notifications.listNotifications(b.id, { limit: 2 });
      expect(first.map((n) => n.id)).toEqual([mine[2]!.id, mine[1]!.id]);
      expect(first[0]).toEqual(mine[2]);
      expect((await f.store.notifications.listNotifications(b.id, { limit: 2, beforeId: first[1]!.id })).map((n) => n.id)).toEqual([
        mine[0]!.id,
      ]);

      await f.store.notifications.markNotificationsRead(b.id, [mine[0]!.id, theirs.id], tick()); // Amy's is not Bob's to mark
      expect(await f.store.notifications.countUnreadNotifications(b.id)).toBe(2);
      expect(await f.store.notifications.countUnreadNotifications(a.id)).toBe(1);
      expect((await f.store.notifications.listNotifications(b.id, { limit: 10, unread: true })).map((n) => n.id)).toEqual([
        mine[2]!.id,
        mine[1]!.id,
      ]);
      expect((await f.store.notifications.listNotifications(b.id, { limit: 10 })).find((n) => n.id === mine[0]!.id)!.readAt).toBe(f.now);
      await f.store.notifications.markNotificationsRead(b.id, undefined, tick());
      expect(await f.store.notifications.countUnreadNotifications(b.id)).toBe(0);
      expect(await f.store.notifications.countUnreadNotifications(a.id)).toBe(1);
    });

    it('adds a member and notifies them in one transaction: member.added in the conversation, the notification in their stream', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id])).conversation;
      const n = { ...note(b.id, group.id, a.id, 'added_to_conversation') };
      const { events } = await f.store.members.addMember(
        { conversationId: group.id, userId: b.id, role: 'member', joinedAt: tick() },
        drafts.memberAdded(a.id),
        {
          notify: { notifications: [n], announce },
        },
      );
      expect(events.map((e) => [e.event.type, e.conversationId, e.event.prev])).toEqual([
        ['member.added', group.id, group.lastPos],
        ['notification.created', b.id, 0],
      ]);
      expect((await f.store.notifications.listNotifications(b.id, { limit: 10 })).map((x) => x.kind)).toEqual(['added_to_conversation']);
      expect((await f.store.events.readUserEvents(b.id, 0, 10)).map((e) => e.event.type)).toEqual(['member.added', 'notification.created']);
    });
  });
}
