import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import type { SystemDraft } from '../store.js';
import { drafts, type Fixture } from '../conformance/fixtures.js';

export function describeSystemMessages(f: Fixture): void {
  const { user, conversation } = f;
  const system = (info: SystemDraft['system']): SystemDraft => ({ id: newId(), system: info, announce: drafts.messageCreated });

  describe('system messages', () => {
    it('writes the record of a change in its transaction: the next seq, logged after the change, read by the actor', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      const renamed = await f.store.conversations.updateConversationTitle(
        group.id,
        'New',
        drafts.conversationUpdated(a.id),
        system({ action: 'title_changed', actorId: a.id, title: 'New' }),
      );
      expect(renamed!.events.map((e) => e.event.type)).toEqual(['conversation.updated', 'message.created']);
      expect(renamed!.conversation).toMatchObject({ lastSeq: 1, lastPos: renamed!.events[1]!.pos });
      const [stored] = await f.store.messages.listMessages(group.id, { limit: 10 });
      expect(stored).toMatchObject({
        seq: 1,
        kind: 'system',
        senderId: a.id,
        body: '',
        system: { action: 'title_changed', actorId: a.id, title: 'New' },
      });
      expect(await f.store.conversations.getConversationView(a.id, group.id)).toMatchObject({ unreadCount: 0, member: { readSeq: 1 } });
      expect(await f.store.conversations.getConversationView(b.id, group.id)).toMatchObject({ unreadCount: 1 });
    });

    it('logs a removal before its record, which the removed member does not read', async () => {
      const [a, b] = [await user('amy'), await user('bo')];
      const group = (await conversation('group', [a.id, b.id])).conversation;
      const removed = await f.store.members.removeMember(
        group.id,
        b.id,
        { type: 'member.removed', conversationId: group.id, userId: b.id, by: a.id },
        system({ action: 'member_removed', actorId: a.id, userId: b.id }),
      );
      expect(removed!.events.map((e) => e.event.type)).toEqual(['member.removed', 'message.created']);
      expect((await f.store.events.readUserEvents(b.id, group.lastPos, 10)).map((e) => e.event.type)).toEqual(['member.removed']);
      expect((await f.store.events.readUserEvents(a.id, group.lastPos, 10)).map((e) => e.event.type)).toEqual([
        'member.removed',
        'message.created',
      ]);
      const added = await f.store.members.addMember(
        { conversationId: group.id, userId: b.id, role: 'member', joinedAt: f.tick() },
        drafts.memberAdded(a.id),
        {
          system: system({ action: 'member_added', actorId: a.id, userId: b.id }),
        },
      );
      expect(added.events.map((e) => e.event.type)).toEqual(['member.added', 'message.created']);
      expect((await f.store.messages.listMessages(group.id, { limit: 10 })).map((m) => [m.seq, m.system?.action])).toEqual([
        [2, 'member_added'],
        [1, 'member_removed'],
      ]);
    });
  });
}
