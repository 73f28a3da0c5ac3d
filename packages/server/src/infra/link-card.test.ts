import sharp from 'sharp';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { collectGarbage } from '../../test/collect-garbage.js';
import { LinkPages } from '../../test/link-pages.js';
import { FetchFailed, guardedGet } from './guarded-fetch.js';
import { fetchLinkCard } from './link-card.js';
import { type HostResolver, OutboundAddressGuard, OutboundRefused } from './outbound-address-guard.js';

/**
 * Link previews' SSRF suite (issue 37), against a real HTTP server on 127.0.0.1. The operator
 * trusts one host name (`allowed.test`, resolved to 127.0.0.1 by the injected resolver); every
 * other way to 127.0.0.1, ::1 or the metadata address must be refused before connecting, at the
 * first hop and after a redirect. Bodies are cut at 1 MB and fetches at the time budget.
 */

const zone = new Map([
  ['allowed.test', '127.0.0.1'],
  ['evil.test', '::1'],
  ['metadata.test', '169.254.169.254'],
]);
const resolver: HostResolver = (host) => {
  const address = zone.get(host);
  return address === undefined
    ? Promise.reject(new Error(`ENOTFOUND ${host}`))
    : Promise.resolve([{ address, family: address.includes(':') ? 6 : 4 }]);
};
const guard = new OutboundAddressGuard(
  { allowedHosts: ['*'], allowPrivateAddresses: false, trusted: { hosts: ['allowed.test'], ranges: [] } },
  resolver,
);
const limits = { timeoutMs: 5000, maxBytes: 1_048_576 };

let pages: LinkPages;
beforeAll(async () => {
  pages = await LinkPages.start();
});
afterAll(() => pages.close());
beforeEach(() => pages.hits.clear());

const get = (url: string, timeoutMs = 5000) =>
  guardedGet(new URL(url), { guard, signal: AbortSignal.timeout(timeoutMs), maxBytes: 1_048_576, maxRedirects: 5, accept: '*/*' });

describe('link cards', () => {
  it('reads an OpenGraph page and its picture (a WebP at most 400 px wide)', async () => {
    const card = await fetchLinkCard(new URL(pages.url('/og', 'allowed.test')), guard, limits);
    expect(card).toMatchObject({ title: 'Confab & friends', description: 'A chat server you host yourself.', siteName: 'Confab Site' });
    const image = await sharp(card!.image!).metadata();
    expect(image).toMatchObject({ format: 'webp', width: 400, height: 210 });
  });

  it('makes the pictures of cards fetched together a few at a time, each card with its own', async () => {
    const cards = await Promise.all(
      Array.from({ length: 6 }, () => fetchLinkCard(new URL(pages.url('/og', 'allowed.test')), guard, limits)),
    );
    for (const card of cards) expect(await sharp(card!.image!).metadata()).toMatchObject({ format: 'webp', width: 400 });
  });

  it("falls back to the <title> and the host's name; a page without a title has no card", async () => {
    expect(await fetchLinkCard(new URL(pages.url('/title-only', 'allowed.test')), guard, limits)).toEqual({
      title: 'Just a title',
      description: null,
      siteName: 'allowed.test',
      image: null,
    });
    expect(await fetchLinkCard(new URL(pages.url('/no-title', 'allowed.test')), guard, limits)).toBeNull();
  });

  it('follows a redirect within the trusted host, and at most 5', async () => {
    const card = await fetchLinkCard(new URL(pages.url('/redirect?to=/title-only', 'allowed.test')), guard, limits);
    expect(card?.title).toBe('Just a title');
    await expect(get(pages.url('/loop', 'allowed.test'))).rejects.toThrow(FetchFailed);
    expect(pages.hitsOf('/loop')).toBe(6);
  });
});

describe('the SSRF guard of link previews', () => {
  const refused = async (url: string, reason: OutboundRefused['reason']) => {
    const error = await get(url).catch((e: unknown) => e);
    expect(error, url).toBeInstanceOf(OutboundRefused);
    expect((error as OutboundRefused).reason, url).toBe(reason);
    expect(await fetchLinkCard(new URL(url), guard, limits), url).toBeNull();
  };

  it('refuses a redirect to 127.0.0.1 after the first hop, without connecting there', async () => {
    await refused(pages.url(`/redirect?to=${encodeURIComponent(pages.url('/og'))}`, 'allowed.test'), 'address_not_public');
    expect(pages.hitsOf('/redirect')).toBe(2);
    expect(pages.hitsOf('/og')).toBe(0);
  });

  it('refuses a name that resolves to ::1, the metadata address, an IPv4-mapped IPv6 and a decimal IP', async () => {
    await refused(pages.url('/og', 'evil.test'), 'address_not_public');
    await refused(pages.url('/og', 'metadata.test'), 'address_not_public');
    await refused('http://169.254.169.254/latest/meta-data/', 'address_not_public');
    await refused(pages.url('/og', '[::ffff:127.0.0.1]'), 'address_not_public');
    await refused(pages.url('/og', '[::ffff:7f00:1]'), 'address_not_public');
    await refused(pages.url('/og', '2130706433'), 'address_not_public');
    await refused(pages.url('/og', '0x7f.1'), 'address_not_public');
    await refused('file:///etc/passwd', 'scheme');
    expect(pages.hitsOf('/og')).toBe(0);
  });

  it('cuts a body that never ends at 1 MB (the card is read from what came)', async () => {
    const page = await get(pages.url('/endless', 'allowed.test'));
    expect(page).toMatchObject({ truncated: true, status: 200 });
    expect(page.body.length).toBe(1_048_576);
    expect((await fetchLinkCard(new URL(pages.url('/endless', 'allowed.test')), guard, limits))?.title).toBe('Endless');
    // The server stopped sending soon after: the client hung up instead of reading on.
    await expect.poll(() => pages.endlessSent).toBeLessThan(16 * 1_048_576);
  });

  it('gives up on a slow drip when the time budget runs out, a garbage collection meanwhile notwithstanding', async () => {
    const started = Date.now();
    const card = fetchLinkCard(new URL(pages.url('/drip', 'allowed.test')), guard, { ...limits, timeoutMs: 300 });
    // A collection once took the budget's timer away and the fetch hung (CI, stop 62).
    await expect.poll(() => pages.hitsOf('/drip')).toBe(1);
    collectGarbage();
    expect(await card).toBeNull();
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(2000);
  });
});
