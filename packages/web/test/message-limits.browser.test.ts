import type { Page, WebSocket as PageSocket } from 'playwright-core';
import { ConfabClient } from '@confab/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type BrowserUser, type WebHarness, describeBrowser, expectAccessible, signUp, startWebHarness } from './browser.js';
import { row } from './people.js';

const LIMIT = 40;
const timeline = (page: Page) => page.getByRole('log', { name: 'Messages' });
const messageField = (page: Page) => page.getByRole('textbox', { name: 'Message' });
const sendButton = (page: Page) => page.getByRole('button', { name: 'Send', exact: true });

async function startDirect(user: BrowserUser, other: BrowserUser): Promise<void> {
  await user.page.getByRole('link', { name: 'New message' }).click();
  await user.page.getByRole('searchbox', { name: 'Find people' }).fill(other.username);
  await user.page.getByRole('button', { name: new RegExp(`Message .*@${other.username}`) }).click();
  await user.page.getByRole('heading', { level: 2, name: new RegExp(`@${other.username}`) }).waitFor();
}

/** Signs `user` in through the SDK (what another of their devices would do). */
async function sdkOf(harness: WebHarness, user: BrowserUser): Promise<ConfabClient> {
  const client = new ConfabClient({ baseUrl: harness.url });
  await client.login({ username: user.username, password: user.password });
  return client;
}

