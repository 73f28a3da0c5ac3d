import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabClient, type CryptoStore, KEY_PACKAGE_POOL, memoryCryptoStore } from '@confab/client';
import { engines } from '../engines.js';
import { type TestServer, api, uniqueName } from '../harness.js';

/**
 * Issue 39: an enable interrupted between keeping the device's keys and its last KeyPackage upload
 * (a page closed in those seconds) is told apart from a registered device, and finished with the
 * same keys; the check on sign-in finds a revoked device, and tops a drained KeyPackage pool up.
 */
describe.each(await engines())('an interrupted enable, and the check on sign-in, on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  /**
   * A client whose connection drops (once) at the first request `cut` names, as a closed page
   * would: the request never reaches the server, the call fails as fetch does.
   */
  const droppingAt = (store: CryptoStore, cut: (method: string, path: string) => boolean) => {
    let armed = true;
    const dropping: typeof fetch = async (input, init) => {
      const url = new URL(input instanceof Request ? input.url : input);
      if (armed && cut(init?.method ?? 'GET', url.pathname)) {
        armed = false;
        throw new TypeError('fetch failed: the page was closed');
      }
      return fetch(input, init);
    };
    return new ConfabClient({ baseUrl: t.url, fetch: dropping, crypto: { store } });
  };
  const person = async (prefix: string, cut: (method: string, path: string) => boolean = () => false) => {
    const store = memoryCryptoStore();
    const client = droppingAt(store, cut);
    const auth = await client.register({ username: uniqueName(prefix), password: 'correct horse battery' });
    return { id: auth.user.id, client, store };
  };
  const listedDevices = async (c: ConfabClient, userId: string) =>
    (await c.http.request<{ devices: { id: string }[] }>('GET', `/api/v1/users/${userId}/devices`)).devices.map((d) => d.id);
  /** The pool of a device as the server counts it (an upload of nothing answers it). */
  const pool = async (c: ConfabClient, deviceId: string) =>
    (await api(t.url, 'POST', `/api/v1/devices/${deviceId}/key-packages`, { token: c.tokens!.accessToken, body: { keyPackages: [] } }))
      .body as { available: number; lastResort: boolean };

  it('an enable cut before the registration is not enabled, and enabling again registers the same device', async () => {
    const bob = await person('rb');
    await bob.client.enableEncryption({ deviceName: 'desk' });
    const alice = await person('ra', (method, path) => method === 'POST' && path === '/api/v1/devices');
    expect(await alice.client.encryption.state()).toBe('none');

    await expect(alice.client.enableEncryption({ deviceName: 'laptop' })).rejects.toMatchObject({ code: 'network_error' });
    expect(await alice.client.encryption.state()).toBe('interrupted');
    expect(await alice.client.encryption.isEnabled()).toBe(false);
    const kept = (await alice.client.encryption.self()).deviceId;
    expect(await listedDevices(bob.client, alice.id)).toEqual([]);
    // Not a registered device: the sign-in check leaves the finishing to enable.
    expect(await alice.client.encryption.checkDevice()).toBe('interrupted');

    const { deviceId } = await alice.client.enableEncryption({ deviceName: 'laptop' });
    expect(deviceId).toBe(kept);
    expect(await alice.client.encryption.state()).toBe('registered');
    expect(await listedDevices(bob.client, alice.id)).toEqual([kept]);
    // Bob can now add it: its KeyPackage is there, and an encrypted DM reaches it.
    const claimed = await bob.client.encryption.claimKeyPackages(alice.id);
    expect(claimed.keyPackages.map((k) => [k.deviceId, k.lastResort])).toEqual([[kept, false]]);
    const dm = await bob.client.openDirect(alice.id, { encrypted: true });
    await bob.client.sendMessage(dm.id, 'reached the finished device');
    const read = await alice.client.history(dm.id, { after: 0, limit: 50 });
    expect(read.items.filter((m) => m.kind === 'encrypted').map((m) => m.body)).toEqual(['reached the finished device']);
  });

  it('an enable cut at the KeyPackage upload: registered on the server, yet finished by enabling again', async () => {
    const alice = await person('rk', (method, path) => method === 'POST' && path.endsWith('/key-packages'));
    await expect(alice.client.enableEncryption({ deviceName: 'laptop' })).rejects.toMatchObject({ code: 'network_error' });
    const kept = (await alice.client.encryption.self()).deviceId;
    expect(await alice.client.encryption.state()).toBe('interrupted');
    // The server has the device and its signed list, but nothing to add it with.
    expect(await listedDevices(alice.client, alice.id)).toEqual([kept]);
    expect(await pool(alice.client, kept)).toEqual({ stored: 0, available: 0, lastResort: false });

    expect((await alice.client.enableEncryption({ deviceName: 'laptop' })).deviceId).toBe(kept);
    expect(await alice.client.encryption.state()).toBe('registered');
    expect(await pool(alice.client, kept)).toMatchObject({ available: KEY_PACKAGE_POOL, lastResort: true });
  });

  it('the check on sign-in tops a drained pool up, and forgets a device revoked elsewhere', async () => {
    const alice = await person('rs');
    const bob = await person('rt');
    const { deviceId } = await alice.client.enableEncryption({ deviceName: 'laptop' });
    await bob.client.enableEncryption({ deviceName: 'desk' });
    const safetyNumber = await bob.client.safetyNumber(alice.id);
    expect(await alice.client.encryption.checkDevice()).toBe('registered');

    // Others claimed every single-use package: only the last-resort one is left.
    for (let i = 0; i < KEY_PACKAGE_POOL; i++) await bob.client.encryption.claimKeyPackages(alice.id);
    expect(await pool(alice.client, deviceId)).toMatchObject({ available: 0, lastResort: true });
    expect(await alice.client.encryption.checkDevice()).toBe('registered');
    expect(await pool(alice.client, deviceId)).toMatchObject({ available: KEY_PACKAGE_POOL, lastResort: true });
    // A full pool is left as it is.
    await alice.client.encryption.checkDevice();
    expect((await pool(alice.client, deviceId)).available).toBe(KEY_PACKAGE_POOL);

    // Revoked (as from another device of mine): this one learns it at the next check, forgets
    // its keys and group states, and enabling again makes a new device under the same identity.
    expect((await api(t.url, 'DELETE', `/api/v1/devices/${deviceId}`, { token: alice.client.tokens!.accessToken })).status).toBe(204);
    expect(await alice.client.encryption.checkDevice()).toBe('revoked');
    expect(await alice.client.encryption.state()).toBe('none');
    expect(await alice.store.keys('key-package:')).toEqual([]);
    const again = await alice.client.enableEncryption({ deviceName: 'laptop' });
    expect(again.deviceId).not.toBe(deviceId);
    expect(await listedDevices(bob.client, alice.id)).toEqual([again.deviceId]);
    // The same identity key signed the new list: the safety number the two compare is unchanged.
    expect(await bob.client.safetyNumber(alice.id)).toBe(safetyNumber);
    expect(await alice.client.safetyNumber(bob.id)).toBe(safetyNumber);
  });
});
