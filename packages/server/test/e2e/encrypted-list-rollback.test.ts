import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SignedDeviceListPayload } from '@confab/protocol';
import { ConfabClient, memoryCryptoStore } from '@confab/client';
import { engines } from '../engines.js';
import { NodeWebSocket, type TestServer, uniqueName } from '../harness.js';

/**
 * Issue 39: a device list never goes back. Each device keeps the highest signed list version it
 * verified per user (crypto/list-versions.ts), so a server that serves an older list of the same
 * identity key (one still naming a revoked device as active) is refused with `rolled_back_list`.
 * The server here is honest; the test makes it lie by answering Bob's read of Alice's devices with
 * the answer it gave before the revocation, signature and all.
 */
describe.each(await engines())('a rolled-back device list on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const PASSWORD = 'correct horse battery';
  /** A client whose reads of `/users/:id/devices` can be answered with an earlier answer (`replay`). */
  const client = () => {
    const replay = new Map<string, string>();
    const seen = new Map<string, string>();
    const lying: typeof fetch = async (input, init) => {
      const path = new URL(input instanceof Request ? input.url : String(input)).pathname;
      const old = (init?.method ?? 'GET') === 'GET' ? replay.get(path) : undefined;
      if (old !== undefined) return new Response(old, { status: 200, headers: { 'content-type': 'application/json' } });
      const answer = await fetch(input, init);
      if (path.endsWith('/devices') && answer.ok) seen.set(path, await answer.clone().text());
      return answer;
    };
    const c = new ConfabClient({ baseUrl: t.url, fetch: lying, crypto: { store: memoryCryptoStore() }, WebSocket: NodeWebSocket });
    return { c, replay, seen };
  };
  const person = async (prefix: string) => {
    const username = uniqueName(prefix);
    const me = client();
    const auth = await me.c.register({ username, password: PASSWORD });
    await me.c.enableEncryption({ deviceName: 'laptop' });
    return { ...me, username, id: auth.user.id };
  };

  it('refuses an older list of the same identity key than one verified, which still names a revoked device as active', async () => {
    const alice = await person('la');
    const phone = client();
    await phone.c.login({ username: alice.username, password: PASSWORD });
    const request = await phone.c.deviceLinks.request('phone');
    const completed = phone.c.deviceLinks.complete(request.id, { deviceName: 'phone', pollMs: 50 });
    await alice.c.deviceLinks.approve(request.id);
    await completed;
    const phoneSelf = await phone.c.encryption.self();
    const key = phoneSelf.signaturePublicKey;
    const bob = await person('lb');
    const path = `/api/v1/users/${alice.id}/devices`;

    // Bob verifies Alice's list naming the phone, and keeps what the server answered.
    expect(await bob.c.encryption.trusts(phoneSelf, key)).toBe(true);
    const before = bob.seen.get(path)!;
    const oldVersion = (JSON.parse(JSON.parse(before).identity.deviceList) as SignedDeviceListPayload).version;

    // Alice revokes the phone: her next list keeps it as revoked, and Bob reads that one.
    await alice.c.revokeDevice(phoneSelf.deviceId);
    expect(await bob.c.encryption.trusts(phoneSelf, key)).toBe(false);
    const now = JSON.parse(JSON.parse(bob.seen.get(path)!).identity.deviceList) as SignedDeviceListPayload;
    expect(now.version).toBeGreaterThan(oldVersion);

    // The server serves Bob the list of before (validly signed, the phone active): refused, not trusted.
    bob.replay.set(path, before);
    await expect(bob.c.encryption.trusts(phoneSelf, key)).rejects.toMatchObject({
      name: 'EncryptionError',
      code: 'rolled_back_list',
    });
    // Alice's laptop is refused too while the list is old: nothing is read from a rolled-back list.
    const laptopSelf = await alice.c.encryption.self();
    await expect(bob.c.encryption.trusts(laptopSelf, laptopSelf.signaturePublicKey)).rejects.toMatchObject({ code: 'rolled_back_list' });

    // A device that never verified the newer list cannot tell: the same answer passes there (the rule is what was seen).
    const carol = await person('lc');
    carol.replay.set(path, before);
    expect(await carol.c.encryption.trusts(phoneSelf, key)).toBe(true);

    // Served the current list again, Bob reads it as before: the phone revoked, the laptop trusted.
    bob.replay.delete(path);
    expect(await bob.c.encryption.trusts(phoneSelf, key)).toBe(false);
    expect(await bob.c.encryption.trusts(laptopSelf, laptopSelf.signaturePublicKey)).toBe(true);
  });
});
