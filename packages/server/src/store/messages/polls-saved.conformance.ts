import { describe, expect, it } from 'vitest';
import { drafts, type Fixture } from '../conformance/fixtures.js';
import type { PollRecord, SavedChange } from '../store.js';
import { decideDueClose, decideVote } from '../../services/messaging/polls.js';
import { decideCard, decideRemoval } from '../../services/messaging/link-preview-rules.js';

const savedDraft = (c: SavedChange) => ({
  type: 'saved.updated' as const,
  conversationId: c.conversationId,
  messageId: c.messageId,
  saved: c.savedAt !== null,
  savedAt: c.savedAt === null ? null : new Date(c.savedAt).toISOString(),
});

/** Issue 37: a message's content column (a poll, a forward's origin), polls' due times, saved messages. */
export function describePollsAndSaved(f: Fixture): void {
  const { user, conversation, append, msg } = f;
  const poll = (closesAt: number | null = null): PollRecord => ({
    question: 'Q?',
    options: [
      { id: '1', text: 'a', userIds: [] },
      { id: '2', text: 'b', userIds: [] },
    ],
    multiple: true,
    anonymous: false,
    closesAt,
    closedAt: null,
  });

  describe('polls, forwards and saved messages', () => {
    it('stores a poll and a forward origin with the message, read back by every read; deleting drops the poll', async () => {
      const [a, b] = [await user('pca'), await user('pcb')];
      const conv = (await conversation('group', [a.id, b.id])).conversation;
      const forwardedFrom = { conversationId: conv.id, senderId: b.id, sentAt: f.now - 1000 };
      const [sent] = await append([{ ...msg(conv.id, a.id, 'p1', 'Q?'), kind: 'poll', poll: poll(), forwardedFrom }]);
      expect(sent!.message).toMatchObject({ kind: 'poll', poll: poll(), forwardedFrom });
      expect(await f.store.messages.getMessage(sent!.message.id)).toEqual(sent!.message);
      expect((await f.store.messages.listMessages(conv.id, { limit: 10 }))[0]).toEqual(sent!.message);
      const [text] = await append([msg(conv.id, a.id, 'p2', 'plain')]);
      expect(text!.message.poll).toBeUndefined();
      expect(text!.message.forwardedFrom).toBeUndefined();
      await f.update(sent!.message.id, () => ({ body: '', deletedAt: f.now, erase: true }), drafts.messageUpdated);
      const deleted = await f.store.messages.getMessage(sent!.message.id);
      expect(deleted!.poll).toBeUndefined();
      expect(deleted!.forwardedFrom).toEqual(forwardedFrom);
    });

    it('keeps a link preview in the content column: set, kept by other changes, removed, erased with the message', async () => {
      const [a] = [await user('lpa')];
      const conv = (await conversation('group', [a.id])).conversation;
      const [sent] = await append([msg(conv.id, a.id, 'lp', 'see https://x.example/a')]);
      const id = sent!.message.id;
      const card = { title: 'A', description: 'd', siteName: 'x.example', imageKey: `link-preview-${id}-ab12` };
      await f.update(id, (current) => decideCard(current, 'https://x.example/a', card), drafts.messageUpdated);
      const preview = { url: 'https://x.example/a', ...card };
      expect((await f.store.messages.getMessage(id))!.preview).toEqual(preview);
      await f.update(id, () => ({ reactions: [{ emoji: '👍', userIds: [a.id] }] }), drafts.messageUpdated);
      expect((await f.store.messages.listMessages(conv.id, { limit: 10 }))[0]!.preview).toEqual(preview);
      await f.update(id, decideRemoval, drafts.messageUpdated);
      expect((await f.store.messages.getMessage(id))!.preview).toEqual({ url: 'https://x.example/a', removed: true });
      await f.update(id, () => ({ body: '', deletedAt: f.now, erase: true }), drafts.messageUpdated);
      expect((await f.store.messages.getMessage(id))!.preview).toBeUndefined();
    });

    it('loses no vote when votes of one poll race', async () => {
      const users = await Promise.all(['pra', 'prb', 'prc', 'prd', 'pre'].map((n) => user(n)));
      const conv = (
        await conversation(
          'group',
          users.map((u) => u.id),
        )
      ).conversation;
      const [sent] = await append([{ ...msg(conv.id, users[0]!.id, 'pr', 'Q?'), kind: 'poll', poll: poll() }]);
      await Promise.all(
        users.map((u) => f.update(sent!.message.id, (current) => decideVote(current, u.id, ['1', '2'], f.now), drafts.messageUpdated)),
      );
      const stored = await f.store.messages.getMessage(sent!.message.id);
      expect(new Set(stored!.poll!.options[0]!.userIds)).toEqual(new Set(users.map((u) => u.id)));
      expect(new Set(stored!.poll!.options[1]!.userIds)).toEqual(new Set(users.map((u) => u.id)));
    });

    it('lists polls due by a time, soonest first, until they are closed', async () => {
      const a = await user('pda');
      const conv = (await conversation('group', [a.id])).conversation;
      const base = Date.now() + 10 * 365 * 86_400_000; // far beyond other tests' polls
      const [late, soon, none] = await append([
        { ...msg(conv.id, a.id, 'd1', 'Q?'), kind: 'poll', poll: poll(base + 2000) },
        { ...msg(conv.id, a.id, 'd2', 'Q?'), kind: 'poll', poll: poll(base + 1000) },
        { ...msg(conv.id, a.id, 'd3', 'Q?'), kind: 'poll', poll: poll() },
      ]);
      const due = async (now: number) =>
        (await f.store.messages.listDue(now, 1000)).filter((id) => [late, soon, none].some((s) => s!.message.id === id));
      expect(await due(base + 500)).toEqual([]);
      expect(await due(base + 1500)).toEqual([soon!.message.id]);
      expect(await due(base + 2500)).toEqual([soon!.message.id, late!.message.id]);
      await f.update(soon!.message.id, (current) => decideDueClose(current, base + 2500), drafts.messageUpdated);
      expect((await f.store.messages.getMessage(soon!.message.id))!.poll!.closedAt).toBe(base + 1000);
      expect(await due(base + 2500)).toEqual([late!.message.id]);
    });

    it('saves idempotently with one event per change, lists newest saved first, and only while a member', async () => {
      const [a, b] = [await user('sva'), await user('svb')];
      const conv = (await conversation('group', [a.id, b.id])).conversation;
      const [m1, m2] = await append([msg(conv.id, b.id, 's1', 'one'), msg(conv.id, b.id, 's2', 'two')]);
      const first = await f.store.messages.setSaved(a.id, m1!.message, f.now, savedDraft);
      expect(first.changed).toBe(true);
      expect(first.events.map((e) => [e.event.type, e.conversationId])).toEqual([['saved.updated', a.id]]);
      expect((await f.store.messages.setSaved(a.id, m1!.message, f.now + 5, savedDraft)).events).toEqual([]);
      await f.store.messages.setSaved(a.id, m2!.message, f.now + 10, savedDraft);
      const listed = await f.store.messages.listSaved(a.id, { limit: 10 });
      expect(listed.map((s) => [s.message.id, s.savedAt])).toEqual([
        [m2!.message.id, f.now + 10],
        [m1!.message.id, f.now],
      ]);
      const after = await f.store.messages.listSaved(a.id, { limit: 10, before: { savedAt: f.now + 10, messageId: m2!.message.id } });
      expect(after.map((s) => s.message.id)).toEqual([m1!.message.id]);
      const removed = await f.store.messages.setSaved(a.id, m1!.message, null, savedDraft);
      expect(removed.changed).toBe(true);
      expect((await f.store.messages.setSaved(a.id, m1!.message, null, savedDraft)).changed).toBe(false);
      await f.removeMember(conv.id, a.id, b.id);
      expect(await f.store.messages.listSaved(a.id, { limit: 10 })).toEqual([]);
    });
  });
}
