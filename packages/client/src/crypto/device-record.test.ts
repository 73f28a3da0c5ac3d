import { describe, expect, it } from 'vitest';
import { memoryCryptoStore } from './crypto-store.js';
import { deviceState, forgetDevice, loadDevice, markRegistered, markUnregistered, saveDevice } from './device-record.js';

const device = (deviceId: string) => ({
  userId: 'u1',
  deviceId,
  signaturePublicKey: new Uint8Array([1, 2, 3]),
  signaturePrivateKey: new Uint8Array([4, 5, 6]),
});

// Over the server, the same steps (an enable cut at each request, finished): packages/server/test/e2e/device-enable-resume.test.ts.
describe('the device record of a CryptoStore', () => {
  it('keys kept without the registered mark are an interrupted enable; the mark makes it registered', async () => {
    const store = memoryCryptoStore();
    expect(await deviceState(store)).toBe('none');
    await saveDevice(store, device('dev_a'));
    expect(await deviceState(store)).toBe('interrupted');
    expect(await loadDevice(store)).toEqual(device('dev_a'));
    await markRegistered(store, 'dev_a');
    expect(await deviceState(store)).toBe('registered');
    await markUnregistered(store);
    expect(await deviceState(store)).toBe('interrupted');
  });

  it("a mark left by an earlier device is not the new one's, and new keys clear it", async () => {
    const store = memoryCryptoStore();
    await saveDevice(store, device('dev_a'));
    await markRegistered(store, 'dev_other');
    expect(await deviceState(store)).toBe('interrupted');
    await markRegistered(store, 'dev_a');
    await saveDevice(store, device('dev_b'));
    expect(await deviceState(store)).toBe('interrupted');
  });

  it('forgetting a revoked device drops its keys, KeyPackages and groups, and keeps the identity and the history read', async () => {
    const store = memoryCryptoStore();
    await saveDevice(store, device('dev_a'));
    await markRegistered(store, 'dev_a');
    for (const key of ['identity', 'key-package:ab', 'group:c1', 'applied:c1', 'plain:c1:4', 'sent:x1'])
      await store.put(key, new Uint8Array([1]));
    await forgetDevice(store);
    expect(await deviceState(store)).toBe('none');
    expect((await store.keys('')).sort()).toEqual(['identity', 'plain:c1:4', 'sent:x1']);
  });
});
