import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, openContext, signUp, startWebHarness } from './browser.js';
import { chooseFromMyMenu, openMyMenu } from './my-menu.js';

describeBrowser('signing up, in and out (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('signs up, stays signed in across a reload, signs out and back in', async () => {
    const { context, page, username, password } = await signUp(harness, 'alice', 'Alice Liddell');
    // My menu says who is signed in, above its entries.
    const menu = await openMyMenu(page);
    await expect.poll(() => menu.locator('.person-name').textContent()).toContain(`@${username}`);
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    await expectAccessible(page);

    await page.reload();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Connected' }).count()).toBe(1);

    await chooseFromMyMenu(page, 'Sign out');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(await page.evaluate(() => localStorage.getItem('confab.tokens'))).toBeNull();
    await expectAccessible(page);

    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill('not the password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();

    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await context.close();
  });

  it('sends a deep link through sign-in and back to where it pointed', async () => {
    const { context, page } = await openContext(harness);
    await page.goto('/c/some-conversation');
    await page.getByRole('heading', { name: 'Sign in' }).waitFor();
    expect(new URL(page.url()).searchParams.get('next')).toBe('/c/some-conversation');
    await context.close();
  });

  it('refreshes an expired access token with the stored refresh token on reload', async () => {
    const { context, page } = await signUp(harness, 'rot');
    const before = await page.evaluate(() => JSON.parse(localStorage.getItem('confab.tokens')!) as { refreshToken: string });
    // An access token the server no longer accepts: the SDK must refresh, rotating the refresh token.
    await page.evaluate(() => {
      const tokens = JSON.parse(localStorage.getItem('confab.tokens')!) as { accessToken: string };
      localStorage.setItem('confab.tokens', JSON.stringify({ ...tokens, accessToken: 'expired.token.value' }));
    });
    await page.reload();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    const after = await page.evaluate(() => JSON.parse(localStorage.getItem('confab.tokens')!) as { refreshToken: string });
    expect(after.refreshToken).not.toBe(before.refreshToken);
    await context.close();
  });
});
