import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConfabClient, memoryCryptoStore } from '@confab/client';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { uniqueName } from '../../server/test/harness.js';
import { type WebHarness, describeBrowser, expectAccessible, startWebHarness } from './browser.js';
import { writeFakeCamera } from './fake-camera.js';
import { browserDeviceOf, openConversation, person, row } from './people.js';

/** Whether every camera track the page opened (it opened at least one) has been stopped. */
function cameraOff(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const tracks = (window as unknown as { cameraTracks: MediaStreamTrack[] }).cameraTracks;
    return tracks.length > 0 && tracks.every((track) => track.readyState === 'ended');
  });
}

/**
 * Issue 39, scanning: Chromium's fake camera plays a Y4M file this test writes, showing the QR
 * code of a safety number. A camera that fails → the pasted-number path; a wrong number → "does not
 * match" and no shield; Ivo's real number (computed by his SDK) → verified, the shield. The
 * camera is off whenever the dialog is closed.
 */
describeBrowser('scanning the other person’s safety-number QR code', () => {
  let harness: WebHarness;
  const video = path.join(tmpdir(), `confab-qr-scan-${process.pid}.y4m`);
  beforeAll(async () => {
    writeFakeCamera(video, null);
    harness = await startWebHarness({}, [
      '--use-fake-device-for-media-stream',
      '--use-fake-ui-for-media-stream',
      `--use-file-for-fake-video-capture=${video}`,
    ]);
  }, 120_000);
  afterAll(async () => {
    await harness?.close();
    rmSync(video, { force: true });
  });

  it('verifies them from their code, refuses another number, and offers the pasted number when the camera fails', async () => {
    const hana = await person(harness, 'qhana', 'Hana');
    await browserDeviceOf(hana);
    const ivo = new ConfabClient({ baseUrl: harness.url, crypto: { store: memoryCryptoStore() } });
    await ivo.register({ username: uniqueName('qivo'), password: 'correct horse battery', displayName: 'Ivo' });
    await ivo.enableEncryption({ deviceName: 'script' });
    const dm = await ivo.openDirect(hana.id, { encrypted: true });
    await ivo.sendMessage(dm.id, 'scan my code');
    const number = await ivo.safetyNumber(hana.id);
    const { page } = hana;
    // Watches the real getUserMedia (it still answers) to see that the tracks it gave are stopped.
    await page.addInitScript(() => {
      const seen: MediaStreamTrack[] = [];
      (window as unknown as { cameraTracks: MediaStreamTrack[] }).cameraTracks = seen;
      const devices = navigator.mediaDevices;
      const getUserMedia = devices.getUserMedia.bind(devices);
      devices.getUserMedia = async (constraints) => {
        const stream = await getUserMedia(constraints);
        seen.push(...stream.getTracks());
        return stream;
      };
    });

    await openConversation(page, dm.id);
    await row(page, 'scan my code')
      .getByRole('button', { name: /^Profile of / })
      .first()
      .click();
    const card = page.getByRole('dialog', { name: 'Profile of Ivo' });
    await card.getByText('Safety number').click();
    await card.getByText(number).waitFor();
    const scanner = page.getByRole('dialog', { name: 'Scan Ivo’s code' });

    // No video for the camera to play (as a camera that is missing or will not start): said plainly, and the pasted number offered instead.
    rmSync(video);
    await card.getByRole('button', { name: 'Scan their code' }).click();
    await scanner
      .getByRole('alert')
      .filter({ hasText: /^(No camera was found|The camera could not start)/ })
      .waitFor();
    await expectAccessible(page);
    await scanner.getByRole('button', { name: 'Compare a pasted number instead' }).click();
    await expect.poll(() => scanner.count()).toBe(0);
    await expect
      .poll(() => card.getByLabel('Or paste the number Ivo sent you').evaluate((input) => input === document.activeElement))
      .toBe(true);
    writeFakeCamera(video, 'https://example.org/not-a-number');

    // A code that is no safety number (a link): it says so and keeps looking; closing the dialog turns the camera off.
    await card.getByRole('button', { name: 'Scan their code' }).click();
    await scanner.getByRole('status').filter({ hasText: 'That QR code is not a safety number' }).waitFor();
    await expect.poll(() => scanner.locator('video').evaluate((v: HTMLVideoElement) => v.videoWidth)).toBe(640);
    await expectAccessible(page);
    await scanner.getByRole('button', { name: 'Close' }).click();
    await expect.poll(() => scanner.count()).toBe(0);
    await expect.poll(() => cameraOff(page)).toBe(true);

    // Another safety number on their screen: it does not match, and verifies nothing.
    const wrong = `${number.slice(0, -1)}${number.endsWith('0') ? '1' : '0'}`;
    writeFakeCamera(video, wrong);
    await card.getByRole('button', { name: 'Scan their code' }).click();
    await scanner.getByRole('alert').filter({ hasText: 'This code does not match your safety number with Ivo' }).waitFor();
    await expect.poll(() => cameraOff(page)).toBe(true);
    expect(await card.getByRole('img', { name: 'Verified' }).count()).toBe(0);
    expect(await card.getByText('You verified Ivo.').count()).toBe(0);
    await expectAccessible(page);

    // Their real number: scanned again, it verifies them as "Mark as verified" does.
    writeFakeCamera(video, number);
    await scanner.getByRole('button', { name: 'Scan again' }).click();
    await card.getByText('You verified Ivo.').waitFor();
    await card.getByRole('img', { name: 'Verified' }).waitFor();
    await expect.poll(() => scanner.count()).toBe(0);
    await expect.poll(() => cameraOff(page)).toBe(true);
    await page.keyboard.press('Escape');
    await page.locator('header.conversation-header').getByRole('img', { name: 'Verified' }).waitFor();
    expect(await ivo.safetyNumber(hana.id)).toBe(number);
  });
});
