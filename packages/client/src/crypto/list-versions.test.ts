import { describe, expect, it } from 'vitest';
import { memoryCryptoStore } from './crypto-store.js';
import { EncryptionError } from './encryption-error.js';
import { admitListVersion, keptListVersion } from './list-versions.js';

describe('admitListVersion', () => {
  it('keeps the highest version per user, accepts the same again, and refuses a lower one of the same key', async () => {
    const store = memoryCryptoStore();
    await admitListVersion(store, 'u1', { identityKey: 'k1', version: 3 });
    await admitListVersion(store, 'u1', { identityKey: 'k1', version: 3 });
    await admitListVersion(store, 'u1', { identityKey: 'k1', version: 5 });
    const refused = admitListVersion(store, 'u1', { identityKey: 'k1', version: 4 });
    await expect(refused).rejects.toBeInstanceOf(EncryptionError);
    await expect(refused).rejects.toMatchObject({ code: 'rolled_back_list', message: expect.stringContaining('version 4') });
    // The refusal keeps what was kept; another user's versions are their own.
    expect(await keptListVersion(store, 'u1')).toEqual({ identityKey: 'k1', version: 5 });
    await admitListVersion(store, 'u2', { identityKey: 'k9', version: 1 });
    expect(await keptListVersion(store, 'u2')).toEqual({ identityKey: 'k9', version: 1 });
  });

  it('compares only lists of one identity key: a new key starts anew (the `changed` path), and its own rollback is refused', async () => {
    const store = memoryCryptoStore();
    await admitListVersion(store, 'u', { identityKey: 'old', version: 7 });
    await admitListVersion(store, 'u', { identityKey: 'new', version: 1 });
    expect(await keptListVersion(store, 'u')).toEqual({ identityKey: 'new', version: 1 });
    await admitListVersion(store, 'u', { identityKey: 'new', version: 2 });
    await expect(admitListVersion(store, 'u', { identityKey: 'new', version: 1 })).rejects.toMatchObject({ code: 'rolled_back_list' });
  });

  it('holds under concurrent reads: the kept version never goes down', async () => {
    const store = memoryCryptoStore();
    const versions = [4, 2, 9, 1, 6, 9, 3];
    const outcomes = await Promise.allSettled(versions.map((version) => admitListVersion(store, 'u', { identityKey: 'k', version })));
    expect(await keptListVersion(store, 'u')).toEqual({ identityKey: 'k', version: 9 });
    // Each checked against what the ones before it kept (in the order they reached the store).
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'rejected', 'fulfilled', 'rejected', 'rejected', 'fulfilled', 'rejected']);
  });

  it('reads nothing kept as nothing, and a value of another shape as nothing', async () => {
    const store = memoryCryptoStore();
    expect(await keptListVersion(store, 'u')).toBeUndefined();
    await store.put('list-version:u', new TextEncoder().encode('{"version":"x"}'));
    expect(await keptListVersion(store, 'u')).toBeUndefined();
    await admitListVersion(store, 'u', { identityKey: 'k', version: 1 });
    expect(await keptListVersion(store, 'u')).toEqual({ identityKey: 'k', version: 1 });
  });
});
