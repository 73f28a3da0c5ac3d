import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, signUp, startWebHarness } from './browser.js';
import { chooseFromMyMenu, openMyMenu } from './my-menu.js';

const timeline = (page: Page) => page.getByRole('log', { name: 'Messages' });

describeBrowser('groups and profiles in the browser', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('makes a group of three, adds a fourth and removes one, everyone seeing it live', async () => {
    const [alice, bob, carol, dave] = [
      await signUp(harness, 'alice', 'Alice'),
      await signUp(harness, 'bob', 'Bob'),
      await signUp(harness, 'carol', 'Carol'),
      await signUp(harness, 'dave', 'Dave'),
    ];
    const { page } = alice;
    await page.getByRole('link', { name: 'New group' }).click();
    await page.getByLabel('Group name').fill('Book club');
    for (const other of [bob, carol]) {
      await page.getByRole('searchbox', { name: 'Add people' }).fill(other.username);
      await page.getByRole('button', { name: new RegExp(`Add .*@${other.username}`) }).click();
    }
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { level: 2, name: 'Book club' }).waitFor();
    await page.getByRole('textbox', { name: 'Message' }).fill('welcome, both');
    await page.getByRole('textbox', { name: 'Message' }).press('Enter');

    for (const member of [bob, carol]) {
      await member.page.getByRole('link', { name: /Book club/ }).click();
      await timeline(member.page).getByText('welcome, both').waitFor();
    }
    // Both read it: "seen by" names them on Alice's message.
    await timeline(page)
      .getByText(new RegExp(`Seen by .*@${bob.username}.*@${carol.username}|Seen by .*@${carol.username}.*@${bob.username}`))
      .waitFor();

    await page.getByRole('button', { name: 'Members' }).click();
    const panel = page.getByRole('complementary', { name: 'Members' });
    await panel.getByRole('searchbox', { name: 'Add people' }).fill(dave.username);
    await panel.getByRole('button', { name: new RegExp(`Add .*@${dave.username}`) }).click();
    await dave.page.getByRole('link', { name: /Book club/ }).waitFor();
    await panel
      .getByRole('listitem')
      .filter({ hasText: `@${carol.username}` })
      .getByRole('button', { name: 'Remove' })
      .click();
    // It asks first, naming whom and from where.
    await page.getByRole('dialog', { name: 'Remove Carol from Book club?' }).getByRole('button', { name: 'Remove' }).click();
    await expect.poll(() => carol.page.getByRole('link', { name: /Book club/ }).count()).toBe(0);
    await timeline(bob.page)
      .getByText(new RegExp(`removed .*@${carol.username}`))
      .waitFor();
    await timeline(bob.page)
      .getByText(new RegExp(`added .*@${dave.username}`))
      .waitFor();
    await expectAccessible(page);
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('complementary', { name: 'Members' }).count()).toBe(0);
    for (const user of [alice, bob, carol, dave]) await user.context.close();
  }, 240_000); // four people signing up and three screens each: slow on a busy two-core machine

  it('edits the profile: the new name shows to others with the username beside it', async () => {
    const alice = await signUp(harness, 'alice');
    await chooseFromMyMenu(alice.page, 'Profile');
    await alice.page.getByLabel('Display name').fill('‮Mallory'); // a right-to-left override stays inside its <bdi>
    await alice.page.getByLabel('Bio').fill('Reads a lot');
    await alice.page.getByLabel('Hide when I was last online').check();
    await alice.page.getByRole('button', { name: 'Save profile' }).click();
    await alice.page.getByText('Saved.').waitFor();
    await expectAccessible(alice.page);
    await alice.page.reload();
    await expect.poll(() => alice.page.getByLabel('Hide when I was last online').isChecked()).toBe(true);
    const name = (await openMyMenu(alice.page)).locator('.person-name');
    expect(await name.locator('bdi').allTextContents()).toEqual(['‮Mallory', `@${alice.username}`]);
    await alice.context.close();
  });
});
