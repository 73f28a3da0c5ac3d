import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AxeBuilder } from '@axe-core/playwright';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { expect, vi } from 'vitest';
import { type TestServer, startServer, uniqueName } from '../../server/test/harness.js';
import { program, requireService } from '../../server/test/services.js';
import { traceContext, tracedServerLogger } from './failure-trace.js';

/**
 * The browser tests' harness: Debian's Chromium (never a downloaded browser) driven by
 * playwright-core, against a real server on a random port serving the production build of the
 * app. One server and one browser per test file; one browser context per user.
 */
export const chromiumProgram = program({
  name: 'Chromium',
  binary: 'chromium',
  env: 'CONFAB_TEST_CHROMIUM',
  dirs: ['/usr/bin'],
  install: 'apt-get install chromium',
  versionArgs: ['--version'],
});

// A browser test walks through several screens as two or three people: more than the default 30 s on a busy machine.
vi.setConfig({ testTimeout: 90_000 });

/** `describe` when Chromium is there; `describe.skip` (loudly) when not, a failure under CONFAB_REQUIRE_SERVICES=1. */
export const describeBrowser = await requireService(chromiumProgram);

const webRoot = fileURLToPath(new URL('..', import.meta.url));
export const WEB_DIST = path.join(webRoot, 'dist');

export interface WebHarness {
  server: TestServer;
  browser: Browser;
  url: string;
  close(): Promise<void>;
}

/** `browserArgs`: more Chromium switches (a fake microphone for voice notes). */
export async function startWebHarness(env: Record<string, string> = {}, browserArgs: string[] = []): Promise<WebHarness> {
  ensureWebBuild();
  const server = await startServer({ WEB_DIR: WEB_DIST, ...env }, { logger: tracedServerLogger() });
  const browser = await chromium.launch({
    executablePath: chromiumProgram.path()!,
    // No sandbox: tests run as root in a container, where Chromium's sandbox cannot start.
    args: ['--no-sandbox', '--disable-dev-shm-usage', '--disable-gpu', ...browserArgs],
  });
  return {
    server,
    browser,
    url: server.url,
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export interface BrowserUser {
  context: BrowserContext;
  page: Page;
  username: string;
  password: string;
}

/** A new browser context (its own storage: a person on their own device) with one page open at `path`. */
export async function openContext(
  harness: WebHarness,
  options: { colorScheme?: 'light' | 'dark'; viewport?: { width: number; height: number } } = {},
): Promise<{ context: BrowserContext; page: Page }> {
  const context = await harness.browser.newContext({
    baseURL: harness.url,
    colorScheme: options.colorScheme ?? 'light',
    viewport: options.viewport ?? { width: 1200, height: 800 },
  });
  // A whole message trip (vitest.config.ts, the browser project): shorter than the test's own
  // timeout, so a wait that fails names its locator. A page load is the heaviest step a test
  // waits for; on a loaded CI machine it once took over 10 s.
  context.setDefaultTimeout(30_000);
  context.setDefaultNavigationTimeout(30_000);
  await traceContext(context);
  const page = await context.newPage();
  // A page error is a failed test, not a line in a log nobody reads.
  page.on('pageerror', (error) => {
    throw error;
  });
  return { context, page };
}

/** Signs a new person up through the app's own sign-up page; returns them on the signed-in shell. */
export async function signUp(harness: WebHarness, prefix = 'web', displayName?: string): Promise<BrowserUser> {
  const { context, page } = await openContext(harness);
  const username = uniqueName(prefix);
  const password = 'correct horse battery';
  await page.goto('/sign-up');
  await page.getByLabel('Username').fill(username);
  if (displayName) await page.getByLabel('Display name').fill(displayName);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Create account' }).click();
  await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
  return { context, page, username, password };
}

/** Runs axe-core on the page as it is now; fails listing every violation. */
export async function expectAccessible(page: Page): Promise<void> {
  const results = await new AxeBuilder({ page }).analyze();
  const violations = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(violations).toEqual([]);
}

/**
 * Builds the app into packages/web/dist when a source is newer than the build (`npm ci` built
 * it; this catches edits since). Test files in other workers wait on a lock directory.
 */
export function ensureWebBuild(): void {
  const lock = path.join(webRoot, '.build-lock');
  for (;;) {
    try {
      mkdirSync(lock);
      break;
    } catch {
      // A lock left by a run that was killed mid-build is older than any build takes.
      const held = statSync(lock, { throwIfNoEntry: false });
      if (held && Date.now() - held.mtimeMs > 300_000) rmSync(lock, { recursive: true, force: true });
      spawnSync('sleep', ['0.2']);
    }
  }
  try {
    if (buildIsFresh()) return;
    const vite = fileURLToPath(new URL('../../../node_modules/vite/bin/vite.js', import.meta.url));
    // NODE_ENV is `test` under vitest, and Vite would then build React's development bundle: the
    // tests (and the figures) run the production build, as `npm start` serves it.
    const result = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
      cwd: webRoot,
      encoding: 'utf8',
      env: { ...process.env, NODE_ENV: 'production' },
    });
    if (result.status !== 0) throw new Error(`vite build failed:\n${result.stdout}\n${result.stderr}`);
  } finally {
    rmSync(lock, { recursive: true, force: true });
  }
}

function buildIsFresh(): boolean {
  const index = path.join(WEB_DIST, 'index.html');
  if (!existsSync(index)) return false;
  const built = statSync(index).mtimeMs;
  const sources = [
    path.join(webRoot, 'src'),
    path.join(webRoot, 'public'),
    path.join(webRoot, 'index.html'),
    path.join(webRoot, 'vite.config.ts'),
    path.join(webRoot, '../client/src'),
    path.join(webRoot, '../protocol/src'),
  ];
  return sources.every((source) => newestUnder(source) <= built);
}

function newestUnder(file: string): number {
  if (!existsSync(file)) return 0;
  const stat = statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return Math.max(stat.mtimeMs, ...readdirSync(file).map((name) => newestUnder(path.join(file, name))));
}
