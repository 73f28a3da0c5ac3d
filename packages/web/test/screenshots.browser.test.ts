import { mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, it } from 'vitest';
import { newClient } from '../../server/test/harness.js';
import { type WebHarness, describeBrowser, openContext, startWebHarness } from './browser.js';

/** CONFAB_SCREENSHOTS=1 saves the main screens under docs/screenshots/ (the README shows them). */
const enabled = process.env.CONFAB_SCREENSHOTS === '1';
const OUT = fileURLToPath(new URL('../../../docs/screenshots/', import.meta.url));
const SIZES = { desktop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

describeBrowser('screenshots of the main screens', () => {
  let harness: WebHarness;
  let conversationId = '';
  const password = 'correct horse battery';
  beforeAll(async () => {
    if (!enabled) return;
    harness = await startWebHarness();
    // A busy afternoon, written through the SDK as three people.
    const [alice, bob, carol] = [newClient(harness.url), newClient(harness.url), newClient(harness.url)];
    const me = (await alice.register({ username: 'alice', displayName: 'Alice Martin', password })).user;
    const b = (await bob.register({ username: 'bob', displayName: 'Bob Okafor', password })).user;
    const c = (await carol.register({ username: 'carol', displayName: 'Carol Díaz', password })).user;
    const group = await alice.createGroup('Launch plan', [b.id, c.id]);
    conversationId = group.id;
    const lines: [typeof alice, string][] = [
      [alice, 'Morning! Where are we with the **launch checklist**?'],
      [bob, 'Docs are done, the screenshots land today.'],
      [carol, 'I am on the release notes: https://example.com/notes'],
      [alice, 'Great. Anything blocking?'],
      [bob, 'Only the `npm publish` token, I asked for it.'],
      [carol, 'Same here, _nothing_ else.'],
      [alice, 'Then we ship at 15:00 🚀'],
    ];
    for (const [client, body] of lines) await client.sendMessage(group.id, body);
    const dm = await bob.openDirect(me.id);
    await bob.sendMessage(dm.id, 'Coffee later?');
    const dm2 = await carol.openDirect(me.id);
    await carol.sendMessage(dm2.id, 'Sent you the draft.');
    await bob.markRead(group.id, lines.length);
  }, 120_000);
  afterAll(async () => harness?.close());

  const shoot = async (page: Page, name: string) => {
    mkdirSync(OUT, { recursive: true });
    // The pointer left where the last click was would show a hover (a list row) nobody made.
    await page.mouse.move(0, 0);
    await page.screenshot({ path: `${OUT}${name}.png` });
  };

  it.runIf(enabled)('saves sign-in, the conversation list and a busy conversation, desktop and phone, light and dark', async () => {
    for (const [size, viewport] of Object.entries(SIZES)) {
      for (const colorScheme of ['light', 'dark'] as const) {
        const { context, page } = await openContext(harness, { viewport, colorScheme });
        await page.goto('/sign-in');
        await page.getByRole('heading', { name: 'Sign in' }).waitFor();
        await shoot(page, `sign-in-${size}-${colorScheme}`);
        await page.getByLabel('Username').fill('alice');
        await page.getByLabel('Password').fill(password);
        await page.getByRole('button', { name: 'Sign in' }).click();
        await page.getByRole('link', { name: /Launch plan/ }).waitFor();
        await page.getByText('Coffee later?').waitFor();
        await shoot(page, `conversations-${size}-${colorScheme}`);
        await page.goto(`/c/${conversationId}`);
        await page.getByRole('log', { name: 'Messages' }).getByText('ship at 15:00').waitFor();
        // Markdown is drawn by a chunk loaded after the plain text: shot once it has.
        await page.getByRole('log', { name: 'Messages' }).locator('strong', { hasText: 'launch checklist' }).waitFor();
        await shoot(page, `conversation-${size}-${colorScheme}`);
        await context.close();
      }
    }
  });
});
