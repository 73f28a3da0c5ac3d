import { describe, expect, it } from 'vitest';
import type { ConversationListRow, Draft } from '../store.js';
import type { Fixture } from '../conformance/fixtures.js';

/** The draft the settings service logs (stands in for services/events/event-drafts.ts `settingsUpdated`). */
export const settingsDraft =
  (by: string): Draft<ConversationListRow> =>
  (view) => ({
    type: 'conversation.updated',
    conversation: {
      id: view.conversation.id,
      kind: view.conversation.kind,
      title: view.conversation.title,
      createdBy: view.conversation.createdBy,
      createdAt: new Date(view.conversation.createdAt).toISOString(),
      lastSeq: view.conversation.lastSeq,
      lastActivityAt: new Date(view.conversation.lastActivityAt).toISOString(),
      memberCount: view.conversation.memberCount,
      encrypted: view.conversation.encrypted,
    },
    by,
    settings: view.settings,
  });

export function describeMemberSettings(f: Fixture): void {
  const { user, conversation, append, msg } = f;
  const change = (conversationId: string, userId: string, settings: Parameters<typeof f.store.members.updateMemberSettings>[2]) =>
    f.store.members.updateMemberSettings(conversationId, userId, settings, settingsDraft(userId));

  describe('member settings and private streams', () => {
    it("logs my settings in my private stream only: chained, mine to read, in my heads, in nobody else's", async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      const first = await change(group.id, a.id, { muted: true });
      const second = await change(group.id, a.id, { muted: false });
      expect(first!.view.settings).toEqual({ muted: true, starred: false, archived: false, clearedSeq: 0 });
      expect(second!.view.settings.muted).toBe(false);
      const [e1, e2] = [first!.events[0]!, second!.events[0]!];
      expect(e1).toMatchObject({ conversationId: a.id, subjectUserId: a.id, event: { type: 'conversation.updated', prev: 0 } });
      expect(e2.event.prev).toBe(e1.pos);

      expect((await f.store.events.readUserEvents(a.id, group.lastPos, 10)).map((e) => e.pos)).toEqual([e1.pos, e2.pos]);
      expect(await f.store.events.readUserEvents(b.id, group.lastPos, 10)).toEqual([]);
      expect(await f.store.events.readConversationEvents(group.id, group.lastPos, 10)).toEqual([]);
      expect((await f.store.events.readConversationEvents(a.id, 0, 10)).map((e) => e.pos)).toEqual([e1.pos, e2.pos]);
      expect(await f.store.events.conversationHeads([a.id, b.id])).toEqual(
        new Map([
          [
            a.id,
            new Map([
              [group.id, group.lastPos],
              [a.id, e2.pos],
            ]),
          ],
          [b.id, new Map([[group.id, group.lastPos]])],
        ]),
      );
      // The conversation's own chain did not move.
      expect((await f.store.conversations.getConversation(group.id))!.lastPos).toBe(group.lastPos);
      expect(await f.store.members.getMemberSettings(group.id, b.id)).toEqual({
        muted: false,
        starred: false,
        archived: false,
        clearedSeq: 0,
      });
    });

    it('stars for me alone, keeps the star across new messages and archive, and lists it', async () => {
      const [a, b] = [await user('sta'), await user('stb')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      expect((await change(group.id, a.id, { starred: true }))!.view.settings.starred).toBe(true);
      // Idempotent: starring again changes nothing but still logs my setting.
      expect((await change(group.id, a.id, { starred: true }))!.view.settings).toEqual({
        muted: false,
        starred: true,
        archived: false,
        clearedSeq: 0,
      });
      await append([msg(group.id, b.id, 'after-star')]);
      expect((await f.store.members.getMemberSettings(group.id, a.id))!.starred).toBe(true);
      expect((await f.store.members.getMemberSettings(group.id, b.id))!.starred).toBe(false);
      const listed = await f.store.conversations.listConversations(a.id, { limit: 10 });
      expect(listed.find((r) => r.conversation.id === group.id)!.settings.starred).toBe(true);
      const theirs = await f.store.conversations.listConversations(b.id, { limit: 10 });
      expect(theirs.find((r) => r.conversation.id === group.id)!.settings.starred).toBe(false);
      // Archiving keeps the star; unstarring leaves the other settings as they were.
      await change(group.id, a.id, { archived: true });
      expect((await change(group.id, a.id, { starred: false }))!.view.settings).toEqual({
        muted: false,
        starred: false,
        archived: true,
        clearedSeq: 0,
      });
      expect(await change(group.id, 'not-a-member', { starred: true })).toBeUndefined();
    });

    it('archives until a new message arrives, and lists archived conversations only when asked', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const dm = (await conversation('direct', [a.id, b.id], [a.id, b.id].sort().join(':'))).conversation;
      const group = (await conversation('group', [a.id, b.id])).conversation;
      await append([msg(dm.id, b.id, 'd1')]);
      expect((await change(dm.id, a.id, { archived: true }))!.view.settings.archived).toBe(true);
      const ids = async (archived?: 'include' | 'only') =>
        (await f.store.conversations.listConversations(a.id, { limit: 10, ...(archived ? { archived } : {}) })).map(
          (r) => r.conversation.id,
        );
      expect(await ids()).toEqual([group.id]);
      expect((await ids('include')).sort()).toEqual([dm.id, group.id].sort());
      expect(await ids('only')).toEqual([dm.id]);
      expect((await f.store.conversations.listConversations(b.id, { limit: 10 })).length).toBe(2);
      await append([msg(dm.id, b.id, 'd2')]);
      expect(await ids('only')).toEqual([]);
      expect((await f.store.members.getMemberSettings(dm.id, a.id))!.archived).toBe(false);
    });

    it('clears my history up to the last seq: no last message, nothing unread before it, never backwards', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const dm = (await conversation('direct', [a.id, b.id], [a.id, b.id].sort().join(':'))).conversation;
      await append([msg(dm.id, b.id, 'd1'), msg(dm.id, b.id, 'd2')]);
      const cleared = await change(dm.id, a.id, { clear: true });
      expect(cleared!.view).toMatchObject({ lastMessage: null, unreadCount: 0, settings: { clearedSeq: 2 } });
      expect(await f.store.markers.countUnreadTotal(a.id)).toBe(0);
      expect(await f.store.markers.countUnreadTotal(b.id)).toBe(0);
      await append([msg(dm.id, b.id, 'd3')]);
      expect(await f.store.conversations.getConversationView(a.id, dm.id)).toMatchObject({ unreadCount: 1, lastMessage: { seq: 3 } });
      expect((await f.store.messages.listRecentMessages(a.id, { limit: 10 })).map((m) => m.seq)).toEqual([3]);
      expect((await f.store.messages.listRecentMessages(b.id, { limit: 10 })).map((m) => m.seq)).toEqual([3, 2, 1]);
      expect((await f.read(dm.id, a.id, 3)).unreadCount).toBe(0);
      expect((await f.store.conversations.getConversationView(b.id, dm.id))!.settings.clearedSeq).toBe(0);
    });

    it('counts my unread mentions until my read marker or my clear passes them, in the view and the read marker', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      await append([
        { ...msg(group.id, b.id, 'm1'), mentions: [a.id] },
        msg(group.id, b.id, 'm2'),
        { ...msg(group.id, b.id, 'm3'), mentions: [a.id] },
      ]);
      expect(await f.store.conversations.getConversationView(a.id, group.id)).toMatchObject({ unreadCount: 3, mentionCount: 2 });
      expect((await f.store.conversations.getConversationView(b.id, group.id))!.mentionCount).toBe(0);
      expect(await f.read(group.id, a.id, 1)).toMatchObject({ unreadCount: 2, mentionCount: 1 });
      const [event] = (await f.read(group.id, a.id, 2)).events;
      expect(event!.event).toMatchObject({ type: 'read.updated', unreadCount: 1, mentionCount: 1 });
      await change(group.id, a.id, { clear: true });
      expect(await f.store.conversations.getConversationView(a.id, group.id)).toMatchObject({ unreadCount: 0, mentionCount: 0 });
      await append([{ ...msg(group.id, b.id, 'm4'), mentions: [a.id] }]);
      expect((await f.store.conversations.listConversations(a.id, { limit: 10 }))[0]).toMatchObject({ unreadCount: 1, mentionCount: 1 });
    });

    it('changes nothing and logs nothing for a non-member or an unknown conversation', async () => {
      const [a, b, c] = [await user('amy'), await user('bo'), await user('cy')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      expect(await change(group.id, c.id, { muted: true })).toBeUndefined();
      expect(await change('nope', a.id, { muted: true })).toBeUndefined();
      expect(await f.store.members.getMemberSettings(group.id, c.id)).toBeUndefined();
      expect((await f.store.events.streamHead()).pos).toBe(group.lastPos);
    });

    it('answers which of many (conversation, member) pairs are muted, in one read', async () => {
      const [a, b, c] = [await user('mua'), await user('mub'), await user('muc')];
      const one = (await conversation('group', [a.id, b.id, c.id])).conversation;
      const two = (await conversation('group', [a.id, b.id])).conversation;
      await change(one.id, b.id, { muted: true });
      await change(two.id, a.id, { muted: true });
      await change(two.id, b.id, { muted: true });
      await change(two.id, b.id, { muted: false });
      const pairs = [
        { conversationId: one.id, userId: a.id },
        { conversationId: one.id, userId: b.id },
        { conversationId: two.id, userId: a.id },
        { conversationId: two.id, userId: b.id },
        { conversationId: two.id, userId: c.id }, // not a member
      ];
      const muted = await f.store.members.mutedAmong(pairs);
      expect(muted.map((p) => [p.conversationId, p.userId]).sort()).toEqual(
        [
          [one.id, b.id],
          [two.id, a.id],
        ].sort(),
      );
      // Only the pairs asked about: Bob muted `one`, but asking about `two` alone does not answer it.
      expect(
        await f.store.members.mutedAmong([
          { conversationId: two.id, userId: b.id },
          { conversationId: one.id, userId: a.id },
        ]),
      ).toEqual([]);
      expect(await f.store.members.mutedAmong([])).toEqual([]);
    });
  });
}
