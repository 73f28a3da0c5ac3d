import { describe, expect, it } from 'vitest';
import { PublishedPositions } from './published-positions.js';

describe('PublishedPositions', () => {
  it('covers a stretch only once every position in it was noted, in any order', () => {
    const published = new PublishedPositions();
    for (const pos of [11, 13, 12, 15]) published.note(pos);
    expect(published.covers(10, 13)).toBe(true);
    expect(published.covers(10, 15)).toBe(false); // 14 is missing
    published.note(14);
    expect(published.covers(10, 15)).toBe(true);
  });

  it('does not cover a stretch holding a position published elsewhere, and moves past it once checked', () => {
    const published = new PublishedPositions();
    for (const pos of [1, 2, 4, 5]) published.note(pos); // 3 came from another process
    expect(published.covers(0, 5)).toBe(false);
    // The live check read (0, 5] from the log: from 5 on, this node's own positions count again.
    for (const pos of [6, 7]) published.note(pos);
    expect(published.covers(5, 7)).toBe(true);
  });

  it('counts nothing at or below the first stretch asked about, and forgets what a check passed', () => {
    const published = new PublishedPositions();
    for (const pos of [3, 4, 9]) published.note(pos);
    expect(published.covers(8, 9)).toBe(true);
    published.note(4); // old news: ignored
    expect(published.covers(9, 10)).toBe(false);
    published.note(10);
    expect(published.covers(9, 10)).toBe(true);
  });

  it('keeps nothing apart once started: positions in order extend the prefix as they come', () => {
    const published = new PublishedPositions();
    for (const pos of [1, 2, 3]) published.note(pos);
    expect(published.held).toBe(3); // not started: every position kept
    published.startAfter(3);
    expect(published.held).toBe(0);
    for (let pos = 4; pos <= 1000; pos += 1) published.note(pos);
    expect(published.held).toBe(0);
    expect(published.covers(3, 1000)).toBe(true);
  });
});
