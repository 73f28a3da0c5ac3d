import { describe, expect, it } from 'vitest';
import { type SendStamps, timelineReport } from './send-timeline.js';

/** A send at `start` µs whose segments took the given µs; `busyBefore` the loop's busy µs since the last answer. */
function send(start: number, [commit, flush, answer, last]: [number, number, number, number], busyBefore?: number): SendStamps {
  const committed = start + commit;
  const flushed = committed + flush;
  const answered = flushed + answer;
  return { request: start, committed, flushed, answered, finished: answered + last, ...(busyBefore !== undefined && { busyBefore }) };
}

const line = (report: string, name: string) => report.split('\n').find((l) => l.startsWith(name));

describe('timelineReport', () => {
  it('gives each segment of a send and the gaps between them, by quantile', () => {
    const sends = [
      send(0, [400, 200, 70, 90]),
      send(1000, [400, 200, 70, 90], 100), // 240 µs after the first's last byte
      send(3000, [400, 250, 70, 90], 1700), // a 1,240 µs gap, the loop busy through it
      send(5000, [500, 300, 80, 100], 200), // a 1,190 µs gap, the loop mostly idle
    ];
    const report = timelineReport(sends);
    expect(report.split('\n')[0]).toBe('4 sends (µs: p50 / p90 / p99)');
    expect(line(report, 'request → commit')).toMatch(/ 400 \/ 500 \/ 500$/);
    expect(line(report, 'commit → log flushed')).toMatch(/ 250 \/ 300 \/ 300$/);
    expect(line(report, 'request → last byte')).toMatch(/ 810 \/ 980 \/ 980$/);
    expect(line(report, 'last byte → next request')).toMatch(/ 1190 \/ 1240 \/ 1240$/);
    expect(line(report, 'gaps over 1 ms')).toBe('gaps over 1 ms after an answer: 2, the loop busy through 90 % of it in 1');
  });

  it('leaves out sends not answered yet and keeps the last ones asked for', () => {
    const sends = [send(0, [900, 900, 900, 900]), send(5000, [100, 100, 100, 100]), { request: 9000, committed: 9100 }];
    const report = timelineReport(sends, 1);
    expect(report.split('\n')[0]).toBe('1 sends (µs: p50 / p90 / p99)');
    expect(line(report, 'request → commit')).toMatch(/ 100 \/ 100 \/ 100$/);
    expect(line(report, 'last byte → next request')).toMatch(/ – *$/);
    expect(timelineReport([])).toContain('0 sends');
  });
});