/** Issue 35 items 5 and 6, in the browser: the length limit before sending, failed messages edited or discarded, no token in the socket's URL. */
describeBrowser('message limits and failed messages in the browser', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness({ MAX_MESSAGE_LENGTH: String(LIMIT) });
  }, 120_000);
  afterAll(async () => harness?.close());

  it('counts characters near the limit and refuses to send past it, before the server would', async () => {
    const alice = await signUp(harness, 'alice');
    const bob = await signUp(harness, 'bob');
    await startDirect(alice, bob);
    const counter = alice.page.locator('.composer-counter');

    await messageField(alice.page).fill('x'.repeat(35)); // under 90 %: no counter
    await expect.poll(() => counter.count()).toBe(0);
    await messageField(alice.page).fill('x'.repeat(36));
    await counter.getByText('36 / 40').waitFor();
    expect(await sendButton(alice.page).isEnabled()).toBe(true);

    // Past it: Send is off, the reason is announced, and Enter sends nothing (the text stays).
    await messageField(alice.page).fill(`${'x'.repeat(40)}😀😀`); // code points: 42
    await counter.getByText('42 / 40').waitFor();
    await alice.page.getByRole('alert').filter({ hasText: '2 characters over the limit' }).waitFor();
    expect(await sendButton(alice.page).isDisabled()).toBe(true);
    expect(await messageField(alice.page).getAttribute('aria-invalid')).toBe('true');
    await messageField(alice.page).press('Enter');
    expect(await messageField(alice.page).inputValue()).toBe(`${'x'.repeat(40)}😀😀`);
    expect(await timeline(alice.page).locator('article.pending').count()).toBe(0);
    await expectAccessible(alice.page);

    // Shortened to the limit: it goes, and is stored.
    await messageField(alice.page).fill(`${'y'.repeat(38)}😀😀`);
    expect(await sendButton(alice.page).isEnabled()).toBe(true);
    await messageField(alice.page).press('Enter');
    await timeline(alice.page)
      .getByText(/^(Sent|Delivered)$/)
      .waitFor();
    expect(await messageField(alice.page).inputValue()).toBe('');
    const bobSdk = await sdkOf(harness, bob);
    const dm = (await bobSdk.listConversations()).items.find((c) => c.kind === 'direct')!;
    expect((await bobSdk.history(dm.id)).items.map((m) => m.body)).toEqual([`${'y'.repeat(38)}😀😀`]);

    // Editing it, and replying in its thread, count and refuse alike.
    const mine = row(alice.page, 'yyyy').first();
    await mine.getByRole('button', { name: 'More…' }).click();
    await alice.page.getByRole('menuitem', { name: 'Edit' }).click();
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await editor.fill('z'.repeat(41));
    await mine.locator('.composer-counter').getByText('41 / 40').waitFor();
    expect(await mine.getByRole('button', { name: 'Save' }).isDisabled()).toBe(true);
    await editor.press('Escape');
    await mine.getByRole('button', { name: 'Reply in thread' }).click();
    const thread = alice.page.getByRole('complementary', { name: 'Thread' });
    await thread.getByRole('textbox', { name: 'Reply in thread' }).fill('t'.repeat(41));
    await thread.locator('.composer-counter').getByText('41 / 40').waitFor();
    expect(await thread.getByRole('button', { name: 'Send reply' }).isDisabled()).toBe(true);
    await thread.getByRole('textbox', { name: 'Reply in thread' }).press('Enter');
    expect(await thread.getByRole('textbox', { name: 'Reply in thread' }).inputValue()).toBe('t'.repeat(41));
    await alice.context.close();
    await bob.context.close();
  });

  it('a message the server refuses for good offers Edit and Discard, not a Retry that fails forever, also after a reload', async () => {
    const alice = await signUp(harness, 'alice');
    const bob = await signUp(harness, 'bob');
    await startDirect(alice, bob);
    // Bob blocks Alice on another device: her sends to him are refused (she is not told why beforehand).
    const bobSdk = await sdkOf(harness, bob);
    const aliceId = (await bobSdk.searchUsers({ q: alice.username })).items[0]!.id;
    await bobSdk.setBlocked(aliceId, true);

    await messageField(alice.page).fill('first try');
    await messageField(alice.page).press('Enter');
    await messageField(alice.page).fill('second try');
    await messageField(alice.page).press('Enter');
    const failed = (text: string) => timeline(alice.page).locator('article.pending[data-status="failed"]').filter({ hasText: text });
    await failed('first try').waitFor();
    await failed('second try').waitFor();
    expect(await failed('first try').getByRole('button', { name: 'Retry' }).count()).toBe(0);

    // A reload keeps them (nothing typed is lost), still without Retry, and sends none of them again.
    await alice.page.reload();
    await failed('second try').waitFor();
    expect(await failed('first try').getByRole('button', { name: 'Retry' }).count()).toBe(0);

    // Discard: gone, and stays gone after a reload.
    await failed('second try').getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => failed('second try').count()).toBe(0);

    // Edit: back into the composer, the bubble gone; once Bob unblocks, it sends.
    await failed('first try').getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => messageField(alice.page).inputValue()).toBe('first try');
    await expect.poll(() => failed('first try').count()).toBe(0);
    await bobSdk.setBlocked(aliceId, false);
    await messageField(alice.page).fill('first try, edited');
    await messageField(alice.page).press('Enter');
    await timeline(alice.page)
      .getByText(/^(Sent|Delivered)$/)
      .waitFor();
    await alice.page.reload();
    await timeline(alice.page).getByText('first try, edited').waitFor();
    expect(await timeline(alice.page).locator('article.pending').count()).toBe(0);
    const dm = (await bobSdk.listConversations()).items.find((c) => c.kind === 'direct')!;
    expect((await bobSdk.history(dm.id)).items.map((m) => m.body)).toEqual(['first try, edited']);
    await alice.context.close();
    await bob.context.close();
  });

  it('opens its WebSocket with no token in the URL (browsers print a failed socket’s URL)', async () => {
    const alice = await signUp(harness, 'alice');
    const sockets: PageSocket[] = [];
    alice.page.on('websocket', (socket) => sockets.push(socket));
    await alice.page.reload();
    await alice.page.getByRole('status').filter({ hasText: 'Connected' }).waitFor();
    expect(sockets.length).toBeGreaterThan(0);
    for (const socket of sockets) {
      const url = new URL(socket.url());
      expect(url.pathname).toBe('/api/v1/ws');
      expect(url.searchParams.has('access_token')).toBe(false);
      // No long base64url run (a JWT's parts) anywhere in it.
      expect(socket.url()).not.toMatch(/[A-Za-z0-9_-]{40,}/);
    }
    await alice.context.close();
  });
});
