import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseSnapshot } from '../../server/test/snapshot.js';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { browserDeviceOf, directBetween, encryptHere, groupOf, openConversation, person, row, sendText } from './people.js';

/**
 * Forwarding with encrypted conversations in the web app (issue 39): "Forward…" on a message of an
 * encrypted conversation offers only encrypted conversations, and the browser makes the copy; the
 * copy says whom it is from. A plain message's picker names direct conversations by the person.
 */
describeBrowser('forwarding with encrypted conversations (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('forwards an encrypted message into another encrypted conversation only, made in this browser, labelled with its author', async () => {
    const [alice, bob] = [await person(harness, 'ewa', 'Alice'), await person(harness, 'ewb', 'Bob')];
    await Promise.all([browserDeviceOf(alice), browserDeviceOf(bob)]);
    // Both made encrypted from Alice's browser (the test's own SDK clients hold no device).
    const source = await groupOf(alice, [bob], 'Source');
    const target = await groupOf(alice, [bob], 'Target');
    for (const group of [target, source]) {
      await openConversation(alice.page, group.id);
      await encryptHere(alice.page);
    }
    await groupOf(alice, [bob], 'Plain team');
    await directBetween(alice, bob);

    const secret = `the code is ${crypto.randomUUID().slice(0, 8)}`;
    await openConversation(bob.page, source.id);
    await sendText(bob.page, secret);
    const message = row(alice.page, secret);
    await message.waitFor();
    await message.hover();
    await message.getByRole('group', { name: 'Message actions' }).getByRole('button', { name: 'More…' }).click();
    await alice.page.getByRole('menuitem', { name: 'Forward…' }).click();

    const dialog = alice.page.getByRole('dialog', { name: 'Forward message' });
    await dialog.getByText('From an encrypted conversation, only into encrypted ones').waitFor();
    // Only the encrypted conversations are offered: not the plain group, nor the plain direct conversation.
    const targets = dialog.getByRole('checkbox');
    await expect.poll(() => targets.count()).toBe(2);
    expect(await dialog.getByRole('checkbox', { name: /Plain team/ }).count()).toBe(0);
    await expectAccessible(alice.page);
    await dialog.getByRole('checkbox', { name: /Target/ }).check();
    await dialog.getByRole('textbox', { name: 'Comment (optional)' }).fill('for you');
    await dialog.getByRole('button', { name: 'Forward' }).click();
    await dialog.waitFor({ state: 'detached' });

    await openConversation(bob.page, target.id);
    const copy = row(bob.page, secret);
    await copy.waitFor();
    await copy.getByText('Forwarded from').waitFor();
    expect(await copy.locator('.forwarded-label').innerText()).toMatch(/Forwarded from\s+Bob/);
    await row(bob.page, 'for you').waitFor();
    // The copy went encrypted: no row of any table has its text.
    expect(JSON.stringify(await databaseSnapshot(harness.server))).not.toContain(secret);
  }, 120_000);

  it('names each direct conversation in the picker by the person, and labels a plain copy', async () => {
    const [carol, dan] = [await person(harness, 'ewc', 'Carol'), await person(harness, 'ewd', 'Dan')];
    const dm = await directBetween(carol, dan);
    const team = await groupOf(carol, [dan], 'Crew');
    await openConversation(dan.page, team.id);
    await sendText(dan.page, 'plain words to pass on');
    await openConversation(carol.page, team.id);
    const message = row(carol.page, 'plain words to pass on');
    await message.hover();
    await message.getByRole('group', { name: 'Message actions' }).getByRole('button', { name: 'More…' }).click();
    await carol.page.getByRole('menuitem', { name: 'Forward…' }).click();
    const dialog = carol.page.getByRole('dialog', { name: 'Forward message' });
    await dialog.getByRole('checkbox', { name: /Dan/ }).check();
    await dialog.getByRole('button', { name: 'Forward' }).click();
    await openConversation(carol.page, dm.id);
    const copy = row(carol.page, 'plain words to pass on');
    await copy.waitFor();
    expect(await copy.locator('.forwarded-label').innerText()).toMatch(/Forwarded from\s+Dan/);
  }, 120_000);
});
