import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabClient, EncryptionError, createMlsEngine, memoryCryptoStore } from '@confab/client';
import { MAX_KEY_PACKAGE_BYTES, encodeDeviceIdentity } from '@confab/protocol';
import { engines } from '../engines.js';
import { expectError, freshUsers } from '../factories.js';
import { type TestServer, type TestUser, api, uniqueName } from '../harness.js';

const b64 = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');

/** Issue 39, part 1: devices, signed device lists and KeyPackages — the Delivery Service's registry. */
describe.each(await engines())('devices and KeyPackages on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  /** A signed-in SDK client with its own crypto store: one device. */
  const device = async (username: string) => {
    const client = new ConfabClient({ baseUrl: t.url, crypto: { store: memoryCryptoStore() } });
    await client.login({ username, password: 'correct horse battery' });
    return client;
  };
  const person = async (prefix: string) => {
    const username = uniqueName(prefix);
    const first = new ConfabClient({ baseUrl: t.url, crypto: { store: memoryCryptoStore() } });
    const auth = await first.register({ username, password: 'correct horse battery' });
    return { username, id: auth.user.id, first };
  };
  /** Registers a device over raw HTTP with keys of its own, for the unhappy paths. */
  const rawDevice = async (user: TestUser) => {
    const engine = await createMlsEngine({ validateCredential: async () => true });
    const keys = await engine.generateDeviceKeys();
    const ref = { userId: user.id, deviceId: `dev_${crypto.randomUUID().replaceAll('-', '')}` };
    const res = await api(t.url, 'POST', '/api/v1/devices', {
      token: user.token,
      body: { id: ref.deviceId, name: 'raw', signatureKey: b64(keys.signaturePublicKey), credential: b64(encodeDeviceIdentity(ref)) },
    });
    expect(res.status).toBe(201);
    const keyPackage = async () => b64((await engine.createKeyPackage(ref, keys)).keyPackage);
    return { ...ref, keys, engine, keyPackage };
  };

  it('enables encryption on two devices of one person and a third of another; both compute one safety number', async () => {
    const alice = await person('e2a');
    const bob = await person('e2b');
    const { deviceId: laptop } = await alice.first.enableEncryption({ deviceName: 'laptop' });
    expect(await alice.first.devices()).toEqual([expect.objectContaining({ id: laptop, name: 'laptop', current: true })]);

    // A second device cannot sign the list without the identity key; resetting makes a new one.
    const phone = await device(alice.username);
    await expect(phone.enableEncryption({ deviceName: 'phone' })).rejects.toMatchObject({ code: 'identity_elsewhere' });
    const { deviceId: phoneId } = await phone.enableEncryption({ deviceName: 'phone', resetIdentity: true });
    expect((await phone.devices()).map((d) => [d.name, d.current])).toEqual([
      ['laptop', false],
      ['phone', true],
    ]);
    await bob.first.enableEncryption({ deviceName: 'desk' });

    const published = await api(t.url, 'GET', `/api/v1/users/${alice.id}/devices`, { token: (await phone.tokens)!.accessToken });
    expect(published.status).toBe(200);
    expect(JSON.parse(published.body.identity.deviceList)).toMatchObject({
      v: 1,
      userId: alice.id,
      version: 2,
      devices: [{ id: laptop }, { id: phoneId }],
    });

    const fromBob = await bob.first.safetyNumber(alice.id);
    expect(fromBob).toMatch(/^(\d{5} ){11}\d{5}$/);
    expect(await phone.safetyNumber(bob.id)).toBe(fromBob);
    // The laptop's identity key was replaced: its number no longer matches (the warning's cause).
    expect(await alice.first.safetyNumber(bob.id)).not.toBe(fromBob);

    // Bob claims one package per device of Alice's and, trusting her signed list, adds both to a group.
    const claimed = await bob.first.encryption.claimKeyPackages(alice.id);
    expect(claimed.keyPackages.map((k) => [k.deviceId, k.lastResort]).sort()).toEqual(
      [
        [laptop, false],
        [phoneId, false],
      ].sort(),
    );
    const engine = await bob.first.encryption.engine();
    const bobRef = { userId: bob.id, deviceId: (await bob.first.devices())[0]!.id };
    const group = await engine.createGroup(new TextEncoder().encode(`conv-${bob.id}`), bobRef, await engine.generateDeviceKeys());
    const added = await engine.addMembers(
      group,
      claimed.keyPackages.map((k) => Buffer.from(k.keyPackage, 'base64url')),
    );
    expect(
      engine
        .members(added.group)
        .map((d) => d.deviceId)
        .sort(),
    ).toEqual([bobRef.deviceId, laptop, phoneId].sort());

    // Revoking the laptop drops its packages and takes it off the signed list: nobody trusts it again.
    const laptopKey = published.body.devices.find((d: { id: string }) => d.id === laptop).signatureKey as string;
    expect(await bob.first.encryption.trusts({ userId: alice.id, deviceId: laptop }, Buffer.from(laptopKey, 'base64url'))).toBe(true);
    await phone.revokeDevice(laptop);
    expect((await phone.devices()).map((d) => d.id)).toEqual([phoneId]);
    const after = await bob.first.encryption.claimKeyPackages(alice.id);
    expect(after.keyPackages.map((k) => k.deviceId)).toEqual([phoneId]);
    expect(await bob.first.encryption.trusts({ userId: alice.id, deviceId: laptop }, Buffer.from(laptopKey, 'base64url'))).toBe(false);
  }, 120_000);

  it('refuses what is not mine, not well formed, revoked, stale or unknown', async () => {
    const [alice, bob] = await freshUsers(t.url, 2);
    expectError(await api(t.url, 'GET', '/api/v1/devices'), 401, 'unauthenticated');
    const mine = await rawDevice(alice);

    // A credential naming someone else, or another device id, is refused.
    const forged = await api(t.url, 'POST', '/api/v1/devices', {
      token: bob.token,
      body: {
        id: 'dev_forged_0001',
        name: 'x',
        signatureKey: b64(mine.keys.signaturePublicKey),
        credential: b64(encodeDeviceIdentity({ userId: alice.id, deviceId: 'dev_forged_0001' })),
      },
    });
    expectError(forged, 400, 'validation_failed');
    expect(forged.body.error.details[0].path).toBe('/body/credential');
    // The same registration again is answered 200 with the device; the id under another key is taken.
    const again = await api(t.url, 'POST', '/api/v1/devices', {
      token: alice.token,
      body: {
        id: mine.deviceId,
        name: 'raw',
        signatureKey: b64(mine.keys.signaturePublicKey),
        credential: b64(encodeDeviceIdentity(mine)),
      },
    });
    expect(again.status).toBe(200);

    const upload = (user: TestUser, deviceId: string, body: unknown) =>
      api(t.url, 'POST', `/api/v1/devices/${deviceId}/key-packages`, { token: user.token, body });
    const kp = await mine.keyPackage();
    expect((await upload(alice, mine.deviceId, { keyPackages: [kp] })).body).toEqual({ stored: 1, available: 1, lastResort: false });
    expect((await upload(alice, mine.deviceId, { keyPackages: [kp] })).body).toEqual({ stored: 0, available: 1, lastResort: false });
    expectError(await upload(bob, mine.deviceId, { keyPackages: [await mine.keyPackage()] }), 404, 'not_found');

    const malformed = await upload(alice, mine.deviceId, { keyPackages: [kp, b64(new TextEncoder().encode('not a key package'))] });
    expectError(malformed, 400, 'validation_failed');
    expect(malformed.body.error.details[0].path).toBe('/body/keyPackages/1');
    expectError(
      await upload(alice, mine.deviceId, { keyPackages: ['A'.repeat(Math.ceil((MAX_KEY_PACKAGE_BYTES * 4) / 3) + 1)] }),
      400,
      'validation_failed',
    );
    // A valid package, but of another of Alice's devices.
    const other = await rawDevice(alice);
    expectError(await upload(alice, mine.deviceId, { keyPackages: [await other.keyPackage()] }), 400, 'validation_failed');
    expect((await upload(alice, mine.deviceId, { keyPackages: [] })).body.available).toBe(1);

    // Revoked: no uploads, no claims, idempotent revoke, someone else's not found.
    expectError(await api(t.url, 'DELETE', `/api/v1/devices/${mine.deviceId}`, { token: bob.token }), 404, 'not_found');
    expect((await api(t.url, 'DELETE', `/api/v1/devices/${mine.deviceId}`, { token: alice.token })).status).toBe(204);
    expect((await api(t.url, 'DELETE', `/api/v1/devices/${mine.deviceId}`, { token: alice.token })).status).toBe(204);
    expectError(await upload(alice, mine.deviceId, { keyPackages: [await mine.keyPackage()] }), 409, 'device_revoked');
    const claims = await api(t.url, 'POST', `/api/v1/users/${alice.id}/key-packages/claim`, { token: bob.token });
    expect(claims.body.keyPackages.map((k: { deviceId: string }) => k.deviceId)).not.toContain(mine.deviceId);
    expectError(await api(t.url, 'POST', '/api/v1/users/no-such-user/key-packages/claim', { token: bob.token }), 404, 'not_found');
    expectError(await api(t.url, 'GET', '/api/v1/users/no-such-user/devices', { token: bob.token }), 404, 'not_found');

    // The signed list: a bad signature, a device that is not mine, a version already published.
    const identity = await other.engine.generateDeviceKeys();
    const signedList = async (version: number, devices: { id: string; signatureKey: string }[]) => {
      const deviceList = JSON.stringify({ v: 1, userId: alice.id, version, identityKey: b64(identity.signaturePublicKey), devices });
      const signature = b64(await other.engine.sign(identity.signaturePrivateKey, new TextEncoder().encode(deviceList)));
      return { identityKey: b64(identity.signaturePublicKey), deviceList, signature };
    };
    const put = (body: unknown) => api(t.url, 'PUT', '/api/v1/users/me/identity', { token: alice.token, body });
    const listed = [{ id: other.deviceId, signatureKey: b64(other.keys.signaturePublicKey) }];
    const good = await signedList(1, listed);
    expectError(await put({ ...good, deviceList: good.deviceList.replace('"version":1', '"version":2') }), 400, 'validation_failed');
    expectError(
      await put(await signedList(1, [...listed, { id: mine.deviceId, signatureKey: b64(mine.keys.signaturePublicKey) }])),
      400,
      'validation_failed',
    );
    expect((await put(good)).status).toBe(200);
    expectError(await put(good), 409, 'conflict');
    expect((await put(await signedList(2, listed))).body.version).toBe(2);
  });

  it('reads several users’ lists in one lookup, each as the one-user read answers it', async () => {
    const alice = await person('lka');
    await alice.first.enableEncryption({ deviceName: 'laptop' });
    const [bob, carol] = await freshUsers(t.url, 2);
    await rawDevice(bob!);
    // A revoked device of Bob's is served with its key and when (members check its past commits against it).
    const gone = await rawDevice(bob!);
    expect((await api(t.url, 'DELETE', `/api/v1/devices/${gone.deviceId}`, { token: bob!.token })).status).toBe(204);
    const ids = [carol!.id, 'usr_nobody_here', alice.id, bob!.id];
    const lookup = await api(t.url, 'POST', '/api/v1/users/devices/lookup', { token: carol!.token, body: { userIds: ids } });
    expect(lookup.status).toBe(200);
    // In the order asked, the unknown id left out; each the same as GET /users/:id/devices.
    expect(lookup.body.users.map((u: { userId: string }) => u.userId)).toEqual([carol!.id, alice.id, bob!.id]);
    for (const user of lookup.body.users) {
      const one = await api(t.url, 'GET', `/api/v1/users/${user.userId}/devices`, { token: carol!.token });
      expect(user).toEqual(one.body);
    }
    expect(lookup.body.users[0]).toEqual({ userId: carol!.id, identity: null, devices: [], revoked: [] });
    expect(lookup.body.users[2].devices).toHaveLength(1);
    expect(lookup.body.users[2].revoked).toEqual([
      { id: gone.deviceId, signatureKey: b64(gone.keys.signaturePublicKey), revokedAt: expect.any(Number), revokedPos: expect.any(Number) },
    ]);
    expect(lookup.body.users[1].revoked).toEqual([]);

    expectError(await api(t.url, 'POST', '/api/v1/users/devices/lookup', { body: { userIds: [alice.id] } }), 401, 'unauthenticated');
    for (const userIds of [[], [alice.id, alice.id], Array.from({ length: 201 }, (_, i) => `usr_${i}`)]) {
      expectError(
        await api(t.url, 'POST', '/api/v1/users/devices/lookup', { token: carol!.token, body: { userIds } }),
        400,
        'validation_failed',
      );
    }
    expectError(
      await api(t.url, 'POST', '/api/v1/users/devices/lookup', { token: carol!.token, body: { userIds: [alice.id], more: 1 } }),
      400,
      'validation_failed',
    );
  });

  it('says when encryption is used without a crypto store', async () => {
    const [carol] = await freshUsers(t.url, 1);
    expect(() => carol.client.devices()).toThrow(EncryptionError);
  });
});
