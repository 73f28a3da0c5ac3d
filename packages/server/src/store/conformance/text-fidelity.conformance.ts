import { describe, expect, it } from 'vitest';
import { searchTerms } from '../search-tokens.js';
import type { Fixture } from './fixtures.js';

/**
 * Text as people send it, byte for byte, on every engine (issue 38): 4-byte characters (emoji,
 * rare CJK) survive in every text column (MySQL's `utf8` is 3 bytes: the store is `utf8mb4`),
 * and keys compare exactly: ids differing in case or by a trailing space are different keys (MySQL's
 * default collations ignore both: the store's are binary and no-pad), and two-letter words are
 * found (InnoDB FULLTEXT drops tokens under 3 characters unless the index is built around it).
 */
export function describeTextFidelity(f: Fixture): void {
  const { user, conversation, append, msg } = f;

  describe('text fidelity', () => {
    it('keeps 4-byte characters in bodies, names and titles, and finds words beside them', async () => {
      const a = await user('emoji_a', 'Ann 🦄 𠜎');
      const { conversation: conv } = await conversation('group', [a.id]);
      const body = 'party 🎉🎉 at 𠜎 tonight 👩‍👩‍👧';
      const [sent] = await append([msg(conv.id, a.id, 'e1', body)]);
      expect((await f.store.messages.getMessage(sent!.message.id))?.body).toBe(body);
      expect((await f.store.users.getUser(a.id))?.displayName).toBe('Ann 🦄 𠜎');
      const found = await f.store.search.searchMessages({ userId: a.id, terms: searchTerms('tonight '), limit: 10 });
      expect(found.map((h) => h.message.body)).toEqual([body]);
    });

    it('tells keys apart by case and by a trailing space', async () => {
      const a = await user('keys_a');
      const { conversation: conv } = await conversation('group', [a.id]);
      const results = await append([
        msg(conv.id, a.id, 'Key', 'one'),
        msg(conv.id, a.id, 'key', 'two'),
        msg(conv.id, a.id, 'key ', 'three'),
      ]);
      expect(results.map((r) => r.created)).toEqual([true, true, true]);
      expect(new Set(results.map((r) => r.message.seq)).size).toBe(3);
      const again = await append([msg(conv.id, a.id, 'key', 'two again')]);
      expect(again.map((r) => [r.created, r.message.body])).toEqual([[false, 'two']]);
    });

    it('finds two-character words, and reads nothing typed as query syntax', async () => {
      const a = await user('short_a');
      const { conversation: conv } = await conversation('group', [a.id]);
      await append([msg(conv.id, a.id, 'w1', '明天 上海 见'), msg(conv.id, a.id, 'w2', 'go to +ab -cd "ef" (gh) now*')]);
      const find = async (q: string) =>
        (await f.store.search.searchMessages({ userId: a.id, terms: searchTerms(q), limit: 10 })).map((h) => h.message.body);
      expect(await find('上海 ')).toEqual(['明天 上海 见']);
      expect(await find('go ')).toEqual(['go to +ab -cd "ef" (gh) now*']);
      expect(await find('+ab -cd "ef" (gh) now* ')).toEqual(['go to +ab -cd "ef" (gh) now*']);
      expect(await find('-zz* ')).toEqual([]);
    });
  });
}
