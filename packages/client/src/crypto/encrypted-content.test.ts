import { describe, expect, it } from 'vitest';
import { memoryCryptoStore } from './crypto-store.js';
import { countReactions, decodeContent, encodeContent, readableContent } from './encrypted-content.js';

const file = { uploadId: 'u1', key: 'k', iv: 'i', sha256: 's', name: 'a.png', type: 'image/png', size: 3 };

describe('encrypted content (what an MLS application message carries)', () => {
  it('keeps a text alone as its UTF-8 bytes (as part 2 sent them)', () => {
    const bytes = encodeContent({ text: 'héllo' });
    expect(new TextDecoder().decode(bytes)).toBe('héllo');
    expect(decodeContent(bytes)).toEqual({ text: 'héllo' });
  });

  it('round-trips files and a reaction behind a NUL byte', () => {
    const bytes = encodeContent({ text: 'caption', files: [file] });
    expect(bytes[0]).toBe(0);
    expect(readableContent(bytes)).toEqual({ body: 'caption', files: [file] });
    const reaction = { messageId: 'm1', key: '👍', on: true };
    expect(readableContent(encodeContent({ reaction }))).toEqual({ body: '', reaction });
  });

  it('shows a voice note as a plain one: kind voice, its player data, its audio among the files', () => {
    const audio = { ...file, name: 'note.webm', type: 'audio/webm' };
    const voice = { durationMs: 3000, waveform: [1, 2, 3] };
    expect(readableContent(encodeContent({ files: [audio], voice }))).toEqual({ body: '', files: [audio], kind: 'voice', voice });
    // Not a voice note: player data beside an image, or beside two files, or malformed player data.
    expect(readableContent(encodeContent({ files: [file], voice }))).toEqual({ body: '', files: [file] });
    expect(readableContent(encodeContent({ files: [audio, audio], voice }))).toEqual({ body: '', files: [audio, audio] });
    const bad = new TextEncoder().encode('\u0000' + JSON.stringify({ files: [audio], voice: { durationMs: 1.5, waveform: [] } }));
    expect(readableContent(bad)).toEqual({ body: '', files: [audio] });
  });

  it('drops malformed file refs and keeps unparsable bytes as text', () => {
    const bytes = new TextEncoder().encode('\u0000' + JSON.stringify({ files: [file, { uploadId: 3 }] }));
    expect(decodeContent(bytes).files).toEqual([file]);
    expect(decodeContent(new TextEncoder().encode('\u0000{not json'))).toEqual({ text: '{not json' });
  });

  it('counts reactions per message, each user’s last word per key', async () => {
    const store = memoryCryptoStore();
    let seq = 0;
    const keep = async (senderId: string, messageId: string, key: string, on: boolean) => {
      seq++;
      await store.put(`plain:c:${seq}`, encodeContent({ reaction: { messageId, key, on } }));
      await store.put(`about:c:${seq}`, new TextEncoder().encode(JSON.stringify({ messageId: `r${seq}`, senderId })));
    };
    await keep('alice', 'm1', '👍', true);
    await keep('bob', 'm1', '👍', true);
    await keep('bob', 'm1', '🎉', true);
    await keep('alice', 'm1', '👍', false);
    await keep('alice', 'm2', '🎉', true);
    await keep('alice', 'm2', '🎉', false);
    await store.put(`plain:c:${++seq}`, encodeContent({ text: 'not a reaction' }));
    const counted = await countReactions(store, 'c');
    expect(counted.get('m1')).toEqual([
      { key: '👍', count: 1, userIds: ['bob'] },
      { key: '🎉', count: 1, userIds: ['bob'] },
    ]);
    expect(counted.has('m2')).toBe(false);
  });
});
