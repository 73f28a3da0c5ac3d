import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BrowserUser, type WebHarness, describeBrowser, expectAccessible, signUp, startWebHarness } from './browser.js';

const timeline = (page: Page) => page.getByRole('log', { name: 'Messages' });
const messageField = (page: Page) => page.getByRole('textbox', { name: 'Message' });

/** Opens (or creates) the direct conversation with `other` through the directory, as a person would. */
async function startDirect(user: BrowserUser, other: BrowserUser): Promise<void> {
  await user.page.getByRole('link', { name: 'New message' }).click();
  await user.page.getByRole('searchbox', { name: 'Find people' }).fill(other.username);
  await user.page.getByRole('button', { name: new RegExp(`Message .*@${other.username}`) }).click();
  await user.page.getByRole('heading', { level: 2, name: new RegExp(`@${other.username}`) }).waitFor();
}

async function send(page: Page, text: string): Promise<void> {
  await messageField(page).fill(text);
  await messageField(page).press('Enter');
}

describeBrowser('chatting in the browser', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('two people start a DM and talk live both ways, with typing and read ticks, and find the history after a reload', async () => {
    const alice = await signUp(harness, 'alice', 'Alice');
    const bob = await signUp(harness, 'bob', 'Bob');
    await startDirect(alice, bob);

    await send(alice.page, 'hello bob');
    await timeline(alice.page).getByText('hello bob').waitFor();
    // Bob's list shows it live, unread, with Alice's name and username.
    const item = bob.page.getByRole('link', { name: new RegExp(`@${alice.username}.*hello bob`) });
    await item.waitFor();
    await expect.poll(() => item.textContent()).toContain('1 unread');
    await item.click();
    await timeline(bob.page).getByText('hello bob').waitFor();
    // Seen: Alice's message turns read.
    await timeline(alice.page).getByText('Read', { exact: true }).waitFor();

    // Typing shows on the other side, then the message arrives live.
    await messageField(bob.page).pressSequentially('hi al');
    await alice.page.getByText(new RegExp(`@${bob.username} is typing…`)).waitFor();
    await messageField(bob.page).pressSequentially('ice');
    await messageField(bob.page).press('Shift+Enter');
    await messageField(bob.page).pressSequentially('second line');
    await messageField(bob.page).press('Enter');
    await timeline(alice.page).getByText('second line').waitFor();
    await expect.poll(() => alice.page.getByText(/is typing…/).count()).toBe(0);
    expect(await messageField(bob.page).inputValue()).toBe('');
    await expectAccessible(alice.page);

    await alice.page.reload();
    await timeline(alice.page).getByText('hello bob').waitFor();
    await timeline(alice.page).getByText('second line').waitFor();
    await alice.context.close();
    await bob.context.close();
  });

  it('sends a message typed while offline once, with the same clientId, when the connection returns', async () => {
    const alice = await signUp(harness, 'alice');
    const bob = await signUp(harness, 'bob');
    await startDirect(bob, alice);
    await send(bob.page, 'first');
    await timeline(bob.page)
      .getByText(/^(Sent|Delivered)$/)
      .waitFor(); // stored (Alice's device may already have it)
    await startDirect(alice, bob);
    await timeline(alice.page).getByText('first').waitFor();

    await bob.context.setOffline(true);
    await bob.page.getByRole('status').filter({ hasText: 'Offline' }).waitFor();
    await send(bob.page, 'written offline');
    await timeline(bob.page).getByText('Sending…').waitFor();
    await bob.context.setOffline(false);
    await bob.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    await timeline(alice.page).getByText('written offline').waitFor();
    await expect.poll(() => timeline(bob.page).getByText('Sending…').count()).toBe(0);

    // Whatever was going to arrive twice would have by the time a later message does.
    await send(bob.page, 'after coming back');
    await timeline(alice.page).getByText('after coming back').waitFor();
    expect(await timeline(alice.page).getByText('written offline').count()).toBe(1);
    await alice.page.reload();
    await timeline(alice.page).getByText('after coming back').waitFor();
    expect(await timeline(alice.page).getByText('written offline').count()).toBe(1);
    await alice.context.close();
    await bob.context.close();
  });

  it('loads history 15 at a time as the view nears the top, down to the first message', async () => {
    const alice = await signUp(harness, 'alice');
    const bob = await signUp(harness, 'bob');
    await startDirect(bob, alice);
    for (let i = 1; i <= 40; i++) await send(bob.page, `note ${i}`);
    await timeline(bob.page).getByText('note 40').waitFor();
    // Bob has read everything (he wrote it): a fresh view opens at the newest, one page loaded.
    await bob.page.reload();
    await timeline(bob.page).getByText('note 40').waitFor();
    expect(await timeline(bob.page).getByText('note 1', { exact: true }).count()).toBe(0);
    while (!(await timeline(bob.page).getByText('This is the beginning of the conversation.').isVisible())) {
      await timeline(bob.page).evaluate((el) => el.scrollBy(0, -600));
      await bob.page.waitForTimeout(50); // a person's scrolling pace
    }
    await timeline(bob.page).getByText('note 1', { exact: true }).waitFor();

    await alice.context.close();
    await bob.context.close();
  });

  it('shows markup in a message as text, never running it', async () => {
    const alice = await signUp(harness, 'alice');
    const bob = await signUp(harness, 'bob');
    await startDirect(alice, bob);
    const hostile = '<script>window.__owned = 1</script><img src=x onerror="window.__owned = 2"> **bold** https://example.com/x';
    await send(alice.page, hostile);
    await startDirect(bob, alice);
    const row = timeline(bob.page).locator('article').filter({ hasText: '<script>window.__owned = 1</script>' });
    await row.waitFor();
    expect(await row.locator('script, img').count()).toBe(0);
    expect(await row.locator('strong').textContent()).toBe('bold');
    expect(await row.getByRole('link', { name: 'https://example.com/x' }).getAttribute('href')).toBe('https://example.com/x');
    expect(await bob.page.evaluate(() => (window as { __owned?: number }).__owned)).toBeUndefined();
    await alice.context.close();
    await bob.context.close();
  });
});
