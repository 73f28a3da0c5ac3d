import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { directBetween, groupOf, openConversation, person, row } from './people.js';

const field = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });
/** The text of the focused message, or null when focus is on something else. */
const focusedMessage = (page: Page) =>
  page.evaluate(() =>
    document.activeElement?.matches('article.message') ? document.activeElement.querySelector('.message-main p')?.textContent : null,
  );

/** Issue 36 item 7: the quick switcher, the shortcuts sheet and the timeline by keyboard. */
describeBrowser('the app by keyboard (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => (harness = await startWebHarness()), 120_000);
  afterAll(async () => harness?.close());

  // Skipped (issue 36 note, 2026-11-26): after the day's merge a focus check in it fails (the
  // switcher's field, or the message field after Enter or Escape): to find and fix, then un-skip.
  it('Ctrl+K finds a conversation or a person by typing, Enter opens it and the field takes focus', async () => {
    const alice = await person(harness, 'alice');
    const bob = await person(harness, 'bob', 'Bob Brown');
    const carol = await person(harness, 'carol', 'Carol Quinn');
    const group = await groupOf(alice, [bob], 'Launch plans');
    const dm = await directBetween(alice, bob);
    await bob.sdk.sendMessage(dm.id, 'are you there?');
    const { page } = alice;
    await page.reload();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();

    await page.keyboard.press('ControlOrMeta+k');
    const dialog = page.getByRole('dialog', { name: 'Quick switcher' });
    const input = dialog.getByRole('combobox', { name: 'Quick switcher' });
    await input.waitFor();
    await expect.poll(() => input.evaluate((el) => el === document.activeElement)).toBe(true);
    // Most recent first (the DM had the last message), the unread one marked.
    const options = dialog.getByRole('option');
    await expect.poll(() => options.count()).toBe(2);
    await expect.poll(() => options.first().textContent()).toMatch(/Bob Brown.*1 unread/);
    await expectAccessible(page);

    await input.pressSequentially('launch');
    await expect.poll(() => options.allTextContents()).toEqual(['LPLaunch plans']);
    await input.press('Enter');
    await page.waitForURL(`**/c/${group.id}`);
    expect(await dialog.count()).toBe(0);
    await expect.poll(() => field(page).evaluate((el) => el === document.activeElement)).toBe(true);

    // A person I have no conversation with: Enter starts one.
    await page.keyboard.press('ControlOrMeta+k');
    await input.pressSequentially(carol.username);
    const carolOption = dialog.getByRole('option', { name: /Carol Quinn/ });
    await carolOption.waitFor();
    await expect.poll(() => carolOption.getAttribute('aria-selected')).toBe('true');
    await input.press('Enter');
    await page.getByRole('heading', { name: /Carol Quinn/ }).waitFor();
    expect((await alice.sdk.listConversations()).items.some((c) => c.kind === 'direct' && c.peerId === carol.id)).toBe(true);

    // Escape closes without going anywhere, focus back where it was.
    const url = page.url();
    await field(page).focus();
    await page.keyboard.press('ControlOrMeta+k');
    await input.waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => dialog.count()).toBe(0);
    expect(page.url()).toBe(url);
    await expect.poll(() => field(page).evaluate((el) => el === document.activeElement)).toBe(true);
    await Promise.all([alice.context.close(), bob.context.close(), carol.context.close()]);
  }, 180_000);

  it('? lists the shortcuts (not while typing); Alt+↓ and Alt+↑ move through the list, and ↑/↓/Home/End within it', async () => {
    const alice = await person(harness, 'alice');
    const bob = await person(harness, 'bob');
    const carol = await person(harness, 'carol');
    const older = await directBetween(alice, carol);
    await alice.sdk.sendMessage(older.id, 'older');
    const newer = await directBetween(alice, bob);
    await alice.sdk.sendMessage(newer.id, 'newer');
    const { page } = alice;
    await openConversation(page, newer.id);

    await field(page).pressSequentially('what?');
    expect(await page.getByRole('dialog').count()).toBe(0);
    expect(await field(page).inputValue()).toBe('what?');

    await page.getByRole('log', { name: 'Messages' }).focus();
    await page.keyboard.press('?');
    const sheet = page.getByRole('dialog', { name: 'Keyboard shortcuts' });
    await sheet.waitFor();
    await sheet.getByRole('term').filter({ hasText: 'Open the quick switcher' }).waitFor();
    expect(await sheet.getByText('Focus the previous message').locator('xpath=..').textContent()).toContain('↑ or k');
    expect(await sheet.getByText('Bold', { exact: true }).locator('xpath=..').textContent()).toContain('Ctrl+B');
    await expectAccessible(page);
    await page.keyboard.press('Escape');
    await expect.poll(() => sheet.count()).toBe(0);

    await page.keyboard.press('Alt+ArrowDown');
    await page.waitForURL(`**/c/${older.id}`);
    // From the message field too (Alt+↑ there is not "edit my last message").
    await field(page).focus();
    await page.keyboard.press('Alt+ArrowUp');
    await page.waitForURL(`**/c/${newer.id}`);
    expect(await page.getByRole('textbox', { name: 'Edit message' }).count()).toBe(0);

    // In the list itself: ↓/↑/End/Home move focus from conversation to conversation, Enter opens.
    const list = page.getByRole('navigation', { name: 'Conversations' });
    const focusedLink = () => page.evaluate(() => document.activeElement?.getAttribute('href') ?? null);
    await list.locator(`a[href="/c/${newer.id}"]`).focus();
    await page.keyboard.press('ArrowDown');
    await expect.poll(focusedLink).toBe(`/c/${older.id}`);
    await page.keyboard.press('ArrowDown'); // the last one: focus stays
    await expect.poll(focusedLink).toBe(`/c/${older.id}`);
    await page.keyboard.press('Home');
    await expect.poll(focusedLink).toBe(`/c/${newer.id}`);
    await page.keyboard.press('End');
    await expect.poll(focusedLink).toBe(`/c/${older.id}`);
    await page.keyboard.press('Enter');
    await page.waitForURL(`**/c/${older.id}`);
    await Promise.all([alice.context.close(), bob.context.close(), carol.context.close()]);
  }, 180_000);

  it('moves through a long timeline with ↑/↓, j/k, Home and End, scrolling each message in; keys act on the focused one', async () => {
    const alice = await person(harness, 'alice');
    const bob = await person(harness, 'bob');
    const dm = await directBetween(alice, bob);
    for (let i = 1; i <= 40; i++) await bob.sdk.sendMessage(dm.id, `line ${i}`);
    await alice.sdk.sendMessage(dm.id, 'mine at the end');
    const { page } = alice;
    await openConversation(page, dm.id);
    await row(page, 'mine at the end').waitFor();
    const log = page.getByRole('log', { name: 'Messages' });
    await log.focus();

    await page.keyboard.press('ArrowUp');
    await expect.poll(() => focusedMessage(page)).toBe('mine at the end');
    // The focused message shows its action bar.
    const bar = row(page, 'mine at the end').getByRole('group', { name: 'Message actions' });
    await expect.poll(() => bar.evaluate((el) => getComputedStyle(el).opacity)).toBe('1');
    await page.keyboard.press('k');
    await expect.poll(() => focusedMessage(page)).toBe('line 40');
    await page.keyboard.press('ArrowDown');
    await expect.poll(() => focusedMessage(page)).toBe('mine at the end');
    await page.keyboard.press('j'); // the newest already: focus stays
    await expect.poll(() => focusedMessage(page)).toBe('mine at the end');

    // Home: the oldest loaded message, out of view, is scrolled in and focused; reaching the top
    // loads older pages, and Home again goes on to the first of those, to the very first.
    await expect
      .poll(async () => {
        await page.keyboard.press('Home');
        return focusedMessage(page);
      })
      .toBe('line 1');
    const inView = () =>
      page.evaluate(() => {
        const box = document.activeElement!.getBoundingClientRect();
        const view = document.querySelector('.timeline')!.getBoundingClientRect();
        return box.top >= view.top - 1 && box.bottom <= view.bottom + 1;
      });
    await expect.poll(inView).toBe(true);
    await page.keyboard.press('End');
    await expect.poll(() => focusedMessage(page)).toBe('mine at the end');
    await expect.poll(inView).toBe(true);

    // e edits my message; Esc in its field cancels, and focus can come back by keyboard.
    await page.keyboard.press('e');
    const edit = page.getByRole('textbox', { name: 'Edit message' });
    await expect.poll(() => edit.evaluate((el) => el === document.activeElement)).toBe(true);
    await edit.press('Escape');
    await expect.poll(() => edit.count()).toBe(0);

    // Enter replies to the focused message: the reply bar, and the field has focus.
    await log.focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('ArrowUp');
    await expect.poll(() => focusedMessage(page)).toBe('line 40');
    await page.keyboard.press('e'); // not mine: nothing happens
    expect(await edit.count()).toBe(0);
    await page.keyboard.press('Enter');
    await page.getByRole('group', { name: 'Replying to' }).getByText('line 40').waitFor();
    await expect.poll(() => field(page).evaluate((el) => el === document.activeElement)).toBe(true);

    // Esc from the timeline goes back to the message field.
    await log.focus();
    await page.keyboard.press('ArrowUp');
    await page.keyboard.press('Escape');
    await expect.poll(() => field(page).evaluate((el) => el === document.activeElement)).toBe(true);
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 180_000);
});
