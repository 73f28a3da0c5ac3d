import { describe, expect, it } from 'vitest';
import { WindowedLatency, bucketDelta, maxBound, parseBuckets, quantileBound } from './soak-windows.js';

const NAME = 'confab_event_loop_delay_seconds';
const scrape = (counts: number[]) =>
  [
    `# HELP ${NAME} How late a 10 ms timer ran`,
    `# TYPE ${NAME} histogram`,
    ...['0.01', '0.05', '0.25', '1', '+Inf'].map((le, i) => `${NAME}_bucket{le="${le}"} ${counts[i]}`),
    `${NAME}_sum 1.5`,
    `${NAME}_count ${counts.at(-1)}`,
    'confab_other_bucket{le="0.01"} 99',
  ].join('\n');

describe('the soak’s windows', () => {
  it('reads one histogram’s buckets from /metrics, in order, ignoring the others', () => {
    expect([...parseBuckets(scrape([1, 2, 3, 4, 5]), NAME)]).toEqual([
      ['0.01', 1],
      ['0.05', 2],
      ['0.25', 3],
      ['1', 4],
      ['+Inf', 5],
    ]);
    expect(parseBuckets('', NAME).size).toBe(0);
  });

  it('bounds a window’s p99 and its longest stall by the buckets counted between two scrapes', () => {
    const before = parseBuckets(scrape([100, 100, 100, 100, 100]), NAME);
    // 1,000 ticks, 985 under 10 ms, 10 under 50 ms, 4 under 250 ms, one between 250 ms and 1 s.
    const after = parseBuckets(scrape([1085, 1095, 1099, 1100, 1100]), NAME);
    const delta = bucketDelta(before, after);
    expect(delta.get('+Inf')).toBe(1000);
    expect(quantileBound(delta, 0.5)).toBe('0.01');
    expect(quantileBound(delta, 0.99)).toBe('0.05');
    expect(maxBound(delta)).toBe('1');
    expect(quantileBound(bucketDelta(after, after), 0.99)).toBeNull();
    // A stall past the last bound.
    expect(maxBound(bucketDelta(before, parseBuckets(scrape([101, 101, 101, 101, 102]), NAME)))).toBe('+Inf');
  });

  it('puts each delivery in the window its message was sent in, however late it came', () => {
    const windows = new WindowedLatency(15_000);
    for (let i = 1; i <= 100; i++) windows.add(1000, i);
    windows.add(14_999, 2000); // sent in the first window, held up into the second
    windows.add(31_000, 5);
    const [first, second, third] = windows.summaries();
    expect(first).toMatchObject({ count: 101, p50: 51, max: 2000 });
    expect(second).toBeNull();
    expect(third).toMatchObject({ count: 1, p99: 5 });
  });
});

describe('the soak’s options', () => {
  it('is run only when named, with its sizes full or quick, and refuses sockets that do not fill the groups', async () => {
    const { parseOptions } = await import('./options.js');
    expect(parseOptions([])!.phases.has('soak')).toBe(false);
    const full = parseOptions(['--only', 'soak'])!;
    expect([...full.phases]).toEqual(['soak']);
    expect(full).toMatchObject({ soakSockets: 500, soakGroups: 10, soakRate: 300, soakDurationSec: 600, soakWindowSec: 15 });
    expect(parseOptions(['--only', 'soak', '--quick'])).toMatchObject({ soakSockets: 100, soakGroups: 2, soakDurationSec: 30 });
    expect(parseOptions(['--only', 'soak', '--soak-duration', '180', '--soak-rate', '150'])).toMatchObject({
      soakDurationSec: 180,
      soakRate: 150,
    });
    expect(() => parseOptions(['--only', 'soak', '--soak-sockets', '505'])).toThrow(/multiple of --soak-groups/);
    expect(() => parseOptions(['--only', 'soak', '--soak-rate', '0'])).toThrow(/--soak-rate/);
  });
});
