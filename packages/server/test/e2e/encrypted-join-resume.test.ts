import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ConfabClient, type CryptoStore, KEY_PACKAGE_POOL, memoryCryptoStore } from '@confab/client';
import { type TestServer, startServer, uniqueName } from '../harness.js';

/**
 * Issue 39: a device joining an encrypted conversation from its Welcome, cut off before it kept
 * the group (a page navigated away or closed in that moment), joins from the same Welcome on its
 * next read. Either hole left the device unable to read the conversation for good: the symptom of
 * CI stop 63's two browser failures (the cause there is not proven).
 * The KeyPackage the Welcome was made for is forgotten only once the group is kept; a join whose
 * credential checks could not reach the server is left to the next read, not passed.
 */
describe('joining from a Welcome, cut off or unable to reach the server, finished on the next read', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startServer();
  });
  afterAll(() => t?.close());

  const password = 'correct horse battery';
  /** A store whose first write under `prefix` fails, as the write of a page being closed does; `cut` says whether it did. */
  const cuttingAt = (store: CryptoStore, prefix: string) => {
    const state = { cut: false };
    const cutting: CryptoStore = {
      ...store,
      async put(key, value) {
        if (!state.cut && key.startsWith(prefix)) {
          state.cut = true;
          throw new Error('the page was closed');
        }
        return store.put(key, value);
      },
    };
    return { store: cutting, state };
  };
  const keyPackagesKept = async (store: CryptoStore) => (await store.keys('key-package:')).length;
  const texts = async (client: ConfabClient, conversationId: string) =>
    (await client.history(conversationId, { after: 0, limit: 50 })).items.filter((m) => m.kind === 'encrypted').map((m) => m.body);

  it('reads the conversation on the next load with the same KeyPackage, then forgets that KeyPackage', async () => {
    const kept = memoryCryptoStore();
    const bobName = uniqueName('jb');
    const { store, state } = cuttingAt(kept, 'group:');
    const bob = new ConfabClient({ baseUrl: t.url, crypto: { store } });
    const { user } = await bob.register({ username: bobName, password });
    await bob.enableEncryption({ deviceName: 'browser' });
    expect(await keyPackagesKept(kept)).toBe(KEY_PACKAGE_POOL + 1);

    const alice = new ConfabClient({ baseUrl: t.url, crypto: { store: memoryCryptoStore() } });
    await alice.register({ username: uniqueName('ja'), password });
    await alice.enableEncryption({ deviceName: 'script' });
    const group = await alice.createGroup('Sealed', [user.id], { encrypted: true });
    await alice.sendMessage(group.id, 'read after the reload');

    // The first read joins from the Welcome and is cut as it keeps the group.
    await expect(texts(bob, group.id)).rejects.toThrow('the page was closed');
    expect(state.cut).toBe(true);
    expect(await kept.get(`group:${group.id}`)).toBeUndefined();
    expect(await keyPackagesKept(kept)).toBe(KEY_PACKAGE_POOL + 1);

    // The reload: a new client on the same store joins from the same Welcome and reads.
    const reloaded = new ConfabClient({ baseUrl: t.url, crypto: { store: kept } });
    await reloaded.login({ username: bobName, password });
    expect(await texts(reloaded, group.id)).toEqual(['read after the reload']);
    expect(await kept.get(`group:${group.id}`)).toBeDefined();
    // The single-use KeyPackage it joined with is gone now (the last-resort one stays).
    expect(await keyPackagesKept(kept)).toBe(KEY_PACKAGE_POOL);
    await alice.sendMessage(group.id, 'and after');
    expect(await texts(reloaded, group.id)).toEqual(['read after the reload', 'and after']);
  });

  it('leaves a Welcome, or a commit, to the next read when its credential checks cannot reach the server', async () => {
    // The connection drops while it is armed, at every read of users' device lists (the join's
    // credential checks read the members' lists in one request, and each alone after a failure).
    let drop = false;
    let dropped = 0;
    const dropping: typeof fetch = async (input, init) => {
      const path = new URL(input instanceof Request ? input.url : input).pathname;
      if (drop && (path === '/api/v1/users/devices/lookup' || /^\/api\/v1\/users\/[^/]+\/devices$/.test(path))) {
        dropped++;
        throw new TypeError('fetch failed: the network went away');
      }
      return fetch(input, init);
    };
    const bob = new ConfabClient({ baseUrl: t.url, fetch: dropping, crypto: { store: memoryCryptoStore() } });
    const { user } = await bob.register({ username: uniqueName('jd'), password });
    await bob.enableEncryption({ deviceName: 'browser' });
    const alice = new ConfabClient({ baseUrl: t.url, crypto: { store: memoryCryptoStore() } });
    await alice.register({ username: uniqueName('jc'), password });
    await alice.enableEncryption({ deviceName: 'script' });
    const group = await alice.createGroup('Sealed', [user.id], { encrypted: true });
    await alice.sendMessage(group.id, 'read once the network is back');

    drop = true;
    await expect(texts(bob, group.id)).rejects.toMatchObject({ code: 'network_error' });
    expect(dropped).toBeGreaterThan(0);
    drop = false;
    expect(await texts(bob, group.id)).toEqual(['read once the network is back']);

    // The same for a commit: one adding Carol, read while the lists cannot be read, is applied on
    // the next read (passed, it would have left Bob in the old epoch, reading nothing after it).
    const carol = new ConfabClient({ baseUrl: t.url, crypto: { store: memoryCryptoStore() } });
    const carolId = (await carol.register({ username: uniqueName('je'), password })).user.id;
    await carol.enableEncryption({ deviceName: 'phone' });
    await alice.addMember(group.id, carolId);
    await alice.sendMessage(group.id, 'after Carol came in');
    drop = true;
    dropped = 0;
    await expect(texts(bob, group.id)).rejects.toMatchObject({ code: 'network_error' });
    expect(dropped).toBeGreaterThan(0);
    drop = false;
    expect(await texts(bob, group.id)).toEqual(['read once the network is back', 'after Carol came in']);
  });
});
