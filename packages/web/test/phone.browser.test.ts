import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uniqueName } from '../../server/test/harness.js';
import { signIn } from './accounts.js';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { directBetween, groupOf, openConversation, person } from './people.js';

const PHONE = { width: 390, height: 844 };

/**
 * What sticks out past the right or left edge of the screen: the page's own width, and every
 * element not clipped by a scrolling or clipping box that itself fits (a code block that
 * scrolls sideways, a name cut with an ellipsis).
 */
function overflowing(page: Page): Promise<string[]> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const found: string[] = [];
    if (document.documentElement.scrollWidth > width) found.push(`the page: ${document.documentElement.scrollWidth}px`);
    const fits = (r: DOMRect) => r.left >= -1 && r.right <= width + 1;
    const clippedByAFittingBox = (element: Element) => {
      for (let box = element.parentElement; box; box = box.parentElement) {
        const style = getComputedStyle(box);
        if (style.overflowX !== 'visible' || style.clipPath !== 'none' || style.clip !== 'auto') return fits(box.getBoundingClientRect());
      }
      return false;
    };
    for (const element of document.body.querySelectorAll('*')) {
      const r = element.getBoundingClientRect();
      if (r.width === 0 || r.height === 0 || fits(r) || clippedByAFittingBox(element)) continue;
      found.push(`${element.tagName.toLowerCase()}.${[...element.classList].join('.')} ${Math.round(r.left)}–${Math.round(r.right)}px`);
    }
    return found;
  });
}

/** Issue 36 item 9: at 390 × 844 nothing is wider than the screen in any view, and the header's actions are one menu. */
describeBrowser('on a phone (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => (harness = await startWebHarness()), 120_000);
  afterAll(async () => harness?.close());

  it('no view is wider than the screen', async () => {
    const alice = await person(harness, 'alice', 'Alice with a rather long display name');
    const bob = await person(harness, 'bob', 'Bob');
    const group = await groupOf(alice, [bob], 'A group whose title is far longer than a phone is wide, as some are');
    const dm = await directBetween(alice, bob);
    // What tends to push a phone's layout: a long unbroken word, a table, a code block, a long link.
    await bob.sdk.sendMessage(
      dm.id,
      `${'supercalifragilistic'.repeat(8)}\n\n| a | b | c |\n|---|---|---|\n| one | two | three |\n\n\`\`\`\n${'const x = 1; '.repeat(20)}\n\`\`\`\nhttps://example.org/${'path/'.repeat(30)}`,
    );
    const root = await alice.sdk.sendMessage(group.id, 'a thread root with a reply');
    await bob.sdk.sendMessage(group.id, 'the reply', undefined, { threadRootId: root.id });
    const { page } = alice;
    await page.setViewportSize(PHONE);

    const main = (p: Page) => p.getByRole('main');
    const views: [string, (p: Page) => Locator][] = [
      ['/', (p) => p.getByRole('navigation', { name: 'Conversations' }).getByRole('link', { name: /Bob @bob_/ })],
      [`/c/${dm.id}`, (p) => p.locator('article.message', { hasText: 'supercalifragilistic' })],
      [`/c/${group.id}`, (p) => p.locator('article.message', { hasText: 'a thread root' })],
      [`/c/${group.id}/members`, (p) => p.getByRole('complementary', { name: 'Members' }).getByText('Bob', { exact: true })],
      [`/c/${group.id}/thread/${root.id}`, (p) => p.getByRole('complementary', { name: 'Thread' }).getByText('the reply')],
      [`/c/${group.id}/threads`, (p) => p.getByRole('complementary', { name: 'Threads' })],
      [`/c/${dm.id}/pins`, (p) => p.getByText('Nothing is pinned.')],
      [`/c/${dm.id}/search`, (p) => p.getByRole('searchbox', { name: 'Search messages' })],
      ['/new/direct', (p) => p.getByRole('heading', { name: 'New message' })],
      ['/new/group', (p) => main(p).getByRole('heading').first()],
      ['/saved', (p) => main(p).getByRole('heading').first()],
      ['/settings/profile', (p) => main(p).getByRole('heading').first()],
      ['/settings', (p) => p.getByRole('navigation', { name: 'Account sections' })],
      ...['email', 'password', 'sessions', 'notifications', 'appearance', 'data', 'delete'].map(
        (section): [string, (p: Page) => Locator] => [`/settings/${section}`, (p) => main(p).getByRole('heading').first()],
      ),
      ['/no-such-page', (p) => main(p).getByRole('heading').first()],
    ];
    for (const [path, ready] of views) {
      await page.goto(path);
      await ready(page).waitFor();
      expect(await overflowing(page), path).toEqual([]);
    }

    // Search results in the list.
    await page.goto('/');
    await page.getByPlaceholder('Search all messages').fill('supercalifragilistic');
    await page
      .getByRole('region', { name: 'Search results' })
      .getByText(/supercalifragilistic/)
      .first()
      .waitFor();
    expect(await overflowing(page), 'search results').toEqual([]);

    // The administration, as an admin.
    const adminName = uniqueName('admin');
    await harness.server.server.services.accounts.users.create({ username: adminName, password: 'admin password 1' }, { isAdmin: true });
    const admin = await signIn(harness, adminName, 'admin password 1');
    await admin.page.setViewportSize(PHONE);
    for (const path of ['/admin/users', '/admin/audit']) {
      await admin.page.goto(path);
      await main(admin.page).getByRole('table').or(main(admin.page).getByRole('list')).first().waitFor();
      expect(await overflowing(admin.page), path).toEqual([]);
    }
    await Promise.all([alice.context.close(), bob.context.close(), admin.context.close()]);
  }, 180_000);

  it("puts the header's actions in one More menu on a phone, and shows them as icon buttons with tooltips on a desktop", async () => {
    const alice = await person(harness, 'alice');
    const bob = await person(harness, 'bob');
    const dm = await directBetween(alice, bob);
    const { page } = alice;
    await openConversation(page, dm.id);
    const header = page.locator('.conversation-header');
    const mute = header.getByRole('button', { name: 'Mute', exact: true });
    await mute.hover();
    await page.locator('.ui-tooltip', { hasText: 'Mute' }).waitFor();
    expect(await header.getByRole('button', { name: 'More', exact: true }).count()).toBe(0);

    await page.setViewportSize(PHONE);
    expect(await mute.count()).toBe(0);
    // Checked before the menu opens: axe counts Radix's popper wrapper as content outside landmarks.
    await expectAccessible(page);
    const more = header.getByRole('button', { name: 'More', exact: true });
    await more.click();
    // Named by its button (Radix labels a menu by its trigger).
    const menu = page.getByRole('menu', { name: 'More' });
    await menu.getByRole('menuitem').first().waitFor();
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['Search', 'Threads', 'Pinned', 'Mute', 'Clear history', 'Block']);
    await menu.getByRole('menuitem', { name: 'Mute' }).click();
    await expect.poll(async () => (await alice.sdk.getConversation(dm.id)).muted).toBe(true);
    await more.click();
    await menu.getByRole('menuitem', { name: 'Unmute' }).waitFor();
    // A destructive one still asks first.
    await menu.getByRole('menuitem', { name: 'Block' }).click();
    const dialog = page.getByRole('dialog', { name: 'Block this person?' });
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await alice.sdk.blockedUsers()).items).toEqual([]);
    expect(await overflowing(page)).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 180_000);
});
