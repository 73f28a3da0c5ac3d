import type { Static } from 'typebox';
import { Value } from 'typebox/value';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  EPHEMERAL_EVENT_TYPES,
  EphemeralEvent,
  EphemeralEventSchemas,
  type EventDraft,
  type EventMap,
  type EventOf,
  EventSchemas,
  type EventTable,
  POSITIONED_EVENT_TYPES,
  PositionedEvent,
  PositionedEventSchemas,
  type PositionedEventType,
  ServerEvent,
  type ServerEventType,
  conversationOf,
  handleEvent,
  isPositionedEvent,
  isPrivateEvent,
} from './events.js';
import { ServerFrame } from './realtime.js';
import type { ConversationInfo, Member } from './conversations.js';
import type { Message } from './messages.js';
import type { Notification } from './notifications.js';

const at = '2026-01-01T00:00:00.000Z';
const message: Message = {
  id: 'm1',
  conversationId: 'c1',
  seq: 1,
  senderId: 'u1',
  clientId: 'k1',
  kind: 'text',
  body: 'hi',
  createdAt: at,
  editedAt: null,
  deletedAt: null,
  replyToId: null,
  replyTo: null,
  threadRootId: null,
  replyCount: 0,
  lastReplyAt: null,
  reactions: [],
  mentions: [],
  pinnedAt: null,
  pinnedBy: null,
};
const conversation: ConversationInfo = {
  id: 'c2',
  kind: 'group',
  title: 'g',
  createdBy: 'u1',
  createdAt: at,
  lastSeq: 1,
  lastActivityAt: at,
  memberCount: 2,
  encrypted: false,
};
const member: Member = { userId: 'u2', role: 'member', joinedAt: at };
const notification: Notification = {
  id: 'n1',
  kind: 'mention',
  conversationId: 'c3',
  messageId: 'm1',
  actorId: 'u1',
  createdAt: at,
  readAt: null,
};
const position = { pos: 7, prev: 3, cursor: 'e1.7' };

/** One event of every type, as the server sends it: a new event type does not compile until it has one. */
const samples: { [K in ServerEventType]: EventOf<K> } = {
  'message.created': { type: 'message.created', ...position, message },
  'message.updated': { type: 'message.updated', ...position, message: { ...message, editedAt: at } },
  'message.deleted': { type: 'message.deleted', ...position, message: { ...message, body: '', deletedAt: at } },
  'conversation.created': { type: 'conversation.created', ...position, conversation, members: [member] },
  'conversation.updated': { type: 'conversation.updated', ...position, conversation, by: 'u1' },
  'member.added': { type: 'member.added', ...position, conversationId: 'c2', member, conversation, by: 'u1' },
  'member.removed': { type: 'member.removed', ...position, conversationId: 'c2', userId: 'u2', by: 'u1' },
  'member.updated': { type: 'member.updated', ...position, conversationId: 'c2', member: { ...member, role: 'admin' }, by: 'u1' },
  'read.updated': { type: 'read.updated', ...position, conversationId: 'c2', userId: 'u2', readSeq: 1, unreadCount: 0, mentionCount: 0 },
  'notification.created': { type: 'notification.created', ...position, notification },
  'thread.read': {
    type: 'thread.read',
    ...position,
    conversationId: 'c4',
    rootId: 'm1',
    readSeq: 2,
    unreadCount: 0,
    following: true,
    unreadThreads: 0,
  },
  'thread.updated': {
    type: 'thread.updated',
    ...position,
    conversationId: 'c4',
    rootId: 'm1',
    readSeq: 2,
    unreadCount: 1,
    following: false,
    unreadThreads: 0,
  },
  'saved.updated': {
    type: 'saved.updated',
    ...position,
    conversationId: 'c5',
    messageId: 'm2',
    saved: true,
    savedAt: '2026-01-01T00:00:00.000Z',
  },
  'draft.updated': {
    type: 'draft.updated',
    ...position,
    draft: { conversationId: 'c6', body: 'half a thought', replyToId: null, version: 3, updatedAt: '2026-01-01T00:00:00.000Z' },
    deleted: false,
  },
  'scheduled.updated': {
    type: 'scheduled.updated',
    ...position,
    scheduled: {
      id: 's1',
      conversationId: 'c6',
      clientId: 'k1',
      kind: 'text',
      body: 'later',
      replyToId: null,
      threadRootId: null,
      scheduledAt: '2026-01-02T09:00:00.000Z',
      createdAt: '2026-01-01T00:00:00.000Z',
    },
  },
  'scheduled.removed': {
    type: 'scheduled.removed',
    ...position,
    scheduledId: 's1',
    conversationId: 'c6',
    reason: 'failed',
    messageId: null,
    error: { code: 'not_found', message: 'Conversation not found' },
  },
  'delivery.updated': { type: 'delivery.updated', conversationId: 'c2', userId: 'u2', deliveredSeq: 1 },
  typing: { type: 'typing', conversationId: 'c2', userId: 'u2', typing: true },
  presence: { type: 'presence', userId: 'u2', online: false, lastSeenAt: at },
  'block.updated': { type: 'block.updated', userId: 'u2', blocked: true },
  'user.updated': {
    type: 'user.updated',
    user: { id: 'u2', username: 'bob', displayName: 'Bob B', bio: '', avatarUrl: null, createdAt: '2024-01-01T00:00:00.000Z' },
  },
  'identity.updated': { type: 'identity.updated', userId: 'u2' },
  'device.revoked': { type: 'device.revoked', userId: 'u2', deviceId: 'dev_1' },
  'device_link.requested': {
    type: 'device_link.requested',
    link: {
      id: 'l1',
      deviceName: 'phone',
      publicKey: 'pk',
      state: 'pending',
      createdAt: at,
      expiresAt: at,
      approvedBy: null,
    },
  },
  'device_link.answered': {
    type: 'device_link.answered',
    link: {
      id: 'l1',
      deviceName: 'phone',
      publicKey: 'pk',
      state: 'approved',
      createdAt: at,
      expiresAt: at,
      approvedBy: 'd1',
    },
  },
};

