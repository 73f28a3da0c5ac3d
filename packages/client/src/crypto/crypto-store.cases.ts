import type { CryptoStore } from './crypto-store.js';

/**
 * What every `CryptoStore` does, written once and run on each one: `memoryCryptoStore()` in
 * Node (crypto-store.test.ts), the IndexedDB store in Chromium (packages/web/test). Each case
 * drives a fresh store and returns what it observed as plain JSON (it crosses into a browser
 * page and back), which the test compares with `expected`.
 */
export interface CryptoStoreCase {
  name: string;
  run(store: CryptoStore): Promise<unknown>;
  expected: unknown;
}

const bytes = (...values: number[]) => new Uint8Array(values);
const list = (value: Uint8Array | undefined) => (value ? [...value] : null);

export const cryptoStoreCases: CryptoStoreCase[] = [
  {
    name: 'a missing key reads as nothing',
    run: async (store) => ({ value: list(await store.get('group:none')), keys: await store.keys('') }),
    expected: { value: null, keys: [] },
  },
  {
    name: 'a put value is read back, and a second put replaces it',
    run: async (store) => {
      await store.put('device', bytes(1, 2, 3));
      const first = list(await store.get('device'));
      await store.put('device', bytes(9));
      return { first, second: list(await store.get('device')) };
    },
    expected: { first: [1, 2, 3], second: [9] },
  },
  {
    name: 'a kept value is a copy: changing the buffer put, or the one read, changes nothing kept',
    run: async (store) => {
      const buffer = bytes(1, 2, 3);
      await store.put('identity', buffer);
      buffer[0] = 7;
      const read = await store.get('identity');
      read![1] = 8;
      return list(await store.get('identity'));
    },
    expected: [1, 2, 3],
  },
  {
    name: 'an empty value is kept as empty, not as missing',
    run: async (store) => {
      await store.put('empty', bytes());
      return list(await store.get('empty'));
    },
    expected: [],
  },
  {
    name: 'delete forgets a key, and deleting a missing key is no error',
    run: async (store) => {
      await store.put('sent:a', bytes(1));
      await store.delete('sent:a');
      await store.delete('sent:never');
      return { value: list(await store.get('sent:a')), keys: await store.keys('sent:') };
    },
    expected: { value: null, keys: [] },
  },
  {
    name: 'keys lists exactly the keys that start with the prefix',
    run: async (store) => {
      for (const key of ['group:c1', 'group:c2', 'groups', 'group', 'plain:c1:1', 'key-package:ab', 'group:c1:x'])
        await store.put(key, bytes(1));
      return {
        groups: (await store.keys('group:')).sort(),
        all: (await store.keys('')).length,
        none: await store.keys('nothing:'),
      };
    },
    expected: { groups: ['group:c1', 'group:c1:x', 'group:c2'], all: 7, none: [] },
  },
  {
    name: 'a large value (an MLS state of many members) is kept whole',
    run: async (store) => {
      const large = new Uint8Array(256 * 1024).map((_, i) => i % 251);
      await store.put('group:big', large);
      const read = await store.get('group:big');
      return { length: read?.length, same: read?.every((b, i) => b === i % 251) };
    },
    expected: { length: 256 * 1024, same: true },
  },
  {
    name: 'concurrent puts of different keys all land',
    run: async (store) => {
      await Promise.all(Array.from({ length: 20 }, (_, i) => store.put(`plain:c:${i}`, bytes(i))));
      const values = await Promise.all(Array.from({ length: 20 }, (_, i) => store.get(`plain:c:${i}`)));
      return { keys: (await store.keys('plain:c:')).length, values: values.map((v) => v?.[0]) };
    },
    expected: { keys: 20, values: Array.from({ length: 20 }, (_, i) => i) },
  },
  {
    name: 'update reads and replaces one value in one step, answers what was kept before, and leaves it when told to',
    run: async (store) => {
      const seen: (number[] | null)[] = [];
      const first = await store.update('list-version:u', (kept) => (seen.push(list(kept)), bytes(1)));
      const left = await store.update('list-version:u', (kept) => (seen.push(list(kept)), undefined));
      // Concurrent raises to the highest, each deciding from the value the one before it kept: none is lost.
      await Promise.all(
        [5, 3, 9, 2, 7].map((n) => store.update('list-version:u', (kept) => ((kept?.[0] ?? 0) < n ? bytes(n) : undefined))),
      );
      return { seen, first: list(first), left: list(left), now: list(await store.get('list-version:u')) };
    },
    expected: { seen: [null, [1]], first: null, left: [1], now: [9] },
  },
];
