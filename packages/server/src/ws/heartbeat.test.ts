import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { type Beating, Heartbeat } from './heartbeat.js';

interface FakeSocket extends Beating {
  pings: number[];
  terminatedAt: number | null;
  /** Answers each ping at once, as a live peer does. */
  answers: boolean;
}

function fakeSocket(answers = true): FakeSocket {
  const s: FakeSocket = {
    alive: true,
    heartbeatSlice: -1,
    pings: [],
    terminatedAt: null,
    answers,
    socket: {
      ping: () => {
        s.pings.push(Date.now());
        if (s.answers) s.alive = true;
      },
      terminate: () => {
        s.terminatedAt = Date.now();
      },
    },
  };
  return s;
}

describe('Heartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers({ now: 0 });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings every socket once per interval, a slice every tick, not all at once', () => {
    const heartbeat = new Heartbeat<FakeSocket>(1000);
    const sockets = Array.from({ length: 100 }, () => fakeSocket());
    for (const s of sockets) heartbeat.add(s);
    heartbeat.start();
    vi.advanceTimersByTime(100);
    // Ten slices of ten: the first tick pings one of them.
    expect(sockets.filter((s) => s.pings.length === 1)).toHaveLength(10);
    vi.advanceTimersByTime(900);
    expect(sockets.every((s) => s.pings.length === 1)).toBe(true);
    vi.advanceTimersByTime(2000);
    for (const s of sockets) {
      expect(s.pings).toHaveLength(3);
      // Each socket's pings are one interval apart.
      expect(s.pings[1]! - s.pings[0]!).toBe(1000);
      expect(s.pings[2]! - s.pings[1]!).toBe(1000);
    }
    heartbeat.stop();
  });

  it('drops a socket that has not answered by its next ping, one interval after the last', () => {
    const heartbeat = new Heartbeat<FakeSocket>(1000);
    const silent = fakeSocket(false);
    const live = fakeSocket();
    heartbeat.add(live);
    heartbeat.add(silent);
    heartbeat.start();
    vi.advanceTimersByTime(1000);
    expect(silent.pings).toHaveLength(1);
    expect(silent.terminatedAt).toBeNull();
    vi.advanceTimersByTime(1000);
    expect(silent.terminatedAt).toBe(silent.pings[0]! + 1000);
    expect(silent.pings).toHaveLength(1);
    expect(live.terminatedAt).toBeNull();
    heartbeat.stop();
  });

  it('leaves a removed socket alone, and stops when stopped', () => {
    const heartbeat = new Heartbeat<FakeSocket>(1000);
    const gone = fakeSocket(false);
    const kept = fakeSocket();
    heartbeat.add(gone);
    heartbeat.add(kept);
    heartbeat.start();
    vi.advanceTimersByTime(1000);
    heartbeat.remove(gone);
    vi.advanceTimersByTime(3000);
    expect(gone.pings).toHaveLength(1);
    expect(gone.terminatedAt).toBeNull();
    expect(kept.pings).toHaveLength(4);
    heartbeat.stop();
    vi.advanceTimersByTime(3000);
    expect(kept.pings).toHaveLength(4);
  });

  it('pings every socket at each tick when the interval is no longer than one', () => {
    const heartbeat = new Heartbeat<FakeSocket>(50);
    const sockets = [fakeSocket(), fakeSocket(), fakeSocket()];
    for (const s of sockets) heartbeat.add(s);
    heartbeat.start();
    vi.advanceTimersByTime(100);
    expect(sockets.map((s) => s.pings.length)).toEqual([2, 2, 2]);
    heartbeat.stop();
  });
});
