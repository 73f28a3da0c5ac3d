import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedDeviceListPayload, UserDevices } from '@confab/protocol';
import { ConfabClient, GroupError, memoryCryptoStore } from '@confab/client';
import { engines } from '../engines.js';
import { NodeWebSocket, type TestServer, api, uniqueName, until } from '../harness.js';

/**
 * Issue 39: a revocation does not make earlier history unreadable. A revoked device stays on its
 * user's signed list as revoked (its key and when), and members accept its credential only for
 * MLS messages the server ordered before that time (crypto/revocation-bound.ts); nothing of it
 * ordered after is accepted.
 */
describe.each(await engines())('a revoked device’s past on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const PASSWORD = 'correct horse battery';
  const client = (store = memoryCryptoStore()) => new ConfabClient({ baseUrl: t.url, crypto: { store }, WebSocket: NodeWebSocket });
  const person = async (prefix: string, store = memoryCryptoStore()) => {
    const username = uniqueName(prefix);
    const first = client(store);
    const auth = await first.register({ username, password: PASSWORD });
    await first.enableEncryption({ deviceName: 'laptop' });
    return { username, id: auth.user.id, first, store };
  };
  /** A second device of that person under the same identity key (linked from the first). */
  const linked = async (owner: { username: string; first: ConfabClient }, store = memoryCryptoStore()) => {
    const phone = client(store);
    await phone.login({ username: owner.username, password: PASSWORD });
    const request = await phone.deviceLinks.request('phone');
    const completed = phone.deviceLinks.complete(request.id, { deviceName: 'phone', pollMs: 50 });
    await owner.first.deviceLinks.approve(request.id);
    await completed;
    return phone;
  };
  const bodies = async (c: ConfabClient, conversationId: string) =>
    (await c.history(conversationId, { after: 0, limit: 100 })).items.filter((m) => m.kind === 'encrypted').map((m) => m.body);
  const published = async (reader: ConfabClient, userId: string) =>
    (await api(t.url, 'GET', `/api/v1/users/${userId}/devices`, { token: reader.tokens!.accessToken })).body as UserDevices;

  it('a member offline across a revocation reads it all, a late Welcome holding the revoked device joins, and the revoked key gets nothing new accepted', async () => {
    const aliceStore = memoryCryptoStore();
    const alice = await person('ra', aliceStore);
    const phoneStore = memoryCryptoStore();
    const phone = await linked(alice, phoneStore);
    const bobStore = memoryCryptoStore();
    const bob = await person('rb', bobStore);
    const carol = await person('rc');
    const dave = await person('rd');

    // (4) A list signed before any revocation has no `revoked`, and reads as it always did.
    const before = await published(bob.first, alice.id);
    expect(JSON.parse(before.identity!.deviceList)).not.toHaveProperty('revoked');
    expect(before.revoked).toEqual([]);
    const laptopSelf = await alice.first.encryption.self();
    expect(await bob.first.encryption.trusts(laptopSelf, laptopSelf.signaturePublicKey)).toBe(true);

    const group = await alice.first.createGroup('Revocations', [bob.id, dave.id], { encrypted: true });
    expect(await bodies(bob.first, group.id)).toEqual([]);
    // Bob is offline from here until the end: his state stays at this epoch.
    const bobOffline = (await bobStore.get(`group:${group.id}`))!;
    expect(await bodies(phone, group.id)).toEqual([]);
    const phoneBefore = (await phoneStore.get(`group:${group.id}`))!;

    const m1 = `from the phone ${crypto.randomUUID()}`;
    await phone.sendMessage(group.id, m1);
    // The phone commits: a removal (its own leaf rides in the commit's path, checked by every member)…
    await phone.removeMember(group.id, dave.id);
    const m2 = `after dave ${crypto.randomUUID()}`;
    await phone.sendMessage(group.id, m2);
    // …and an add, whose Welcome's tree holds the phone and whose GroupInfo the phone signed.
    await phone.addMember(group.id, carol.id);
    const m3 = `carol is in ${crypto.randomUUID()}`;
    await phone.sendMessage(group.id, m3);

    const phoneSelf = await phone.encryption.self();
    await alice.first.revokeDevice(phoneSelf.deviceId);
    const m4 = `after the phone ${crypto.randomUUID()}`;
    await alice.first.sendMessage(group.id, m4);

    // The new list keeps the phone as revoked, at the server's time.
    const after = await published(bob.first, alice.id);
    const served = after.revoked!.find((r) => r.id === phoneSelf.deviceId)!;
    expect(served.signatureKey).toBe(Buffer.from(phoneSelf.signaturePublicKey).toString('base64url'));
    const signed = JSON.parse(after.identity!.deviceList) as SignedDeviceListPayload;
    expect(signed.devices.map((d) => d.id)).toEqual([laptopSelf.deviceId]);
    expect(signed.revoked).toEqual([served]);

    // (2) Carol applies her Welcome only now: its tree still holds the phone, revoked since.
    expect(await bodies(carol.first, group.id)).toEqual([undefined, undefined, m3, m4]);
    // (1) Bob, offline across it all, processes the phone's commits and reads every message.
    expect(await bodies(bob.first, group.id)).toEqual([m1, m2, m3, m4]);
    const m5 = `bob is back ${crypto.randomUUID()}`;
    await bob.first.sendMessage(group.id, m5);
    expect(await bodies(carol.first, group.id)).toEqual([undefined, undefined, m3, m4, m5]);
    expect(await bodies(alice.first, group.id)).toEqual([m1, m2, m3, m4, m5]);

    // (3) The revoked key gets nothing new accepted. Its SDK has applied its removal and sends nothing…
    await expect(phone.sendMessage(group.id, 'still here?')).rejects.toMatchObject({ code: 'not_a_member' });
    // …and members' checks accept it only for what was ordered before the revocation, never for something made now.
    const key = phoneSelf.signaturePublicKey;
    expect(await bob.first.encryption.trusts(phoneSelf, key, { orderedAt: served.revokedAt - 1 })).toBe(true);
    expect(await bob.first.encryption.trusts(phoneSelf, key, { orderedAt: served.revokedAt })).toBe(false);
    expect(await bob.first.encryption.trusts(phoneSelf, key)).toBe(false);
    // A commit the phone's key makes now, from its state before the revocation, shown to Bob's state of then as
    // ordered after the revocation (what only a server that stored it anyway could do): refused.
    const phoneEngine = await phone.encryption.engine();
    const forged = await phoneEngine.removeMembers(phoneEngine.load(phoneBefore), [
      { userId: dave.id, deviceId: (await dave.first.encryption.self()).deviceId },
    ]);
    // …the server refuses the commit it posts (a revoked device sends nothing), storing nothing…
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
    const mls = { type: 'commit', ciphertext: b64(forged.commit), epoch: Number(forged.epoch), senderDevice: phoneSelf.deviceId };
    const posted = await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, {
      token: phone.tokens!.accessToken,
      body: { clientId: crypto.randomUUID(), mls: { ...mls, groupInfo: b64(await phoneEngine.groupInfo(forged.group)) } },
    });
    expect(posted.status).toBe(409);
    expect((posted.body as { error: { code: string } }).error.code).toBe('device_revoked');
    expect(await bodies(alice.first, group.id)).toEqual([m1, m2, m3, m4, m5]);
    const bobEngine = await bob.first.encryption.engine();
    const late = { orderedAt: Date.now() };
    expect(late.orderedAt).toBeGreaterThanOrEqual(served.revokedAt);
    await expect(bobEngine.process(bobEngine.load(bobOffline), forged.commit, late)).rejects.toMatchObject({
      code: 'untrusted_credential',
    });
    await expect(bobEngine.process(bobEngine.load(bobOffline), forged.commit)).rejects.toBeInstanceOf(GroupError);
    // The same bytes at a time before the revocation pass: the bound is the order's time (docs/encryption.md says what a
    // server that lies about it can do).
    const backdated = await bobEngine.process(bobEngine.load(bobOffline), forged.commit, { orderedAt: served.revokedAt - 1 });
    expect(backdated.kind).toBe('commit');
  });

  it('revoked from a client with no device: a member’s device commits the removal; the revoked device reads nothing sent after', async () => {
    const alice = await person('rv');
    const phone = await linked(alice);
    const bob = await person('rw');
    const group = await bob.first.createGroup('Revoked elsewhere', [alice.id], { encrypted: true });
    await bob.first.sendMessage(group.id, 'before the revocation');
    for (const device of [alice.first, phone]) expect(await bodies(device, group.id)).toEqual(['before the revocation']);
    const state = async () =>
      (await api(t.url, 'GET', `/api/v1/conversations/${group.id}/mls`, { token: bob.first.tokens!.accessToken })).body as {
        epoch: number;
      };
    const epochBefore = (await state()).epoch;

    // Bob's device is online; Alice revokes her phone from a client that is no device (a browser whose key is elsewhere).
    const live = bob.first.connect();
    await live.ready();
    try {
      const plain = new ConfabClient({ baseUrl: t.url, WebSocket: NodeWebSocket });
      await plain.login({ username: alice.username, password: PASSWORD });
      const { deviceId } = await phone.encryption.self();
      expect((await api(t.url, 'DELETE', `/api/v1/devices/${deviceId}`, { token: plain.tokens!.accessToken })).status).toBe(204);
      // Bob's device, told `device.revoked`, commits the phone's removal: the group moves one epoch on.
      await until(async () => (await state()).epoch > epochBefore, 'the removal committed by a member');
    } finally {
      live.close();
    }
    expect((await state()).epoch).toBe(epochBefore + 1);

    await bob.first.sendMessage(group.id, 'after the revocation');
    expect(await bodies(alice.first, group.id)).toEqual(['before the revocation', 'after the revocation']);
    // The phone (revoked, its keys still here) was removed before this was sent: it cannot read it.
    const onPhone = await bodies(phone, group.id).catch(() => ['refused']);
    expect(onPhone).not.toContain('after the revocation');
  });

  it('refuses a signed list that names as revoked a device not revoked, or another user’s, or with another key', async () => {
    const erin = await person('re');
    const erinPhone = await linked(erin);
    const frank = await person('rf');
    const engine = await erin.first.encryption.engine();
    const identity = (await erin.first.encryption.identityKeys())!;
    const phoneSelf = await erinPhone.encryption.self();
    const frankSelf = await frank.first.encryption.self();
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
    /** The list as published now, with these revoked entries, signed by Erin's identity key: the server's answer. */
    const put = async (revoked: SignedDeviceListPayload['revoked']) => {
      const now = (await published(erin.first, erin.id)).identity!;
      const payload = { ...(JSON.parse(now.deviceList) as SignedDeviceListPayload), version: now.version + 1, revoked };
      const deviceList = JSON.stringify(payload);
      const signature = b64(await engine.sign(identity.signaturePrivateKey, new TextEncoder().encode(deviceList)));
      return api(t.url, 'PUT', '/api/v1/users/me/identity', {
        token: erin.first.tokens!.accessToken,
        body: { identityKey: payload.identityKey, deviceList, signature },
      });
    };
    // The phone is active: not revoked.
    const active = await put([{ id: phoneSelf.deviceId, signatureKey: b64(phoneSelf.signaturePublicKey), revokedAt: 1 }]);
    expect(active.status).toBe(400);
    expect((active.body as { error: { details: { path: string }[] } }).error.details[0]!.path).toBe('/body/deviceList/revoked/0');
    await frank.first.revokeDevice(frankSelf.deviceId);
    const foreign = await put([{ id: frankSelf.deviceId, signatureKey: b64(frankSelf.signaturePublicKey), revokedAt: 1 }]);
    expect(foreign.status).toBe(400);
    await erin.first.revokeDevice(phoneSelf.deviceId);
    const next = (await published(erin.first, erin.id)).identity!.version;
    const otherKey = await put([{ id: phoneSelf.deviceId, signatureKey: b64(identity.signaturePublicKey), revokedAt: 1 }]);
    expect(otherKey.status).toBe(400);
    // Malformed entries are the schema's 400.
    const malformed = await put([{ id: phoneSelf.deviceId, signatureKey: b64(phoneSelf.signaturePublicKey) }] as never);
    expect(malformed.status).toBe(400);
    // The list as the SDK signed it stands, the phone revoked on it.
    const standing = (await published(erin.first, erin.id)).identity!;
    expect(standing.version).toBe(next);
    expect((JSON.parse(standing.deviceList) as SignedDeviceListPayload).revoked?.map((r) => r.id)).toEqual([phoneSelf.deviceId]);
  });
});
