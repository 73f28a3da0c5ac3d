import type { Page } from 'playwright-core';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, openContext, startWebHarness } from './browser.js';
import { directBetween, openConversation, person, row, sendText } from './people.js';

const field = (page: Page) => page.getByRole('textbox', { name: 'Message', exact: true });

/** Issue 36 items 4 and 6 in the browser: the composer (drafts, lines, formatting, paste, ↑, Esc, phone) and reactions (picker, chips). */
describeBrowser('composer and reactions (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => (harness = await startWebHarness()), 120_000);
  afterAll(async () => harness?.close());

  it('serves the emoji data from the app itself, not a CDN', async () => {
    const data = await fetch(`${harness.url}/emoji/en/data.json`);
    expect(data.status).toBe(200);
    const emojis = (await data.json()) as { emoji: string; label: string }[];
    expect(emojis.some((e) => e.label === 'pizza')).toBe(true);
    const messages = await fetch(`${harness.url}/emoji/en/messages.json`);
    expect(messages.status).toBe(200);
    expect(((await messages.json()) as { groups: unknown[] }).groups.length).toBeGreaterThan(5);
    expect((await fetch(`${harness.url}/emoji/en/nope.json`)).status).toBe(404);
  });

  it('keeps a draft per conversation across switching and a reload, and clears it on send', async () => {
    const [alice, bob, carol] = await Promise.all([person(harness, 'alice'), person(harness, 'bob'), person(harness, 'carol')]);
    const [withBob, withCarol] = await Promise.all([directBetween(alice, bob), directBetween(alice, carol)]);
    await openConversation(alice.page, withBob.id);
    await field(alice.page).fill('half a thought for bob');
    await openConversation(alice.page, withCarol.id);
    await expect.poll(() => field(alice.page).inputValue()).toBe('');
    await field(alice.page).fill('for carol');
    // Reloaded at once: the write waiting for the typing to pause is made when the page goes.
    await alice.page.reload();
    await expect.poll(() => field(alice.page).inputValue()).toBe('for carol');
    await openConversation(alice.page, withBob.id);
    await expect.poll(() => field(alice.page).inputValue()).toBe('half a thought for bob');

    await field(alice.page).press('Enter');
    await row(alice.page, 'half a thought for bob').waitFor();
    expect(await field(alice.page).inputValue()).toBe('');
    await alice.page.reload();
    await field(alice.page).waitFor();
    expect(await field(alice.page).inputValue()).toBe('');
    await alice.context.close();
    await Promise.all([bob.context.close(), carol.context.close()]);
  });

  it('Shift+Enter starts a new line and the field grows; Enter sends both lines', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    await openConversation(alice.page, dm.id);
    const before = (await field(alice.page).boundingBox())!.height;
    await field(alice.page).pressSequentially('line one');
    await field(alice.page).press('Shift+Enter');
    await field(alice.page).pressSequentially('line two');
    expect(await field(alice.page).inputValue()).toBe('line one\nline two');
    expect((await field(alice.page).boundingBox())!.height).toBeGreaterThan(before);
    await field(alice.page).press('Enter');
    const sent = row(alice.page, 'line one');
    await sent.waitFor();
    expect(await sent.innerText()).toContain('line two');
    expect(await field(alice.page).inputValue()).toBe('');
    // Never taller than 40 % of the window, however long the text.
    await field(alice.page).fill('x\n'.repeat(200));
    await expect.poll(async () => (await field(alice.page).boundingBox())!.height).toBeLessThanOrEqual(800 * 0.4 + 1);
    await alice.context.close();
    await bob.context.close();
  });

  it('formats the selection with the toolbar and the shortcuts', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    await openConversation(alice.page, dm.id);
    // Slack's layout: the label is for screen readers only; the toolbar sits inside the field's
    // bordered box, its buttons compact, each with a tooltip.
    const label = alice.page.locator('form.composer label', { hasText: 'Message' });
    expect((await label.boundingBox())!.height).toBeLessThanOrEqual(1);
    const composerBox = alice.page.locator('.composer-box');
    const toolbar = composerBox.getByRole('toolbar', { name: 'Formatting' });
    await toolbar.waitFor();
    expect(await composerBox.getByRole('textbox', { name: 'Message', exact: true }).count()).toBe(1);
    const bold = toolbar.getByRole('button', { name: /^Bold/ });
    const [outer, button] = [(await composerBox.boundingBox())!, (await bold.boundingBox())!];
    expect(button.y).toBeGreaterThan(outer.y);
    expect(button.height).toBeLessThanOrEqual(32);
    await bold.hover();
    await alice.page.locator('.ui-tooltip', { hasText: 'Bold' }).waitFor();
    await field(alice.page).fill('hello');
    await field(alice.page).press('ControlOrMeta+a');
    await bold.click();
    expect(await field(alice.page).inputValue()).toBe('**hello**');
    // The selection stayed on "hello": Ctrl+I wraps it again.
    await field(alice.page).press('Control+i');
    expect(await field(alice.page).inputValue()).toBe('**_hello_**');
    await field(alice.page).press('Control+i'); // and again unwraps it
    expect(await field(alice.page).inputValue()).toBe('**hello**');
    await expectAccessible(alice.page);
    await field(alice.page).press('Enter');
    await row(alice.page, 'hello').locator('strong', { hasText: 'hello' }).waitFor();

    await field(alice.page).fill('docs');
    await field(alice.page).press('ControlOrMeta+a');
    await field(alice.page).press('Control+k');
    expect(await field(alice.page).inputValue()).toBe('[docs](url)');
    await field(alice.page).pressSequentially('https://example.org');
    expect(await field(alice.page).inputValue()).toBe('[docs](https://example.org)');
    await alice.context.close();
    await bob.context.close();
  });

  it('a pasted image goes to the upload tray and is sent as the attach button sends it', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    await openConversation(alice.page, dm.id);
    const png = await sharp({ create: { width: 40, height: 30, channels: 3, background: { r: 200, g: 30, b: 30 } } })
      .png()
      .toBuffer();
    await field(alice.page).fill('typed text stays');
    await field(alice.page).evaluate(
      (element, bytes) => {
        const transfer = new DataTransfer();
        transfer.items.add(new File([new Uint8Array(bytes)], 'pasted.png', { type: 'image/png' }));
        element.dispatchEvent(new ClipboardEvent('paste', { clipboardData: transfer, bubbles: true, cancelable: true }));
      },
      [...png],
    );
    const tray = alice.page.getByRole('region', { name: 'Files to send' });
    await tray.getByText('Uploaded').waitFor();
    // The image did not land in the text as a file name or anything else.
    expect(await field(alice.page).inputValue()).toBe('typed text stays');
    await tray.getByRole('button', { name: 'Send file' }).click();
    await expect.poll(async () => (await bob.sdk.history(dm.id)).items.map((m) => m.kind)).toEqual(['attachment']);
    await alice.page.getByRole('log', { name: 'Messages' }).getByRole('img', { name: 'pasted.png' }).waitFor();
    await alice.context.close();
    await bob.context.close();
  });

  it('↑ in an empty field edits my last message; Esc cancels an edit and a reply', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    await bob.sdk.sendMessage(dm.id, 'from bob');
    await openConversation(alice.page, dm.id);
    await sendText(alice.page, 'my first');
    await sendText(alice.page, 'my latest');
    await row(alice.page, 'my latest')
      .getByText(/^(Sent|Delivered)$/)
      .waitFor();
    await field(alice.page).press('ArrowUp');
    const editor = alice.page.getByRole('textbox', { name: 'Edit message' });
    await expect.poll(() => editor.inputValue()).toBe('my latest');
    expect(await row(alice.page, 'my latest').getByRole('textbox', { name: 'Edit message' }).count()).toBe(1);
    await editor.fill('my latest, fixed');
    await editor.press('Enter');
    await row(alice.page, 'my latest, fixed').getByText('(edited)').waitFor();

    // ↑ with text typed moves the caret as usual: no editor.
    await field(alice.page).fill('typing');
    await field(alice.page).press('ArrowUp');
    expect(await editor.count()).toBe(0);

    // Esc in the composer closes an edit opened from the row, and cancels a reply.
    await field(alice.page).fill('');
    await field(alice.page).press('ArrowUp');
    await editor.waitFor();
    await field(alice.page).focus();
    await field(alice.page).press('Escape');
    await expect.poll(() => editor.count()).toBe(0);
    await row(alice.page, 'from bob').getByRole('button', { name: 'Reply', exact: true }).click();
    await alice.page.getByRole('group', { name: 'Replying to' }).waitFor();
    await field(alice.page).focus();
    await field(alice.page).press('Escape');
    await expect.poll(() => alice.page.getByRole('group', { name: 'Replying to' }).count()).toBe(0);
    await alice.context.close();
    await bob.context.close();
  });

  it('the emoji picker searches and inserts at the caret, with the data from this server', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    const elsewhere: string[] = [];
    alice.page.on('request', (request) => {
      if (!request.url().startsWith(harness.url)) elsewhere.push(request.url());
    });
    await openConversation(alice.page, dm.id);
    await field(alice.page).fill('I want  now');
    await field(alice.page).evaluate((element: HTMLTextAreaElement) => element.setSelectionRange(7, 7));
    await alice.page.getByRole('button', { name: 'Insert emoji' }).click();
    const picker = alice.page.getByRole('dialog', { name: 'Insert an emoji' });
    await picker.getByRole('searchbox', { name: 'Search emoji' }).fill('pizza');
    await picker.getByRole('gridcell', { name: 'Pizza', exact: true }).click();
    await expect.poll(() => field(alice.page).inputValue()).toBe('I want 🍕 now');
    expect(await picker.count()).toBe(0);
    expect(elsewhere).toEqual([]);

    // Used once, it leads "Recently used" the next time.
    await alice.page.getByRole('button', { name: 'Insert emoji' }).click();
    await picker.getByRole('group', { name: 'Recently used' }).getByRole('button', { name: '🍕' }).waitFor();
    await expectAccessible(alice.page);
    await alice.page.keyboard.press('Escape');
    await expect.poll(() => picker.count()).toBe(0);
    await alice.context.close();
    await bob.context.close();
  });

  it('reaction chips name who reacted and show mine pressed; the quick bar and the picker react', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice', 'Alice'), person(harness, 'bob', 'Bob')]);
    const dm = await directBetween(alice, bob);
    const message = await bob.sdk.sendMessage(dm.id, 'react to me');
    await bob.sdk.messages.react(message.id, '👍');
    await openConversation(alice.page, dm.id);
    const target = row(alice.page, 'react to me');
    await target.getByRole('button', { name: '👍 1: Bob', exact: true }).waitFor();
    expect(await target.getByRole('button', { name: '👍 1: Bob', exact: true }).getAttribute('aria-pressed')).toBe('false');

    await target.getByRole('button', { name: 'React', exact: true }).click();
    const quick = target.getByRole('group', { name: 'Pick a reaction' });
    expect(await quick.getByRole('button', { name: /^React with / }).allInnerTexts()).toEqual(['👍', '❤️', '😂', '🎉', '😮', '🙏']);
    await quick.getByRole('button', { name: 'React with 👍' }).click();
    const chip = target.getByRole('button', { name: '👍 2: Bob and you', exact: true });
    await chip.waitFor();
    expect(await chip.getAttribute('aria-pressed')).toBe('true');
    await chip.hover();
    await alice.page.locator('.ui-tooltip', { hasText: '👍 2: Bob and you' }).waitFor();

    // The full picker: search, pick; that emoji then leads my quick bar.
    await target.getByRole('button', { name: 'React', exact: true }).click();
    await quick.getByRole('button', { name: 'More reactions' }).click();
    const picker = alice.page.getByRole('dialog', { name: 'Pick a reaction' });
    await picker.getByRole('searchbox', { name: 'Search emoji' }).fill('rocket');
    await picker.getByRole('gridcell', { name: 'Rocket', exact: true }).click();
    await target.getByRole('button', { name: '🚀 1: you', exact: true }).waitFor();
    await expect.poll(async () => (await bob.sdk.history(dm.id)).items[0]!.reactions.map((r) => r.emoji)).toEqual(['👍', '🚀']);
    await target.getByRole('button', { name: 'React', exact: true }).click();
    expect((await quick.getByRole('button', { name: /^React with / }).allInnerTexts()).slice(0, 2)).toEqual(['🚀', '👍']);
    await alice.context.close();
    await bob.context.close();
  });

  it('a message refused for good says so, and Edit brings it back into the composer as my draft (kept over a reload) or Discard drops it', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    await bob.sdk.setBlocked(alice.id, true);
    await openConversation(alice.page, dm.id);
    await sendText(alice.page, 'keep these words');
    await sendText(alice.page, 'drop these');
    const failed = (text: string) =>
      alice.page.getByRole('log', { name: 'Messages' }).locator('article.pending[data-status="failed"]').filter({ hasText: text });
    await failed('keep these words').getByText('Not sent').waitFor();
    await failed('drop these').getByRole('button', { name: 'Discard' }).click();
    await expect.poll(() => failed('drop these').count()).toBe(0);
    await failed('keep these words').getByRole('button', { name: 'Edit' }).click();
    await expect.poll(() => field(alice.page).inputValue()).toBe('keep these words');
    await alice.page.reload();
    await expect.poll(() => field(alice.page).inputValue()).toBe('keep these words');
    expect(await failed('keep these words').count()).toBe(0);
    await bob.sdk.setBlocked(alice.id, false);
    await field(alice.page).press('Enter');
    await expect.poll(async () => (await bob.sdk.history(dm.id)).items.map((m) => m.body)).toEqual(['keep these words']);
    await alice.context.close();
    await bob.context.close();
  });

  it('on a phone the field keeps most of the width and formatting is one + menu', async () => {
    const alice = await person(harness, 'alice');
    const bob = await person(harness, 'bob');
    const dm = await directBetween(alice, bob);
    const phone = await openContext(harness, { viewport: { width: 390, height: 844 } });
    await phone.page.goto('/sign-in');
    await phone.page.getByLabel('Username').fill(alice.username);
    await phone.page.getByLabel('Password').fill(alice.password);
    await phone.page.getByRole('button', { name: 'Sign in' }).click();
    await phone.page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await openConversation(phone.page, dm.id);
    const composerWidth = (await phone.page.locator('form.composer').boundingBox())!.width;
    const fieldWidth = (await field(phone.page).boundingBox())!.width;
    expect(fieldWidth / composerWidth).toBeGreaterThanOrEqual(0.6);
    expect(await phone.page.getByRole('toolbar', { name: 'Formatting' }).isVisible()).toBe(false);
    await field(phone.page).fill('big');
    await field(phone.page).press('ControlOrMeta+a');
    await phone.page.getByRole('button', { name: 'Formatting' }).click();
    await phone.page.getByRole('menuitem', { name: /^Bold/ }).click();
    await expect.poll(() => field(phone.page).inputValue()).toBe('**big**');
    await phone.context.close();
    await alice.context.close();
    await bob.context.close();
  });
});
