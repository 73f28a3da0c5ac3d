import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { directBetween, groupOf, openConversation, person, row, sendText } from './people.js';

/** Issue 35: blocking asks first, folds the blocked person's group messages; deactivated accounts say so. */
describeBrowser('blocking and deactivated accounts (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('asks before blocking (a modal dialog: focus kept inside, Escape cancels), then refuses sends both ways', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice', 'Alice'), person(harness, 'bob', 'Bob')]);
    const dm = await directBetween(alice, bob);
    await openConversation(alice.page, dm.id);
    const { page } = alice;
    const blockButton = page.getByRole('button', { name: 'Block', exact: true });

    await blockButton.click();
    const dialog = page.getByRole('dialog', { name: 'Block this person?' });
    await dialog.waitFor();
    // The safe choice has the focus, and Tab never leaves the dialog.
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    for (let i = 0; i < 4; i++) {
      await page.keyboard.press('Tab');
      expect(
        await page.evaluate(() => document.activeElement?.closest('dialog') !== null || document.activeElement === document.body),
      ).toBe(true);
    }
    await expectAccessible(page);
    await page.keyboard.press('Escape');
    await dialog.waitFor({ state: 'detached' });
    expect((await alice.sdk.blockedUsers()).items).toEqual([]);
    // The focus is back on the button that opened it.
    await expect.poll(() => page.evaluate(() => document.activeElement?.getAttribute('aria-label'))).toBe('Block');

    await blockButton.click();
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await alice.sdk.blockedUsers()).items).toEqual([]);

    await blockButton.click();
    await dialog.getByRole('button', { name: 'Block' }).click();
    await page.getByRole('button', { name: 'Unblock', pressed: true }).waitFor();
    expect((await alice.sdk.blockedUsers()).items.map((u) => u.id)).toEqual([bob.id]);
    // Both ways: Bob cannot write to Alice, nor Alice to Bob, whose refusal says how to end it.
    await expect(bob.sdk.sendMessage(dm.id, 'hello?')).rejects.toMatchObject({ status: 409, code: 'blocked' });
    await page.getByRole('status').filter({ hasText: 'You blocked this person: unblock to send.' }).waitFor();
    await sendText(page, 'can I still write?');
    // The server's refusal, on the message itself.
    const refused = page.locator('article.message.pending', { hasText: 'can I still write?' });
    await refused.getByText('Not sent').waitFor();
    await refused.getByText(/You blocked this user: unblock to send/).waitFor();

    // Unblocking asks nothing.
    await page.getByRole('button', { name: 'Unblock' }).click();
    await page.getByRole('button', { name: 'Block', pressed: false }).waitFor();
    expect(await page.getByText('You blocked this person: unblock to send.').count()).toBe(0);
    await bob.sdk.sendMessage(dm.id, 'hello again');
    await row(page, 'hello again').waitFor();
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);

  it("folds a blocked person's messages in a group until shown; the others see them as ever", async () => {
    const [alice, bob, carol] = await Promise.all([
      person(harness, 'alice', 'Alice'),
      person(harness, 'bob', 'Bob'),
      person(harness, 'carol', 'Carol'),
    ]);
    const group = await groupOf(carol, [alice, bob], 'Neighbours');
    await alice.sdk.setBlocked(bob.id, true);
    await bob.sdk.sendMessage(group.id, 'first from bob');
    await bob.sdk.sendMessage(group.id, 'second from bob');
    await carol.sdk.sendMessage(group.id, 'carol here');
    await Promise.all([openConversation(alice.page, group.id), openConversation(carol.page, group.id)]);

    const timeline = alice.page.getByRole('log', { name: 'Messages' });
    await row(alice.page, 'carol here').waitFor();
    await timeline.locator('p.folded-messages', { hasText: '2 messages from a blocked user' }).waitFor();
    expect(await row(alice.page, 'from bob').count()).toBe(0);
    await row(carol.page, 'first from bob').waitFor();
    await row(carol.page, 'second from bob').waitFor();

    // A new one, live, folds too; "show" shows that run.
    await bob.sdk.sendMessage(group.id, 'third from bob');
    await row(carol.page, 'third from bob').waitFor();
    await timeline.locator('p.folded-messages', { hasText: '1 message from a blocked user' }).waitFor();
    await expectAccessible(alice.page);
    await timeline.getByRole('button', { name: 'show 2 messages from a blocked user' }).click();
    await row(alice.page, 'first from bob').waitFor();
    await row(alice.page, 'second from bob').waitFor();
    expect(await row(alice.page, 'third from bob').count()).toBe(0);

    // Unblocked (from another device): nothing is folded any more.
    await alice.sdk.setBlocked(bob.id, false);
    await row(alice.page, 'third from bob').waitFor();
    expect(await timeline.locator('p.folded-messages').count()).toBe(0);

    // Blocked again from another device while this tab was offline (`block.updated` is not
    // replayed): read again on reconnect. What was shown before stays shown.
    await alice.context.setOffline(true);
    await alice.page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    await alice.sdk.setBlocked(bob.id, true);
    await alice.context.setOffline(false);
    await alice.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await timeline.locator('p.folded-messages', { hasText: '1 message from a blocked user' }).waitFor();
    expect(await row(alice.page, 'third from bob').count()).toBe(0);
    await row(alice.page, 'first from bob').waitFor();
    await Promise.all([alice.context.close(), bob.context.close(), carol.context.close()]);
  }, 120_000);

  it('names a deactivated account "(deactivated)", and leaves it out of Find people and mention autocomplete', async () => {
    const [alice, dave, davina] = await Promise.all([
      person(harness, 'alice', 'Alice'),
      person(harness, 'dave', 'Dave Dormant'),
      person(harness, 'davina', 'Davina Awake'),
    ]);
    const dm = await directBetween(alice, dave);
    const group = await groupOf(alice, [dave, davina], 'With Dave');
    await harness.server.server.services.admin.admin.deactivate(null, dave.id);

    const { page } = alice;
    await openConversation(page, dm.id);
    await page.getByRole('heading', { name: /Dave Dormant.*\(deactivated\)/ }).waitFor();
    await page.getByRole('status').filter({ hasText: 'This account is deactivated: it cannot receive messages.' }).waitFor();
    await sendText(page, 'are you still there?');
    const refused = page.locator('article.message.pending', { hasText: 'are you still there?' });
    await refused.getByText('Not sent').waitFor();
    await refused.getByText(/This account is deactivated: it cannot receive messages/).waitFor();

    await openConversation(page, group.id);
    const field = page.getByRole('textbox', { name: 'Message', exact: true });
    await field.fill('@dav');
    // Davina is offered (the members are loaded); Dave is not.
    const offered = page.getByRole('listbox', { name: 'People to mention' });
    await offered.getByRole('option', { name: /Davina Awake/ }).waitFor();
    expect(await offered.getByRole('option', { name: /Dave Dormant/ }).count()).toBe(0);

    await page.goto('/new/direct');
    await page.getByLabel('Find people').fill(dave.username);
    await page.getByText('Nobody found.').waitFor();
    await expectAccessible(page);
    await Promise.all([alice.context.close(), dave.context.close(), davina.context.close()]);
  }, 120_000);
});
