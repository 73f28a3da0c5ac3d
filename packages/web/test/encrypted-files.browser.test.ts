import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { databaseSnapshot } from '../../server/test/snapshot.js';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { browserDeviceOf, encryptHere, groupOf, openConversation, person, row, sendText } from './people.js';

// A 1×1 PNG: a real image, so the receiver's <img> of the decrypted file has a width.
const png = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/**
 * Issue 39 part 5 in the web app: "Attach files" in an encrypted conversation encrypts each file
 * in the browser (the plain attach control is not offered there); the other member's browser
 * downloads, checks and decrypts it, showing an image and offering a file. The server holds
 * neither the names nor the bytes in clear.
 */
describeBrowser('encrypted files (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    // A fake microphone (a beep) that needs no permission prompt, for the voice note.
    harness = await startWebHarness({}, ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  }, 120_000);
  afterAll(async () => harness?.close());

  it('sends an image and a file encrypted from one browser and shows them decrypted in another; reactions and edits are encrypted too', async () => {
    const [alice, bob] = [await person(harness, 'fia', 'Alice'), await person(harness, 'fib', 'Bob')];
    await Promise.all([browserDeviceOf(alice), browserDeviceOf(bob)]);
    const group = await groupOf(alice, [bob], 'Files');
    await openConversation(alice.page, group.id);
    // Plain: the ordinary attach control, not the encrypted one.
    await alice.page.getByLabel('Files to attach').waitFor({ state: 'attached' });
    expect(await alice.page.getByLabel('Files to encrypt and send').count()).toBe(0);
    await encryptHere(alice.page);
    await expect.poll(() => alice.page.getByLabel('Files to attach').count()).toBe(0);

    const secret = `minutes of the meeting ${crypto.randomUUID()}`;
    const imageName = `pixel-${crypto.randomUUID().slice(0, 8)}.png`;
    const docName = `minutes-${crypto.randomUUID().slice(0, 8)}.txt`;
    await alice.page.getByLabel('Files to encrypt and send').setInputFiles([
      { name: imageName, mimeType: 'image/png', buffer: png },
      { name: docName, mimeType: 'text/plain', buffer: Buffer.from(secret) },
    ]);

    await openConversation(bob.page, group.id);
    const image = bob.page.getByRole('img', { name: imageName });
    await image.waitFor();
    await expect.poll(() => image.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(1);
    const link = bob.page.getByRole('link', { name: new RegExp(docName) });
    await link.waitFor();
    expect(await link.getAttribute('download')).toBe(docName);
    const [download] = await Promise.all([bob.page.waitForEvent('download'), link.click()]);
    expect(download.suggestedFilename()).toBe(docName);
    expect(readFileSync((await download.path())!, 'utf8')).toBe(secret);
    // The sender's own browser shows them too (its copy of what it sent).
    await alice.page.getByRole('img', { name: imageName }).waitFor();
    await expectAccessible(bob.page);

    const snapshot = JSON.stringify(await databaseSnapshot(harness.server));
    for (const seen of [secret, imageName, docName]) expect(snapshot.includes(seen), seen).toBe(false);

    // A reaction in the encrypted conversation: sent inside an MLS message, counted by each browser.
    const question = `lunch at noon? ${crypto.randomUUID().slice(0, 8)}`;
    await sendText(bob.page, question);
    const message = row(alice.page, question);
    await message.waitFor();
    await message.hover();
    await message.getByRole('group', { name: 'Message actions' }).getByRole('button', { name: 'React', exact: true }).click();
    await message.getByRole('button', { name: 'React with 👍' }).click();
    await row(bob.page, question).getByRole('button', { name: '👍 1: Alice' }).waitFor();
    const mine = message.getByRole('button', { name: '👍 1: you' });
    await mine.waitFor();
    expect(await mine.getAttribute('aria-pressed')).toBe('true');
    // Taken back: gone in both browsers.
    await mine.click();
    await expect.poll(() => row(bob.page, question).getByRole('button', { name: /^👍/ }).count()).toBe(0);
    // Neither reactions nor edits are listed as messages: Bob's browser shows two rows (Alice's files, his question).
    await expect.poll(() => bob.page.getByRole('log', { name: 'Messages', exact: true }).locator('article.message').count()).toBe(2);
    // Bob edits his question: the new text goes encrypted, and Alice's browser shows it.
    const edited = `lunch at one? ${crypto.randomUUID().slice(0, 8)}`;
    const mineRow = row(bob.page, question);
    await mineRow.hover();
    await mineRow.getByRole('group', { name: 'Message actions' }).getByRole('button', { name: 'More…' }).click();
    await bob.page.getByRole('menuitem', { name: 'Edit' }).click();
    const field = bob.page.getByRole('textbox', { name: 'Edit message' });
    await field.fill(edited);
    await field.press('Enter');
    await row(bob.page, edited).getByText('(edited)').waitFor();
    await row(alice.page, edited).waitFor();
    expect(JSON.stringify(await databaseSnapshot(harness.server))).not.toContain(edited);

    // Pinned: the panel shows the question as this browser decrypted it, edit applied (the server has only ciphertext).
    const question_ = (await alice.sdk.history(group.id, { after: 0, limit: 50 })).items
      .filter((m) => m.mls === 'application' && m.relatesTo === undefined && m.senderId === bob.id)
      .at(-1)!;
    await alice.sdk.messages.pin(question_.id);
    await bob.page.getByRole('button', { name: 'Pinned', exact: true }).click();
    const pinsPanel = bob.page.getByRole('complementary', { name: 'Pinned messages' });
    await pinsPanel.getByRole('button', { name: new RegExp(edited.split(' ').at(-1)!) }).waitFor();
    await pinsPanel.getByRole('button', { name: 'Close' }).click();

    // The server never saw the emoji: no row of any table holds it.
    expect(JSON.stringify(await databaseSnapshot(harness.server))).not.toContain('👍');

    // Alice looks elsewhere; Bob reacts to her files, then writes. Her badge counts the text only:
    // the reaction's envelope says what it relates to, so neither her browser nor the server counts it.
    const elsewhere = await groupOf(alice, [bob], 'Elsewhere');
    await openConversation(alice.page, elsewhere.id);
    const files = row(bob.page, docName);
    await files.hover();
    await files.getByRole('group', { name: 'Message actions' }).getByRole('button', { name: 'React', exact: true }).click();
    await files.getByRole('button', { name: 'React with 🎉' }).click();
    await files.getByRole('button', { name: '🎉 1: you' }).waitFor();
    const after = `see you there ${crypto.randomUUID().slice(0, 8)}`;
    await sendText(bob.page, after);
    const listRow = alice.page
      .getByRole('navigation', { name: 'Conversations' })
      .getByRole('listitem')
      .filter({ has: alice.page.getByRole('link', { name: /Files/ }) });
    await listRow.getByText(after).waitFor();
    expect(await listRow.locator('.badge.unread').innerText()).toMatch(/^1\s*unread$/);
    // The server's count, after a reload, says the same.
    await bob.page
      .getByRole('log', { name: 'Messages', exact: true })
      .locator('article.message:not(.pending)', { hasText: after })
      .waitFor();
    await alice.page.reload();
    await listRow.locator('.badge.unread').waitFor();
    expect(await listRow.locator('.badge.unread').innerText()).toMatch(/^1\s*unread$/);
  });

  it('records a voice note in an encrypted conversation: the audio encrypted here, played decrypted in the other browser', async () => {
    const [alice, bob] = [await person(harness, 'fva', 'Alice'), await person(harness, 'fvb', 'Bob')];
    await Promise.all([browserDeviceOf(alice), browserDeviceOf(bob)]);
    const group = await groupOf(alice, [bob], 'Voice');
    await openConversation(alice.page, group.id);
    await encryptHere(alice.page);
    await alice.page
      .getByText(/Files, voice notes, reactions, edits, polls and places \(live ones too\) are encrypted on this device/)
      .waitFor();

    await alice.page.getByRole('button', { name: 'Record voice note' }).click();
    const recording = alice.page.getByRole('group', { name: 'Recording a voice note' });
    await expect.poll(() => recording.getByRole('timer').textContent()).toBe('0:02');
    await recording.getByRole('button', { name: 'Send voice note' }).click();

    await openConversation(bob.page, group.id);
    const play = bob.page.getByRole('button', { name: 'Play voice note' });
    await play.waitFor();
    // Its audio is the player, not also a file to download.
    expect(await bob.page.getByRole('list', { name: 'Encrypted files' }).count()).toBe(0);
    // Its length and waveform came inside the MLS message: about two seconds, drawn as bars.
    const slider = bob.page.getByRole('slider', { name: 'Voice note position' });
    expect(await slider.locator('.waveform-bar').count()).toBeGreaterThan(10);
    expect(await bob.page.locator('.voice-time').textContent()).toMatch(/^0:0[12]$/);
    // What the server holds (an SDK client without a device reads the envelope): an application message with a ciphertext upload.
    const [envelope] = (await bob.sdk.history(group.id, { after: 0, limit: 50 })).items.filter((m) => m.attachments?.length === 1);
    expect(envelope).toMatchObject({ kind: 'encrypted', mls: 'application', attachments: [{ contentType: 'application/octet-stream' }] });
    expect(envelope).not.toHaveProperty('voice');
    // Played from the audio this browser decrypted: the position moves.
    await play.click();
    await expect.poll(() => slider.getAttribute('aria-valuenow')).not.toBe('0');
    await expectAccessible(bob.page);

    // No row of any table has the audio's type or the recording's name.
    const snapshot = JSON.stringify(await databaseSnapshot(harness.server));
    for (const seen of ['audio/webm', 'voice-note.webm']) expect(snapshot.includes(seen), seen).toBe(false);
  }, 120_000);
});
