import { describe, expect, it } from 'vitest';
import { AVATAR_COLOURS, avatarColourOf, initialsOf } from './avatar-initials.js';

describe('initialsOf', () => {
  it('takes the first letters of the first and last words', () => {
    expect(initialsOf('Ada Lovelace')).toBe('AL');
    expect(initialsOf('  zoë  van  ng ')).toBe('ZN');
    expect(initialsOf('Ada')).toBe('A');
  });
  it('keeps a grapheme whole: a CJK character, an emoji with a modifier, a combining mark', () => {
    expect(initialsOf('山田 太郎')).toBe('山太');
    expect(initialsOf('👩🏽‍💻 Dev')).toBe('👩🏽‍💻D');
    expect(initialsOf('e\u0301mile')).toBe('E\u0301');
  });
  it('shows a question mark for an empty name', () => {
    expect(initialsOf('   ')).toBe('?');
  });
});

describe('avatarColourOf', () => {
  it('gives the same person the same colour, and spreads people over the palette', () => {
    expect(avatarColourOf('01J9ZS4Q6K')).toBe(avatarColourOf('01J9ZS4Q6K'));
    const seen = new Set(Array.from({ length: 200 }, (_, i) => avatarColourOf(`user-${i}`)));
    expect(seen.size).toBe(AVATAR_COLOURS.length);
  });
});
