import { afterEach, describe, expect, it, vi } from 'vitest';
import { EventHandlers } from './event-handlers.js';
import { ReconnectBackoff } from './reconnect-backoff.js';

afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

describe('ReconnectBackoff', () => {
  it('doubles the delay per attempt up to the max, jittered to half–all of it, and starts over once reset', () => {
    vi.useFakeTimers();
    vi.spyOn(Math, 'random').mockReturnValue(1); // no jitter: the full delay
    const backoff = new ReconnectBackoff(100, 350);
    const at: number[] = [];
    const start = Date.now();
    const attempt = () => at.push(Date.now() - start);
    for (const [i, wait] of [100, 200, 350, 350].entries()) {
      backoff.schedule(attempt);
      vi.advanceTimersByTime(wait - 1);
      expect(at).toHaveLength(i); // not yet
      vi.advanceTimersByTime(1);
      expect(at).toHaveLength(i + 1);
    }
    expect(at).toEqual([100, 300, 650, 1000]);
    backoff.reset();
    vi.spyOn(Math, 'random').mockReturnValue(0); // the most jitter: half
    backoff.schedule(attempt);
    vi.advanceTimersByTime(50);
    expect(at.at(-1)).toBe(1050);
  });

  it('runs nothing once cancelled', () => {
    vi.useFakeTimers();
    const backoff = new ReconnectBackoff(100, 1000);
    let ran = false;
    backoff.schedule(() => (ran = true));
    backoff.cancel();
    vi.advanceTimersByTime(10_000);
    expect(ran).toBe(false);
  });
});

describe('EventHandlers', () => {
  it('hands an event to its type’s handlers, then the catch-all ones, until removed', () => {
    const handlers = new EventHandlers();
    const seen: string[] = [];
    const off = handlers.add('typing', (e) => seen.push(`typing:${e.type}`));
    handlers.add('*', (e) => seen.push(`all:${e.type}`));
    const event = { type: 'typing', conversationId: 'c', userId: 'u', typing: true } as never;
    handlers.emit(event);
    off();
    handlers.emit(event);
    expect(seen).toEqual(['typing:typing', 'all:typing', 'all:typing']);
  });
});
