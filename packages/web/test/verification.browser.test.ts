import { ConfabClient, memoryCryptoStore } from '@confab/client';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uniqueName } from '../../server/test/harness.js';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { browserDeviceOf, openConversation, person, row, sendText } from './people.js';

/**
 * Issue 39, verification in the app: a person's profile card shows our safety number and its QR
 * code; "Mark as verified" puts a shield by their name (card, header, member list); their identity
 * reset elsewhere turns it into a warning banner in the encrypted conversation, sending still
 * works, and "Verify again" with the new number clears it.
 */
describeBrowser('verifying people: the QR, the shield, the changed-key warning', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('verifies through the profile card, then warns in every encrypted conversation when their key changes', async () => {
    const password = 'correct horse battery';
    const hana = await person(harness, 'vhana', 'Hana');
    await browserDeviceOf(hana);
    const ivoName = uniqueName('vivo');
    const ivo = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await ivo.register({ username: ivoName, password, displayName: 'Ivo' });
    await ivo.enableEncryption({ deviceName: 'script' });
    const dm = await ivo.openDirect(hana.id, { encrypted: true });
    const group = await ivo.createGroup('Verified club', [hana.id], { encrypted: true });
    await ivo.sendMessage(dm.id, 'compare our numbers');
    const { page } = hana;

    await openConversation(page, dm.id);
    await row(page, 'compare our numbers')
      .getByRole('button', { name: /^Profile of / })
      .first()
      .click();
    const card = page.getByRole('dialog', { name: /^Profile of / });
    await card.getByText('Safety number').click();
    const number = await ivo.safetyNumber(hana.id);
    await card.getByText(number).waitFor();
    const qr = card.getByRole('img', { name: 'The safety number as a QR code' });
    await qr.waitFor();
    expect((await qr.locator('path').getAttribute('d'))?.length).toBeGreaterThan(100);
    expect(await card.getByRole('img', { name: 'Verified' }).count()).toBe(0);
    await expectAccessible(page);

    await card.getByRole('button', { name: 'Mark as verified' }).click();
    await card.getByText('You verified Ivo.').waitFor();
    await card.getByRole('img', { name: 'Verified' }).waitFor();
    await page.keyboard.press('Escape');
    const header = page.locator('header.conversation-header');
    await header.getByRole('img', { name: 'Verified' }).waitFor();
    // The group's member list shows it too.
    await page.goto(`/c/${group.id}/members`);
    await page.locator('.member-list').getByRole('img', { name: 'Verified' }).waitFor();

    // Ivo sets up encryption again on a new device, with a new identity key, while Hana has their DM open.
    await openConversation(page, dm.id);
    await header.getByRole('img', { name: 'Verified' }).waitFor();
    const phone = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await phone.login({ username: ivoName, password });
    await phone.enableEncryption({ deviceName: 'new phone', resetIdentity: true });
    const newNumber = await phone.safetyNumber(hana.id);
    expect(newNumber).not.toBe(number);

    // The open conversation warns at once (identity.updated), and so does every encrypted conversation with him: never silently.
    const banner = page.getByRole('region', { name: 'Safety number changed' });
    await banner.getByText(/The safety number of Ivo/).waitFor();
    await header.getByRole('img', { name: 'Safety number changed' }).waitFor();
    expect(await header.getByRole('img', { name: 'Verified' }).count()).toBe(0);
    for (const id of [group.id, dm.id]) {
      await openConversation(page, id);
      await banner.getByText(/The safety number of Ivo/).waitFor();
      await banner.getByRole('button', { name: 'Verify again' }).waitFor();
    }
    await expectAccessible(page);

    // Sending still works: Ivo's first device, on his new list, reads it.
    await sendText(page, 'sent after the warning');
    await row(page, 'sent after the warning').waitFor();
    await expect
      .poll(async () => (await ivo.history(dm.id, { after: 0, limit: 50 })).items.map((m) => m.body))
      .toContain('sent after the warning');

    // Verify again: the card opens on the new number with the warning; marking it clears the banner.
    await page.getByRole('button', { name: 'Verify again' }).click();
    const again = page.getByRole('dialog', { name: 'Profile of Ivo' });
    await again.getByText('Ivo’s safety number changed').waitFor();
    await again.getByText(newNumber).waitFor();
    await expectAccessible(page);
    // The number Ivo sent over another channel, pasted: the old one differs and verifies nothing; the new one verifies.
    const pasted = again.getByLabel('Or paste the number Ivo sent you');
    await pasted.fill(number);
    await again.getByRole('button', { name: 'Compare' }).click();
    await again.getByRole('alert').filter({ hasText: 'These numbers differ' }).waitFor();
    await expectAccessible(page);
    await pasted.fill(newNumber.replaceAll(' ', ''));
    await again.getByRole('button', { name: 'Compare' }).click();
    await again.getByText('You verified Ivo.').waitFor();
    await page.keyboard.press('Escape');
    await expect.poll(() => page.getByRole('region', { name: 'Safety number changed' }).count()).toBe(0);
    await header.getByRole('img', { name: 'Verified' }).waitFor();
  });
});
