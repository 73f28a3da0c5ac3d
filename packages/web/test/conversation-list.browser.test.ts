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

  it('fits a 390 px phone: the list has no horizontal overflow and my links sit in one menu', async () => {
    const alice = await person(harness, 'phone', 'Alice');
    const bob = await person(harness, 'phoneb', 'Bob');
    await groupOf(bob, [alice], 'A group with a rather long title that must not widen the page');
    const { page } = alice;
    await page.setViewportSize({ width: 390, height: 844 });
    await page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('link', { name: /rather long title/ })
      .waitFor();
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    await page.getByRole('button', { name: /My menu/ }).click();
    await page.getByRole('menuitem', { name: 'Sign out' }).waitFor();
    await page.keyboard.press('Escape');
  }, 90_000);
});
