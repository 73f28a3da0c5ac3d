import { describe, expect, it } from 'vitest';
import { cryptoStoreCases } from './crypto-store.cases.js';
import { memoryCryptoStore } from './crypto-store.js';

// The same cases run on the IndexedDB store in Chromium: packages/web/test/crypto-store.browser.test.ts.
describe('memoryCryptoStore', () => {
  for (const c of cryptoStoreCases) it(c.name, async () => expect(await c.run(memoryCryptoStore())).toEqual(c.expected));
});
