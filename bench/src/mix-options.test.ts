import { describe, expect, it } from 'vitest';
import { DEFAULT_MIX, describeMix, parseMix, sameMix, sliceModes } from './mixed.js';
import { ratioInterval } from './stats.js';
import { parseOptions } from './options.js';

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

describe('the mixed phase’s slices and its ratio’s interval', () => {
  it('runs one slice of each mode per pair, the order of each pair drawn from the seed', () => {
    const modes = sliceModes(7);
    const slices = Array.from({ length: 40 }, (_, i) => modes(i));
    for (let p = 0; p < 20; p++) expect(new Set([slices[2 * p], slices[2 * p + 1]])).toEqual(new Set(['mix', 'plain']));
    const mixFirst = Array.from({ length: 20 }, (_, p) => slices[2 * p] === 'mix');
    expect(mixFirst).toContain(true);
    expect(mixFirst).toContain(false);
    expect(Array.from({ length: 40 }, (_, i) => sliceModes(7)(i))).toEqual(slices);
  });

  it('brackets the ratio of the sums, narrower with steadier pairs, and none without two pairs', () => {
    const steady = Array.from({ length: 20 }, () => ({ mix: 800, plain: 1000 }));
    expect(ratioInterval(steady, 1)).toEqual([0.8, 0.8]);
    const noisy = Array.from({ length: 20 }, (_, i) => ({ mix: 800 + (i % 2 === 0 ? 150 : -150), plain: 1000 }));
    const [lo, hi] = ratioInterval(noisy, 1)!;
    expect(lo).toBeLessThan(0.8);
    expect(hi).toBeGreaterThan(0.8);
    expect(lo).toBeGreaterThan(0.7);
    expect(hi).toBeLessThan(0.9);
    expect(ratioInterval(noisy, 1)).toEqual([lo, hi]);
    expect(ratioInterval([{ mix: 1, plain: 1 }], 1)).toBeNull();
  });
});
