import { describe, expect, it } from 'vitest';
import { searchTerms } from '../search-tokens.js';
import type { MessageSearch } from '../store.js';
import { booleanQuery, searchTokens, wordToken } from './mysql-search.js';

const search = (q: string): MessageSearch => ({ userId: 'u', terms: searchTerms(q), limit: 10 });

describe('MySQL search tokens', () => {
  it('stores each word once as w + hex, at least 3 characters, whatever the script', () => {
    expect(searchTokens('上海 a a Ёлка').split(' ')).toEqual(
      expect.arrayContaining([wordToken('上海'), wordToken('a'), wordToken('ёлка')]),
    );
    expect(searchTokens('a a a').split(' ')).toEqual([wordToken('a')]);
    expect(wordToken('a')).toBe('w61');
    expect(wordToken('上海')).toBe('we4b88ae6b5b7');
    expect(searchTokens('')).toBe('');
  });

  it('keeps a long word within innodb_ft_max_token_size (84), cut the same way in a query', () => {
    const long = 'x'.repeat(200);
    expect(wordToken(long)).toHaveLength(83);
    expect(booleanQuery(search(`${long} `))).toBe(`+(${wordToken(long)})`);
  });

  it('asks for every word, the last as a prefix while typed, and passes nothing typed as syntax', () => {
    const [first, last] = booleanQuery(search('cafe ow')).split(' +');
    expect(first).toContain(`+(${wordToken('cafe')}`);
    expect(last).toContain(`${wordToken('ow')}*`);
    // A CJK run also matches as all of its bigrams.
    expect(booleanQuery(search('東京タワー '))).toContain(`(+${wordToken('東京')} +${wordToken('京タ')}`);
    const group = String.raw`\+\((?:w[0-9a-f]+\*?|\((?:\+w[0-9a-f]+ ?)+\))(?: (?:w[0-9a-f]+\*?|\((?:\+w[0-9a-f]+ ?)+\)))*\)`;
    expect(booleanQuery(search('+ab -cd "ef" (gh) ~x* 東京タワー'))).toMatch(new RegExp(`^${group}(?: ${group})*$`));
  });
});
