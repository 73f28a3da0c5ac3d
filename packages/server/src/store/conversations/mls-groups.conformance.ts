import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import type { MlsGroupRecord, NewMessage } from '../store.js';
import { drafts, type Fixture, sendPlan } from '../conformance/fixtures.js';

/** Encrypted conversations and their MLS groups (issue 39): created with one, turned on once, a commit per epoch. */
export function describeMlsGroups(f: Fixture): void {
  const { user, msg } = f;
  /** The append's outcomes as they are, refusals included. */
  const append = async (batch: NewMessage[]) => (await f.store.messages.appendMessages(batch, sendPlan)).results;
  const group = (conversationId: string): MlsGroupRecord => ({
    conversationId,
    groupId: Buffer.from(conversationId).toString('base64url'),
    ciphersuite: 1,
    epoch: 0,
    groupInfo: null,
    updatedAt: f.tick(),
  });
  /** Each user's device, registered by `withDevices` (an MLS message is numbered only from an active device of its sender). */
  const devOf = (userId: string) => `dev-${userId}`;
  const withDevices = async (userIds: string[]) => {
    for (const id of userIds) await f.device(id, devOf(id));
  };
  const commit = (conversationId: string, senderId: string, epoch: number, info = `info-${epoch}`): NewMessage => ({
    ...msg(conversationId, senderId, newId(), ''),
    kind: 'encrypted',
    mls: { type: 'commit', ciphertext: `commit-${newId()}`, epoch, senderDevice: devOf(senderId) },
    advance: { epoch, groupInfo: info },
  });

  const mlsOf = (conversationId: string, senderId: string, type: 'application' | 'welcome', epoch: number): NewMessage => ({
    ...msg(conversationId, senderId, newId(), ''),
    kind: 'encrypted',
    mls: { type, ciphertext: `${type}-${newId()}`, epoch, senderDevice: devOf(senderId) },
  });
  const encryptedGroup = async (members: string[]) => {
    const { conversation } = await f.conversation('group', members);
    await withDevices(members);
    const system = {
      id: newId(),
      system: { action: 'encryption_enabled' as const, actorId: members[0]! },
      announce: drafts.messageCreated,
    };
    await f.store.conversations.encryptConversation(group(conversation.id), drafts.conversationUpdated(members[0]!), system);
    return conversation;
  };

  describe('encrypted conversations', () => {
    it('counts only messages people read as unread, and lists the newest of them: never a commit or welcome', async () => {
      const [a, b] = [await user('eua'), await user('eub')];
      const conversation = await encryptedGroup([a.id, b.id]);
      // seq 1 the system message; 2 an application message; 3 a commit; 4 its welcome.
      await append([mlsOf(conversation.id, a.id, 'application', 0)]);
      await append([commit(conversation.id, a.id, 0)]);
      await append([mlsOf(conversation.id, a.id, 'welcome', 1)]);
      const view = async (userId: string) => (await f.store.conversations.getConversationView(userId, conversation.id))!;
      expect(await view(b.id)).toMatchObject({ unreadCount: 2, lastMessage: { seq: 2, mls: { type: 'application' } } });
      expect(await f.store.markers.countUnreadTotal(b.id)).toBe(2);
      expect(
        (await f.store.conversations.listConversations(b.id, { limit: 50 })).find((r) => r.conversation.id === conversation.id),
      ).toMatchObject({
        unreadCount: 2,
        lastMessage: { seq: 2 },
      });
      // b's own commit (seq 5) moves no read marker: b read nothing by it.
      await append([commit(conversation.id, b.id, 1)]);
      expect(await view(b.id)).toMatchObject({ unreadCount: 2, member: { readSeq: 0 } });
      // a sent the application message (its marker moved to 2); what follows is not unread for a.
      expect(await view(a.id)).toMatchObject({ unreadCount: 0, member: { readSeq: 2 }, lastMessage: { seq: 2 } });
      // A read marker at the application message leaves nothing unread: the commits and the welcome after it do not count.
      expect(await f.read(conversation.id, b.id, 2)).toMatchObject({ readSeq: 2, unreadCount: 0 });
      expect(await f.store.markers.countUnreadTotal(b.id)).toBe(0);
      // The next application message is the last one again, and unread.
      await append([mlsOf(conversation.id, a.id, 'application', 2)]);
      expect(await view(b.id)).toMatchObject({ unreadCount: 1, lastMessage: { seq: 6 } });
    });

    it('keeps a reaction’s or edit’s relation, and counts neither as unread, last, or read by its sender', async () => {
      const [a, b] = [await user('ela'), await user('elb')];
      const conversation = await encryptedGroup([a.id, b.id]);
      // seq 1 the system message; 2 b's application message; 3 a's reaction to it; 4 b's edit of it.
      const [text] = await append([mlsOf(conversation.id, b.id, 'application', 0)]);
      const original = 'created' in text! ? text.message : undefined;
      const related = (senderId: string, type: 'reaction' | 'edit'): NewMessage => {
        const m = mlsOf(conversation.id, senderId, 'application', 0);
        return { ...m, mls: { ...m.mls!, relatesTo: { type, messageId: original!.id } } };
      };
      const [reaction] = await append([related(a.id, 'reaction')]);
      await append([related(b.id, 'edit')]);
      expect(reaction).toMatchObject({
        created: true,
        message: { seq: 3, mls: { relatesTo: { type: 'reaction', messageId: original!.id } } },
      });
      expect((await f.store.messages.getMessage(original!.id))?.mls?.relatesTo).toBeUndefined();
      const stored = await f.store.messages.listMessages(conversation.id, { limit: 10, after: 0 });
      expect(stored.map((m) => m.mls?.relatesTo?.type ?? null)).toEqual([null, null, 'reaction', 'edit']);
      const view = async (userId: string) => (await f.store.conversations.getConversationView(userId, conversation.id))!;
      // For a: b's text is unread, b's edit is not; the last message is the text. a's reaction did not
      // move a's marker past the text (it stays at a's system message, 1).
      expect(await view(a.id)).toMatchObject({ unreadCount: 1, member: { readSeq: 1 }, lastMessage: { seq: 2 } });
      expect(await f.store.markers.countUnreadTotal(a.id)).toBe(1);
      // For b: a's reaction is not unread; b's own text marked b read up to 2, the edit did not move it.
      expect(await view(b.id)).toMatchObject({ unreadCount: 0, member: { readSeq: 2 }, lastMessage: { seq: 2 } });
      expect(
        (await f.store.conversations.listConversations(a.id, { limit: 50 })).find((r) => r.conversation.id === conversation.id),
      ).toMatchObject({ unreadCount: 1, lastMessage: { seq: 2 } });
    });

    it('refuses a plain message into a conversation encrypted before its batch committed, whatever engine path it takes', async () => {
      const [a, b] = [await user('epa'), await user('epb')];
      const conversation = await encryptedGroup([a.id, b.id]);
      const { conversation: other } = await f.conversation('group', [a.id, b.id]);
      // One batch: a plain message for the encrypted group (refused), an MLS one there and a plain one elsewhere (stored).
      const outcomes = await append([
        msg(conversation.id, a.id, newId(), 'in clear'),
        mlsOf(conversation.id, b.id, 'application', 0),
        msg(other.id, a.id, newId(), 'elsewhere'),
      ]);
      expect(outcomes[0]).toEqual({ encryptedConversation: true });
      expect(outcomes[1]).toMatchObject({ created: true, message: { seq: 2, kind: 'encrypted' } });
      expect(outcomes[2]).toMatchObject({ created: true, message: { seq: 1, body: 'elsewhere' } });
      // Alone (PostgreSQL's one-statement append takes such a batch): refused too, no seq taken.
      expect(await append([msg(conversation.id, b.id, newId(), 'alone')])).toEqual([{ encryptedConversation: true }]);
      const stored = await f.store.messages.listMessages(conversation.id, { limit: 10, after: 0 });
      expect(stored.map((m) => [m.seq, m.kind])).toEqual([
        [1, 'system'],
        [2, 'encrypted'],
      ]);
    });

    it('never orders a plain message after the switch to encrypted, however the two race', async () => {
      const [a, b] = [await user('era'), await user('erb')];
      for (let round = 0; round < 15; round++) {
        const { conversation } = await f.conversation('group', [a.id, b.id]);
        const system = { id: newId(), system: { action: 'encryption_enabled' as const, actorId: a.id }, announce: drafts.messageCreated };
        const sends = Array.from({ length: 6 }, (_, i) => append([msg(conversation.id, i % 2 ? a.id : b.id, newId(), `plain ${i}`)]));
        const [, ...outcomes] = await Promise.all([
          f.store.conversations.encryptConversation(group(conversation.id), drafts.conversationUpdated(a.id), system),
          ...sends,
        ]);
        const stored = await f.store.messages.listMessages(conversation.id, { limit: 20, after: 0 });
        const switched = stored.find((m) => m.kind === 'system')!.seq;
        expect(stored.filter((m) => m.kind !== 'system').every((m) => m.seq < switched)).toBe(true);
        // Every send either was stored before the switch or was refused for it; none is lost silently.
        const results = outcomes.map(([r]) => r!);
        expect(results.filter((r) => 'created' in r)).toHaveLength(switched - 1);
        expect(results.filter((r) => !('created' in r))).toEqual(Array(6 - (switched - 1)).fill({ encryptedConversation: true }));
      }
    });

    it('creates an encrypted direct conversation beside the plain one, with its group at epoch 0', async () => {
      const [a, b] = [await user('ena'), await user('enb')];
      const key = [a.id, b.id].sort().join(':');
      const plain = await f.conversation('direct', [a.id, b.id], key);
      const id = newId();
      const now = f.tick();
      const encrypted = await f.store.conversations.createConversation(
        {
          id,
          kind: 'direct',
          title: null,
          directKey: `${key}:e2e`,
          createdBy: a.id,
          createdAt: now,
          lastActivityAt: now,
          mlsGroup: group(id),
        },
        [a.id, b.id].map((userId) => ({ conversationId: id, userId, role: 'member' as const, joinedAt: now })),
        drafts.conversationCreated,
      );
      expect(encrypted.conversation).toMatchObject({ id, encrypted: true });
      expect(plain.conversation.encrypted).toBe(false);
      expect((await f.store.conversations.getConversation(id))?.encrypted).toBe(true);
      expect(await f.store.conversations.getMlsGroup(id)).toEqual({ ...group(id), updatedAt: expect.any(Number) });
      expect(await f.store.conversations.getMlsGroup(plain.conversation.id)).toBeUndefined();
    });

    it('turns a group encrypted once, with its system message, and never again', async () => {
      const [a, b] = [await user('eta'), await user('etb')];
      const { conversation } = await f.conversation('group', [a.id, b.id]);
      const system = { id: newId(), system: { action: 'encryption_enabled' as const, actorId: a.id }, announce: drafts.messageCreated };
      const turned = await f.store.conversations.encryptConversation(group(conversation.id), drafts.conversationUpdated(a.id), system);
      expect(turned?.events.map((e) => e.event.type)).toEqual(['conversation.updated', 'message.created']);
      expect(turned?.conversation).toMatchObject({ encrypted: true, lastSeq: 1 });
      const again = { ...system, id: newId() };
      expect(
        await f.store.conversations.encryptConversation(group(conversation.id), drafts.conversationUpdated(a.id), again),
      ).toBeUndefined();
      expect((await f.store.conversations.getMlsGroup(conversation.id))?.epoch).toBe(0);
    });

    it('stores one commit per epoch, whatever races: the others are refused with the current epoch', async () => {
      const [a, b] = [await user('eca'), await user('ecb')];
      const { conversation } = await f.conversation('group', [a.id, b.id]);
      await withDevices([a.id, b.id]);
      const system = { id: newId(), system: { action: 'encryption_enabled' as const, actorId: a.id }, announce: drafts.messageCreated };
      await f.store.conversations.encryptConversation(group(conversation.id), drafts.conversationUpdated(a.id), system);

      // Two commits of epoch 0 in one batch: the first is ordered, the second refused.
      const [first, second] = await append([commit(conversation.id, a.id, 0, 'after-a'), commit(conversation.id, b.id, 0, 'after-b')]);
      expect(first).toMatchObject({ created: true, message: { seq: 2, kind: 'encrypted', mls: { type: 'commit', epoch: 0 } } });
      expect('created' in first! && first.message).not.toHaveProperty('advance');
      expect(second).toEqual({ epochConflict: 1 });
      expect(await f.store.conversations.getMlsGroup(conversation.id)).toMatchObject({ epoch: 1, groupInfo: 'after-a' });

      // Racing batches of epoch 1: exactly one is stored; no seq is lost to the refused ones.
      const raced = await Promise.all([1, 2, 3].map((i) => append([commit(conversation.id, i === 1 ? a.id : b.id, 1, `race-${i}`)])));
      const outcomes = raced.map(([r]) => r!);
      expect(outcomes.filter((r) => 'created' in r)).toHaveLength(1);
      expect(outcomes.filter((r) => 'epochConflict' in r)).toEqual([{ epochConflict: 2 }, { epochConflict: 2 }]);
      // An application message after it takes the next seq: the order has no gap.
      const [text] = await append([
        {
          ...msg(conversation.id, a.id, newId(), ''),
          kind: 'encrypted',
          mls: { type: 'application', ciphertext: 'c', epoch: 2, senderDevice: devOf(a.id) },
        },
      ]);
      expect(text).toMatchObject({ created: true, message: { seq: 4 } });
      const stored = await f.store.messages.listMessages(conversation.id, { limit: 10, after: 0 });
      expect(stored.map((m) => [m.seq, m.kind])).toEqual([
        [1, 'system'],
        [2, 'encrypted'],
        [3, 'encrypted'],
        [4, 'encrypted'],
      ]);
      // A repeat of a stored commit (same sender and clientId) is the stored message, not a conflict.
      const stored1 = stored[1]!;
      const repeat = { ...commit(conversation.id, a.id, 0), clientId: stored1.clientId };
      expect(await append([repeat])).toEqual([{ created: false, message: expect.objectContaining({ id: stored1.id }) }]);
    });
  });
}
