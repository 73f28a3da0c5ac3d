import { describe, expect, it } from 'vitest';
import type { CredentialValidator, DeviceKeys, DeviceRef, Group, GroupEngine } from './group-engine.js';
import { GroupError } from './group-engine.js';
import { createMlsEngine } from './mls-engine.js';

const text = (s: string) => new TextEncoder().encode(s);
const read = (b: Uint8Array) => new TextDecoder().decode(b);

/** A device with its own engine, whose validator trusts only the devices of `directory`. */
interface Member {
  ref: DeviceRef;
  keys: DeviceKeys;
  engine: GroupEngine;
  group?: Group;
}

async function directoryOf(names: string[], permissive: string[] = []) {
  const directory = new Map<string, Uint8Array>();
  const validator =
    (self: string): CredentialValidator =>
    async (device, key) => {
      if (permissive.includes(self)) return true;
      const known = directory.get(`${device.userId}/${device.deviceId}`);
      return known !== undefined && Buffer.from(known).equals(Buffer.from(key));
    };
  const members: Record<string, Member> = {};
  for (const name of names) {
    const engine = await createMlsEngine({ validateCredential: validator(name) });
    const keys = await engine.generateDeviceKeys();
    const ref = { userId: name, deviceId: `${name}-laptop` };
    directory.set(`${ref.userId}/${ref.deviceId}`, keys.signaturePublicKey);
    members[name] = { ref, keys, engine };
  }
  return members;
}

async function invite(committer: Member, joiners: Member[]) {
  const bundles = await Promise.all(joiners.map((j) => j.engine.createKeyPackage(j.ref, j.keys)));
  const pending = await committer.engine.addMembers(
    committer.group!,
    bundles.map((b) => b.keyPackage),
  );
  committer.group = pending.group;
  await Promise.all(joiners.map(async (j, i) => (j.group = await j.engine.joinFromWelcome(pending.welcome!, bundles[i]!))));
  return pending;
}

async function send(from: Member, to: Member[], body: string) {
  const sent = await from.engine.encrypt(from.group!, text(body));
  from.group = sent.group;
  const bodies: string[] = [];
  for (const m of to) {
    const got = await m.engine.process(m.group!, sent.ciphertext);
    if (got.kind !== 'application') throw new Error('expected an application message');
    expect(got.sender).toEqual(from.ref);
    m.group = got.group;
    bodies.push(read(got.plaintext));
  }
  return bodies;
}

async function apply(commit: Uint8Array, members: Member[]) {
  for (const m of members) {
    const got = await m.engine.process(m.group!, commit);
    if (got.kind !== 'commit') throw new Error('expected a commit');
    m.group = got.group;
  }
}

