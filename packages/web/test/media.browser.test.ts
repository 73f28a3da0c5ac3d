import { randomBytes } from 'node:crypto';
import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { directBetween, openConversation, person, row } from './people.js';

/** Attachments, voice notes and locations, sent in one browser context and received in another. */
describeBrowser('files, voice notes and locations (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    // A fake microphone (a beep) that needs no permission prompt, for MediaRecorder.
    harness = await startWebHarness({}, ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream']);
  }, 120_000);
  afterAll(async () => harness?.close());

  it('attaches files by the picker and by dropping them, with progress, and shows the image as a thumbnail', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    await Promise.all([openConversation(alice.page, dm.id), openConversation(bob.page, dm.id)]);
    const image = await sharp({ create: { width: 800, height: 600, channels: 3, background: { r: 20, g: 120, b: 200 } } })
      .png()
      .toBuffer();

    // Uploads at 4 MB/s (DevTools' throttling), so the progress bars have time to move.
    const devtools = await alice.context.newCDPSession(alice.page);
    await devtools.send('Network.enable');
    await devtools.send('Network.emulateNetworkConditions', {
      offline: false,
      latency: 0,
      downloadThroughput: -1,
      uploadThroughput: 4 * 1024 * 1024,
    });
    // Every value a progress bar takes, recorded in the page as it changes.
    await alice.page.evaluate(() => {
      const seen: number[] = [];
      (window as unknown as { progressSeen: number[] }).progressSeen = seen;
      new MutationObserver(() => {
        for (const bar of document.querySelectorAll('progress')) seen.push(Number(bar.value) / Number(bar.max));
      }).observe(document.body, { subtree: true, childList: true, attributes: true, attributeFilter: ['value'] });
    });
    await alice.page.getByLabel('Files to attach').setInputFiles([
      { name: 'photo.png', mimeType: 'image/png', buffer: image },
      { name: 'big.bin', mimeType: 'application/octet-stream', buffer: randomBytes(3 * 1024 * 1024) },
    ]);
    const tray = alice.page.getByRole('region', { name: 'Files to send' });
    await expect.poll(() => tray.getByText('Uploaded').count()).toBe(2);
    const seen = await alice.page.evaluate(() => (window as unknown as { progressSeen: number[] }).progressSeen);
    expect(seen.some((fraction) => fraction > 0 && fraction < 1)).toBe(true);
    await expectAccessible(alice.page);

    // A third file, dropped on the page.
    const dropped = await alice.page.evaluateHandle(() => {
      const transfer = new DataTransfer();
      transfer.items.add(new File(['meeting notes'], 'notes.txt', { type: 'text/plain' }));
      return transfer;
    });
    await alice.page.dispatchEvent('.timeline', 'dragenter', { dataTransfer: dropped });
    await alice.page.getByText('Drop files to attach them').waitFor();
    await alice.page.dispatchEvent('.timeline', 'drop', { dataTransfer: dropped });
    await expect.poll(() => tray.getByText('Uploaded').count()).toBe(3);
    expect(await alice.page.getByText('Drop files to attach them').count()).toBe(0);

    await tray.getByRole('button', { name: 'Remove big.bin' }).click();
    await tray.getByLabel('Caption').fill('the plan');
    await tray.getByRole('button', { name: 'Send 2 files' }).click();

    const received = row(bob.page, 'the plan');
    const thumbnail = received.getByRole('img', { name: 'photo.png' });
    await thumbnail.waitFor();
    await expect.poll(() => thumbnail.evaluate((img: HTMLImageElement) => img.complete && img.naturalWidth)).toBe(320);
    await received.getByRole('button', { name: /Download notes\.txt/ }).waitFor();
    await expectAccessible(bob.page);
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);

  it('records a voice note, sends it with its waveform, and the other person plays it inline', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    await Promise.all([openConversation(alice.page, dm.id), openConversation(bob.page, dm.id)]);

    await alice.page.getByRole('button', { name: 'Record voice note' }).click();
    const recording = alice.page.getByRole('group', { name: 'Recording a voice note' });
    await expect.poll(() => recording.getByRole('timer').textContent()).toBe('0:02');
    await expectAccessible(alice.page);
    await recording.getByRole('button', { name: 'Send voice note' }).click();

    const play = bob.page.getByRole('button', { name: 'Play voice note' });
    await play.waitFor();
    const [sent] = (await bob.sdk.history(dm.id, { limit: 1 })).items;
    expect(sent).toMatchObject({ kind: 'voice', attachments: [{ contentType: 'audio/webm' }] });
    expect(sent!.voice!.durationMs).toBeGreaterThan(1500);
    expect(sent!.voice!.waveform.length).toBeGreaterThan(10);
    expect(Math.max(...sent!.voice!.waveform)).toBe(255);
    const slider = bob.page.getByRole('slider', { name: 'Voice note position' });
    expect(await slider.locator('.waveform-bar').count()).toBe(sent!.voice!.waveform.length);

    await play.click();
    await expect.poll(() => slider.getAttribute('aria-valuenow')).not.toBe('0');
    await expectAccessible(bob.page);
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);

  it('shares a location, shown with a link to the map', async () => {
    const [alice, bob] = await Promise.all([person(harness, 'alice'), person(harness, 'bob')]);
    const dm = await directBetween(alice, bob);
    await alice.context.grantPermissions(['geolocation']);
    await alice.context.setGeolocation({ latitude: 48.8584, longitude: 2.2945, accuracy: 12 });
    await Promise.all([openConversation(alice.page, dm.id), openConversation(bob.page, dm.id)]);

    await alice.page.getByRole('button', { name: 'Share location' }).click();
    const link = bob.page.getByRole('link', { name: 'Open in OpenStreetMap' });
    await link.waitFor();
    expect(await link.getAttribute('href')).toBe('https://www.openstreetmap.org/?mlat=48.8584&mlon=2.2945#map=16/48.8584/2.2945');
    await bob.page.getByText('48.85840, 2.29450 (±12 m)').waitFor();
    await expectAccessible(bob.page);
    await Promise.all([alice.context.close(), bob.context.close()]);
  }, 120_000);
});
