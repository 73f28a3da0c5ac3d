import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabClient, type VerificationChange, memoryCryptoStore } from '@confab/client';
import { NodeWebSocket, type TestServer, startServer, uniqueName, until } from '../harness.js';

/**
 * Issue 39, verification (decision 0027 part 6) through two SDK clients over a real server: trust
 * on first use, a mark, and an identity reset on one side turning verified into changed on the
 * other, announced once, while sending still works. The state is the client's alone (the server
 * only serves the signed lists every engine's suite already covers), so SQLite suffices.
 */
describe('verifying people through the SDK', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t?.close());

  const password = 'correct horse battery';
  const client = () => new ConfabClient({ baseUrl: t.url, crypto: { store: memoryCryptoStore() }, WebSocket: NodeWebSocket });
  const person = async (prefix: string) => {
    const username = uniqueName(prefix);
    const sdk = client();
    const { user } = await sdk.register({ username, password });
    await sdk.enableEncryption({ deviceName: 'first' });
    return { id: user.id, username, sdk };
  };
  /** A new device of theirs that makes a new identity key: what everyone who knew them must see as a change. */
  const resetIdentity = async (who: { username: string }) => {
    const other = client();
    await other.login({ username: who.username, password });
    await other.enableEncryption({ deviceName: 'new phone', resetIdentity: true });
    return other;
  };

  it('a reset identity turns verified into changed on the other side, announced once; sending still works; verifying again clears it', async () => {
    const alice = await person('va');
    const bob = await person('vb');
    const changes: VerificationChange[] = [];
    alice.sdk.onVerificationChange((change) => changes.push(change));

    expect(await alice.sdk.verificationOf(bob.id)).toBe('unverified');
    const number = await alice.sdk.safetyNumber(bob.id);
    expect(number).toBe(await bob.sdk.safetyNumber(alice.id));
    await alice.sdk.markVerified(bob.id, number);
    expect(await alice.sdk.verificationOf(bob.id)).toBe('verified');
    // Bob has not verified Alice: his side is his own.
    expect(await bob.sdk.verificationOf(alice.id)).toBe('unverified');
    const dm = await alice.sdk.openDirect(bob.id, { encrypted: true });

    await resetIdentity(bob);
    expect(await alice.sdk.verificationOf(bob.id)).toBe('changed');
    expect(await alice.sdk.verificationOf(bob.id)).toBe('changed');
    expect(changes.map((c) => c.state)).toEqual(['verified', 'changed']);
    expect(changes[1]).toMatchObject({ userId: bob.id, state: 'changed' });
    const newNumber = await alice.sdk.safetyNumber(bob.id);
    expect(newNumber).not.toBe(number);

    // A warning, not a wall: Alice still sends, and Bob's first device (on his new list) reads it.
    await alice.sdk.sendMessage(dm.id, 'still readable after the change');
    const bodies = (await bob.sdk.history(dm.id, { after: 0, limit: 50 })).items.filter((m) => m.kind === 'encrypted').map((m) => m.body);
    expect(bodies).toEqual(['still readable after the change']);

    // The number compared before the change does not verify the new key; the new one does.
    await expect(alice.sdk.markVerified(bob.id, number)).rejects.toMatchObject({ code: 'safety_number_changed' });
    expect(await alice.sdk.verificationOf(bob.id)).toBe('changed');
    await alice.sdk.markVerified(bob.id, newNumber);
    expect(await alice.sdk.verificationOf(bob.id)).toBe('verified');
    expect(changes.map((c) => c.state)).toEqual(['verified', 'changed', 'verified']);
  });

  it('a key first seen (never verified) that changes is a change too; the device remembers it across clients on its store', async () => {
    const alice = await person('vc');
    const carol = await person('vd');
    const store = memoryCryptoStore();
    const tab = new ConfabClient({ baseUrl: t.url, crypto: { store } });
    await tab.login({ username: alice.username, password });
    await tab.enableEncryption({ deviceName: 'browser', resetIdentity: true });
    // The trust checks of a group record the key first seen too: Alice's browser learns Carol's by adding her.
    await tab.createGroup('Seen', [carol.id], { encrypted: true });
    await resetIdentity(carol);
    const sameDevice = new ConfabClient({ baseUrl: t.url, crypto: { store } });
    await sameDevice.login({ username: alice.username, password });
    expect(await sameDevice.verificationOf(carol.id)).toBe('changed');
    expect(await tab.verificationOf(carol.id)).toBe('changed');
    // Nobody is asked to verify themselves.
    expect(await tab.verificationOf(alice.id)).toBe('unverified');
  });

  it('a connected client hears of a new identity key at once (identity.updated), and a new list of the same key is no change', async () => {
    const alice = await person('vg');
    const bob = await person('vh');
    const stranger = await person('vi');
    await alice.sdk.openDirect(bob.id, { encrypted: true });
    await alice.sdk.markVerified(bob.id, await alice.sdk.safetyNumber(bob.id));
    await stranger.sdk.verificationOf(bob.id);
    const heard: VerificationChange[] = [];
    const frames: string[] = [];
    alice.sdk.onVerificationChange((change) => heard.push(change));
    const live = alice.sdk.connect();
    live.on('identity.updated', (e) => frames.push(e.userId));
    const strangerLive = stranger.sdk.connect();
    const strangerFrames: string[] = [];
    strangerLive.on('identity.updated', (e) => strangerFrames.push(e.userId));
    await Promise.all([live.ready(), strangerLive.ready()]);

    // Bob's device signs a new list with the same key (enabling again publishes the next version): no event.
    await bob.sdk.enableEncryption({ deviceName: 'first' });
    // Then a new key: the one event Alice hears (it comes after anything the first list could have sent, on the same topic).
    await resetIdentity(bob);
    await until(() => heard.some((c) => c.state === 'changed'), 'Alice hears that Bob’s key changed');
    expect(frames).toEqual([bob.id]);
    expect(heard).toEqual([expect.objectContaining({ userId: bob.id, state: 'changed' })]);
    // Someone who shares no conversation with Bob is not told (their client finds out when it next reads his list).
    expect(strangerFrames).toEqual([]);
    expect(await stranger.sdk.verificationOf(bob.id)).toBe('changed');
    live.close();
    strangerLive.close();
  });

  it('refuses to verify someone without an identity key, and a client that has not enabled encryption', async () => {
    const alice = await person('ve');
    const plain = client();
    const { user } = await plain.register({ username: uniqueName('vf'), password });
    await expect(alice.sdk.markVerified(user.id)).rejects.toMatchObject({ code: 'no_identity' });
    expect(await alice.sdk.verificationOf(user.id)).toBe('unverified');
    await expect(plain.markVerified(alice.id)).rejects.toMatchObject({ code: 'not_enabled' });
  });
});
