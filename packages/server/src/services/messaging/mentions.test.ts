import { describe, expect, it } from 'vitest';
import { mentionTokens } from './mentions.js';

describe('mentionTokens', () => {
  it('finds @username tokens, lower-cased, each once, in order', () => {
    expect(mentionTokens('hi @Bob and @alice_1, also @BOB')).toEqual(['bob', 'alice_1']);
    expect(mentionTokens('@all: standup')).toEqual(['all']);
  });

  it('ignores e-mail addresses, too short names and a bare @', () => {
    expect(mentionTokens('mail bob@example.com or @ab or @ alone')).toEqual([]);
  });

  it('also tries a name without the punctuation that ends a sentence', () => {
    expect(mentionTokens('thanks @carol.')).toEqual(['carol.', 'carol']);
    expect(mentionTokens('(@dave) and @e.f.g')).toEqual(['dave', 'e.f.g']);
  });

  it('finds names in any script, as their folded keys (NFKC, case)', () => {
    expect(mentionTokens('привет @Иван и @ＥＭＩＬＥ')).toEqual(['иван', 'emile']);
  });
});
