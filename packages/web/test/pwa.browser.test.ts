import { afterAll, beforeAll, expect, it } from 'vitest';
import { type WebHarness, describeBrowser, openContext, startWebHarness } from './browser.js';

interface ManifestIcon {
  src: string;
  sizes: string;
  type: string;
  purpose: string;
}

/** Issue 36 item 9: installable. The manifest the page links, served as a manifest, and every icon it names. */
describeBrowser('installable web app (browser)', () => {
  let harness: WebHarness;
  beforeAll(async () => (harness = await startWebHarness()), 120_000);
  afterAll(async () => harness?.close());

  it('links a manifest served as application/manifest+json whose icons all load at their stated sizes', async () => {
    const { page, context } = await openContext(harness);
    await page.goto('/sign-in');
    const href = await page.locator('link[rel="manifest"]').getAttribute('href');
    expect(href).toBe('/manifest.webmanifest');
    const themeColors = await page
      .locator('meta[name="theme-color"]')
      .evaluateAll((metas) => metas.map((m) => [m.getAttribute('media'), m.getAttribute('content')]));
    expect(themeColors).toEqual([
      ['(prefers-color-scheme: light)', '#ffffff'],
      ['(prefers-color-scheme: dark)', '#15171b'],
    ]);

    const response = await fetch(`${harness.url}${href!}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/manifest\+json/);
    const manifest = (await response.json()) as { icons: ManifestIcon[] } & Record<string, unknown>;
    expect(manifest).toMatchObject({ name: 'Confab', short_name: 'Confab', display: 'standalone', start_url: '/', scope: '/' });
    expect(manifest.icons.map((icon) => icon.purpose)).toEqual(expect.arrayContaining(['any', 'maskable']));

    // Each icon decodes in the browser at the size the manifest states (an SVG at any size).
    for (const icon of manifest.icons) {
      const decoded = await page.evaluate(async (src) => {
        const type = (await fetch(src)).headers.get('content-type');
        const image = new Image();
        image.src = src;
        await image.decode();
        return { type, width: image.naturalWidth, height: image.naturalHeight };
      }, icon.src);
      expect(decoded.type, icon.src).toBe(icon.type);
      if (icon.sizes !== 'any') expect(`${String(decoded.width)}x${String(decoded.height)}`, icon.src).toBe(icon.sizes);
    }
    const touchIcon = await page.locator('link[rel="apple-touch-icon"]').getAttribute('href');
    expect((await fetch(`${harness.url}${touchIcon!}`)).headers.get('content-type')).toBe('image/png');
    await context.close();
  });
});
