import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, openContext, startWebHarness } from './browser.js';
import { type Person, directBetween, openConversation, person, row } from './people.js';

const field = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });

/** Issue 37 in the browser: my draft follows me from one device to another, a send clears it on both, a conflict asks. */
describeBrowser('drafts across devices (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => (harness = await startWebHarness()), 120_000);
  afterAll(async () => harness?.close());

  /** The same person signed in on a second device (a browser context of its own: its own storage). */
  async function secondDevice(who: Person): Promise<{ page: Page; close: () => Promise<void> }> {
    const { context, page } = await openContext(harness);
    await page.goto('/sign-in');
    await page.getByLabel('Username').fill(who.username);
    await page.getByLabel('Password').fill(who.password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    return { page, close: () => context.close() };
  }

  it('shows what I type on one device on the other, and a send from either clears both', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    const laptop = await secondDevice(alice);
    await Promise.all([openConversation(alice.page, dm.id), openConversation(laptop.page, dm.id)]);

    await field(alice.page).fill('written on the phone');
    await expect.poll(() => field(laptop.page).inputValue()).toBe('written on the phone');
    await expect.poll(async () => (await alice.sdk.drafts()).items.map((d) => d.body)).toEqual(['written on the phone']);

    await field(laptop.page).press('Enter');
    await row(alice.page, 'written on the phone').waitFor();
    await expect.poll(() => field(laptop.page).inputValue()).toBe('');
    await expect.poll(() => field(alice.page).inputValue()).toBe('');
    expect((await alice.sdk.drafts()).items).toEqual([]);
    await laptop.close();
    await Promise.all([alice.context.close(), bob.context.close()]);
  });

  // A reload's new page can read storage before the page it left has written its draft there;
  // that write then arrives as it does from another tab (composer.browser.test.ts's refused
  // message came back as an empty field once that way).
  it("shows in this tab's field the draft another tab of the same browser wrote, without the server", async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    const tab = await alice.context.newPage();
    await Promise.all([openConversation(alice.page, dm.id), openConversation(tab, dm.id)]);
    // Offline, no draft.updated can bring it: only the other tab's write to storage.
    await alice.context.setOffline(true);
    await field(tab).fill('typed in the other tab');
    await expect.poll(() => field(alice.page).inputValue()).toBe('typed in the other tab');
    await alice.context.setOffline(false);
    await Promise.all([alice.context.close(), bob.context.close()]);
  });

  it('keeps what I typed offline when another device saved meanwhile, shows theirs, and takes it on "Use theirs"', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    const laptop = await secondDevice(alice);
    await Promise.all([openConversation(alice.page, dm.id), openConversation(laptop.page, dm.id)]);

    await alice.context.setOffline(true);
    await field(alice.page).fill('typed on the train');
    await field(laptop.page).fill('typed at my desk');
    await expect.poll(async () => (await alice.sdk.drafts()).items.map((d) => d.body)).toEqual(['typed at my desk']);
    await alice.context.setOffline(false);

    const banner = alice.page.getByRole('status').filter({ hasText: 'Edited on another device' });
    await banner.getByText('typed at my desk').waitFor();
    expect(await field(alice.page).inputValue()).toBe('typed on the train');
    await expectAccessible(alice.page);
    await banner.getByRole('button', { name: 'Use theirs' }).click();
    await expect.poll(() => field(alice.page).inputValue()).toBe('typed at my desk');
    expect(await banner.count()).toBe(0);
    expect((await alice.sdk.drafts()).items.map((d) => d.body)).toEqual(['typed at my desk']);
    await laptop.close();
    await Promise.all([alice.context.close(), bob.context.close()]);
  });
});
