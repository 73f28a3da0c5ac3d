import sharp from 'sharp';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { NOTIFICATION_LOCK } from '../src/sw/notification-lock.js';
import { browserDeviceOf, directBetween, groupOf, openConversation, person, row } from './people.js';

const png = (width: number, height: number, r: number) =>
  sharp({ create: { width, height, channels: 3, background: { r, g: 80, b: 160 } } })
    .png()
    .toBuffer();

/**
 * What the service worker shows right now: title, body and tag of each notification (read, not
 * faked), under the lock the app shows them under (notification-lock.ts), as another tab would.
 * Unlocked, a read that overlaps a `showNotification` loses that notification from every later
 * read (in 7 of 10 tries with a read looping beside two shows): a poll under CI's load overlapped
 * the notifier's shows so (stops 45, 48, 53 and 57: one or none of the two seen).
 */
const shownNotifications = (page: Page) =>
  page.evaluate(async (lock) => {
    const registration = await navigator.serviceWorker.getRegistration('/sw.js');
    const read = async () => (await registration?.getNotifications())?.map((n) => ({ title: n.title, body: n.body, tag: n.tag })) ?? [];
    return navigator.locks.request(lock, read);
  }, NOTIFICATION_LOCK);

/** What the desktop notifier checks before it shows anything (desktop-notifier.ts `consider`), as the page has it now. */
const notifierState = (page: Page) =>
  page.evaluate(async () => {
    const registration = await navigator.serviceWorker.getRegistration('/sw.js');
    return {
      visibility: document.visibilityState,
      focused: document.hasFocus(),
      permission: Notification.permission,
      settings: Object.fromEntries(
        Object.keys(localStorage)
          .filter((k) => k.startsWith('confab.desktopNotifications.'))
          .map((k) => [k, localStorage.getItem(k)]),
      ),
      worker: registration
        ? {
            active: registration.active?.state ?? null,
            installing: registration.installing?.state ?? null,
            waiting: registration.waiting?.state ?? null,
          }
        : null,
      locks: 'locks' in navigator ? await navigator.locks.query() : null,
    };
  });

