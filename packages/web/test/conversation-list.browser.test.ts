import type { Locator } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { groupOf, openConversation, person } from './people.js';
import { chooseFromMyMenu, openMyMenu } from './my-menu.js';

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

  it('highlights the open conversation edge to edge of its row, the same inset on both sides, and hover and focus draw on the whole row', async () => {
    const alice = await person(harness, 'hilite', 'Alice');
    const bob = await person(harness, 'hiliteb', 'Bob');
    const [open] = [await groupOf(bob, [alice], 'Open one'), await groupOf(bob, [alice], 'Other one')];
    const { page } = alice;
    await openConversation(page, open.id);
    const nav = page.getByRole('navigation', { name: 'Conversations' });
    const row = (name: RegExp) => nav.getByRole('listitem').filter({ has: page.getByRole('link', { name }) });
    const box = async (name: RegExp) => {
      const [li, link, side] = await Promise.all([
        row(name).boundingBox(),
        row(name).getByRole('link').boundingBox(),
        nav.evaluate((el) => ({ left: el.getBoundingClientRect().left, right: el.getBoundingClientRect().left + el.clientWidth })),
      ]);
      return { li: li!, link: link!, side };
    };
    const background = (name: RegExp) => row(name).evaluate((el) => getComputedStyle(el).backgroundColor);
    const { li, link, side } = await box(/Open one/);
    // The same inset left and right (the options button no longer takes a strip at the end).
    expect(Math.abs(li.x - side.left - (side.right - (li.x + li.width)))).toBeLessThanOrEqual(1);
    // The link (which shows the focus ring) spans the whole row.
    expect(link.width).toBeGreaterThanOrEqual(li.width - 1);
    const transparent = 'rgba(0, 0, 0, 0)';
    const selected = await background(/Open one/);
    expect(selected).not.toBe(transparent);
    expect(await background(/Other one/)).toBe(transparent);
    await row(/Other one/).hover();
    await expect.poll(() => background(/Other one/)).not.toBe(transparent);
    expect(await background(/Other one/)).not.toBe(selected);
    // Its options appear over the time on hover, inside the row.
    const more = (await row(/Other one/)
      .getByRole('button', { name: 'More options' })
      .boundingBox())!;
    const other = (await box(/Other one/)).li;
    expect(more.x + more.width).toBeLessThanOrEqual(other.x + other.width + 1);
    // Moved to by the keyboard (focus-visible): the ring sits inside the row, not cut by the sidebar.
    await row(/Other one/)
      .getByRole('link')
      .focus();
    await page.keyboard.press('End');
    const ring = await page.evaluate(() => {
      const focused = document.activeElement as HTMLElement;
      const style = getComputedStyle(focused);
      return { item: focused.classList.contains('conversation-item'), style: style.outlineStyle, offset: style.outlineOffset };
    });
    expect(ring).toEqual({ item: true, style: 'solid', offset: '-2px' });
    await Promise.all([alice.context.close(), bob.context.close()]);
  });

  it('reaches every page of mine from my menu, on a desktop as on a phone', async () => {
    const alice = await person(harness, 'mymenu', 'Alice');
    const { page } = alice;
    // None of it is a link in the top bar any more: one button, my avatar.
    const bar = page.getByRole('banner');
    await bar.getByRole('button', { name: /^My menu/ }).waitFor();
    expect(await bar.getByRole('link', { name: /^(Profile|Saved|Scheduled|Account|Administration)$/ }).count()).toBe(0);
    const pages: [string, Locator][] = [
      ['Profile', page.getByLabel('Display name')],
      ['Saved', page.getByRole('heading', { name: 'Saved messages' })],
      ['Scheduled', page.getByRole('heading', { name: 'Scheduled messages' })],
      ['Account', page.getByRole('navigation', { name: 'Account sections' })],
    ];
    for (const [entry, shown] of pages) {
      await chooseFromMyMenu(page, entry);
      await shown.waitFor();
    }
    // Chosen with the pointer, the menu hands focus back to my avatar: no tooltip pops up for it.
    const avatar = bar.getByRole('button', { name: /^My menu/ });
    await expect.poll(() => avatar.evaluate((el) => el === document.activeElement)).toBe(true);
    await page.waitForTimeout(500);
    expect(await page.locator('.ui-tooltip:visible').count()).toBe(0);
    // By the keyboard it does (the hint is for whoever Tabs there).
    await page.keyboard.press('Enter');
    await page.getByRole('menu', { name: 'My menu' }).waitFor();
    await page.keyboard.press('Escape');
    await page.locator('.ui-tooltip', { hasText: 'My menu' }).waitFor();
    await page.setViewportSize({ width: 390, height: 844 });
    const menu = await openMyMenu(page);
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['Profile', 'Saved', 'Scheduled', 'Account', 'Sign out']);
    expect(await menu.getByRole('menuitemradio').allTextContents()).toEqual(['System', 'Light', 'Dark']);
    const [shown, viewport] = [(await menu.boundingBox())!, page.viewportSize()!];
    expect(shown.x).toBeGreaterThanOrEqual(0);
    expect(shown.x + shown.width).toBeLessThanOrEqual(viewport.width);
    await page.keyboard.press('Escape');
    await expect.poll(() => menu.count()).toBe(0);
    await alice.context.close();
  });
});
