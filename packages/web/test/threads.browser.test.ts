import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { groupOf, openConversation, person, row } from './people.js';

/**
 * Issue 35 item 2: a reply in a thread left an unread badge nobody could clear. Now it counts in
 * its thread: no badge on the conversation; the thread shows as unread for those who follow it
 * until its panel shows the newest reply; and a reload agrees.
 */
describeBrowser('thread read state (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it("Carol's thread reply leaves no conversation badge; Alice's followed thread is unread until she opens it, after a reload too", async () => {
    const [alice, bob, carol] = await Promise.all([
      person(harness, 'alice', 'Alice'),
      person(harness, 'bob', 'Bob'),
      person(harness, 'carol', 'Carol'),
    ]);
    const group = await groupOf(alice, [bob, carol], 'Thread team');
    const root = await alice.sdk.sendMessage(group.id, 'the root');
    await bob.sdk.sendMessage(group.id, 'second');
    await alice.sdk.sendMessage(group.id, 'third');
    await Promise.all([openConversation(alice.page, group.id), openConversation(bob.page, group.id)]);
    // Both have the group open and have read it: readSeq 3.
    for (const p of [alice, bob]) {
      await expect.poll(async () => (await p.sdk.listConversations()).items.find((c) => c.id === group.id)?.readSeq).toBe(3);
    }

    await carol.sdk.sendMessage(group.id, 'in the thread', undefined, { threadRootId: root.id });
    // The root's count shows the reply has reached both pages (its message.updated follows the reply's message.created).
    for (const p of [alice, bob]) await row(p.page, 'the root').getByRole('button', { name: '1 reply' }).waitFor();
    const item = (p: typeof alice) => p.page.getByRole('link', { name: /Thread team/ });
    for (const p of [alice, bob]) expect(await item(p).textContent()).not.toContain('unread');
    // Alice wrote the root: she follows the thread, and it has a reply she has not read.
    await expect.poll(() => item(alice).textContent()).toContain('threads with new replies');
    expect(await item(bob).textContent()).not.toContain('threads with new replies');
    const threadsButton = alice.page.getByRole('button', { name: /^Threads/ });
    await expect.poll(() => threadsButton.getAttribute('aria-label')).toBe('Threads (1 with new replies)');
    expect((await bob.sdk.listConversations()).items.find((c) => c.id === group.id)).toMatchObject({
      readSeq: 3,
      lastSeq: 4,
      unreadCount: 0,
      unreadThreads: 0,
    });

    // The Threads panel lists it with its unread count; opening it shows the newest reply: read.
    await threadsButton.click();
    const threadsPanel = alice.page.getByRole('complementary', { name: 'Threads', exact: true });
    const entry = threadsPanel.getByRole('button', { name: /the root/ });
    await expect.poll(() => entry.textContent()).toContain('1 new');
    await expectAccessible(alice.page);
    await entry.click();
    const thread = alice.page.getByRole('complementary', { name: 'Thread', exact: true });
    await thread.getByText('in the thread').waitFor();
    await thread.getByRole('button', { name: 'Following' }).waitFor();
    await expect.poll(() => threadsButton.getAttribute('aria-label')).toBe('Threads');
    await expect.poll(() => item(alice).textContent()).not.toContain('threads with new replies');
    expect((await alice.sdk.messages.threads(group.id, { followed: true })).items).toMatchObject([{ unreadCount: 0, following: true }]);

    // After a reload, still right on both sides.
    await Promise.all([alice.page.reload(), bob.page.reload()]);
    for (const p of [alice, bob]) {
      await item(p).waitFor();
      const text = await item(p).textContent();
      expect(text).not.toContain('unread');
      expect(text).not.toContain('threads with new replies');
    }

    // Unfollowing from the panel: a new reply then counts in the thread alone.
    await alice.page.getByRole('complementary', { name: 'Thread', exact: true }).getByRole('button', { name: 'Following' }).click();
    await alice.page.getByRole('button', { name: 'Follow thread' }).waitFor();
    await expect.poll(async () => (await alice.sdk.messages.threads(group.id, { followed: true })).items).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close(), carol.context.close()]);
  }, 150_000);
});
