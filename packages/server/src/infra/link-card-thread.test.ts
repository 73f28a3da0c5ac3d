import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LinkPages } from '../../test/link-pages.js';
import { LinkCardThread } from './link-card-thread.js';
import { type HostResolver, OutboundAddressGuard } from './outbound-address-guard.js';

/**
 * The link-card thread: the same cards as `fetchLinkCard` on the event loop (link-card.test.ts
 * holds the SSRF suite), with every address still checked by the guard on this side of the port,
 * whose resolver is the one injected here (a worker could not be given a function).
 */
const asked: string[] = [];
const resolver: HostResolver = (host) => {
  asked.push(host);
  return host === 'allowed.test' ? Promise.resolve([{ address: '127.0.0.1', family: 4 }]) : Promise.reject(new Error(`ENOTFOUND ${host}`));
};
const guard = new OutboundAddressGuard(
  { allowedHosts: ['*'], allowPrivateAddresses: false, trusted: { hosts: ['allowed.test'], ranges: [] } },
  resolver,
);
const errors: unknown[] = [];
const thread = new LinkCardThread(guard, { timeoutMs: 5000, maxBytes: 1_048_576 }, (error) => errors.push(error));
const forever = new AbortController().signal;

let pages: LinkPages;
beforeAll(async () => {
  pages = await LinkPages.start();
});
afterAll(async () => {
  await thread.close();
  await pages.close();
});

describe('link cards on their own thread', () => {
  it('brings a card and its WebP thumbnail back, the host resolved by the guard on this side', async () => {
    asked.length = 0;
    const card = await thread.fetch(new URL(pages.url('/og', 'allowed.test')), forever);
    expect(card).toMatchObject({ title: 'Confab & friends', description: 'A chat server you host yourself.', siteName: 'Confab Site' });
    expect(Buffer.isBuffer(card!.image)).toBe(true);
    expect(await sharp(card!.image!).metadata()).toMatchObject({ format: 'webp', width: 400, height: 210 });
    // The page and its picture: each hop checked by this thread's guard.
    expect(asked).toEqual(['allowed.test', 'allowed.test']);
  });

  it('has no card for what the guard refuses, nor for a host that does not resolve', async () => {
    expect(await thread.fetch(new URL(pages.url('/og')), forever)).toBeNull(); // 127.0.0.1, not trusted
    expect(await thread.fetch(new URL(pages.url('/og', 'nowhere.test')), forever)).toBeNull();
    expect(
      await thread.fetch(new URL(pages.url(`/redirect?to=${encodeURIComponent(pages.url('/og'))}`, 'allowed.test')), forever),
    ).toBeNull();
  });

  it('answers null at once when the signal ends the fetch, and keeps serving the next ones', async () => {
    const stop = new AbortController();
    const slow = thread.fetch(new URL(pages.url('/drip', 'allowed.test')), stop.signal);
    stop.abort();
    expect(await slow).toBeNull();
    expect(await thread.fetch(new URL(pages.url('/aborted-before', 'allowed.test')), stop.signal)).toBeNull();
    expect((await thread.fetch(new URL(pages.url('/title-only', 'allowed.test')), forever))?.title).toBe('Just a title');
  });

  it('fails the fetches in flight when closed, and starts a new thread for the next', async () => {
    const inFlight = thread.fetch(new URL(pages.url('/drip', 'allowed.test')), forever);
    await thread.close();
    expect(await inFlight).toBeNull();
    expect((await thread.fetch(new URL(pages.url('/title-only', 'allowed.test')), forever))?.title).toBe('Just a title');
    expect(errors).toEqual([]);
  });
});
