import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../store.js';
import { drafts, type Fixture, sendPlan } from '../conformance/fixtures.js';

/** One message after it was sent: replies, threads, changes with their versions, mentions, pins. */
export function describeMessageChanges(f: Fixture): void {
  const { user, conversation, append, msg } = f;
  const group = async (...names: string[]) => {
    const users = await Promise.all(names.map((n) => user(n)));
    const conv = (
      await conversation(
        'group',
        users.map((u) => u.id),
      )
    ).conversation;
    return { users, conv };
  };

  describe('message changes', () => {
    it('stores a new message with nothing edited, quoted, reacted to or pinned', async () => {
      const {
        users: [a],
        conv,
      } = await group('nia', 'nob');
      const message: MessageRecord = (await append([msg(conv.id, a!.id, 'n1')]))[0]!.message;
      const expected = {
        kind: 'text',
        editedAt: null,
        deletedAt: null,
        replyToId: null,
        replyTo: null,
        threadRootId: null,
        replyCount: 0,
        lastReplyAt: null,
        reactions: [],
        mentions: [],
        pinnedAt: null,
        pinnedBy: null,
      };
      expect(message).toMatchObject(expected);
      expect(await f.store.messages.getMessage(message.id)).toEqual(message);
      expect(await f.store.messages.getMessage('no-such-message')).toBeUndefined();
    });

    it('answers a reply with the quoted message as it is now, in every read', async () => {
      const {
        users: [a, b],
        conv,
      } = await group('qua', 'qub');
      const [quoted] = await append([msg(conv.id, a!.id, 'q1', 'the original')]);
      const [reply] = await append([{ ...msg(conv.id, b!.id, 'q2', 'a reply'), replyToId: quoted!.message.id }]);
      const quote = { id: quoted!.message.id, seq: quoted!.message.seq, senderId: a!.id, body: 'the original', deleted: false };
      expect(reply!.message).toMatchObject({ replyToId: quoted!.message.id, replyTo: quote });
      await f.update(quoted!.message.id, () => ({ body: 'changed', editedAt: f.tick(), keepVersion: true }), drafts.messageUpdated);
      const changed = { ...quote, body: 'changed' };
      expect((await f.store.messages.getMessage(reply!.message.id))?.replyTo).toEqual(changed);
      expect((await f.store.messages.listMessages(conv.id, { limit: 5 }))[0]?.replyTo).toEqual(changed);
      expect((await f.store.conversations.getConversationView(a!.id, conv.id))?.lastMessage?.replyTo).toEqual(changed);
      expect((await f.store.messages.listRecentMessages(a!.id, { limit: 1 }))[0]?.replyTo).toEqual(changed);
    });

    it('counts thread replies on the root in the same transaction, logs the root after them, and keeps them out of the main history', async () => {
      const {
        users: [a, b],
        conv,
      } = await group('tha', 'thb');
      const [root] = await append([msg(conv.id, a!.id, 't0')]);
      const rootId = root!.message.id;
      const batch = [
        { ...msg(conv.id, b!.id, 't1'), threadRootId: rootId },
        msg(conv.id, a!.id, 't2'),
        { ...msg(conv.id, a!.id, 't3'), threadRootId: rootId },
      ];
      const { events } = await f.store.messages.appendMessages(batch, {
        announce: drafts.messageCreated,
        announceRoot: drafts.messageUpdated,
      });
      expect(events.map((e) => e.event.type)).toEqual(['message.created', 'message.created', 'message.created', 'message.updated']);
      const stored = await f.store.messages.getMessage(rootId);
      expect(stored).toMatchObject({ replyCount: 2, lastReplyAt: batch[2]!.createdAt });
      expect(events[3]!.event).toMatchObject({ message: { id: rootId, replyCount: 2 } });
      expect((await f.store.messages.listMessages(conv.id, { limit: 10 })).map((m) => m.seq)).toEqual([3, 1]);
      expect((await f.store.messages.listMessages(conv.id, { limit: 10, threads: true })).map((m) => m.seq)).toEqual([4, 3, 2, 1]);
      expect((await f.store.messages.listThread(rootId, { limit: 10 })).map((m) => m.seq)).toEqual([2, 4]);
      expect((await f.store.messages.listThread(rootId, { limit: 10, after: 2 })).map((m) => m.seq)).toEqual([4]);
    });

    it('changes a message from what is stored, logs the change, keeps earlier versions and forgets them on request', async () => {
      const {
        users: [a],
        conv,
      } = await group('eda', 'edb');
      const [sent] = await append([msg(conv.id, a!.id, 'e1', 'first')]);
      const id = sent!.message.id;
      const quoting = (await append([{ ...msg(conv.id, a!.id, 'e2', 'quoting'), replyToId: id }]))[0]!;
      const edit = (body: string, at: number) =>
        f.update(id, (current) => (current.body === body ? null : { body, editedAt: at, keepVersion: true }), drafts.messageUpdated);
      const [t1, t2] = [f.tick(), f.tick()];
      const one = await edit('second', t1);
      expect(one).toMatchObject({ changed: true, message: { body: 'second', editedAt: t1 } });
      expect(one!.events.map((e) => e.event)).toMatchObject([{ type: 'message.updated', message: { id, body: 'second' } }]);
      await edit('third', t2);
      const same = await edit('third', f.tick());
      expect(same).toMatchObject({ changed: false, events: [], message: { body: 'third', editedAt: t2 } });
      expect(await f.store.messages.listEdits(id)).toEqual([
        { body: 'first', editedAt: t1 },
        { body: 'second', editedAt: t2 },
      ]);
      const deleted = await f.update(
        id,
        () => ({ body: '', deletedAt: f.tick(), reactions: [], mentions: [], erase: true }),
        drafts.messageDeleted,
      );
      expect(deleted!.events[0]!.event).toMatchObject({ type: 'message.deleted', message: { body: '', deletedAt: expect.any(String) } });
      expect(await f.store.messages.listEdits(id)).toEqual([]);
      // Gone from the log too: its own events and the quotes of it replay with an empty body.
      const logged = await f.store.events.readConversationEvents(conv.id, 0, 100);
      expect(logged.filter((e) => e.event.type.startsWith('message.'))).toHaveLength(5);
      expect(logged.map((e) => e.frame).join('\n')).not.toMatch(/first|second|third/);
      expect(logged.find((e) => e.event.type === 'message.created' && e.event.message.id === quoting.message.id)?.event).toMatchObject({
        message: { body: 'quoting', replyTo: { id, excerpt: '' } },
      });
      expect(await f.update('missing', () => ({ body: 'x' }), drafts.messageUpdated)).toBeUndefined();
    });

    it('refuses a change the decision throws on, storing and logging nothing', async () => {
      const {
        users: [a],
        conv,
      } = await group('rfa', 'rfb');
      const [sent] = await append([msg(conv.id, a!.id, 'r1')]);
      const before = await f.store.events.streamHead();
      await expect(
        f.update(
          sent!.message.id,
          () => {
            throw new Error('refused');
          },
          drafts.messageUpdated,
        ),
      ).rejects.toThrow('refused');
      expect(await f.store.events.streamHead()).toEqual(before);
    });

    it('changes a batch in one transaction: a later change sees an earlier one, a refusal or a missing message spares the rest', async () => {
      const {
        users: [a],
        conv,
      } = await group('bta', 'btb');
      const [one, two] = await append([msg(conv.id, a!.id, 'b1'), msg(conv.id, a!.id, 'b2')]);
      const add = (emoji: string) => (current: MessageRecord) => ({ reactions: [...current.reactions, { emoji, userIds: [a!.id] }] });
      const { results, events } = await f.store.messages.updateMessages([
        { id: one!.message.id, change: add('👍'), announce: drafts.messageUpdated },
        {
          id: two!.message.id,
          change: () => {
            throw new Error('refused');
          },
          announce: drafts.messageUpdated,
        },
        { id: 'missing', change: add('🎉'), announce: drafts.messageUpdated },
        { id: one!.message.id, change: add('🎉'), announce: drafts.messageUpdated },
        { id: two!.message.id, change: () => null, announce: drafts.messageUpdated },
      ]);
      expect(results.map((r) => (r === undefined ? 'missing' : 'refused' in r ? 'refused' : r.changed ? 'changed' : 'unchanged'))).toEqual([
        'changed',
        'refused',
        'missing',
        'changed',
        'unchanged',
      ]);
      expect(events.map((e) => e.event)).toMatchObject([
        { type: 'message.updated', message: { reactions: [{ emoji: '👍' }] } },
        { type: 'message.updated', message: { reactions: [{ emoji: '👍' }, { emoji: '🎉' }] } },
      ]);
      expect(events[1]!.event.prev).toBe(events[0]!.pos);
      expect((await f.store.messages.getMessage(one!.message.id))?.reactions.map((r) => r.emoji)).toEqual(['👍', '🎉']);
    });

    it('commits new messages and changes of stored ones in one transaction, the changes logged after the new messages', async () => {
      const {
        users: [a, b],
        conv,
      } = await group('mxa', 'mxb');
      const other = (await conversation('group', [a!.id, b!.id])).conversation;
      const [old] = await append([msg(other.id, b!.id, 'mx0')]);
      const pin = { id: old!.message.id, change: () => ({ pinnedAt: f.tick(), pinnedBy: a!.id }), announce: drafts.messageUpdated };
      const refused = {
        id: old!.message.id,
        change: () => {
          throw new Error('no');
        },
        announce: drafts.messageUpdated,
      };
      const { results, events, updates } = await f.store.messages.appendMessages([msg(conv.id, a!.id, 'mx1')], sendPlan, [pin, refused]);
      expect(results[0]).toMatchObject({ created: true, message: { seq: 1 } });
      expect(updates).toMatchObject([{ changed: true, message: { pinnedBy: a!.id } }, { refused: expect.any(Error) }]);
      expect(events.map((e) => [e.event.type, e.conversationId])).toEqual([
        ['message.created', conv.id],
        ['message.updated', other.id],
      ]);
      expect(events[1]!.event.prev).toBe((await f.store.events.readConversationEvents(other.id, 0, 10)).at(-2)!.pos);
      // Changes alone, with nothing to send, commit too.
      const alone = await f.store.messages.appendMessages([], sendPlan, [{ ...pin, change: () => ({ pinnedAt: null, pinnedBy: null }) }]);
      expect(alone.events.map((e) => e.event.type)).toEqual(['message.updated']);
      expect((await f.store.messages.getMessage(old!.message.id))?.pinnedAt).toBeNull();
    });

    it('loses no reaction when changes of one message race', async () => {
      const {
        users: [a, ...others],
        conv,
      } = await group('rca', 'rcb', 'rcc', 'rcd', 'rce');
      const [sent] = await append([msg(conv.id, a!.id, 'rc')]);
      await Promise.all(others.map(() => f.store.ping()));
      await Promise.all(
        others.map((u) =>
          f.update(
            sent!.message.id,
            (current) => ({ reactions: [{ emoji: '👍', userIds: [...(current.reactions[0]?.userIds ?? []), u.id] }] }),
            drafts.messageUpdated,
          ),
        ),
      );
      const stored = await f.store.messages.getMessage(sent!.message.id);
      expect(new Set(stored!.reactions[0]!.userIds)).toEqual(new Set(others.map((u) => u.id)));
    });

    it('stores mentions with the message and replaces them on change', async () => {
      const {
        users: [a, b, c],
        conv,
      } = await group('Mia', 'mib', 'mic');
      const [sent] = await append([{ ...msg(conv.id, a!.id, 'm1', '@mib'), mentions: [b!.id] }]);
      expect(sent!.message.mentions).toEqual([b!.id]);
      await f.update(sent!.message.id, () => ({ body: '@mic', mentions: [c!.id] }), drafts.messageUpdated);
      expect((await f.store.messages.getMessage(sent!.message.id))?.mentions).toEqual([c!.id]);
      expect(await f.store.members.findMembersByUsername(conv.id, ['MIA', 'mib', 'nobody'])).toEqual(
        new Map([
          ['mia', a!.id],
          ['mib', b!.id],
        ]),
      );
      const outsider = await user('mix');
      expect(await f.store.members.findMembersByUsername(conv.id, [outsider.username])).toEqual(new Map());
    });

    it('lists pinned messages, most recently pinned first', async () => {
      const {
        users: [a],
        conv,
      } = await group('pna', 'pnb');
      const sent = await append([msg(conv.id, a!.id, 'p1'), msg(conv.id, a!.id, 'p2'), msg(conv.id, a!.id, 'p3')]);
      const pin = (i: number) => f.update(sent[i]!.message.id, () => ({ pinnedAt: f.tick(), pinnedBy: a!.id }), drafts.messageUpdated);
      await pin(2);
      await pin(0);
      expect((await f.store.messages.listPins(conv.id, 10)).map((m) => m.seq)).toEqual([1, 3]);
      await f.update(sent[0]!.message.id, () => ({ pinnedAt: null, pinnedBy: null }), drafts.messageUpdated);
      expect((await f.store.messages.listPins(conv.id, 10)).map((m) => [m.seq, m.pinnedBy])).toEqual([[3, a!.id]]);
    });
  });
}
