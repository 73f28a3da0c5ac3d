import { ConfabClient, memoryCryptoStore } from '@confab/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uniqueName } from '../../server/test/harness.js';
import { databaseSnapshot } from '../../server/test/snapshot.js';
import { type WebHarness, describeBrowser, expectAccessible, openContext, startWebHarness } from './browser.js';
import { browserDeviceOf, decryptedRow, groupOf, openConversation, person, row, sendText } from './people.js';

/**
 * Issue 39 in the web app (decision 0027, part 3): each browser is an encryption device of the
 * person signed in (its keys and MLS state in IndexedDB); "Turn on encryption" and "Encrypt" make
 * the MLS group here; sent and received messages read as in a plain conversation, with a lock; a
 * second tab of the same person reads them too (one tab at a time works on a group: Web Locks);
 * what a browser cannot read says so. The database holds none of the texts.
 */
describeBrowser('encrypted conversations (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  const plaintexts: string[] = [];
  const secret = (text: string) => {
    const unique = `${text} ${crypto.randomUUID().slice(0, 8)}`;
    plaintexts.push(unique);
    return unique;
  };
  const lock = { name: 'End-to-end encrypted' };
  const header = (page: Page) => page.locator('header.conversation-header');
  const messageRows = (page: Page) => page.getByRole('log', { name: 'Messages', exact: true }).locator('article.message');

  it('turns a group encrypted here; two browsers exchange messages, a second tab and a reload read them', async () => {
    const [alice, bob] = [await person(harness, 'alice', 'Alice'), await person(harness, 'bob', 'Bob')];
    await Promise.all([browserDeviceOf(alice), browserDeviceOf(bob)]);
    const vault = await groupOf(alice, [bob], 'Vault');
    await openConversation(alice.page, vault.id);
    const { page } = alice;

    // Asked first, and told what happens; Cancel changes nothing.
    const turnOn = page.getByRole('button', { name: 'Turn on encryption', exact: true });
    await turnOn.click();
    const dialog = page.getByRole('dialog', { name: 'Turn on end-to-end encryption?' });
    await dialog.waitFor();
    await expect.poll(() => dialog.textContent()).toMatch(/only members' devices can read them, not the server/);
    expect(await dialog.textContent()).toMatch(/cannot be turned off/);
    await expectAccessible(page);
    await dialog.getByRole('button', { name: 'Cancel' }).click();
    await dialog.waitFor({ state: 'detached' });
    expect((await alice.sdk.getConversation(vault.id)).encrypted).toBe(false);

    await turnOn.click();
    await dialog.getByRole('button', { name: 'Turn on encryption' }).click();
    await header(page).getByRole('img', lock).waitFor();
    const nav = page.getByRole('navigation', { name: 'Conversations' });
    await nav
      .getByRole('listitem')
      .filter({ has: page.getByRole('link', { name: /Vault/ }) })
      .getByRole('img', lock)
      .waitFor();
    expect((await alice.sdk.getConversation(vault.id)).encrypted).toBe(true);
    await expect.poll(() => turnOn.count()).toBe(0);
    // This browser made the MLS group: its commit (Bob's device in) is in the order, not shown.
    const mls = await alice.sdk.http.request<{ epoch: number }>('GET', `/api/v1/conversations/${vault.id}/mls`);
    expect(mls.epoch).toBe(1);

    const first = secret('the combination is 4-8-15');
    await sendText(page, first);
    await row(page, first).waitFor();
    await openConversation(bob.page, vault.id);
    await row(bob.page, first).waitFor();
    await header(bob.page).getByRole('img', lock).waitFor();
    const answer = secret('and the door code is 16-23-42');
    await sendText(bob.page, answer);
    await row(page, answer).waitFor();
    // Two rows each: the commit and the Welcome are applied by devices, never shown.
    expect(await messageRows(page).count()).toBe(2);
    expect(await page.getByText("this device can't read it").count()).toBe(0);
    await expectAccessible(bob.page);

    // A second tab of Bob's reads them, and a reload keeps what this browser decrypted.
    const secondTab = await bob.context.newPage();
    await openConversation(secondTab, vault.id);
    await row(secondTab, first).waitFor();
    await row(secondTab, answer).waitFor();
    const fromSecondTab = secret('sent from my second tab');
    await sendText(secondTab, fromSecondTab);
    await row(page, fromSecondTab).waitFor();
    await row(bob.page, fromSecondTab).waitFor();
    await page.reload();
    await row(page, first).waitFor();
    await row(page, fromSecondTab).waitFor();

    // A member who is not an owner or admin is not offered the switch.
    const plain = await groupOf(alice, [bob], 'Open');
    await openConversation(bob.page, plain.id);
    await bob.page.getByRole('button', { name: 'Members' }).waitFor();
    expect(await bob.page.getByRole('button', { name: 'Turn on encryption', exact: true }).count()).toBe(0);

    const snapshot = JSON.stringify(await databaseSnapshot(harness.server));
    for (const text of plaintexts) expect(snapshot.includes(text), text).toBe(false);
  });

  it('makes an encrypted group with "Encrypt"; a browser whose identity key is elsewhere shows the placeholder', async () => {
    const [alice, bob] = [await person(harness, 'carla', 'Carla'), await person(harness, 'dan', 'Dan')];
    // Erin enabled encryption in a script first: her identity key is there, so her browser cannot
    // sign a device list until it is linked (device-linking.browser.test.ts) and stays without a device, honestly.
    const erinName = uniqueName('erin');
    const erinDevice = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await erinDevice.register({ username: erinName, password: 'correct horse battery' });
    await erinDevice.enableEncryption({ deviceName: 'script' });
    await Promise.all([browserDeviceOf(alice), browserDeviceOf(bob)]);

    const { page } = alice;
    await page.getByRole('link', { name: 'New group' }).click();
    await page.getByLabel('Group name').fill('Board');
    for (const username of [bob.username, erinName]) {
      await page.getByRole('searchbox', { name: 'Add people' }).fill(username);
      await page.getByRole('button', { name: new RegExp(`Add .*@${username}`) }).click();
    }
    await page.getByRole('checkbox', { name: /Encrypt/ }).check();
    await expectAccessible(page);
    await page.getByRole('button', { name: 'Create group' }).click();
    await page.getByRole('heading', { level: 2, name: 'Board' }).waitFor();
    await header(page).getByRole('img', lock).waitFor();
    const plan = secret('the plan');
    await sendText(page, plan);
    await row(page, plan).waitFor();
    await bob.page.getByRole('link', { name: /Board/ }).click();
    await row(bob.page, plan).waitFor();
    // Erin's script device reads it; her browser cannot, and says so.
    const conversationId = new URL(page.url()).pathname.split('/').pop()!;
    const read = await erinDevice.history(conversationId, { after: 0, limit: 50 });
    expect(read.items.filter((m) => m.kind === 'encrypted').map((m) => m.body)).toEqual([plan]);
    const erin = await openContext(harness);
    await erin.page.goto('/sign-in');
    await erin.page.getByLabel('Username').fill(erinName);
    await erin.page.getByLabel('Password').fill('correct horse battery');
    await erin.page.getByRole('button', { name: 'Sign in' }).click();
    await erin.page.getByRole('navigation', { name: 'Conversations' }).waitFor();
    await openConversation(erin.page, conversationId);
    await row(erin.page, "Sent before this device joined: this device can't read it").waitFor();
    expect(await erin.page.getByText(plan).count()).toBe(0);
    await expectAccessible(erin.page);
    expect((await erinDevice.devices()).length).toBe(1);

    // "Encrypt" in New message opens the pair's encrypted DM, beside their plain one.
    await page.getByRole('link', { name: 'New message' }).click();
    await page.getByRole('checkbox', { name: /Encrypt/ }).check();
    await page.getByRole('searchbox', { name: 'Find people' }).fill(bob.username);
    await page.getByRole('button', { name: new RegExp(`Message .*@${bob.username}`) }).click();
    await header(page).getByRole('img', lock).waitFor();
    const direct = secret('just between us');
    await sendText(page, direct);
    const dmId = new URL(page.url()).pathname.split('/').pop()!;
    expect((await bob.sdk.getConversation(dmId)).encrypted).toBe(true);
    await openConversation(bob.page, dmId);
    await row(bob.page, direct).waitFor();

    const snapshot = JSON.stringify(await databaseSnapshot(harness.server));
    for (const text of plaintexts) expect(snapshot.includes(text), text).toBe(false);
  });

  it('lists the last message this browser decrypted with its text after a reload; one never decrypted here says so', async () => {
    const hal = await person(harness, 'hal', 'Hal');
    await browserDeviceOf(hal);
    const ivy = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await ivy.register({ username: uniqueName('ivy'), password: 'correct horse battery' });
    await ivy.enableEncryption({ deviceName: 'script' });
    const dm = await ivy.openDirect(hal.id, { encrypted: true });
    const read = secret('meet at the north gate');
    await ivy.sendMessage(dm.id, read);
    const { page } = hal;
    await openConversation(page, dm.id);
    await decryptedRow(page, read);

    // Away, while a conversation this browser never opened gets a message: it decrypts nothing of it.
    await page.goto('about:blank');
    const later = await ivy.createGroup('Later', [hal.id], { encrypted: true });
    const unread = secret('not read on this device');
    await ivy.sendMessage(later.id, unread);

    // Back, on no conversation: the list's last messages come as envelopes; the one read before shows its text.
    await page.goto('/');
    const nav = page.getByRole('navigation', { name: 'Conversations' });
    const item = (id: string) => nav.getByRole('listitem').filter({ has: page.locator(`a[href="/c/${id}"]`) });
    await expect.poll(() => item(later.id).textContent()).toMatch(/Encrypted message/);
    await expect.poll(() => item(dm.id).textContent()).toContain(read);
    expect(await nav.getByText(unread).count()).toBe(0);
  });

  it('offers in an encrypted conversation only what the server accepts there, says why, and keeps its draft here', async () => {
    const fay = await person(harness, 'fay', 'Fay');
    await browserDeviceOf(fay);
    const gus = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await gus.register({ username: uniqueName('gus'), password: 'correct horse battery' });
    await gus.enableEncryption({ deviceName: 'script' });
    const sealed = await gus.createGroup('Sealed', [fay.id], { encrypted: true });
    const open = await gus.createGroup('Open', [fay.id]);
    const hello = secret('hello from a script');
    await gus.sendMessage(sealed.id, hello);
    await gus.sendMessage(open.id, 'hello in the open');
    const { page } = fay;
    const drafted: string[] = [];
    page.on('request', (request) => {
      if (request.method() === 'PUT' && request.url().endsWith('/draft')) drafted.push(request.url());
    });
    const note = page.getByText('are not available in encrypted conversations yet');
    const composerControls = ['Attach files', 'Share location', 'Create a poll', 'Send options'];
    const barOf = async (text: string) => {
      const message = row(page, text);
      await message.hover();
      return message.getByRole('group', { name: 'Message actions' });
    };

    // A plain conversation offers every control, and says nothing.
    await openConversation(page, open.id);
    for (const name of composerControls) await page.getByRole('button', { name, exact: true }).waitFor();
    await (await barOf('hello in the open')).getByRole('button', { name: 'React', exact: true }).waitFor();
    expect(await note.count()).toBe(0);

    // The encrypted one leaves out what the server refuses there, and the note says so.
    await openConversation(page, sealed.id);
    await decryptedRow(page, hello);
    await note.waitFor();
    // Polls, places and live places are encrypted too; scheduling is not offered.
    for (const name of ['Share location', 'Share live location', 'Create a poll'])
      await page.getByRole('button', { name, exact: true }).waitFor();
    expect(await page.getByRole('button', { name: 'Send options', exact: true }).count()).toBe(0);
    // Files are offered, encrypted on this device (part 5): the encrypted twin of the attach control.
    await page.getByLabel('Files to encrypt and send').waitFor({ state: 'attached' });
    expect(await page.getByLabel('Files to attach').count()).toBe(0);
    const bar = await barOf(hello);
    await bar.getByRole('button', { name: 'Reply', exact: true }).waitFor();
    // Reactions are offered: encrypted in an MLS message (part 5).
    await bar.getByRole('button', { name: 'React', exact: true }).waitFor();
    await bar.getByRole('button', { name: 'More…' }).click();
    await page.getByRole('menuitem', { name: 'Save for later' }).waitFor();
    const offered = await page.getByRole('menuitem').allTextContents();
    // Forwarding is made in this browser (into encrypted conversations only), a report may share the decrypted text; no editing another's message.
    for (const name of ['Forward…', 'Report…']) expect(offered, name).toContain(name);
    expect(offered).not.toContain('Edit');
    await page.keyboard.press('Escape');
    await expectAccessible(page);

    // A draft typed here stays on this device: switching away (which saves a plain draft at once) sends it nowhere.
    const field = page.getByRole('textbox', { name: 'Message', exact: true });
    const draft = secret('a draft only this browser holds');
    const nav = page.getByRole('navigation', { name: 'Conversations' });
    await field.fill(draft);
    await nav.getByRole('link', { name: /Open/ }).click();
    await row(page, 'hello in the open').waitFor();
    await field.fill('a plain draft');
    await nav.getByRole('link', { name: /Sealed/ }).click();
    await expect.poll(() => drafted.some((url) => url.includes(`/conversations/${open.id}/draft`))).toBe(true);
    expect(drafted.filter((url) => url.includes(sealed.id))).toEqual([]);
    expect(await field.inputValue()).toBe(draft);
  });
});
