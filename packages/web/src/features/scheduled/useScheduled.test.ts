import { describe, expect, it } from 'vitest';
import type { ScheduledMessage } from '@confab/protocol';
import { upsert } from './useScheduled.js';

const at = (id: string, scheduledAt: string, body = id): ScheduledMessage => ({
  id,
  conversationId: 'c1',
  clientId: `client-${id}`,
  kind: 'text',
  body,
  replyToId: null,
  threadRootId: null,
  scheduledAt,
  createdAt: '2026-11-27T08:00:00.000Z',
});

describe('upsert (a scheduled.updated event applied to the list)', () => {
  it('replaces the earlier version of a schedule in place of reading the list again', () => {
    const list = [at('a', '2026-11-28T09:00:00.000Z', 'Stand-up in ten'), at('b', '2026-11-29T09:00:00.000Z')];
    const next = upsert(list, at('a', '2026-11-28T09:00:00.000Z', 'Stand-up in five'));
    expect(next.map((s) => s.body)).toEqual(['Stand-up in five', 'b']);
  });

  it('keeps the list soonest first, as the server lists it (then by id), when a time changes or one is added', () => {
    const list = [at('a', '2026-11-28T09:00:00.000Z'), at('b', '2026-11-29T09:00:00.000Z')];
    expect(upsert(list, at('a', '2026-11-30T09:00:00.000Z')).map((s) => s.id)).toEqual(['b', 'a']);
    expect(upsert(list, at('0', '2026-11-29T09:00:00.000Z')).map((s) => s.id)).toEqual(['a', '0', 'b']);
    expect(list.map((s) => s.id)).toEqual(['a', 'b']);
  });
});
