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
  const commit = (conversationId: string, senderId: string, epoch: number, info = `info-${epoch}`): NewMessage => ({
    ...msg(conversationId, senderId, newId(), ''),
    kind: 'encrypted',
    mls: { type: 'commit', ciphertext: `commit-${newId()}`, epoch, senderDevice: 'dev' },
    advance: { epoch, groupInfo: info },
  });

  describe('encrypted conversations', () => {
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
          mls: { type: 'application', ciphertext: 'c', epoch: 2, senderDevice: 'dev' },
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
