import { ConfabClient, memoryCryptoStore } from '@confab/client';
import { DEVICE_LINK_TTL_MS } from '@confab/protocol';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { DeviceLinkService } from '../../server/src/services/encryption/device-link-service.js';
import { uniqueName } from '../../server/test/harness.js';
import { type WebHarness, describeBrowser, expectAccessible, openContext, startWebHarness } from './browser.js';
import { type Person, browserDeviceOf, openConversation, person, row } from './people.js';

/**
 * Issue 39 part 4: a link request from a new device of mine is seen wherever I am in the app, not
 * only in Settings: a banner names the device, Review opens the same code check, Approve and
 * Decline; the banner goes when the request is answered on any device of mine or expires.
 */
describeBrowser('the device link prompt', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  const prompt = (page: Page) => page.getByRole('region', { name: 'Device link requests' });
  /** Another client of the same person, signed in through the SDK (a phone, a script). */
  const otherClient = async (p: Person) => {
    const client = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await client.login({ username: p.username, password: p.password });
    return client;
  };

  it('on a conversation, approves a second browser after comparing its code; the new browser reads the history', async () => {
    const ann = await person(harness, 'ann', 'Ann');
    await browserDeviceOf(ann);
    const bo = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await bo.register({ username: uniqueName('bo'), password: ann.password });
    await bo.enableEncryption({ deviceName: 'script' });
    const group = await bo.createGroup('Linked', [ann.id], { encrypted: true });
    await bo.sendMessage(group.id, 'said before the link');
    // Ann's browser reads it: what the history share will carry to the new browser.
    await openConversation(ann.page, group.id);
    await row(ann.page, 'said before the link').waitFor();

    const second = await openContext(harness);
    const laptop = second.page;
    laptop.setDefaultTimeout(30_000);
    await laptop.goto('/sign-in');
    await laptop.getByLabel('Username').fill(ann.username);
    await laptop.getByLabel('Password').fill(ann.password);
    await laptop.getByRole('button', { name: 'Sign in' }).click();
    await laptop.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await laptop.goto('/settings/encryption');
    await laptop.getByRole('button', { name: 'Link this browser' }).click();
    const shown = laptop.getByRole('status').filter({ hasText: 'Code' });
    await shown.waitFor();
    const code = (await shown.locator('strong').textContent())!;

    // Ann's first browser, still on the conversation, is prompted there.
    const banner = prompt(ann.page);
    await banner.getByText('asks to be linked').waitFor();
    const name = (await banner.locator('strong').first().textContent())!;
    await expectAccessible(ann.page);
    await banner.getByRole('button', { name: `Review ${name}` }).click();
    const dialog = ann.page.getByRole('dialog', { name: 'Link a new device?' });
    await dialog.getByText(code, { exact: true }).waitFor();
    await expectAccessible(ann.page);
    await dialog.getByRole('button', { name: `Approve ${name}` }).click();
    await banner
      .getByRole('status')
      .filter({ hasText: `Linked ${name}.` })
      .waitFor();
    await dialog.waitFor({ state: 'detached' });
    expect(await banner.getByRole('button', { name: `Review ${name}` }).count()).toBe(0);
    expect(await ann.page.getByRole('log', { name: 'Messages' }).isVisible()).toBe(true);

    await laptop.getByText('This browser is linked').waitFor();
    await openConversation(laptop, group.id);
    await row(laptop, 'said before the link').waitFor();
    await bo.sendMessage(group.id, 'said after the link');
    await row(laptop, 'said after the link').waitFor();
    await row(ann.page, 'said after the link').waitFor();
  });

  it('goes when the request is answered on another device of mine, or expires', async () => {
    const cy = await person(harness, 'cy', 'Cy');
    await browserDeviceOf(cy);
    const phone = await otherClient(cy);
    // A request that expires 40 s from now (made as if 10 minutes minus 40 s ago), there when the page loads
    // (a page load under CI's load has taken over 10 s: the banner must be seen before the expiry).
    const services = harness.server.server.services;
    const early = new DeviceLinkService(services.store, () => Date.now() - DEVICE_LINK_TTL_MS + 40_000);
    await early.request(cy.id, { deviceName: 'old tablet', publicKey: Buffer.alloc(32, 7).toString('base64url') });
    await cy.page.goto('/');
    const banner = prompt(cy.page);
    await banner.getByRole('button', { name: 'Review old tablet' }).waitFor();

    // A request arriving while the page is open; its review is open when another device declines it.
    const request = await phone.deviceLinks.request('phone');
    await banner.getByRole('button', { name: 'Review phone' }).click();
    const dialog = cy.page.getByRole('dialog', { name: 'Link a new device?' });
    await dialog.getByText(request.code, { exact: true }).waitFor();
    await phone.deviceLinks.decline(request.id);
    await dialog.waitFor({ state: 'detached' });
    await banner.getByRole('status').filter({ hasText: 'The request from phone was answered on another device or expired.' }).waitFor();
    expect(await banner.getByRole('button', { name: 'Review phone' }).count()).toBe(0);
    await expectAccessible(cy.page);

    // The other goes at its expiry, without a reload; the server no longer lists it either.
    await banner.getByRole('button', { name: 'Review old tablet' }).waitFor({ state: 'detached', timeout: 60_000 });
    expect(await phone.deviceLinks.pending()).toEqual([]);
  });
});
