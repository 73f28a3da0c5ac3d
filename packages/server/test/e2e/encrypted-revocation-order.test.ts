import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, MessagePage, SignedDeviceListPayload, UserDevices } from '@confab/protocol';
import { ConfabClient, memoryCryptoStore } from '@confab/client';
import { engines } from '../engines.js';
import { NodeWebSocket, type TestServer, api, uniqueName } from '../harness.js';
import { dateRevocation } from '../revocation-clock.js';

/**
 * Issue 39: "ordered before the revocation" is read in the event log, not on clocks. Every MLS
 * message carries its `message.created` position (`logPos`), and a revocation the log's head when
 * it committed (`revokedPos`, signed into the list): a member accepts the revoked device's
 * credential at or below that position, whatever times the nodes stamped. Here the revocation is
 * dated ten minutes before the device's own earlier commits (as a revoking node whose clock is
 * behind would date it): a member offline across it still reads it all, and a commit placed after
 * it is refused even when dated before it.
 */
describe.each(await engines())('a revocation ordered by the log on %s', (_engine, start) => {
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
    return { username, id: auth.user.id, first };
  };
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
  /** The envelopes as the server serves them to a client that does not decrypt. */
  const envelopes = async (reader: ConfabClient, conversationId: string): Promise<Message[]> => {
    const path = `/api/v1/conversations/${conversationId}/messages?after=0&limit=100&threads=include`;
    return ((await api(t.url, 'GET', path, { token: reader.tokens!.accessToken })).body as MessagePage).items;
  };

  it('a member offline across a revocation dated before the device’s commits reads them all; a commit placed after it is refused', async () => {
    const alice = await person('oa');
    const phoneStore = memoryCryptoStore();
    const phone = await linked(alice, phoneStore);
    const bobStore = memoryCryptoStore();
    const bob = await person('ob', bobStore);
    const carol = await person('oc');
    const dave = await person('od');

    const group = await alice.first.createGroup('Ordered', [bob.id, dave.id], { encrypted: true });
    // Bob reads up to here, then is offline until the end.
    expect(await bodies(bob.first, group.id)).toEqual([]);
    const bobOffline = (await bobStore.get(`group:${group.id}`))!;
    expect(await bodies(phone, group.id)).toEqual([]);
    const phoneBefore = (await phoneStore.get(`group:${group.id}`))!;

    const m1 = `from the phone ${crypto.randomUUID()}`;
    await phone.sendMessage(group.id, m1);
    await phone.removeMember(group.id, dave.id);
    await phone.addMember(group.id, carol.id);
    const m2 = `carol is in ${crypto.randomUUID()}`;
    await phone.sendMessage(group.id, m2);
    const phoneSelf = await phone.encryption.self();
    await alice.first.revokeDevice(phoneSelf.deviceId);
    const m3 = `after the phone ${crypto.randomUUID()}`;
    await alice.first.sendMessage(group.id, m3);

    // Every MLS message is served with its place in the log, in the order's order.
    const served = await envelopes(alice.first, group.id);
    const mls = served.filter((m) => m.kind === 'encrypted');
    expect(mls.every((m) => Number.isInteger(m.logPos))).toBe(true);
    expect(mls.map((m) => m.logPos)).toEqual(mls.map((m) => m.logPos).sort((x, y) => x! - y!));
    const phoneCommits = mls.filter((m) => m.mls === 'commit' && m.senderDevice === phoneSelf.deviceId);
    expect(phoneCommits).toHaveLength(2);

    // The revocation as served and as signed: the same position, past the phone's messages and before Alice's next.
    const published = async () =>
      (await api(t.url, 'GET', `/api/v1/users/${alice.id}/devices`, { token: bob.first.tokens!.accessToken })).body as UserDevices;
    const revocation = (await published()).revoked!.find((r) => r.id === phoneSelf.deviceId)!;
    const signed = JSON.parse((await published()).identity!.deviceList) as SignedDeviceListPayload;
    expect(signed.revoked).toEqual([revocation]);
    const revokedPos = revocation.revokedPos!;
    expect(Math.max(...mls.filter((m) => m.senderDevice === phoneSelf.deviceId).map((m) => m.logPos!))).toBeLessThanOrEqual(revokedPos);
    expect(mls.at(-1)!.logPos).toBeGreaterThan(revokedPos);

    // The revoking node's clock was ten minutes behind: the server now dates the revocation before the phone's commits.
    const skewed = Math.min(...phoneCommits.map((m) => Date.parse(m.createdAt))) - 10 * 60_000;
    await dateRevocation(t, phoneSelf.deviceId, skewed);
    expect((await published()).revoked!.find((r) => r.id === phoneSelf.deviceId)).toEqual({ ...revocation, revokedAt: skewed });

    // Bob processes the phone's commits (ordered before the revocation, dated after it) and reads everything.
    expect(await bodies(bob.first, group.id)).toEqual([m1, m2, m3]);
    // Carol's Welcome (the phone's, its tree holding the phone) is applied only now, and joins.
    expect(await bodies(carol.first, group.id)).toEqual([undefined, m2, m3]);

    // A commit the revoked key makes now: the server refuses it (409), so nothing is placed after the revocation…
    const phoneEngine = await phone.encryption.engine();
    const forged = await phoneEngine.removeMembers(phoneEngine.load(phoneBefore), [
      { userId: dave.id, deviceId: (await dave.first.encryption.self()).deviceId },
    ]);
    const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
    const posted = await api(t.url, 'POST', `/api/v1/conversations/${group.id}/messages`, {
      token: phone.tokens!.accessToken,
      body: {
        clientId: crypto.randomUUID(),
        mls: {
          type: 'commit',
          ciphertext: b64(forged.commit),
          epoch: Number(forged.epoch),
          senderDevice: phoneSelf.deviceId,
          groupInfo: b64(await phoneEngine.groupInfo(forged.group)),
        },
      },
    });
    expect((posted.body as { error: { code: string } }).error.code).toBe('device_revoked');
    // …and a member refuses one placed after it even when dated before it; the same bytes placed before it pass.
    const bobEngine = await bob.first.encryption.engine();
    await expect(
      bobEngine.process(bobEngine.load(bobOffline), forged.commit, { orderedAt: skewed - 60_000, logPos: revokedPos + 1 }),
    ).rejects.toMatchObject({ code: 'untrusted_credential' });
    const before = await bobEngine.process(bobEngine.load(bobOffline), forged.commit, { orderedAt: skewed + 60_000, logPos: revokedPos });
    expect(before.kind).toBe('commit');
  });
});
