import { describe, expect, it } from 'vitest';
import { memoryCryptoStore } from './crypto-store.js';
import { type VerificationChange, Verifications } from './verification.js';

// Over the server, with two SDK clients and a reset identity: packages/server/test/e2e/verification.test.ts.
describe('verification of people on a device', () => {
  const setUp = () => {
    const store = memoryCryptoStore();
    const verifications = new Verifications(store);
    const changes: VerificationChange[] = [];
    verifications.onChange((change) => changes.push(change));
    return { store, verifications, changes };
  };

  it('trusts the first key seen, unverified, and announces nothing', async () => {
    const { verifications, changes } = setUp();
    expect(await verifications.known('bob')).toBe('unverified');
    expect(await verifications.observe('bob', 'K1')).toBe('unverified');
    expect(await verifications.observe('bob', 'K1')).toBe('unverified');
    expect(changes).toEqual([]);
  });

  it('a first-seen key that changes is `changed`, announced once however often it is seen', async () => {
    const { verifications, changes } = setUp();
    await verifications.observe('bob', 'K1');
    expect(await verifications.observe('bob', 'K2')).toBe('changed');
    expect(await verifications.observe('bob', 'K2')).toBe('changed');
    expect(await verifications.known('bob')).toBe('changed');
    expect(changes).toEqual([{ userId: 'bob', state: 'changed', identityKey: 'K2' }]);
    // A third key is a change again.
    expect(await verifications.observe('bob', 'K3')).toBe('changed');
    expect(changes.map((c) => c.identityKey)).toEqual(['K2', 'K3']);
  });

  it('two looks at once at a new key announce it once', async () => {
    const { verifications, changes } = setUp();
    await verifications.observe('bob', 'K1');
    expect(await Promise.all([verifications.observe('bob', 'K2'), verifications.observe('bob', 'K2')])).toEqual(['changed', 'changed']);
    expect(changes).toHaveLength(1);
  });

  it('verify, key change → changed, verify again → verified', async () => {
    const { verifications, changes } = setUp();
    await verifications.observe('bob', 'K1');
    await verifications.markVerified('bob', 'K1');
    expect(await verifications.observe('bob', 'K1')).toBe('verified');
    expect(await verifications.observe('bob', 'K2')).toBe('changed');
    // Never silently: the new key stays a warning until someone verifies it.
    expect(await verifications.observe('bob', 'K2')).toBe('changed');
    await verifications.markVerified('bob', 'K2');
    expect(await verifications.observe('bob', 'K2')).toBe('verified');
    expect(await verifications.known('bob')).toBe('verified');
    expect(changes.map((c) => [c.state, c.identityKey])).toEqual([
      ['verified', 'K1'],
      ['changed', 'K2'],
      ['verified', 'K2'],
    ]);
  });

  it('a verified person whose key comes back to the verified one is verified again, and told', async () => {
    const { verifications, changes } = setUp();
    await verifications.markVerified('bob', 'K1');
    await verifications.observe('bob', 'K2');
    expect(await verifications.observe('bob', 'K1')).toBe('verified');
    expect(changes.map((c) => c.state)).toEqual(['verified', 'changed', 'verified']);
  });

  it('withdrawing a verification keeps the key as first seen', async () => {
    const { verifications } = setUp();
    await verifications.markVerified('bob', 'K1');
    await verifications.markUnverified('bob', 'K1');
    expect(await verifications.observe('bob', 'K1')).toBe('unverified');
    expect(await verifications.observe('bob', 'K2')).toBe('changed');
  });

  it('is kept in the store: another client on the same store (a tab, a reload) reads the same, people apart', async () => {
    const { store, verifications } = setUp();
    await verifications.markVerified('bob', 'K1');
    await verifications.observe('carol', 'C1');
    await verifications.observe('carol', 'C2');
    const again = new Verifications(store);
    expect(await again.observe('bob', 'K1')).toBe('verified');
    expect(await again.known('carol')).toBe('changed');
    expect(await again.known('dan')).toBe('unverified');
    expect((await store.keys('verification:')).sort()).toEqual(['verification:bob', 'verification:carol']);
  });

  it('stops calling a handler once it is removed', async () => {
    const { verifications } = setUp();
    const seen: string[] = [];
    const off = verifications.onChange((c) => seen.push(c.state));
    await verifications.markVerified('bob', 'K1');
    off();
    await verifications.observe('bob', 'K2');
    expect(seen).toEqual(['verified']);
  });
});
