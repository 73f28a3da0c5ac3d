import { afterAll, beforeAll, expect, it } from 'vitest';
import { LinkPages } from '../../server/test/link-pages.js';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { groupOf, openConversation, person, row, sendText } from './people.js';

/** Issue 37 in the browser: a link's card arrives live under the message, fits a phone in dark, and its sender removes it. */
describeBrowser('link previews (browser)', () => {
  let harness: WebHarness;
  let pages: LinkPages;
  beforeAll(async () => {
    pages = await LinkPages.start();
    // The pages are on 127.0.0.1, which previews may reach only when the operator says so.
    harness = await startWebHarness({ LINK_PREVIEW_ALLOW_HOSTS: '127.0.0.1' });
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    await pages?.close();
  });

  it('shows the card with its picture to everyone, light and dark, at 390 px; the sender removes it', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice', 'Alice'), person(harness, 'bob', 'Bob')]);
    const group = await groupOf(alice, [bob], 'Links');
    await Promise.all([openConversation(alice.page, group.id), openConversation(bob.page, group.id)]);
    await sendText(alice.page, `Have a look: ${pages.url('/og')}`);

    const bobsCard = row(bob.page, 'Have a look').locator('.link-card');
    await bobsCard.getByText('Confab & friends').waitFor();
    await bobsCard.getByText('A chat server you host yourself.').waitFor();
    await bobsCard.getByText('Confab Site').waitFor();
    await expect.poll(() => bobsCard.locator('img.link-card-image').getAttribute('src')).toMatch(/^blob:/);
    expect(await bobsCard.getByRole('link').getAttribute('href')).toBe(pages.url('/og'));
    // Only the sender may remove it.
    expect(await bobsCard.getByRole('button', { name: 'Remove preview' }).count()).toBe(0);
    await expectAccessible(bob.page);

    await bob.page.setViewportSize({ width: 390, height: 844 });
    await bob.page.emulateMedia({ colorScheme: 'dark' });
    await bobsCard.getByText('Confab & friends').waitFor();
    expect(await bob.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390);
    const box = await bobsCard.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(390);
    await expectAccessible(bob.page);

    const alicesCard = row(alice.page, 'Have a look').locator('.link-card');
    await alicesCard.getByRole('button', { name: 'Remove preview' }).click();
    await bobsCard.waitFor({ state: 'detached' });
    await alicesCard.waitFor({ state: 'detached' });
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);
});