describe('the event map', () => {
  it('has a schema for every event, which validates a sample of it and tells it from every other', () => {
    expect(Object.keys(samples)).toEqual(Object.keys(EventSchemas));
    for (const [type, schema] of Object.entries(EventSchemas)) {
      const sample = samples[type as ServerEventType];
      expect(Value.Check(schema, sample), type).toBe(true);
      expect(Value.Check(ServerEvent, sample), type).toBe(true);
      expect(Value.Check(ServerFrame, sample), type).toBe(true);
      expect(Value.Check(schema, { ...sample, type: 'message.send' }), `${type} with another type`).toBe(false);
      const others = Object.entries(EventSchemas).filter(([other]) => other !== type);
      expect(others.filter(([, other]) => Value.Check(other, sample)).map(([other]) => other)).toEqual([]);
    }
  });

  it('rejects a positioned event without its position, or without a field it carries', () => {
    for (const type of POSITIONED_EVENT_TYPES) {
      const { pos: _pos, ...unpositioned } = samples[type];
      expect(Value.Check(PositionedEventSchemas[type], unpositioned), type).toBe(false);
      expect(Value.Check(PositionedEventSchemas[type], { ...samples[type], pos: 0 }), `${type} at pos 0`).toBe(false);
    }
    const { message: _message, ...empty } = samples['message.created'];
    expect(Value.Check(PositionedEvent, empty)).toBe(false);
    expect(Value.Check(EphemeralEvent, { type: 'typing', conversationId: 'c2', userId: 'u2' })).toBe(false);
  });

  it('puts `type` first, then the position, then the payload, as the wire carries them', () => {
    expect(Object.keys(PositionedEventSchemas['read.updated'].properties)).toEqual([
      'type',
      'pos',
      'prev',
      'cursor',
      'conversationId',
      'userId',
      'readSeq',
      'unreadCount',
      'mentionCount',
    ]);
    expect(Object.keys(EphemeralEventSchemas.typing.properties)).toEqual(['type', 'conversationId', 'userId', 'typing']);
    expect(PositionedEventSchemas['message.created'].properties.type).toMatchObject({ const: 'message.created' });
    expect(PositionedEventSchemas['conversation.updated'].required).not.toContain('settings');
    for (const [type, schema] of Object.entries(EventSchemas))
      expect((schema as { description?: string }).description, type).toMatch(/^[A-Z]/);
  });
});

