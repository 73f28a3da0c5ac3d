import { describe, expect, it } from 'vitest';
import { DEFAULT_MIX, describeMix, sameMix } from './mixed.js';
import { parseMix, parseOptions } from './options.js';

describe('the mixed phase’s mix (--mix)', () => {
  it('defaults to the mix issue 10’s bar is measured with', () => {
    expect(parseOptions([])!.mix).toEqual({ reply: 0.1, reaction: 0.1, edit: 0.02, delete: 0.01 });
    expect(describeMix(DEFAULT_MIX)).toBe('10% replies, 10% reactions, 2% edits, 1% deletes');
  });

  it('takes the kinds named, the others none', () => {
    const mix = parseOptions(['--mix', 'reply=0.2'])!.mix;
    expect(mix).toEqual({ reply: 0.2, reaction: 0, edit: 0, delete: 0 });
    expect(sameMix(mix, DEFAULT_MIX)).toBe(false);
    expect(describeMix(mix)).toBe('20% replies');
    expect(describeMix(parseMix(''))).toBe('plain sends only');
  });

  it('refuses an unknown kind, a share outside 0–1, and shares over 1 in all', () => {
    expect(() => parseMix('pin=0.1')).toThrow(/unknown kind "pin"/);
    expect(() => parseMix('reply=1.5')).toThrow(/share from 0 to 1/);
    expect(() => parseMix('reply')).toThrow(/share from 0 to 1/);
    expect(() => parseMix('reply=0.6,reaction=0.6')).toThrow(/more than 1/);
  });
});
