import type { CryptoStore } from './crypto-store.js';

/**
 * A commit this device sent whose outcome it does not know yet, kept in the `CryptoStore` before
 * the commit is posted (issue 39: a server killed, or a page closed, between a commit being stored
 * and its answer, or between the commit and its Welcome). Without it the device would lose the
 * state after its own commit (MLS cannot process one's own commit from the order) and the added
 * devices would never get their Welcome. With it, the next time the conversation's order is
 * applied the device finds its commit there by `clientId` and takes this state, or posts the
 * commit again with the same `clientId` if it was never stored; then posts the Welcome, again
 * under one `clientId`, so a retry is answered with the stored one and nothing is doubled.
 */
export interface PendingCommitRecord {
  /** The commit's `clientId`: how it is found in the order, and what makes a re-post idempotent. */
  clientId: string;
  /** The epoch it was made in. */
  epoch: number;
  /** An external commit (a device joining by itself) has no group state before it. */
  external: boolean;
  /** The `mls` of the commit as posted (base64url fields). */
  commit: { ciphertext: string; groupInfo: string };
  /** The group state after the commit (the engine's bytes, base64url). */
  group: string;
  /** The Welcome for the added devices, posted once the commit is ordered. */
  welcome?: { clientId: string; ciphertext: string; epoch: number; devices: string[] };
  /** The commit's seq once it is known to be ordered (the Welcome may still be unsent). */
  orderedAt?: number;
}

const key = (conversationId: string) => `pending-commit:${conversationId}`;

export async function keepPendingCommit(store: CryptoStore, conversationId: string, record: PendingCommitRecord): Promise<void> {
  await store.put(key(conversationId), new TextEncoder().encode(JSON.stringify(record)));
}

export async function pendingCommitOf(store: CryptoStore, conversationId: string): Promise<PendingCommitRecord | undefined> {
  const bytes = await store.get(key(conversationId));
  return bytes && (JSON.parse(new TextDecoder().decode(bytes)) as PendingCommitRecord);
}

export async function dropPendingCommit(store: CryptoStore, conversationId: string): Promise<void> {
  await store.delete(key(conversationId));
}

/**
 * People being added whose devices may not be committed in yet: kept before their KeyPackages are
 * claimed, dropped once the commit adding them is ordered. A crash between the claim and the
 * commit (the commit never made or never sent) would otherwise leave them members of the
 * conversation whose devices are in no group, with nothing to notice it: the next `apply` adds them.
 */
const addsKey = (conversationId: string) => `pending-adds:${conversationId}`;

export async function pendingAddsOf(store: CryptoStore, conversationId: string): Promise<string[]> {
  const bytes = await store.get(addsKey(conversationId));
  return bytes ? (JSON.parse(new TextDecoder().decode(bytes)) as string[]) : [];
}

export async function keepPendingAdd(store: CryptoStore, conversationId: string, userId: string): Promise<void> {
  const adds = new Set([...(await pendingAddsOf(store, conversationId)), userId]);
  await store.put(addsKey(conversationId), new TextEncoder().encode(JSON.stringify([...adds])));
}

export async function dropPendingAdd(store: CryptoStore, conversationId: string, userId: string): Promise<void> {
  const adds = (await pendingAddsOf(store, conversationId)).filter((id) => id !== userId);
  if (adds.length === 0) await store.delete(addsKey(conversationId));
  else await store.put(addsKey(conversationId), new TextEncoder().encode(JSON.stringify(adds)));
}
