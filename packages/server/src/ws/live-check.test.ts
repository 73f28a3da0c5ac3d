import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { PublishedPositions } from '../services/events/published-positions.js';
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

/**
 * A start with the head at 5, then checks with it at 8 and 9: the first sets the window up, the
 * second reads (5, 8]. `meanwhile` runs between the start and the first check (the positions this
 * node publishes in that window).
 */
async function threeChecks(sync: ReturnType<typeof fakeSync>, published?: PublishedPositions, meanwhile = () => {}) {
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
  sync.pos = 5;
  await check.start();
  meanwhile();
  for (const head of [8, 9]) {
    sync.pos = head;
    await check.check();
  }
  check.stop();
  return behind;
}

describe('LiveCheck', () => {
  it('reads the log range of the interval before last, and hands on what never arrived', async () => {
    const sync = fakeSync(new Map([['c1', 7]]));
    const behind = await threeChecks(sync);
    expect(sync.reads).toEqual([[5, 8]]);
    expect(behind).toEqual([['c1', 7]]);
  });

  it('reads nothing for a range this node published whole through a bus that drops nothing', async () => {
    const sync = fakeSync(new Map([['c1', 7]]));
    const published = new PublishedPositions();
    let held = -1;
    const behind = await threeChecks(sync, published, () => {
      [6, 7, 8].forEach((pos) => published.note(pos));
      held = published.held;
    });
    expect(sync.reads).toEqual([]);
    expect(behind).toEqual([]);
    // From the first check on, what the node publishes in order extends the prefix: nothing is held apart.
    expect(held).toBe(0);
  });

  it('reads a range holding a position another process committed (a command-line change)', async () => {
    const sync = fakeSync(new Map([['c1', 7]]));
    const published = new PublishedPositions();
    // 7 was committed elsewhere.
    const behind = await threeChecks(sync, published, () => [6, 8].forEach((pos) => published.note(pos)));
    expect(sync.reads).toEqual([[5, 8]]);
    expect(behind).toEqual([['c1', 7]]);
  });

  it('looks for what committed between its start and its first check (sent as the server began to listen)', async () => {
    const sync = fakeSync(new Map([['c1', 6]]));
    const behind: [string, number][] = [];
    const check = new LiveCheck(
      sync,
      () => new Set([{} as Connection]),
      (_, id, pos) => behind.push([id, pos]),
      60_000,
      pino({ level: 'silent' }),
    );
    sync.pos = 5;
    await check.start();
    sync.pos = 6; // committed, and lost by the bus, before the first check
    await check.check();
    sync.pos = 7;
    await check.check();
    check.stop();
    expect(sync.reads).toEqual([[5, 6]]);
    expect(behind).toEqual([['c1', 6]]);
  });

  it('checks nothing before it started', async () => {
    const sync = fakeSync(new Map([['c1', 3]]));
    const check = new LiveCheck(
      sync,
      () => new Set([{} as Connection]),
      () => {},
      60_000,
      pino({ level: 'silent' }),
    );
    sync.pos = 3;
    await check.check();
    expect(sync.reads).toEqual([]);
  });
});
