import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PublishedPositions } from '../services/published-positions.js';
import type { Connection } from './connection.js';
import { LiveCheck } from './live-check.js';

/** A log whose head the test moves, and which records the range reads it was asked for. */
function fakeSync(heads: Map<string, number>) {
  const sync = {
    pos: 0,
    reads: [] as [number, number][],
    head: () => Promise.resolve({ epoch: 'e', pos: sync.pos, floor: 0 }),
    conversationHeadsBetween(after: number, upTo: number) {
      sync.reads.push([after, upTo]);
      return Promise.resolve(new Map([...heads].filter(([, pos]) => pos > after && pos <= upTo)));
    },
  };
  return sync;
}

function liveCheck(sync: ReturnType<typeof fakeSync>, published?: PublishedPositions) {
  const listeners = new Set([{} as Connection]);
  const behind: [string, number][] = [];
  const check = new LiveCheck(
    sync,
    () => listeners,
    (_, id, pos) => behind.push([id, pos]),
    60_000,
    pino({ level: 'silent' }),
    published,
  );
  return { check, behind };
}

describe('LiveCheck', () => {
  it('reads the log range of the interval before last, and hands on what never arrived', async () => {
    const sync = fakeSync(new Map([['c1', 7]]));
    const { check, behind } = liveCheck(sync);
    sync.pos = 5;
    await check.check(); // sets the window up
    sync.pos = 8;
    await check.check();
    sync.pos = 9;
    await check.check();
    expect(sync.reads).toEqual([[5, 8]]);
    expect(behind).toEqual([['c1', 7]]);
  });

  it('reads nothing for a range this node published whole through a bus that drops nothing', async () => {
    const sync = fakeSync(new Map([['c1', 7]]));
    const published = new PublishedPositions();
    const { check, behind } = liveCheck(sync, published);
    sync.pos = 5;
    await check.check();
    for (const pos of [6, 7, 8]) published.note(pos);
    sync.pos = 8;
    await check.check();
    sync.pos = 9;
    await check.check();
    expect(sync.reads).toEqual([]);
    expect(behind).toEqual([]);
  });

  it('reads a range holding a position another process committed (a command-line change)', async () => {
    const sync = fakeSync(new Map([['c1', 7]]));
    const published = new PublishedPositions();
    const { check, behind } = liveCheck(sync, published);
    sync.pos = 5;
    await check.check();
    for (const pos of [6, 8]) published.note(pos); // 7 was committed elsewhere
    sync.pos = 8;
    await check.check();
    sync.pos = 9;
    await check.check();
    expect(sync.reads).toEqual([[5, 8]]);
    expect(behind).toEqual([['c1', 7]]);
  });
});