describe('the ts-mls GroupEngine', () => {
  it('three members read each other; a removed member cannot read what follows', async () => {
    const { alice, bob, carol } = await directoryOf(['alice', 'bob', 'carol']);
    alice!.group = await alice!.engine.createGroup(text('conv-1'), alice!.ref, alice!.keys);
    await invite(alice!, [bob!, carol!]);
    expect(
      alice!.engine
        .members(alice!.group)
        .map((d) => d.userId)
        .sort(),
    ).toEqual(['alice', 'bob', 'carol']);
    expect(await send(bob!, [alice!, carol!], 'hello from bob')).toEqual(['hello from bob', 'hello from bob']);

    const removal = await alice!.engine.removeMembers(alice!.group, [carol!.ref]);
    alice!.group = removal.group;
    await apply(removal.commit, [bob!]);
    const removed = await carol!.engine.process(carol!.group!, removal.commit);
    expect(removed.kind === 'commit' && removed.removedSelf).toBe(true);

    const after = await alice!.engine.encrypt(alice!.group, text('not for carol'));
    // Carol's last state (before the commit, and after it) has no key of the new epoch.
    await expect(carol!.engine.process(carol!.group!, after.ciphertext)).rejects.toBeInstanceOf(GroupError);
    if (removed.kind === 'commit') await expect(carol!.engine.process(removed.group, after.ciphertext)).rejects.toBeInstanceOf(GroupError);
    const bobReads = await bob!.engine.process(bob!.group!, after.ciphertext);
    expect(bobReads.kind === 'application' && read(bobReads.plaintext)).toBe('not for carol');
  });

  it('a commit that lost the race is dropped, the winner applied, and the commit made again', async () => {
    const { alice, bob, carol, dave } = await directoryOf(['alice', 'bob', 'carol', 'dave']);
    alice!.group = await alice!.engine.createGroup(text('conv-2'), alice!.ref, alice!.keys);
    await invite(alice!, [bob!]);
    // Both commit at the same epoch; the server's order takes Alice's and answers Bob 409.
    const carolKp = await carol!.engine.createKeyPackage(carol!.ref, carol!.keys);
    const daveKp = await dave!.engine.createKeyPackage(dave!.ref, dave!.keys);
    const winner = await alice!.engine.addMembers(alice!.group, [carolKp.keyPackage]);
    const loser = await bob!.engine.addMembers(bob!.group!, [daveKp.keyPackage]);
    expect(winner.epoch).toBe(loser.epoch);
    alice!.group = winner.group;
    carol!.group = await carol!.engine.joinFromWelcome(winner.welcome!, carolKp);
    // Alice's side never sees Bob's losing commit: it is a stale epoch once applied out of order.
    await expect(alice!.engine.process(alice!.group, loser.commit)).rejects.toMatchObject({ code: 'epoch_expired' });
    // Bob keeps his pre-commit state, applies the winner, and commits again from the new epoch.
    await apply(winner.commit, [bob!]);
    const retry = await bob!.engine.addMembers(bob!.group!, [daveKp.keyPackage]);
    expect(retry.epoch).toBe(winner.epoch + 1n);
    bob!.group = retry.group;
    await apply(retry.commit, [alice!, carol!]);
    dave!.group = await dave!.engine.joinFromWelcome(retry.welcome!, daveKp);
    expect(await send(dave!, [alice!, bob!, carol!], 'four now')).toEqual(['four now', 'four now', 'four now']);
  });

  it('reads a message encrypted before a commit and delivered after it; refuses one from an epoch ahead', async () => {
    const { alice, bob, carol } = await directoryOf(['alice', 'bob', 'carol']);
    alice!.group = await alice!.engine.createGroup(text('conv-3'), alice!.ref, alice!.keys);
    await invite(alice!, [bob!]);
    const early = await bob!.engine.encrypt(bob!.group!, text('sent at epoch 1'));
    bob!.group = early.group;
    const bobBehind = bob!.engine.load(bob!.engine.save(bob!.group));
    const adding = await invite(alice!, [carol!]);
    await apply(adding.commit, [bob!]);
    // Alice is at epoch 2 when Bob's epoch-1 message reaches her: the retained keys read it.
    const late = await alice!.engine.process(alice!.group!, early.ciphertext);
    expect(late.kind === 'application' && [read(late.plaintext), late.epoch]).toEqual(['sent at epoch 1', 1n]);
    // A device one commit behind is told to catch up, not that the message is broken.
    const ahead = await carol!.engine.encrypt(carol!.group!, text('epoch 2'));
    await expect(bob!.engine.process(bobBehind, ahead.ciphertext)).rejects.toMatchObject({ code: 'epoch_ahead' });
    await expect(bob!.engine.process(bob!.group!, ahead.ciphertext)).resolves.toMatchObject({ kind: 'application' });
  });

  it('a new device joins by external commit from the GroupInfo; state survives save and load', async () => {
    const { alice, bob, phone } = await directoryOf(['alice', 'bob', 'phone']);
    alice!.group = await alice!.engine.createGroup(text('conv-4'), alice!.ref, alice!.keys);
    await invite(alice!, [bob!]);
    const groupInfo = await alice!.engine.groupInfo(alice!.group);
    const external = await phone!.engine.joinByExternalCommit(groupInfo, phone!.ref, phone!.keys);
    expect(external.epoch).toBe(alice!.group.epoch);
    phone!.group = external.group;
    alice!.group = alice!.engine.load(alice!.engine.save(alice!.group));
    await apply(external.commit, [alice!, bob!]);
    expect(bob!.engine.members(bob!.group!)).toContainEqual(phone!.ref);
    expect(await send(alice!, [bob!, phone!], 'to three')).toEqual(['to three', 'to three']);
  });

  it('refuses a device that is not on its user’s signed list, whoever proposes it', async () => {
    const { alice, bob, mallory } = await directoryOf(['alice', 'bob', 'mallory'], ['mallory']);
    const impostor = { userId: 'bob', deviceId: 'bob-forged' };
    const forgedKeys = await mallory!.engine.generateDeviceKeys();
    const forged = await mallory!.engine.createKeyPackage(impostor, forgedKeys);
    alice!.group = await alice!.engine.createGroup(text('conv-5'), alice!.ref, alice!.keys);
    await expect(alice!.engine.addMembers(alice!.group, [forged.keyPackage])).rejects.toMatchObject({ code: 'untrusted_credential' });

    // A committer that trusts everything (a tampered client) adds it; honest members refuse the commit.
    mallory!.group = await mallory!.engine.createGroup(text('conv-6'), mallory!.ref, mallory!.keys);
    const bobKp = await bob!.engine.createKeyPackage(bob!.ref, bob!.keys);
    const withBob = await mallory!.engine.addMembers(mallory!.group, [bobKp.keyPackage]);
    mallory!.group = withBob.group;
    bob!.group = await bob!.engine.joinFromWelcome(withBob.welcome!, bobKp);
    const sneaky = await mallory!.engine.addMembers(mallory!.group, [forged.keyPackage]);
    await expect(bob!.engine.process(bob!.group, sneaky.commit)).rejects.toMatchObject({ code: 'untrusted_credential' });
  });

  it('passes the position of the message checked to the validator, for that call only (a revoked device’s past)', async () => {
    // Every engine trusts everyone, except Carol's device "revoked at 100": accepted only for a message ordered before.
    const engineFor = () =>
      createMlsEngine({
        validateCredential: async (device, _key, position) =>
          device.userId !== 'carol' || (position !== undefined && position.orderedAt < 100),
      });
    const member = async (name: string): Promise<Member> => {
      const engine = await engineFor();
      return { ref: { userId: name, deviceId: `${name}-laptop` }, keys: await engine.generateDeviceKeys(), engine };
    };
    const [alice, bob, carol, dave] = await Promise.all(['alice', 'bob', 'carol', 'dave'].map(member));
    alice!.group = await alice!.engine.createGroup(text('conv-9'), alice!.ref, alice!.keys);
    const [bobKp, carolKp] = await Promise.all([bob!, carol!].map((m) => m.engine.createKeyPackage(m.ref, m.keys)));
    const added = await alice!.engine.addMembers(alice!.group, [bobKp!.keyPackage]);
    alice!.group = added.group;
    bob!.group = await bob!.engine.joinFromWelcome(added.welcome!, bobKp!);
    // Carol is added at time 10 (before her revocation): Bob accepts the add then, not later, not without a time.
    const withCarol = await alice!.engine.addMembers(alice!.group, [carolKp!.keyPackage]).catch((e: unknown) => e);
    expect(withCarol).toMatchObject({ code: 'untrusted_credential' }); // something made now has no position
    const permissive = await createMlsEngine({ validateCredential: async () => true });
    const made = await permissive.addMembers(permissive.load(alice!.engine.save(alice!.group)), [carolKp!.keyPackage]);
    await expect(bob!.engine.process(bob!.group, made.commit)).rejects.toMatchObject({ code: 'untrusted_credential' });
    await expect(bob!.engine.process(bob!.group, made.commit, { orderedAt: 100 })).rejects.toMatchObject({ code: 'untrusted_credential' });
    bob!.group = (await bob!.engine.process(bob!.group, made.commit, { orderedAt: 10 })).group;
    alice!.group = alice!.engine.load(permissive.save(made.group));
    carol!.group = await carol!.engine.joinFromWelcome(made.welcome!, carolKp!, { orderedAt: 10 });

    // Carol commits (her leaf in the path): accepted before 100 only.
    const update = await carol!.engine.removeMembers(carol!.group, [alice!.ref]);
    await expect(bob!.engine.process(bob!.group, update.commit, { orderedAt: 150 })).rejects.toMatchObject({
      code: 'untrusted_credential',
    });
    const applied = await bob!.engine.process(bob!.group, update.commit, { orderedAt: 50 });
    expect(applied.kind).toBe('commit');
    bob!.group = applied.group;
    carol!.group = update.group;
    // The position did not stay with the state: Carol's next commit, with no time, is refused (saved and loaded too).
    const next = await carol!.engine.removeMembers(carol!.group, [bob!.ref]);
    await expect(bob!.engine.process(bob!.group, next.commit)).rejects.toMatchObject({ code: 'untrusted_credential' });
    await expect(bob!.engine.process(bob!.engine.load(bob!.engine.save(bob!.group)), next.commit)).rejects.toMatchObject({
      code: 'untrusted_credential',
    });

    // A Welcome whose tree holds Carol: joined with a time before her revocation, refused without one.
    const daveKp = await dave!.engine.createKeyPackage(dave!.ref, dave!.keys);
    const withDave = await permissive.addMembers(permissive.load(bob!.engine.save(bob!.group)), [daveKp.keyPackage]);
    await expect(dave!.engine.joinFromWelcome(withDave.welcome!, daveKp)).rejects.toMatchObject({ code: 'untrusted_credential' });
    await expect(dave!.engine.joinFromWelcome(withDave.welcome!, daveKp, { orderedAt: 99 })).resolves.toBeDefined();
  });

  it('refuses bytes that are not an MLS message and messages of another group', async () => {
    const { alice, bob } = await directoryOf(['alice', 'bob']);
    alice!.group = await alice!.engine.createGroup(text('conv-7'), alice!.ref, alice!.keys);
    bob!.group = await bob!.engine.createGroup(text('conv-8'), bob!.ref, bob!.keys);
    await expect(alice!.engine.process(alice!.group, text('not mls'))).rejects.toMatchObject({ code: 'malformed_message' });
    expect(() => alice!.engine.frame(new Uint8Array([0, 1, 0, 3, 9]))).toThrow(GroupError);
    const other = await bob!.engine.encrypt(bob!.group, text('elsewhere'));
    await expect(alice!.engine.process(alice!.group, other.ciphertext)).rejects.toMatchObject({ code: 'wrong_group' });
  });
});
