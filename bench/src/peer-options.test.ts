import { describe, expect, it } from 'vitest';
import { parseOptions } from './options.js';
import { parsePeerSelection } from './peer-selection.js';

describe('the peers phase’s selection (--peer-targets, --peer-levels, --peer-paths, --peer-users)', () => {
  it('runs every server (the peer flushed too), level, path and sender users by default: the complete comparison', () => {
    expect(parseOptions([])!.peers).toEqual({
      targets: ['peer', 'flushed', 'fastify', 'guaranteed', 'floor', 'durable', 'confab'],
      levels: [1, 10, 100],
      paths: ['rest', 'socket'],
      users: ['each', 4],
      complete: true,
    });
  });

  it('takes fewer for a focused run, in the tables’ order whatever order was typed, and says it is not complete', () => {
    const options = parseOptions([
      '--only',
      'peers',
      '--peer-targets',
      'confab,peer',
      '--peer-levels',
      '100,10',
      '--peer-paths',
      'socket',
    ])!;
    expect(options.peers).toEqual({
      targets: ['peer', 'confab'],
      levels: [10, 100],
      paths: ['socket'],
      users: ['each', 4],
      complete: false,
    });
    expect(parsePeerSelection('confab').complete).toBe(false);
    expect(parsePeerSelection('flushed,confab').targets).toEqual(['flushed', 'confab']);
    expect(parsePeerSelection(undefined, '1,10,100', 'socket,rest').complete).toBe(true);
    expect(parsePeerSelection(undefined, undefined, undefined, '4,each').complete).toBe(true);
    expect(parsePeerSelection(undefined, undefined, undefined, 'each')).toMatchObject({ users: ['each'], complete: false });
    expect(parsePeerSelection(undefined, undefined, undefined, '10, 2 ,each')).toMatchObject({ users: ['each', 2, 10], complete: false });
  });

  it('refuses an unknown server or path, an empty list, and a level that is not a positive whole number', () => {
    expect(() => parsePeerSelection('nginx')).toThrow(
      /--peer-targets: expected some of peer, flushed, fastify, guaranteed, floor, durable, confab/,
    );
    expect(() => parsePeerSelection(' , ')).toThrow(/--peer-targets/);
    expect(() => parsePeerSelection(undefined, undefined, 'grpc')).toThrow(/--peer-paths/);
    for (const levels of ['0', '2.5', 'ten', '']) expect(() => parsePeerSelection(undefined, levels)).toThrow(/--peer-levels/);
    for (const users of ['0', '-4', '1.5', 'all', '', ' , '])
      expect(() => parsePeerSelection(undefined, undefined, undefined, users)).toThrow(/--peer-users/);
  });
});
