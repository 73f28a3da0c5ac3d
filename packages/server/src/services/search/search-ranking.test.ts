import { describe, expect, it } from 'vitest';
import { fold, searchTerms, words } from '../../store/search-tokens.js';
import { SNIPPET_LENGTH, relevance, snippetOf } from './search-ranking.js';

const marked = (body: string, q: string) => {
  const { snippet, highlights } = snippetOf(body, searchTerms(q));
  return { snippet, words: highlights.map(([s, e]) => snippet.slice(s, e)) };
};

describe('search words', () => {
  it('splits on anything but letters, digits and marks, and folds case and Latin diacritics only', () => {
    expect(words("Don't stop-me now, café_au_lait 3.14").map((w) => w.folded)).toEqual([
      'don',
      't',
      'stop',
      'me',
      'now',
      'cafe',
      'au',
      'lait',
      '3',
      '14',
    ]);
    expect(fold('ÉCOLE')).toBe('ecole');
    expect(fold('e\u0301cole')).toBe('ecole');
    expect(fold('Straße')).toBe('straße');
    expect(fold('Καλημέρα')).toBe('καλημέρα');
    expect(fold('Йогурт')).toBe('йогурт');
    expect(words('हिन्दी में').map((w) => w.folded)).toEqual(['हिन्दी', 'में']);
    expect(words('\u0301\u0301 a')).toEqual([{ folded: 'a', start: 3, end: 4 }]);
  });

  it('takes the last word as a prefix only while it is being typed and has two characters', () => {
    expect(searchTerms('hello wor')).toMatchObject({ raw: ['hello', 'wor'], folded: ['hello', 'wor'], prefix: true });
    expect(searchTerms('hello wor ').prefix).toBe(false);
    expect(searchTerms('hello wor!').prefix).toBe(false);
    expect(searchTerms('hello w').prefix).toBe(false);
    expect(searchTerms('"NEAR(a b)" OR c*').raw).toEqual(['NEAR', 'a', 'b', 'OR', 'c']);
  });
});

describe('relevance', () => {
  it('prefers more occurrences, shorter messages, whole words over prefixes, and the phrase typed', () => {
    const exact = searchTerms('kiwi ');
    expect(relevance('kiwi kiwi', exact)).toBeGreaterThan(relevance('kiwi', exact));
    expect(relevance('kiwi', exact)).toBeGreaterThan(relevance(`kiwi ${'word '.repeat(40)}`, exact));
    const typing = searchTerms('kiw');
    expect(relevance('kiw', typing)).toBeGreaterThan(relevance('kiwi', typing));
    const two = searchTerms('green kiwi ');
    expect(relevance('a green kiwi there', two)).toBeGreaterThan(relevance('a kiwi green there', two));
    expect(relevance('no match here', exact)).toBe(0);
    expect(relevance('kiwi', exact)).toBe(relevance('KIWI', exact));
  });
});

describe('snippets', () => {
  it('is the body itself when short, with each matched word highlighted', () => {
    expect(marked('Lunch at the <b>Café</b>?', 'cafe lun')).toEqual({ snippet: 'Lunch at the <b>Café</b>?', words: ['Lunch', 'Café'] });
  });

  it('cuts a long body at word boundaries around the first match, marking the cuts', () => {
    const body = `${'lorem ipsum dolor '.repeat(20)}needle in the haystack ${'sit amet '.repeat(30)}`;
    const { snippet, words: found } = marked(body, 'needle ');
    expect(found).toEqual(['needle']);
    expect(snippet.startsWith('…')).toBe(true);
    expect(snippet.endsWith('…')).toBe(true);
    expect(snippet.length).toBeLessThanOrEqual(SNIPPET_LENGTH + 2);
    expect(body.includes(snippet.slice(1, -1))).toBe(true);
    expect(snippet.slice(1).startsWith('lorem') || snippet.slice(1).startsWith('ipsum') || snippet.slice(1).startsWith('dolor')).toBe(true);
  });

  it('never splits a surrogate pair, even in one very long word', () => {
    const body = `find ${'😀'.repeat(200)}`;
    const { snippet } = snippetOf(body, searchTerms('find '));
    expect(snippet.isWellFormed()).toBe(true);
    const start = `${'x '.repeat(100)}find ${'𝒜'.repeat(200)}`;
    expect(snippetOf(start, searchTerms('find ')).snippet.isWellFormed()).toBe(true);
  });
});

describe('matches in every language', () => {
  it('highlights what the engines matched: a stem, a CJK word inside a run, a Korean word without its particle', () => {
    expect(marked('встреча в пятницу', 'пятница ').words).toEqual(['пятницу']);
    expect(marked('Die Häuser sind groß', 'Haus ').words).toEqual(['Häuser']);
    expect(marked('明日の会議は十時からです', '会議 ').words).toEqual(['会議']);
    expect(marked('東京タワー night view', 'タワー ').words).toEqual(['タワー']);
    expect(marked('회의는 내일입니다', '회의 ').words).toEqual(['회의']);
    expect(marked('The meetings were running late', 'run meeting ').words).toEqual(['meetings', 'running']);
  });

  it('ranks a stem like the word itself, and the words typed in order above the same words apart', () => {
    const q = searchTerms('пятница ');
    expect(relevance('пятницу', q)).toBe(relevance('пятница', q));
    const two = searchTerms('会議 十時 ');
    expect(relevance('会議十時', two)).toBeGreaterThan(relevance('十時の会議', two));
    expect(relevance('no match', q)).toBe(0);
  });
});
