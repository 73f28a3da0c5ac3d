import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { directBetween, groupOf, openConversation, person, row, sendText } from './people.js';

/** The message actions, with two people in two browser contexts: each change seen live by the other. */
describeBrowser('message actions (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('reacts, replies, edits and deletes, each seen live by the other person', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice', 'Alice'), person(harness, 'bob', 'Bob')]);
    const dm = await directBetween(alice, bob);
    await Promise.all([openConversation(alice.page, dm.id), openConversation(bob.page, dm.id)]);

    await sendText(alice.page, 'helo bob');
    const bobsView = row(bob.page, 'helo bob');
    await bobsView.waitFor();

    await bobsView.getByRole('button', { name: 'React', exact: true }).click();
    await bobsView.getByRole('button', { name: 'React with 👍' }).click();
    await row(alice.page, 'helo bob').getByRole('button', { name: '👍 1' }).waitFor();
    await bobsView.getByRole('button', { name: '👍 1: you', exact: true }).waitFor();

    await bobsView.getByRole('button', { name: 'Reply', exact: true }).click();
    await bob.page.getByRole('group', { name: 'Replying to' }).waitFor();
    await sendText(bob.page, 'hi alice');
    const reply = row(alice.page, 'hi alice');
    await reply.locator('blockquote').filter({ hasText: 'helo bob' }).waitFor();
    expect(await bob.page.getByRole('group', { name: 'Replying to' }).count()).toBe(0);

    const mine = row(alice.page, 'helo bob').first();
    await mine.getByRole('button', { name: 'More…' }).click();
    await alice.page.getByRole('menuitem', { name: 'Edit' }).click();
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('hello bob');
    await expectAccessible(alice.page);
    await editor.press('Enter');
    await row(bob.page, 'hello bob').getByText('(edited)').waitFor();

    // Deleting asks first, in the shared dialog; Escape keeps the message.
    await row(alice.page, 'hello bob').first().getByRole('button', { name: 'More…' }).click();
    await alice.page.getByRole('menuitem', { name: 'Delete' }).click();
    const ask = alice.page.getByRole('dialog', { name: 'Delete this message for everyone?' });
    await ask.getByText('It disappears for the other person').waitFor();
    await alice.page.keyboard.press('Escape');
    await ask.waitFor({ state: 'detached' });
    await row(alice.page, 'hello bob').first().waitFor();
    await row(alice.page, 'hello bob').first().getByRole('button', { name: 'More…' }).click();
    await alice.page.getByRole('menuitem', { name: 'Delete' }).click();
    await ask.getByRole('button', { name: 'Delete for everyone' }).click();
    await bob.page.getByText('This message was deleted.').waitFor();
    // The reply's quote, as the server keeps it: its original is gone.
    await bob.page.reload();
    await row(bob.page, 'hi alice').locator('blockquote').filter({ hasText: 'Deleted message' }).waitFor();
    await expectAccessible(bob.page);
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);

  it('replies in a thread, pins and jumps to a pinned message, and mentions with autocomplete', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice', 'Alice'), person(harness, 'bob', 'Bob Builder')]);
    const group = await groupOf(alice, [bob], 'Builders');
    for (let i = 1; i <= 20; i++) await alice.sdk.sendMessage(group.id, `old message ${i}`);
    await Promise.all([openConversation(alice.page, group.id), openConversation(bob.page, group.id)]);

    // A thread on the newest message: alice starts it, bob sees the count and answers inside.
    await row(alice.page, 'old message 20').getByRole('button', { name: 'Reply in thread' }).click();
    const threadPanel = alice.page.getByRole('complementary', { name: 'Thread' });
    await threadPanel.getByRole('textbox', { name: 'Reply in thread' }).fill('first in the thread');
    await threadPanel.getByRole('textbox', { name: 'Reply in thread' }).press('Enter');
    await threadPanel.getByRole('log', { name: 'Thread messages' }).getByText('first in the thread').waitFor();
    // Bob had all twenty unread: his view opened at the first of them, under "New messages".
    const bobsLog = bob.page.getByRole('log', { name: 'Messages' });
    await bobsLog.getByRole('separator').getByText('New messages').waitFor();
    await bobsLog.locator('article.message').filter({ hasText: 'old message 1' }).first().waitFor();
    await bob.page.getByRole('button', { name: 'Jump to newest' }).click();
    await row(bob.page, 'old message 20').getByRole('button', { name: '1 reply' }).click();
    const bobsThread = bob.page.getByRole('complementary', { name: 'Thread' });
    await bobsThread.getByText('first in the thread').waitFor();
    await expectAccessible(bob.page);
    // Thread replies stay out of the main timeline.
    expect(await row(bob.page, 'first in the thread').count()).toBe(0);
    await bobsThread.getByRole('button', { name: 'Close' }).click();

    // A pin on a message older than the first page: the Pinned panel jumps to it.
    const [old] = (await alice.sdk.history(group.id, { after: 2, limit: 1 })).items;
    await alice.sdk.messages.pin(old!.id);
    await bob.page.getByRole('button', { name: 'Pinned', exact: true }).click();
    const pinsPanel = bob.page.getByRole('complementary', { name: 'Pinned messages' });
    await pinsPanel.getByRole('button', { name: /old message 3/ }).click();
    const jumped = row(bob.page, 'old message 3');
    await expect.poll(() => jumped.evaluate((e) => e.classList.contains('jumped-to'))).toBe(true);
    await expect.poll(() => jumped.evaluate((e) => document.activeElement === e)).toBe(true);

    // Mention autocomplete: "@bui" finds Bob by his display name; Enter picks him.
    const field = alice.page.getByRole('textbox', { name: 'Message', exact: true });
    await field.fill('ping @bui');
    const list = alice.page.getByRole('listbox', { name: 'People to mention' });
    await list.getByRole('option', { name: new RegExp(bob.username) }).waitFor();
    await expectAccessible(alice.page);
    await field.press('Enter');
    await expect.poll(() => field.inputValue()).toBe(`ping @${bob.username} `);
    await field.press('Enter');
    // Bob's view is scrolled up to the pinned message (a virtualised timeline does not follow new
    // messages there): the server has it, with the mention.
    await expect.poll(async () => (await bob.sdk.history(group.id, { limit: 1 })).items[0]?.mentions).toEqual([bob.id]);

    // Bob is told: the unread count in the top bar, the notifications page, a jump back to it.
    const bell = bob.page.getByRole('link', { name: /^Notifications, \d+ unread$/ });
    await bell.waitFor();
    await bell.click();
    const mention = bob.page.getByRole('button', { name: /mentioned you/ });
    await mention.waitFor();
    await expectAccessible(bob.page);
    await mention.click();
    await row(bob.page, `ping @${bob.username}`).waitFor();
    await bob.page.getByRole('link', { name: /^Notifications/ }).click();
    await bob.page.getByRole('button', { name: 'Mark all read' }).click();
    await bob.page.getByRole('link', { name: 'Notifications', exact: true }).waitFor();
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);

  it('searches and jumps to the message; mutes, clears my history, blocks and unblocks', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    await bob.sdk.sendMessage(dm.id, 'the walrus meets at dawn');
    for (let i = 1; i <= 20; i++) await bob.sdk.sendMessage(dm.id, `filler ${i}`);
    await openConversation(alice.page, dm.id);

    await alice.page.getByRole('button', { name: 'Search', exact: true }).click();
    const panel = alice.page.getByRole('complementary', { name: 'Search' });
    await panel.getByRole('searchbox', { name: 'Search messages' }).fill('walr');
    const hit = panel.getByRole('button', { name: /the walrus meets at dawn/ });
    await hit.waitFor();
    expect(await hit.locator('mark').textContent()).toBe('walrus');
    await expectAccessible(alice.page);
    await hit.click();
    const found = row(alice.page, 'the walrus meets at dawn');
    await expect.poll(() => found.evaluate((e) => e.classList.contains('jumped-to'))).toBe(true);
    await alice.page.getByRole('button', { name: 'Close' }).click();

    const mute = alice.page.getByRole('button', { name: 'Mute', exact: true });
    await mute.click();
    await alice.page.getByRole('button', { name: 'Unmute', pressed: true }).waitFor();
    expect((await alice.sdk.getConversation(dm.id)).muted).toBe(true);

    await alice.page.getByRole('button', { name: 'Clear history' }).click();
    await alice.page
      .getByRole('dialog', { name: 'Clear your history of this conversation?' })
      .getByRole('button', { name: 'Clear for me' })
      .click();
    await expect.poll(() => row(alice.page, 'filler').count()).toBe(0);
    expect((await bob.sdk.history(dm.id)).items).toHaveLength(15);

    await alice.page.getByRole('button', { name: 'Block', exact: true }).click();
    await alice.page.getByRole('dialog', { name: 'Block this person?' }).getByRole('button', { name: 'Block' }).click();
    await alice.page.getByRole('button', { name: 'Unblock', pressed: true }).waitFor();
    await expect(bob.sdk.sendMessage(dm.id, 'are you there?')).rejects.toMatchObject({ code: 'blocked' });
    await alice.page.getByRole('button', { name: 'Unblock' }).click();
    await alice.page.getByRole('button', { name: 'Block', pressed: false }).waitFor();
    await bob.sdk.sendMessage(dm.id, 'are you there?');
    await row(alice.page, 'are you there?').waitFor();
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);
});
