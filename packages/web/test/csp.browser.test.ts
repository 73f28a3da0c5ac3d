import type { BrowserContext, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, openContext, startWebHarness } from './browser.js';
import { groupOf, openConversation, person, row } from './people.js';

/**
 * Every `securitypolicyviolation` the page saw, recorded from the first script of each document.
 * A refused inline style is only a console message, not a page error, so the harness's
 * `pageerror` check never saw one: the event is the reliable signal.
 */
async function recordViolations(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const seen: string[] = [];
    (window as unknown as { cspViolations: string[] }).cspViolations = seen;
    document.addEventListener('securitypolicyviolation', (event) => {
      const where = event.sourceFile ? ` at ${event.sourceFile}:${event.lineNumber}:${event.columnNumber}` : '';
      seen.push(`${event.effectiveDirective} refused ${event.blockedURI || 'inline'}${where} ${event.sample}`);
    });
  });
}

/** The violations recorded since the last call, each line prefixed with `where`. */
const violationsOn = (page: Page, where: string) =>
  page
    .evaluate(() => (window as unknown as { cspViolations?: string[] }).cspViolations?.splice(0) ?? ['no recorder on this page'])
    .then((lines) => lines.map((line) => `${where}: ${line}`));

/** Whether the page behind a modal dialog is kept from scrolling (react-remove-scroll's rules applied). */
const scrollLocked = (page: Page) => page.evaluate(() => getComputedStyle(document.body).overflow === 'hidden');

/**
 * The server's policy (`style-src 'self'`, `script-src 'self'`) holds on the app's main screens:
 * nothing in the app or its dependencies injects a `<style>` element, a `style` attribute as
 * markup, or an inline script. Each screen is checked and the failure lists every violation.
 */
describeBrowser('Content-Security-Policy (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => (harness = await startWebHarness()), 120_000);
  afterAll(async () => harness?.close());

  it('the check itself sees an inline style the policy refuses', async () => {
    const { context, page } = await openContext(harness);
    await recordViolations(context);
    await page.goto('/sign-in');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await page.evaluate(() => document.head.append(Object.assign(document.createElement('style'), { textContent: 'p{}' })));
    await expect.poll(() => violationsOn(page, 'planted')).toEqual([expect.stringContaining('style-src-elem refused inline')]);
    await context.close();
  });

  it('no screen breaks the policy: sign-in, the list, a conversation, its menus, a profile card, settings', async () => {
    const found: string[] = [];
    const visitor = await openContext(harness);
    await recordViolations(visitor.context);
    await visitor.page.goto('/sign-in');
    await visitor.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    found.push(...(await violationsOn(visitor.page, 'sign-in')));
    await visitor.page.goto('/sign-up');
    await visitor.page.getByRole('button', { name: 'Create account' }).waitFor();
    found.push(...(await violationsOn(visitor.page, 'sign-up')));
    await visitor.context.close();

    const alice = await person(harness, 'alice', 'Alice');
    const bob = await person(harness, 'bob', 'Bob');
    await alice.sdk.updateMe({ bio: 'Makes the coffee' });
    const group = await groupOf(alice, [bob], 'Policy team');
    await alice.sdk.sendMessage(group.id, 'Hello **team**, see [the docs](https://example.org)');
    await alice.sdk.sendMessage(group.id, '```ts\nconst answer = 42;\n```');
    const { context, page } = bob;
    await recordViolations(context);

    await page.goto('/');
    await page.getByRole('link', { name: /Policy team/ }).waitFor();
    found.push(...(await violationsOn(page, 'conversation list')));

    await openConversation(page, group.id);
    const hello = row(page, 'Hello team');
    await hello.waitFor();
    await row(page, 'const answer').locator('.hljs-keyword').first().waitFor();
    found.push(...(await violationsOn(page, 'conversation')));

    // A profile card (a dialog) opened from the sender's avatar.
    await hello.getByRole('button', { name: 'Profile of Alice' }).first().click();
    const card = page.getByRole('dialog', { name: 'Profile of Alice' });
    await card.getByText('Makes the coffee').waitFor();
    found.push(...(await violationsOn(page, 'profile card')));
    await page.keyboard.press('Escape');
    await expect.poll(() => card.count()).toBe(0);

    // The emoji picker (a popover) with its search.
    await page.getByRole('button', { name: 'Insert emoji' }).click();
    const picker = page.getByRole('dialog', { name: 'Insert an emoji' });
    await picker.getByRole('searchbox', { name: 'Search emoji' }).fill('pizza');
    await picker.getByRole('gridcell', { name: 'Pizza', exact: true }).waitFor();
    found.push(...(await violationsOn(page, 'emoji picker')));
    await page.keyboard.press('Escape');
    await expect.poll(() => picker.count()).toBe(0);

    // A message's menu.
    await hello.hover();
    await hello.getByRole('button', { name: 'More…' }).click();
    await page.getByRole('menuitem').first().waitFor();
    found.push(...(await violationsOn(page, 'message menu')));
    await page.keyboard.press('Escape');

    // The modal dialogs: the quick switcher and the shortcuts sheet.
    await page.keyboard.press('ControlOrMeta+k');
    const switcher = page.getByRole('dialog', { name: 'Quick switcher' });
    await switcher.getByRole('option').first().waitFor();
    // Its scroll lock's rules are applied (through the CSSOM), not refused: the page behind stays put.
    if (!(await scrollLocked(page))) found.push('quick switcher: the page behind it still scrolls');
    found.push(...(await violationsOn(page, 'quick switcher')));
    await page.keyboard.press('Escape');
    await expect.poll(() => switcher.count()).toBe(0);
    expect(await scrollLocked(page)).toBe(false);
    await page.getByRole('log', { name: 'Messages' }).focus();
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    found.push(...(await violationsOn(page, 'shortcuts sheet')));
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.count()).toBe(0);

    // A confirmation (a modal dialog) from the Members panel.
    await page.getByRole('button', { name: 'Members' }).click();
    await page.getByRole('complementary', { name: 'Members' }).getByRole('button', { name: 'Leave group' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave Policy team?' });
    await leave.waitFor();
    found.push(...(await violationsOn(page, 'leave-group confirmation')));
    await page.keyboard.press('Escape');
    await expect.poll(() => leave.count()).toBe(0);

    for (const section of ['email', 'sessions', 'appearance']) {
      await page.goto(`/settings/${section}`);
      await page.getByRole('navigation', { name: 'Account sections' }).waitFor();
      await page.locator('.settings-section h3').first().waitFor();
      found.push(...(await violationsOn(page, `settings/${section}`)));
    }
    await page.goto('/settings/profile');
    await page.getByLabel('Display name').waitFor();
    found.push(...(await violationsOn(page, 'settings/profile')));

    expect(found, `Content-Security-Policy violations:\n${found.join('\n')}`).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 240_000);
});
