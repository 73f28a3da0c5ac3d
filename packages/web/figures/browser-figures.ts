import type { BrowserContext, CDPSession, Page } from 'playwright-core';

/** What is measured in the page: long tasks (PerformanceObserver), and the moment the conversation list first shows an item. */
export const PAGE_PROBES = () => {
  const w = window as unknown as { __longTasks: number[]; __listPaintedAt?: number };
  w.__longTasks = [];
  new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) w.__longTasks.push(entry.duration);
  }).observe({ type: 'longtask', buffered: true });
  const watch = new MutationObserver(() => {
    if (w.__listPaintedAt !== undefined) return;
    if (!document.querySelector('nav[aria-label="Conversations"] a[href^="/c/"]')) return;
    // The frame after the DOM change is the one that paints it.
    w.__listPaintedAt = -1;
    requestAnimationFrame(() => setTimeout(() => (w.__listPaintedAt = performance.now()), 0));
  });
  watch.observe(document, { childList: true, subtree: true });
};

/** One load of the app, ms from navigation start: the list's first painted item, and the steps before it. */
export interface ListPaint {
  paintedMs: number;
  /** index.html parsed and the module script run (DOMContentLoaded fires after a module script ran). */
  domContentLoadedMs: number;
  /** The answers the list waits for: who I am, then the list's pages (the last one's end). */
  meResponseEndMs: number;
  listResponseEndMs: number;
}

/** The conversation list's first paint over `runs` fresh loads of the app. */
export async function listPaintTimes(context: BrowserContext, runs: number): Promise<ListPaint[]> {
  const times: ListPaint[] = [];
  for (let i = 0; i < runs; i++) {
    const page = await context.newPage();
    await page.goto('/');
    await page.waitForFunction(() => ((window as unknown as { __listPaintedAt?: number }).__listPaintedAt ?? -1) > 0, undefined, {
      timeout: 30_000,
    });
    times.push(
      await page.evaluate(() => {
        const resources = performance.getEntriesByType('resource') as PerformanceResourceTiming[];
        const end = (pattern: RegExp) => Math.max(0, ...resources.filter((r) => pattern.test(r.name)).map((r) => r.responseEnd));
        const navigation = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming;
        return {
          paintedMs: (window as unknown as { __listPaintedAt: number }).__listPaintedAt,
          domContentLoadedMs: navigation.domContentLoadedEventEnd,
          meResponseEndMs: end(/\/api\/v1\/users\/me$/),
          listResponseEndMs: end(/\/api\/v1\/conversations(\?|$)/),
        };
      }),
    );
    await page.close();
  }
  return times;
}

export const longTasks = (page: Page) => page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks.splice(0));

/** The number in the body of the first message rendered in the log ("… 17 of 10000"), or null. */
export const firstRenderedNumber = (page: Page) =>
  page.evaluate(() => {
    const log = document.querySelector('[role="log"]');
    const first = log?.querySelector('article');
    const match = /#(\d+) of/.exec(first?.textContent ?? '');
    return match ? Number(match[1]) : null;
  });

/**
 * Scrolls the log to its top again and again, letting the app load older pages (by its own
 * scroll handling, or its "older" button if it has one), until the first message shows or
 * `budgetMs` runs out. Returns the oldest number reached and the time it took.
 */
export async function loadAllHistory(page: Page, budgetMs: number): Promise<{ oldest: number | null; ms: number }> {
  const started = Date.now();
  let oldest = await firstRenderedNumber(page);
  while (oldest !== 1 && Date.now() - started < budgetMs) {
    await page.evaluate(() => {
      const log = document.querySelector('[role="log"]')!;
      log.scrollTop = 0;
      const button = [...log.querySelectorAll('button')].find((b) => /older/i.test(b.textContent ?? ''));
      if (button && !(button as HTMLButtonElement).disabled) (button as HTMLButtonElement).click();
    });
    await page
      .waitForFunction(
        (before) => {
          const first = document.querySelector('[role="log"] article');
          const match = /#(\d+) of/.exec(first?.textContent ?? '');
          return match !== null && Number(match[1]) !== before;
        },
        oldest,
        { timeout: 5_000, polling: 'raf' },
      )
      .catch(() => undefined);
    oldest = await firstRenderedNumber(page);
  }
  return { oldest, ms: Date.now() - started };
}

/** Wheels down through the log from its top to its bottom, `step` pixels a notch, as a person scrolling fast would. */
export async function wheelThrough(page: Page, step = 800): Promise<{ notches: number; ms: number }> {
  const box = await page.locator('[role="log"]').boundingBox();
  if (!box) throw new Error('no log on the page');
  await page.evaluate(() => (document.querySelector('[role="log"]')!.scrollTop = 0));
  await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2);
  const started = Date.now();
  let notches = 0;
  for (;;) {
    await page.mouse.wheel(0, step);
    notches++;
    if (notches % 20 === 0) {
      const atBottom = await page.evaluate(() => {
        const log = document.querySelector('[role="log"]')!;
        return log.scrollTop + log.clientHeight >= log.scrollHeight - 2;
      });
      if (atBottom) break;
    }
  }
  return { notches, ms: Date.now() - started };
}

/** The page's JavaScript heap after a full collection, and its DOM size. */
export async function pageMemory(cdp: CDPSession): Promise<{ heapUsedBytes: number; domNodes: number }> {
  await cdp.send('HeapProfiler.collectGarbage');
  const { usedSize } = await cdp.send('Runtime.getHeapUsage');
  await cdp.send('Performance.enable');
  const { metrics } = await cdp.send('Performance.getMetrics');
  return { heapUsedBytes: usedSize, domNodes: metrics.find((m) => m.name === 'Nodes')?.value ?? 0 };
}
