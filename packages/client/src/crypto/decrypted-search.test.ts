import type { Message } from '@confab/protocol';
import { describe, expect, it } from 'vitest';
import { memoryCryptoStore } from './crypto-store.js';
import { forgetDecrypted, keepDecrypted, searchDecrypted } from './decrypted-search.js';

/** A decrypted message as `EncryptedConversations` keeps it: only the fields the search reads. */
const message = (conversationId: string, seq: number, minute: number) =>
  ({
    id: `m_${conversationId}_${seq}`,
    conversationId,
    seq,
    senderId: 'u_sender',
    createdAt: `2026-11-26T10:${String(minute).padStart(2, '0')}:00.000Z`,
    threadRootId: null,
  }) as unknown as Message;

async function storeOf(texts: [conversationId: string, seq: number, minute: number, text: string][]) {
  const store = memoryCryptoStore();
  for (const [conversationId, seq, minute, text] of texts)
    await keepDecrypted(store, message(conversationId, seq, minute), new TextEncoder().encode(text));
  return store;
}
const found = async (store: Awaited<ReturnType<typeof storeOf>>, q: string, conversationId?: string) =>
  (await searchDecrypted(store, q, conversationId === undefined ? {} : { conversationId })).map((h) => `${h.conversationId}:${h.seq}`);

// The same search on the browser's IndexedDB store: packages/web/test/encryption-device.browser.test.ts (the app's search).
describe('search over the decrypted history on this device', () => {
  it('Japanese, written without spaces: a word the segmenter cut, or any run of the text', async () => {
    const store = await storeOf([
      ['c1', 1, 1, '明日の会議は十時からです'],
      ['c1', 2, 2, '会議室を予約しました'],
      ['c1', 3, 3, '東京タワーに行きました'],
    ]);
    expect(await found(store, '会議')).toEqual(['c1:2', 'c1:1']);
    expect(await found(store, '会議室')).toEqual(['c1:2']);
    expect(await found(store, 'タワー')).toEqual(['c1:3']);
    expect(await found(store, '十時 会議')).toEqual(['c1:1']);
    expect(await found(store, '会社')).toEqual([]);
  });

  it('Russian: any case, a word by its beginning or by its stem', async () => {
    const store = await storeOf([
      ['c1', 1, 1, 'Встреча в пятницу'],
      ['c1', 2, 2, 'Отчёт готов'],
    ]);
    expect(await found(store, 'пятн')).toEqual(['c1:1']);
    expect(await found(store, 'ВСТРЕЧА')).toEqual(['c1:1']);
    expect(await found(store, 'отчёт')).toEqual(['c1:2']);
    // As on the server: the query word's stem (пятниц) is the stem of пятницу.
    expect(await found(store, 'пятница')).toEqual(['c1:1']);
    expect(await found(store, 'встречи')).toEqual(['c1:1']);
    expect(await found(store, 'суббота')).toEqual([]);
  });

  it('English: every word as a beginning, in any order, Latin accents ignored, newest first', async () => {
    const store = await storeOf([
      ['c1', 1, 1, 'The project plan is ready'],
      ['c2', 7, 5, 'Plan the PROJECTOR for Friday at the Café'],
      ['c1', 2, 3, 'no match here'],
    ]);
    expect(await found(store, 'proj pla')).toEqual(['c2:7', 'c1:1']);
    expect(await found(store, 'plan project')).toEqual(['c2:7', 'c1:1']);
    expect(await found(store, 'cafe')).toEqual(['c2:7']);
    expect(await found(store, 'roject')).toEqual([]);
    expect(await found(store, 'project', 'c1')).toEqual(['c1:1']);
    expect(await found(store, '?!')).toEqual([]);

    const [hit] = await searchDecrypted(store, 'proj', { conversationId: 'c1' });
    expect(hit).toEqual({
      conversationId: 'c1',
      seq: 1,
      messageId: 'm_c1_1',
      senderId: 'u_sender',
      createdAt: '2026-11-26T10:01:00.000Z',
      threadRootId: null,
      snippet: 'The project plan is ready',
      highlights: [[4, 8]],
    });
  });

  it('a long text gives a snippet around the first match; a text forgotten (deleted) is not found', async () => {
    const long = `${'filler words '.repeat(30)}the secret handshake ${'and more '.repeat(30)}`;
    const store = await storeOf([['c1', 4, 1, long]]);
    const [hit] = await searchDecrypted(store, 'handsh');
    expect(hit!.snippet.startsWith('…')).toBe(true);
    expect(hit!.snippet.endsWith('…')).toBe(true);
    expect(hit!.snippet.length).toBeLessThanOrEqual(162);
    const [[start, end]] = hit!.highlights as [[number, number]];
    expect(hit!.snippet.slice(start, end)).toBe('handsh');

    await forgetDecrypted(store, 'c1', 4);
    expect(await found(store, 'handsh')).toEqual([]);
  });

  it('a text kept before the search was built (no message details) is found by its place', async () => {
    const store = memoryCryptoStore();
    await store.put('plain:c9:12', new TextEncoder().encode('older words'));
    expect(await searchDecrypted(store, 'old')).toEqual([{ conversationId: 'c9', seq: 12, snippet: 'older words', highlights: [[0, 3]] }]);
  });
  it('stems in every language the server stems, Korean particles, and no match by a stem alone', async () => {
    const store = await storeOf([
      ['c1', 1, 1, 'Das Haus am See'],
      ['c1', 2, 2, 'The runway is closed'],
      ['c1', 3, 3, '회의 시간을 바꿨어요'],
      ['c1', 4, 4, 'Nos vemos en las reuniones'],
    ]);
    const hit = async (q: string) => searchDecrypted(store, q);
    expect(await found(store, 'Häuser')).toEqual(['c1:1']);
    // "running" stems to "run"; "runway" begins with it but is not stemmed to it.
    expect(await found(store, 'running')).toEqual([]);
    expect(await found(store, '회의는')).toEqual(['c1:3']);
    expect(await found(store, 'reunión')).toEqual(['c1:4']);
    // A word found by its stem is highlighted whole.
    const [haus] = await hit('Häuser');
    expect(haus!.snippet.slice(...haus!.highlights[0]!)).toBe('Haus');
    // Every word must match, by beginning or stem.
    expect(await found(store, 'Häuser runway')).toEqual([]);
  });
});
