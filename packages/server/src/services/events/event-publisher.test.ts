import { type Message, POSITIONED_EVENT_TYPES, type PositionedEvent, type PositionedEventType } from '@confab/protocol';
import { describe, expect, it } from 'vitest';
import type { StoredEvent } from '../../store/store.js';
import { topicsOf } from './event-publisher.js';

const at = '2026-01-01T00:00:00.000Z';
const conversation = {
  id: 'c1',
  kind: 'group',
  title: 'g',
  createdBy: 'a',
  createdAt: at,
  lastSeq: 1,
  lastActivityAt: at,
  memberCount: 3,
  encrypted: false,
} as const;
const member = (userId: string) => ({ userId, role: 'member' as const, joinedAt: at });
const message = { conversationId: 'c1' } as Message; // topics are chosen by the stream, not by the message
const position = { pos: 5, prev: 4, cursor: 'e.5' };
const thread = { conversationId: 'c1', rootId: 'm1', readSeq: 3, unreadCount: 0, following: true, unreadThreads: 0 };

/** One event of each positioned type, with who must hear it. */
const cases: Record<PositionedEventType, { event: PositionedEvent; stream: string; topics: string[] }> = {
  'message.created': { event: { type: 'message.created', ...position, message }, stream: 'c1', topics: ['conv:c1'] },
  'message.updated': { event: { type: 'message.updated', ...position, message }, stream: 'c1', topics: ['conv:c1'] },
  'message.deleted': { event: { type: 'message.deleted', ...position, message }, stream: 'c1', topics: ['conv:c1'] },
  'conversation.created': {
    event: { type: 'conversation.created', ...position, conversation, members: [member('a'), member('b')] },
    stream: 'c1',
    topics: ['user:a', 'user:b'],
  },
  'conversation.updated': {
    event: { type: 'conversation.updated', ...position, conversation, by: 'a' },
    stream: 'c1',
    topics: ['conv:c1'],
  },
  'member.added': {
    event: { type: 'member.added', ...position, conversationId: 'c1', member: member('b'), conversation, by: 'a' },
    stream: 'c1',
    topics: ['conv:c1', 'user:b', 'cluster'],
  },
  'member.removed': {
    event: { type: 'member.removed', ...position, conversationId: 'c1', userId: 'b', by: 'a' },
    stream: 'c1',
    topics: ['conv:c1', 'user:b', 'cluster'],
  },
  'member.updated': {
    event: { type: 'member.updated', ...position, conversationId: 'c1', member: member('b'), by: 'a' },
    stream: 'c1',
    topics: ['conv:c1', 'cluster'],
  },
  'read.updated': {
    event: { type: 'read.updated', ...position, conversationId: 'c1', userId: 'b', readSeq: 1, unreadCount: 0, mentionCount: 0 },
    stream: 'c1',
    topics: ['conv:c1'],
  },
  'notification.created': {
    event: {
      type: 'notification.created',
      ...position,
      notification: { id: 'n1', kind: 'mention', conversationId: 'c1', messageId: 'm1', actorId: 'a', createdAt: at, readAt: null },
    },
    stream: 'b', // a private event is logged in its user's stream
    topics: ['user:b'],
  },
  'thread.read': {
    event: { type: 'thread.read', ...position, ...thread },
    stream: 'b',
    topics: ['user:b'],
  },
  'thread.updated': {
    event: { type: 'thread.updated', ...position, ...thread, following: false },
    stream: 'b',
    topics: ['user:b'],
  },
  'saved.updated': {
    event: { type: 'saved.updated', ...position, conversationId: 'c1', messageId: 'm1', saved: false, savedAt: null },
    stream: 'b',
    topics: ['user:b'],
  },
  'draft.updated': {
    event: {
      type: 'draft.updated',
      ...position,
      draft: { conversationId: 'c1', body: '', replyToId: null, version: 2, updatedAt: '2026-01-01T00:00:00.000Z' },
      deleted: true,
    },
    stream: 'b',
    topics: ['user:b'],
  },
  'scheduled.updated': {
    event: {
      type: 'scheduled.updated',
      ...position,
      scheduled: {
        id: 's1',
        conversationId: 'c1',
        clientId: 'k1',
        kind: 'text',
        body: 'later',
        replyToId: null,
        threadRootId: null,
        scheduledAt: at,
        createdAt: at,
      },
    },
    stream: 'b',
    topics: ['user:b'],
  },
  'scheduled.removed': {
    event: {
      type: 'scheduled.removed',
      ...position,
      scheduledId: 's1',
      conversationId: 'c1',
      reason: 'sent',
      messageId: 'm1',
      error: null,
    },
    stream: 'b',
    topics: ['user:b'],
  },
};

const stored = (event: PositionedEvent, conversationId: string): StoredEvent => ({
  pos: event.pos,
  conversationId,
  subjectUserId: null,
  createdAt: 0,
  event,
  frame: JSON.stringify(event),
});

describe('topicsOf: who hears each positioned event', () => {
  it('routes every type of the event map', () => {
    expect(Object.keys(cases)).toEqual([...POSITIONED_EVENT_TYPES]);
    for (const [type, { event, stream, topics }] of Object.entries(cases)) expect(topicsOf(stored(event, stream)), type).toEqual(topics);
  });

  it("sends my own settings to my devices alone, in my private stream, not to the conversation's members", () => {
    const settings = { muted: true, starred: false, archived: false, clearedSeq: 0 };
    const mine = { type: 'conversation.updated' as const, ...position, conversation, by: 'b', settings };
    expect(topicsOf(stored(mine, 'b'))).toEqual(['user:b']);
  });
});
