import { readFile } from 'node:fs/promises';
import { expect, it } from 'vitest';
import { LONG_FLOW_MS, expectSignedOut, signIn, useAccountHarness, submitSignIn } from './accounts.js';
import { describeBrowser, expectAccessible, signUp } from './browser.js';
import { chooseFromMyMenu } from './my-menu.js';

/** Password change, sessions, export and erasure from the account pages, with a second device watching. */
describeBrowser('account settings (browser)', () => {
  const harness = useAccountHarness();

  it(
    'changes the password: a wrong current one is refused; my other device is signed out, this one stays',
    async () => {
      const me = await signUp(harness(), 'pw');
      const other = await signIn(harness(), me.username, me.password);
      const { page } = me;
      await chooseFromMyMenu(page, 'Account');
      await page.getByRole('link', { name: 'Password' }).click();
      await page.getByRole('heading', { name: 'Password' }).waitFor();
      await expectAccessible(page);

      await page.getByLabel('Current password').fill('not my password');
      await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
      await page.getByLabel('Repeat the new password').fill('a brand new passphrase');
      await page.getByRole('button', { name: 'Change password' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('The password is not right');

      await page.getByLabel('Current password').fill(me.password);
      await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
      await page.getByLabel('Repeat the new password').fill('a brand new passphrase');
      await page.getByRole('button', { name: 'Change password' }).click();
      await page.getByRole('status').filter({ hasText: '1 other device was signed out' }).waitFor();
      expect(await page.getByLabel('Current password').inputValue()).toBe(''); // not left on screen

      await expectSignedOut(other.page);
      await page.reload();
      await page.getByRole('heading', { name: 'Password' }).waitFor(); // still signed in here
      await submitSignIn(other.page, me.username, 'a brand new passphrase');
      await other.page.getByRole('navigation', { name: 'Conversations' }).waitFor();
      await Promise.all([me.context.close(), other.context.close()]);
    },
    LONG_FLOW_MS,
  );

  it(
    'lists my sessions, signs one device out, then signs out everywhere',
    async () => {
      const me = await signUp(harness(), 'sess');
      const other = await signIn(harness(), me.username, me.password);
      const { page } = me;
      await page.goto('/settings/sessions');
      const sessions = page.getByRole('list', { name: 'Sessions' }).getByRole('listitem');
      // The settings page's code loads on first visit, then the sessions: wait past both.
      await sessions.nth(1).waitFor();
      await expect.poll(() => sessions.count()).toBe(2);
      const thisDevice = page.getByText('This device', { exact: true });
      await expect.poll(() => sessions.filter({ has: thisDevice }).count()).toBe(1);
      expect(await sessions.first().textContent()).toMatch(/Chrome on Linux/);
      await expectAccessible(page);

      await sessions.filter({ hasNot: thisDevice }).getByRole('button', { name: 'Sign out this device' }).click();
      // It asks first, naming the device; cancelling keeps the other device signed in.
      const endOne = page.getByRole('dialog', { name: 'Sign out Headless Chrome on Linux?' });
      await endOne.getByRole('button', { name: 'Cancel' }).click();
      await expect.poll(() => endOne.count()).toBe(0);
      expect(await sessions.count()).toBe(2);
      await sessions.filter({ hasNot: thisDevice }).getByRole('button', { name: 'Sign out this device' }).click();
      await endOne.getByRole('button', { name: 'Sign out', exact: true }).click();
      await expectSignedOut(other.page);
      await expect.poll(() => sessions.count()).toBe(1);

      await submitSignIn(other.page, me.username, me.password);
      await other.page.getByRole('navigation', { name: 'Conversations' }).waitFor();
      await page.getByRole('button', { name: 'Sign out everywhere' }).click();
      const everywhere = page.getByRole('dialog', { name: 'Sign out everywhere?' });
      expect(await everywhere.textContent()).toMatch(/this one included/);
      await everywhere.getByRole('button', { name: 'Sign out everywhere' }).click();
      await expectSignedOut(page);
      await expectSignedOut(other.page);
      expect(await page.evaluate(() => localStorage.getItem('confab.tokens'))).toBeNull();
      await Promise.all([me.context.close(), other.context.close()]);
    },
    LONG_FLOW_MS,
  );

  it(
    'downloads my data as a JSON file',
    async () => {
      const { context, page, username } = await signUp(harness(), 'export');
      await page.goto('/settings/data');
      await expectAccessible(page);
      const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download my data' }).click()]);
      expect(download.suggestedFilename()).toBe(`confab-export-${username}.json`);
      const exported = JSON.parse(await readFile((await download.path())!, 'utf8'));
      expect(exported.profile).toMatchObject({ username });
      expect(exported.sessions).toHaveLength(1);
      await page.getByRole('status').filter({ hasText: 'Your data was downloaded' }).waitFor();
      await context.close();
    },
    LONG_FLOW_MS,
  );

  it(
    'deletes my account only with my username typed and my password; then I cannot sign in',
    async () => {
      const { context, page, username, password } = await signUp(harness(), 'erase');
      await page.goto('/settings/delete');
      await expectAccessible(page);
      const submit = () => page.getByRole('button', { name: 'Delete my account' }).click();

      await page.getByLabel(/Type your username/).fill('someone else');
      await page.getByLabel('Current password').fill(password);
      await submit();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain(`Type your username, ${username}`);

      await page.getByLabel(/Type your username/).fill(username);
      await page.getByLabel('Current password').fill('not my password');
      await submit();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('The password is not right');

      // The server closes this device's socket as it deletes the account; here that close always
      // arrives before the answer (held until the app has left), and still says why.
      await page.route('**/api/v1/users/me', async (route) => {
        if (route.request().method() !== 'DELETE') return route.fallback();
        const answer = await route.fetch();
        await expectSignedOut(page);
        await route.fulfill({ response: answer });
      });
      await page.getByLabel(/Type your username/).fill(username);
      await page.getByLabel('Current password').fill(password);
      await submit();
      await expectSignedOut(page);
      await page.getByRole('status').filter({ hasText: 'Your account was deleted' }).waitFor();
      await submitSignIn(page, username, password);
      await page.getByRole('alert').waitFor();
      await context.close();
    },
    LONG_FLOW_MS,
  );
});
