import { ConfabClient, KEY_PACKAGE_POOL, memoryCryptoStore } from '@confab/client';
import type { KeyPackagesUploaded, UserDevices } from '@confab/protocol';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uniqueName } from '../../server/test/harness.js';
import { type WebHarness, describeBrowser, openContext, startWebHarness } from './browser.js';
import { openConversation, row } from './people.js';

/**
 * Issue 39: a browser whose first enable was cut short (the page left while its KeyPackages were
 * uploading) is not taken for an enabled device: the next load finishes it with the same keys,
 * and a message encrypted to it then reads here.
 */
describeBrowser('an interrupted enable in the browser', () => {
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
    await row(page, 'to the device that finished enabling').waitFor();
    await context.close();
  });
});
