import sharp from 'sharp';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, signUp, startWebHarness } from './browser.js';

/** Issue 36 item 2: my picture, set and removed on the profile page. */
describeBrowser('avatars (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => {
    harness = await startWebHarness();
  }, 120_000);
  afterAll(async () => harness?.close());

  it('uploads a picture on the profile page, shows it, and removing it returns to initials', async () => {
    const alice = await signUp(harness, 'pic', 'Alice Picture');
    const page = alice.page;
    await page.goto('/settings/profile');
    const png = await sharp({ create: { width: 300, height: 200, channels: 3, background: '#c00' } })
      .png()
      .toBuffer();
    await page.getByLabel('Upload picture').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: png });
    const picture = page.getByRole('img', { name: 'Your picture' });
    await picture.locator('img').waitFor();
    expect(await picture.locator('img').getAttribute('src')).toMatch(/^blob:/);
    await page.getByRole('button', { name: 'Remove picture' }).click();
    const initials = page.getByRole('img', { name: 'Your initials (no picture)' });
    await initials.waitFor();
    expect(await initials.locator('img').count()).toBe(0);
    expect(await initials.textContent()).toBe('AP');
    await alice.context.close();
  });
});
