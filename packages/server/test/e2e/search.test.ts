import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Message, SearchPage } from '@confab/protocol';
import { engines } from '../engines.js';
import { createGroup, expectError, freshUsers, nextMillisecond, postMessage } from '../factories.js';
import { type TestServer, type TestUser, api } from '../harness.js';

const sent = async (url: string, user: TestUser, conversationId: string, body: string): Promise<Message> =>
  (await postMessage(url, user, conversationId, body)).body.message;

// A small rank window, so a few messages already span several windows.
describe.each(await engines({ SEARCH_RANK_WINDOW: '50' }))('full-text search on %s', (_engine, start) => {
  let t: TestServer;
  beforeAll(async () => {
    t = await start();
  });
  afterAll(() => t?.close());

  const search = (user: TestUser, query: Record<string, string | number>) =>
    api(t.url, 'GET', `/api/v1/search?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}`, {
      token: user.token,
    });
  const bodies = async (user: TestUser, q: string, more: Record<string, string> = {}) =>
    ((await search(user, { q, ...more })).body as SearchPage).items.map((i) => i.message.body);

  it('finds by word and by prefix, with a plain-text snippet and highlights into it', async () => {
    const [a, b] = await freshUsers(t.url, 2);
    const group = await createGroup(a, [b]);
    const m = await sent(t.url, a, group.id, 'Lunch at the <b>Café</b> Müller? Bring the 📎 notes');
    await sent(t.url, b, group.id, 'no lunch today');
    const page = (await search(b, { q: 'cafe mull' })).body as SearchPage;
    expect(page.nextCursor).toBeNull();
    expect(page.items).toHaveLength(1);
    const [hit] = page.items;
    expect(hit!.message).toEqual(m);
    expect(hit!.snippet).toBe(m.body);
    expect(hit!.highlights.map(([s, e]) => hit!.snippet.slice(s, e))).toEqual(['Café', 'Müller']);
    expect(await bodies(b, 'lunch ')).toEqual(['no lunch today', m.body]);
    expect((await b.client.search.messages({ q: 'müller' })).items.map((i) => i.message.id)).toEqual([m.id]);
    expect(await bodies(b, 'lun')).toHaveLength(2);
    // Stemmed: an inflected form finds the word (English: lunches → lunch).
    expect(await bodies(b, 'lunches ')).toEqual(['no lunch today', m.body]);
    expect(await bodies(b, 'dinner ')).toEqual([]);
  });

  it('matches other scripts word by word, and CJK words inside a run', async () => {
    const [a] = await freshUsers(t.url, 1);
    const group = await createGroup(a, []);
    await sent(t.url, a, group.id, 'Привет, мир! Добрый вечер');
    await sent(t.url, a, group.id, 'Γειά σου Κόσμε');
    await sent(t.url, a, group.id, '今日は東京で会議 tomorrow');
    expect(await bodies(a, 'МИР ')).toEqual(['Привет, мир! Добрый вечер']);
    expect(await bodies(a, 'добр')).toEqual(['Привет, мир! Добрый вечер']);
    expect(await bodies(a, 'κόσμε')).toEqual(['Γειά σου Κόσμε']);
    expect(await bodies(a, '今日は')).toEqual(['今日は東京で会議 tomorrow']);
    expect(await bodies(a, '東京 ')).toEqual(['今日は東京で会議 tomorrow']);
    const [hit] = ((await search(a, { q: '会議' })).body as SearchPage).items;
    expect(hit!.highlights.map(([s, e]) => hit!.snippet.slice(s, e))).toEqual(['会議']);
    expect(await bodies(a, '大阪 ')).toEqual([]);
  });

  it("never returns another conversation's message, nor anything after leaving or before my clear", async () => {
    const [a, b, stranger] = await freshUsers(t.url, 3);
    const group = await createGroup(a, [b]);
    const other = await createGroup(stranger, []);
    await sent(t.url, stranger, other.id, 'pineapple secret');
    await sent(t.url, a, group.id, 'pineapple before');
    expect(await bodies(b, 'pineapple')).toEqual(['pineapple before']);
    expect(await bodies(stranger, 'pineapple')).toEqual(['pineapple secret']);
    await b.client.clearHistory(group.id);
    await sent(t.url, a, group.id, 'pineapple after');
    expect(await bodies(b, 'pineapple')).toEqual(['pineapple after']);
    expect(await bodies(a, 'pineapple')).toEqual(['pineapple after', 'pineapple before']);
    await a.client.removeMember(group.id, b.id);
    expect(await bodies(b, 'pineapple')).toEqual([]);
    expectError(await search(b, { q: 'pineapple', conversationId: group.id }), 404, 'not_found');
    expect(await bodies(a, 'pineapple', { conversationId: group.id })).toHaveLength(2);
  });

  it('forgets an edited-away word and a deleted message at once; system messages are not found', async () => {
    const [a, b] = await freshUsers(t.url, 2);
    const group = await createGroup(a, [], 'Walrus planning');
    await a.client.addMember(group.id, b.id);
    const m = await sent(t.url, a, group.id, 'the walrus arrives at noon');
    await a.client.messages.edit(m.id, 'the seal arrives at noon');
    expect(await bodies(a, 'walrus ')).toEqual([]);
    expect(await bodies(a, 'seal ')).toEqual(['the seal arrives at noon']);
    await a.client.messages.delete(m.id);
    expect(await bodies(a, 'seal ')).toEqual([]);
    expect(await bodies(a, 'arrives')).toEqual([]);
  });

  it('filters by sender and time, and ranks by relevance, then recency', async () => {
    const [a, b] = await freshUsers(t.url, 2);
    const group = await createGroup(a, [b]);
    // A millisecond apart, so the time filters below tell them apart.
    const send = async (user: TestUser, body: string) => {
      await nextMillisecond();
      return sent(t.url, user, group.id, body);
    };
    const long = await send(a, `kiwi ${'and many other words about fruit salad recipes '.repeat(3)}`);
    const older = await send(b, 'kiwi kiwi');
    const newer = await send(b, 'kiwi kiwi');
    const phrase = await send(a, 'green kiwi and a yellow banana');
    const ids = ((await search(a, { q: 'kiwi ' })).body as SearchPage).items.map((i) => i.message.id);
    expect(ids).toEqual([newer.id, older.id, phrase.id, long.id]);
    expect(await bodies(a, 'kiwi', { senderId: a.id })).toEqual([phrase.body, long.body]);
    expect(await bodies(a, 'kiwi', { after: older.createdAt, before: phrase.createdAt })).toEqual([newer.body]);
    // Both words, in order, next to each other: a phrase outranks the same words apart.
    const apart = await sent(t.url, a, group.id, 'banana then yellow');
    expect(await bodies(a, 'yellow banana ')).toEqual([phrase.body, apart.body]);
  });

  it('pages through more matches than one rank window, each once, stable while new messages arrive', async () => {
    const [a] = await freshUsers(t.url, 1);
    const group = await createGroup(a, []);
    const all = new Set<string>();
    for (let i = 0; i < 130; i++) all.add((await sent(t.url, a, group.id, `durian ${i % 7 === 0 ? 'durian ' : ''}${i}`)).id);
    const seen: string[] = [];
    let cursor: string | null = null;
    let pages = 0;
    do {
      const response = await search(a, { q: 'durian', limit: 17, ...(cursor === null ? {} : { cursor }) });
      expect(response.status).toBe(200);
      const page = response.body as SearchPage;
      seen.push(...page.items.map((i) => i.message.id));
      cursor = page.nextCursor;
      if (pages++ === 1) await sent(t.url, a, group.id, 'durian arriving mid-way');
    } while (cursor !== null);
    expect(seen).toHaveLength(130);
    expect(new Set(seen)).toEqual(all);
    expect(pages).toBe(Math.ceil(130 / 17));
  });

  it('refuses bad input with 400: no words, too long, too many words, bad cursor, a cursor of another search, bad dates', async () => {
    const [a] = await freshUsers(t.url, 1);
    expectError(await search(a, { q: '' }), 400, 'validation_failed');
    expectError(await search(a, { q: '   ' }), 400, 'validation_failed');
    expectError(await search(a, { q: '!!! ??' }), 400, 'validation_failed');
    expectError(await search(a, { q: 'x'.repeat(201) }), 400, 'validation_failed');
    expectError(await search(a, { q: Array.from({ length: 17 }, (_, i) => `w${i}`).join(' ') }), 400, 'validation_failed');
    expectError(await search(a, { q: 'ok', cursor: 'not-a-cursor' }), 400, 'validation_failed');
    expectError(await search(a, { q: 'ok', cursor: Buffer.from('{"w":1}').toString('base64url') }), 400, 'validation_failed');
    expectError(await search(a, { q: 'ok', before: 'yesterday' }), 400, 'validation_failed');
    expectError(await search(a, { q: 'ok', limit: 51 }), 400, 'validation_failed');
    expectError(await search(a, { q: 'ok', extra: 1 }), 400, 'validation_failed');
    expectError(await api(t.url, 'GET', '/api/v1/search?q=ok'), 401, 'unauthenticated');
    const group = await createGroup(a, []);
    for (let i = 0; i < 3; i++) await sent(t.url, a, group.id, `fig ${i}`);
    const { nextCursor } = (await search(a, { q: 'fig', limit: 1 })).body as SearchPage;
    expect(nextCursor).not.toBeNull();
    expectError(await search(a, { q: 'figs', cursor: nextCursor! }), 400, 'validation_failed');
  });

  it('keeps my language (a BCP 47 tag, canonical), and refuses what is not one', async () => {
    const [a] = await freshUsers(t.url, 1);
    const me = (body: unknown) => api(t.url, 'PATCH', '/api/v1/users/me', { token: a.token, body });
    expect((await me({ locale: 'pt-br' })).body).toMatchObject({ locale: 'pt-BR' });
    expect((await api(t.url, 'GET', '/api/v1/users/me', { token: a.token })).body).toMatchObject({ locale: 'pt-BR' });
    for (const bad of ['not a tag', 'e', 'en-a', 'x'.repeat(40), 42]) expectError(await me({ locale: bad }), 400, 'validation_failed');
    expect((await me({ locale: 'RU' })).body).toMatchObject({ locale: 'ru' });
    // A message too short to detect its language is stemmed every way: found by another form.
    const group = await createGroup(a, []);
    await sent(t.url, a, group.id, 'книги');
    expect(await bodies(a, 'книга ')).toEqual(['книги']);
    const cleared = (await me({ locale: null })).body as Record<string, unknown>;
    expect('locale' in cleared).toBe(false);
  });

  it('finds my conversations by title, and direct ones by the other member', async () => {
    const [a, b, c] = await freshUsers(t.url, 3);
    await b.client.updateMe({ displayName: 'Zoë Quartermaine' });
    const trip = await createGroup(a, [c], 'Summer trip to Ålesund');
    const dm = await a.client.openDirect(b.id);
    await createGroup(b, [c], 'Summer trip for others');
    const names = async (user: TestUser, q: string) =>
      ((await api(t.url, 'GET', `/api/v1/search/conversations?q=${encodeURIComponent(q)}`, { token: user.token })).body as any).items.map(
        (s: { id: string }) => s.id,
      );
    expect(await names(a, 'summer ales')).toEqual([trip.id]);
    expect(await names(a, 'zoe')).toEqual([dm.id]);
    expect(await names(a, b.auth.user.username)).toEqual([dm.id]);
    expect((await c.client.search.conversations({ q: 'summer' })).items).toHaveLength(2);
    expect(await names(a, 'winter')).toEqual([]);
    expectError(await api(t.url, 'GET', '/api/v1/search/conversations?q=', { token: a.token }), 400, 'validation_failed');
  });
});
