import { ConfabClient, memoryCryptoStore } from '@confab/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uniqueName } from '../../server/test/harness.js';
import { type WebHarness, describeBrowser, expectAccessible, openContext, startWebHarness } from './browser.js';
import { browserDeviceOf, openConversation, person, row } from './people.js';

/**
 * Issue 39 part 4 in Chromium: a browser whose identity key is on another device is linked from
 * there after comparing a code, joins the encrypted conversations by external commit and reads
 * what is sent after, showing what was sent before as such; a browser holding the key approves a
 * new device's request in Settings → Encryption.
 */
describeBrowser('device linking in the browser', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  const password = 'correct horse battery';
  const sdkDevice = async (prefix: string) => {
    const username = uniqueName(prefix);
    const client = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    const { user } = await client.register({ username, password });
    await client.enableEncryption({ deviceName: 'script' });
    return { username, id: user.id, client };
  };

  it('links this browser from the device holding my key: the same code, then new messages read, older ones placeheld', async () => {
    const [fay, gus] = [await sdkDevice('fay'), await sdkDevice('gus')];
    const group = await gus.client.createGroup('Linked', [fay.id], { encrypted: true });
    await gus.client.sendMessage(group.id, 'before the browser');

    const { page } = await openContext(harness);
    await page.goto('/sign-in');
    await page.getByLabel('Username').fill(fay.username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await page.goto('/settings/encryption');
    await page.getByRole('button', { name: 'Link this browser' }).click();
    const shown = page.getByRole('status').filter({ hasText: 'Code' });
    await shown.waitFor();
    await expectAccessible(page);
    const code = (await shown.locator('strong').textContent())!;

    await expect.poll(async () => (await fay.client.deviceLinks.pending()).length).toBe(1);
    const [request] = await fay.client.deviceLinks.pending();
    expect(request!.code).toBe(code);
    await fay.client.deviceLinks.approve(request!.id);
    await page.getByText('This browser is linked').waitFor();
    await expect.poll(async () => (await fay.client.devices()).length).toBe(2);

    await gus.client.sendMessage(group.id, 'after the browser');
    await openConversation(page, group.id);
    await row(page, 'after the browser').waitFor();
    await row(page, "Sent before this device joined: this device can't read it").waitFor();
    expect(await page.getByText('before the browser', { exact: true }).count()).toBe(0);
    await expectAccessible(page);
  });

  it('a message from before this browser joined, with no device of mine to share it: the placeholder in the row, the list and search', async () => {
    const [ida, jo] = [await sdkDevice('ida'), await sdkDevice('jo')];
    const group = await jo.client.createGroup('Before me', [ida.id], { encrypted: true });
    // Ida's only device never reads it: the history share has nothing of it to carry.
    await jo.client.sendMessage(group.id, 'unshared history');

    const { page } = await openContext(harness);
    page.setDefaultTimeout(30_000);
    await page.goto('/sign-in');
    await page.getByLabel('Username').fill(ida.username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await page.goto('/settings/encryption');
    await page.getByRole('button', { name: 'Link this browser' }).click();
    await page.getByRole('status').filter({ hasText: 'Code' }).waitFor();
    await expect.poll(async () => (await ida.client.deviceLinks.pending()).length).toBe(1);
    await ida.client.deviceLinks.approve((await ida.client.deviceLinks.pending())[0]!.id);
    await page.getByText('This browser is linked').waitFor();

    await openConversation(page, group.id);
    const placeholder = "Sent before this device joined: this device can't read it";
    await row(page, placeholder).waitFor();
    // The honest line, once: not "Not sent", not its text from somewhere, not an empty message.
    const log = page.getByRole('log', { name: 'Messages', exact: true });
    expect(await row(page, placeholder).count()).toBe(1);
    expect(await log.getByText('Not sent').count()).toBe(0);
    expect(await log.getByText('unshared history').count()).toBe(0);
    // The list says what the last message is without pretending to read it (it was an empty line).
    const listed = page.getByRole('navigation', { name: 'Conversations' }).locator(`a[href="/c/${group.id}"] .conversation-preview`);
    await expect.poll(() => listed.textContent()).toMatch(/: Encrypted message$/);

    // Search on this device finds nothing of it (it has no text here), and finds what it reads.
    await jo.client.sendMessage(group.id, 'shared from now on');
    await row(page, 'shared from now on').waitFor();
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    const search = page.getByLabel('Search messages');
    await search.fill('unshared');
    await page.getByRole('status').filter({ hasText: 'No messages found.' }).waitFor();
    await search.fill('shared from');
    await page.getByRole('status').filter({ hasText: '1 message' }).waitFor();
    await expect.poll(() => listed.textContent()).toMatch(/: shared from now on$/);
    await expectAccessible(page);
  });

  it('approves a new device’s request in settings, after showing its code', async () => {
    const hal = await person(harness, 'hal', 'Hal');
    await browserDeviceOf(hal);
    const phone = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await phone.login({ username: hal.username, password: hal.password });
    const request = await phone.deviceLinks.request('phone');
    const completed = phone.deviceLinks.complete(request.id, { deviceName: 'phone', pollMs: 200 });

    const { page } = hal;
    await page.goto('/settings/encryption');
    const requests = page.getByRole('list', { name: 'Link requests' });
    await requests.getByText(request.code).waitFor();
    await expectAccessible(page);
    await requests.getByRole('button', { name: 'Approve phone' }).click();
    await page.getByRole('status').filter({ hasText: 'Linked phone.' }).waitFor();
    await completed;
    expect(await phone.encryption.isEnabled()).toBe(true);
    await page.reload();
    await page.getByRole('list', { name: 'Encryption devices' }).getByText('phone', { exact: true }).waitFor();
  });
});
