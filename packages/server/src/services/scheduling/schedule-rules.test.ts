import { describe, expect, it } from 'vitest';
import { MAX_SCHEDULE_AHEAD_MS } from '@confab/protocol';
import { AppError } from '../../errors.js';
import { scheduleTime, scheduledContent } from './schedule-rules.js';

const now = Date.parse('2026-03-01T12:00:00.000Z');
const MINUTE = 60_000;
const iso = (ms: number) => new Date(ms).toISOString();
const refusal = (run: () => unknown): AppError => {
  try {
    run();
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('not refused');
};

describe('scheduleTime', () => {
  it('takes a time from the minimum lead to a year ahead, both ends included', () => {
    expect(scheduleTime(iso(now + MINUTE), now, MINUTE)).toBe(now + MINUTE);
    expect(scheduleTime(iso(now + MAX_SCHEDULE_AHEAD_MS), now, MINUTE)).toBe(now + MAX_SCHEDULE_AHEAD_MS);
    // Any offset names the same instant.
    expect(scheduleTime('2026-03-02T09:00:00+02:00', now, MINUTE)).toBe(Date.parse('2026-03-02T07:00:00.000Z'));
  });

  it('refuses the past, less than the lead and more than a year with schedule_out_of_range naming the window', () => {
    for (const at of [now - 1000, now, now + MINUTE - 1, now + MAX_SCHEDULE_AHEAD_MS + 1]) {
      const error = refusal(() => scheduleTime(iso(at), now, MINUTE));
      expect(error.code).toBe('schedule_out_of_range');
      expect(error.status).toBe(400);
      expect(error.details).toEqual([
        {
          path: '/scheduledAt',
          message: expect.any(String),
          params: { earliest: iso(now + MINUTE), latest: iso(now + MAX_SCHEDULE_AHEAD_MS) },
        },
      ]);
    }
  });

  it('follows the configured lead (a short one for tests)', () => {
    expect(scheduleTime(iso(now + 500), now, 500)).toBe(now + 500);
    expect(refusal(() => scheduleTime(iso(now + 499), now, 500)).code).toBe('schedule_out_of_range');
  });
});

describe('scheduledContent', () => {
  it('keeps a text message, its reply and thread', () => {
    expect(scheduledContent({ clientId: 'k', body: 'hi', replyToId: 'm1', threadRootId: 'm0' })).toEqual({
      body: 'hi',
      replyToId: 'm1',
      threadRootId: 'm0',
    });
    expect(scheduledContent({ clientId: 'k', kind: 'text', body: 'hi' })).toEqual({ body: 'hi', replyToId: null, threadRootId: null });
  });

  it('refuses files, voice, locations, polls and a missing body, naming each field', () => {
    const error = refusal(() => scheduledContent({ clientId: 'k', kind: 'attachment', attachmentIds: ['u1'] }));
    expect(error.code).toBe('validation_failed');
    expect(error.details!.map((d) => d.path)).toEqual(['/kind', '/attachmentIds']);
    expect(refusal(() => scheduledContent({ clientId: 'k', location: { lat: 1, lng: 2 } } as never)).details![0]!.path).toBe('/location');
    expect(refusal(() => scheduledContent({ clientId: 'k' })).details![0]!.path).toBe('/body');
  });
});
