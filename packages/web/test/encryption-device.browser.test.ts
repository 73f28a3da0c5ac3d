import { ConfabClient, KEY_PACKAGE_POOL, memoryCryptoStore } from '@confab/client';
import type { KeyPackagesUploaded, UserDevices } from '@confab/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uniqueName } from '../../server/test/harness.js';
import { type WebHarness, describeBrowser, expectAccessible, openContext, startWebHarness } from './browser.js';
import { browserDeviceOf, decryptedRow, openConversation, person, row } from './people.js';

/**
 * Issue 39, the browser as a device: one whose first enable was cut short (the page left while
 * its KeyPackages were uploading) is not taken for an enabled device: the next load finishes it
 * with the same keys, and a message encrypted to it then reads here. Search finds encrypted
 * messages in the history this browser decrypted (IndexedDB), beside the server's results.
 */
describeBrowser('the browser as an encryption device: an interrupted enable, search on the device', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('finishes an enable cut at the KeyPackage upload on the next load, with the same device', async () => {
    const username = uniqueName('cut');
    const password = 'correct horse battery';
    const sdk = new ConfabClient({ baseUrl: harness.url });
    const { user } = await sdk.register({ username, password });
    const devicesOf = () => sdk.http.request<UserDevices>('GET', `/api/v1/users/${user.id}/devices`);
    const poolOf = (deviceId: string) =>
      sdk.http.request<KeyPackagesUploaded>('POST', `/api/v1/devices/${deviceId}/key-packages`, { body: { keyPackages: [] } });

    const { context, page } = await openContext(harness);
    let cut!: () => void;
    const wasCut = new Promise<void>((resolve) => (cut = resolve));
    const uploads = '**/api/v1/devices/*/key-packages';
    await context.route(uploads, async (route) => {
      await route.abort('connectionclosed');
      cut();
    });
    await page.goto('/sign-in');
    await page.getByLabel('Username').fill(username);
    await page.getByLabel('Password').fill(password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await wasCut;
    await context.unroute(uploads);

    // The server has the device and its list, and nothing to add it to a conversation with.
    const [device] = (await devicesOf()).devices;
    expect(device).toBeDefined();
    expect(await poolOf(device!.id)).toMatchObject({ available: 0, lastResort: false });

    await page.reload();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await expect.poll(async () => (await poolOf(device!.id)).available).toBe(KEY_PACKAGE_POOL);
    expect((await devicesOf()).devices.map((d) => d.id)).toEqual([device!.id]);

    // Someone writes to it encrypted: the finished device reads it.
    const bob = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await bob.register({ username: uniqueName('cutb'), password });
    await bob.enableEncryption({ deviceName: 'script' });
    const dm = await bob.openDirect(user.id, { encrypted: true });
    await bob.sendMessage(dm.id, 'to the device that finished enabling');
    await openConversation(page, dm.id);
    await decryptedRow(page, 'to the device that finished enabling');
    await context.close();
  });

  it('searches encrypted conversations on the device, beside the server’s results for plain ones', async () => {
    const hana = await person(harness, 'hana', 'Hana');
    await browserDeviceOf(hana);
    const ivo = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await ivo.register({ username: uniqueName('ivo'), password: 'correct horse battery' });
    await ivo.enableEncryption({ deviceName: 'script' });
    const sealed = await ivo.createGroup('Sealed', [hana.id], { encrypted: true });
    const open = await ivo.createGroup('Open', [hana.id]);
    for (const text of ['Встреча в пятницу', '明日の会議は十時からです', 'the quarterly numbers are in'])
      await ivo.sendMessage(sealed.id, text);
    await ivo.sendMessage(open.id, 'quarterly plain numbers');
    const { page } = hana;
    // Reading the conversation decrypts its messages into this browser's IndexedDB; a reload reads them from there.
    await openConversation(page, sealed.id);
    await decryptedRow(page, 'the quarterly numbers are in');
    await page.reload();
    await page.getByRole('navigation', { name: 'Conversations' }).waitFor();

    const field = page.getByRole('searchbox', { name: 'Search all messages' });
    const results = page.getByRole('region', { name: 'Search results' });
    const hit = (text: string) => results.getByRole('button', { name: new RegExp(text) });
    await field.fill('quarterly num');
    await hit('the quarterly numbers are in').waitFor();
    await hit('quarterly plain numbers').waitFor();
    expect(await hit('the quarterly numbers are in').getByText('Found on this device').count()).toBe(1);
    expect(await hit('quarterly plain numbers').getByText('Found on this device').count()).toBe(0);
    await results.getByText('2 messages').waitFor();
    await expectAccessible(page);
    // By its stem, as the server finds it (the stemmers are a chunk loaded by the first search).
    await field.fill('пятница');
    await hit('Встреча в пятницу').waitFor();
    await field.fill('пятн');
    await hit('Встреча в пятницу').waitFor();
    await field.fill('会議');
    await hit('明日の会議は十時からです').click();
    await row(page, '明日の会議は十時からです').waitFor();

    // The sender's profile card (from the avatar of their first message) shows our safety number, the one the script computes too.
    await row(page, 'Встреча в пятницу')
      .getByRole('button', { name: /^Profile of / })
      .first()
      .click();
    const card = page.getByRole('dialog', { name: /^Profile of / });
    await card.getByText('Safety number').click();
    const digits = await ivo.safetyNumber(hana.id);
    await card.getByText(digits).waitFor();
    await expectAccessible(page);
    await page.keyboard.press('Escape');

    // Search in the encrypted conversation itself runs here too.
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.getByLabel('Search messages').fill('十時');
    await page.getByRole('status').filter({ hasText: '1 message' }).waitFor();
    await page.locator('.search-panel').getByText('Found on this device').waitFor();
  });

  it('lists my encryption devices in settings, and revokes one after a question', async () => {
    const jo = await person(harness, 'jo', 'Jo');
    await browserDeviceOf(jo);
    const script = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await script.login({ username: jo.username, password: jo.password });
    const { deviceId: scriptId } = await script.enableEncryption({ deviceName: 'backup script', resetIdentity: true });
    const { page } = jo;
    await page.goto('/settings/encryption');
    const list = page.getByRole('list', { name: 'Encryption devices' });
    await list.getByText('backup script', { exact: true }).waitFor();
    await list.getByText('This device').waitFor();
    expect(await list.getByRole('listitem').count()).toBe(2);
    await expectAccessible(page);

    await page.getByRole('button', { name: 'Revoke backup script' }).click();
    const dialog = page.getByRole('dialog', { name: 'Revoke backup script?' });
    await dialog.getByText('can read nothing sent from now on').waitFor();
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Revoke', exact: true }).click();
    await page.getByRole('status').filter({ hasText: 'Revoked backup script.' }).waitFor();
    await expect.poll(() => list.getByRole('listitem').count()).toBe(1);
    expect((await jo.sdk.http.request<UserDevices>('GET', `/api/v1/users/${jo.id}/devices`)).devices.map((d) => d.id)).not.toContain(
      scriptId,
    );
    // The script learns it at its next check: its keys are forgotten here.
    expect(await script.encryption.checkDevice()).toBe('revoked');
  });
});
