import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, signUp, startWebHarness } from './browser.js';
import { openMyMenu } from './my-menu.js';

// tokens.css: --color-bg in each theme.
const LIGHT = 'rgb(255, 255, 255)';
const DARK = 'rgb(21, 23, 27)';
const background = (page: Page) => page.evaluate(() => getComputedStyle(document.documentElement).backgroundColor);

/** Issue 36 item 1: System / Light / Dark, from Settings → Appearance or my menu, kept across a reload. */
describeBrowser('theme switch (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => (harness = await startWebHarness()), 120_000);
  afterAll(async () => harness?.close());

  it('switches from Settings and my menu, survives a reload, and follows the system on "System"', async () => {
    const { page, context } = await signUp(harness, 'theme'); // the context prefers light
    expect(await background(page)).toBe(LIGHT);

    await page.goto('/settings/appearance');
    const theme = page.getByRole('group', { name: 'Theme' });
    await theme.getByRole('radio', { name: 'Dark' }).check();
    await expect.poll(() => background(page)).toBe(DARK);

    await page.reload();
    await page.getByRole('group', { name: 'Theme' }).waitFor();
    // Applied before the app ran: public/theme-init.js, not the React tree.
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBe('dark');
    expect(await background(page)).toBe(DARK);
    expect(await theme.getByRole('radio', { name: 'Dark' }).isChecked()).toBe(true);

    // My menu has the same choice and the settings page follows it.
    const menu = await openMyMenu(page);
    expect(await menu.getByRole('menuitemradio', { name: 'Dark' }).isChecked()).toBe(true);
    await menu.getByRole('menuitemradio', { name: 'Light' }).click();
    await expect.poll(() => background(page)).toBe(LIGHT);
    expect(await theme.getByRole('radio', { name: 'Light' }).isChecked()).toBe(true);

    // System: no attribute, the device's preference decides, live.
    await theme.getByRole('radio', { name: 'System' }).check();
    expect(await page.evaluate(() => document.documentElement.dataset.theme)).toBeUndefined();
    await page.emulateMedia({ colorScheme: 'dark' });
    await expect.poll(() => background(page)).toBe(DARK);
    await page.emulateMedia({ colorScheme: 'light' });
    await expect.poll(() => background(page)).toBe(LIGHT);
    await page.reload();
    await page.getByRole('group', { name: 'Theme' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('confab.theme'))).toBeNull();
    expect(await background(page)).toBe(LIGHT);
    await context.close();
  });
});
