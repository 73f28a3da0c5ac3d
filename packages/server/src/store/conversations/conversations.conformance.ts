import { describe, expect, it } from 'vitest';
import { UniqueViolation } from '../store.js';
import { drafts, type Fixture } from '../conformance/fixtures.js';

export function describeConversations(f: Fixture): void {
  const { user, conversation, append, msg } = f;

  describe('conversations', () => {
    it('creates a direct conversation once per key', async () => {
      const [a, b] = [await user('ann'), await user('ben')];
      const key = [a.id, b.id].sort().join(':');
      const first = await conversation('direct', [a.id, b.id], key);
      const again = await conversation('direct', [b.id, a.id], key);
      expect(first.created).toBe(true);
      expect(again).toEqual({ conversation: first.conversation, created: false, events: [] });
      expect(first.events.map((e) => e.event.type)).toEqual(['conversation.created']);
      expect(first.conversation.memberCount).toBe(2);
    });

    it('lists my conversations by latest activity with last message, unread count and peer', async () => {
      const [a, b, c] = [await user('amy'), await user('bo'), await user('cy')];
      const dm = (await conversation('direct', [a.id, b.id], [a.id, b.id].sort().join(':'))).conversation;
      const group = (await conversation('group', [a.id, b.id, c.id])).conversation;
      await conversation('group', [b.id, c.id]); // not mine
      await append([msg(dm.id, b.id, 'd1'), msg(dm.id, b.id, 'd2')]);
      await append([msg(group.id, c.id, 'g1')]);

      const rows = await f.store.conversations.listConversations(a.id, { limit: 10 });
      expect(rows.map((r) => r.conversation.id)).toEqual([group.id, dm.id]);
      expect(rows[0]).toMatchObject({ unreadCount: 1, peerId: null, lastMessage: { clientId: 'g1', seq: 1 } });
      expect(rows[1]).toMatchObject({ unreadCount: 2, peerId: b.id, lastMessage: { clientId: 'd2', seq: 2 } });
      expect(rows[1]!.member).toMatchObject({ userId: a.id, role: 'member', readSeq: 0 });

      const page2 = await f.store.conversations.listConversations(a.id, {
        limit: 10,
        after: { activityAt: rows[0]!.conversation.lastActivityAt, id: rows[0]!.conversation.id },
      });
      expect(page2.map((r) => r.conversation.id)).toEqual([dm.id]);
      expect((await f.store.conversations.getConversationView(a.id, dm.id))?.unreadCount).toBe(2);
      expect(await f.store.conversations.getConversationView(c.id, dm.id)).toBeUndefined();
      expect((await f.store.conversations.listConversationIds([a.id])).get(a.id)!.sort()).toEqual([dm.id, group.id].sort());
      // Many users at once, each with their own; a user in none is left out.
      const many = await f.store.conversations.listConversationIds([a.id, c.id, 'nobody']);
      expect(many.get(a.id)!.sort()).toEqual([dm.id, group.id].sort());
      expect(many.has('nobody')).toBe(false);
    });

    it('adds, removes and re-roles members, keeping the count', async () => {
      const [a, b, c] = [await user('al'), await user('bea'), await user('cat')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      await f.addMember(group.id, c.id, a.id);
      await expect(f.addMember(group.id, c.id, a.id)).rejects.toBeInstanceOf(UniqueViolation);
      expect((await f.store.conversations.getConversation(group.id))?.memberCount).toBe(3);
      await f.store.members.setRoles(
        group.id,
        [
          { userId: b.id, role: 'owner' },
          { userId: a.id, role: 'admin' },
        ],
        drafts.memberUpdated(a.id),
      );
      expect((await f.store.members.listMembers(group.id)).map((m) => [m.userId, m.role])).toEqual([
        [a.id, 'admin'],
        [b.id, 'owner'],
        [c.id, 'member'],
      ]);
      expect(await f.removeMember(group.id, c.id, a.id)).toBeDefined();
      expect(await f.removeMember(group.id, c.id, a.id)).toBeUndefined();
      expect((await f.store.conversations.getConversation(group.id))?.memberCount).toBe(2);
      expect(await f.store.members.getMember(group.id, c.id)).toBeUndefined();
      expect(
        (await f.store.conversations.updateConversationTitle(group.id, 'Renamed', drafts.conversationUpdated(a.id)))?.conversation.title,
      ).toBe('Renamed');
    });
  });
}
