import { expect, it } from 'vitest';
import { hashAccountToken } from '../../server/src/services/accounts/account-tokens.js';
import { uniqueName } from '../../server/test/harness.js';
import { LONG_FLOW_MS, expectSignedOut, linkIn, useAccountHarness, submitSignIn } from './accounts.js';
import { describeBrowser, expectAccessible, openContext, signUp } from './browser.js';
import { chooseFromMyMenu } from './my-menu.js';

/** Email and password recovery in the browser, with the mails' links opened as a person opens them. */
describeBrowser('email and password recovery (browser)', () => {
  const harness = useAccountHarness();

  it(
    'adds an email address and confirms it through the mailed link',
    async () => {
      const { context, page, password } = await signUp(harness(), 'mail');
      const email = `${uniqueName('mail')}@example.test`;
      await page.goto('/settings/email');
      await page.getByText('No email address yet').waitFor();
      await expectAccessible(page);

      await page.getByLabel('New email address').fill(email);
      await page.getByLabel('Current password').fill('not my password');
      await page.getByRole('button', { name: 'Save email address' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('The password is not right');

      await page.getByLabel('New email address').fill(email);
      await page.getByLabel('Current password').fill(password);
      await page.getByRole('button', { name: 'Save email address' }).click();
      await page
        .getByRole('status')
        .filter({ hasText: `We sent a link to ${email}` })
        .waitFor();
      await page.getByText('Not confirmed yet').waitFor();

      await page.goto(linkIn(await harness().mail.next(email, /Confirm/), harness()));
      await page
        .getByRole('status')
        .filter({ hasText: `${email} is confirmed` })
        .waitFor();
      await expectAccessible(page);
      await page.getByRole('link', { name: 'Continue' }).click();
      await page.getByText('Confirmed', { exact: true }).waitFor();
      await context.close();
    },
    LONG_FLOW_MS,
  );

  it(
    'resets a forgotten password through the mailed link, once; a used or expired link is refused',
    async () => {
      const { context, page, username, password } = await signUp(harness(), 'forgot');
      const email = `${username}@example.test`;
      const user = await harness().server.server.services.store.users.getUserByUsername(username);
      await harness().server.server.services.store.accounts.setEmail(user!.id, email);
      await harness().server.server.services.store.accounts.markEmailVerified(user!.id, email, Date.now());
      await chooseFromMyMenu(page, 'Sign out');
      await expectSignedOut(page);

      await page.getByRole('link', { name: 'Forgot your password?' }).click();
      await page.getByRole('heading', { name: 'Reset your password' }).waitFor();
      await expectAccessible(page);
      await page.getByLabel('Username or email').fill(email);
      await page.getByRole('button', { name: 'Send me a link' }).click();
      await page.getByRole('status').filter({ hasText: 'If an account' }).waitFor();

      const link = linkIn(await harness().mail.next(email, /Reset/), harness());
      expect(new URL(link).pathname).toBe('/reset-password');
      await page.goto(link);
      await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
      await expectAccessible(page);
      await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
      await page.getByLabel('Repeat the new password').fill('a different passphrase');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('not the same');
      await page.getByLabel('New password', { exact: true }).fill('a brand new passphrase');
      await page.getByLabel('Repeat the new password').fill('a brand new passphrase');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await page.getByRole('status').filter({ hasText: 'Your password was changed' }).waitFor();

      // The same link again: spent.
      await page.goto(link);
      await page.getByLabel('New password', { exact: true }).fill('yet another passphrase');
      await page.getByLabel('Repeat the new password').fill('yet another passphrase');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('This link is not valid');
      await page.getByRole('link', { name: 'Ask for a new link' }).waitFor();

      // An expired one.
      const expired = 'an-expired-reset-token-of-forty-three-chars';
      await harness().server.server.services.store.accounts.createAccountToken({
        tokenHash: hashAccountToken(expired),
        userId: user!.id,
        purpose: 'password_reset',
        email: null,
        createdAt: Date.now() - 3_600_000,
        expiresAt: Date.now() - 1_000,
      });
      await page.goto(`/reset-password?token=${expired}`);
      await page.getByLabel('New password', { exact: true }).fill('yet another passphrase');
      await page.getByLabel('Repeat the new password').fill('yet another passphrase');
      await page.getByRole('button', { name: 'Set new password' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('This link is not valid');

      await page.goto('/sign-in');
      await submitSignIn(page, username, password);
      await page.getByRole('alert').waitFor();
      await submitSignIn(page, username, 'a brand new passphrase');
      await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
      await context.close();
    },
    LONG_FLOW_MS,
  );

  it(
    'answers "forgot password" the same for an unknown account, and says what a link without a code is',
    async () => {
      const { context, page } = await openContext(harness());
      await page.goto('/forgot-password');
      await page.getByLabel('Username or email').fill(`${uniqueName('nobody')}@example.test`);
      await page.getByRole('button', { name: 'Send me a link' }).click();
      await page.getByRole('status').filter({ hasText: 'If an account' }).waitFor();
      await page.goto('/reset-password');
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('no reset code');
      await expectAccessible(page);
      await context.close();
    },
    LONG_FLOW_MS,
  );
});
