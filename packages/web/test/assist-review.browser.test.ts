import { expect, it } from 'vitest';
import { MessageHeldError } from '@confab/client';
import { LONG_FLOW_MS, signInAdmin, useAccountHarness } from './accounts.js';
import { describeBrowser, expectAccessible } from './browser.js';
import { directBetween, openConversation, person, row } from './people.js';

/** Assist (issue 40) in the web app: reply chips above the composer, "Report…" in the message menu, the admins' review queue. */
describeBrowser('assist: reply chips, reports and the review queue (browser)', () => {
  const harness = useAccountHarness();

  it(
    'offers my own past reply and Yes/No above the composer for the last message from someone else; a chip fills the field',
    async () => {
      const [alice, bob] = await Promise.all([person(harness(), 'chipa', 'Alice'), person(harness(), 'chipb', 'Bob')]);
      const dm = await directBetween(alice, bob);
      await bob.sdk.sendMessage(dm.id, 'Can you review my pull request?');
      await alice.sdk.sendMessage(dm.id, 'Sure, looking now');
      await bob.sdk.sendMessage(dm.id, 'The staging database is full again');
      await alice.sdk.sendMessage(dm.id, 'I’ll clean it up');
      await bob.sdk.sendMessage(dm.id, 'Could you review the pull request for the search page?');
      await openConversation(alice.page, dm.id);
      const chips = alice.page.getByRole('group', { name: 'Suggested replies' });
      await chips.waitFor();
      expect(await chips.getByRole('button').allTextContents()).toEqual(['Sure, looking now', 'Yes', 'No']);
      await expectAccessible(alice.page);
      await chips.getByRole('button', { name: 'Sure, looking now' }).click();
      const field = alice.page.getByRole('textbox', { name: 'Message', exact: true });
      expect(await field.inputValue()).toBe('Sure, looking now');
      // The chips step aside while I type, and are gone once the last message is mine.
      await expect.poll(() => chips.count()).toBe(0);
      await field.press('Enter');
      await expect.poll(() => row(alice.page, 'Sure, looking now').count()).toBe(2);
      await expect.poll(() => field.inputValue()).toBe('');
      expect(await chips.count()).toBe(0);
      await Promise.all([alice.context.close(), bob.context.close()]);
    },
    LONG_FLOW_MS,
  );

  it(
    'offers "Schedule for …" for a time the message names: once I typed, it opens Schedule send at that time',
    async () => {
      const [alice, bob] = await Promise.all([person(harness(), 'scha', 'Alice'), person(harness(), 'schb', 'Bob')]);
      const dm = await directBetween(alice, bob);
      const ask = await bob.sdk.sendMessage(dm.id, 'Can we go over the budget tomorrow at 3pm?');
      const chip = (await alice.sdk.assist.replySuggestions(ask.id)).items.find((i) => i.action)!;
      expect(chip.text).toMatch(/^Schedule for /u);
      await openConversation(alice.page, dm.id);
      const chips = alice.page.getByRole('group', { name: 'Suggested replies' });
      const schedule = chips.getByRole('button', { name: chip.text });
      await schedule.waitFor();
      expect(await chips.getByRole('button').allTextContents()).toEqual(['Yes', 'No', chip.text]);
      // Nothing to schedule yet: it waits for a text; once typed, the replies step aside and it stays.
      expect(await schedule.isDisabled()).toBe(true);
      await alice.page.getByRole('textbox', { name: 'Message', exact: true }).fill('Budget review, as agreed');
      await expect.poll(() => chips.getByRole('button').allTextContents()).toEqual([chip.text]);
      await schedule.click();
      const dialog = alice.page.getByRole('dialog', { name: 'Schedule send' });
      const at = new Date(chip.action!.at);
      const local = new Date(at.getTime() - at.getTimezoneOffset() * 60_000).toISOString().slice(0, 16);
      expect(await dialog.getByLabel('Date and time').inputValue()).toBe(local);
      await expectAccessible(alice.page);
      await dialog.getByRole('button', { name: 'Schedule', exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
      expect(await alice.page.getByRole('textbox', { name: 'Message', exact: true }).inputValue()).toBe('');
      expect(await alice.sdk.scheduled.all()).toEqual([
        expect.objectContaining({ conversationId: dm.id, body: 'Budget review, as agreed', scheduledAt: chip.action!.at }),
      ]);
      // Scheduled only, not sent now as well: the dialog sits inside the composer's form in React's
      // tree, and its submit reached the composer's through the portal (CI, 2026-11-29). A send
      // would have shown its row at once.
      expect(await row(alice.page, 'Budget review, as agreed').count()).toBe(0);
      expect((await alice.sdk.history(dm.id)).items.map((m) => m.body)).toEqual([ask.body]);
      await Promise.all([alice.context.close(), bob.context.close()]);
    },
    LONG_FLOW_MS,
  );

  it(
    'reports a message from its menu with a reason, and an admin resolves it in the review queue',
    async () => {
      const [alice, bob] = await Promise.all([person(harness(), 'repa', 'Alice'), person(harness(), 'repb', 'Bob')]);
      const dm = await directBetween(alice, bob);
      const note = `report-${crypto.randomUUID().slice(0, 8)}`;
      await bob.sdk.sendMessage(dm.id, 'you will regret this');
      await openConversation(alice.page, dm.id);
      const theirs = row(alice.page, 'you will regret this');
      await theirs.waitFor();
      await theirs.getByRole('button', { name: 'More…' }).click();
      await alice.page.getByRole('menuitem', { name: 'Report…' }).click();
      const dialog = alice.page.getByRole('dialog', { name: 'Report message' });
      await dialog.getByRole('radio', { name: 'Abuse or harassment' }).check();
      await dialog.getByLabel('Note for the administrators (optional)').fill(note);
      await expectAccessible(alice.page);
      await dialog.getByRole('button', { name: 'Report' }).click();
      await dialog.getByRole('status').filter({ hasText: 'The administrators will review it' }).waitFor();
      await dialog.getByRole('button', { name: 'Done' }).click();
      await expect.poll(() => dialog.count()).toBe(0);
      // My own message has no "Report…".
      await alice.sdk.sendMessage(dm.id, 'my own words');
      await row(alice.page, 'my own words').getByRole('button', { name: 'More…' }).click();
      await alice.page.getByRole('menuitem', { name: 'Edit' }).waitFor();
      expect(await alice.page.getByRole('menuitem', { name: 'Report…' }).count()).toBe(0);
      await alice.page.keyboard.press('Escape');

      const admin = await signInAdmin(harness());
      await admin.page.goto('/admin/review');
      const item = admin.page.getByRole('listitem', { name: 'Report: Abuse' }).filter({ hasText: note });
      await item.getByText('you will regret this').waitFor();
      await expectAccessible(admin.page);
      await item.getByRole('button', { name: 'Not spam' }).click();
      await expect.poll(() => item.count()).toBe(0);
      await Promise.all([alice.context.close(), bob.context.close(), admin.context.close()]);
    },
    LONG_FLOW_MS,
  );

  it(
    'lists a message the spam model held, and releasing it delivers it to the conversation',
    async () => {
      const services = harness().server.server.services;
      // Admins' earlier decisions, as the model counts them: 20 spam and 20 ordinary messages.
      for (let i = 0; i < 20; i++) {
        await services.store.assist.trainSpam(['#docs', 'w:giveaway', 'w:crypto', 'host:bit.ly', 'links:1'], true, 1);
        await services.store.assist.trainSpam(['#docs', 'w:lunch', 'w:review', 'links:0'], false, 1);
      }
      services.assist.screen.trained('');
      await services.assist.screen.ready();
      const [alice, bob] = await Promise.all([person(harness(), 'helda', 'Alice'), person(harness(), 'heldb', 'Bob')]);
      const dm = await directBetween(alice, bob);
      const spam = 'crypto giveaway https://bit.ly/zz';
      await expect(bob.sdk.sendMessage(dm.id, spam)).rejects.toBeInstanceOf(MessageHeldError);

      const admin = await signInAdmin(harness());
      await admin.page.goto('/admin/review');
      const item = admin.page.getByRole('listitem', { name: 'Held message' }).filter({ hasText: spam });
      await item.waitFor();
      await expectAccessible(admin.page);
      await openConversation(alice.page, dm.id);
      await item.getByRole('button', { name: 'Release' }).click();
      await expect.poll(() => item.count()).toBe(0);
      await row(alice.page, spam).waitFor();
      await Promise.all([alice.context.close(), bob.context.close(), admin.context.close()]);
    },
    LONG_FLOW_MS,
  );
});
