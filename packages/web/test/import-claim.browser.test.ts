import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { slackExport, writeZip } from '../../server/test/exports.js';
import { LONG_FLOW_MS, linkIn, signInAdmin, useAccountHarness } from './accounts.js';
import { describeBrowser, expectAccessible, openContext } from './browser.js';

const ZOE = 'zoe@import.test';

/**
 * Issue 37 in the browser: an admin imports a Slack export from Administration → Import and
 * follows it to the end; someone the export named opens the claim mail's link, chooses a
 * password, and lands in their imported history.
 */
describeBrowser('import and claim (browser)', () => {
  const harness = useAccountHarness();
  const dir = mkdtempSync(path.join(tmpdir(), 'confab-import-browser-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'imports an export from the admin page, then its new member claims an account and reads the history',
    async () => {
      const zip = path.join(dir, 'slack.zip');
      await writeZip(zip, slackExport('nobody-here@import.test'));
      const admin = await signInAdmin(harness());
      await admin.page.goto('/admin/import');
      const form = admin.page.getByRole('form', { name: 'Import an export' });
      await form.waitFor();
      await form.getByRole('radio', { name: 'Slack' }).check();
      await form.getByLabel('Export file').setInputFiles(zip);
      await form.getByRole('button', { name: 'Import' }).click();
      await admin.page.getByText('Done', { exact: true }).waitFor();
      const stats = admin.page.getByRole('definition');
      expect((await stats.allTextContents()).slice(0, 3)).toEqual(['3', '3', '5']); // people, conversations, messages
      await admin.page.getByText('général/2024-01-02.json').waitFor(); // the broken day file, skipped
      await expectAccessible(admin.page);

      // Zoë's mail leads to the claim page of this instance.
      const link = linkIn(await harness().mail.next(ZOE, /Your account on Confab is ready/), harness());
      const { context, page } = await openContext(harness());
      await page.goto(link);
      await page.getByRole('heading', { name: 'Claim your account' }).waitFor();
      await expectAccessible(page);
      await page.getByLabel('Password', { exact: true }).fill('zoe claims her account');
      await page.getByLabel('Repeat the password').fill('zoe claims it');
      await page.getByRole('button', { name: 'Claim my account' }).click();
      await expect.poll(() => page.getByRole('alert').textContent()).toContain('not the same');
      await page.getByLabel('Repeat the password').fill('zoe claims her account');
      await page.getByRole('button', { name: 'Claim my account' }).click();

      // Signed in as zoë, with the imported channel and its history.
      const list = page.getByRole('navigation', { name: 'Conversations' });
      await list.getByText('général').click();
      await page.getByText('a thread (edited)').waitFor();
      // The channel's topic under its name.
      await page.locator('header.conversation-header').getByText('Tout le monde ☕').waitFor();

      // The link again, signed out elsewhere: used.
      const again = await openContext(harness());
      await again.page.goto(link);
      await again.page.getByLabel('Password', { exact: true }).fill('another good passphrase');
      await again.page.getByLabel('Repeat the password').fill('another good passphrase');
      await again.page.getByRole('button', { name: 'Claim my account' }).click();
      await expect.poll(() => again.page.getByRole('alert').textContent()).toContain('not valid');
      await Promise.all([admin.context.close(), context.close(), again.context.close()]);
    },
    LONG_FLOW_MS,
  );
});
