import { describe, expect, it } from 'vitest';
import { createMlsEngine } from '@confab/client';
import { readApplication, readCommit, readGroupInfo, readWelcome } from './mls-messages.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** What the Delivery Service reads of real MLS messages (made by the SDK's engine), and what it refuses. */
describe('reading MLS messages without group secrets', async () => {
  const engine = await createMlsEngine({ validateCredential: async () => true });
  const device = async (userId: string, deviceId: string) => {
    const keys = await engine.generateDeviceKeys();
    const ref = { userId, deviceId };
    return { ref, keys, bundle: await engine.createKeyPackage(ref, keys) };
  };
  const [alice, bob, carol] = await Promise.all([device('alice', 'dev_a'), device('bob', 'dev_b'), device('carol', 'dev_c')]);
  const groupId = new TextEncoder().encode('conversation-1');
  const group = await engine.createGroup(groupId, alice.ref, alice.keys);
  const added = await engine.addMembers(group, [bob.bundle.keyPackage, carol.bundle.keyPackage]);
  const removed = await engine.removeMembers(added.group, [carol.ref]);
  const { ciphertext } = await engine.encrypt(removed.group, new TextEncoder().encode('secret'));

  it('reads a commit: group, epoch, sender leaf, the devices it adds and the leaves it removes', () => {
    expect(readCommit(added.commit)).toEqual({
      groupId: b64(groupId),
      epoch: 0,
      senderLeaf: 0,
      external: false,
      adds: [bob.ref, carol.ref],
      removes: [],
    });
    expect(readCommit(removed.commit)).toMatchObject({ epoch: 1, adds: [], removes: [2] });
  });

  it('reads an external commit: a joining device, no sender leaf, no adds', async () => {
    const phone = await device('alice', 'dev_a2');
    const joined = await engine.joinByExternalCommit(await engine.groupInfo(removed.group), phone.ref, phone.keys);
    expect(readCommit(joined.commit)).toEqual({
      groupId: b64(groupId),
      epoch: 2,
      senderLeaf: undefined,
      external: true,
      adds: [],
      removes: [],
    });
    const tree = readGroupInfo(await engine.groupInfo(joined.group));
    expect('refused' in tree ? [] : tree.leaves.filter(Boolean)).toContainEqual(phone.ref);
  });

  it('reads a GroupInfo’s tree: which device is at which leaf', async () => {
    expect(readGroupInfo(await engine.groupInfo(added.group))).toEqual({
      groupId: b64(groupId),
      epoch: 1,
      // The tree is a full binary tree: the fourth leaf is blank.
      leaves: [alice.ref, bob.ref, carol.ref, undefined],
    });
    expect(readGroupInfo(await engine.groupInfo(removed.group))).toMatchObject({ epoch: 2, leaves: [alice.ref, bob.ref] });
    expect(readGroupInfo(new Uint8Array(0))).toEqual({ refused: 'is not one MLS message' });
  });

  it('reads an application message’s group and epoch, and a Welcome’s secrets, and nothing of the content', () => {
    expect(readApplication(ciphertext)).toEqual({ groupId: b64(groupId), epoch: 2 });
    expect(readWelcome(added.welcome!)).toEqual({ secrets: 2 });
    expect(JSON.stringify(readApplication(ciphertext))).not.toContain('secret');
  });

  it('refuses what is not what it claims: bytes that do not decode, trailing bytes, another kind of message', () => {
    const junk = new Uint8Array([1, 2, 3]);
    for (const read of [readCommit, readApplication, readWelcome, readGroupInfo])
      expect(read(junk)).toEqual({ refused: 'is not one MLS message' });
    expect(readCommit(new Uint8Array([...added.commit, 0]))).toEqual({ refused: 'is not one MLS message' });
    expect(readCommit(ciphertext)).toEqual({ refused: 'is not a PublicMessage' });
    expect(readApplication(added.commit)).toEqual({ refused: 'is not a PrivateMessage' });
    expect(readWelcome(added.commit)).toEqual({ refused: 'is not a Welcome' });
    expect(readGroupInfo(added.welcome!)).toEqual({ refused: 'is not a GroupInfo' });
  });
});
