import type { Message } from '@confab/protocol';
import { describe, expect, it } from 'vitest';
import type { PendingMessage } from '../../state/outbox.js';
import { timelineRows } from './timeline-rows.js';

const message = (seq: number, senderId: string, createdAt: string): Message =>
  ({ id: `m${seq}`, seq, senderId, createdAt, conversationId: 'c', body: `#${seq}`, kind: 'text' }) as Message;
const now = new Date('2026-03-10T12:00:00');

describe('timelineRows', () => {
  it('puts a date separator above the first message of each day', () => {
    const rows = timelineRows(
      [message(1, 'bob', '2026-03-09T09:00:00'), message(2, 'bob', '2026-03-09T10:00:00'), message(3, 'bob', '2026-03-10T08:00:00')],
      [],
      'me',
      null,
      now,
    );
    expect(rows.map((r) => r.day)).toEqual(['Yesterday', null, 'Today']);
  });

  it('puts the new-messages divider above the first message from someone else after my marker, once', () => {
    const rows = timelineRows(
      [
        message(1, 'bob', '2026-03-10T08:00:00'),
        message(2, 'me', '2026-03-10T08:01:00'),
        message(3, 'bob', '2026-03-10T08:02:00'),
        message(4, 'bob', '2026-03-10T08:03:00'),
      ],
      [],
      'me',
      1,
      now,
    );
    expect(rows.map((r) => r.newDivider)).toEqual([false, false, true, false]);
    expect(timelineRows([message(1, 'bob', '2026-03-10T08:00:00')], [], 'me', null, now)[0]!.newDivider).toBe(false);
  });

  it('groups consecutive messages of one person within five minutes, and starts a new group after a gap, another sender, a divider or a new day', () => {
    const rows = timelineRows(
      [
        message(1, 'bob', '2026-03-09T23:58:00'),
        message(2, 'bob', '2026-03-10T00:01:00'), // a new day
        message(3, 'bob', '2026-03-10T00:04:59'),
        message(4, 'ann', '2026-03-10T00:05:00'), // another sender
        message(5, 'ann', '2026-03-10T00:10:00'), // exactly five minutes later
        message(6, 'ann', '2026-03-10T00:11:00'),
        message(7, 'ann', '2026-03-10T00:12:00'), // under the new-messages divider
        { ...message(8, 'ann', '2026-03-10T00:12:30'), kind: 'system' } as Message,
        message(9, 'ann', '2026-03-10T00:13:00'), // after a system message
      ],
      [],
      'me',
      6,
      now,
    );
    expect(rows.map((r) => r.kind === 'message' && r.continued)).toEqual([false, false, true, false, false, true, false, false, false]);
  });

  it('ends with my pending messages, keyed apart from stored ones', () => {
    const pending = {
      clientId: 'x',
      conversationId: 'c',
      body: 'hi',
      links: {},
      createdAt: '2026-03-10T08:05:00',
      status: 'sending',
    } as PendingMessage;
    const rows = timelineRows([message(1, 'bob', '2026-03-10T08:00:00')], [pending], 'me', null, now);
    expect(rows.map((r) => [r.kind, r.key])).toEqual([
      ['message', 'm1'],
      ['pending', 'pending:x'],
    ]);
  });

  it("folds a run of a blocked person's messages into one row per day, and nothing else (issue 35)", () => {
    const rows = timelineRows(
      [
        message(1, 'bob', '2026-03-09T09:00:00'),
        message(2, 'eve', '2026-03-09T09:01:00'),
        message(3, 'eve', '2026-03-09T09:02:00'),
        message(4, 'bob', '2026-03-09T09:03:00'),
        message(5, 'eve', '2026-03-09T09:04:00'),
        message(6, 'eve', '2026-03-10T08:00:00'),
      ],
      [],
      'me',
      null,
      now,
      (m) => m.senderId === 'eve',
    );
    expect(rows.map((r) => [r.kind, r.kind === 'folded' ? r.messages.map((m) => m.seq) : r.key, r.day])).toEqual([
      ['message', 'm1', 'Yesterday'],
      ['folded', [2, 3], null],
      ['message', 'm4', null],
      ['folded', [5], null],
      ['folded', [6], 'Today'],
    ]);
    // Revealed (no longer folded): plain rows again.
    expect(timelineRows([message(2, 'eve', '2026-03-09T09:01:00')], [], 'me', null, now, () => false).map((r) => r.kind)).toEqual([
      'message',
    ]);
  });
});
