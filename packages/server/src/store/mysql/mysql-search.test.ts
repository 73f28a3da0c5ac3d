import { describe, expect, it } from 'vitest';
import { searchTerms } from '../search-tokens.js';
import type { MessageSearch } from '../store.js';
import { booleanQuery, searchTokens, wordToken } from './mysql-search.js';
import { planIndexQuery, wordGroups } from './mysql-search-plan.js';

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
    expect(booleanQuery(search(`${long} `))).toBe(`+${wordToken(long)}`);
  });

  it('asks for every word, the last as a prefix while typed, and passes nothing typed as syntax', () => {
    const [first, last] = booleanQuery(search('cafe ow')).split(' +');
    expect(first).toContain(`+(${wordToken('cafe')}`);
    expect(last).toContain(`${wordToken('ow')}*`);
    // A CJK run also matches as all of its bigrams.
    expect(booleanQuery(search('東京タワー '))).toContain(`(+${wordToken('東京')} +${wordToken('京タ')}`);
    const bare = String.raw`\+w[0-9a-f]+\*?`;
    const group = String.raw`${bare}|\+\((?:w[0-9a-f]+\*?|\((?:\+w[0-9a-f]+ ?)+\))(?: (?:w[0-9a-f]+\*?|\((?:\+w[0-9a-f]+ ?)+\)))*\)`;
    expect(booleanQuery(search('+ab -cd "ef" (gh) ~x* 東京タワー'))).toMatch(new RegExp(`^(?:${group})(?: (?:${group}))*$`));
  });
});

describe('MySQL search plan', () => {
  const groups = (q: string) => wordGroups(search(q));

  it('asks a one-token word bare (intersected), a word of several tokens as a group', () => {
    expect(booleanQuery(search('plan '))).toBe(`+${wordToken('plan')}`);
    expect(booleanQuery(search('proj'))).toBe(`+${wordToken('proj')}*`);
    expect(booleanQuery(search('reports '))).toBe(`+(${wordToken('reports')} ${wordToken('report')})`);
  });

  it('asks the rarest word first and the others after it while they rule out enough rows to pay for themselves', () => {
    const [plan, release] = groups('plan release ');
    // plan in a tenth of the messages, release in a fiftieth: release first; plan (bare) still rules out 90 % of release's rows.
    expect(planIndexQuery([plan!, release!], [0.1, 0.02])).toEqual({
      against: `+(${release!.tokens.map((t) => t.token).join(' ')}) +${wordToken('plan')}`,
      filtered: [],
    });
  });

  it('compares a common word in the rows of a rare one instead of building its whole list', () => {
    const [rare, common] = groups('zorbex3007 meeting ');
    // Three messages of a million against a sixth of them: reading three rows beats InnoDB building meeting's list.
    expect(planIndexQuery([rare!, common!], [3e-6, 0.16])).toEqual({ against: `+${wordToken('zorbex3007')}`, filtered: [common] });
    // A word in every message rules nothing out: never asked of the index.
    expect(planIndexQuery([common!, rare!], [1, 0.3]).filtered).toEqual([common]);
  });
});
