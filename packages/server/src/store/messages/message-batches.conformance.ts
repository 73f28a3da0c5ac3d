import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import type { MessageRecord, NotificationRecord } from '../store.js';
import { drafts, type Fixture, sendPlan } from '../conformance/fixtures.js';

/** The group-commit batch as the message writer uses it: messages, changes and notifications in one transaction. */
export function describeMessageBatches(f: Fixture): void {
  const { user, conversation, append, msg } = f;
  const react = (emoji: string, userId: string) => (current: MessageRecord) => ({
    reactions: [...current.reactions, { emoji, userIds: [userId] }],
  });
  const note = (userId: string, conversationId: string, messageId: string, actorId: string): NotificationRecord => ({
    id: newId(),
    userId,
    kind: 'reaction',
    conversationId,
    messageId,
    actorId,
    createdAt: f.tick(),
    readAt: null,
  });

  describe('message batches', () => {
    it("commits notifications with the batch's messages and changes, logged last, each in its recipient's private stream", async () => {
      const [a, b, c] = [await user('nba'), await user('nbb'), await user('nbc')];
      const group = (await conversation('group', [a.id, b.id, c.id])).conversation;
      const [old] = await append([msg(group.id, b.id, 'nb0')]);
      const oldId = old!.message.id;
      const notify = {
        notifications: [note(b.id, group.id, oldId, a.id), note(c.id, group.id, oldId, a.id)],
        announce: drafts.notificationCreated,
      };
      const { results, events, updates } = await f.store.messages.appendMessages(
        [msg(group.id, a.id, 'nb1')],
        sendPlan,
        [{ id: oldId, change: react('👍', a.id), announce: drafts.messageUpdated }],
        notify,
      );
      expect(results[0]).toMatchObject({ created: true });
      expect(updates[0]).toMatchObject({ changed: true });
      expect(events.map((e) => [e.event.type, e.conversationId, e.subjectUserId])).toEqual([
        ['message.created', group.id, null],
        ['message.updated', group.id, null],
        ['notification.created', b.id, b.id],
        ['notification.created', c.id, c.id],
      ]);
      expect((await f.store.notifications.listNotifications(b.id, { limit: 10 })).map((n) => n.id)).toEqual([notify.notifications[0]!.id]);
      // Notifications alone commit too, chained in each recipient's stream.
      const alone = await f.store.messages.appendMessages([], sendPlan, [], {
        notifications: [note(b.id, group.id, oldId, c.id)],
        announce: drafts.notificationCreated,
      });
      expect(alone.results).toEqual([]);
      expect(alone.events.map((e) => [e.event.type, e.event.prev])).toEqual([['notification.created', events[2]!.pos]]);
      expect(await f.store.notifications.countUnreadNotifications(b.id)).toBe(2);
      expect((await f.store.events.conversationHeads([b.id])).get(b.id)!.get(b.id)).toBe(alone.events[0]!.pos);
    });

    it('answers each change with the message as stored, a quote the same batch changed included', async () => {
      const [a, b] = [await user('qba'), await user('qbb')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      const [quoted] = await append([msg(group.id, a.id, 'qb0', 'the quoted body')]);
      const [reply] = await append([{ ...msg(group.id, b.id, 'qb1', 'a reply'), replyToId: quoted!.message.id }]);
      const { results, events } = await f.store.messages.updateMessages([
        { id: reply!.message.id, change: react('👍', a.id), announce: drafts.messageUpdated },
        {
          id: quoted!.message.id,
          change: () => ({ body: 'edited', editedAt: f.tick(), keepVersion: true }),
          announce: drafts.messageUpdated,
        },
        { id: reply!.message.id, change: react('🎉', a.id), announce: drafts.messageUpdated },
        {
          id: quoted!.message.id,
          change: () => ({ body: '', deletedAt: f.tick(), reactions: [], mentions: [], erase: true }),
          announce: drafts.messageDeleted,
        },
        { id: reply!.message.id, change: react('👀', a.id), announce: drafts.messageUpdated },
      ]);
      const replyOf = (i: number) => (results[i] as { message: MessageRecord }).message;
      expect(replyOf(0).replyTo).toMatchObject({ body: 'the quoted body', deleted: false });
      expect(replyOf(2).replyTo).toMatchObject({ body: 'edited', deleted: false });
      expect(replyOf(4).replyTo).toMatchObject({ body: '', deleted: true });
      expect(replyOf(4)).toEqual(await f.store.messages.getMessage(reply!.message.id));
      expect(replyOf(4).reactions.map((r) => r.emoji)).toEqual(['👍', '🎉', '👀']);
      expect((results[3] as { message: MessageRecord }).message).toEqual(await f.store.messages.getMessage(quoted!.message.id));
      expect(events.map((e) => e.event.type)).toEqual([
        'message.updated',
        'message.updated',
        'message.updated',
        'message.deleted',
        'message.updated',
      ]);
    });

    it('erases a deleted body from every event that carries or quotes it, however long ago and however busy the conversation since', async () => {
      const [a, b] = [await user('eba'), await user('ebb')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      const [target] = await append([msg(group.id, a.id, 'eb0', 'secret words')]);
      const id = target!.message.id;
      const [reply] = await append([{ ...msg(group.id, b.id, 'eb1', 'quoting'), replyToId: id }]);
      // Both changed later, each change logging the body or the quote again.
      await f.update(id, react('👍', b.id), drafts.messageUpdated);
      await f.update(reply!.message.id, react('🎉', a.id), drafts.messageUpdated);
      // An hour of other traffic, in this conversation and another.
      const other = (await conversation('group', [a.id, b.id])).conversation;
      const later = f.tick() + 3_600_000;
      await append(
        Array.from({ length: 30 }, (_, i) => ({ ...msg(i % 2 ? other.id : group.id, b.id, `eb-later-${i}`), createdAt: later + i })),
      );
      await f.update(id, () => ({ body: '', deletedAt: later + 100, reactions: [], mentions: [], erase: true }), drafts.messageDeleted);
      const logged = await f.store.events.readConversationEvents(group.id, 0, 100);
      expect(logged.map((e) => e.frame).join('\n')).not.toContain('secret words');
      const quotes = logged.filter((e) => 'message' in e.event && e.event.message.id === reply!.message.id);
      expect(quotes.map((e) => e.event.type)).toEqual(['message.created', 'message.updated']);
      for (const e of quotes) expect(e.event).toMatchObject({ message: { body: 'quoting', replyTo: { id, excerpt: '' } } });
      expect(logged.filter((e) => 'message' in e.event && e.event.message.id === id).map((e) => e.event.type)).toEqual([
        'message.created',
        'message.updated',
        'message.deleted',
      ]);
    });

    it('reads many messages at once, each reply with its quote, leaving out ids that do not exist', async () => {
      const [a] = [await user('gma')];
      const group = (await conversation('group', [a.id])).conversation;
      const [first, second] = await append([msg(group.id, a.id, 'gm0', 'quoted'), msg(group.id, a.id, 'gm1')]);
      const [reply] = await append([{ ...msg(group.id, a.id, 'gm2', 'reply'), replyToId: first!.message.id }]);
      const ids = [reply!.message.id, 'missing', first!.message.id, second!.message.id, first!.message.id];
      const read = await f.store.messages.getMessages(ids);
      expect(read.map((m) => m.id).sort()).toEqual([first!.message.id, second!.message.id, reply!.message.id].sort());
      for (const m of read) expect(m).toEqual(await f.store.messages.getMessage(m.id));
      expect(read.find((m) => m.id === reply!.message.id)!.replyTo).toMatchObject({
        id: first!.message.id,
        body: 'quoted',
        deleted: false,
      });
      expect(await f.store.messages.getMessages([])).toEqual([]);
    });
  });
}
