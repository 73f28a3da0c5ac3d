import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabClient, memoryCryptoStore } from '@confab/client';
import { DEVICE_LINK_TTL_MS, type DeviceLink, encodeDeviceIdentity } from '@confab/protocol';
import { DeviceLinkService } from '../../src/services/encryption/device-link-service.js';
import { engines } from '../engines.js';
import { plaintextsFound } from '../plaintext-scan.js';
import { databaseSnapshot } from '../snapshot.js';
import { NodeWebSocket, type TestServer, api, uniqueName, until } from '../harness.js';

/**
 * Issue 39 part 4: a second device of mine gets my identity key from the first, sealed to a key
 * only it holds, and registers itself under that key; links stay between one user's devices, are
 * answered once, taken once, and expire.
 */
describe.each(await engines())('device linking on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const PASSWORD = 'correct horse battery';
  const client = () => new ConfabClient({ baseUrl: t.url, crypto: { store: memoryCryptoStore() }, WebSocket: NodeWebSocket });
  /** A person with encryption on a first device ("laptop"), and a second client of theirs signed in ("phone"). */
  const person = async (prefix: string) => {
    const username = uniqueName(prefix);
    const laptop = client();
    const auth = await laptop.register({ username, password: PASSWORD });
    await laptop.enableEncryption({ deviceName: 'laptop' });
    const phone = client();
    await phone.login({ username, password: PASSWORD });
    return { id: auth.user.id, laptop, phone };
  };
  const call = (c: ConfabClient, method: string, path: string, body?: unknown) =>
    api(t.url, method, path, { token: c.tokens!.accessToken, ...(body === undefined ? {} : { body }) });

  it('links a second device: the same code on both, the identity key moved sealed, the new device signed by it', async () => {
    const alice = await person('la');
    const bob = await person('lb');
    const before = await bob.laptop.safetyNumber(alice.id);
    await expect(alice.phone.enableEncryption({ deviceName: 'phone' })).rejects.toMatchObject({ code: 'identity_elsewhere' });

    const request = await alice.phone.deviceLinks.request('phone');
    expect(request.code).toMatch(/^\d{3} \d{3}$/);
    const pending = await alice.laptop.deviceLinks.pending();
    expect(pending.map((p) => [p.id, p.deviceName, p.code])).toEqual([[request.id, 'phone', request.code]]);
    // Bob sees none of Alice's requests.
    expect(await bob.laptop.deviceLinks.pending()).toEqual([]);

    const completed = alice.phone.deviceLinks.complete(request.id, { deviceName: 'phone', pollMs: 50 });
    await alice.laptop.deviceLinks.approve(request.id);
    const { deviceId } = await completed;

    expect(await alice.phone.encryption.isEnabled()).toBe(true);
    expect((await alice.laptop.devices()).map((d) => d.name).sort()).toEqual(['laptop', 'phone']);
    // Same identity key: Bob's safety number for Alice is unchanged, and Bob trusts the new device.
    expect(await bob.laptop.safetyNumber(alice.id)).toBe(before);
    expect(await alice.phone.safetyNumber(bob.id)).toBe(before);
    const phoneSelf = await alice.phone.encryption.self();
    expect(phoneSelf.deviceId).toBe(deviceId);
    expect(await bob.laptop.encryption.trusts(phoneSelf, phoneSelf.signaturePublicKey)).toBe(true);

    // Taken once; nothing sealed stays on the server.
    const link = await t.server.services.store.devices.getDeviceLink(request.id);
    expect(link).toMatchObject({ state: 'taken', sealed: null, approvedBy: (await alice.laptop.encryption.self()).deviceId });
    expect((await call(alice.phone, 'POST', `/api/v1/device-links/${request.id}/take`)).body).toMatchObject({
      error: { code: 'link_used' },
    });

    // A new encrypted DM reaches both of Alice's devices.
    const dm = await bob.laptop.openDirect(alice.id, { encrypted: true });
    await bob.laptop.sendMessage(dm.id, 'to both of your devices');
    for (const device of [alice.laptop, alice.phone]) {
      const read = await device.history(dm.id, { after: 0, limit: 50 });
      expect(read.items.filter((m) => m.kind === 'encrypted').map((m) => m.body)).toEqual(['to both of your devices']);
    }
  });

  it('joins my encrypted conversations by external commit; the history share brings what the laptop had read, the rest stays envelopes', async () => {
    const alice = await person('lx');
    const bob = await person('ly');
    const group = await bob.laptop.createGroup('Board', [alice.id], { encrypted: true });
    await bob.laptop.sendMessage(group.id, 'before the phone');
    expect((await alice.laptop.history(group.id, { after: 0, limit: 50 })).items.map((m) => m.body)).toContain('before the phone');
    // Sent before the link too, but never fetched by the laptop: nothing of it to share.
    await bob.laptop.sendMessage(group.id, 'unread by the laptop');

    const request = await alice.phone.deviceLinks.request('phone');
    const completed = alice.phone.deviceLinks.complete(request.id, { deviceName: 'phone', pollMs: 50 });
    await alice.laptop.deviceLinks.approve(request.id);
    await completed;
    // complete() joined the group; asking again joins nothing more.
    expect(await alice.phone.joinEncryptedConversations()).toEqual([]);

    await bob.laptop.sendMessage(group.id, 'after the phone');
    await alice.laptop.sendMessage(group.id, 'from my laptop');
    const onPhone = (await alice.phone.history(group.id, { after: 0, limit: 50 })).items.filter((m) => m.kind === 'encrypted');
    const shown = onPhone.filter((m) => m.mls === 'application');
    // Before the phone joined: what the laptop had decrypted came in the history share, sealed with
    // the identity key; what it had not stays an envelope without a body (the app's placeholder).
    expect(shown.map((m) => m.body)).toEqual(['before the phone', undefined, 'after the phone', 'from my laptop']);
    const found = await alice.phone.searchEncrypted('before phone');
    expect(found.map((h) => [h.seq, h.senderId])).toEqual([[shown[0]!.seq, bob.id]]);
    // Everyone's group moved on with the phone's commit: Bob and the laptop read the phone.
    await alice.phone.sendMessage(group.id, 'from my phone');
    for (const reader of [bob.laptop, alice.laptop]) {
      const read = await reader.history(group.id, { after: 0, limit: 50 });
      expect(read.items.map((m) => m.body)).toContain('from my phone');
    }
  });

  it('shares a history larger than an answer holds: the older part as an encrypted file, read on the new device', async () => {
    const alice = await person('lh');
    const bob = await person('lg');
    const group = await bob.laptop.createGroup('Long history', [alice.id], { encrypted: true });
    // 130 messages of 3,500 characters: about 450 KiB of text, more than the 400 KiB an answer holds.
    const marker = (i: number) => `message ${i} ${crypto.randomUUID()} `;
    const markers = Array.from({ length: 130 }, (_, i) => marker(i));
    for (const m of markers) await bob.laptop.sendMessage(group.id, m + 'x'.repeat(3500 - m.length));
    const readAll = async (c: ConfabClient) => {
      const bodies: (string | undefined)[] = [];
      for (let after = 0; ;) {
        const page = await c.history(group.id, { after, limit: 50 });
        bodies.push(...page.items.filter((m) => m.mls === 'application').map((m) => m.body));
        if (page.items.length === 0) return bodies;
        after = page.items.at(-1)!.seq;
      }
    };
    expect((await readAll(alice.laptop)).every((b) => b !== undefined)).toBe(true);

    const request = await alice.phone.deviceLinks.request('phone');
    const completed = alice.phone.deviceLinks.complete(request.id, { deviceName: 'phone', pollMs: 50 });
    await alice.laptop.deviceLinks.approve(request.id);
    await completed;

    // Every message the laptop had read, the oldest too, reads on the phone: the newest came inside
    // the answer, the oldest (beyond its 400 KiB) only through the file.
    const onPhone = await readAll(alice.phone);
    expect(onPhone).toHaveLength(130);
    expect(onPhone.map((b) => b?.slice(0, markers[0]!.length))).toEqual(markers.map((m) => m.slice(0, markers[0]!.length)));
    // The older part went as an upload of Alice's: ciphertext only, on disk and in the database.
    const databaseUrl = t.server.services.config.databaseUrl;
    const where = { dataDirs: [t.dataDir], ...(databaseUrl?.startsWith('postgres') ? { databaseUrl } : {}) };
    expect(await plaintextsFound(where, [markers[0]!, markers[60]!])).toEqual([]);
    // That the file was the path: one upload in this server, the ciphertext's name and type.
    const uploads = ((await databaseSnapshot(t)).uploads ?? []).map((row) => JSON.parse(row) as Record<string, unknown>);
    expect(uploads.map((u) => [u.filename, u.content_type])).toEqual([['encrypted.bin', 'application/octet-stream']]);
  }, 120_000);

  it('refuses an external commit of a stale epoch (409 epoch_conflict) and one sent as another user’s device', async () => {
    const alice = await person('lz');
    const bob = await person('lw');
    const group = await bob.laptop.createGroup('Stale', [alice.id], { encrypted: true });
    const request = await alice.phone.deviceLinks.request('phone');
    const completed = alice.phone.deviceLinks.complete(request.id, { deviceName: 'phone', pollMs: 50 });
    await alice.laptop.deviceLinks.approve(request.id);
    await completed;
    // A third device of Alice, enabled by hand, makes two external commits from one GroupInfo.
    const engine = await alice.phone.encryption.engine();
    const keys = await engine.generateDeviceKeys();
    const tablet = { userId: alice.id, deviceId: 'dev_tablet_' + Date.now().toString(36), ...keys };
    const state = (await call(alice.phone, 'GET', `/api/v1/conversations/${group.id}/mls`)).body as { epoch: number; groupInfo: string };
    const bytes = new Uint8Array(Buffer.from(state.groupInfo, 'base64url'));
    const [first, second] = [
      await engine.joinByExternalCommit(bytes, tablet, keys),
      await engine.joinByExternalCommit(bytes, tablet, keys),
    ];
    const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64url');
    const post = async (pending: typeof first, senderDevice: string) =>
      call(alice.phone, 'POST', `/api/v1/conversations/${group.id}/messages`, {
        clientId: 'x' + Math.random().toString(36).slice(2),
        mls: {
          type: 'commit',
          ciphertext: b64(pending.commit),
          epoch: Number(pending.epoch),
          senderDevice,
          groupInfo: b64(await engine.groupInfo(pending.group)),
        },
      });
    // Not a registered device yet: refused.
    expect((await post(first, tablet.deviceId)).status).toBe(400);
    // Sent as Bob's device: refused.
    const bobDevice = (await bob.laptop.encryption.self()).deviceId;
    expect((await post(first, bobDevice)).status).toBe(400);
    // Registered (under Alice's account), it joins once; the second commit of the same epoch is stale.
    await call(alice.phone, 'POST', '/api/v1/devices', {
      id: tablet.deviceId,
      name: 'tablet',
      signatureKey: b64(keys.signaturePublicKey),
      credential: b64(encodeDeviceIdentity(tablet)),
    });
    expect((await post(first, tablet.deviceId)).status).toBe(201);
    const stale = await post(second, tablet.deviceId);
    expect([stale.status, stale.body]).toMatchObject([409, { error: { code: 'epoch_conflict', epoch: state.epoch + 1 } }]);
  });

  it('refuses another user’s link, another user’s device, a second answer, a take before the answer, and a declined link', async () => {
    const alice = await person('lr');
    const mallory = await person('lm');
    const request = await alice.phone.deviceLinks.request('phone');
    const malloryDevice = (await mallory.laptop.encryption.self()).deviceId;
    const aliceDevice = (await alice.laptop.encryption.self()).deviceId;
    const sealed = 'AAAA';

    // Another user's link is not found, whatever they do with it.
    for (const [method, path, body] of [
      ['GET', `/api/v1/device-links/${request.id}`, undefined],
      ['POST', `/api/v1/device-links/${request.id}/approve`, { deviceId: malloryDevice, sealed }],
      ['POST', `/api/v1/device-links/${request.id}/decline`, undefined],
      ['POST', `/api/v1/device-links/${request.id}/take`, undefined],
    ] as const) {
      const res = await call(mallory.laptop, method, path, body);
      expect([method, path, res.status, res.body]).toMatchObject([method, path, 404, { error: { code: 'not_found' } }]);
    }
    // My link approved in the name of another user's device: 400.
    const foreign = await call(alice.laptop, 'POST', `/api/v1/device-links/${request.id}/approve`, { deviceId: malloryDevice, sealed });
    expect(foreign.status).toBe(400);
    // Not answered yet: nothing to take.
    const early = await call(alice.phone, 'POST', `/api/v1/device-links/${request.id}/take`);
    expect([early.status, early.body]).toMatchObject([409, { error: { code: 'conflict' } }]);

    await alice.laptop.deviceLinks.approve(request.id);
    const again = await call(alice.laptop, 'POST', `/api/v1/device-links/${request.id}/approve`, { deviceId: aliceDevice, sealed });
    expect([again.status, again.body]).toMatchObject([409, { error: { code: 'link_used' } }]);

    // A declined request: its device is told so, and it cannot be approved after.
    const second = await alice.phone.deviceLinks.request('tablet');
    await alice.laptop.deviceLinks.decline(second.id);
    await expect(alice.phone.deviceLinks.complete(second.id, { deviceName: 'tablet', pollMs: 50 })).rejects.toMatchObject({
      code: 'link_declined',
    });
    const late = await call(alice.laptop, 'POST', `/api/v1/device-links/${second.id}/approve`, { deviceId: aliceDevice, sealed });
    expect([late.status, late.body]).toMatchObject([409, { error: { code: 'link_used' } }]);
    // Bad input is refused at the schema.
    const bad = await call(alice.phone, 'POST', '/api/v1/device-links', { deviceName: 'x', publicKey: 'short' });
    expect(bad.status).toBe(400);
  });

  it('an expired link is neither listed, answered nor taken (410 link_expired)', async () => {
    const alice = await person('le');
    const request = await alice.phone.deviceLinks.request('phone');
    const approved = await alice.phone.deviceLinks.request('tablet');
    await alice.laptop.deviceLinks.approve(approved.id);
    // The same service over the same store, eleven minutes on.
    const later = new DeviceLinkService(t.server.services.store, () => Date.now() + DEVICE_LINK_TTL_MS + 60_000);
    expect(await later.pending(alice.id)).toEqual([]);
    const device = (await alice.laptop.encryption.self()).deviceId;
    await expect(later.approve(alice.id, request.id, { deviceId: device, sealed: 'AAAA' })).rejects.toMatchObject({
      code: 'link_expired',
      status: 410,
    });
    await expect(later.take(alice.id, approved.id)).rejects.toMatchObject({ code: 'link_expired', status: 410 });
    // Still within its time now: the approved one is taken once.
    const taken = await call(alice.phone, 'POST', `/api/v1/device-links/${approved.id}/take`);
    expect(taken.status).toBe(200);
  });

  it('tells my connected devices of a request and of its answer at once (device_link.requested, .answered); links long expired are swept', async () => {
    const alice = await person('ls');
    const live = alice.laptop.connect();
    const heard: DeviceLink[] = [];
    live.on('device_link.requested', (e) => heard.push(e.link));
    await live.ready();
    const request = await alice.phone.deviceLinks.request('phone');
    await until(() => heard.length > 0, 'the laptop hears of the request');
    expect(heard).toEqual([expect.objectContaining({ id: request.id, deviceName: 'phone', state: 'pending' })]);

    // An answer from any device of mine is told to the others (device_link.answered), approved or
    // declined; a refused second answer tells nobody.
    const answers: DeviceLink[] = [];
    live.on('device_link.answered', (e) => answers.push(e.link));
    const other = await alice.phone.deviceLinks.request('tablet');
    await alice.laptop.deviceLinks.decline(other.id);
    await alice.laptop.deviceLinks.approve(request.id);
    await until(() => answers.length === 2, 'the laptop hears of both answers');
    expect(await call(alice.laptop, 'POST', `/api/v1/device-links/${other.id}/decline`)).toMatchObject({ status: 409 });
    const self = (await alice.laptop.encryption.self()).deviceId;
    expect(answers).toEqual([
      expect.objectContaining({ id: other.id, state: 'declined', approvedBy: null }),
      expect.objectContaining({ id: request.id, state: 'approved', approvedBy: self }),
    ]);
    // A barrier, not a sleep: a later request's event arrives after anything the refusal could have sent.
    const third = await alice.phone.deviceLinks.request('watch');
    await until(() => heard.some((l) => l.id === third.id), 'the laptop hears of the third request');
    expect(answers).toHaveLength(2);
    expect(answers.filter((l) => 'sealed' in l)).toEqual([]);
    live.close();

    // Just past its expiry it is kept (a device still waiting is told link_expired, not 404)…
    const store = t.server.services.store;
    await new DeviceLinkService(store, () => Date.now() + DEVICE_LINK_TTL_MS + 60_000).sweepExpired();
    expect((await call(alice.phone, 'GET', `/api/v1/device-links/${request.id}`)).status).toBe(200);
    // …and once expired for as long as it lived, it is deleted.
    expect(await new DeviceLinkService(store, () => Date.now() + 2 * DEVICE_LINK_TTL_MS + 60_000).sweepExpired()).toBeGreaterThanOrEqual(1);
    expect((await call(alice.phone, 'GET', `/api/v1/device-links/${request.id}`)).status).toBe(404);
  });
});
