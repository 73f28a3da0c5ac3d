import { describe, expect, it } from 'vitest';
import type { MessageRecord } from '../../store/store.js';
import { decideCard, decideLinkGone, decideRemoval, firstUrl, needsFetch } from './link-preview-rules.js';

const message = (body: string, extra: Partial<MessageRecord> = {}): MessageRecord =>
  ({ id: 'm1', kind: 'text', body, deletedAt: null, ...extra }) as MessageRecord;
const card = { title: 'T', description: null, siteName: 'x.example', imageKey: null };

describe('link previews: the rules', () => {
  it('finds the first http(s) URL, without the punctuation around it', () => {
    expect(firstUrl('see https://x.example/a. and http://y.example')).toBe('https://x.example/a');
    expect(firstUrl('(https://x.example/wiki/A_(b)), right?')).toBe('https://x.example/wiki/A_(b)');
    expect(firstUrl('[docs](https://x.example/docs)')).toBe('https://x.example/docs');
    expect(firstUrl('ftp://x.example and x.example and mailto:a@b.c')).toBeNull();
    expect(firstUrl('HTTPS://X.example/Path?q=1#top!')).toBe('HTTPS://X.example/Path?q=1#top');
    expect(firstUrl(`https://x.example/${'a'.repeat(3000)}`)).toBeNull();
  });

  it('fetches for a new link only, never again for one the sender removed', () => {
    expect(needsFetch(message('look https://x.example'))).toBe('https://x.example');
    expect(needsFetch(message('look https://x.example', { preview: { url: 'https://x.example', ...card } }))).toBeNull();
    expect(needsFetch(message('look https://x.example', { preview: { url: 'https://x.example', removed: true } }))).toBeNull();
    expect(needsFetch(message('now https://y.example', { preview: { url: 'https://x.example', removed: true } }))).toBe(
      'https://y.example',
    );
    expect(needsFetch(message('https://x.example', { kind: 'poll' }))).toBeNull();
  });

  it("stores a card only while the body's first link is the one fetched, and not over a removal", () => {
    expect(decideCard(message('a https://x.example'), 'https://x.example', card)).toEqual({
      content: { preview: { url: 'https://x.example', ...card } },
    });
    expect(decideCard(message('edited to https://y.example'), 'https://x.example', card)).toBeNull();
    expect(decideCard(message('a https://x.example', { deletedAt: 1 }), 'https://x.example', card)).toBeNull();
    const removed = message('a https://x.example', { preview: { url: 'https://x.example', removed: true } });
    expect(decideCard(removed, 'https://x.example', card)).toBeNull();
    // Nothing fetched for the new link: the old link's card goes.
    const old = message('b https://y.example', { preview: { url: 'https://x.example', ...card } });
    expect(decideCard(old, 'https://y.example', null)).toEqual({ content: { preview: undefined } });
    expect(decideCard(message('b https://y.example'), 'https://y.example', null)).toBeNull();
  });

  it('removes the preview of the link (even before it arrives) once; an edit without a link drops it', () => {
    expect(decideRemoval(message('a https://x.example'))).toEqual({ content: { preview: { url: 'https://x.example', removed: true } } });
    expect(decideRemoval(message('no link'))).toBeNull();
    expect(decideRemoval(message('a https://x.example', { preview: { url: 'https://x.example', removed: true } }))).toBeNull();
    expect(decideLinkGone(message('no link now', { preview: { url: 'https://x.example', ...card } }))).toEqual({
      content: { preview: undefined },
    });
    expect(decideLinkGone(message('still https://x.example', { preview: { url: 'https://x.example', ...card } }))).toBeNull();
  });
});
