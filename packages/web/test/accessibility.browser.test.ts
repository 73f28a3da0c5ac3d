import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { signInAdmin, startAccountHarness, type AccountHarness } from './accounts.js';
import { describeBrowser, openContext } from './browser.js';
import { groupOf, openConversation, person, row } from './people.js';
import { chooseFromMyMenu } from './my-menu.js';

const axeSource = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface AxeFinding {
  id: string;
  impact: string | null;
  help: string;
  targets: string[];
}

/**
 * Runs axe-core on the page as it is, in the light and then the dark theme, and returns the
 * serious and critical violations, one line each. axe's source is evaluated through DevTools:
 * a `<script>` added to the page (addScriptTag) is refused by the server's CSP, `script-src 'self'`.
 */
async function seriousViolations(page: Page, where: string): Promise<string[]> {
  if (!(await page.evaluate(() => 'axe' in window))) await page.evaluate(axeSource);
  const lines: string[] = [];
  for (const theme of ['light', 'dark'] as const) {
    const findings = await page.evaluate(async (chosen) => {
      document.documentElement.dataset.theme = chosen;
      // The colours change with the attribute; buttons ease into theirs (a CSS transition), and
      // axe must read where they end, not a colour halfway.
      await new Promise(requestAnimationFrame);
      await Promise.all(
        document
          .getAnimations()
          // Transitions only: an endless animation (a pulse, a spinner) never finishes.
          .filter((animation) => animation instanceof CSSTransition)
          .map((animation) => animation.finished.catch(() => undefined)),
      );
      const axe = (window as unknown as { axe: { run(context: Document): Promise<{ violations: unknown[] }> } }).axe;
      const result = await axe.run(document);
      return (result.violations as { id: string; impact: string | null; help: string; nodes: { target: string[] }[] }[]).map(
        (v): AxeFinding => ({ id: v.id, impact: v.impact, help: v.help, targets: v.nodes.map((n) => n.target.join(' ')) }),
      );
    }, theme);
    for (const v of findings) {
      if (v.impact === 'serious' || v.impact === 'critical')
        lines.push(`${where} (${theme}): ${v.id} (${v.impact}) ${v.help} — ${v.targets.join(', ')}`);
    }
  }
  await page.evaluate(() => delete document.documentElement.dataset.theme);
  return lines;
}

/**
 * Issue 36 item 11: axe-core finds no serious or critical violation on sign-in, the conversation
 * list, a conversation, a thread, a confirmation, settings and admin, in both themes. Every page
 * is checked and the failure lists every finding at once.
 */
