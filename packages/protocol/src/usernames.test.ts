import { describe, expect, it } from 'vitest';
import { isUsername, normalizeUsername, usernameKey, usernameProblem } from './usernames.js';

describe('usernames', () => {
  it('takes letters and digits of one script, and _ . -, 3 to 32 characters', () => {
    for (const name of ['admin', 'a.b-c_9', 'émile', 'Ελληνικά', 'иван_петров', '日本語ユーザー', '山田taro', '한국어abc', 'x'.repeat(32)])
      expect(usernameProblem(name), name).toBeUndefined();
    for (const name of ['ab', 'x'.repeat(33), 'has space', 'semi;colon', 'at@sign', '', 'zero\u200dwidth', '\uD800abc'])
      expect(isUsername(name), name).toBe(false);
  });

  it('refuses mixed scripts: a Latin name with a Cyrillic or Greek look-alike in it', () => {
    expect(usernameProblem('\u0430dmin')).toMatch(/mixes scripts \(Cyrillic, Latin\)/);
    expect(isUsername('p\u0430ypal')).toBe(false);
    expect(isUsername('\u03bfpen')).toBe(false); // Greek omicron
    expect(isUsername('한국어ひらがな')).toBe(false); // Hangul with Hiragana is no language's mix
  });

  it('normalises with NFKC and compares ignoring case', () => {
    expect(normalizeUsername('ａｄｍｉｎ')).toBe('admin');
    expect(normalizeUsername('𝐚𝐝𝐦𝐢𝐧')).toBe('admin');
    expect(usernameKey('ＡＤＭＩＮ')).toBe(usernameKey('admin'));
    expect(usernameKey('E\u0301mile')).toBe(usernameKey('\u00e9mile'));
    expect(usernameKey('ΣΊΣΥΦΟΣ')).toBe(usernameKey('σίσυφος'));
    expect(usernameKey('Straße')).toBe(usernameKey('STRASSE'));
  });

  // Issue 35: names with a character that shows nothing look like the plain name beside them.
  it('refuses default-ignorable (invisible) characters anywhere in the name', () => {
    for (const invisible of ['\u034F', '\uFE0F', '\u1160', '\u200D', '\u200B', '\u2060', '\u00AD', '\u180E', '\uFEFF', '\u3164']) {
      const name = `copex${invisible}123456`;
      expect(isUsername(name), JSON.stringify(name)).toBe(false);
      expect(usernameProblem(name), JSON.stringify(name)).toMatch(/invisible|letters, digits/);
    }
    expect(isUsername('copex123456')).toBe(true);
  });
});
