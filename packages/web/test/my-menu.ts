import type { Locator, Page } from 'playwright-core';

/** Opens my menu (my avatar in the top bar, issue 36: one menu on every width) and returns it. */
export async function openMyMenu(page: Page): Promise<Locator> {
  await page.getByRole('button', { name: /^My menu/ }).click();
  const menu = page.getByRole('menu', { name: 'My menu' });
  await menu.waitFor();
  return menu;
}

/** Chooses an entry of my menu (Profile, Saved, Scheduled, Account, Administration, Sign out). */
export async function chooseFromMyMenu(page: Page, entry: string): Promise<void> {
  const menu = await openMyMenu(page);
  await menu.getByRole('menuitem', { name: entry, exact: true }).click();
}
