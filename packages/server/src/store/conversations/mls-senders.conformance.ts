import { describe, expect, it } from 'vitest';
import { newId } from '../../ids.js';
import type { AppendPlan, MlsGroupRecord, NewMessage } from '../store.js';
import { drafts, type Fixture, sendPlan } from '../conformance/fixtures.js';

/**
 * An MLS message's sending device, checked as it is numbered (issue 39, `sql/sending-devices.ts`):
 * a revocation is either seen by the numbering or dated after what it numbered, never between.
 */
export function describeMlsSenders(f: Fixture): void {
  const append = async (batch: NewMessage[], plan: AppendPlan = sendPlan) => (await f.store.messages.appendMessages(batch, plan)).results;
  const mls = (
    conversationId: string,
    senderId: string,
    senderDevice: string,
    epoch: number,
    type: 'commit' | 'application' = 'commit',
  ): NewMessage => ({
    ...f.msg(conversationId, senderId, newId(), ''),
    kind: 'encrypted',
    mls: { type, ciphertext: `${type}-${newId()}`, epoch, senderDevice },
    ...(type === 'commit' ? { advance: { epoch, groupInfo: `info-${epoch + 1}-${senderId}` } } : {}),
  });
  /** A group of two people, encrypted at epoch 0, with a device each. */
  const encryptedPair = async (names: [string, string]) => {
    const [a, b] = [await f.user(names[0]), await f.user(names[1])];
    const { conversation } = await f.conversation('group', [a.id, b.id]);
    const group: MlsGroupRecord = {
      conversationId: conversation.id,
      groupId: conversation.id,
      ciphersuite: 1,
      epoch: 0,
      groupInfo: null,
      updatedAt: f.tick(),
    };
    const system = { id: newId(), system: { action: 'encryption_enabled' as const, actorId: a.id }, announce: drafts.messageCreated };
    await f.store.conversations.encryptConversation(group, drafts.conversationUpdated(a.id), system);
    return { a, b, aDevice: await f.device(a.id), bDevice: await f.device(b.id), id: conversation.id };
  };
  const kinds = async (conversationId: string) =>
    (await f.store.messages.listMessages(conversationId, { limit: 20, after: 0 })).map((m) => [m.seq, m.senderId, m.mls?.type ?? m.kind]);

  describe('MLS senders checked as they are numbered', () => {
    it('places each MLS message and each revocation in the event log: a message at its event, a revocation at the head', async () => {
      const { a, b, aDevice, bDevice, id } = await encryptedPair(['mpa', 'mpb']);
      const { results, events } = await f.store.messages.appendMessages(
        [mls(id, a.id, aDevice, 0, 'application'), mls(id, b.id, bDevice, 0, 'application')],
        sendPlan,
      );
      // Each message's position is its own `message.created` event's, in the event and as stored.
      const eventOf = (messageId: string) => events.find((e) => e.event.type === 'message.created' && e.event.message.id === messageId)!;
      for (const outcome of results) {
        const message = 'created' in outcome ? outcome.message : undefined;
        const event = eventOf(message!.id);
        expect(message!.logPos).toBe(event.pos);
        expect(event.event).toMatchObject({ message: { logPos: event.pos } });
      }
      const stored = await f.store.messages.listMessages(id, { limit: 10, after: 0 });
      expect(stored.map((m) => m.logPos)).toEqual([undefined, ...events.map((e) => e.pos)]);
      // The revocation reads the head as it commits: at or past every message of the device…
      const head = await f.store.events.streamHead();
      expect(await f.store.devices.revokeDevice(a.id, aDevice, f.tick)).toBe(true);
      const revokedPos = (await f.store.devices.getDevice(aDevice))!.revokedPos!;
      expect(revokedPos).toBe(head.pos);
      expect(revokedPos).toBeGreaterThanOrEqual(Math.max(...events.map((e) => e.pos)));
      // …and below everything numbered after it; an active device has none.
      const [later] = await append([mls(id, b.id, bDevice, 0, 'application')]);
      expect('created' in later! && later.message.logPos! > revokedPos).toBe(true);
      expect((await f.store.devices.getDevice(bDevice))!.revokedPos).toBeUndefined();
      expect(await f.store.devices.listRevokedDevicesOf([a.id], 5)).toMatchObject([{ id: aDevice, revokedPos }]);
    });

    it('refuses, storing nothing, a message of a device revoked since its send was checked, or not its sender’s; the group goes on', async () => {
      const { a, b, aDevice, bDevice, id } = await encryptedPair(['msa', 'msb']);
      // Prepared (checked) while the device was active, numbered after its revocation.
      const late = mls(id, a.id, aDevice, 0);
      const lateText = mls(id, a.id, aDevice, 0, 'application');
      expect(await f.store.devices.revokeDevice(a.id, aDevice, f.tick)).toBe(true);
      // In one batch with what others send: only the revoked device's messages, and one naming another's (active) device, are refused.
      const outcomes = await append([late, mls(id, a.id, bDevice, 0, 'application'), lateText, mls(id, b.id, bDevice, 0, 'application')]);
      expect(outcomes.slice(0, 3)).toEqual([{ deviceRevoked: true }, { deviceRevoked: true }, { deviceRevoked: true }]);
      expect(outcomes[3]).toMatchObject({ created: true, message: { seq: 2 } });
      // The refused commit moved no epoch: another member commits at epoch 0, and the group is at 1.
      expect(await f.store.conversations.getMlsGroup(id)).toMatchObject({ epoch: 0, groupInfo: null });
      expect(await append([mls(id, b.id, bDevice, 0)])).toMatchObject([{ created: true, message: { seq: 3 } }]);
      expect(await f.store.conversations.getMlsGroup(id)).toMatchObject({ epoch: 1, groupInfo: `info-1-${b.id}` });
      // A batch of application messages alone (on PostgreSQL, one that takes the one-query append first): the same.
      expect(await append([mls(id, a.id, aDevice, 1, 'application'), mls(id, b.id, bDevice, 1, 'application')])).toMatchObject([
        { deviceRevoked: true },
        { created: true, message: { seq: 4 } },
      ]);
      expect(await kinds(id)).toEqual([
        [1, a.id, 'system'],
        [2, b.id, 'application'],
        [3, b.id, 'commit'],
        [4, b.id, 'application'],
      ]);
      // A repeat of a stored message is still the stored message (the device is asked only of new ones).
      const commit = (await f.store.messages.listMessages(id, { limit: 5, after: 2 }))[0]!;
      expect(await append([{ ...mls(id, b.id, bDevice, 0), clientId: commit.clientId }])).toMatchObject([
        { created: false, message: { seq: 3 } },
      ]);
    });

    it('a numbering that meets a revocation holding the device is refused once the revocation commits', async () => {
      const { a, aDevice, id } = await encryptedPair(['mla', 'mlb']);
      let numbering: Promise<unknown> | undefined;
      // The clock is read with the device locked: the commit is sent to be numbered there, and must wait or see it.
      const revoked = await f.store.devices.revokeDevice(a.id, aDevice, () => {
        numbering = append([mls(id, a.id, aDevice, 0)]);
        return f.tick();
      });
      expect(revoked).toBe(true);
      expect(await numbering).toEqual([{ deviceRevoked: true }]);
      expect(await f.store.conversations.getMlsGroup(id)).toMatchObject({ epoch: 0 });
      expect(await kinds(id)).toEqual([[1, a.id, 'system']]);
    });

    it('a revocation that meets a numbering holding the device waits for it, and is dated after what it numbered', async () => {
      const { a, b, aDevice, bDevice, id } = await encryptedPair(['mra', 'mrb']);
      let revoking: Promise<boolean> | undefined;
      let clockRead = 0;
      // Inside the append's transaction (its events are drafted after the numbering), the revocation starts.
      const plan: AppendPlan = {
        ...sendPlan,
        announce: (message) => {
          revoking ??= f.store.devices.revokeDevice(a.id, aDevice, () => (clockRead = f.tick()));
          return sendPlan.announce(message);
        },
      };
      const [stored] = await append([mls(id, a.id, aDevice, 0)], plan);
      expect(stored).toMatchObject({ created: true, message: { seq: 2 } });
      expect(await revoking).toBe(true);
      const createdAt = 'created' in stored! ? stored.message.createdAt : Infinity;
      expect((await f.store.devices.getDevice(aDevice))?.revokedAt).toBe(clockRead);
      expect(clockRead).toBeGreaterThan(createdAt);
      // And placed after it in the log: the head it read is at or past the message's position.
      const logPos = 'created' in stored! ? stored.message.logPos! : Infinity;
      expect((await f.store.devices.getDevice(aDevice))?.revokedPos).toBeGreaterThanOrEqual(logPos);
      // From now on the device's messages are refused, and the group goes on from the epoch it made.
      expect(await append([mls(id, a.id, aDevice, 1)])).toEqual([{ deviceRevoked: true }]);
      expect(await append([mls(id, b.id, bDevice, 1)])).toMatchObject([{ created: true, message: { seq: 3 } }]);
      expect(await f.store.conversations.getMlsGroup(id)).toMatchObject({ epoch: 2 });
    });
  });
}
