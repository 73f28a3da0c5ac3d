import { afterAll, beforeAll, expect, it } from 'vitest';
import { signInAdmin } from './accounts.js';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { browserDeviceOf, encryptHere, groupOf, openConversation, person, row, sendText } from './people.js';

/**
 * Reporting in an encrypted conversation (issue 39): "Report…" offers to share the text this
 * browser decrypted (the admins hold only ciphertext), and the review queue shows it marked as the
 * reporter's reading; a report without it says so.
 */
describeBrowser('reports in encrypted conversations (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('shares the decrypted text with the report, and the admin sees it marked as the reporter’s reading', async () => {
    const [alice, bob] = [await person(harness, 'erpa', 'Alice'), await person(harness, 'erpb', 'Bob')];
    await Promise.all([browserDeviceOf(alice), browserDeviceOf(bob)]);
    const group = await groupOf(alice, [bob], 'Sealed');
    await openConversation(alice.page, group.id);
    await encryptHere(alice.page);
    const threat = `you will regret this ${crypto.randomUUID().slice(0, 8)}`;
    const quiet = `meet me alone ${crypto.randomUUID().slice(0, 8)}`;
    await openConversation(bob.page, group.id);
    await sendText(bob.page, threat);
    await sendText(bob.page, quiet);

    const report = async (text: string, share: boolean) => {
      const theirs = row(alice.page, text);
      await theirs.waitFor();
      await theirs.hover();
      await theirs.getByRole('button', { name: 'More…' }).click();
      await alice.page.getByRole('menuitem', { name: 'Report…' }).click();
      const dialog = alice.page.getByRole('dialog', { name: 'Report message' });
      await dialog.getByRole('radio', { name: 'Abuse or harassment' }).check();
      const sharing = dialog.getByRole('checkbox', { name: 'Share the message’s text with the administrators' });
      expect(await sharing.isChecked()).toBe(true);
      if (!share) await sharing.uncheck();
      await expectAccessible(alice.page);
      await dialog.getByRole('button', { name: 'Report' }).click();
      await dialog.getByRole('status').filter({ hasText: 'The administrators will review it' }).waitFor();
      await dialog.getByRole('button', { name: 'Done' }).click();
    };
    await report(threat, true);
    await report(quiet, false);

    const admin = await signInAdmin(harness);
    await admin.page.goto('/admin/review');
    const items = admin.page.getByRole('listitem', { name: 'Report: Abuse' });
    const shared = items.filter({ hasText: threat });
    await shared.getByText("As the reporter's device read it").waitFor();
    await admin.page.getByText('the reporter did not share its text').waitFor();
    expect(await items.count()).toBe(2);
    await expectAccessible(admin.page);
    await Promise.all([alice.context.close(), bob.context.close(), admin.context.close()]);
  }, 120_000);
});
