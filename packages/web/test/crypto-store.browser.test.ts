import { readFileSync } from 'node:fs';
import ts from 'typescript';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { cryptoStoreCases } from '../../client/src/crypto/crypto-store.cases.js';
import type { indexedDbCryptoStore } from '../../client/src/crypto/indexeddb-crypto-store.js';
import { type WebHarness, describeBrowser, openContext, startWebHarness } from './browser.js';

/**
 * The SDK's IndexedDB `CryptoStore` in real Chromium: the shared cases that `memoryCryptoStore()`
 * passes in Node (packages/client/src/crypto/crypto-store.cases.ts), each on a fresh database,
 * then what only a browser store has: values outlive a reload, and each user's database is apart.
 * The two modules are served as JavaScript on the harness's origin (IndexedDB needs one).
 */
// The page loads both modules and hands them to the test as `window.storeTest` (an import written
// inside page.evaluate would be rewritten by vitest's transform).
const PAGE = `<!doctype html><title>store</title><script type="module">
  import { indexedDbCryptoStore } from './indexeddb-crypto-store.js';
  import { cryptoStoreCases } from './crypto-store.cases.js';
  window.storeTest = { indexedDbCryptoStore, cryptoStoreCases };
</script>`;
type StoreTest = {
  indexedDbCryptoStore: typeof indexedDbCryptoStore;
  cryptoStoreCases: typeof cryptoStoreCases;
};
const source = (name: string) =>
  ts.transpileModule(readFileSync(new URL(`../../client/src/crypto/${name}.ts`, import.meta.url), 'utf8'), {
    compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
  }).outputText;

describeBrowser('IndexedDB crypto store (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  async function storePage() {
    const { context, page } = await openContext(harness);
    await context.route('**/__crypto-store/**', async (route) => {
      const name = new URL(route.request().url()).pathname.split('/').pop()!;
      if (name === 'index.html') return route.fulfill({ contentType: 'text/html', body: PAGE });
      return route.fulfill({ contentType: 'text/javascript', body: source(name.replace(/\.js$/, '')) });
    });
    await page.goto('/__crypto-store/index.html');
    await page.waitForFunction(() => 'storeTest' in window);
    return { context, page };
  }

  it('passes the shared CryptoStore cases', async () => {
    const { context, page } = await storePage();
    for (const [index, c] of cryptoStoreCases.entries()) {
      const observed = await page.evaluate(async (index) => {
        const { indexedDbCryptoStore, cryptoStoreCases } = (window as unknown as { storeTest: StoreTest }).storeTest;
        return cryptoStoreCases[index]!.run(indexedDbCryptoStore(`case-${index}`));
      }, index);
      expect(observed, c.name).toEqual(c.expected);
    }
    await context.close();
  });

  it('keeps values across a reload, one database per user', async () => {
    const { context, page } = await storePage();
    const use = (script: string) =>
      page.evaluate(
        async ({ script }) => {
          const { indexedDbCryptoStore } = (window as unknown as { storeTest: StoreTest }).storeTest;
          const alice = indexedDbCryptoStore(async () => 'confab-crypto:alice');
          const bob = indexedDbCryptoStore('confab-crypto:bob');
          if (script === 'write') {
            await alice.put('device', new Uint8Array([1, 2]));
            await bob.put('device', new Uint8Array([3]));
          }
          return { alice: [...((await alice.get('device')) ?? [])], bob: [...((await bob.get('device')) ?? [])] };
        },
        { script },
      );
    expect(await use('write')).toEqual({ alice: [1, 2], bob: [3] });
    await page.reload();
    await page.waitForFunction(() => 'storeTest' in window);
    expect(await use('read')).toEqual({ alice: [1, 2], bob: [3] });
    await context.close();
  });
});
