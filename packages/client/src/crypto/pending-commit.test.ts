import { describe, expect, it } from 'vitest';
import { memoryCryptoStore } from './crypto-store.js';
import {
  type PendingCommitRecord,
  dropPendingAdd,
  dropPendingCommit,
  keepPendingAdd,
  keepPendingCommit,
  pendingAddsOf,
  pendingCommitOf,
} from './pending-commit.js';

// Over a real server killed at each step: packages/server/test/e2e/encrypted-crash.test.ts.
describe('pending commits and adds kept on the device', () => {
  const record: PendingCommitRecord = {
    clientId: 'c1',
    epoch: 3,
    external: false,
    commit: { ciphertext: 'AAAA', groupInfo: 'BBBB' },
    group: 'CCCC',
    welcome: { clientId: 'w1', ciphertext: 'DDDD', epoch: 4, devices: ['dev_a'] },
  };

  it('keeps one commit per conversation, as it was, until dropped', async () => {
    const store = memoryCryptoStore();
    expect(await pendingCommitOf(store, 'conv1')).toBeUndefined();
    await keepPendingCommit(store, 'conv1', record);
    await keepPendingCommit(store, 'conv1', { ...record, orderedAt: 9 });
    expect(await pendingCommitOf(store, 'conv1')).toEqual({ ...record, orderedAt: 9 });
    expect(await pendingCommitOf(store, 'conv2')).toBeUndefined();
    await dropPendingCommit(store, 'conv1');
    expect(await pendingCommitOf(store, 'conv1')).toBeUndefined();
    expect(await store.keys('')).toEqual([]);
  });

  it('keeps each person being added once, and nothing once the last is dropped', async () => {
    const store = memoryCryptoStore();
    await keepPendingAdd(store, 'conv1', 'u1');
    await keepPendingAdd(store, 'conv1', 'u2');
    await keepPendingAdd(store, 'conv1', 'u1');
    await keepPendingAdd(store, 'conv2', 'u3');
    expect(await pendingAddsOf(store, 'conv1')).toEqual(['u1', 'u2']);
    await dropPendingAdd(store, 'conv1', 'u1');
    expect(await pendingAddsOf(store, 'conv1')).toEqual(['u2']);
    await dropPendingAdd(store, 'conv1', 'u2');
    await dropPendingAdd(store, 'conv1', 'u9');
    expect(await pendingAddsOf(store, 'conv1')).toEqual([]);
    expect(await store.keys('')).toEqual(['pending-adds:conv2']);
  });
});