describe('the unions and lists derived from the map', () => {
  it('list the types in the map order, positioned then ephemeral, each once', () => {
    expect(POSITIONED_EVENT_TYPES).toEqual([
      'message.created',
      'message.updated',
      'message.deleted',
      'conversation.created',
      'conversation.updated',
      'member.added',
      'member.removed',
      'member.updated',
      'read.updated',
      'notification.created',
      'thread.read',
      'thread.updated',
      'saved.updated',
      'draft.updated',
      'scheduled.updated',
      'scheduled.removed',
    ]);
    expect(EPHEMERAL_EVENT_TYPES).toEqual([
      'delivery.updated',
      'typing',
      'presence',
      'block.updated',
      'user.updated',
      'identity.updated',
      'device.revoked',
      'device_link.requested',
      'device_link.answered',
    ]);
    const union = (schema: { anyOf: readonly { properties: { type: { const: string } } }[] }) =>
      schema.anyOf.map((member) => member.properties.type.const);
    expect(union(PositionedEvent)).toEqual(POSITIONED_EVENT_TYPES);
    expect(union(EphemeralEvent)).toEqual(EPHEMERAL_EVENT_TYPES);
    expect(union(ServerEvent)).toEqual([...POSITIONED_EVENT_TYPES, ...EPHEMERAL_EVENT_TYPES]);
    expect(union(ServerFrame)).toEqual(['ready', 'heads', 'ack', 'pong', 'error', ...POSITIONED_EVENT_TYPES, ...EPHEMERAL_EVENT_TYPES]);
    expect(new Set(union(ServerEvent)).size).toBe(union(ServerEvent).length);
  });

  it('agree with the map in the types: each entry is its own event, and the schemas infer the same unions', () => {
    expectTypeOf<EventMap['message.created']['type']>().toEqualTypeOf<'message.created'>();
    expectTypeOf<EventOf<'typing'>>().toEqualTypeOf<{ type: 'typing'; conversationId: string; userId: string; typing: boolean }>();
    expectTypeOf<EventMap['read.updated']>().toHaveProperty('pos');
    expectTypeOf<Static<typeof PositionedEvent>>().toEqualTypeOf<EventMap[PositionedEventType]>();
    expectTypeOf<Static<typeof ServerEvent>>().toEqualTypeOf<EventMap[ServerEventType]>();
    expectTypeOf<ServerEventType>().toEqualTypeOf<PositionedEventType | (typeof EPHEMERAL_EVENT_TYPES)[number]>();
    expectTypeOf(POSITIONED_EVENT_TYPES).toEqualTypeOf<readonly PositionedEvent['type'][]>();
    // A draft is its event without the position the log gives it.
    type Unpositioned = PositionedEvent extends infer E ? (E extends PositionedEvent ? Omit<E, 'pos' | 'prev' | 'cursor'> : never) : never;
    expectTypeOf<EventDraft>().toEqualTypeOf<Unpositioned>();
  });

  it('tell positioned events from the rest of the frames', () => {
    for (const type of POSITIONED_EVENT_TYPES) expect(isPositionedEvent(samples[type]), type).toBe(true);
    for (const type of EPHEMERAL_EVENT_TYPES) expect(isPositionedEvent(samples[type]), type).toBe(false);
    expect(isPositionedEvent({ type: 'ready' })).toBe(false);
  });
});

describe('tables by event type', () => {
  it('call the entry of the event type, given its event and the context', () => {
    const table: EventTable<'typing' | 'presence', string, string> = {
      typing: (e, context) => `${context}: ${e.userId} typing ${e.typing}`,
      presence: (e, context) => `${context}: ${e.userId} online ${e.online}`,
    };
    expect(handleEvent(table, samples.typing, 'c')).toBe('c: u2 typing true');
    expect(handleEvent(table, samples.presence, 'c')).toBe('c: u2 online false');
    // @ts-expect-error a table must name every type of its union
    const missing: EventTable<'typing' | 'presence', string> = { typing: () => 'x' };
    expect(missing).toBeDefined();
  });

  it('find the conversation of every positioned event type', () => {
    const expected: Record<PositionedEventType, string> = {
      'message.created': 'c1',
      'message.updated': 'c1',
      'message.deleted': 'c1',
      'conversation.created': 'c2',
      'conversation.updated': 'c2',
      'member.added': 'c2',
      'member.removed': 'c2',
      'member.updated': 'c2',
      'read.updated': 'c2',
      'notification.created': 'c3',
      'thread.read': 'c4',
      'thread.updated': 'c4',
      'saved.updated': 'c5',
      'draft.updated': 'c6',
      'scheduled.updated': 'c6',
      'scheduled.removed': 'c6',
    };
    for (const type of POSITIONED_EVENT_TYPES) expect(conversationOf(samples[type]), type).toBe(expected[type]);
  });

  it('name the private events: my notifications and my own settings', () => {
    const privateTypes = POSITIONED_EVENT_TYPES.filter((type) => isPrivateEvent(samples[type]));
    expect(privateTypes).toEqual([
      'notification.created',
      'thread.read',
      'thread.updated',
      'saved.updated',
      'draft.updated',
      'scheduled.updated',
      'scheduled.removed',
    ]);
    const settings = { muted: true, starred: false, archived: false, clearedSeq: 0 };
    expect(isPrivateEvent({ ...samples['conversation.updated'], settings })).toBe(true);
  });
});
