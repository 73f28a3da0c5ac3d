/**
 * Where a sequential sender's time goes inside the server, send by send (issue 41 item 2): each
 * send's stamps (µs) from the HTTP `request` event to the commit (`WalSync.sync()` called), the log
 * flushed, the answer's head written and its last byte handed to the kernel; then the gap to the
 * next request and how much of it the event loop spent busy. `send-timeline-preload.ts` takes the
 * stamps; this turns them into a table.
 */
export interface SendStamps {
  request: number;
  committed?: number;
  flushed?: number;
  answered?: number;
  finished?: number;
  /** µs of the gap since the previous send's answer that the event loop was busy. */
  busyBefore?: number;
}

type Complete = Required<Omit<SendStamps, 'busyBefore'>> & Pick<SendStamps, 'busyBefore'>;

/** A gap after an answer longer than this is counted, with whether the loop was busy through it. */
const LONG_GAP_US = 1000;

function quantiles(values: readonly number[]): string {
  if (values.length === 0) return '–';
  const sorted = [...values].sort((a, b) => a - b);
  return [0.5, 0.9, 0.99].map((q) => sorted[Math.min(sorted.length - 1, Math.floor(sorted.length * q))]!.toFixed(0)).join(' / ');
}

/** The table for the last `count` complete sends (all by default). */
export function timelineReport(sends: readonly SendStamps[], count = Number.POSITIVE_INFINITY): string {
  const complete = sends.filter(
    (s): s is Complete => s.committed !== undefined && s.flushed !== undefined && s.answered !== undefined && s.finished !== undefined,
  );
  const window = complete.slice(Math.max(0, complete.length - count));
  const gaps = window.slice(1).map((s, i) => ({ gap: s.request - window[i]!.finished, busy: s.busyBefore ?? 0 }));
  const long = gaps.filter((g) => g.gap > LONG_GAP_US);
  const rows: [string, number[]][] = [
    ['request → commit', window.map((s) => s.committed - s.request)],
    ['commit → log flushed', window.map((s) => s.flushed - s.committed)],
    ['flushed → answer written', window.map((s) => s.answered - s.flushed)],
    ['answer written → last byte', window.map((s) => s.finished - s.answered)],
    ['request → last byte', window.map((s) => s.finished - s.request)],
    ['last byte → next request', gaps.map((g) => g.gap)],
    ['  of which the loop was busy', gaps.map((g) => g.busy)],
  ];
  return [
    `${window.length} sends (µs: p50 / p90 / p99)`,
    ...rows.map(([name, values]) => `${name.padEnd(30)} ${quantiles(values)}`),
    `gaps over ${LONG_GAP_US / 1000} ms after an answer: ${long.length}, the loop busy through 90 % of it in ${
      long.filter((g) => g.busy >= 0.9 * g.gap).length
    }`,
  ].join('\n');
}
