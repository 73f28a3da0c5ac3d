import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { directBetween, openConversation, person, row } from './people.js';

/** What a message was before: its earlier versions, and a quoted original deleted while the reply is on screen. */
describeBrowser('message history (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('opens an edited message’s earlier versions from “(edited)”', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice', 'Alice'), person(harness, 'bob', 'Bob')]);
    const dm = await directBetween(alice, bob);
    const sent = await alice.sdk.sendMessage(dm.id, 'lunch at noon');
    await alice.sdk.messages.edit(sent.id, 'lunch at one');
    await openConversation(bob.page, dm.id);

    const message = row(bob.page, 'lunch at one');
    await message.getByRole('button', { name: '(edited)' }).click();
    const versions = message.getByRole('region', { name: 'Earlier versions' });
    await versions.getByRole('listitem').filter({ hasText: 'lunch at noon' }).waitFor();
    await expectAccessible(bob.page);

    // Edited again while open: the list reads again, oldest first.
    await alice.sdk.messages.edit(sent.id, 'lunch at two');
    await row(bob.page, 'lunch at two').getByRole('listitem').nth(1).filter({ hasText: 'lunch at one' }).waitFor();
    expect(await versions.getByRole('listitem').allTextContents()).toEqual([
      expect.stringContaining('lunch at noon'),
      expect.stringContaining('lunch at one'),
    ]);
    await versions.getByRole('button', { name: 'Hide versions' }).click();
    expect(await versions.count()).toBe(0);
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);

  it('updates a reply’s quote live when the original is edited, then deleted', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice', 'Alice'), person(harness, 'bob', 'Bob')]);
    const dm = await directBetween(alice, bob);
    const original = await alice.sdk.sendMessage(dm.id, 'meet at the station');
    await bob.sdk.sendMessage(dm.id, 'see you there', undefined, { replyToId: original.id });
    await openConversation(bob.page, dm.id);
    const quote = row(bob.page, 'see you there').locator('blockquote');
    await quote.filter({ hasText: 'meet at the station' }).waitFor();

    await alice.sdk.messages.edit(original.id, 'meet at the bridge');
    await quote.filter({ hasText: 'meet at the bridge' }).waitFor();
    await alice.sdk.messages.delete(original.id);
    // No reload: the delete event carries the tombstone, which the quote follows.
    await quote.filter({ hasText: 'Deleted message' }).waitFor();
    expect(await quote.textContent()).not.toContain('bridge');
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);
});
