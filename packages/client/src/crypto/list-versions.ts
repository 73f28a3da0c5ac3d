import type { CryptoStore } from './crypto-store.js';
import { EncryptionError } from './encryption-error.js';

/**
 * Signed device lists never go back (issue 39): this device keeps, per user, the highest list
 * `version` it has verified and the identity key that signed it, and refuses a list of that key
 * with a lower version (`rolled_back_list`). Otherwise a server could serve an older list that
 * still names a revoked device as active. A list of another identity key is not compared: a new
 * key is a reset, shown to the person as `changed` (verification.ts), and its versions start anew.
 * The same version again is accepted (the same list read twice).
 */

interface Kept {
  identityKey: string;
  version: number;
}

const KEY = (userId: string) => `list-version:${userId}`;

/** Checks a verified list's version against the highest kept for its user, and keeps it if higher. */
export async function admitListVersion(store: CryptoStore, userId: string, seen: Kept): Promise<void> {
  const before = await store.update(KEY(userId), (kept) => (raises(read(kept), seen) ? encode(seen) : undefined));
  const kept = read(before);
  if (kept && kept.identityKey === seen.identityKey && seen.version < kept.version) {
    throw new EncryptionError(
      'rolled_back_list',
      `The device list served for ${userId} (version ${seen.version}) is older than one already verified (version ${kept.version})`,
    );
  }
}

/** The highest version kept for the user, for its identity key; undefined before any. */
export async function keptListVersion(store: CryptoStore, userId: string): Promise<Kept | undefined> {
  return read(await store.get(KEY(userId)));
}

const raises = (kept: Kept | undefined, seen: Kept) => !kept || kept.identityKey !== seen.identityKey || seen.version > kept.version;
const encode = (kept: Kept) => new TextEncoder().encode(JSON.stringify(kept));

function read(bytes: Uint8Array | undefined): Kept | undefined {
  if (!bytes) return undefined;
  const value = JSON.parse(new TextDecoder().decode(bytes)) as Partial<Kept>;
  return typeof value.identityKey === 'string' && typeof value.version === 'number'
    ? { identityKey: value.identityKey, version: value.version }
    : undefined;
}
