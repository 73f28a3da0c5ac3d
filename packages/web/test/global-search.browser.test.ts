import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { directBetween, groupOf, person, row } from './people.js';

/** Search across every conversation of mine, from the conversation list, and the jump to a hit. */
describeBrowser('search across conversations (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('finds messages in every conversation and opens one at the message, older history loaded', async () => {
    const [alice, bob, carol] = await Promise.all([
      person(harness, 'alice', 'Alice'),
      person(harness, 'bob', 'Bob'),
      person(harness, 'carol', 'Carol'),
    ]);
    const dm = await directBetween(alice, bob);
    const group = await groupOf(carol, [alice], 'Gardeners');
    // The hit in the DM is far older than the first page of 15 (and than a second page).
    await bob.sdk.sendMessage(dm.id, 'the pineapple harvest starts monday');
    for (let i = 1; i <= 40; i++) await alice.sdk.sendMessage(dm.id, `filler ${i}`);
    await carol.sdk.sendMessage(group.id, 'pineapple seedlings for everyone');
    await bob.sdk.sendMessage(dm.id, 'nothing to see');

    const page = alice.page;
    await page.goto('/');
    const field = page.getByRole('searchbox', { name: 'Search all messages' });
    await field.fill('pineap');
    const results = page.getByRole('region', { name: 'Search results' });
    await results.getByRole('status').filter({ hasText: '2 messages' }).waitFor();
    const dmHit = results.getByRole('button', { name: /pineapple harvest/ });
    const groupHit = results.getByRole('button', { name: /pineapple seedlings/ });
    // Each hit names its conversation and sender, and marks the matched word.
    await expect.poll(() => groupHit.textContent()).toContain('Gardeners');
    await expect.poll(() => groupHit.textContent()).toContain('Carol');
    await expect.poll(() => dmHit.textContent()).toContain('Bob');
    expect(await dmHit.locator('mark').textContent()).toBe('pineapple');
    await expectAccessible(page);

    await dmHit.click();
    await page.waitForURL(`**/c/${dm.id}`);
    const jumped = row(page, 'the pineapple harvest starts monday');
    await expect.poll(() => jumped.evaluate((e) => e.classList.contains('jumped-to'))).toBe(true);
    await expect.poll(() => jumped.evaluate((e) => document.activeElement === e)).toBe(true);

    // The results stay while I look at one; the other hit opens the group at its message.
    await groupHit.click();
    await page.waitForURL(`**/c/${group.id}`);
    await expect.poll(() => row(page, 'pineapple seedlings').evaluate((e) => e.classList.contains('jumped-to'))).toBe(true);

    // Esc clears the search and brings the conversation list back.
    await field.press('Escape');
    await page.getByRole('link', { name: /Gardeners/ }).waitFor();
    expect(await results.count()).toBe(0);
    await Promise.all([alice.context.close(), bob.context.close(), carol.context.close()]);
  }, 120_000);
});
