import { expect, it } from 'vitest';
import { LONG_FLOW_MS, expectSignedOut, signInAdmin, useAccountHarness, submitSignIn } from './accounts.js';
import { describeBrowser, expectAccessible, signUp } from './browser.js';
import { chooseFromMyMenu, openMyMenu } from './my-menu.js';

/** The instance admins' area: users, deactivation, resets, the audit log; and nothing of it for anyone else. */
describeBrowser('administration (browser)', () => {
  const harness = useAccountHarness();

  it(
    'finds a user, deactivates them (their tab is signed out, sign-in refused), reactivates them, and logs it',
    async () => {
      const admin = await signInAdmin(harness());
      const user = await signUp(harness(), 'target');
      const { page } = admin;
      await chooseFromMyMenu(page, 'Administration');
      await page.getByRole('heading', { name: 'Users' }).waitFor();
      await page.getByRole('group', { name: 'Instance figures' }).waitFor();

      await page.getByLabel('Search users').fill(user.username);
      const rows = page.getByRole('table', { name: 'Users' }).getByRole('row');
      await expect.poll(() => rows.count()).toBe(2); // the header and the one match
      const row = rows.filter({ hasText: `@${user.username}` });
      await expectAccessible(page);

      await row.getByRole('button', { name: 'Deactivate' }).click();
      // It asks first, naming whom; Escape cancels and nothing changes.
      const deactivate = page.getByRole('dialog', { name: `Deactivate @${user.username}?` });
      await deactivate.waitFor();
      await page.keyboard.press('Escape');
      await expect.poll(() => deactivate.count()).toBe(0);
      await row.getByRole('cell', { name: 'Active' }).waitFor();
      await row.getByRole('button', { name: 'Deactivate' }).click();
      await deactivate.getByRole('button', { name: 'Deactivate' }).click();
      await row.getByRole('cell', { name: 'Deactivated' }).waitFor();
      await expectSignedOut(user.page);
      await submitSignIn(user.page, user.username, user.password);
      await expect.poll(() => user.page.getByRole('alert').textContent()).toMatch(/deactivated/i);

      await row.getByRole('button', { name: 'Reactivate' }).click();
      await row.getByRole('cell', { name: 'Active' }).waitFor();
      await submitSignIn(user.page, user.username, user.password);
      await user.page.getByRole('navigation', { name: 'Conversations' }).waitFor();

      await row.getByRole('button', { name: 'Sign out everywhere' }).click();
      await page
        .getByRole('dialog', { name: `Sign @${user.username} out everywhere?` })
        .getByRole('button', { name: 'Sign out everywhere' })
        .click();
      await row.getByRole('status').filter({ hasText: '1 sessions ended' }).waitFor();
      await expectSignedOut(user.page);
      // No confirmed address: no reset link to send.
      expect(await row.getByRole('button', { name: 'Send password reset' }).isDisabled()).toBe(true);

      await page.getByRole('link', { name: 'Audit log' }).click();
      const audit = page.getByRole('table', { name: 'Audit log' }).getByRole('row');
      await expect.poll(() => audit.filter({ hasText: 'admin.user_deactivated' }).count()).toBeGreaterThanOrEqual(1);
      await expect.poll(() => audit.filter({ hasText: 'admin.user_deactivated' }).first().textContent()).toContain(`@${user.username}`);
      await expectAccessible(page);
      await Promise.all([admin.context.close(), user.context.close()]);
    },
    LONG_FLOW_MS,
  );

  it(
    'mails a reset link to a user with a confirmed address',
    async () => {
      const admin = await signInAdmin(harness());
      const user = await signUp(harness(), 'resetee');
      const email = `${user.username}@example.test`;
      const record = await harness().server.server.services.store.users.getUserByUsername(user.username);
      await harness().server.server.services.store.accounts.setEmail(record!.id, email);
      await harness().server.server.services.store.accounts.markEmailVerified(record!.id, email, Date.now());
      await admin.page.goto('/admin/users');
      await admin.page.getByLabel('Search users').fill(user.username);
      const row = admin.page
        .getByRole('table', { name: 'Users' })
        .getByRole('row')
        .filter({ hasText: `@${user.username}` });
      await row.getByRole('button', { name: 'Send password reset' }).click();
      await row.getByRole('status').filter({ hasText: 'A link to reset the password was sent' }).waitFor();
      expect((await harness().mail.next(email, /Reset/)).text).toContain('/reset-password?token=');
      await Promise.all([admin.context.close(), user.context.close()]);
    },
    LONG_FLOW_MS,
  );

  it(
    'shows nothing of it to a non-admin, and the server refuses them',
    async () => {
      const { context, page } = await signUp(harness(), 'plain');
      await page.goto('/settings');
      await page.getByRole('navigation', { name: 'Account sections' }).waitFor();
      expect(await page.getByRole('link', { name: 'Administration' }).count()).toBe(0);
      const menu = await openMyMenu(page);
      await menu.getByRole('menuitem', { name: 'Account' }).waitFor();
      expect(await menu.getByRole('menuitem', { name: 'Administration' }).count()).toBe(0);
      await page.keyboard.press('Escape');
      await page.goto('/admin');
      await page.getByText('Only the instance’s administrators can open this page.').waitFor();
      expect(await page.getByRole('table').count()).toBe(0);
      await expectAccessible(page);
      const status = await page.evaluate(async () => {
        const { accessToken } = JSON.parse(localStorage.getItem('confab.tokens')!) as { accessToken: string };
        return (await fetch('/api/v1/admin/users', { headers: { authorization: `Bearer ${accessToken}` } })).status;
      });
      expect(status).toBe(403);
      await context.close();
    },
    LONG_FLOW_MS,
  );
});
