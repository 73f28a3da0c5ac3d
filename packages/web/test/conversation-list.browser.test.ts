import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { groupOf, person } from './people.js';

describeBrowser('the conversation list at a glance (issue 36 item 8)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('stars into a Starred section, archives into a collapsed Archived section and back, mutes without an unread count', async () => {
    const [alice, bob] = [await person(harness, 'alice', 'Alice'), await person(harness, 'bob', 'Bob')];
    const books = await groupOf(bob, [alice], 'Books');
    await groupOf(bob, [alice], 'Films');
    await bob.sdk.sendMessage(books.id, 'chapter one');
    const { page } = alice;
    const nav = page.getByRole('navigation', { name: 'Conversations' });
    const row = (name: RegExp) => nav.getByRole('listitem').filter({ has: page.getByRole('link', { name }) });
    await row(/Books/).getByText('1 unread').waitFor();

    // Star from the row's More menu, by keyboard.
    await row(/Films/).getByRole('button', { name: 'More options' }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('menuitem', { name: 'Star' }).click();
    const starred = nav.getByRole('region', { name: 'Starred' });
    await starred.getByRole('link', { name: /Films/ }).waitFor();

    // Archive Books: it leaves the list for the collapsed Archived section.
    await row(/Books/).getByRole('button', { name: 'More options' }).click();
    await page.getByRole('menuitem', { name: 'Archive' }).click();
    const toggle = nav.getByRole('button', { name: /Archived \(1\)/ });
    await toggle.waitFor();
    expect(await toggle.getAttribute('aria-expanded')).toBe('false');
    await expect.poll(() => nav.getByRole('link', { name: /Books/ }).count()).toBe(0);
    await toggle.click();
    await row(/Books/).getByRole('button', { name: 'More options' }).click();
    await page.getByRole('menuitem', { name: 'Unarchive' }).click();
    await expect.poll(() => nav.getByRole('button', { name: /Archived/ }).count()).toBe(0);

    // Muted: dimmed with the bell-off, its unread not counted.
    await alice.sdk.setMuted(books.id, true);
    await row(/Books/).getByText('(muted)').waitFor();
    await expect.poll(() => row(/Books/).getByText('1 unread').count()).toBe(0);
    await expectAccessible(page);
  }, 90_000);
});
