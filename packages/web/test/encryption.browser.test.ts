import { ConfabClient, memoryCryptoStore } from '@confab/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { groupOf, openConversation, person, row } from './people.js';

/**
 * Issue 39 in the web app: "Turn on encryption" asks first and says what happens, a lock marks
 * encrypted conversations in the list and the header, and a message this browser cannot decrypt
 * (it has no encryption device yet) says so instead of showing nothing; commits and welcomes are
 * not shown at all.
 */
describeBrowser('encrypted conversations (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('turns a group encrypted after a question, marks it with a lock, and shows the placeholder for what it cannot read', async () => {
    const [alice, bob] = [await person(harness, 'alice', 'Alice'), await person(harness, 'bob', 'Bob')];
    const vault = await groupOf(alice, [bob], 'Vault');
    await openConversation(alice.page, vault.id);
    const { page } = alice;
    const header = page.locator('header.conversation-header');
    const nav = page.getByRole('navigation', { name: 'Conversations' });
    const listRow = nav.getByRole('listitem').filter({ has: page.getByRole('link', { name: /Vault/ }) });
    const lock = { name: 'End-to-end encrypted' };
    expect(await header.getByRole('img', lock).count()).toBe(0);

    // Asked first, and told what happens; Cancel changes nothing.
    const turnOn = page.getByRole('button', { name: 'Turn on encryption', exact: true });
    await turnOn.click();
    const dialog = page.getByRole('dialog', { name: 'Turn on end-to-end encryption?' });
    await dialog.waitFor();
    await expect.poll(() => dialog.textContent()).toMatch(/only members' devices can read them, not the server/);
    expect(await dialog.textContent()).toMatch(/cannot be turned off/);
    expect(await dialog.textContent()).toMatch(/This browser can't encrypt yet/);
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await alice.sdk.getConversation(vault.id)).encrypted).toBe(false);

    await turnOn.click();
    await dialog.getByRole('button', { name: 'Turn on encryption' }).click();
    await header.getByRole('img', lock).waitFor();
    await listRow.getByRole('img', lock).waitFor();
    expect((await alice.sdk.getConversation(vault.id)).encrypted).toBe(true);
    // Never twice: the switch is gone once it is on.
    await expect.poll(() => turnOn.count()).toBe(0);

    // Bob's device with encryption makes the group (a commit the app does not show) and sends.
    const bobDevice = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await bobDevice.login({ username: bob.username, password: bob.password });
    await bobDevice.enableEncryption({ deviceName: 'laptop' });
    await bobDevice.encryptConversation(vault.id);
    await bobDevice.sendMessage(vault.id, 'the combination is 4-8-15');
    const placeholder = row(page, "Encrypted message: this device can't read it");
    await placeholder.waitFor();
    expect(await page.getByText('the combination is 4-8-15').count()).toBe(0);
    // One message row: the commit that made the group is applied by devices, not shown.
    expect(await page.getByRole('log', { name: 'Messages', exact: true }).locator('article.message').count()).toBe(1);
    await expectAccessible(page);

    // A member who is not an owner or admin is not offered the switch.
    const plain = await groupOf(alice, [bob], 'Open');
    await openConversation(bob.page, plain.id);
    await bob.page.getByRole('button', { name: 'Members' }).waitFor();
    expect(await bob.page.getByRole('button', { name: 'Turn on encryption', exact: true }).count()).toBe(0);
  });
});
