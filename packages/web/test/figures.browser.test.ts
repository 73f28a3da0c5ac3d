import type { CDPSession, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { NodeWebSocket, newClient } from '../../server/test/harness.js';
import { type WebHarness, describeBrowser, openContext, startWebHarness } from './browser.js';

/**
 * The figures, measured on the production build against a local server:
 * CONFAB_WEB_FIGURES=1 npx vitest run packages/web/test/figures.browser.test.ts
 * (minutes: it writes 15,000 messages). Prints one JSON line per figure.
 */
const enabled = process.env.CONFAB_WEB_FIGURES === '1';
const password = 'correct horse battery';

/** One figure, as a JSON line on stdout (what this file is for). */
function report(figure: Record<string, unknown>): void {
  // eslint-disable-next-line no-console
  console.log(JSON.stringify(figure));
}

/** Long tasks (over 50 ms) the page records from now on. */
async function watchLongTasks(page: Page): Promise<void> {
  await page.evaluate(() => {
    const w = window as unknown as { __long: number[] };
    w.__long = [];
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__long.push(entry.duration);
    }).observe({ type: 'longtask', buffered: false });
  });
}
const longTasks = (page: Page) => page.evaluate(() => (window as unknown as { __long: number[] }).__long);

async function heapMb(cdp: CDPSession): Promise<number> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  return Math.round((usedSize / 1_048_576) * 10) / 10;
}

describeBrowser('figures of the web app', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    if (enabled) harness = await startWebHarness({ RATE_LIMITS: 'off' });
  }, 120_000);
  afterAll(async () => harness?.close());

  const signIn = async (page: Page, username: string) => {
    await page.goto('/sign-in');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
  };

  it.runIf(enabled)(
    'measures the list paint, scrolling 10,000 messages and memory after 5,000 live ones',
    async () => {
      const alice = newClient(harness.url);
      const bob = new (await import('@confab/client')).ConfabClient({ baseUrl: harness.url, WebSocket: NodeWebSocket });
      const me = (await alice.register({ username: 'figures_alice', password })).user;
      const other = (await bob.register({ username: 'figures_bob', password })).user;
      for (let i = 0; i < 20; i++) await alice.createGroup(`Group ${i}`, [other.id]);
      const big = await alice.openDirect(other.id);
      const socket = bob.connect();
      await socket.ready();
      const sendMany = async (conversationId: string, n: number, prefix: string) => {
        for (let i = 0; i < n; i += 200) {
          await Promise.all(
            Array.from({ length: Math.min(200, n - i) }, (_, k) => socket.send(conversationId, `${prefix} ${i + k + 1}: a line of text`)),
          );
        }
      };
      await sendMany(big.id, 10_000, 'old');

      const { context, page } = await openContext(harness);
      await signIn(page, 'figures_alice');
      // The list, painted after a navigation (a reload: the app starts from nothing).
      await page.reload();
      await page.getByRole('link', { name: /Group 19/ }).waitFor();
      const listPaintMs = await page.evaluate(() => Math.round(performance.now()));
      report({ figure: 'conversation list painted after navigation', ms: listPaintMs, conversations: 21 });

      // Scroll to the top of 10,000 messages (15 a page), then down through all of them.
      await page.goto(`/c/${big.id}`);
      const log = page.getByRole('log', { name: 'Messages' });
      await log.getByText('old 10000:').waitFor();
      await watchLongTasks(page);
      const started = Date.now();
      while (!(await log.getByText('This is the beginning of the conversation.').isVisible())) {
        await log.evaluate((el) => el.scrollBy(0, -4000));
        await page.waitForTimeout(16); // one frame: a person's wheel, not a busy loop
      }
      const upSeconds = (Date.now() - started) / 1000;
      const loading = await longTasks(page);
      const loaded = await page.evaluate(() => document.querySelectorAll('[data-seq]').length);
      await watchLongTasks(page);
      for (let i = 0; i < 400; i++) {
        await log.evaluate((el) => el.scrollBy(0, 2000));
        await page.waitForTimeout(16);
      }
      const tasks = await longTasks(page);
      report({
        figure: 'scrolling a 10,000-message conversation',
        upToFirstSeconds: upSeconds,
        whileLoadingPages: { longTasksOver50ms: loading.length, longestTaskMs: Math.round(Math.max(0, ...loading)) },
        rowsInDom: loaded,
        scrollingDownThroughAll: { longTasksOver50ms: tasks.length, longestTaskMs: Math.round(Math.max(0, ...tasks)) },
      });

      // Memory after 5,000 messages arrive live in the open conversation.
      const cdp = await context.newCDPSession(page);
      const live = await alice.createGroup('Live', [other.id]);
      await page.goto(`/c/${live.id}`);
      await page.getByRole('heading', { level: 2, name: 'Live' }).waitFor();
      const before = await heapMb(cdp);
      await sendMany(live.id, 5000, 'live');
      await log.getByText('live 5000:').waitFor({ timeout: 120_000 });
      const after = await heapMb(cdp);
      const rows = await page.evaluate(() => document.querySelectorAll('[data-seq]').length);
      report({ figure: 'JS heap after 5,000 live messages', beforeMb: before, afterMb: after, rowsInDom: rows });
      expect(after).toBeGreaterThan(0);
      socket.close();
      await context.close();
      void me;
    },
    900_000,
  );
});
