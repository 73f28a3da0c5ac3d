import type { CryptoStore } from './crypto-store.js';

const VALUES = 'values';

/**
 * The browser's `CryptoStore` (issue 39, decision 0027): one IndexedDB database per user, one
 * object store of byte values by key, so a device's keys and MLS state outlive a reload. The same
 * behaviour as `memoryCryptoStore()` (the shared cases in `crypto-store.cases.ts` run on both).
 * `database` may be a promise-returning function: the SDK's browser default learns the signed-in
 * user only on first use. Each call is one transaction; several tabs share the database, and
 * `EncryptedConversations` serialises the work on one conversation across them with Web Locks.
 */
export function indexedDbCryptoStore(database: string | (() => Promise<string>)): CryptoStore {
  let opened: Promise<IDBDatabase> | undefined;
  const db = () =>
    (opened ??= (typeof database === 'string' ? Promise.resolve(database) : database()).then(openDatabase)).catch((error: unknown) => {
      // A failed open (the user not known yet) is tried again on the next call.
      opened = undefined;
      throw error;
    });
  const run = async <T>(mode: IDBTransactionMode, request: (values: IDBObjectStore) => IDBRequest<T>): Promise<T> => {
    const transaction = (await db()).transaction(VALUES, mode);
    const answer = request(transaction.objectStore(VALUES));
    await done(transaction);
    return answer.result;
  };
  return {
    async get(key) {
      const value = await run<unknown>('readonly', (values) => values.get(key));
      return value instanceof Uint8Array ? value.slice() : undefined;
    },
    async put(key, value) {
      // A copy, so a caller that reuses its buffer does not change what was kept.
      await run('readwrite', (values) => values.put(value.slice(), key));
    },
    async delete(key) {
      await run('readwrite', (values) => values.delete(key));
    },
    async keys(prefix) {
      // Every key above `prefix` and below `prefix` + the highest code unit: the keys it starts.
      const range = IDBKeyRange.bound(prefix, `${prefix}\uffff`);
      const keys = await run('readonly', (values) => values.getAllKeys(range));
      return keys.map(String).filter((key) => key.startsWith(prefix));
    },
    async update(key, next) {
      // The read and the put in one readwrite transaction: IndexedDB runs no other on this store between them.
      const transaction = (await db()).transaction(VALUES, 'readwrite');
      const values = transaction.objectStore(VALUES);
      const read = values.get(key);
      let before: Uint8Array | undefined;
      read.onsuccess = () => {
        before = read.result instanceof Uint8Array ? read.result : undefined;
        const value = next(before?.slice());
        if (value !== undefined) values.put(value.slice(), key);
      };
      await done(transaction);
      return before?.slice();
    },
  };
}

function openDatabase(name: string): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const request = indexedDB.open(name, 1);
    request.onupgradeneeded = () => request.result.createObjectStore(VALUES);
    request.onsuccess = () => {
      const opened = request.result;
      // Another tab deleting or upgrading the database: let it, this tab opens it again when asked.
      opened.onversionchange = () => opened.close();
      resolve(opened);
    };
    request.onerror = () => reject(request.error ?? new Error(`IndexedDB ${name} could not be opened`));
    request.onblocked = () => reject(new Error(`IndexedDB ${name} is held open by an older version in another tab`));
  });
}

/** Resolves when the transaction commits (a put is durable only then), rejects when it aborts. */
function done(transaction: IDBTransaction): Promise<void> {
  return new Promise((resolve, reject) => {
    transaction.oncomplete = () => resolve();
    transaction.onabort = transaction.onerror = () => reject(transaction.error ?? new Error('IndexedDB transaction aborted'));
  });
}
