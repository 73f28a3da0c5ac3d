/**
 * Where a device keeps its secrets: its identity and device keys, the private halves of its
 * KeyPackages and each group's MLS state. Values are bytes the engine produced; the store only
 * keeps them. `memoryCryptoStore()` lives as long as the process (scripts, tests);
 * `indexedDbCryptoStore()` (indexeddb-crypto-store.ts) is the browser's, shared by its tabs.
 * Both pass the cases in crypto-store.cases.ts.
 */
export interface CryptoStore {
  get(key: string): Promise<Uint8Array | undefined>;
  put(key: string, value: Uint8Array): Promise<void>;
  delete(key: string): Promise<void>;
  /** Every key that starts with `prefix`, in no particular order. */
  keys(prefix: string): Promise<string[]>;
  /**
   * Reads and replaces one value in one step, so that no other caller (another tab) comes between:
   * `next` (synchronous) answers the value to keep, or undefined to leave it. Answers the value
   * kept before. (A rule that must never go back, as a device list's version: list-versions.ts.)
   */
  update(key: string, next: (kept: Uint8Array | undefined) => Uint8Array | undefined): Promise<Uint8Array | undefined>;
}

export function memoryCryptoStore(): CryptoStore {
  const values = new Map<string, Uint8Array>();
  return {
    async get(key) {
      const value = values.get(key);
      return value && value.slice();
    },
    async put(key, value) {
      // A copy, so a caller that reuses its buffer does not change what was kept.
      values.set(key, value.slice());
    },
    async delete(key) {
      values.delete(key);
    },
    async keys(prefix) {
      return [...values.keys()].filter((key) => key.startsWith(prefix));
    },
    async update(key, next) {
      const kept = values.get(key);
      const value = next(kept && kept.slice());
      if (value !== undefined) values.set(key, value.slice());
      return kept && kept.slice();
    },
  };
}
