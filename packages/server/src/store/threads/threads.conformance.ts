import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../store.js';
import { drafts, type Fixture } from '../conformance/fixtures.js';

/** Thread read state (issue 35 item 2): counts, auto-follow, read positions, the thread list. */
export function describeThreads(f: Fixture): void {
  const { user, conversation, append, msg } = f;

  /** A group of three with a root by `a`: the ids and the root. */
  const setUp = async (names: string[]) => {
    const [a, b, c] = await Promise.all(names.map((n) => user(n)));
    const group = (await conversation('group', [a!.id, b!.id, c!.id])).conversation;
    const [root] = await append([msg(group.id, a!.id, `${names[0]}-root`)]);
    return { a: a!, b: b!, c: c!, group, root: root!.message };
  };
  const reply = async (root: MessageRecord, senderId: string, clientId: string, mentions: string[] = []) =>
    (await append([{ ...msg(root.conversationId, senderId, clientId), threadRootId: root.id, mentions }]))[0]!.message;
  const view = (userId: string, conversationId: string) => f.store.conversations.getConversationView(userId, conversationId);

  describe('thread read state', () => {
    it('counts thread-only replies in the thread, not in the conversation; mentions count anywhere', async () => {
      const { a, b, c, group, root } = await setUp(['tha', 'thb', 'thc']);
      await append([msg(group.id, b.id, 'th-main')]);
      await f.read(group.id, a.id, 2);
      await f.read(group.id, b.id, 2);
      await reply(root, c.id, 'th-r1', [b.id]);
      // The case: readSeq 2, lastSeq 3, yet nothing unread in the main timeline.
      expect(await view(a.id, group.id)).toMatchObject({ unreadCount: 0, mentionCount: 0, unreadThreads: 1, member: { readSeq: 2 } });
      expect(await view(b.id, group.id)).toMatchObject({ unreadCount: 0, mentionCount: 1, unreadThreads: 1 });
      expect(await f.store.markers.countUnreadTotal(a.id)).toBe(0);
      expect((await f.read(group.id, a.id, 2)).unreadCount).toBe(0);
      // The replier follows and has read their own reply; it does not move their conversation marker.
      expect(await view(c.id, group.id)).toMatchObject({ unreadThreads: 0, unreadCount: 2, member: { readSeq: 0 } });
    });

    it('follows the root author, repliers and the mentioned; an unfollow stands until one replies again', async () => {
      const { a, b, c, group, root } = await setUp(['tfa', 'tfb', 'tfc']);
      const r1 = await reply(root, b.id, 'tf-r1');
      expect(await f.store.threads.getState(root, a.id)).toMatchObject({ following: true, readSeq: 0, unreadCount: 1, unreadThreads: 1 });
      expect(await f.store.threads.getState(root, b.id)).toMatchObject({ following: true, readSeq: r1.seq, unreadCount: 0 });
      expect(await f.store.threads.getState(root, c.id)).toMatchObject({ following: false, unreadCount: 1, unreadThreads: 0 });
      await reply(root, a.id, 'tf-r2', [c.id]);
      expect(await f.store.threads.getState(root, c.id)).toMatchObject({ following: true, unreadCount: 2, unreadThreads: 1 });

      const off = await f.store.threads.setFollowing(root, a.id, false, drafts.threadUpdated);
      expect(off).toMatchObject({ following: false, unreadThreads: 0 });
      expect(off.events).toHaveLength(1);
      expect(off.events[0]!.event).toMatchObject({ type: 'thread.updated', rootId: root.id, following: false, conversationId: group.id });
      expect((await f.store.threads.setFollowing(root, a.id, false, drafts.threadUpdated)).events).toEqual([]);
      await reply(root, b.id, 'tf-r3', [a.id]); // a mention does not undo the unfollow
      expect(await f.store.threads.getState(root, a.id)).toMatchObject({ following: false });
      await reply(root, a.id, 'tf-r4'); // a reply does
      expect(await f.store.threads.getState(root, a.id)).toMatchObject({ following: true, unreadCount: 0 });
    });

    it("tells a reply's audience: the root's author, repliers and followers, less who unfollowed", async () => {
      const { a, b, c, root } = await setUp(['tua', 'tub', 'tuc']);
      expect(await f.store.threads.audience(root)).toEqual([a.id]);
      await reply(root, b.id, 'tu-r1');
      expect(await f.store.threads.audience(root)).toEqual([a.id, b.id].sort());
      await f.store.threads.setFollowing(root, c.id, true, drafts.threadUpdated);
      await f.store.threads.setFollowing(root, a.id, false, drafts.threadUpdated);
      expect(await f.store.threads.audience(root)).toEqual([b.id, c.id].sort());
      // An unfollow before the first reply stands against the author's auto-follow.
      const [second] = await append([msg(root.conversationId, a.id, 'tu-root2')]);
      const off = await f.store.threads.setFollowing(second!.message, a.id, false, drafts.threadUpdated);
      expect(off.events).toHaveLength(1);
      await reply(second!.message, b.id, 'tu-r2');
      expect(await f.store.threads.getState(second!.message, a.id)).toMatchObject({ following: false, unreadCount: 1, unreadThreads: 0 });
      expect(await f.store.threads.audience(second!.message)).toEqual([b.id]);
    });

    it('moves a read position up to the newest reply, never back, logging thread.read in my stream', async () => {
      const { a, b, group, root } = await setUp(['tra', 'trb', 'trc']);
      const r1 = await reply(root, b.id, 'tr-r1');
      const r2 = await reply(root, b.id, 'tr-r2');
      await append([msg(group.id, b.id, 'tr-main')]); // after the replies: past the thread's newest
      const first = await f.store.threads.markRead(root, a.id, r1.seq, drafts.threadRead);
      expect(first).toMatchObject({ readSeq: r1.seq, unreadCount: 1, unreadThreads: 1, following: true });
      expect(first.events).toHaveLength(1);
      expect(first.events[0]).toMatchObject({ conversationId: a.id, event: { type: 'thread.read', rootId: root.id, readSeq: r1.seq } });
      const back = await f.store.threads.markRead(root, a.id, 1, drafts.threadRead);
      expect(back).toMatchObject({ readSeq: r1.seq, events: [] });
      const past = await f.store.threads.markRead(root, a.id, 10_000, drafts.threadRead);
      expect(past).toMatchObject({ readSeq: r2.seq, unreadCount: 0, unreadThreads: 0 });
      expect(await view(a.id, group.id)).toMatchObject({ unreadThreads: 0, unreadCount: 1 });
      // Reading a thread I do not follow keeps my place without following it.
      const { c } = { c: (await f.store.markers.listReceipts(group.id)).find((r) => r.userId !== a.id && r.userId !== b.id)! };
      expect(await f.store.threads.markRead(root, c.userId, r2.seq, drafts.threadRead)).toMatchObject({ following: false, unreadCount: 0 });
    });

    it('lists the threads of a conversation newest reply first, with my state, paged and filtered by following', async () => {
      const { a, b, c, group, root } = await setUp(['tla', 'tlb', 'tlc']);
      const [other] = await append([msg(group.id, b.id, 'tl-other')]);
      await append([msg(group.id, c.id, 'tl-no-replies')]);
      await reply(root, b.id, 'tl-r1');
      await reply(other!.message, c.id, 'tl-r2');
      const all = await f.store.threads.list(group.id, a.id, { limit: 10, followed: false });
      expect(all.map((t) => [t.root.id, t.following, t.unreadCount])).toEqual([
        [other!.message.id, false, 1],
        [root.id, true, 1],
      ]);
      expect(all[0]!.root).toMatchObject({ replyCount: 1 });
      const followed = await f.store.threads.list(group.id, a.id, { limit: 10, followed: true });
      expect(followed.map((t) => t.root.id)).toEqual([root.id]);
      const first = await f.store.threads.list(group.id, a.id, { limit: 1, followed: false });
      const last = first[0]!.root;
      const next = await f.store.threads.list(group.id, a.id, {
        limit: 1,
        followed: false,
        after: { lastReplyAt: last.lastReplyAt!, id: last.id },
      });
      expect(next.map((t) => t.root.id)).toEqual([root.id]);
      expect(await f.store.threads.list(group.id, c.id, { limit: 10, followed: true })).toHaveLength(1);
    });
  });
}