/** Issue 36 items 2, 3 and 7: the profile card and live profile edits, the lightbox, desktop notifications. */
describeBrowser('profile card, lightbox and desktop notifications (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => (harness = await startWebHarness()), 120_000);
  afterAll(async () => harness?.close());

  it('opens a profile card from a name, shows a new display name live, and "Message" opens the DM', async () => {
    // One after the other: three pages loading at once time out on a busy machine.
    const alice = await person(harness, 'alice', 'Alice');
    const bob = await person(harness, 'bob', 'Bob');
    const carol = await person(harness, 'carol');
    await alice.sdk.updateMe({ bio: 'Makes the coffee', timeZone: 'Asia/Tokyo' });
    const group = await groupOf(alice, [bob, carol]);
    await alice.sdk.sendMessage(group.id, 'hello team');
    await openConversation(bob.page, group.id);
    const message = row(bob.page, 'hello team');
    await message.getByRole('button', { name: 'Profile of Alice' }).first().click();
    const card = bob.page.getByRole('dialog', { name: 'Profile of Alice' });
    await card.getByText('Makes the coffee').waitFor();
    expect(await card.getByText(/local time$/).textContent()).toMatch(/^\d{1,2}:\d\d( [AP]M)? local time$/);
    await card.getByText(`@${alice.username}`).waitFor();
    await expectAccessible(bob.page);

    // Alice renames herself and sets a picture: Bob's open card and timeline follow, no reload.
    await alice.sdk.updateMe({ displayName: 'Alice Liddell' });
    await card.getByRole('heading', { name: 'Alice Liddell' }).waitFor();
    await alice.sdk.setAvatar(new Blob([new Uint8Array(await png(64, 64, 200))]));
    await card.locator('.avatar img').waitFor();
    await bob.page.keyboard.press('Escape');
    await expect.poll(() => card.count()).toBe(0);
    // Focus is back on the avatar that opened it, which now says the card is closed.
    await expect
      .poll(() =>
        bob.page.evaluate(() => [
          document.activeElement?.closest('.message-gutter') !== null,
          document.activeElement?.getAttribute('aria-expanded'),
        ]),
      )
      .toEqual([true, 'false']);
    await message.getByText('Alice Liddell').first().waitFor();
    await message.locator('.message-gutter .avatar img').waitFor();

    // The name opens the card and a second press of it closes it.
    const name = message.locator('.message-meta').getByRole('button', { name: 'Profile of Alice Liddell' });
    await name.click();
    await bob.page.getByRole('dialog', { name: 'Profile of Alice Liddell' }).waitFor();
    expect(await name.getAttribute('aria-expanded')).toBe('true');
    await name.click();
    await expect.poll(() => bob.page.getByRole('dialog').count()).toBe(0);

    await message.getByRole('button', { name: 'Profile of Alice Liddell' }).first().click();
    await bob.page.getByRole('dialog', { name: 'Profile of Alice Liddell' }).getByRole('button', { name: 'Message' }).click();
    await bob.page.waitForURL((url) => /^\/c\/[^/]+$/.test(url.pathname) && url.pathname !== `/c/${group.id}`);
    await expect.poll(() => bob.page.getByRole('dialog').count()).toBe(0); // the card went with the page
    const dm = await bob.sdk.openDirect(alice.id);
    expect(new URL(bob.page.url()).pathname).toBe(`/c/${dm.id}`);
  });

  it('opens images full screen, steps through them with the arrow keys, downloads, and Escape closes', async () => {
    const alice = await person(harness, 'lena');
    const bob = await person(harness, 'max');
    const dm = await directBetween(alice, bob);
    for (const [name, r] of [
      ['first.png', 10],
      ['second.png', 240],
    ] as const) {
      const upload = await alice.sdk.files.upload(new Blob([new Uint8Array(await png(400, 300, r))]), name);
      await alice.sdk.sendMessage(dm.id, `caption of ${name}`, undefined, { kind: 'attachment', attachmentIds: [upload.id] });
    }
    await openConversation(bob.page, dm.id);
    const open = bob.page.getByRole('button', { name: 'Open first.png full size' });
    await open.click();
    const box = bob.page.getByRole('dialog', { name: 'first.png' });
    await box.getByRole('img', { name: 'first.png' }).waitFor();
    await box.getByText('caption of first.png').waitFor();
    await box.getByText('1 of 2').waitFor();
    await expectAccessible(bob.page);
    // Focus stays in the dialog: Tab cycles inside it.
    for (let i = 0; i < 6; i++) await bob.page.keyboard.press('Tab');
    expect(await box.evaluate((dialog) => dialog.contains(document.activeElement))).toBe(true);

    await bob.page.keyboard.press('ArrowRight');
    const second = bob.page.getByRole('dialog', { name: 'second.png' });
    await second.getByText('caption of second.png').waitFor();
    const download = bob.page.waitForEvent('download');
    await second.getByRole('link', { name: 'Download' }).click();
    expect((await download).suggestedFilename()).toBe('second.png');
    await bob.page.keyboard.press('ArrowLeft');
    await box.getByText('1 of 2').waitFor();
    await bob.page.keyboard.press('Escape');
    await box.waitFor({ state: 'detached' });
    // Focus back on the thumbnail that opened it.
    await expect.poll(() => open.evaluate((el) => el === document.activeElement)).toBe(true);
  });

  it('shows a desktop notification for a DM and a mention while the tab is not in front, and not for what a muted group says without me', async () => {
    const alice = await person(harness, 'ann', 'Ann');
    const bob = await person(harness, 'ben', 'Ben');
    // Signing in makes the page an encryption device (keys and KeyPackages made on its main thread):
    // let that finish before the timed part, as under CI's load it delayed the page's handlers by
    // over 20 s (stops 45 and 48: no notification within the wait).
    await browserDeviceOf(bob);
    await bob.context.grantPermissions(['notifications'], { origin: harness.url });
    const dm = await directBetween(alice, bob);
    const group = await groupOf(alice, [bob], 'Ops');
    await bob.sdk.setMuted(group.id, true);

    await bob.page.goto('/settings/notifications');
    await bob.page.getByText('Off: new messages show only in the app.').waitFor();
    await expectAccessible(bob.page);
    await bob.page.getByRole('switch', { name: 'Desktop notifications' }).click();
    await bob.page.getByText(/^On: a direct message/).waitFor();
    await bob.page.getByRole('switch', { name: 'Sound' }).click();
    await openConversation(bob.page, group.id);
    // The worker that shows them, active in this page before the timed part (the notifier waits for it).
    await bob.page.evaluate(async () => void (await navigator.serviceWorker.ready));

    // In front: nothing is shown. Playwright's focus emulation off, another tab in front: not in front.
    await alice.sdk.sendMessage(dm.id, 'seen while looking');
    await bob.page.getByRole('navigation', { name: 'Conversations' }).getByText('seen while looking').waitFor();
    const devtools = await bob.context.newCDPSession(bob.page);
    await devtools.send('Emulation.setFocusEmulationEnabled', { enabled: false });
    const other = await bob.context.newPage();
    await other.goto('/favicon.svg');
    await other.bringToFront();
    expect(await bob.page.evaluate(() => document.hasFocus())).toBe(false);

    const direct = await alice.sdk.sendMessage(dm.id, 'lunch at noon?');
    await alice.sdk.sendMessage(group.id, 'no mention in a muted group');
    await alice.sdk.sendMessage(group.id, `@${bob.username} can you check the deploy?`);
    await expect
      .poll(() => shownNotifications(bob.page).then((shown) => shown.map((n) => n.body).sort()))
      .toEqual([`@${bob.username} can you check the deploy?`, 'lunch at noon?'])
      // What the notifier reads, so that a failure says which of its conditions did not hold.
      .catch(async (error: Error) => {
        throw new Error(`${error.message}\nBob's page then: ${JSON.stringify(await notifierState(bob.page))}`, { cause: error });
      });
    const shown = await shownNotifications(bob.page);
    expect(shown).toContainEqual({ title: 'Ann', body: 'lunch at noon?', tag: `message:${direct.id}` });
    expect(shown.find((n) => n.body.includes('deploy'))?.title).toBe('Ann in Ops');
    expect(shown.some((n) => n.body === 'seen while looking')).toBe(false);

    await other.close();
  }, 90_000);
});