describeBrowser('accessibility (axe-core, browser)', () => {
  let harness: AccountHarness;
  beforeAll(async () => {
    harness = await startAccountHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('has no serious or critical violation on any main screen', async () => {
    const found: string[] = [];
    const check = async (page: Page, where: string) => found.push(...(await seriousViolations(page, where)));

    const visitor = await openContext(harness);
    await visitor.page.goto('/sign-in');
    await visitor.page.getByRole('heading', { name: 'Sign in' }).waitFor();
    await check(visitor.page, 'sign-in');
    // The check itself works: a button with no name is reported, in both themes.
    await visitor.page.evaluate(() => document.body.append(Object.assign(document.createElement('button'), { id: 'unnamed' })));
    const planted = await seriousViolations(visitor.page, 'planted');
    expect(planted.filter((line) => line.includes('button-name') && line.includes('#unnamed'))).toHaveLength(2);
    await visitor.page.evaluate(() => document.getElementById('unnamed')?.remove());
    await visitor.page.goto('/sign-up');
    await visitor.page.getByRole('button', { name: 'Create account' }).waitFor();
    await check(visitor.page, 'sign-up');
    await visitor.context.close();

    const [alice, bob] = await Promise.all([person(harness, 'alice', 'Alice'), person(harness, 'bob', 'Bob')]);
    const group = await groupOf(alice, [bob], 'Access team');
    const root = await bob.sdk.sendMessage(group.id, 'Hello **team**, see [the docs](https://example.org)');
    await alice.sdk.sendMessage(group.id, 'a reply in the thread', undefined, { threadRootId: root.id });
    await alice.sdk.sendMessage(group.id, 'and one in the timeline');

    const { page } = alice;
    await page.goto('/');
    await page.getByRole('link', { name: /Access team/ }).waitFor();
    await check(page, 'conversation list');

    await openConversation(page, group.id);
    await row(page, 'and one in the timeline').waitFor();
    await check(page, 'conversation');

    await page.goto(`/c/${group.id}/thread/${root.id}`);
    const thread = page.getByRole('complementary', { name: 'Thread', exact: true });
    await thread.getByText('a reply in the thread').waitFor();
    await check(page, 'thread');

    await page.getByRole('button', { name: 'Members' }).click();
    const members = page.getByRole('complementary', { name: 'Members' });
    await members.getByRole('button', { name: 'Leave group' }).click();
    const leave = page.getByRole('dialog', { name: 'Leave Access team?' });
    await leave.waitFor();
    // The safe choice has the focus, so Enter by habit does not leave.
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Cancel');
    await check(page, 'leave-group confirmation');
    // Escape answers the question only: the Members panel behind stays, focus back on its button.
    await page.keyboard.press('Escape');
    await expect.poll(() => leave.count()).toBe(0);
    expect(await members.isVisible()).toBe(true);
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Leave group');
    expect((await alice.sdk.getConversation(group.id)).members.some((m) => m.userId === alice.id)).toBe(true);

    for (const section of ['email', 'sessions', 'appearance', 'delete']) {
      await page.goto(`/settings/${section}`);
      await page.getByRole('navigation', { name: 'Account sections' }).waitFor();
      await page
        .getByRole('link', { name: new RegExp(section, 'i'), exact: false })
        .first()
        .waitFor();
      await page.locator('.settings-section h3').first().waitFor();
      if (section === 'sessions') await page.getByRole('list', { name: 'Sessions' }).waitFor();
      await check(page, `settings/${section}`);
    }
    await page.goto('/settings/profile');
    await page.getByLabel('Display name').waitFor();
    await check(page, 'profile');

    const admin = await signInAdmin(harness);
    await chooseFromMyMenu(admin.page, 'Administration');
    await admin.page.getByRole('table', { name: 'Users' }).waitFor();
    await check(admin.page, 'admin/users');
    const bobRow = admin.page
      .getByRole('table', { name: 'Users' })
      .getByRole('row')
      .filter({ hasText: `@${bob.username}` });
    await bobRow.getByRole('button', { name: 'Deactivate' }).click();
    const deactivate = admin.page.getByRole('dialog', { name: `Deactivate @${bob.username}?` });
    await deactivate.waitFor();
    await check(admin.page, 'deactivate confirmation');
    // Confirmed: the audit log below then has an entry to show.
    await deactivate.getByRole('button', { name: 'Deactivate' }).click();
    await bobRow.getByRole('cell', { name: 'Deactivated' }).waitFor();
    await admin.page.getByRole('link', { name: 'Audit log' }).click();
    await admin.page.getByRole('table', { name: 'Audit log' }).waitFor();
    await check(admin.page, 'admin/audit');

    expect(found, `axe-core found serious or critical violations:\n${found.join('\n')}`).toEqual([]);
    await Promise.all([alice.context.close(), bob.context.close(), admin.context.close()]);
  }, 240_000);

  it('announces an incoming message politely, and not my own', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice', 'Alice'), person(harness, 'bob', 'Bob')]);
    const group = await groupOf(alice, [bob], 'Live team');
    await openConversation(alice.page, group.id);
    const region = alice.page.locator('[aria-live="polite"]', { hasText: 'New message from' });
    await alice.sdk.sendMessage(group.id, 'my own words');
    await bob.sdk.sendMessage(group.id, 'hello from bob');
    await expect.poll(() => region.textContent()).toBe('New message from Bob: hello from bob');
    await Promise.all([alice.context.close(), bob.context.close()]);
  });

  it('settings on a phone: the section list first, then one section with a way back, nothing wider than the screen', async () => {
    const alice = await person(harness, 'alice', 'Alice');
    const { page } = alice;
    await page.setViewportSize({ width: 390, height: 844 });
    await page.goto('/settings');
    const nav = page.getByRole('navigation', { name: 'Account sections' });
    await nav.getByRole('link', { name: 'Appearance' }).click();
    await page.getByRole('group', { name: 'Theme' }).waitFor();
    expect(await nav.isVisible()).toBe(false);
    // The page's own area (the top bar is the phone layout's, issue 36 item 9).
    const overflow = () =>
      page.evaluate(() => {
        const main = document.querySelector('main')!;
        return main.scrollWidth - main.clientWidth;
      });
    expect(await overflow()).toBe(0);
    await page.getByRole('link', { name: 'All settings' }).click();
    await nav.waitFor();
    expect(await page.getByRole('group', { name: 'Theme' }).count()).toBe(0);
    expect(await overflow()).toBe(0);
    await alice.context.close();
  });
});
